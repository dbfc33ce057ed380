//! Closing notes: closing an objective with its note, editing a note (the
//! earlier version kept), and the cycle's list of objectives still open.

use super::super::{ClosingNote, RetroGroup, RetroObjective, Retrospective, Revision};
use super::{facets, split_tags};
use crate::auth::ssr::{Caller, require_caller};
use crate::domain::closing::{self, Note, NoteInput};
use crate::domain::okr::{ObjectiveKind, Status};
use crate::domain::permissions::{self, Change};
use crate::domain::search;
use crate::error::{AppError, ssr::internal};
use crate::objectives::Objective;
use crate::objectives::ssr::{actor_of, fetch_objective, fetch_objectives, finish, forbidden};
use crate::org::load_tree;
use crate::sql::Conn;
use crate::state::{begin_write, pool};

fn invalid(error: closing::NoteError) -> AppError {
    AppError::invalid(error.field, error.message)
}

#[derive(sqlx::FromRow)]
struct NoteRow {
    id: i64,
    objective_id: String,
    kind: String,
    score: f64,
    went_well: String,
    went_badly: String,
    lessons: String,
    tags: String,
    author_id: i64,
    author: String,
    closed_on: String,
    version: i64,
    updated_by: String,
    updated_on: String,
}

#[derive(sqlx::FromRow)]
struct RevisionRow {
    version: i64,
    score: f64,
    went_well: String,
    went_badly: String,
    lessons: String,
    tags: String,
    written_by: String,
    written_on: String,
}

/// The closing note of an objective, with its earlier versions.
pub(crate) async fn note_of(
    db: &mut Conn,
    objective_id: &str,
) -> Result<Option<ClosingNote>, AppError> {
    let row: Option<NoteRow> = sqlx::query_as(
        "SELECT n.id, n.objective_id, o.kind, n.score, n.went_well, n.went_badly, n.lessons, n.tags, \
         n.author_id, a.name AS author, substr(n.created_at, 1, 10) AS closed_on, n.version, \
         u.name AS updated_by, substr(n.updated_at, 1, 10) AS updated_on \
         FROM closing_notes n JOIN objectives o ON o.id = n.objective_id \
         JOIN people a ON a.id = n.author_id JOIN people u ON u.id = n.updated_by \
         WHERE n.objective_id = $1",
    )
    .bind(objective_id)
    .fetch_optional(&mut *db)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let revisions: Vec<RevisionRow> = sqlx::query_as(
        "SELECT r.version, r.score, r.went_well, r.went_badly, r.lessons, r.tags, p.name AS written_by, \
         substr(r.written_at, 1, 10) AS written_on FROM closing_note_revisions r \
         JOIN people p ON p.id = r.written_by WHERE r.note_id = $1 ORDER BY r.version DESC",
    )
    .bind(row.id)
    .fetch_all(&mut *db)
    .await?;
    Ok(Some(ClosingNote {
        objective_id: row.objective_id,
        kind: row.kind.parse().map_err(internal)?,
        score: row.score,
        went_well: row.went_well,
        went_badly: row.went_badly,
        lessons: row.lessons,
        tags: split_tags(&row.tags),
        author_id: row.author_id,
        author: row.author,
        closed_on: row.closed_on,
        version: row.version,
        updated_by: row.updated_by,
        updated_on: row.updated_on,
        revisions: revisions
            .into_iter()
            .map(|r| Revision {
                version: r.version,
                score: r.score,
                went_well: r.went_well,
                went_badly: r.went_badly,
                lessons: r.lessons,
                tags: split_tags(&r.tags),
                written_by: r.written_by,
                written_on: r.written_on,
            })
            .collect(),
    }))
}

/// Whether a saved note says exactly what `note` says (a retried request).
fn same_note(saved: &ClosingNote, note: &Note) -> bool {
    (saved.score - note.score).abs() < 1e-9
        && saved.went_well == note.went_well
        && saved.went_badly == note.went_badly
        && saved.lessons == note.lessons
        && saved.tags == note.tags
}

fn checked_note(input: &NoteInput) -> Result<Note, AppError> {
    let clean = |raw: &str| search::clean_text(raw);
    let (well, badly, lessons) = (
        clean(input.went_well),
        clean(input.went_badly),
        clean(input.lessons),
    );
    closing::validate_note(&NoteInput {
        went_well: &well,
        went_badly: &badly,
        lessons: &lessons,
        ..input.clone()
    })
    .map_err(invalid)
}

async fn write_tags(db: &mut Conn, note_id: i64, tags: &[String]) -> Result<(), AppError> {
    sqlx::query("DELETE FROM closing_note_tags WHERE note_id = $1")
        .bind(note_id)
        .execute(&mut *db)
        .await?;
    for tag in tags {
        sqlx::query("INSERT INTO closing_note_tags (tag, note_id) VALUES ($1, $2)")
            .bind(tag)
            .bind(note_id)
            .execute(&mut *db)
            .await?;
    }
    Ok(())
}

/// The objective a note closes, as the note stores it.
pub struct NoteOf<'a> {
    pub objective_id: &'a str,
    pub title: &'a str,
    pub kind: ObjectiveKind,
    pub cycle_id: i64,
    /// The owning unit, then the sharing units.
    pub units: &'a [i64],
    pub author_id: i64,
}

/// Stores a checked note with its tags (the trigger indexes it). Used by
/// closing, the demo data and the benchmark's generator alike.
pub async fn insert_note(db: &mut Conn, of: &NoteOf<'_>, note: &Note) -> Result<i64, AppError> {
    let achieved = closing::achieved(of.kind, note.score);
    let note_id: i64 = sqlx::query_scalar(
        "INSERT INTO closing_notes (objective_id, title, score, achieved, went_well, went_badly, lessons, \
         tags, facets, author_id, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
    )
    .bind(of.objective_id)
    .bind(search::clean_text(of.title))
    .bind(note.score)
    .bind(achieved)
    .bind(&note.went_well)
    .bind(&note.went_badly)
    .bind(&note.lessons)
    .bind(note.tags.join(" "))
    .bind(facets(of.cycle_id, of.units, achieved, &note.tags))
    .bind(of.author_id)
    .bind(of.author_id)
    .fetch_one(&mut *db)
    .await?;
    write_tags(db, note_id, &note.tags).await?;
    Ok(note_id)
}

#[tracing::instrument(skip(input))]
pub async fn close_objective(id: &str, input: &NoteInput<'_>) -> Result<Objective, AppError> {
    let caller = require_caller().await?;
    let tree = load_tree(&pool()?).await?;
    let mut tx = begin_write().await?;
    let objective = fetch_objective(&mut tx, id.trim())
        .await?
        .ok_or_else(|| AppError::NotFound("That objective".into()))?;
    if objective.status == Status::Closed {
        let saved = note_of(&mut tx, &objective.id).await?;
        return match saved {
            // A retried close: the first attempt saved this very note.
            Some(saved)
                if saved.author_id == caller.id && same_note(&saved, &checked_note(input)?) =>
            {
                Ok(objective)
            }
            Some(saved) => Err(AppError::Conflict(format!(
                "{} closed this objective meanwhile; reload to read their closing note.",
                saved.author
            ))),
            None if objective.no_retro_reason.is_some() => Err(AppError::Conflict(format!(
                "{} closed this objective without a retrospective meanwhile; reload to read why.",
                objective.updated_by
            ))),
            None => Err(internal("a closed objective without a closing note")),
        };
    }
    let actor = actor_of(&mut tx, &caller, &tree).await?;
    permissions::check(&actor, Change::Close, &objective.scope()).map_err(forbidden)?;
    let note = checked_note(input)?;
    let units = objective.units();
    insert_note(
        &mut tx,
        &NoteOf {
            objective_id: &objective.id,
            title: &objective.title,
            kind: objective.kind,
            cycle_id: objective.cycle_id,
            units: &units,
            author_id: caller.id,
        },
        &note,
    )
    .await?;
    sqlx::query("UPDATE objectives SET status = 'closed' WHERE id = $1")
        .bind(&objective.id)
        .execute(&mut *tx)
        .await?;
    finish(tx, &objective.id, &caller).await
}

#[tracing::instrument(skip(input))]
pub async fn edit_closing_note(
    objective_id: &str,
    version: i64,
    input: &NoteInput<'_>,
) -> Result<ClosingNote, AppError> {
    let caller = require_caller().await?;
    let tree = load_tree(&pool()?).await?;
    let mut tx = begin_write().await?;
    let objective = fetch_objective(&mut tx, objective_id.trim())
        .await?
        .ok_or_else(|| AppError::NotFound("That objective".into()))?;
    let saved = note_of(&mut tx, &objective.id)
        .await?
        .ok_or_else(|| AppError::NotFound("The closing note".into()))?;
    let actor = actor_of(&mut tx, &caller, &tree).await?;
    permissions::check(
        &actor,
        Change::EditNote {
            author: saved.author_id,
        },
        &objective.scope(),
    )
    .map_err(forbidden)?;
    let note = checked_note(input)?;
    if same_note(&saved, &note) {
        // Nothing changed, or a retried edit that is already saved.
        return Ok(saved);
    }
    if saved.version != version {
        return Err(AppError::Conflict(format!(
            "{} edited this note meanwhile. Your text is still in the form; reload to see theirs.",
            saved.updated_by
        )));
    }
    sqlx::query(
        "INSERT INTO closing_note_revisions (note_id, version, score, went_well, went_badly, lessons, tags, \
         written_by, written_at) SELECT id, version, score, went_well, went_badly, lessons, tags, updated_by, \
         updated_at FROM closing_notes WHERE objective_id = $1",
    )
    .bind(&objective.id)
    .execute(&mut *tx)
    .await?;
    let achieved = closing::achieved(objective.kind, note.score);
    let units = objective.units();
    let note_id: i64 = sqlx::query_scalar(
        "UPDATE closing_notes SET score = $1, achieved = $2, went_well = $3, went_badly = $4, lessons = $5, \
         tags = $6, facets = $7, version = version + 1, updated_by = $8, \
         updated_at = $9 WHERE objective_id = $10 RETURNING id",
    )
    .bind(note.score)
    .bind(achieved)
    .bind(&note.went_well)
    .bind(&note.went_badly)
    .bind(&note.lessons)
    .bind(note.tags.join(" "))
    .bind(facets(objective.cycle_id, &units, achieved, &note.tags))
    .bind(caller.id)
    .bind(crate::sql::now())
    .bind(&objective.id)
    .fetch_one(&mut *tx)
    .await?;
    write_tags(&mut tx, note_id, &note.tags).await?;
    // The board shows the score: open boards hear of the edit.
    finish(tx, &objective.id, &caller).await?;
    let mut db = pool()?.acquire().await?;
    note_of(&mut db, &objective.id)
        .await?
        .ok_or_else(|| internal("closing note vanished"))
}

pub async fn open_objectives_of_cycle(cycle_id: i64) -> Result<Retrospective, AppError> {
    let caller: Caller = require_caller().await?;
    let pool = pool()?;
    let tree = load_tree(&pool).await?;
    let mut tx = crate::sql::read_tx(&pool).await?;
    crate::cycles::ssr::fetch_cycle(&mut *tx, cycle_id).await?;
    let objectives = fetch_objectives(
        &mut tx,
        "o.cycle_id = $1 AND o.status <> 'closed'",
        cycle_id,
    )
    .await?;
    let closed: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM objectives WHERE cycle_id = $1 AND status = 'closed'",
    )
    .bind(cycle_id)
    .fetch_one(&mut *tx)
    .await?;
    let actor = actor_of(&mut tx, &caller, &tree).await?;
    tx.commit().await?;
    let mut groups: Vec<(usize, RetroGroup)> = Vec::new();
    let order: Vec<i64> = tree.ordered().into_iter().map(|(n, _)| n.id).collect();
    for objective in objectives {
        let position = order
            .iter()
            .position(|u| *u == objective.unit_id)
            .unwrap_or(usize::MAX);
        let may_close = permissions::check(&actor, Change::Close, &objective.scope()).is_ok();
        let may_skip =
            permissions::check(&actor, Change::CloseWithoutRetro, &objective.scope()).is_ok();
        let item = RetroObjective {
            objective,
            may_close,
            may_skip,
        };
        match groups.iter_mut().find(|(p, _)| *p == position) {
            Some((_, group)) => group.objectives.push(item),
            None => groups.push((
                position,
                RetroGroup {
                    unit: tree.path(item.objective.unit_id).join(" › "),
                    objectives: vec![item],
                },
            )),
        }
    }
    groups.sort_by_key(|(p, _)| *p);
    Ok(Retrospective {
        open: groups.into_iter().map(|(_, g)| g).collect(),
        closed: usize::try_from(closed).unwrap_or_default(),
    })
}
