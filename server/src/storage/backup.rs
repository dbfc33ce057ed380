//! Backups of the SQLite database, taken while the server runs.
//!
//! `VACUUM INTO` writes a copy of one moment of the database (a read
//! transaction: writers carry on, nothing half-written is copied) to a file
//! beside the one asked for; `PRAGMA integrity_check` must say `ok` of the
//! copy before it is renamed into place, so a file with the asked-for name
//! is always a whole, checked backup. Restoring checks the copy the same
//! way, refuses to replace a database that holds an organisation unless
//! told to, and swaps the file in whole.
//!
//! PostgreSQL has its own tools (`pg_dump`, or `northstar export`).

use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use sqlx::{ConnectOptions, Connection};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

/// Why a backup or a restore did not happen.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("backups here are of a SQLite file; for PostgreSQL use pg_dump, or `northstar export`")]
    NotSqlite,
    #[error("{0}: no such database file; name the one to back up with --database-url")]
    NoDatabase(PathBuf),
    #[error("{0} is already there: name a new file (backups are never overwritten)")]
    Exists(PathBuf),
    #[error("{0}: not a Northstar database")]
    NotNorthstar(PathBuf),
    #[error("{path} failed its integrity check: {problems}")]
    Damaged { path: PathBuf, problems: String },
    #[error(
        "{0} holds an organisation ({1}); stop Northstar, and add --force to replace it with the backup"
    )]
    NotEmpty(PathBuf, String),
    #[error("{0}")]
    Database(#[from] sqlx::Error),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// What a checked copy holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Contents {
    pub people: i64,
    pub objectives: i64,
    pub check_ins: i64,
    pub bytes: u64,
}

impl std::fmt::Display for Contents {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} people, {} objectives, {} check-ins; {} KB",
            self.people,
            self.objectives,
            self.check_ins,
            self.bytes.div_ceil(1024)
        )
    }
}

/// Backs the SQLite database at `url` up to `out` (a new file), checked.
pub async fn backup(url: &str, out: &Path) -> Result<Contents, BackupError> {
    let database = super::sqlite_file(url).ok_or(BackupError::NotSqlite)?;
    if !database.exists() {
        return Err(BackupError::NoDatabase(database));
    }
    if out.exists() {
        return Err(BackupError::Exists(out.to_owned()));
    }
    let partial = beside(out, "partial");
    remove_if_there(&partial)?;
    let mut source = open(&database).await?;
    // One read transaction: the moment the copy shows. Writers go on.
    let copied = sqlx::query("VACUUM INTO $1")
        .bind(partial.to_string_lossy().into_owned())
        .execute(&mut source)
        .await;
    source.close().await?;
    if let Err(error) = copied {
        remove_if_there(&partial)?;
        return Err(error.into());
    }
    let checked = match check(&partial).await {
        Ok(contents) => contents,
        Err(error) => {
            remove_if_there(&partial)?;
            return Err(error);
        }
    };
    // It holds password hashes: its owner's alone.
    std::fs::set_permissions(&partial, std::fs::Permissions::from_mode(0o600))?;
    std::fs::rename(&partial, out)?;
    Ok(checked)
}

/// Puts the backup `file` in place of the SQLite database at `url`: only
/// into a database without an organisation, unless `force`.
pub async fn restore(url: &str, file: &Path, force: bool) -> Result<Contents, BackupError> {
    let database = super::sqlite_file(url).ok_or(BackupError::NotSqlite)?;
    let contents = check(file).await?;
    if database.exists() && !force {
        let mut target = open(&database).await?;
        let held = organisation(&mut target).await;
        target.close().await?;
        // What cannot be read (locked, damaged, not Northstar's) is not
        // known to be empty: only --force replaces it.
        let held = match held {
            Ok(held) if held.people == 0 && held.objectives == 0 => None,
            Ok(held) => Some(format!(
                "{} people, {} objectives",
                held.people, held.objectives
            )),
            Err(error) => Some(format!("or so it seems: {error}")),
        };
        if let Some(held) = held {
            return Err(BackupError::NotEmpty(database, held));
        }
    }
    if let Some(parent) = database.parent()
        && !parent.as_os_str().is_empty()
    {
        std::fs::create_dir_all(parent)?;
    }
    let partial = beside(&database, "partial");
    remove_if_there(&partial)?;
    std::fs::copy(file, &partial)?;
    std::fs::File::open(&partial)?.sync_all()?;
    // The old database's write-ahead log must not be replayed over the copy.
    for suffix in ["wal", "shm"] {
        remove_if_there(&beside(&database, suffix))?;
    }
    std::fs::rename(&partial, &database)?;
    Ok(contents)
}

/// Checks a copy: whole (`integrity_check` says `ok`) and Northstar's.
async fn check(path: &Path) -> Result<Contents, BackupError> {
    if !path.exists() {
        return Err(BackupError::NoDatabase(path.to_owned()));
    }
    // Immutable: a copy is one file that nothing changes; reading it must
    // not write a journal beside someone's backup.
    let mut copy = SqliteConnectOptions::new()
        .filename(path)
        .immutable(true)
        .connect()
        .await?;
    let problems: Vec<String> = match sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_all(&mut copy)
        .await
    {
        Ok(rows) => rows,
        // Not a database at all ("file is not a database").
        Err(error) => vec![error.to_string()],
    };
    if problems != ["ok"] {
        let _ = copy.close().await;
        return Err(BackupError::Damaged {
            path: path.to_owned(),
            problems: problems.join("; "),
        });
    }
    let contents = organisation(&mut copy).await;
    copy.close().await?;
    let mut contents = contents.map_err(|_| BackupError::NotNorthstar(path.to_owned()))?;
    contents.bytes = std::fs::metadata(path)?.len();
    Ok(contents)
}

async fn organisation(db: &mut SqliteConnection) -> Result<Contents, sqlx::Error> {
    let count = |table: &str| format!("SELECT count(*) FROM {table}");
    Ok(Contents {
        people: sqlx::query_scalar(&count("people"))
            .fetch_one(&mut *db)
            .await?,
        objectives: sqlx::query_scalar(&count("objectives"))
            .fetch_one(&mut *db)
            .await?,
        check_ins: sqlx::query_scalar(&count("check_ins"))
            .fetch_one(&mut *db)
            .await?,
        bytes: 0,
    })
}

/// The database itself, as the server opens it (its write-ahead log read too).
async fn open(path: &Path) -> Result<SqliteConnection, sqlx::Error> {
    SqliteConnectOptions::new()
        .filename(path)
        .busy_timeout(std::time::Duration::from_secs(5))
        .connect()
        .await
}

/// `path` with `.suffix` added (`northstar.db` → `northstar.db-wal` for the
/// database's own files, `.partial` for a file being written).
fn beside(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(if suffix == "partial" { "." } else { "-" });
    name.push(suffix);
    PathBuf::from(name)
}

fn remove_if_there(path: &Path) -> std::io::Result<()> {
    match std::fs::remove_file(path) {
        Err(error) if error.kind() != std::io::ErrorKind::NotFound => Err(error),
        _ => Ok(()),
    }
}
