//! What every request on the server shares: the database pool, the sign-in
//! limiter and the Leptos options. Server functions reach it through
//! [`app_state`], never through a global.

use crate::auth::ssr::SignInLimiter;
use crate::error::{AppError, ssr::internal};
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use leptos::prelude::use_context;
use std::sync::Arc;

#[derive(Clone, FromRef)]
pub struct AppState {
    /// Where the site's files are and which address it serves on.
    pub leptos_options: LeptosOptions,
    /// The embedded SQLite database: accounts, units, sessions.
    pub pool: crate::sql::Pool,
    /// Sign-in attempts per account and per address, so passwords cannot be guessed quickly.
    pub sign_in_limiter: Arc<SignInLimiter>,
    /// Live updates: one broadcast room per board.
    pub hub: Arc<crate::live::ssr::Hub>,
    /// Changes per person: generous for a person, a wall for a runaway script.
    pub write_limiter: Arc<crate::rate::Buckets<i64>>,
    /// How committed changes reach every live socket, on this instance and
    /// on every other one sharing the database.
    pub fanout: Arc<crate::live::ssr::Fanout>,
    /// Recomputes the leaderboard after changes, coalescing bursts.
    pub leaderboard_refresh: Arc<crate::leaderboard::ssr::Refresher>,
    /// What the server counts for Prometheus; served only with `--metrics-addr`.
    pub metrics: Arc<crate::metrics::Metrics>,
}

/// The per-person write budget: 60 changes at once, then 20 a second.
pub const WRITE_BUDGET: crate::rate::Budget = crate::rate::Budget {
    burst: 60,
    refill: std::time::Duration::from_millis(50),
};

/// The state, as provided to every server function by the router. A
/// missing state is logged with the caller's location.
#[track_caller]
pub fn app_state() -> Result<AppState, AppError> {
    match use_context::<AppState>() {
        Some(state) => Ok(state),
        None => Err(internal("AppState was not provided to this request")),
    }
}

/// The database pool of the current request.
#[track_caller]
pub fn pool() -> Result<crate::sql::Pool, AppError> {
    app_state().map(|state| state.pool)
}

/// Starts a write transaction ([`crate::sql::write_tx`]: the database's one
/// write lock, held from the start).
///
/// Every change a signed-in person makes passes here, so this is also where
/// their write budget ([`WRITE_BUDGET`]) is spent.
pub async fn begin_write() -> Result<crate::sql::WriteTx, AppError> {
    let state = app_state()?;
    if let Some(person) = crate::auth::ssr::session_person().await
        && !state
            .write_limiter
            .try_spend(person, std::time::Instant::now())
    {
        tracing::warn!(person, "write limit reached");
        state.metrics.refused(crate::metrics::Limiter::Writes);
        return Err(AppError::TooFast);
    }
    let started = std::time::Instant::now();
    let tx = crate::sql::write_tx(&state.pool).await?;
    state.metrics.write_began(started.elapsed());
    Ok(tx)
}
