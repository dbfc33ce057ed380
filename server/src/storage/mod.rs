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

/// Opens (creating when missing) the database at `url`.
pub async fn connect(url: &str) -> Result<SqlitePool, sqlx::Error> {
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
    sqlx::migrate!("../migrations").run(pool).await?;
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
