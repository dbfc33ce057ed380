//! Closing notes and lesson search in the database.
//!
//! A note, its tags, its index entry (by trigger, see the migration), the
//! objective's status and the board event are written in one transaction.
//! Search never hands what a person typed to FTS5: [`crate::domain::search`]
//! turns it into quoted phrases, and filters become tokens of the `facets`
//! column, so cycle, unit, tag and achieved are narrowed inside the index
//! (posting lists intersect) rather than by reading every matching note.

mod notes;
mod search;
#[cfg(test)]
mod tests;

pub(crate) use notes::note_of;
pub use notes::{
    NoteOf, close_objective, edit_closing_note, insert_note, open_objectives_of_cycle,
};
pub use search::{
    Search, find_related_lessons, lesson_filters, reindex, related, search, search_lessons,
};

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

fn split_tags(tags: &str) -> Vec<String> {
    tags.split_whitespace().map(str::to_owned).collect()
}
