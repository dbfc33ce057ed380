//! The hub: one `tokio::sync::broadcast` channel per board (room). Server
//! functions publish after their transaction commits; each websocket
//! subscribes to its room. A subscriber that falls too far behind gets
//! `RecvError::Lagged` and is told to reload instead of being dropped.
//!
//! The leaderboard has a single channel: every open leaderboard and office
//! screen shows the current cycle. The hub keeps the latest snapshot, so a
//! screen that connects gets it without a query, and a snapshot older than
//! the one already sent is never sent again.

use super::ServerMessage;
use crate::board::BoardEvent;
use crate::leaderboard::Leaderboard;
use crate::state::AppState;
use leptos::prelude::use_context;
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
    /// Ids of office screens revoked while their sockets may be open.
    revoked_screens: broadcast::Sender<i64>,
    /// Turns true when the server shuts down: every socket closes, so the
    /// graceful shutdown does not wait for clients that never leave.
    closing: tokio::sync::watch::Sender<bool>,
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
            closing: tokio::sync::watch::channel(false).0,
        }
    }
}

struct Room {
    /// Messages already serialised to JSON: once per message, not once per subscriber.
    sender: broadcast::Sender<Arc<str>>,
    /// Open connections and the name of who is behind each.
    viewers: HashMap<u64, String>,
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
        });
        let receiver = entry.sender.subscribe();
        entry.viewers.insert(connection, viewer);
        let _ = entry.sender.send(encode(&presence(entry)));
        Membership {
            hub: self.clone(),
            room,
            connection,
            receiver,
        }
    }

    fn leave(&self, room: i64, connection: u64) {
        let mut rooms = self.lock();
        if let Some(entry) = rooms.get_mut(&room) {
            entry.viewers.remove(&connection);
            if entry.viewers.is_empty() {
                rooms.remove(&room);
            } else {
                let _ = entry.sender.send(encode(&presence(entry)));
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

    /// Tells every open socket of screen `id` that it has been revoked.
    pub fn revoke_screen(&self, id: i64) {
        let _ = self.revoked_screens.send(id);
    }

    pub fn subscribe_revocations(&self) -> broadcast::Receiver<i64> {
        self.revoked_screens.subscribe()
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

/// The JSON text of a message (the enum has only plain data: this cannot fail).
pub fn encode(message: &ServerMessage) -> Arc<str> {
    serde_json::to_string(message).unwrap_or_default().into()
}

fn presence(room: &Room) -> ServerMessage {
    let mut viewers: Vec<String> = room.viewers.values().cloned().collect();
    viewers.sort();
    viewers.dedup();
    ServerMessage::Presence { viewers }
}

impl Drop for Membership {
    fn drop(&mut self) {
        self.hub.leave(self.room, self.connection);
    }
}

/// Publishes a committed board change to everyone on that board.
pub fn publish_board(cycle_id: i64, event: BoardEvent) {
    if let Some(state) = use_context::<AppState>() {
        state.hub.send(
            cycle_id,
            ServerMessage::Event {
                event: Box::new(event),
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn next(membership: &mut Membership) -> ServerMessage {
        serde_json::from_str(&membership.receiver.recv().await.unwrap()).unwrap()
    }

    #[tokio::test]
    async fn members_hear_presence_and_leave_on_drop() {
        let hub = Arc::new(Hub::default());
        let mut first = hub.join(7, 1, "Ada".into());
        let second = hub.join(7, 2, "Bo".into());
        // The first hears its own arrival, then Bo's.
        assert_eq!(
            next(&mut first).await,
            ServerMessage::Presence {
                viewers: vec!["Ada".into()]
            }
        );
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

    #[tokio::test]
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
