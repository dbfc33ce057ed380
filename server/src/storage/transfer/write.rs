//! The import: a checked document into an empty database, in one write
//! transaction, ids as they are. What the document leaves out is made
//! here: an unusable password for people without a hash, a digest of a
//! token nobody holds for screens and API tokens, the lessons index's
//! filter tokens and tag rows (the search index follows by trigger or
//! generated column). PostgreSQL's id sequences are then moved past the
//! ids written, so the next row the app makes gets a free id.

use super::rows::{ClosingNote, Table};
use super::{Document, ImportError, TABLES};
use app::auth::password::NO_PASSWORD;
use app::auth::secret::{digest, new_token};
use app::sql::{Backend, Conn, Pool};
use std::collections::{BTreeSet, HashMap};
use std::hash::Hash;

/// The tables whose `id` the database numbers (an identity on PostgreSQL,
/// SQLite's INTEGER PRIMARY KEY), in [`TABLES`] order.
pub const NUMBERED: &[&str] = &[
    "units",
    "people",
    "cycles",
    "plan_meetings",
    "kpis",
    "api_tokens",
    "kpi_reading_history",
    "objective_history",
    "closing_notes",
    "office_screens",
];

/// What an import wrote.
#[derive(Debug)]
pub struct Imported {
    /// Rows per table, in [`TABLES`] order.
    pub counts: Vec<(&'static str, usize)>,
    /// People who came without a password hash: none of them can sign in
    /// until a password is set.
    pub without_password: usize,
    /// Office screens and API tokens, which never come with their secret.
    pub screens: usize,
    pub api_tokens: usize,
}

/// Writes `document` (checked by [`super::parse`]) into the empty database
/// of `pool`, all or nothing.
pub async fn import(pool: &Pool, document: Document) -> Result<Imported, ImportError> {
    let (document, without_password) = prepare(document);
    let mut tx = app::sql::write_tx(pool).await?;
    let held = holdings(&mut tx).await?;
    if !held.is_empty() {
        return Err(ImportError::NotEmpty(held.join(", ")));
    }
    // The document's settings replace the defaults the migrations wrote.
    for setting in &document.settings {
        sqlx::query("DELETE FROM settings WHERE key = $1")
            .bind(&setting.key)
            .execute(&mut *tx)
            .await?;
    }
    document.write_all(&mut tx).await?;
    tags(&mut tx, &document.closing_notes).await?;
    if Backend::of(&tx) == Backend::Postgres {
        for table in NUMBERED {
            sqlx::query(&format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), \
                 COALESCE(MAX(id), 0) + 1, false) FROM {table}"
            ))
            .execute(&mut *tx)
            .await?;
        }
    }
    tx.commit().await?;
    Ok(Imported {
        counts: document.counts(),
        without_password,
        screens: document.office_screens.len(),
        api_tokens: document.api_tokens.len(),
    })
}

/// What the database already holds, as "3 units", one per table that is
/// not empty. Settings do not count: the migrations write their defaults.
async fn holdings(db: &mut Conn) -> Result<Vec<String>, sqlx::Error> {
    let mut held = Vec::new();
    for table in TABLES.iter().filter(|table| **table != "settings") {
        let count: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(&mut *db)
            .await?;
        if count > 0 {
            held.push(format!("{count} {table}"));
        }
    }
    Ok(held)
}

/// Every row of `T`'s table, in the order given.
pub(super) async fn rows<T: Table>(db: &mut Conn, rows: &[T]) -> Result<(), ImportError> {
    let placeholders: Vec<String> = (1..=T::COLUMNS.len()).map(|n| format!("${n}")).collect();
    let sql = format!(
        "INSERT INTO {} ({}) VALUES ({})",
        T::NAME,
        T::COLUMNS.join(", "),
        placeholders.join(", ")
    );
    for row in rows {
        row.bind(sqlx::query(&sql))
            .execute(&mut *db)
            .await
            .map_err(|source| ImportError::Refused {
                row: format!("{} ({})", T::NAME, row.key()),
                source,
            })?;
    }
    Ok(())
}

/// Fills in what the document leaves out and puts parents before their
/// children; also says how many people came without a password.
fn prepare(mut d: Document) -> (Document, usize) {
    let mut without_password = 0;
    for person in &mut d.people {
        if person.password_hash.is_none() {
            person.password_hash = Some(NO_PASSWORD.to_owned());
            without_password += 1;
        }
    }
    for token in &mut d.api_tokens {
        token.token_hash = digest(&new_token());
    }
    for screen in &mut d.office_screens {
        screen.token_hash = digest(&new_token());
    }
    let objectives: HashMap<&str, (i64, i64)> = d
        .objectives
        .iter()
        .map(|o| (o.id.as_str(), (o.cycle_id, o.unit_id)))
        .collect();
    // The owning unit, then the units that accepted, by id: as
    // `Objective::units` lists them when a note is written.
    let mut sharing: HashMap<&str, Vec<i64>> = HashMap::new();
    for share in d.objective_units.iter().filter(|s| s.state == "accepted") {
        sharing
            .entry(&share.objective_id)
            .or_default()
            .push(share.unit_id);
    }
    let mut facets = Vec::with_capacity(d.closing_notes.len());
    for note in &d.closing_notes {
        let (cycle, owner) = objectives
            .get(note.objective_id.as_str())
            .copied()
            .unwrap_or_default();
        let mut units = vec![owner];
        let mut shared = sharing
            .get(note.objective_id.as_str())
            .cloned()
            .unwrap_or_default();
        shared.sort_unstable();
        units.extend(shared);
        facets.push(app::lessons::ssr::facets(
            cycle,
            &units,
            note.achieved,
            &tags_of(note),
        ));
    }
    for (note, facets) in d.closing_notes.iter_mut().zip(facets) {
        note.facets = facets;
    }
    parents_first(&mut d.units, |u| (u.id, u.parent_id));
    parents_first(&mut d.objectives, |o| {
        (o.id.clone(), o.carried_from.clone())
    });
    (d, without_password)
}

/// A note's tags, as stored: space-separated.
fn tags_of(note: &ClosingNote) -> Vec<String> {
    note.tags.split_whitespace().map(str::to_owned).collect()
}

/// Each note's `closing_note_tags` rows (their triggers count the tags).
async fn tags(db: &mut Conn, notes: &[ClosingNote]) -> Result<(), sqlx::Error> {
    for note in notes {
        let tags: BTreeSet<String> = tags_of(note).into_iter().collect();
        for tag in tags {
            sqlx::query("INSERT INTO closing_note_tags (tag, note_id) VALUES ($1, $2)")
                .bind(tag)
                .bind(note.id)
                .execute(&mut *db)
                .await?;
        }
    }
    Ok(())
}

/// Orders `rows` so that each comes after the row it names through `link`
/// (a unit's parent, the objective a draft carries on), which the foreign
/// keys ask for; otherwise as they were. The document has no circles
/// (checked), so every row has a finite depth.
fn parents_first<T, K: Hash + Eq + Clone>(rows: &mut [T], link: impl Fn(&T) -> (K, Option<K>)) {
    let parents: HashMap<K, Option<K>> = rows.iter().map(&link).collect();
    let depth = |row: &T| {
        let mut next = link(row).1;
        let mut depth = 0;
        while let Some(at) = next
            && depth <= parents.len()
        {
            depth += 1;
            next = parents.get(&at).cloned().flatten();
        }
        depth
    };
    let depths: HashMap<K, usize> = rows.iter().map(|row| (link(row).0, depth(row))).collect();
    rows.sort_by_key(|row| depths.get(&link(row).0).copied().unwrap_or_default());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parents_come_before_their_children_and_the_rest_keeps_its_order() {
        let mut rows = vec![
            (1, Some(4)),
            (2, None),
            (3, Some(1)),
            (4, None),
            (5, Some(9)),
        ];
        parents_first(&mut rows, |&(id, parent)| (id, parent));
        let ids: Vec<i32> = rows.iter().map(|(id, _)| *id).collect();
        assert_eq!(ids, [2, 4, 1, 5, 3]);
    }
}
