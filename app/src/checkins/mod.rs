//! Weekly check-ins: a dated update of one key result with a confidence and
//! a short reflection (progress, problems, plans), and the pages built on
//! them — the objective page with history charts, and a unit's weekly review.

mod alignment;
mod chart;
mod draft;
mod form;
mod page;
mod review;
#[cfg(feature = "ssr")]
pub mod ssr;

pub use chart::HistoryChart;
pub use form::{CheckInDraft, CheckInForm, short_day};
pub use page::ObjectivePage;
pub use review::{ReviewSections, UnitReviewPage};

use crate::board::Viewer;
use crate::cycles::Cycle;
use crate::error::AppError;
use crate::objectives::Objective;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Longest progress / problems / plans text of a check-in.
pub const MAX_REFLECTION: usize = 1000;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckIn {
    pub id: String,
    pub key_result_id: String,
    pub author: String,
    pub value: f64,
    pub confidence: u8,
    pub progress: String,
    pub problems: String,
    pub plans: String,
    /// The day it counts for (`YYYY-MM-DD`).
    pub on: String,
}

/// A key result's owner and check-ins (oldest first), beside the objective's
/// own copy of the key result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Track {
    pub key_result_id: String,
    pub owner: String,
    pub check_ins: Vec<CheckIn>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectiveLink {
    pub id: String,
    pub title: String,
    pub unit: String,
    /// The cycle's name, when it is not the objective's own (an enclosing one).
    pub cycle: Option<String>,
}

/// One line of an objective's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryLine {
    /// `YYYY-MM-DD`.
    pub on: String,
    pub text: String,
}

/// Where a unit stands in a shared objective.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ShareState {
    Owner,
    Sharing,
    Invited,
}

/// One unit of a shared objective, with what it commits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShareRow {
    pub unit_id: i64,
    pub path: String,
    pub state: ShareState,
    pub commitment: Option<String>,
}

/// Everything the objective page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ObjectiveView {
    pub objective: Objective,
    pub cycle: Cycle,
    pub today: String,
    pub unit_path: String,
    /// What it supports, what supports it, and what it could support (open
    /// objectives of its cycle and of enclosing cycles).
    pub supports: Vec<ObjectiveLink>,
    pub children: Vec<ObjectiveLink>,
    pub candidates: Vec<ObjectiveLink>,
    /// The units of a shared objective (the owner first); empty when it is
    /// not shared.
    pub shares: Vec<ShareRow>,
    pub decision_owner: Option<String>,
    /// Links, invitations, answers and merges, newest first.
    pub history: Vec<HistoryLine>,
    /// When the page was asked for by an objective merged into this one.
    pub merged_note: Option<String>,
    pub tracks: Vec<Track>,
    /// The closing note, once closed.
    pub closing: Option<crate::lessons::ClosingNote>,
    /// Where it came from and where it went across cycles.
    #[serde(default)]
    pub carry: crate::retro::Carry,
    pub viewer: Viewer,
}

/// What a check-in saved: the check-in and the objective it moved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckInSaved {
    pub check_in: CheckIn,
    pub objective: Objective,
}

/// One check-in in a unit's weekly review.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewItem {
    pub check_in: CheckIn,
    pub objective_id: String,
    pub objective_title: String,
    pub key_result_title: String,
    pub unit_label: String,
    pub progress: f64,
    /// The proxy metric the value is read from, if any.
    #[serde(default)]
    pub proxy: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitReview {
    pub unit_id: i64,
    pub unit_path: String,
    pub cycle: Option<Cycle>,
    /// First and last day of the week reviewed (`YYYY-MM-DD`).
    pub from: String,
    pub to: String,
    /// Low confidence first, then reported problems, then the rest.
    pub items: Vec<ReviewItem>,
    /// Key results of the unit's active objectives with no check-in this week.
    pub silent: Vec<SilentKeyResult>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SilentKeyResult {
    pub objective_id: String,
    pub objective_title: String,
    pub key_result_title: String,
}

#[server(endpoint = "get_objective_view")]
pub async fn get_objective_view(id: String) -> Result<ObjectiveView, AppError> {
    use crate::error::ssr::reply;
    ssr::objective_view(&id).await.map_err(reply)
}

/// Checks in on a key result. `id` is chosen by the browser, so a retried
/// check-in is recorded once. `value` is the new value ("1" or "0" for a
/// milestone), `confidence` 0–10.
#[server(endpoint = "save_check_in")]
pub async fn save_check_in(
    id: String,
    key_result_id: String,
    value: String,
    confidence: String,
    progress: String,
    problems: String,
    plans: String,
) -> Result<CheckInSaved, AppError> {
    use crate::error::ssr::reply;
    ssr::check_in(ssr::CheckInInput {
        id,
        key_result_id,
        value,
        confidence,
        progress,
        problems,
        plans,
    })
    .await
    .map_err(reply)
}

#[server(endpoint = "get_unit_review")]
pub async fn get_unit_review(unit_id: i64) -> Result<UnitReview, AppError> {
    use crate::error::ssr::reply;
    ssr::unit_review(unit_id).await.map_err(reply)
}

/// Parses a confidence from a form field.
pub fn parse_confidence(raw: &str) -> Result<u8, AppError> {
    raw.trim()
        .parse::<u8>()
        .ok()
        .filter(|c| *c <= 10)
        .ok_or_else(|| AppError::invalid("confidence", "Choose a confidence from 0 to 10."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn confidence_is_a_whole_number_from_zero_to_ten() {
        assert_eq!(parse_confidence("0"), Ok(0));
        assert_eq!(parse_confidence(" 7 "), Ok(7));
        assert_eq!(parse_confidence("10"), Ok(10));
        for bad in ["", "11", "-1", "7.5", "high", "256"] {
            assert!(parse_confidence(bad).is_err(), "{bad:?}");
        }
    }
}
