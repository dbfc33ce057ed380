//! Home: where a person starts their week. The key results they own with
//! a check-in due (checked in right there), proposals waiting for them as a
//! lead, their objectives to close in a retrospective window, their next
//! meetings from the communication plan, and their units' place on the
//! leaderboard — each with an empty state that says what to do next.

mod page;
#[cfg(feature = "ssr")]
pub mod ssr;

pub use page::{HomePage, people_count};

use crate::cycles::Cycle;
use crate::error::AppError;
use crate::objectives::KeyResult;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A key result of the person's with no check-in this week.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DueKeyResult {
    pub key_result: KeyResult,
    pub objective_id: String,
    pub objective_title: String,
    /// Past the weekly cadence, not just due this week.
    pub overdue: bool,
}

/// An objective proposed in a unit the person leads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaitingProposal {
    pub objective_id: String,
    pub title: String,
    pub unit: String,
    pub cycle_id: i64,
    pub cycle: String,
}

/// An open objective of the person's units in a retrospective window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ToClose {
    pub objective_id: String,
    pub title: String,
    pub unit: String,
    pub cycle: String,
    /// Days left in the cycle's retrospective window.
    pub days_left: i64,
}

/// One of the person's next meetings, from the communication plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NextMeeting {
    pub name: String,
    /// `YYYY-MM-DD`.
    pub on: String,
    pub format: String,
    pub agenda: Option<String>,
}

/// One of the person's units on the leaderboard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitPlace {
    pub name: String,
    pub rank: u32,
    pub of: usize,
    pub progress: f64,
    pub expected: f64,
}

/// Everything home shows the person.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Week {
    /// The cycle running today, if any.
    pub cycle: Option<Cycle>,
    pub due: Vec<DueKeyResult>,
    /// Whether the person may review proposals at all (a lead, the ambassador).
    pub reviews_proposals: bool,
    pub proposals: Vec<WaitingProposal>,
    pub to_close: Vec<ToClose>,
    pub meetings: Vec<NextMeeting>,
    pub places: Vec<UnitPlace>,
}

#[server(endpoint = "get_my_week")]
pub async fn get_my_week() -> Result<Week, AppError> {
    use crate::error::ssr::reply;
    ssr::week().await.map_err(reply)
}
