//! Closing objectives and the lessons-learned database: the closing note
//! every closed objective carries (written inline on the board, the
//! objective page and the cycle's retrospective list), its edit history,
//! and full-text search over all notes at `/lessons` — with related lessons
//! shown while a new objective is drafted.

pub mod closing_form;
mod note;
mod page;
mod related;
mod retro;
#[cfg(feature = "ssr")]
pub mod ssr;

pub use closing_form::{ClosingForm, NoteDraft};
pub use note::ClosingNotePanel;
pub use page::LessonsPage;
pub use related::RelatedLessons;
pub use retro::RetroOpenObjectives;

use crate::domain::closing;
use crate::domain::okr::ObjectiveKind;
use crate::domain::search::Fragment;
use crate::error::AppError;
use crate::objectives::Objective;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Results on one page of a search.
pub const PER_PAGE: u32 = 10;
/// Deepest page served (a search that needs more pages needs more words).
pub const MAX_PAGE: u32 = 50;
/// Related lessons shown beside a draft.
pub const RELATED: u32 = 3;

/// The closing note of a closed objective, with its earlier versions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClosingNote {
    pub objective_id: String,
    pub kind: ObjectiveKind,
    pub score: f64,
    pub went_well: String,
    pub went_badly: String,
    pub lessons: String,
    pub tags: Vec<String>,
    pub author_id: i64,
    pub author: String,
    /// `YYYY-MM-DD`.
    pub closed_on: String,
    pub version: i64,
    /// Who wrote the current version, and the day (differs from the author
    /// and the closing day once edited).
    pub updated_by: String,
    pub updated_on: String,
    /// Earlier versions, newest first.
    pub revisions: Vec<Revision>,
}

impl ClosingNote {
    /// The judgement without the number, beside the number shown large.
    pub fn verdict_words(&self) -> String {
        closing::verdict_words(self.kind, self.score)
    }
}

/// A note as it was before an edit replaced it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Revision {
    pub version: i64,
    pub score: f64,
    pub went_well: String,
    pub went_badly: String,
    pub lessons: String,
    pub tags: Vec<String>,
    pub written_by: String,
    /// `YYYY-MM-DD`.
    pub written_on: String,
}

/// One lesson in search results or beside a draft.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LessonHit {
    pub objective_id: String,
    /// The title, matched words marked.
    pub title: Vec<Fragment>,
    /// Which part of the note the snippet is from ("Lessons learned", …).
    pub field: String,
    pub snippet: Vec<Fragment>,
    pub kind: ObjectiveKind,
    pub score: f64,
    pub achieved: bool,
    pub tags: Vec<String>,
    pub cycle: String,
    pub unit: String,
    pub author: String,
    pub closed_on: String,
}

/// A page of search results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LessonResults {
    pub hits: Vec<LessonHit>,
    pub page: u32,
    pub has_more: bool,
    /// Whether the words typed were searched (an empty search lists the
    /// most recent lessons).
    pub searched: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    pub value: String,
    pub label: String,
}

/// What the filters of the lessons page offer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FilterChoices {
    pub cycles: Vec<Choice>,
    pub units: Vec<Choice>,
    /// Tags in use, most used first.
    pub tags: Vec<String>,
}

/// Open objectives of a cycle in its retrospective window, per unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RetroGroup {
    pub unit: String,
    pub objectives: Vec<RetroObjective>,
}

/// A cycle's retrospective: what is still open, and how much is closed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Retrospective {
    pub open: Vec<RetroGroup>,
    pub closed: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RetroObjective {
    pub objective: Objective,
    /// Whether the viewer may close it (the server checks again).
    pub may_close: bool,
    /// Whether the viewer may close it without a retrospective.
    #[serde(default)]
    pub may_skip: bool,
}

/// Closes an objective with its closing note, in one transaction: the note,
/// its index entry, the status, the board event. A retried close that
/// finds the same note already saved answers with the closed objective.
#[server(endpoint = "close_objective")]
pub async fn close_objective(
    id: String,
    score: String,
    went_well: String,
    went_badly: String,
    lessons: String,
    tags: String,
) -> Result<Objective, AppError> {
    use crate::error::ssr::reply;
    ssr::close_objective(
        &id,
        &closing::NoteInput {
            score: &score,
            went_well: &went_well,
            went_badly: &went_badly,
            lessons: &lessons,
            tags: &tags,
        },
    )
    .await
    .map_err(reply)
}

/// Edits a closing note (its author or the ambassador); the version it
/// replaces is kept. `version` is the note version the edit started from.
#[server(endpoint = "edit_closing_note")]
pub async fn edit_closing_note(
    objective_id: String,
    version: i64,
    score: String,
    went_well: String,
    went_badly: String,
    lessons: String,
    tags: String,
) -> Result<ClosingNote, AppError> {
    use crate::error::ssr::reply;
    ssr::edit_closing_note(
        &objective_id,
        version,
        &closing::NoteInput {
            score: &score,
            went_well: &went_well,
            went_badly: &went_badly,
            lessons: &lessons,
            tags: &tags,
        },
    )
    .await
    .map_err(reply)
}

/// One page of lessons: `q` as typed (never passed raw to the index),
/// filters as the page's URL carries them (empty for none).
#[server(endpoint = "search_lessons")]
pub async fn search_lessons(
    q: String,
    cycle: String,
    unit: String,
    tag: String,
    achieved: String,
    page: String,
) -> Result<LessonResults, AppError> {
    use crate::error::ssr::reply;
    ssr::search_lessons(&q, &cycle, &unit, &tag, &achieved, &page)
        .await
        .map_err(reply)
}

/// Cycles, units and tags to filter lessons by.
#[server(endpoint = "lesson_filters")]
pub async fn lesson_filters() -> Result<FilterChoices, AppError> {
    use crate::error::ssr::reply;
    ssr::lesson_filters().await.map_err(reply)
}

/// The most relevant past lessons for a draft's title and description.
#[server(endpoint = "find_related_lessons")]
pub async fn find_related_lessons(text: String) -> Result<Vec<LessonHit>, AppError> {
    use crate::error::ssr::reply;
    ssr::find_related_lessons(&text).await.map_err(reply)
}

/// The objectives of a cycle that are still open, per unit.
#[server(endpoint = "open_objectives_of_cycle")]
pub async fn open_objectives_of_cycle(cycle_id: i64) -> Result<Retrospective, AppError> {
    use crate::error::ssr::reply;
    ssr::open_objectives_of_cycle(cycle_id).await.map_err(reply)
}

/// A score's class for colours: `score-success`, `score-short`, `score-missed`.
pub fn score_class(kind: ObjectiveKind, score: f64) -> String {
    format!("score score-{}", closing::verdict(kind, score).as_str())
}

/// Text with its matches marked, as `<mark>` elements (text only: nothing
/// from the database is read as HTML).
#[component]
pub fn Marked(fragments: Vec<Fragment>) -> impl IntoView {
    fragments
        .into_iter()
        .map(|f| {
            if f.hit {
                view! { <mark>{f.text}</mark> }.into_any()
            } else {
                f.text.into_any()
            }
        })
        .collect_view()
}
