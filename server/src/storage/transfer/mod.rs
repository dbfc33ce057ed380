//! The whole organisation as one JSON document, to move it between
//! databases (SQLite to PostgreSQL and back) or keep it: `northstar export`
//! and `northstar import`.
//!
//! # Layout
//! - [`rows`] — one serde type per table, columns as fields.
//! - `read` — the export: every table in one read transaction, rows by key.
//! - `parse` — the document's JSON to rows, every record that does not fit
//!   its type reported with its path (`key_results[17].target_value`).
//! - `check` — how a document is checked: every problem with its path,
//!   checks per row; `check_organisation` and `check_okrs` — the rules the
//!   database would enforce (lengths, choices, references, unique keys) and
//!   what Northstar reads back, checked before anything is written.
//! - `write` — the import: an empty database of either engine, one write
//!   transaction, ids as they are, then PostgreSQL's id sequences moved past
//!   them.
//!
//! What the document leaves out, and why: sessions and password reset links
//! (they belong to the old server's sign-ins), what the running instances
//! keep for themselves (sign-in and write limits, board presence), the
//! board event log (for clients catching up live; a new server has none),
//! API idempotency records (retries within a day), secrets (password
//! hashes unless asked for, screen and API token digests), and what the
//! database derives: closing-note tag rows, tag counts, the lessons search
//! index and its filter tokens (made anew by the import).

mod check;
mod check_okrs;
mod check_organisation;
mod parse;
mod read;
pub mod rows;
mod write;

use rows::*;
use serde::Serialize;

/// The document's `format`: what it is.
pub const FORMAT: &str = "northstar-organisation";
/// The document's `version`: raised when a table or column changes, so an
/// older Northstar refuses a document it would misread.
pub const VERSION: u32 = 1;

/// The tables of the document in the order they are written (every table
/// after those it refers to), each a list of rows named like its table.
macro_rules! tables {
    ($($field:ident: $ty:ty),* $(,)?) => {
        /// The organisation: `format`, `version`, then one list per table.
        #[derive(Debug, Clone, PartialEq, Serialize)]
        pub struct Document {
            pub format: String,
            pub version: u32,
            $(pub $field: Vec<$ty>,)*
        }

        /// The tables the document holds, in the order they are written.
        pub const TABLES: &[&str] = &[$(<$ty as Table>::NAME),*];

        impl Document {
            /// How many rows each table holds, in [`TABLES`] order.
            pub fn counts(&self) -> Vec<(&'static str, usize)> {
                vec![$((<$ty as Table>::NAME, self.$field.len())),*]
            }

            async fn read_all(db: &mut app::sql::Conn) -> Result<Self, sqlx::Error> {
                Ok(Self {
                    format: FORMAT.into(),
                    version: VERSION,
                    $($field: read::rows::<$ty>(db).await?,)*
                })
            }

            fn parse_all(
                object: &mut serde_json::Map<String, serde_json::Value>,
                report: &mut check::Report,
            ) -> Self {
                Self {
                    format: FORMAT.into(),
                    version: VERSION,
                    $($field: parse::rows::<$ty>(object, report),)*
                }
            }

            async fn write_all(&self, db: &mut app::sql::Conn) -> Result<(), ImportError> {
                $(write::rows(db, &self.$field).await?;)*
                Ok(())
            }
        }
    };
}

tables! {
    settings: Setting,
    units: Unit,
    people: Person,
    memberships: Membership,
    cycles: Cycle,
    cycle_units_out: CycleUnitOut,
    plan_meetings: PlanMeeting,
    agenda_notes: AgendaNote,
    kpis: Kpi,
    api_tokens: ApiToken,
    kpi_readings: KpiReading,
    kpi_reading_history: KpiReadingReplaced,
    kpi_recoveries: KpiRecovery,
    objectives: Objective,
    objective_units: ObjectiveUnit,
    objective_commitments: ObjectiveCommitment,
    objective_links: ObjectiveLink,
    objective_history: ObjectiveHistory,
    merged_objectives: MergedObjective,
    overlap_dismissals: OverlapDismissal,
    key_results: KeyResult,
    check_ins: CheckIn,
    closing_notes: ClosingNote,
    closing_note_revisions: ClosingNoteRevision,
    office_screens: OfficeScreen,
}

/// Tables of the schema the document leaves out on purpose (see the module
/// documentation); every other table is in [`TABLES`].
pub const LEFT_OUT: &[&str] = &[
    "tower_sessions",
    "password_resets",
    "board_events",
    "api_idempotency",
    "closing_note_tags",
    "lesson_tags",
    "lessons_fts",
    "_sqlx_migrations",
    // What instances sharing a database keep for themselves (main's
    // migration 13, `instances`): who looks at which board, failed sign-ins.
    "board_presence",
    "sign_in_buckets",
];

pub use parse::parse;
pub use read::export;
pub use write::{Imported, NUMBERED, import};

/// Why an import wrote nothing.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The document is not one Northstar reads; every problem, one a line,
    /// each with its path in the document.
    #[error("{} in the document; nothing was written:\n  {}", problems(.0.len()), .0.join("\n  "))]
    Invalid(Vec<String>),
    /// The database already holds an organisation.
    #[error(
        "the database already holds an organisation ({0}); import only into an empty database, \
         so nothing there is overwritten or mixed with the document. Nothing was written."
    )]
    NotEmpty(String),
    /// The database refused a row the checks let through.
    #[error(
        "{row}: the database refused it ({source}); the import was rolled back, nothing was written"
    )]
    Refused { row: String, source: sqlx::Error },
    #[error("the import failed and was rolled back; nothing was written: {0}")]
    Database(#[from] sqlx::Error),
}

fn problems(count: usize) -> String {
    match count {
        1 => "1 problem".into(),
        n => format!("{n} problems"),
    }
}

/// The document as the file holds it: pretty-printed (a person may read or
/// compare two), ending with a line break.
pub fn to_json(document: &Document) -> serde_json::Result<Vec<u8>> {
    let mut bytes = serde_json::to_vec_pretty(document)?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// Writes `bytes` to `path` whole or not at all (a file beside it, then
/// renamed over it), readable by its owner only: it holds the
/// organisation, and its password hashes when asked for.
pub fn write_file(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut partial = path.as_os_str().to_owned();
    partial.push(".partial");
    let partial = std::path::PathBuf::from(partial);
    // A new file, never one already there (whose permissions would stay,
    // or a link someone planted, which would be followed).
    match std::fs::remove_file(&partial) {
        Err(error) if error.kind() != std::io::ErrorKind::NotFound => return Err(error),
        _ => {}
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&partial)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    std::fs::rename(&partial, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_is_a_key_of_the_document_under_its_own_name() {
        let empty = parse(&format!(
            r#"{{"format": "{FORMAT}", "version": {VERSION}}}"#
        ))
        .expect("an empty organisation");
        let json = serde_json::to_value(&empty).expect("serialises");
        let keys: Vec<&str> = json
            .as_object()
            .expect("an object")
            .keys()
            .map(String::as_str)
            .filter(|key| !["format", "version"].contains(key))
            .collect();
        let mut tables = TABLES.to_vec();
        tables.sort_unstable();
        let mut keys = keys;
        keys.sort_unstable();
        assert_eq!(keys, tables);
    }

    #[test]
    fn the_file_is_new_and_its_owners_alone_whatever_was_there() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("a folder");
        let path = dir.path().join("northstar.json");
        // A readable leftover of an earlier run, and a link planted beside it.
        let partial = dir.path().join("northstar.json.partial");
        std::fs::write(&partial, "old").expect("a leftover");
        std::fs::set_permissions(&partial, std::fs::Permissions::from_mode(0o644))
            .expect("readable by all");
        write_file(&path, b"{}").expect("written");
        let mode = std::fs::metadata(&path)
            .expect("there")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
        let elsewhere = dir.path().join("elsewhere");
        std::os::unix::fs::symlink(&elsewhere, &partial).expect("a link");
        write_file(&path, b"{}").expect("written again");
        assert!(!elsewhere.exists(), "the link was not followed");
    }
}
