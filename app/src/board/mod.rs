//! The planning board of a cycle: objectives with their key results, the
//! warnings that guard against the classic OKR failures, and every change a
//! planner makes on it. Changes carry the version they were based on, so a
//! stale edit is refused instead of overwriting someone else's.

pub mod alignment;
mod card;
mod closing;
mod events;
mod inline;
#[cfg(feature = "hydrate")]
mod live_client;
mod map;
mod menu;
pub mod page;
mod readiness;
#[cfg(feature = "ssr")]
pub mod ssr;

pub use alignment::{MAX_COMMITMENT, OverlapPair};
pub use events::BoardEvent;
pub use map::MapPage;
pub use page::BoardPage;

use crate::cycles::Cycle;
use crate::domain::cadence;
use crate::domain::okr::{Fallback, MetricKind, ObjectiveKind, Status, StretchPhase};
use crate::domain::permissions::{self, Actor, Change, Scope};
use crate::domain::progress::{Measure, objective_progress};
use crate::domain::warnings::{
    self, KeyResultFacts, ObjectiveFacts, Readiness, SharedFacts, Warning,
};
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Longest objective or key-result title.
pub const MAX_TITLE: usize = 200;
/// Longest description.
pub const MAX_DESCRIPTION: usize = 4000;
/// Longest "why important" / "why urgent".
pub const MAX_WHY: usize = 2000;

/// Everything a board shows, at one board version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Board {
    pub cycle: Cycle,
    /// The day the board was loaded (`YYYY-MM-DD`), for overdue key results.
    pub today: String,
    /// Rises with every committed change on this board.
    pub version: i64,
    pub stretch_phase: StretchPhase,
    /// Every unit, with its path, in tree order: columns and choices.
    pub units: Vec<UnitChoice>,
    /// People who can own key results.
    pub people: Vec<PersonChoice>,
    pub objectives: Vec<Objective>,
    /// Objectives of the cycles enclosing this one, which its objectives
    /// may support.
    pub outside: Vec<OutsideObjective>,
    /// Who is looking, so the board offers only what they may do.
    pub viewer: Viewer,
    /// Units the ambassador left out of this cycle: not counted, not gaps.
    #[serde(default)]
    pub units_out: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitChoice {
    pub id: i64,
    pub name: String,
    pub parent_id: Option<i64>,
    /// "Engineering › Platform".
    pub path: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonChoice {
    pub id: i64,
    pub name: String,
}

/// The viewer, as permissions see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Viewer {
    pub id: i64,
    pub role: crate::domain::roles::Role,
    /// The units they belong to.
    pub units: Vec<i64>,
    /// The units they lead: a lead's own units and every unit below them.
    pub led: Vec<i64>,
}

impl Viewer {
    pub fn actor(&self) -> Actor {
        Actor {
            id: self.id,
            role: self.role,
            units: self.units.clone(),
            led: self.led.clone(),
        }
    }
}

impl From<Actor> for Viewer {
    fn from(actor: Actor) -> Self {
        Viewer {
            id: actor.id,
            role: actor.role,
            units: actor.units,
            led: actor.led,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Objective {
    pub id: String,
    pub cycle_id: i64,
    pub unit_id: i64,
    /// Units that accepted to share it: they act in it as the owner does.
    pub shared_unit_ids: Vec<i64>,
    /// Units invited to share it that have not answered: no rights yet.
    pub invited_unit_ids: Vec<i64>,
    /// What each unit of a shared objective commits, by unit.
    pub commitments: Vec<Commitment>,
    /// The one person who decides for a shared objective.
    pub decision_owner_id: Option<i64>,
    /// The objectives it supports ("contributes to"): of its cycle or of a
    /// cycle enclosing it.
    pub supports: Vec<String>,
    pub title: String,
    pub description: String,
    pub why_important: String,
    pub why_urgent: String,
    pub kind: ObjectiveKind,
    pub status: Status,
    pub version: i64,
    /// Who made the last change, for "changed by … meanwhile".
    pub updated_by: String,
    /// The final score, once closed.
    pub score: Option<f64>,
    /// The day it was drafted (`YYYY-MM-DD`): a draft made after the
    /// planning window is late.
    #[serde(default)]
    pub created_on: String,
    /// Why it was closed without a retrospective (closed with no closing
    /// note), shown on the objective.
    #[serde(default)]
    pub no_retro_reason: Option<String>,
    /// Who closed it without a retrospective.
    #[serde(default)]
    pub no_retro_by: Option<String>,
    /// The closed objective of an earlier cycle this one carries on: its
    /// closing note's lessons show on this one.
    #[serde(default)]
    pub carried_from: Option<String>,
    pub key_results: Vec<KeyResult>,
}

/// What one unit of a shared objective commits to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Commitment {
    pub unit_id: i64,
    pub text: String,
}

/// An objective of an enclosing cycle (a year around a quarter) that this
/// cycle's objectives may support.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutsideObjective {
    pub id: String,
    pub cycle_name: String,
    pub unit_id: i64,
    pub title: String,
    pub status: Status,
    pub progress: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeyResult {
    pub id: String,
    pub objective_id: String,
    pub title: String,
    pub metric: MetricKind,
    pub unit_label: String,
    pub start: f64,
    pub target: f64,
    pub current: f64,
    pub owner_id: i64,
    pub readiness: Readiness,
    pub fallback: Option<Fallback>,
    pub proxy_name: String,
    pub version: i64,
    /// The day it was added (`YYYY-MM-DD`).
    pub created_on: String,
    /// The day of its latest check-in, if any.
    pub last_check_in: Option<String>,
}

impl KeyResult {
    /// Whether it is overdue for a check-in on `today` (see [`cadence::is_overdue`]).
    pub fn is_overdue(&self, cycle: &Cycle, status: Status, today: &str) -> bool {
        if self.is_delayed() {
            return false;
        }
        let day = |raw: &str| crate::cycles::parse_date("day", raw).ok();
        let (Ok(calendar), Some(today), Some(created_on)) =
            (cycle.calendar(), day(today), day(&self.created_on))
        else {
            return false;
        };
        let last = self.last_check_in.as_deref().and_then(day);
        cadence::is_overdue(&calendar, today, status, created_on, last)
    }

    /// Not data-ready, with the fallback "delay": it does not count in its
    /// objective's progress and is never overdue until the data exists.
    pub fn is_delayed(&self) -> bool {
        !self.readiness.is_ready() && self.fallback == Some(Fallback::Delay)
    }

    /// The proxy metric's name, when the key result is measured by one
    /// until its own data exists: shown wherever its value is.
    pub fn proxy(&self) -> Option<&str> {
        let name = self.proxy_name.trim();
        (self.fallback == Some(Fallback::Proxy) && !name.is_empty()).then_some(name)
    }

    pub fn measure(&self) -> Measure {
        Measure {
            metric: self.metric,
            start: self.start,
            target: self.target,
            current: self.current,
        }
    }

    pub fn progress(&self) -> f64 {
        self.measure().progress()
    }
}

impl Objective {
    /// The mean progress of its key results, leaving out those delayed
    /// until their data exists.
    pub fn progress(&self) -> f64 {
        objective_progress(
            &self
                .key_results
                .iter()
                .filter(|k| !k.is_delayed())
                .map(KeyResult::measure)
                .collect::<Vec<_>>(),
        )
    }

    /// Shared with another unit, or inviting one.
    pub fn is_shared(&self) -> bool {
        !self.shared_unit_ids.is_empty() || !self.invited_unit_ids.is_empty()
    }

    /// What `unit` commits, if it said.
    pub fn commitment(&self, unit: i64) -> Option<&str> {
        self.commitments
            .iter()
            .find(|c| c.unit_id == unit)
            .map(|c| c.text.as_str())
    }

    /// The owning unit, then the sharing units.
    pub fn units(&self) -> Vec<i64> {
        let mut units = vec![self.unit_id];
        units.extend(&self.shared_unit_ids);
        units
    }

    pub fn scope(&self) -> Scope {
        Scope {
            status: self.status,
            owner_unit: self.unit_id,
            shared_units: self.shared_unit_ids.clone(),
        }
    }
}

impl Board {
    /// The warnings of one objective, in the context of its unit and cycle.
    pub fn warnings(&self, objective: &Objective) -> Vec<Warning> {
        let siblings = self
            .objectives
            .iter()
            .filter(|o| o.unit_id == objective.unit_id && o.status != Status::Closed);
        let unit_objectives = siblings.clone().count();
        let unit_aspirational = siblings
            .filter(|o| o.kind == ObjectiveKind::Aspirational)
            .count();
        warnings::warnings(&ObjectiveFacts {
            kind: objective.kind,
            why_important: &objective.why_important,
            why_urgent: &objective.why_urgent,
            key_results: objective
                .key_results
                .iter()
                .map(|kr| KeyResultFacts {
                    title: &kr.title,
                    readiness: kr.readiness,
                    fallback: kr.fallback,
                    proxy_name: &kr.proxy_name,
                })
                .collect(),
            unit_objectives,
            unit_aspirational,
            stretch_phase: self.stretch_phase,
            closed: objective.status == Status::Closed,
            shared: objective.is_shared().then(|| SharedFacts {
                has_decision_owner: objective.decision_owner_id.is_some(),
                without_commitment: std::iter::once(objective.unit_id)
                    .chain(objective.shared_unit_ids.iter().copied())
                    .filter(|u| objective.commitment(*u).is_none())
                    .map(|u| self.unit_name(u))
                    .collect(),
            }),
        })
    }

    /// Whether the viewer may make `change` to `objective` (the server checks again).
    pub fn may(&self, change: Change, objective: &Objective) -> bool {
        permissions::check(&self.viewer.actor(), change, &objective.scope()).is_ok()
    }

    /// The title of an objective of this board or of an enclosing cycle
    /// ("Grow revenue (2026)").
    pub fn objective_title(&self, id: &str) -> String {
        if let Some(o) = self.objectives.iter().find(|o| o.id == id) {
            return o.title.clone();
        }
        self.outside
            .iter()
            .find(|o| o.id == id)
            .map(|o| format!("{} ({})", o.title, o.cycle_name))
            .unwrap_or_else(|| "an objective of another cycle".into())
    }

    pub fn unit_name(&self, id: i64) -> String {
        self.units
            .iter()
            .find(|u| u.id == id)
            .map(|u| u.name.clone())
            .unwrap_or_default()
    }

    pub fn unit_path(&self, id: i64) -> String {
        self.units
            .iter()
            .find(|u| u.id == id)
            .map(|u| u.path.clone())
            .unwrap_or_default()
    }

    pub fn person_name(&self, id: i64) -> String {
        self.people
            .iter()
            .find(|p| p.id == id)
            .map(|p| p.name.clone())
            .unwrap_or_else(|| "Someone".into())
    }

    /// Applies a live event; returns false when it does not follow this
    /// board's version (the caller then reloads the whole board).
    pub fn apply(&mut self, event: &BoardEvent) -> bool {
        if event.version() != self.version + 1 {
            return event.version() <= self.version;
        }
        event.apply_to(self);
        self.version = event.version();
        true
    }
}

/// The board of a cycle.
#[server(endpoint = "get_board")]
pub async fn get_board(cycle_id: i64) -> Result<Board, AppError> {
    use crate::error::ssr::reply;
    ssr::get_board(cycle_id).await.map_err(reply)
}

/// Creates a draft objective. `id` is chosen by the client, so a retried
/// request finds the objective it already created instead of adding another.
#[server(endpoint = "create_objective")]
pub async fn create_objective(
    id: String,
    cycle_id: i64,
    unit_id: String,
    title: String,
    kind: ObjectiveKind,
) -> Result<Objective, AppError> {
    use crate::error::ssr::reply;
    ssr::create_objective(&id, cycle_id, &unit_id, &title, kind)
        .await
        .map_err(reply)
}

/// Changes one field of an objective: `title`, `description`,
/// `why_important`, `why_urgent`, `kind`, `status` (one step of its life),
/// `unit_id` (give it to another unit), `shared_units` (the units invited
/// to share it, comma-separated ids) or `decision_owner_id` (a person; empty
/// for none). `previous` is the value the change was based on: when the version
/// is stale and the field has changed since, the change is refused.
#[server(endpoint = "update_objective")]
pub async fn update_objective(
    id: String,
    version: i64,
    field: String,
    previous: String,
    value: String,
) -> Result<Objective, AppError> {
    use crate::error::ssr::reply;
    ssr::update_objective(&id, version, &field, &previous, &value)
        .await
        .map_err(reply)
}

/// Adds a key result; `id` is chosen by the client, as for objectives.
#[server(endpoint = "create_key_result")]
pub async fn create_key_result(
    id: String,
    objective_id: String,
    title: String,
    metric: MetricKind,
    unit_label: String,
    start: String,
    target: String,
    owner_id: String,
) -> Result<KeyResult, AppError> {
    use crate::error::ssr::reply;
    ssr::create_key_result(ssr::NewKeyResult {
        id,
        objective_id,
        title,
        metric,
        unit_label,
        start,
        target,
        owner_id,
    })
    .await
    .map_err(reply)
}

/// Changes one field of a key result: `title`, `unit_label`, `start`,
/// `target`, `current`, `owner_id`, a readiness box (`source_identified`,
/// `baseline_known`, `data_owner`, `update_frequency`, `reliable`: "true" or
/// "false"), `fallback` (empty for none) or `proxy_name`.
/// `previous` works as for objectives.
#[server(endpoint = "update_key_result")]
pub async fn update_key_result(
    id: String,
    version: i64,
    field: String,
    previous: String,
    value: String,
) -> Result<KeyResult, AppError> {
    use crate::error::ssr::reply;
    ssr::update_key_result(&id, version, &field, &previous, &value)
        .await
        .map_err(reply)
}

/// Shared units as the client sends them: ids, sorted, comma-separated.
pub fn shared_units_text(ids: &[i64]) -> String {
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
}

pub use crate::domain::progress::format_number;

/// Parses a number typed into a form, accepting a decimal comma.
pub fn parse_number(field: &str, raw: &str) -> Result<f64, AppError> {
    crate::domain::validation::number(raw)
        .ok_or_else(|| AppError::invalid(field, "Enter a number, like 42 or 12.5."))
}

/// A new random id (UUID v4) for something the browser is about to create.
pub fn new_client_id() -> String {
    let mut bytes = [0u8; 16];
    fill_random(&mut bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

#[cfg(feature = "ssr")]
fn fill_random(bytes: &mut [u8]) {
    use argon2::password_hash::rand_core::{OsRng, RngCore};
    OsRng.fill_bytes(bytes);
}

#[cfg(all(feature = "hydrate", not(feature = "ssr")))]
fn fill_random(bytes: &mut [u8]) {
    // getRandomValues works on plain HTTP too (randomUUID needs HTTPS).
    let filled = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .is_some_and(|crypto| crypto.get_random_values_with_u8_array(bytes).is_ok());
    if !filled {
        for byte in bytes.iter_mut() {
            *byte = (js_sys::Math::random() * 256.0) as u8;
        }
    }
}

#[cfg(not(any(feature = "ssr", feature = "hydrate")))]
fn fill_random(bytes: &mut [u8]) {
    // Only for builds without either side (documentation, `cargo check`).
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    for (i, byte) in bytes.iter_mut().enumerate() {
        *byte = (seed >> ((i % 16) * 8)) as u8;
    }
}

#[cfg(test)]
pub(crate) mod tests;
