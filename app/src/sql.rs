//! The SQL dialect in one place. Northstar runs on SQLite (the embedded
//! default) or PostgreSQL, chosen by the database URL at start-up, through
//! sqlx's `Any` driver: one binary, queries written once in the SQL the two
//! share (`$N` placeholders, `ON CONFLICT` upserts, `RETURNING`, `TRUE` and
//! `FALSE`, `CAST(… AS DOUBLE PRECISION)`, `COALESCE`). What differs lives
//! here, so features never name an engine:
//!
//! - the database, connection, pool and write-transaction types, and the
//!   write transaction itself ([`begin_write`]: SQLite's write lock, or
//!   PostgreSQL's transaction-level advisory lock, see [`Backend`]);
//! - "now": moments are bound from Rust ([`now`], [`at`]), never computed
//!   by the database's own date functions in a query;
//! - a list of ids bound as one parameter ([`list`], [`in_list`]);
//! - booleans read back ([`Flag`]): `Any` reads a SQLite boolean as the
//!   integer SQLite stores;
//! - the session store's own table ([`session_seconds_left`]);
//! - full-text search is the lessons search's own module,
//!   `lessons::ssr::search`, with one query per engine on purpose: ranking
//!   and snippets are the engine's.
//!
//! Constraint violations (unique keys, foreign keys) reach people as
//! `AppError::Conflict` (see `error::ssr`), so a check-then-insert race
//! still ends in a sentence rather than an internal error.

use serde::Serialize;
use sqlx::any::{AnyTypeInfo, AnyTypeInfoKind};
use sqlx::{Decode, Type, ValueRef};
use time::OffsetDateTime;

pub use crate::state::begin_write;

/// The database every query is written for: SQLite or PostgreSQL, as the
/// URL says.
pub type Db = sqlx::Any;
/// One connection (or a transaction, through `&mut *tx`).
pub type Conn = sqlx::AnyConnection;
pub type Pool = sqlx::AnyPool;
/// A write transaction, as [`begin_write`] opens it.
pub type WriteTx = sqlx::Transaction<'static, Db>;

/// The engine behind a pool or connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// One file, one writer at a time (`BEGIN IMMEDIATE`).
    Sqlite,
    /// Several instances may write at once; [`begin_write`] takes one
    /// transaction-level advisory lock ([`WRITE_LOCK`]), so the rules
    /// written against SQLite's single writer (the last ambassador stays,
    /// versions, idempotent creates) hold across every instance.
    Postgres,
}

/// The advisory lock every PostgreSQL write transaction holds until it
/// ends ("NSTR" in ASCII).
pub const WRITE_LOCK: i64 = 0x4E53_5452;

impl Backend {
    /// The engine a database URL names (`sqlite:` or `postgres:`).
    pub fn of_url(url: &str) -> Self {
        let scheme = url.split(':').next().unwrap_or_default();
        if scheme.eq_ignore_ascii_case("postgres") || scheme.eq_ignore_ascii_case("postgresql") {
            Self::Postgres
        } else {
            Self::Sqlite
        }
    }

    pub fn of_pool(pool: &Pool) -> Self {
        Self::of_url(pool.connect_options().database_url.as_str())
    }

    pub fn of(db: &Conn) -> Self {
        if db.backend_name() == "PostgreSQL" {
            Self::Postgres
        } else {
            Self::Sqlite
        }
    }
}

/// Starts a write transaction on `pool` holding the database's one write
/// lock from its start: SQLite's (`BEGIN IMMEDIATE`), or PostgreSQL's
/// transaction-level advisory lock [`WRITE_LOCK`] that every instance
/// takes. What it checks still holds when it commits; two writers racing
/// for the same change queue up instead of failing. Readers never wait.
/// Requests go through [`begin_write`], which also spends the person's
/// write budget.
pub async fn write_tx(pool: &Pool) -> Result<WriteTx, sqlx::Error> {
    match Backend::of_pool(pool) {
        Backend::Sqlite => pool.begin_with("BEGIN IMMEDIATE").await,
        Backend::Postgres => {
            // Read committed whatever the database's default: each
            // statement after the lock sees what the writers before
            // committed (a snapshot taken before the wait would not).
            let mut tx = pool
                .begin_with("BEGIN ISOLATION LEVEL READ COMMITTED")
                .await?;
            sqlx::query("SELECT 1 FROM pg_advisory_xact_lock($1)")
                .bind(WRITE_LOCK)
                .execute(&mut *tx)
                .await?;
            Ok(tx)
        }
    }
}

/// Starts a read transaction that sees one moment of the database
/// throughout: what belongs together (a board and its version, the
/// leaderboard and the KPIs' version) is read together. SQLite's reads in
/// a transaction already are (WAL); PostgreSQL's need repeatable read,
/// read only.
pub async fn read_tx(pool: &Pool) -> Result<sqlx::Transaction<'static, Db>, sqlx::Error> {
    match Backend::of_pool(pool) {
        Backend::Sqlite => pool.begin().await,
        Backend::Postgres => {
            pool.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                .await
        }
    }
}

/// A boolean as either engine returns it: PostgreSQL's `BOOLEAN`, or the
/// integer SQLite stores (sqlx's `Any` decodes a Rust `bool` from the
/// former only). Read a flag column as `Flag`, or into a `bool` field with
/// `#[sqlx(try_from = "Flag")]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Flag(pub bool);

impl From<Flag> for bool {
    fn from(flag: Flag) -> Self {
        flag.0
    }
}

impl Type<Db> for Flag {
    fn type_info() -> AnyTypeInfo {
        <bool as Type<Db>>::type_info()
    }

    fn compatible(ty: &AnyTypeInfo) -> bool {
        matches!(ty.kind(), AnyTypeInfoKind::Bool) || ty.kind().is_integer()
    }
}

impl<'r> Decode<'r, Db> for Flag {
    fn decode(value: sqlx::any::AnyValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
        if value.type_info().kind() == AnyTypeInfoKind::Bool {
            <bool as Decode<Db>>::decode(value).map(Self)
        } else {
            <i64 as Decode<Db>>::decode(value).map(|i| Self(i != 0))
        }
    }
}

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

/// The database's clock in milliseconds since the epoch, as SQL (PostgreSQL
/// only): what instances on several machines share must not depend on
/// which machine's clock wrote it.
pub const POSTGRES_NOW_MS: &str = "(EXTRACT(EPOCH FROM statement_timestamp()) * 1000)::BIGINT";

/// Now, as the database stores it (see [`at`]).
pub fn now() -> String {
    at(OffsetDateTime::now_utc())
}

/// Seconds until the stored session `id` expires (negative once expired),
/// or `None` when there is no such session. Read from the session store's
/// own table, whose layout is the store's: SQLite's store writes the expiry
/// as text SQLite's date functions read; PostgreSQL's as a `timestamptz`.
pub async fn session_seconds_left(pool: &Pool, id: &str) -> Result<Option<f64>, sqlx::Error> {
    let sql = match Backend::of_pool(pool) {
        Backend::Sqlite => {
            "SELECT (julianday(expiry_date) - julianday('now')) * 86400.0 FROM tower_sessions WHERE id = $1"
        }
        Backend::Postgres => {
            "SELECT CAST(EXTRACT(EPOCH FROM expiry_date - now()) AS DOUBLE PRECISION) FROM tower_sessions.session WHERE id = $1"
        }
    };
    sqlx::query_scalar(sql).bind(id).fetch_optional(pool).await
}

/// A list bound as one parameter (a JSON array), for [`in_list`].
pub fn list<T: Serialize>(items: &[T]) -> String {
    serde_json::to_string(items).unwrap_or_else(|_| "[]".into())
}

/// SQL: `column` (an integer id) is one of the list bound as parameter
/// `$n` (see [`list`]).
pub fn in_list(db: &Conn, column: &str, n: u32) -> String {
    one_of(db, column, n, "CAST(value AS BIGINT)")
}

/// SQL: `column` (text, like an objective's id) is one of the list bound as
/// parameter `$n` (see [`list`]).
pub fn in_text_list(db: &Conn, column: &str, n: u32) -> String {
    one_of(db, column, n, "value")
}

/// `column` is one of the JSON list `$n`, its elements read on PostgreSQL
/// as `element` says (SQLite's `json_each` keeps their JSON types).
fn one_of(db: &Conn, column: &str, n: u32, element: &str) -> String {
    match Backend::of(db) {
        Backend::Sqlite => format!("{column} IN (SELECT value FROM json_each(${n}))"),
        Backend::Postgres => format!(
            "{column} IN (SELECT {element} FROM json_array_elements_text(CAST(${n} AS JSON)))"
        ),
    }
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
    fn the_engine_is_the_urls_scheme_in_any_case() {
        assert_eq!(Backend::of_url("postgres://u@h/db"), Backend::Postgres);
        assert_eq!(Backend::of_url("POSTGRESQL://u@h/db"), Backend::Postgres);
        assert_eq!(
            Backend::of_url("sqlite://data/postgres.db"),
            Backend::Sqlite
        );
        assert_eq!(Backend::of_url("SQLite://x.db"), Backend::Sqlite);
    }

    #[test]
    fn lists_are_one_parameter() {
        assert_eq!(list(&[3_i64, 5]), "[3,5]");
        assert_eq!(list::<i64>(&[]), "[]");
    }
}
