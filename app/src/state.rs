//! What every request on the server shares: the database pool, the sign-in
//! limiter and the Leptos options. Server functions reach it through
//! [`app_state`], never through a global.

use crate::auth::ssr::SignInLimiter;
use crate::error::{AppError, ssr::internal};
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use leptos::prelude::use_context;
use sqlx::{Sqlite, SqlitePool, Transaction};
use std::sync::Arc;

#[derive(Clone, FromRef)]
pub struct AppState {
    /// Where the site's files are and which address it serves on.
    pub leptos_options: LeptosOptions,
    /// The embedded SQLite database: accounts, units, sessions.
    pub pool: SqlitePool,
    /// Sign-in attempts per account and per address, so passwords cannot be guessed quickly.
    pub sign_in_limiter: Arc<SignInLimiter>,
    /// Live updates: one broadcast room per board.
    pub hub: Arc<crate::live::ssr::Hub>,
}

/// The state, as provided to every server function by the router.
pub fn app_state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| internal("AppState was not provided to this request"))
}

/// The database pool of the current request.
pub fn pool() -> Result<SqlitePool, AppError> {
    app_state().map(|state| state.pool)
}

/// Starts a write transaction that takes SQLite's write lock at once
/// (`BEGIN IMMEDIATE`), so what it checks still holds when it commits, and
/// two requests racing for the same change queue up instead of failing.
pub async fn begin_write() -> Result<Transaction<'static, Sqlite>, AppError> {
    Ok(pool()?.begin_with("BEGIN IMMEDIATE").await?)
}
