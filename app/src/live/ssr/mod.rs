//! The hub: one `tokio::sync::broadcast` channel per board (room). Server
//! functions publish after their transaction commits; each websocket
//! subscribes to its room. A subscriber that falls too far behind gets
//! `RecvError::Lagged` and is told to reload instead of being dropped.
//!
//! Each signed-in socket also registers with its person and session, so
//! signing out, deactivation, a role change or a password change closes
//! that person's sockets at once (see [`SessionWatch`]), and one session
//! cannot hold more than [`MAX_SOCKETS_PER_SESSION`] of them.
//!
//! The leaderboard has a single channel: every open leaderboard and office
//! screen shows the current cycle. The hub keeps the latest snapshot, so a
//! screen that connects gets it without a query, and a snapshot older than
//! the one already sent is never sent again.
//!
//! What a committed change to objectives sets off is here too, in one
//! place: [`after_commit`]; how it reaches the other instances sharing a
//! PostgreSQL database is in [`Fanout`].

mod fanout;
mod presence;
mod sessions;

pub use fanout::{CHANNEL, Fanout, Notice, announce_board};
pub use presence::PRESENCE_DELAY;
pub use sessions::{MAX_SOCKETS_PER_SESSION, SessionWatch, Sessions, TooManySockets};

use super::ServerMessage;
use crate::leaderboard::Leaderboard;
use crate::objectives::BoardEvent;
use crate::state::AppState;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::broadcast;

/// How many messages a room buffers for a slow subscriber before it lags.
const ROOM_CAPACITY: usize = 1024;

pub struct Hub {
    rooms: Mutex<HashMap<i64, Room>>,
    /// Numbers websocket connections, so presence counts each one.
    connections: AtomicU64,
    /// Leaderboard snapshots, already serialised: as JSON data for the
    /// leaderboard page, and as rendered frames for office screens.
    leaderboard: broadcast::Sender<Arc<str>>,
    frames: broadcast::Sender<Arc<str>>,
    latest: Mutex<Option<Latest>>,
    /// Ids of office screens revoked while their sockets may be open;
    /// `None`: revocations may have been missed, ask the database.
    revoked_screens: broadcast::Sender<Option<i64>>,
    /// KPI changes (new readings, edits), already serialised.
    kpis: broadcast::Sender<Arc<str>>,
    /// Turns true when the server shuts down: every socket closes, so the
    /// graceful shutdown does not wait for clients that never leave.
    closing: tokio::sync::watch::Sender<bool>,
    /// The people with open sockets: a handle each, to end their sessions.
    people: Mutex<HashMap<i64, sessions::Person>>,
    /// Who looks at each board through other instances (by cycle).
    remote_viewers: Mutex<HashMap<i64, Vec<String>>>,
    /// Told which board's viewers changed here, when other instances share
    /// the database (see `presence`).
    presence_changes: std::sync::OnceLock<tokio::sync::mpsc::UnboundedSender<i64>>,
}

/// The latest leaderboard and its two encodings.
#[derive(Clone)]
struct Latest {
    leaderboard: Leaderboard,
    text: Arc<str>,
    frame: Arc<str>,
}

impl Default for Hub {
    fn default() -> Self {
        Hub {
            rooms: Mutex::default(),
            connections: AtomicU64::default(),
            // Snapshots replace each other: a screen that lags only needs the latest.
            leaderboard: broadcast::channel(16).0,
            frames: broadcast::channel(16).0,
            latest: Mutex::default(),
            revoked_screens: broadcast::channel(64).0,
            kpis: broadcast::channel(256).0,
            closing: tokio::sync::watch::channel(false).0,
            people: Mutex::default(),
            remote_viewers: Mutex::default(),
            presence_changes: std::sync::OnceLock::new(),
        }
    }
}

struct Room {
    /// Messages already serialised to JSON: once per message, not once per subscriber.
    sender: broadcast::Sender<Arc<str>>,
    /// Open connections and the name of who is behind each.
    viewers: HashMap<u64, String>,
    /// A presence message is already on its way: arrivals and departures
    /// until it leaves join it instead of each sending their own.
    presence_due: bool,
}

/// A websocket's place in a room; leaving happens on drop.
pub struct Membership {
    hub: Arc<Hub>,
    room: i64,
    connection: u64,
    pub receiver: broadcast::Receiver<Arc<str>>,
}

impl Hub {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<i64, Room>> {
        // A panic while holding the lock leaves only a map of senders behind: still usable.
        self.rooms
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// A number for a new connection, unique while the server runs.
    pub fn next_connection(&self) -> u64 {
        self.connections.fetch_add(1, Ordering::Relaxed)
    }

    /// Sends a message to every subscriber of `room` (nobody listening is fine).
    pub fn send(&self, room: i64, message: ServerMessage) {
        if let Some(room) = self.lock().get(&room) {
            let _ = room.sender.send(encode(&message));
        }
    }

    /// Joins `room` as `viewer`, subscribing before anything else is sent so
    /// no event falls between the snapshot and the subscription.
    pub fn join(self: &Arc<Self>, room: i64, connection: u64, viewer: String) -> Membership {
        let mut rooms = self.lock();
        let entry = rooms.entry(room).or_insert_with(|| Room {
            sender: broadcast::channel(ROOM_CAPACITY).0,
            viewers: HashMap::new(),
            presence_due: false,
        });
        let receiver = entry.sender.subscribe();
        entry.viewers.insert(connection, viewer);
        self.presence_soon(room, entry);
        Membership {
            hub: self.clone(),
            room,
            connection,
            receiver,
        }
    }

    fn leave(self: &Arc<Self>, room: i64, connection: u64) {
        let mut rooms = self.lock();
        if let Some(entry) = rooms.get_mut(&room) {
            entry.viewers.remove(&connection);
            if entry.viewers.is_empty() {
                rooms.remove(&room);
                // The last one left: other instances stop showing them.
                self.presence_changed(room);
            } else {
                self.presence_soon(room, entry);
            }
        }
    }

    /// Listens for leaderboard snapshots.
    pub fn subscribe_leaderboard(&self) -> broadcast::Receiver<Arc<str>> {
        self.leaderboard.subscribe()
    }

    /// Listens for office-screen frames.
    pub fn subscribe_frames(&self) -> broadcast::Receiver<Arc<str>> {
        self.frames.subscribe()
    }

    /// Publishes `leaderboard` (as `text` for pages and `frame` for screens)
    /// if it supersedes the latest one; returns whether it did.
    pub fn offer_leaderboard(
        &self,
        leaderboard: Leaderboard,
        text: Arc<str>,
        frame: Arc<str>,
    ) -> bool {
        let mut latest = self
            .latest
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if latest
            .as_ref()
            .is_some_and(|shown| !shown.leaderboard.is_superseded_by(&leaderboard))
        {
            return false;
        }
        let _ = self.leaderboard.send(text.clone());
        let _ = self.frames.send(frame.clone());
        *latest = Some(Latest {
            leaderboard,
            text,
            frame,
        });
        true
    }

    /// The latest snapshot, if it was computed for `day`.
    fn latest_entry(&self, day: &str) -> Option<Latest> {
        self.latest
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .as_ref()
            .filter(|latest| latest.leaderboard.day == day)
            .cloned()
    }

    pub fn latest_leaderboard(&self, day: &str) -> Option<Leaderboard> {
        self.latest_entry(day).map(|latest| latest.leaderboard)
    }

    pub fn latest_leaderboard_text(&self, day: &str) -> Option<Arc<str>> {
        self.latest_entry(day).map(|latest| latest.text)
    }

    pub fn latest_frame(&self, day: &str) -> Option<Arc<str>> {
        self.latest_entry(day).map(|latest| latest.frame)
    }

    /// Tells every open socket of screen `id` on this instance that it has
    /// been revoked. (`Fanout::revoke_screen` does it on every instance.)
    pub fn revoke_screen(&self, id: i64) {
        let _ = self.revoked_screens.send(Some(id));
    }

    /// Every screen socket on this instance asks the database whether it
    /// was revoked: revocations announced while this instance was not
    /// listening are found.
    pub fn recheck_screens(&self) {
        let _ = self.revoked_screens.send(None);
    }

    /// Revocations: a screen's id, or `None` when some may have been missed.
    pub fn subscribe_revocations(&self) -> broadcast::Receiver<Option<i64>> {
        self.revoked_screens.subscribe()
    }

    /// Tells every open KPI page and list that KPI `id` changed.
    pub fn publish_kpi(&self, id: i64, version: i64) {
        let message = crate::kpis::KpiMessage::Changed { id, version };
        let _ = self
            .kpis
            .send(serde_json::to_string(&message).unwrap_or_default().into());
    }

    /// Every open KPI page and list on this instance loads its KPIs again:
    /// changes announced while this instance was not listening are shown.
    pub fn recheck_kpis(&self) {
        let message = crate::kpis::KpiMessage::Missed;
        let _ = self
            .kpis
            .send(serde_json::to_string(&message).unwrap_or_default().into());
    }

    pub fn subscribe_kpis(&self) -> broadcast::Receiver<Arc<str>> {
        self.kpis.subscribe()
    }

    /// Resolves (`changed()`) when the server starts shutting down.
    pub fn closing(&self) -> tokio::sync::watch::Receiver<bool> {
        self.closing.subscribe()
    }

    /// Closes every live socket (they reconnect to the next server).
    pub fn close_all(&self) {
        self.closing.send_replace(true);
    }

    /// How many connections are open on `room`.
    pub fn viewer_count(&self, room: i64) -> usize {
        self.lock().get(&room).map_or(0, |r| r.viewers.len())
    }
}

/// After a commit that changed objectives of `cycle_id` (or the cycle
/// itself): the events go to everyone on the cycle's board, on every
/// instance, and the leaderboard is recomputed — progress, statuses and
/// check-ins all move it (see [`Fanout`]). Its refresher recomputes at
/// once after a quiet spell and coalesces a burst of changes into one
/// computation per 50 ms.
pub fn after_commit(state: &AppState, cycle_id: i64, events: Vec<BoardEvent>) {
    state.fanout.committed(cycle_id, events);
}

/// The JSON text of a message (the enum has only plain data: this cannot fail).
pub fn encode(message: &ServerMessage) -> Arc<str> {
    serde_json::to_string(message).unwrap_or_default().into()
}

impl Drop for Membership {
    fn drop(&mut self) {
        self.hub.leave(self.room, self.connection);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn next(membership: &mut Membership) -> ServerMessage {
        serde_json::from_str(&membership.receiver.recv().await.unwrap()).unwrap()
    }

    #[tokio::test(start_paused = true)]
    async fn members_hear_presence_and_leave_on_drop() {
        let hub = Arc::new(Hub::default());
        let mut first = hub.join(7, 1, "Ada".into());
        // The first hears its own arrival, then Bo's.
        assert_eq!(
            next(&mut first).await,
            ServerMessage::Presence {
                viewers: vec!["Ada".into()]
            }
        );
        let second = hub.join(7, 2, "Bo".into());
        assert_eq!(
            next(&mut first).await,
            ServerMessage::Presence {
                viewers: vec!["Ada".into(), "Bo".into()]
            }
        );
        assert_eq!(hub.viewer_count(7), 2);
        drop(second);
        assert_eq!(
            next(&mut first).await,
            ServerMessage::Presence {
                viewers: vec!["Ada".into()]
            }
        );
        drop(first);
        assert_eq!(hub.viewer_count(7), 0);
    }

    #[tokio::test(start_paused = true)]
    async fn a_crowd_arriving_at_once_hears_one_presence_message() {
        let hub = Arc::new(Hub::default());
        let mut first = hub.join(7, 0, "Viewer 0".into());
        let _crowd: Vec<Membership> = (1..100)
            .map(|n| hub.join(7, n, format!("Viewer {n}")))
            .collect();
        let ServerMessage::Presence { viewers } = next(&mut first).await else {
            panic!("presence expected");
        };
        assert_eq!(viewers.len(), 100, "one message names everyone");
        tokio::time::sleep(PRESENCE_DELAY * 3).await;
        assert!(first.receiver.is_empty(), "and nothing else was sent");
    }

    #[tokio::test(start_paused = true)]
    async fn rooms_are_separate() {
        let hub = Arc::new(Hub::default());
        let mut seven = hub.join(7, 1, "Ada".into());
        let _eight = hub.join(8, 2, "Bo".into());
        let _ = seven.receiver.recv().await;
        hub.send(8, ServerMessage::Reload);
        hub.send(7, ServerMessage::Presence { viewers: vec![] });
        assert_eq!(
            next(&mut seven).await,
            ServerMessage::Presence { viewers: vec![] }
        );
    }
}
