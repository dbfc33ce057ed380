//! The SQL dialect in one place. Queries are written once, in the SQL that
//! SQLite and PostgreSQL share (`$N` placeholders, `ON CONFLICT` upserts,
//! `RETURNING`); what differs between the two lives here, so a second
//! backend changes this module rather than every feature:
//!
//! - the database, connection, pool and write-transaction types, and the
//!   write transaction itself ([`begin_write`]);
//! - "now": moments are bound from Rust ([`now`], [`at`]), never computed
//!   by the database's own date functions in a query;
//! - a list of ids bound as one parameter ([`list`], [`in_list`]);
//! - the session store's own table ([`session_seconds_left`]);
//! - full-text search (SQLite's FTS5) is the lessons search's own module,
//!   `lessons::ssr::search`, written against FTS5 on purpose: its ranking
//!   and snippets are the engine's.
//!
//! Constraint violations (unique keys, foreign keys) reach people as
//! `AppError::Conflict` (see `error::ssr`), so a check-then-insert race
//! still ends in a sentence rather than an internal error.

use serde::Serialize;
use time::OffsetDateTime;

pub use crate::state::begin_write;

/// The database every query is written for.
pub type Db = sqlx::Sqlite;
/// One connection (or a transaction, through `&mut *tx`).
pub type Conn = sqlx::SqliteConnection;
pub type Pool = sqlx::SqlitePool;
/// A write transaction, as [`begin_write`] opens it.
pub type WriteTx = sqlx::Transaction<'static, Db>;

/// A moment as the database stores it: UTC to the millisecond,
/// `YYYY-MM-DDTHH:MM:SS.mmmZ`, which sorts as text (the migrations'
/// column defaults write the same form).
pub fn at(moment: OffsetDateTime) -> String {
    moment
        .to_offset(time::UtcOffset::UTC)
        .format(time::macros::format_description!(
            "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
        ))
        .unwrap_or_default()
}

/// Now, as the database stores it (see [`at`]).
pub fn now() -> String {
    at(OffsetDateTime::now_utc())
}

/// Seconds until the stored session `id` expires (negative once expired),
/// or `None` when there is no such session. Read from the session store's
/// own table, whose layout is the store's: its SQLite store writes the
/// expiry as a date SQLite reads (its own clean-up compares it with
/// `datetime('now')`).
pub async fn session_seconds_left(pool: &Pool, id: &str) -> Result<Option<f64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT (julianday(expiry_date) - julianday('now')) * 86400.0 FROM tower_sessions WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(pool)
    .await
}

/// A list bound as one parameter (a JSON array), for [`in_list`].
pub fn list<T: Serialize>(items: &[T]) -> String {
    serde_json::to_string(items).unwrap_or_else(|_| "[]".into())
}

/// SQL: `column` is one of the list bound as parameter `$n` (see [`list`]).
pub fn in_list(column: &str, n: u32) -> String {
    format!("{column} IN (SELECT value FROM json_each(${n}))")
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn moments_are_stored_to_the_millisecond_in_utc_and_sort_as_text() {
        assert_eq!(
            at(datetime!(2026-12-01 09:05:07.123456 UTC)),
            "2026-12-01T09:05:07.123Z"
        );
        assert_eq!(
            at(datetime!(2026-12-01 10:05:07 +01:00)),
            "2026-12-01T09:05:07.000Z"
        );
        assert!(at(datetime!(2026-12-01 09:05:07.9 UTC)) < at(datetime!(2026-12-01 09:05:08 UTC)));
    }

    #[test]
    fn lists_are_one_parameter() {
        assert_eq!(list(&[3_i64, 5]), "[3,5]");
        assert_eq!(list::<i64>(&[]), "[]");
        assert_eq!(
            in_list("o.unit_id", 2),
            "o.unit_id IN (SELECT value FROM json_each($2))"
        );
    }
}
