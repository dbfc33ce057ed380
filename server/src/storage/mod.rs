//! The embedded SQLite database: opening it the way Northstar needs it
//! (WAL, busy timeout, foreign keys) and bringing its schema up to date.

pub mod demo;
mod demo_kpis;
mod demo_lessons;

use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use std::str::FromStr;
use std::time::Duration;
use tower_sessions_sqlx_store::SqliteStore;

/// The database URL's scheme, checked before anything is opened: anything
/// but `sqlite:` (a typo, or a PostgreSQL URL before PostgreSQL is
/// supported) would otherwise be taken as a SQLite file name, and a server
/// would start on an empty database in a folder named after the scheme.
pub fn check_url(url: &str) -> Result<(), String> {
    let scheme = url
        .split_once(':')
        .map(|(scheme, _)| scheme.to_ascii_lowercase());
    match scheme.as_deref() {
        Some("sqlite") => Ok(()),
        Some("postgres" | "postgresql") => Err(format!(
            "{url}: PostgreSQL is not supported yet. Use a SQLite file: sqlite://PATH (for example sqlite://data/northstar.db)."
        )),
        Some(other)
            if !other.is_empty()
                && other
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)) =>
        {
            Err(format!(
                "{url}: unknown database scheme “{other}”. Northstar supports sqlite://PATH (for example sqlite://data/northstar.db)."
            ))
        }
        _ => Err(format!(
            "{url}: name the database as a URL: sqlite://PATH (for example sqlite://data/northstar.db)."
        )),
    }
}

/// Opens (creating when missing) the database at `url`.
pub async fn connect(url: &str) -> Result<SqlitePool, sqlx::Error> {
    check_url(url).map_err(|message| sqlx::Error::Configuration(message.into()))?;
    let options = SqliteConnectOptions::from_str(url)?
        .create_if_missing(true)
        // Readers never wait for the writer.
        .journal_mode(SqliteJournalMode::Wal)
        // Safe with WAL: a power cut may lose the last commit, never corrupt.
        .synchronous(SqliteSynchronous::Normal)
        // A writer waits this long for another writer instead of failing.
        .busy_timeout(Duration::from_secs(5))
        .foreign_keys(true);
    if let Some(parent) = options.get_filename().parent()
        && !parent.as_os_str().is_empty()
    {
        std::fs::create_dir_all(parent)?;
    }
    SqlitePoolOptions::new()
        .max_connections(8)
        .connect_with(options)
        .await
}

/// Runs Northstar's migrations, then the session store's own.
pub async fn migrate(pool: &SqlitePool) -> Result<(), sqlx::migrate::MigrateError> {
    sqlx::migrate!("../migrations/sqlite").run(pool).await?;
    SqliteStore::new(pool.clone()).migrate().await?;
    Ok(())
}

/// Whether the database answers (for `/healthz`).
pub async fn ping(pool: &SqlitePool) -> bool {
    sqlx::query_scalar::<_, i64>("SELECT 1")
        .fetch_one(pool)
        .await
        .is_ok()
}
