//! Closing notes and lesson search in the database.
//!
//! A note, its tags, its index entry (by trigger, see the migration), the
//! objective's status and the board event are written in one transaction.
//! Search never hands what a person typed to FTS5: [`crate::domain::search`]
//! turns it into quoted phrases, and filters become tokens of the `facets`
//! column, so cycle, unit, tag and achieved are narrowed inside the index
//! (posting lists intersect) rather than by reading every matching note.

use super::{
    Choice, ClosingNote, FilterChoices, LessonHit, LessonResults, MAX_PAGE, PER_PAGE, RELATED,
    RetroGroup, RetroObjective, Revision,
};
use crate::auth::ssr::{Caller, require_caller};
use crate::board::Objective;
use crate::board::ssr::{actor_of, fetch_objective, fetch_objectives, finish, forbidden};
use crate::domain::closing::{self, Note, NoteInput, normalise_tag};
use crate::domain::okr::{ObjectiveKind, Status};
use crate::domain::permissions::{self, Change};
use crate::domain::search::{self, Fragment, MARK_END, MARK_START, fragments, has_hit};
use crate::domain::units::UnitTree;
use crate::error::{AppError, ssr::internal};
use crate::state::{begin_write, pool};
use crate::units::ssr::load_tree;
use sqlx::{SqliteConnection, SqlitePool};

/// The text columns a typed query searches (not `facets`).
const TEXT_COLUMNS: &str = "{title went_well went_badly lessons tags}";
/// Words of context in a snippet.
const SNIPPET_WORDS: u32 = 24;
/// Characters of a lesson shown when nothing was searched for.
const PREVIEW_CHARS: usize = 240;

fn invalid(error: closing::NoteError) -> AppError {
    AppError::invalid(error.field, error.message)
}

/// The index token of a tag: hex, so any tag is one token to the tokenizer.
fn tag_token(tag: &str) -> String {
    let hex: String = tag.bytes().map(|b| format!("{b:02x}")).collect();
    format!("t{hex}")
}

/// Filter tokens of a note: `c<cycle>`, `u<unit>` for the owning and each
/// sharing unit, `a1`/`a0` for achieved or not, `t<hex>` per tag.
pub fn facets(cycle_id: i64, units: &[i64], achieved: bool, tags: &[String]) -> String {
    let mut parts = vec![format!("c{cycle_id}")];
    parts.extend(units.iter().map(|u| format!("u{u}")));
    parts.push(if achieved { "a1" } else { "a0" }.to_owned());
    parts.extend(tags.iter().map(|t| tag_token(t)));
    parts.join(" ")
}

/// A search as the page's URL describes it, parsed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Search {
    pub text: String,
    pub cycle: Option<i64>,
    /// A unit and every unit below it (empty: any unit).
    pub units: Vec<i64>,
    pub tag: Option<String>,
    pub achieved: Option<bool>,
    /// From 1.
    pub page: u32,
    pub per_page: u32,
}

impl Search {
    /// Parses the URL's values; a value that makes no sense (a hand-edited
    /// link) filters nothing rather than failing. `None` when the unit
    /// asked for does not exist: nothing can match.
    pub fn parse(
        tree: &UnitTree,
        q: &str,
        cycle: &str,
        unit: &str,
        tag: &str,
        achieved: &str,
        page: &str,
    ) -> Option<Search> {
        let units = match unit.trim() {
            "" => Vec::new(),
            raw => {
                let id = raw
                    .parse::<i64>()
                    .ok()
                    .filter(|id| tree.get(*id).is_some())?;
                tree.subtree(id)
            }
        };
        let tag = normalise_tag(tag);
        Some(Search {
            text: q.to_owned(),
            cycle: cycle.trim().parse().ok(),
            units,
            tag: (!tag.is_empty()).then_some(tag),
            achieved: match achieved.trim() {
                "yes" => Some(true),
                "no" => Some(false),
                _ => None,
            },
            page: page.trim().parse::<u32>().unwrap_or(1).clamp(1, MAX_PAGE),
            per_page: PER_PAGE,
        })
    }

    /// The FTS5 filter expression of the facets, if any filter is set.
    fn facet_query(&self) -> Option<String> {
        let mut parts = Vec::new();
        if let Some(cycle) = self.cycle {
            parts.push(format!("facets : \"c{cycle}\""));
        }
        if !self.units.is_empty() {
            let any: Vec<String> = self.units.iter().map(|u| format!("\"u{u}\"")).collect();
            parts.push(format!("facets : ({})", any.join(" OR ")));
        }
        if let Some(tag) = &self.tag {
            parts.push(format!("facets : \"{}\"", tag_token(tag)));
        }
        if let Some(achieved) = self.achieved {
            parts.push(format!("facets : \"a{}\"", u8::from(achieved)));
        }
        (!parts.is_empty()).then(|| parts.join(" AND "))
    }

    /// The whole FTS5 query: the typed words (sanitised) and the filters.
    pub fn fts_query(&self) -> (Option<String>, bool) {
        let words = search::match_query(&self.text);
        let searched = words.is_some();
        let text = words.map(|w| format!("{TEXT_COLUMNS} : ({w})"));
        let query = match (text, self.facet_query()) {
            (Some(t), Some(f)) => Some(format!("{t} AND {f}")),
            (t, f) => t.or(f),
        };
        (query, searched)
    }
}

#[derive(sqlx::FromRow)]
struct HitRow {
    objective_id: String,
    title: String,
    went_well: String,
    went_badly: String,
    lessons: String,
    score: f64,
    achieved: bool,
    tags: String,
    closed_on: String,
    kind: String,
    unit_id: i64,
    cycle: String,
    author: String,
}

const HIT_DETAILS: &str = "n.objective_id, n.score, n.achieved, n.tags, substr(n.created_at, 1, 10) AS closed_on, \
     o.kind, o.unit_id, c.name AS cycle, p.name AS author";
const HIT_JOINS: &str = "JOIN objectives o ON o.id = n.objective_id JOIN cycles c ON c.id = o.cycle_id \
     JOIN people p ON p.id = n.author_id";

/// Ranked matches with highlights: the best page of rowids first (FTS5
/// sorts by `rank` inside the index), then highlights for those rows only.
fn ranked_sql() -> String {
    let snip =
        |column: u32| format!("snippet(lessons_fts, {column}, ?2, ?3, '…', {SNIPPET_WORDS})");
    format!(
        "WITH top(id, r) AS MATERIALIZED (\
           SELECT rowid, rank FROM lessons_fts WHERE lessons_fts MATCH ?1 ORDER BY rank LIMIT ?4 OFFSET ?5) \
         SELECT highlight(lessons_fts, 0, ?2, ?3) AS title, {} AS went_well, {} AS went_badly, {} AS lessons, {HIT_DETAILS} \
         FROM top JOIN lessons_fts ON lessons_fts.rowid = top.id JOIN closing_notes n ON n.id = top.id {HIT_JOINS} \
         WHERE lessons_fts MATCH ?1 ORDER BY top.r",
        snip(1),
        snip(2),
        snip(3)
    )
}

/// The most recent notes matching the filters alone.
const FILTERED_RECENT_SQL: &str = "WITH top(id) AS MATERIALIZED (\
       SELECT rowid FROM lessons_fts WHERE lessons_fts MATCH ?1 ORDER BY rowid DESC LIMIT ?2 OFFSET ?3) \
     SELECT n.title, '' AS went_well, '' AS went_badly, n.lessons, n.objective_id, n.score, n.achieved, n.tags, \
     substr(n.created_at, 1, 10) AS closed_on, o.kind, o.unit_id, c.name AS cycle, p.name AS author \
     FROM top JOIN closing_notes n ON n.id = top.id JOIN objectives o ON o.id = n.objective_id \
     JOIN cycles c ON c.id = o.cycle_id JOIN people p ON p.id = n.author_id ORDER BY top.id DESC";

/// The most recent notes of all.
const RECENT_SQL: &str = "SELECT n.title, '' AS went_well, '' AS went_badly, n.lessons, n.objective_id, n.score, \
     n.achieved, n.tags, substr(n.created_at, 1, 10) AS closed_on, o.kind, o.unit_id, c.name AS cycle, \
     p.name AS author FROM closing_notes n JOIN objectives o ON o.id = n.objective_id \
     JOIN cycles c ON c.id = o.cycle_id JOIN people p ON p.id = n.author_id ORDER BY n.id DESC LIMIT ?1 OFFSET ?2";

/// Runs a search: the code path of the lessons page, also measured by the
/// `lessons_search` benchmark.
pub async fn search(
    pool: &SqlitePool,
    tree: &UnitTree,
    search: &Search,
) -> Result<LessonResults, AppError> {
    let (query, searched) = search.fts_query();
    // One more than a page: whether there is a next page, without counting.
    let limit = i64::from(search.per_page) + 1;
    let offset = i64::from(search.page.saturating_sub(1) * search.per_page);
    let rows: Vec<HitRow> = match (&query, searched) {
        (Some(query), true) => {
            sqlx::query_as(&ranked_sql())
                .bind(query)
                .bind(MARK_START.to_string())
                .bind(MARK_END.to_string())
                .bind(limit)
                .bind(offset)
                .fetch_all(pool)
                .await?
        }
        (Some(query), false) => {
            sqlx::query_as(FILTERED_RECENT_SQL)
                .bind(query)
                .bind(limit)
                .bind(offset)
                .fetch_all(pool)
                .await?
        }
        (None, _) => {
            sqlx::query_as(RECENT_SQL)
                .bind(limit)
                .bind(offset)
                .fetch_all(pool)
                .await?
        }
    };
    let has_more = rows.len() as i64 > i64::from(search.per_page);
    let hits = rows
        .into_iter()
        .take(search.per_page as usize)
        .map(|row| hit(row, tree, searched))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(LessonResults {
        hits,
        page: search.page,
        has_more,
        searched,
    })
}

fn hit(row: HitRow, tree: &UnitTree, searched: bool) -> Result<LessonHit, AppError> {
    let (field, snippet) = if searched {
        // The part of the note that matched, lessons first; the lessons
        // when the match was in the title or the tags.
        let parts = [
            ("Lessons learned", fragments(&row.lessons)),
            ("What went well", fragments(&row.went_well)),
            ("What did not go well", fragments(&row.went_badly)),
        ];
        let best = parts.iter().position(|(_, f)| has_hit(f)).unwrap_or(0);
        let (field, snippet) = parts.into_iter().nth(best).unwrap_or_default();
        (field, snippet)
    } else {
        (
            "Lessons learned",
            vec![Fragment {
                text: preview(&row.lessons),
                hit: false,
            }],
        )
    };
    let kind: ObjectiveKind = row.kind.parse().map_err(internal)?;
    Ok(LessonHit {
        objective_id: row.objective_id,
        title: fragments(&row.title),
        field: field.to_owned(),
        snippet,
        kind,
        score: row.score,
        achieved: row.achieved,
        tags: split_tags(&row.tags),
        cycle: row.cycle,
        unit: tree.path(row.unit_id).join(" › "),
        author: row.author,
        closed_on: row.closed_on,
    })
}

/// The start of a text, cut at a word.
fn preview(text: &str) -> String {
    if text.chars().count() <= PREVIEW_CHARS {
        return text.to_owned();
    }
    let cut: String = text.chars().take(PREVIEW_CHARS).collect();
    let at_word = cut.rfind(char::is_whitespace).unwrap_or(cut.len());
    format!("{}…", cut[..at_word].trim_end())
}

fn split_tags(tags: &str) -> Vec<String> {
    tags.split_whitespace().map(str::to_owned).collect()
}

pub async fn search_lessons(
    q: &str,
    cycle: &str,
    unit: &str,
    tag: &str,
    achieved: &str,
    page: &str,
) -> Result<LessonResults, AppError> {
    require_caller().await?;
    let pool = pool()?;
    let tree = load_tree(&pool).await?;
    match Search::parse(&tree, q, cycle, unit, tag, achieved, page) {
        Some(parsed) => search(&pool, &tree, &parsed).await,
        None => Ok(LessonResults {
            hits: Vec::new(),
            page: 1,
            has_more: false,
            searched: true,
        }),
    }
}

/// Lessons related to a draft's words: any meaningful word, best first.
pub async fn related(
    pool: &SqlitePool,
    tree: &UnitTree,
    text: &str,
) -> Result<Vec<LessonHit>, AppError> {
    let Some(words) = search::related_query(text) else {
        return Ok(Vec::new());
    };
    let rows: Vec<HitRow> = sqlx::query_as(&ranked_sql())
        .bind(format!("{TEXT_COLUMNS} : ({words})"))
        .bind(MARK_START.to_string())
        .bind(MARK_END.to_string())
        .bind(i64::from(RELATED))
        .bind(0_i64)
        .fetch_all(pool)
        .await?;
    rows.into_iter().map(|row| hit(row, tree, true)).collect()
}

pub async fn find_related_lessons(text: &str) -> Result<Vec<LessonHit>, AppError> {
    require_caller().await?;
    let pool = pool()?;
    let tree = load_tree(&pool).await?;
    related(&pool, &tree, text).await
}

pub async fn lesson_filters() -> Result<FilterChoices, AppError> {
    require_caller().await?;
    let pool = pool()?;
    let tree = load_tree(&pool).await?;
    let cycles: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, name FROM cycles ORDER BY start_date DESC, id DESC")
            .fetch_all(&pool)
            .await?;
    let tags: Vec<String> =
        sqlx::query_scalar("SELECT tag FROM lesson_tags ORDER BY uses DESC, tag LIMIT 200")
            .fetch_all(&pool)
            .await?;
    Ok(FilterChoices {
        cycles: cycles
            .into_iter()
            .map(|(id, name)| Choice {
                value: id.to_string(),
                label: name,
            })
            .collect(),
        units: tree
            .ordered()
            .into_iter()
            .map(|(node, _)| Choice {
                value: node.id.to_string(),
                label: tree.path(node.id).join(" › "),
            })
            .collect(),
        tags,
    })
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
    db: &mut SqliteConnection,
    objective_id: &str,
) -> Result<Option<ClosingNote>, AppError> {
    let row: Option<NoteRow> = sqlx::query_as(
        "SELECT n.id, n.objective_id, o.kind, n.score, n.went_well, n.went_badly, n.lessons, n.tags, \
         n.author_id, a.name AS author, substr(n.created_at, 1, 10) AS closed_on, n.version, \
         u.name AS updated_by, substr(n.updated_at, 1, 10) AS updated_on \
         FROM closing_notes n JOIN objectives o ON o.id = n.objective_id \
         JOIN people a ON a.id = n.author_id JOIN people u ON u.id = n.updated_by \
         WHERE n.objective_id = ?",
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
         JOIN people p ON p.id = r.written_by WHERE r.note_id = ? ORDER BY r.version DESC",
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

async fn write_tags(
    db: &mut SqliteConnection,
    note_id: i64,
    tags: &[String],
) -> Result<(), AppError> {
    sqlx::query("DELETE FROM closing_note_tags WHERE note_id = ?")
        .bind(note_id)
        .execute(&mut *db)
        .await?;
    for tag in tags {
        sqlx::query("INSERT INTO closing_note_tags (tag, note_id) VALUES (?, ?)")
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
pub async fn insert_note(
    db: &mut SqliteConnection,
    of: &NoteOf<'_>,
    note: &Note,
) -> Result<i64, AppError> {
    let achieved = closing::achieved(of.kind, note.score);
    let note_id: i64 = sqlx::query_scalar(
        "INSERT INTO closing_notes (objective_id, title, score, achieved, went_well, went_badly, lessons, \
         tags, facets, author_id, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(of.objective_id)
    .bind(of.title)
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
            None => Err(internal("a closed objective without a closing note")),
        };
    }
    let actor = actor_of(&mut tx, &caller, &tree).await?;
    permissions::check(&actor, Change::Close, &objective.scope()).map_err(forbidden)?;
    let note = checked_note(input)?;
    let mut units = vec![objective.unit_id];
    units.extend(&objective.shared_unit_ids);
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
    sqlx::query("UPDATE objectives SET status = 'closed' WHERE id = ?")
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
         updated_at FROM closing_notes WHERE objective_id = ?",
    )
    .bind(&objective.id)
    .execute(&mut *tx)
    .await?;
    let achieved = closing::achieved(objective.kind, note.score);
    let mut units = vec![objective.unit_id];
    units.extend(&objective.shared_unit_ids);
    let note_id: i64 = sqlx::query_scalar(
        "UPDATE closing_notes SET score = ?, achieved = ?, went_well = ?, went_badly = ?, lessons = ?, \
         tags = ?, facets = ?, version = version + 1, updated_by = ?, \
         updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE objective_id = ? RETURNING id",
    )
    .bind(note.score)
    .bind(achieved)
    .bind(&note.went_well)
    .bind(&note.went_badly)
    .bind(&note.lessons)
    .bind(note.tags.join(" "))
    .bind(facets(objective.cycle_id, &units, achieved, &note.tags))
    .bind(caller.id)
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

pub async fn open_objectives_of_cycle(cycle_id: i64) -> Result<Vec<RetroGroup>, AppError> {
    let caller: Caller = require_caller().await?;
    let pool = pool()?;
    let tree = load_tree(&pool).await?;
    let mut tx = pool.begin().await?;
    crate::cycles::ssr::fetch_cycle(&mut *tx, cycle_id).await?;
    let objectives = fetch_objectives(
        &mut tx,
        "o.cycle_id = ? AND o.status <> 'closed'",
        &cycle_id.to_string(),
    )
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
        let item = RetroObjective {
            objective,
            may_close,
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
    Ok(groups.into_iter().map(|(_, g)| g).collect())
}

/// Rebuilds the search index from the notes (`northstar admin reindex`);
/// returns how many notes it holds.
pub async fn reindex(pool: &SqlitePool) -> Result<i64, AppError> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    sqlx::query("INSERT INTO lessons_fts (lessons_fts) VALUES ('rebuild')")
        .execute(&mut *tx)
        .await?;
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM closing_notes")
        .fetch_one(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::search::HOSTILE;
    use sqlx::sqlite::SqlitePoolOptions;

    async fn index() -> SqlitePool {
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect("sqlite::memory:")
            .await
            .unwrap();
        sqlx::query(
            "CREATE VIRTUAL TABLE lessons_fts USING fts5 (title, went_well, went_badly, lessons, tags, facets, \
             tokenize = 'unicode61 remove_diacritics 2', prefix = '3')",
        )
        .execute(&pool)
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO lessons_fts VALUES ('Say \"hello\" AND goodbye', 'near the end', 'NOT much', \
             'onboarding takes time', 'hiring', 'c1 u2 a1')",
        )
        .execute(&pool)
        .await
        .unwrap();
        pool
    }

    async fn run(pool: &SqlitePool, query: &str) -> Result<i64, sqlx::Error> {
        sqlx::query_scalar("SELECT count(*) FROM lessons_fts WHERE lessons_fts MATCH ?")
            .bind(query)
            .fetch_one(pool)
            .await
    }

    fn searching(text: &str) -> Search {
        Search {
            text: text.to_owned(),
            page: 1,
            per_page: PER_PAGE,
            ..Search::default()
        }
    }

    #[tokio::test]
    async fn every_hostile_input_is_a_valid_fts5_query() {
        let pool = index().await;
        for (input, _) in HOSTILE {
            let with_filters = Search {
                cycle: Some(1),
                units: vec![2, 3],
                tag: Some("hiring".into()),
                achieved: Some(true),
                ..searching(input)
            };
            for search in [searching(input), with_filters] {
                if let (Some(query), _) = search.fts_query() {
                    run(&pool, &query)
                        .await
                        .unwrap_or_else(|e| panic!("{input:?} → {query}: {e}"));
                }
            }
        }
        // The raw inputs themselves would have failed.
        assert!(run(&pool, "\"unbalanced").await.is_err());
        assert!(run(&pool, "NEAR(a b, 3").await.is_err());
    }

    #[tokio::test]
    async fn operators_are_searched_as_words() {
        let pool = index().await;
        let count = |text: &'static str| {
            let pool = pool.clone();
            async move {
                run(&pool, &searching(text).fts_query().0.unwrap())
                    .await
                    .unwrap()
            }
        };
        assert_eq!(
            count("\"hello\" AND").await,
            1,
            "AND is a word of the title"
        );
        assert_eq!(count("NOT much").await, 1);
        assert_eq!(count("onboa").await, 1, "prefix while typing");
        assert_eq!(count("onboa ").await, 0, "a finished word is whole");
        assert_eq!(count("c1").await, 0, "typed words never match the facets");
        assert_eq!(count("hiring -onboarding").await, 1, "a minus is not NOT");
    }

    proptest::proptest! {
        #[test]
        fn any_input_is_a_valid_fts5_query(input in "\\PC{0,60}") {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            runtime.block_on(async {
                let pool = index().await;
                if let (Some(query), _) = searching(&input).fts_query() {
                    run(&pool, &query).await.unwrap_or_else(|e| panic!("{input:?} → {query}: {e}"));
                }
            });
        }
    }

    #[test]
    fn facets_name_cycle_units_achievement_and_tags() {
        assert_eq!(
            facets(3, &[5, 7], true, &["on-call".into()]),
            "c3 u5 u7 a1 t6f6e2d63616c6c"
        );
    }
}
