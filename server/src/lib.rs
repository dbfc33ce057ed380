//! The `northstar` server: one binary serving the Leptos app, its server
//! functions and (later) the live hub, on an embedded SQLite database.
//!
//! # Layout
//! - `main.rs` — the command line: `serve`, `migrate`, `export`, `import`,
//!   `admin create-user`, `admin reindex`, `admin set-password`.
//! - [`config`] — what `serve` needs to know, gathered from flags and the environment.
//! - [`telemetry`] — logging through `tracing`, filtered by `RUST_LOG`.
//! - [`metrics`] — `/metrics` for Prometheus on a listener of its own
//!   (`--metrics-addr`), and the layer that counts every request.
//! - [`version`] — the version and commit `--version` and the metrics name.
//! - [`storage`] — opening the database, migrations, demo data, the
//!   organisation's export and import.
//! - [`live`] — the websocket of a live board, on the hub in `app::live`.
//! - [`http`] — the router: pages, server functions, `/healthz`, and the
//!   layers every request passes (sessions, cross-origin refusal, body limit).
//!
//! [`build`] and [`serve`] are apart from `main` so integration tests start
//! the real app on `127.0.0.1:0` against a real database file.

// Leptos views are deeply nested types; the board page needs more than the default 128.
#![recursion_limit = "512"]

pub mod config;
pub mod http;
pub mod live;
pub mod metrics;
pub mod storage;
pub mod telemetry;
pub mod version;

use app::auth::ssr::SignInLimiter;
use app::state::AppState;
use axum::Router;
use axum::serve::ListenerExt;
use config::ServeConfig;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tower_sessions::ExpiredDeletion;

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("cannot open the database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("cannot migrate the database: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    #[error("cannot create the demo data: {0}")]
    Demo(app::error::AppError),
    #[error("cannot start the cycles' communication plans: {0}")]
    Plans(app::error::AppError),
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// A ready-to-serve app: the router and the state behind it.
pub struct Built {
    pub router: Router,
    pub state: AppState,
}

/// Opens and migrates the database, seeds demo data when asked and the
/// database is empty, and assembles the router.
pub async fn build(config: &ServeConfig) -> Result<Built, StartError> {
    let pool = storage::connect(&config.database_url).await?;
    storage::migrate(&pool).await?;
    if config.demo
        && storage::demo::seed_if_empty(
            &pool,
            config
                .demo_password
                .as_deref()
                .unwrap_or(storage::demo::DEMO_PASSWORD),
        )
        .await
        .map_err(StartError::Demo)?
    {
        tracing::info!("demo data created");
    }
    // Cycles made before communication plans existed (and the demo's) get
    // theirs: a copy of the one before, or the guide's default.
    let started = app::cycles::ssr::start_missing_plans(&pool)
        .await
        .map_err(StartError::Plans)?;
    if started > 0 {
        tracing::info!(cycles = started, "communication plans started");
    }
    let sessions = storage::sessions::Sessions::open(&pool).await?;
    // Expired sessions are removed hourly; the task ends with the process.
    tokio::spawn(
        sessions
            .clone()
            .continuously_delete_expired(Duration::from_secs(3600)),
    );

    let hub = Arc::new(app::live::ssr::Hub::default());
    let metrics = Arc::new(app::metrics::Metrics::new(version::BUILD));
    let fanout = Arc::new(app::live::ssr::Fanout::new(
        pool.clone(),
        hub.clone(),
        metrics.clone(),
    ));
    let state = AppState {
        leptos_options: config.leptos_options(),
        sign_in_limiter: Arc::new(SignInLimiter::new(config.sign_in_limits, &pool)),
        pool,
        hub: hub.clone(),
        fanout: fanout.clone(),
        write_limiter: Arc::new(app::rate::Buckets::new(config.write_budget)),
        leaderboard_refresh: Arc::default(),
        metrics,
    };
    fanout.start(state.clone()).await?;
    if fanout.is_shared() {
        let options = config.database_url.parse()?;
        live::listen::spawn(options, config.listener_retry, fanout, hub);
    }
    let refresh_state = state.clone();
    tokio::spawn(async move {
        let refresher = refresh_state.leaderboard_refresh.clone();
        refresher.serve(refresh_state).await;
    });
    let limiter = state.sign_in_limiter.clone();
    let writes = state.write_limiter.clone();
    tokio::spawn(async move {
        let mut every_minute = tokio::time::interval(Duration::from_secs(60));
        loop {
            every_minute.tick().await;
            limiter.forget_idle().await;
            writes.forget_idle(std::time::Instant::now());
        }
    });
    // Expected progress moves with the date: once a minute the leaderboard
    // is checked for a new day (or a new cycle) and republished if so.
    let live_state = state.clone();
    tokio::spawn(async move {
        let mut every_minute = tokio::time::interval(Duration::from_secs(60));
        loop {
            every_minute.tick().await;
            if let Err(error) = app::leaderboard::ssr::latest(&live_state).await {
                tracing::warn!(%error, "could not refresh the leaderboard");
            }
        }
    });
    // The board's event log only needs its last MAX_CATCH_UP events per board.
    let pool = state.pool.clone();
    tokio::spawn(async move {
        let mut every_ten_minutes = tokio::time::interval(Duration::from_secs(600));
        loop {
            every_ten_minutes.tick().await;
            match app::objectives::ssr::prune_board_events(&pool).await {
                Ok(0) => {}
                Ok(pruned) => tracing::debug!(pruned, "board events pruned"),
                Err(error) => tracing::warn!(%error, "could not prune board events"),
            }
        }
    });
    let router = http::router(state.clone(), sessions, config);
    Ok(Built { router, state })
}

/// Serves until `shutdown` resolves, lets in-flight requests finish, then closes the pool.
pub async fn serve(
    listener: TcpListener,
    built: Built,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), StartError> {
    let Built { router, state } = built;
    // On shutdown, live sockets close first; they would keep the graceful
    // shutdown waiting for ever otherwise.
    let hub = state.hub.clone();
    let shutdown = async move {
        shutdown.await;
        hub.close_all();
    };
    // Live updates are small frames: with TCP_NODELAY they leave at once
    // instead of waiting for Nagle's algorithm to batch them.
    let listener = listener.tap_io(|tcp| {
        if let Err(error) = tcp.set_nodelay(true) {
            tracing::debug!(%error, "cannot set TCP_NODELAY");
        }
    });
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await?;
    state.fanout.withdraw().await;
    state.pool.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
