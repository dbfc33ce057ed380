//! The database: SQLite (one file, the embedded default) or PostgreSQL
//! (several instances on one server), as the URL says. Opening it the way
//! Northstar needs it (SQLite: WAL, busy timeout, foreign keys) and
//! bringing its schema up to date with the engine's own migrations
//! (`migrations/sqlite`, `migrations/postgres`: twins, compared by a test);
//! the whole organisation out to a JSON document and into another database
//! ([`transfer`]).

pub mod backup;
pub mod demo;
mod demo_kpis;
mod demo_lessons;
pub mod sessions;
pub mod transfer;

use app::sql::{Backend, Pool};
use sqlx::any::AnyPoolOptions;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sqlx::{ConnectOptions, Executor};
use std::str::FromStr;
use std::time::Duration;

/// The database URL's scheme, checked before anything is opened: anything
/// else (a typo) would otherwise be taken as a SQLite file name, and a
/// server would start on an empty database in a folder named after the
/// scheme.
pub fn check_url(url: &str) -> Result<(), String> {
    let scheme = url
        .split_once(':')
        .map(|(scheme, _)| scheme.to_ascii_lowercase());
    const SUPPORTED: &str =
        "sqlite://PATH (for example sqlite://data/northstar.db) or postgres://USER@HOST/DATABASE";
    match scheme.as_deref() {
        Some("sqlite" | "postgres" | "postgresql") => Ok(()),
        Some(other)
            if !other.is_empty()
                && other
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)) =>
        {
            Err(format!(
                "{url}: unknown database scheme “{other}”. Northstar supports {SUPPORTED}."
            ))
        }
        _ => Err(format!("{url}: name the database as a URL: {SUPPORTED}.")),
    }
}

/// SQLite's options as Northstar opens the file (for the session store's
/// own pool, which sqlx types by engine).
pub(crate) fn sqlite_options(url: &str) -> Result<SqliteConnectOptions, sqlx::Error> {
    Ok(SqliteConnectOptions::from_str(url)?
        .create_if_missing(true)
        // Readers never wait for the writer.
        .journal_mode(SqliteJournalMode::Wal)
        // Safe with WAL: a power cut may lose the last commit, never corrupt.
        .synchronous(SqliteSynchronous::Normal)
        // A writer waits this long for another writer instead of failing.
        .busy_timeout(Duration::from_secs(5))
        .foreign_keys(true))
}

/// The file of a SQLite URL (`None` for PostgreSQL or an in-memory
/// database), for a command that must not create it.
pub fn sqlite_file(url: &str) -> Option<std::path::PathBuf> {
    if Backend::of_url(url) != Backend::Sqlite
        || url.contains(":memory:")
        || url.contains("mode=memory")
    {
        return None;
    }
    Some(sqlite_options(url).ok()?.get_filename().to_owned())
}

/// Opens (a SQLite file: creating it when missing) the database at `url`.
pub async fn connect(url: &str) -> Result<Pool, sqlx::Error> {
    check_url(url).map_err(|message| sqlx::Error::Configuration(message.into()))?;
    sqlx::any::install_default_drivers();
    match Backend::of_url(url) {
        Backend::Sqlite => {
            let options = sqlite_options(url)?;
            if let Some(parent) = options.get_filename().parent()
                && !parent.as_os_str().is_empty()
            {
                std::fs::create_dir_all(parent)?;
            }
            // sqlx's `Any` opens SQLite from a URL alone: one typed
            // connection creates the file and turns WAL on (it stays on in
            // the file); every pooled connection then sets the rest.
            sqlx::Connection::close(options.connect().await?).await?;
            AnyPoolOptions::new()
                .max_connections(8)
                .after_connect(|db, _| {
                    Box::pin(async move {
                        db.execute(
                            "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; PRAGMA synchronous = NORMAL;",
                        )
                        .await?;
                        Ok(())
                    })
                })
                .connect(url)
                .await
        }
        Backend::Postgres => {
            // One connection first, so a server that does not answer (or
            // refuses the user) stops the start with its own words rather
            // than a pool's timeout.
            let probe = <sqlx::AnyConnection as sqlx::Connection>::connect(url).await?;
            sqlx::Connection::close(probe).await?;
            AnyPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(10))
                .connect(url)
                .await
        }
    }
}

/// Runs Northstar's migrations for the pool's engine, then the session
/// store's own, holding the database's set-up lock: instances (or a
/// command) starting together on one new database make its schema once.
/// sqlx's migrator locks on PostgreSQL only, and the session store's
/// `CREATE … IF NOT EXISTS` is not safe against a twin on either.
pub async fn migrate(pool: &Pool) -> Result<(), sqlx::migrate::MigrateError> {
    let _held = SetUpLock::take(pool).await?;
    match Backend::of_pool(pool) {
        Backend::Sqlite => sqlx::migrate!("../migrations/sqlite").run(pool).await?,
        Backend::Postgres => sqlx::migrate!("../migrations/postgres").run(pool).await?,
    }
    sessions::Sessions::open(pool).await?.migrate().await?;
    Ok(())
}

/// Held while a database is set up; released when dropped.
enum SetUpLock {
    /// An exclusive `flock` on a file beside the SQLite file (see
    /// [`lock_file`]).
    File(#[allow(dead_code, reason = "held for its lock")] std::fs::File),
    /// A session-level advisory lock on a connection of its own, released
    /// when the connection closes.
    Postgres(#[allow(dead_code, reason = "held for its lock")] sqlx::AnyConnection),
    /// An in-memory SQLite database: nobody else can see it.
    None,
}

/// An exclusive `flock` on `<database>.setup-lock` beside the SQLite file
/// at `path`, released when the file returned is dropped; `None` for an
/// in-memory database.
///
/// Never on the database file itself: closing any descriptor of a file
/// drops every POSIX lock the process holds on it, SQLite's included. The
/// server's connections then looked unused to another process (`northstar
/// backup` beside it), whose last connection checkpointed and deleted the
/// write-ahead log the server was still writing to.
async fn lock_file(
    url: &str,
    path: &std::path::Path,
) -> Result<Option<std::fs::File>, sqlx::Error> {
    if url.contains(":memory:") || url.contains("mode=memory") {
        return Ok(None);
    }
    let mut name = path.as_os_str().to_owned();
    name.push(".setup-lock");
    let file = tokio::task::spawn_blocking(move || {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(name)?;
        file.lock()?;
        Ok::<_, std::io::Error>(file)
    })
    .await
    .map_err(|joined| sqlx::Error::Io(std::io::Error::other(joined)))??;
    Ok(Some(file))
}

/// The PostgreSQL advisory lock of the set-up ("NSMG").
const SET_UP_LOCK: i64 = 0x4E53_4D47;

impl SetUpLock {
    async fn take(pool: &Pool) -> Result<Self, sqlx::Error> {
        let url = pool.connect_options().database_url.to_string();
        match Backend::of_url(&url) {
            Backend::Sqlite => Ok(
                match lock_file(&url, sqlite_options(&url)?.get_filename()).await? {
                    Some(file) => Self::File(file),
                    None => Self::None,
                },
            ),
            Backend::Postgres => {
                let mut db = <sqlx::AnyConnection as sqlx::Connection>::connect(&url).await?;
                sqlx::query("SELECT 1 FROM pg_advisory_lock($1)")
                    .bind(SET_UP_LOCK)
                    .execute(&mut db)
                    .await?;
                Ok(Self::Postgres(db))
            }
        }
    }
}

/// Whether the database answers (for `/healthz`).
pub async fn ping(pool: &Pool) -> bool {
    sqlx::query_scalar::<_, i64>("SELECT 1")
        .fetch_one(pool)
        .await
        .is_ok()
}
