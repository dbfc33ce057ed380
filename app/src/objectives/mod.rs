//! The objectives of a cycle and their key results, as every feature sees
//! them: the model shared by the server and the browser, the events that
//! tell an open board what changed, and (server only) the store every
//! feature reads and changes them through. The planning board, check-ins,
//! KPIs, lessons, rhythm and the end of a cycle all build on it. The model
//! builds on no feature but cycles (an objective lives in one); the store
//! on who asks (`auth`), the unit tree (`units`) and what follows a commit
//! (`live::ssr::after_commit`).

mod events;
#[cfg(feature = "ssr")]
pub mod ssr;

pub use events::BoardEvent;

use crate::cycles::Cycle;
use crate::domain::cadence;
use crate::domain::okr::{Fallback, MetricKind, ObjectiveKind, Status};
use crate::domain::permissions::Scope;
use crate::domain::progress::{Measure, objective_progress};
use crate::domain::warnings::Readiness;
use serde::{Deserialize, Serialize};

/// Longest objective or key-result title.
pub const MAX_TITLE: usize = 200;
/// Longest description.
pub const MAX_DESCRIPTION: usize = 4000;
/// Longest "why important" / "why urgent".
pub const MAX_WHY: usize = 2000;

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

    /// A draft made after `cycle`'s planning window: marked "late", still
    /// allowed to be activated.
    pub fn drafted_late(&self, cycle: &crate::cycles::Cycle) -> bool {
        self.status == crate::domain::okr::Status::Draft
            && cycle
                .calendar()
                .ok()
                .zip(crate::cycles::parse_date("created_on", &self.created_on).ok())
                .is_some_and(|(calendar, day)| calendar.drafted_late(day))
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
