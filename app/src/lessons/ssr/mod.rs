//! Closing notes and lesson search in the database.
//!
//! A note, its tags, its index entry (by trigger, see the migration), the
//! objective's status and the board event are written in one transaction.
//! Search never hands what a person typed to FTS5: [`crate::domain::search`]
//! turns it into quoted phrases, and filters become tokens of the `facets`
//! column, so cycle, unit, tag and achieved are narrowed inside the index
//! (posting lists intersect) rather than by reading every matching note.
//! Filter tokens start with [`FACET_MARK`], which nobody can type, so typed
//! words need no column filter to stay out of `facets`.

mod notes;
mod postgres;
mod search;
#[cfg(test)]
mod tests;

use crate::domain::search::FACET_MARK;
pub(crate) use notes::note_of;
pub use notes::{
    NoteOf, close_objective, edit_closing_note, insert_note, open_objectives_of_cycle,
};
pub use search::{
    Search, find_related_lessons, lesson_filters, reindex, related, search, search_lessons,
};

/// A filter token: the mark, a letter for its kind, its value (public for
/// the benchmark, which writes its floor queries with the same tokens).
pub fn facet(kind: char, value: impl std::fmt::Display) -> String {
    format!("{FACET_MARK}{kind}{value}")
}

/// The index token of a tag: hex, so any tag is one token to the tokenizer.
pub fn tag_token(tag: &str) -> String {
    let hex: String = tag.bytes().map(|b| format!("{b:02x}")).collect();
    facet('t', hex)
}

/// Filter tokens of a note, each after [`FACET_MARK`]: `c<cycle>`,
/// `u<unit>` for the owning and each sharing unit, `a1`/`a0` for achieved
/// or not, `t<hex>` per tag.
pub fn facets(cycle_id: i64, units: &[i64], achieved: bool, tags: &[String]) -> String {
    let mut parts = vec![facet('c', cycle_id)];
    parts.extend(units.iter().map(|u| facet('u', u)));
    parts.push(facet('a', u8::from(achieved)));
    parts.extend(tags.iter().map(|t| tag_token(t)));
    parts.join(" ")
}

fn split_tags(tags: &str) -> Vec<String> {
    tags.split_whitespace().map(str::to_owned).collect()
}
