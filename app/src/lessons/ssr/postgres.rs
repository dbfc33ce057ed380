//! The lessons search on PostgreSQL: the same search as FTS5's, written
//! against the generated `closing_notes.search` tsvector and its GIN index
//! (see `migrations/postgres/20261126000004_closing_notes_and_lessons.sql`
//! for how it mirrors the FTS5 table: weights, tokens, facets).
//!
//! The typed words reach `to_tsquery` only as quoted lexemes
//! ([`crate::domain::search::Syntax::TsQuery`]); filters are facet lexemes
//! cast as they are, so they match only the facets' exact tokens.

use super::search::{HIT_DETAILS, HIT_JOINS, SNIPPET_WORDS};
use crate::domain::search::{MARK_END, MARK_START};

/// The query: typed words through the index's configuration (lower case,
/// accents off), and'ed with the facet lexemes when a filter is set
/// (bound as `$facets`).
fn query_expr(facets: Option<u32>) -> String {
    match facets {
        Some(n) => format!("(to_tsquery('lessons_search', $1) && CAST(${n} AS tsquery))"),
        None => "to_tsquery('lessons_search', $1)".to_owned(),
    }
}

/// `ts_headline`'s options for a title: every match marked.
pub(super) fn title_marks() -> String {
    format!("StartSel={MARK_START}, StopSel={MARK_END}, HighlightAll=true")
}

/// `ts_headline`'s options for a snippet: one fragment of about
/// [`SNIPPET_WORDS`] words around the best match.
pub(super) fn snippet_marks() -> String {
    format!(
        "StartSel={MARK_START}, StopSel={MARK_END}, MaxWords={SNIPPET_WORDS}, MinWords=8, \
         ShortWord=0, MaxFragments=1, FragmentDelimiter=…"
    )
}

/// Ranked matches with highlights. Binds: `$1` the typed words' tsquery,
/// `$2` title marks, `$3` snippet marks, `$4` limit, `$5` offset, `$6`
/// what to mark (any of the words: a snippet is one field, and with the
/// search's own query — every word, and the facets — `ts_headline` finds
/// no fragment to mark in a field that holds only some of them), and `$7`
/// the facets' tsquery when `facets`. The page is chosen over the
/// index alone; highlights and joins run for the page's rows only; ties
/// go to the newer note, as on SQLite. `ts_rank`'s weights are D, C, B, A:
/// facets count for nothing, title most (FTS5's bm25 proportions).
pub(super) fn ranked_sql(facets: bool) -> String {
    let q = query_expr(facets.then_some(7));
    let headline = |column: &str, marks: u32| {
        format!("ts_headline('lessons_search', n.{column}, h.q, ${marks}) AS {column}")
    };
    format!(
        "SELECT {}, {}, {}, {}, {HIT_DETAILS} \
         FROM (SELECT n.id, ts_rank('{{0, 0.25, 0.5, 1}}', n.search, s.q) AS r \
               FROM closing_notes n, (SELECT {q} AS q) AS s WHERE n.search @@ s.q \
               ORDER BY r DESC, n.id DESC LIMIT $4 OFFSET $5) AS t \
         JOIN closing_notes n ON n.id = t.id {HIT_JOINS} \
         CROSS JOIN (SELECT to_tsquery('lessons_search', $6) AS q) AS h ORDER BY t.r DESC, t.id DESC",
        headline("title", 2),
        headline("went_well", 3),
        headline("went_badly", 3),
        headline("lessons", 3),
    )
}

/// The notes matching the filters alone, newest first (for
/// [`super::search::filtered_recent_sql`]). Binds: `$1` the facets'
/// tsquery, `$2` limit, `$3` offset.
pub(super) const FILTERED_TOP: &str = "SELECT id FROM closing_notes WHERE search @@ CAST($1 AS tsquery) ORDER BY id DESC LIMIT $2 OFFSET $3";
