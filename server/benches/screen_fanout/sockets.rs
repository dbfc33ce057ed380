//! The load client: N office-screen sockets that note when each new
//! leaderboard version arrives, and the driver that makes changes at a
//! steady pace and waits until every socket has heard each one.

use super::{MEASURED, WARM_UP};
use crate::screen::{self, version_of};
use crate::stats::Round;
use futures::StreamExt;
use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::Message;

/// Sockets connecting (and waiting for their first snapshot) at once.
pub const CONNECTING_AT_ONCE: usize = 200;
/// How long every socket may take to receive one check-in's snapshot.
const DELIVERY_TIMEOUT: Duration = Duration::from_secs(10);

/// `text` with its first `"version":` number replaced by `version`.
pub fn with_version(text: &str, version: i64) -> String {
    let start = text.find("\"version\":").expect("a version") + "\"version\":".len();
    let rest = &text[start..];
    let end = rest
        .find(|c: char| !c.is_ascii_digit() && c != '-' && c != ' ')
        .unwrap_or(rest.len());
    format!("{}{version}{}", &text[..start], &rest[end..])
}

/// What every socket task shares with the driver.
#[derive(Default)]
pub struct Shared {
    /// Sockets that received their first message (or gave up trying).
    pub settled: AtomicUsize,
    /// Sockets that could not connect or got no first message.
    pub failed: AtomicUsize,
    /// New versions received, over all sockets.
    pub delivered: AtomicUsize,
    /// The highest version any socket has seen.
    pub highest: AtomicI64,
    /// The latest message text seen by socket 0 (a real snapshot, for the floor).
    pub sample: Mutex<Option<String>>,
}

/// One socket's arrivals: (version, when).
pub type Arrivals = Vec<(i64, Instant)>;

/// Opens sockets at each `(url, origin, count)`, at most
/// [`CONNECTING_AT_ONCE`] at a time, and waits until each has its first
/// message (or failed). The handles are in the order of `targets`.
pub async fn open_sockets(
    targets: &[(String, String, usize)],
    shared: &Arc<Shared>,
) -> Vec<JoinHandle<Arrivals>> {
    let gate = Arc::new(Semaphore::new(CONNECTING_AT_ONCE));
    let mut handles = Vec::new();
    for (url, origin, count) in targets {
        for _ in 0..*count {
            let first = handles.is_empty();
            handles.push(tokio::spawn(screen(
                url.clone(),
                origin.clone(),
                gate.clone(),
                shared.clone(),
                first,
            )));
        }
    }
    screen::until_settled(&shared.settled, handles.len()).await;
    handles
}

/// One office screen: connect, resume, then note every newer version's arrival.
async fn screen(
    url: String,
    origin: String,
    gate: Arc<Semaphore>,
    shared: Arc<Shared>,
    sample: bool,
) -> Arrivals {
    let permit = gate.acquire_owned().await.unwrap();
    let Some((mut socket, first)) = screen::connect(&url, &origin).await else {
        shared.failed.fetch_add(1, Ordering::Relaxed);
        shared.settled.fetch_add(1, Ordering::Release);
        return Vec::new();
    };
    let mut last = version_of(&first).unwrap_or(0);
    shared.highest.fetch_max(last, Ordering::Relaxed);
    drop(permit);
    shared.settled.fetch_add(1, Ordering::Release);

    let mut arrivals = Vec::with_capacity(WARM_UP + MEASURED + 2);
    // The socket ends when its server is killed.
    while let Some(Ok(message)) = socket.next().await {
        if let Message::Text(text) = message {
            let at = Instant::now();
            let Some(version) = version_of(&text) else {
                continue;
            };
            // Every message is kept (a repeat shows as a second entry with
            // its version); latencies use the first of each version.
            arrivals.push((version, at));
            if version > last {
                last = version;
                shared.highest.fetch_max(version, Ordering::Relaxed);
                shared.delivered.fetch_add(1, Ordering::Release);
                if sample {
                    *shared.sample.lock().unwrap() = Some(text.as_str().to_owned());
                }
            }
        }
    }
    arrivals
}

/// Sends `WARM_UP + MEASURED` changes with `change(round)` at a steady pace,
/// waiting after each until every open socket has its snapshot.
pub async fn drive<F, Fut>(
    n_open: usize,
    pace: Duration,
    shared: &Shared,
    mut change: F,
) -> Vec<Round>
where
    F: FnMut(usize) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let mut tick = tokio::time::interval(pace);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut rounds = Vec::with_capacity(WARM_UP + MEASURED);
    for round in 0..WARM_UP + MEASURED {
        tick.tick().await;
        let before = shared.highest.load(Ordering::Acquire);
        let target = shared.delivered.load(Ordering::Acquire) + n_open;
        let sent = Instant::now();
        change(round).await;
        let responded = Instant::now();
        let deadline = Instant::now() + DELIVERY_TIMEOUT;
        while shared.delivered.load(Ordering::Acquire) < target && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        let highest = shared.highest.load(Ordering::Acquire);
        rounds.push(Round {
            version: (highest > before).then_some(highest),
            sent,
            responded,
        });
    }
    rounds
}
