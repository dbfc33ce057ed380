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
/// each reconnect that did not last doubles it).
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
        let started = tokio::time::Instant::now();
        if let Err(error) = listen_once(&pool, &fanout).await {
            tracing::warn!(%error, retry_in = ?wait, "cannot listen for other instances' changes");
        }
        // Listening for a while earns a quick reconnect; a connection that
        // is dropped again and again (each time followed by a catch-up for
        // every socket) waits longer and longer.
        if started.elapsed() >= STEADY {
            wait = retry;
        }
        tokio::time::sleep(wait).await;
        wait = (wait * 2).min(MAX_WAIT.max(retry));
    }
}

/// How long the listener must have listened for its next reconnect to be quick.
const STEADY: Duration = Duration::from_secs(30);
/// After this long without a notice, the listener makes sure its connection
/// still answers: a connection cut without a word (a failover, a dropped
/// NAT entry) is otherwise never noticed, as the listener only reads.
const QUIET: Duration = Duration::from_secs(20);
/// How long that check may take.
const PING_TIMEOUT: Duration = Duration::from_secs(5);

/// Listens until the connection is lost or stops answering.
async fn listen_once(pool: &sqlx::PgPool, fanout: &Fanout) -> Result<(), sqlx::Error> {
    let mut listener = PgListener::connect_with(pool).await?;
    // A lost connection is reported, not mended behind our back: the wait
    // before connecting again is ours, and the catching up follows it.
    listener.eager_reconnect(false);
    listener.listen(CHANNEL).await?;
    tracing::info!("listening for changes made through other instances");
    fanout.listening();
    loop {
        // `try_recv` is cancel-safe: a quiet spell cut short loses nothing.
        match tokio::time::timeout(QUIET, listener.try_recv()).await {
            Ok(Ok(Some(notification))) => fanout.noticed(notification.payload()),
            // `None`: the connection was lost (and is not mended behind our back).
            Ok(Ok(None)) => {
                tracing::warn!("the listener lost its connection; listening again");
                return Ok(());
            }
            Ok(Err(error)) => return Err(error),
            Err(_quiet) => {
                let ping = sqlx::query("SELECT 1").execute(&mut listener);
                match tokio::time::timeout(PING_TIMEOUT, ping).await {
                    Ok(Ok(_)) => {}
                    Ok(Err(error)) => return Err(error),
                    Err(_) => {
                        tracing::warn!(
                            "the listener's connection stopped answering; listening again"
                        );
                        return Ok(());
                    }
                }
            }
        }
    }
}
