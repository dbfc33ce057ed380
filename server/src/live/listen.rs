//! The listener: on PostgreSQL, every instance `LISTEN`s for what the
//! others (and itself) announce, and hands each notice to its fan-out
//! (`app::live::ssr::Fanout`), which feeds its hub.
//!
//! Notifications sent while the listener is not connected are lost (a
//! database restart, a dropped connection): each time it listens again,
//! the fan-out catches up from the last version it published.

use app::live::ssr::{CHANNEL, Fanout};
use sqlx::postgres::{PgConnectOptions, PgListener, PgPoolOptions};
use std::sync::Arc;
use std::time::Duration;

/// The listener's connection, as `pg_stat_activity` names it (followed by
/// the instance's name).
pub const APPLICATION_NAME: &str = "northstar-listener";
/// The longest wait before connecting again (the first is `retry`, and
/// each failure doubles it).
const MAX_WAIT: Duration = Duration::from_secs(5);

/// Listens on the database of `options` for as long as the hub is open, connecting
/// again (with a growing wait) whenever the connection is lost.
pub fn spawn(
    options: PgConnectOptions,
    retry: Duration,
    fanout: Arc<Fanout>,
    hub: Arc<app::live::ssr::Hub>,
) {
    let options = options.application_name(&format!("{APPLICATION_NAME} {}", fanout.instance()));
    let mut closing = hub.closing();
    tokio::spawn(async move {
        tokio::select! {
            () = listen(options, retry, fanout) => {}
            _ = closing.changed() => {}
        }
    });
}

async fn listen(options: PgConnectOptions, retry: Duration, fanout: Arc<Fanout>) {
    // A pool of one, for the listener's own connection (and its reconnects).
    let pool = PgPoolOptions::new()
        .max_connections(1)
        .connect_lazy_with(options);
    let mut wait = retry;
    loop {
        match listen_once(&pool, &fanout).await {
            Ok(()) => wait = retry,
            Err(error) => {
                tracing::warn!(%error, retry_in = ?wait, "cannot listen for other instances' changes");
            }
        }
        tokio::time::sleep(wait).await;
        wait = (wait * 2).min(MAX_WAIT.max(retry));
    }
}

/// Listens until the connection is lost: `Ok` if it had been listening.
async fn listen_once(pool: &sqlx::PgPool, fanout: &Fanout) -> Result<(), sqlx::Error> {
    let mut listener = PgListener::connect_with(pool).await?;
    // A lost connection is reported, not mended behind our back: the wait
    // before connecting again is ours, and the catching up follows it.
    listener.eager_reconnect(false);
    listener.listen(CHANNEL).await?;
    tracing::info!("listening for changes made through other instances");
    fanout.listening();
    loop {
        // `try_recv` says when the connection was lost (`None`), instead of
        // reconnecting behind our back and losing what came meanwhile.
        match listener.try_recv().await {
            Ok(Some(notification)) => fanout.noticed(notification.payload()),
            Ok(None) => {
                tracing::warn!("the listener lost its connection; listening again");
                return Ok(());
            }
            Err(error) => {
                tracing::warn!(%error, "the listener failed; listening again");
                return Ok(());
            }
        }
    }
}
