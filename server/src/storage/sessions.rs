//! Sessions live in the same database as everything else, in the table
//! tower-sessions' own store keeps for the engine. sqlx types those stores
//! by engine, so this is the one place that says which: the same
//! database, opened a second time as the store needs it (a small pool).

use app::sql::{Backend, Pool};
use async_trait::async_trait;
use sqlx::postgres::PgPoolOptions;
use sqlx::sqlite::SqlitePoolOptions;
use tower_sessions::ExpiredDeletion;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{Result, SessionStore};
use tower_sessions_sqlx_store::{PostgresStore, SqliteStore};

/// The session store of the database Northstar runs on.
#[derive(Clone, Debug)]
pub enum Sessions {
    Sqlite(SqliteStore),
    Postgres(PostgresStore),
}

impl Sessions {
    /// The store for the database behind `pool`.
    pub async fn open(pool: &Pool) -> std::result::Result<Self, sqlx::Error> {
        let url = pool.connect_options().database_url.to_string();
        Ok(match Backend::of_url(&url) {
            Backend::Sqlite => Self::Sqlite(SqliteStore::new(
                SqlitePoolOptions::new()
                    .max_connections(4)
                    .connect_with(super::sqlite_options(&url)?)
                    .await?,
            )),
            Backend::Postgres => Self::Postgres(PostgresStore::new(
                PgPoolOptions::new()
                    .max_connections(4)
                    .connect(&url)
                    .await?,
            )),
        })
    }

    /// Creates the store's table when missing.
    pub async fn migrate(&self) -> std::result::Result<(), sqlx::Error> {
        match self {
            Self::Sqlite(store) => store.migrate().await,
            Self::Postgres(store) => store.migrate().await,
        }
    }
}

#[async_trait]
impl SessionStore for Sessions {
    async fn create(&self, record: &mut Record) -> Result<()> {
        match self {
            Self::Sqlite(store) => store.create(record).await,
            Self::Postgres(store) => store.create(record).await,
        }
    }

    async fn save(&self, record: &Record) -> Result<()> {
        match self {
            Self::Sqlite(store) => store.save(record).await,
            Self::Postgres(store) => store.save(record).await,
        }
    }

    async fn load(&self, id: &Id) -> Result<Option<Record>> {
        match self {
            Self::Sqlite(store) => store.load(id).await,
            Self::Postgres(store) => store.load(id).await,
        }
    }

    async fn delete(&self, id: &Id) -> Result<()> {
        match self {
            Self::Sqlite(store) => store.delete(id).await,
            Self::Postgres(store) => store.delete(id).await,
        }
    }
}

#[async_trait]
impl ExpiredDeletion for Sessions {
    async fn delete_expired(&self) -> Result<()> {
        match self {
            Self::Sqlite(store) => store.delete_expired().await,
            Self::Postgres(store) => store.delete_expired().await,
        }
    }
}
