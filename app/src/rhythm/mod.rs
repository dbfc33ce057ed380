//! The program's rhythm: each cycle's communication plan (shown on the
//! cycle's page), and the agendas that put OKRs inside the meetings people
//! already hold — the team weekly, the one-on-one, the all-hands and the
//! department review — each built from live data, with shared notes per
//! meeting date.
//!
//! Everyone signed in reads the plan and the team and review agendas; the
//! ambassador runs the plan and leads add meetings for their own units; a
//! one-on-one belongs to the person and their leads
//! ([`crate::domain::permissions::check_one_on_one`]).

// The server functions take a form's fields one by one: that is how a
// browser form posts them, and each field names its own error.
#![allow(clippy::too_many_arguments)]

mod agenda;
mod cycle_page;
mod notes;
mod plan;
mod planning;
mod scope;
#[cfg(feature = "ssr")]
pub mod ssr;

pub use agenda::{AllHandsPage, OneOnOnePage, ReviewPage, WeeklyPage};
pub use cycle_page::CyclePage;

use crate::checkins::{CheckIn, UnitReview};
use crate::cycles::Cycle;
use crate::domain::leaderboard::{Highlight, Standing};
use crate::domain::rhythm::coaching::Question;
use crate::domain::rhythm::planning::Checklist;
use crate::domain::rhythm::{Frequency, Level, MeetingKind};
use crate::error::AppError;
use crate::leaderboard::Recovery;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub const MAX_CUSTOM_NAME: usize = 80;
pub const MAX_FORMAT: usize = 200;
pub const MAX_OWNER: usize = 80;
pub const MAX_POINTS: usize = 2000;
pub const MAX_NOTES: usize = 2000;

/// A meeting of a cycle's communication plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanMeeting {
    pub id: i64,
    pub kind: MeetingKind,
    pub custom_name: String,
    pub level: Level,
    /// The unit it is held for; `None`: every unit at its level.
    pub unit_id: Option<i64>,
    /// "Engineering › Platform", or "Everyone".
    pub held_for: String,
    pub frequency: Frequency,
    /// ISO weekday, 1 is Monday.
    pub weekday: u8,
    pub format: String,
    pub owner: String,
    /// Discussion points, one per line.
    pub points: String,
    pub version: i64,
    /// The next time it takes place in the cycle (`YYYY-MM-DD`).
    pub next_on: Option<String>,
    /// The agenda it opens for the person looking, if it has one.
    pub agenda: Option<String>,
    pub may_edit: bool,
}

impl PlanMeeting {
    /// Its name: the kind's, or the one the organisation gave it.
    pub fn name(&self) -> String {
        if self.kind == MeetingKind::Custom {
            self.custom_name.clone()
        } else {
            self.kind.label().to_owned()
        }
    }
}

/// A unit one may hold a meeting for, as a form offers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitChoice {
    pub id: i64,
    pub label: String,
}

/// One unit's planning checklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitPlanning {
    pub unit_id: i64,
    pub unit_path: String,
    pub checklist: Checklist,
}

/// The planning window of a cycle that has not begun executing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Planning {
    /// Days of planning left, today included.
    pub days_left: i64,
    pub units: Vec<UnitPlanning>,
}

/// Whether a unit takes part in a cycle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScopeUnit {
    pub unit_id: i64,
    pub unit_path: String,
    /// Its depth in the unit tree, for indenting.
    pub depth: usize,
    pub taking_part: bool,
}

/// A cycle's page: the cycle, who takes part, its planning checklist while
/// it plans, and its communication plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CyclePlan {
    pub cycle: Cycle,
    /// Every unit, in tree order, and whether it takes part.
    pub scope: Vec<ScopeUnit>,
    /// Whether the person may change who takes part (the ambassador).
    pub may_set_scope: bool,
    /// While the cycle is upcoming or planning.
    pub planning: Option<Planning>,
    pub meetings: Vec<PlanMeeting>,
    /// Whether the person may add meetings for every unit (the ambassador).
    pub may_add_for_everyone: bool,
    /// The units the person may add meetings for.
    pub may_add_for: Vec<UnitChoice>,
}

/// The shared notes of one meeting date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgendaNote {
    /// `YYYY-MM-DD`.
    pub meeting_on: String,
    pub body: String,
    pub version: i64,
    pub by: String,
}

/// An agenda's notes: this meeting's and the last one's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgendaNotes {
    /// The agenda's key (see [`crate::domain::rhythm::AgendaKey`]).
    pub agenda: String,
    /// The meeting the notes being written belong to (`YYYY-MM-DD`).
    pub meeting_on: String,
    pub current: Option<AgendaNote>,
    /// The notes of the meeting before: "what we agreed last time".
    pub previous: Option<AgendaNote>,
    pub may_write: bool,
}

/// What the plan says a meeting discusses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedPoints {
    pub meeting: String,
    pub format: String,
    pub points: Vec<String>,
}

/// A key result whose confidence dropped since last week.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfidenceDrop {
    pub objective_id: String,
    pub objective_title: String,
    pub key_result_title: String,
    pub from: u8,
    pub to: u8,
}

/// A person whose one-on-one agenda the viewer may open.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonLink {
    pub id: i64,
    pub name: String,
}

/// A team's weekly.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WeeklyAgenda {
    pub plan: Vec<PlannedPoints>,
    /// The unit's people whose one-on-ones the viewer may open (a lead
    /// sees their team; a member only themselves).
    pub one_on_ones: Vec<PersonLink>,
    pub review: UnitReview,
    pub dropped: Vec<ConfidenceDrop>,
    pub notes: AgendaNotes,
}

/// One key result in a one-on-one, with what to coach on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CoachedKeyResult {
    pub objective_id: String,
    pub objective_title: String,
    pub key_result_title: String,
    /// The proxy metric its values are read from, if any.
    #[serde(default)]
    pub proxy: Option<String>,
    pub progress: f64,
    pub overdue: bool,
    /// Confidence at each check-in of the last weeks, oldest first
    /// (`YYYY-MM-DD`, 0–10).
    pub confidence: Vec<(String, u8)>,
    /// The last check-ins, newest first.
    pub check_ins: Vec<CheckIn>,
    pub questions: Vec<Question>,
}

/// A person's one-on-one with their lead.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OneOnOneAgenda {
    pub person_id: i64,
    pub person_name: String,
    pub cycle: Option<Cycle>,
    pub plan: Vec<PlannedPoints>,
    pub key_results: Vec<CoachedKeyResult>,
    pub notes: AgendaNotes,
}

/// A key result that moved this week.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mover {
    pub objective_id: String,
    pub objective_title: String,
    pub key_result_title: String,
    pub unit: String,
    /// The proxy metric its values are read from, if any.
    #[serde(default)]
    pub proxy: Option<String>,
    /// Progress a week ago and now, 0–1.
    pub from: f64,
    pub to: f64,
}

/// A KPI flagged now, for a review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlaggedKpi {
    pub id: i64,
    pub name: String,
    pub unit: String,
    /// Why it is flagged, in words.
    pub reason: String,
}

/// An objective closed recently, with its lesson.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecentLesson {
    pub objective_id: String,
    pub title: String,
    pub unit: String,
    pub score: f64,
    pub lessons: String,
    pub closed_on: String,
}

/// The all-hands (the organisation) or a department's review.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewAgenda {
    /// `None` for the all-hands.
    pub unit_id: Option<i64>,
    /// "Engineering", or the organisation's "Everyone".
    pub scope: String,
    pub cycle: Option<Cycle>,
    pub plan: Vec<PlannedPoints>,
    /// Expected progress today, 0–1.
    pub expected: f64,
    /// The units in scope, best placed first.
    pub units: Vec<Standing>,
    pub movers: Vec<Mover>,
    pub biggest_gain: Option<Highlight>,
    pub longest_streak: Option<Highlight>,
    pub recoveries: Vec<Recovery>,
    pub flagged: Vec<FlaggedKpi>,
    pub lessons: Vec<RecentLesson>,
    pub notes: AgendaNotes,
}

#[server(endpoint = "get_cycle_plan")]
pub async fn get_cycle_plan(cycle_id: i64) -> Result<CyclePlan, AppError> {
    use crate::error::ssr::reply;
    ssr::plan::cycle_plan(cycle_id).await.map_err(reply)
}

/// Adds a meeting to a cycle's plan (`id` empty) or changes one (naming the
/// `version` it was read at).
#[server(endpoint = "save_plan_meeting")]
pub async fn save_plan_meeting(
    cycle_id: i64,
    id: String,
    version: String,
    kind: String,
    custom_name: String,
    level: String,
    unit_id: String,
    frequency: String,
    weekday: String,
    format: String,
    owner: String,
    points: String,
    /// Chosen by a new meeting's form, so a retried add is applied once.
    client_id: Option<String>,
) -> Result<PlanMeeting, AppError> {
    use crate::error::ssr::reply;
    let input = ssr::plan::MeetingInput {
        kind,
        custom_name,
        level,
        unit_id,
        frequency,
        weekday,
        format,
        owner,
        points,
    };
    ssr::plan::save(cycle_id, &id, &version, client_id.as_deref(), input)
        .await
        .map_err(reply)
}

#[server(endpoint = "delete_plan_meeting")]
pub async fn delete_plan_meeting(id: i64, version: i64) -> Result<(), AppError> {
    use crate::error::ssr::reply;
    ssr::plan::delete(id, version).await.map_err(reply)
}

/// Lets a unit take part in a cycle, or leaves it out (the ambassador's).
#[server(endpoint = "set_taking_part")]
pub async fn set_taking_part(
    cycle_id: i64,
    unit_id: i64,
    taking_part: bool,
) -> Result<Vec<i64>, AppError> {
    use crate::error::ssr::reply;
    ssr::plan::set_taking_part(cycle_id, unit_id, taking_part)
        .await
        .map_err(reply)
}

#[server(endpoint = "get_weekly_agenda")]
pub async fn get_weekly_agenda(unit_id: i64) -> Result<WeeklyAgenda, AppError> {
    use crate::error::ssr::reply;
    ssr::weekly::agenda(unit_id).await.map_err(reply)
}

#[server(endpoint = "get_one_on_one_agenda")]
pub async fn get_one_on_one_agenda(person_id: i64) -> Result<OneOnOneAgenda, AppError> {
    use crate::error::ssr::reply;
    ssr::one_on_one::agenda(person_id).await.map_err(reply)
}

/// The all-hands (`unit_id` `None`) or a department's review.
#[server(endpoint = "get_review_agenda")]
pub async fn get_review_agenda(unit_id: Option<i64>) -> Result<ReviewAgenda, AppError> {
    use crate::error::ssr::reply;
    ssr::review::agenda(unit_id).await.map_err(reply)
}

/// Saves the notes of one meeting of an agenda. `version` is empty for the
/// first notes of that meeting, else the version they were read at: notes
/// someone else saved since are not overwritten.
#[server(endpoint = "save_agenda_notes")]
pub async fn save_agenda_notes(
    agenda: String,
    meeting_on: String,
    version: String,
    body: String,
) -> Result<AgendaNote, AppError> {
    use crate::error::ssr::reply;
    ssr::notes::save(&agenda, &meeting_on, &version, &body)
        .await
        .map_err(reply)
}

/// An agenda's notes of one meeting and the one before: what a notes field
/// shows again after someone else saved first.
#[server(endpoint = "get_agenda_notes")]
pub async fn get_agenda_notes(agenda: String, meeting_on: String) -> Result<AgendaNotes, AppError> {
    use crate::error::ssr::reply;
    ssr::notes::read(&agenda, &meeting_on).await.map_err(reply)
}
