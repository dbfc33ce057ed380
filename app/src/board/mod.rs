//! The planning board of a cycle: objectives with their key results, the
//! warnings that guard against the classic OKR failures, and every change a
//! planner makes on it. Changes carry the version they were based on, so a
//! stale edit is refused instead of overwriting someone else's.

pub mod alignment;
mod card;
mod closing;
mod drag;
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
pub use card::LateBadge;
pub use map::MapPage;
pub use page::BoardPage;

use crate::cycles::Cycle;
use crate::domain::okr::{MetricKind, ObjectiveKind, Status, StretchPhase};
use crate::domain::permissions::{self, Actor, Change};
use crate::domain::warnings::{self, KeyResultFacts, ObjectiveFacts, SharedFacts, Warning};
use crate::error::AppError;
use crate::objectives::{BoardEvent, KeyResult, Objective};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

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
        match event {
            BoardEvent::ObjectiveSaved { objective, .. } => {
                match self.objectives.iter_mut().find(|o| o.id == objective.id) {
                    Some(existing) => *existing = (**objective).clone(),
                    None => self.objectives.push((**objective).clone()),
                }
            }
            BoardEvent::ObjectiveRemoved { id, .. } => self.objectives.retain(|o| &o.id != id),
            BoardEvent::ScopeChanged { units_out, .. } => self.units_out = units_out.clone(),
            BoardEvent::CycleChanged { cycle, .. } => self.cycle = (**cycle).clone(),
        }
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
