//! The end of a cycle: the ambassador marks it complete once every
//! objective is closed (with a closing note, or explicitly without a
//! retrospective and a reason that stays on the objective); an unfinished
//! objective is carried into the next cycle as a draft that shows the
//! lessons of the note that closed it. The rules are in
//! [`crate::domain::retro`].

#[cfg(feature = "ssr")]
pub mod ssr;
mod views;

pub use views::{CarryPanel, CompleteCycle, NoRetroForm, NoRetroNotice};

use crate::cycles::Cycle;
use crate::error::AppError;
use crate::objectives::Objective;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Where an objective came from and where it went, across cycles.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Carry {
    /// The closed objective this draft carries on, with its lessons.
    pub from: Option<CarriedFrom>,
    /// The draft this closed objective was carried into.
    pub into: Option<CarriedInto>,
    /// Where "carry into the next cycle" would put it, when it can be
    /// carried (closed, unfinished, not carried yet, a next cycle exists).
    pub next_cycle: Option<String>,
    /// Why it cannot be carried, when it is closed and unfinished but
    /// there is nowhere to carry it.
    pub blocked: Option<String>,
    /// Key results reached already, which stay behind.
    pub reached: Vec<String>,
    /// Whether the viewer may carry it (draft in its unit; the server
    /// checks again).
    #[serde(default)]
    pub may_carry: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CarriedFrom {
    pub objective_id: String,
    pub title: String,
    pub cycle: String,
    /// The note that closed it; `None` when it was closed without one.
    pub note: Option<crate::lessons::ClosingNote>,
    pub no_retro_reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CarriedInto {
    pub objective_id: String,
    pub cycle: String,
}

/// Marks a cycle complete (the ambassador, from its retrospective window
/// on, once every objective is closed). A retried request answers with the
/// completed cycle.
#[server(endpoint = "complete_cycle")]
pub async fn complete_cycle(cycle_id: i64) -> Result<Cycle, AppError> {
    use crate::error::ssr::reply;
    ssr::complete_cycle(cycle_id).await.map_err(reply)
}

/// What still stands between a cycle and "complete", as sentences.
#[server(endpoint = "cycle_completion")]
pub async fn cycle_completion(cycle_id: i64) -> Result<Completion, AppError> {
    use crate::error::ssr::reply;
    ssr::completion(cycle_id).await.map_err(reply)
}

/// Whether a cycle can be marked complete now, and why not.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Completion {
    pub cycle: Cycle,
    /// `None` when it can be marked complete now.
    pub blocked: Option<String>,
    pub closed_with_note: usize,
    pub closed_without_retro: usize,
    pub open: usize,
}

/// Closes an objective without a retrospective (a lead of its unit or the
/// ambassador), with the reason shown on it. A retried request with the
/// same reason answers with the closed objective.
#[server(endpoint = "close_without_retrospective")]
pub async fn close_without_retrospective(
    id: String,
    reason: String,
) -> Result<Objective, AppError> {
    use crate::error::ssr::reply;
    ssr::close_without_retro(&id, &reason).await.map_err(reply)
}

/// Carries a closed, unfinished objective into the next cycle as a draft
/// with id `new_id` (chosen by the browser, so a retry is applied once).
/// Answers with the draft; carrying the same objective again answers with
/// the draft it already has.
#[server(endpoint = "carry_over")]
pub async fn carry_over(id: String, new_id: String) -> Result<Objective, AppError> {
    use crate::error::ssr::reply;
    ssr::carry_over(&id, &new_id).await.map_err(reply)
}
