//! The office screens: sockets that say "I know nothing yet" and then note
//! each newer leaderboard version's arrival, for the whole soak.

use crate::screen::{self, version_of};
use futures::StreamExt;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};
use std::time::Instant;
use tokio::sync::Semaphore;
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::Message;

/// Sockets connecting (and waiting for their first frame) at once.
const CONNECTING_AT_ONCE: usize = 200;

/// What the screens share with the driver.
#[derive(Default)]
pub struct Shared {
    /// Sockets that received their first frame (or gave up).
    pub settled: AtomicUsize,
    /// Sockets that could not connect or got no first frame.
    pub failed: AtomicUsize,
    /// Sockets that ended before the soak did.
    pub dropped: AtomicUsize,
    /// The highest version any socket has seen.
    pub highest: AtomicI64,
}

/// One screen's arrivals: (version, when), newer versions only.
pub type Arrivals = Vec<(i64, Instant)>;

/// Tells the screens the soak is over (`true`).
pub type Stop = tokio::sync::watch::Receiver<bool>;

/// Opens `count` screens on `url` and waits until each has its first frame.
pub async fn open(
    url: &str,
    origin: &str,
    count: usize,
    stop: &Stop,
    shared: &Arc<Shared>,
) -> Vec<JoinHandle<Option<Arrivals>>> {
    let gate = Arc::new(Semaphore::new(CONNECTING_AT_ONCE));
    let handles: Vec<_> = (0..count)
        .map(|_| {
            tokio::spawn(screen(
                url.to_owned(),
                origin.to_owned(),
                gate.clone(),
                shared.clone(),
                stop.clone(),
            ))
        })
        .collect();
    screen::until_settled(&shared.settled, count).await;
    handles
}

async fn screen(
    url: String,
    origin: String,
    gate: Arc<Semaphore>,
    shared: Arc<Shared>,
    mut stop: Stop,
) -> Option<Arrivals> {
    let permit = gate.acquire_owned().await.unwrap();
    let Some((mut socket, first)) = screen::connect(&url, &origin).await else {
        shared.failed.fetch_add(1, Ordering::Relaxed);
        shared.settled.fetch_add(1, Ordering::Release);
        return None;
    };
    let mut last = version_of(&first).unwrap_or(0);
    shared.highest.fetch_max(last, Ordering::Relaxed);
    drop(permit);
    shared.settled.fetch_add(1, Ordering::Release);

    // About one new version a second for the whole soak.
    let mut arrivals = Vec::with_capacity(4096);
    loop {
        let next = tokio::select! {
            // The soak is over: this screen stayed to the end.
            _ = stop.wait_for(|over| *over) => return Some(arrivals),
            next = socket.next() => next,
        };
        match next {
            Some(Ok(Message::Text(text))) => {
                let at = Instant::now();
                if let Some(version) = version_of(&text)
                    && version > last
                {
                    last = version;
                    shared.highest.fetch_max(version, Ordering::Relaxed);
                    arrivals.push((version, at));
                }
            }
            Some(Ok(_)) => {}
            _ => {
                shared.dropped.fetch_add(1, Ordering::Relaxed);
                return Some(arrivals);
            }
        }
    }
}
