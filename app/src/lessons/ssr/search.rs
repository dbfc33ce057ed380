//! Searching closing notes: the typed words sanitised into FTS5 phrases,
//! filters as facet tokens, bm25 ranking, highlights for one page of rows.

use super::super::{Choice, FilterChoices, LessonHit, LessonResults, MAX_PAGE, PER_PAGE, RELATED};
use super::{facet, split_tags, tag_token};
use crate::auth::ssr::require_caller;
use crate::domain::closing::normalise_tag;
use crate::domain::okr::ObjectiveKind;
use crate::domain::search::{self, Fragment, MARK_END, MARK_START, Syntax, fragments, has_hit};
use crate::domain::units::UnitTree;
use crate::error::{AppError, ssr::internal};
use crate::org::load_tree;
use crate::sql::{Backend, Pool};
use crate::state::pool;

/// Words of context in a snippet.
pub(super) const SNIPPET_WORDS: u32 = 24;
/// Characters of a lesson shown when nothing was searched for.
const PREVIEW_CHARS: usize = 240;

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

    /// The facets' filter expression in `syntax`, if any filter is set.
    /// Filter tokens occur only in `facets` (no column filter needed).
    fn facet_query(&self, syntax: Syntax) -> Option<String> {
        let quoted = |token: String| syntax.quoted(&token);
        let mut parts = Vec::new();
        if let Some(cycle) = self.cycle {
            parts.push(quoted(facet('c', cycle)));
        }
        if !self.units.is_empty() {
            let any: Vec<String> = self.units.iter().map(|u| quoted(facet('u', u))).collect();
            parts.push(format!("({})", any.join(syntax.or())));
        }
        if let Some(tag) = &self.tag {
            parts.push(quoted(tag_token(tag)));
        }
        if let Some(achieved) = self.achieved {
            parts.push(quoted(facet('a', u8::from(achieved))));
        }
        (!parts.is_empty()).then(|| parts.join(syntax.and()))
    }

    /// The whole FTS5 query: the typed words (sanitised) and the filters.
    /// Typed words cannot match a filter token, so they search every
    /// column as they are (a column filter measurably slows FTS5 down).
    pub fn fts_query(&self) -> (Option<String>, bool) {
        let (text, facets) = self.queries(Syntax::Fts5);
        let searched = text.is_some();
        let query = match (text, facets) {
            (Some(t), Some(f)) => Some(format!("{t} AND {f}")),
            (t, f) => t.or(f),
        };
        (query, searched)
    }

    /// The typed words' query and the filters' query, each in `syntax`.
    pub fn queries(&self, syntax: Syntax) -> (Option<String>, Option<String>) {
        (
            search::match_query(syntax, &self.text),
            self.facet_query(syntax),
        )
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
    #[sqlx(try_from = "crate::sql::Flag")]
    achieved: bool,
    tags: String,
    closed_on: String,
    kind: String,
    unit_id: i64,
    cycle: String,
    author: String,
}

pub(super) const HIT_DETAILS: &str = "n.objective_id, n.score, n.achieved, n.tags, substr(n.created_at, 1, 10) AS closed_on, \
     o.kind, o.unit_id, c.name AS cycle, p.name AS author";
pub(super) const HIT_JOINS: &str = "JOIN objectives o ON o.id = n.objective_id JOIN cycles c ON c.id = o.cycle_id \
     JOIN people p ON p.id = n.author_id";

/// Ranked matches with highlights, in one statement shaped for SQLite's
/// planner (each choice measured by the `lessons_search` benchmark):
/// - the page is chosen inside a plain subquery over the index alone, so
///   the joins run for the page's rows only, not for every match;
/// - `+rank` keeps FTS5 from taking over the sort: SQLite then keeps only
///   the best rows of the page (a top-N sort) instead of sorting every
///   match; the bm25 weights of the migration still apply;
/// - not materialized: highlight and snippets are then computed only for
///   the rows that make the page;
/// - ties on rank go to the newer note, so pages do not shift.
fn ranked_sql() -> String {
    let snip =
        |column: u32| format!("snippet(lessons_fts, {column}, $2, $3, '…', {SNIPPET_WORDS})");
    format!(
        "SELECT t.title, t.went_well, t.went_badly, t.lessons, {HIT_DETAILS} \
         FROM (SELECT rowid AS id, rank AS r, highlight(lessons_fts, 0, $2, $3) AS title, \
                 {} AS went_well, {} AS went_badly, {} AS lessons \
               FROM lessons_fts WHERE lessons_fts MATCH $1 \
               ORDER BY +rank, rowid DESC LIMIT $4 OFFSET $5) AS t \
         JOIN closing_notes n ON n.id = t.id {HIT_JOINS} ORDER BY t.r, t.id DESC",
        snip(1),
        snip(2),
        snip(3)
    )
}

/// The most recent notes among `top` (the ids matching the filters alone,
/// newest first, a page of them).
pub(super) fn filtered_recent_sql(top: &str) -> String {
    format!(
        "WITH top(id) AS MATERIALIZED ({top}) \
         SELECT n.title, '' AS went_well, '' AS went_badly, n.lessons, n.objective_id, n.score, n.achieved, \
         n.tags, substr(n.created_at, 1, 10) AS closed_on, o.kind, o.unit_id, c.name AS cycle, p.name AS author \
         FROM top JOIN closing_notes n ON n.id = top.id JOIN objectives o ON o.id = n.objective_id \
         JOIN cycles c ON c.id = o.cycle_id JOIN people p ON p.id = n.author_id ORDER BY top.id DESC"
    )
}

/// FTS5's notes matching the filters alone: `$1` the query, `$2` limit,
/// `$3` offset.
const FILTERED_TOP: &str = "SELECT rowid FROM lessons_fts WHERE lessons_fts MATCH $1 ORDER BY rowid DESC LIMIT $2 OFFSET $3";

/// The most recent notes of all.
const RECENT_SQL: &str = "SELECT n.title, '' AS went_well, '' AS went_badly, n.lessons, n.objective_id, n.score, \
     n.achieved, n.tags, substr(n.created_at, 1, 10) AS closed_on, o.kind, o.unit_id, c.name AS cycle, \
     p.name AS author FROM closing_notes n JOIN objectives o ON o.id = n.objective_id \
     JOIN cycles c ON c.id = o.cycle_id JOIN people p ON p.id = n.author_id ORDER BY n.id DESC LIMIT $1 OFFSET $2";

/// Runs a search: the code path of the lessons page, also measured by the
/// `lessons_search` benchmark.
pub async fn search(
    pool: &Pool,
    tree: &UnitTree,
    search: &Search,
) -> Result<LessonResults, AppError> {
    // One more than a page: whether there is a next page, without counting.
    let limit = i64::from(search.per_page) + 1;
    let offset = i64::from(search.page.saturating_sub(1) * search.per_page);
    let backend = Backend::of_pool(pool);
    let (text, facets) = search.queries(syntax_of(backend));
    let searched = text.is_some();
    let rows: Vec<HitRow> = match (text, facets) {
        (Some(text), facets) => {
            let marks =
                search::any_word_query(syntax_of(backend), &search.text).unwrap_or_default();
            ranked(pool, &text, &marks, facets.as_deref(), limit, offset).await?
        }
        (None, Some(facets)) => {
            let top = match backend {
                Backend::Sqlite => FILTERED_TOP,
                Backend::Postgres => super::postgres::FILTERED_TOP,
            };
            sqlx::query_as(&filtered_recent_sql(top))
                .bind(facets)
                .bind(limit)
                .bind(offset)
                .fetch_all(pool)
                .await?
        }
        (None, None) => {
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

/// The query language of the engine's full-text search.
fn syntax_of(backend: Backend) -> Syntax {
    match backend {
        Backend::Sqlite => Syntax::Fts5,
        Backend::Postgres => Syntax::TsQuery,
    }
}

/// Ranked matches of the typed words (and the filters), with highlights
/// of `marks` (PostgreSQL's; FTS5 marks what matched): one page of them
/// from `offset`.
async fn ranked(
    pool: &Pool,
    text: &str,
    marks: &str,
    facets: Option<&str>,
    limit: i64,
    offset: i64,
) -> Result<Vec<HitRow>, AppError> {
    Ok(match Backend::of_pool(pool) {
        Backend::Sqlite => {
            let query = match facets {
                Some(facets) => format!("{text} AND {facets}"),
                None => text.to_owned(),
            };
            sqlx::query_as(&ranked_sql())
                .bind(query)
                .bind(MARK_START.to_string())
                .bind(MARK_END.to_string())
                .bind(limit)
                .bind(offset)
                .fetch_all(pool)
                .await?
        }
        Backend::Postgres => {
            let sql = super::postgres::ranked_sql(facets.is_some());
            let mut query = sqlx::query_as(&sql)
                .bind(text)
                .bind(super::postgres::title_marks())
                .bind(super::postgres::snippet_marks())
                .bind(limit)
                .bind(offset)
                .bind(marks);
            if let Some(facets) = facets {
                query = query.bind(facets);
            }
            query.fetch_all(pool).await?
        }
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
pub async fn related(pool: &Pool, tree: &UnitTree, text: &str) -> Result<Vec<LessonHit>, AppError> {
    let Some(words) = search::related_query(syntax_of(Backend::of_pool(pool)), text) else {
        return Ok(Vec::new());
    };
    let rows = ranked(pool, &words, &words, None, i64::from(RELATED), 0).await?;
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

/// Rebuilds the search index from the notes (`northstar admin reindex`);
/// returns how many notes it holds.
pub async fn reindex(pool: &Pool) -> Result<i64, AppError> {
    let mut tx = crate::sql::write_tx(pool).await?;
    // PostgreSQL's index is a generated column: nothing to rebuild.
    if Backend::of_pool(pool) == Backend::Sqlite {
        sqlx::query("INSERT INTO lessons_fts (lessons_fts) VALUES ('rebuild')")
            .execute(&mut *tx)
            .await?;
    }
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM closing_notes")
        .fetch_one(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(count)
}
