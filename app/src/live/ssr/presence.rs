//! Board presence: who is looking at a board now.
//!
//! On one instance the hub knows every viewer. When instances share a
//! database, each writes its own viewers per board to `board_presence`
//! (through [`super::Fanout`]) and reads the others'; a room shows both.
//! An instance that stops without a word leaves rows that are no longer
//! refreshed: they are ignored after [`EXPIRY`] and removed later.

use super::{Hub, Room, encode};
use crate::live::ServerMessage;
use crate::sql::Pool;
use std::sync::Arc;
use std::time::Duration;
use time::OffsetDateTime;
use tokio::sync::mpsc;

/// How long arrivals and departures gather before one presence message
/// tells the room: a crowded board opening at 9:00 sends a handful of
/// presence messages, not one per arrival to everyone already there.
pub const PRESENCE_DELAY: Duration = Duration::from_millis(100);

/// Another instance's viewers count while their row is this fresh (three
/// missed heartbeats).
const EXPIRY: Duration = Duration::from_secs(60);
/// Rows older than this are removed.
const FORGET: Duration = Duration::from_secs(600);

impl Hub {
    /// Tells `room` who is there after [`PRESENCE_DELAY`], unless a message
    /// is already due (it will carry this change too).
    pub(super) fn presence_soon(self: &Arc<Self>, room: i64, entry: &mut Room) {
        if entry.presence_due {
            return;
        }
        // Without a runtime (the process is shutting down) nobody is left to tell.
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        entry.presence_due = true;
        let hub = self.clone();
        runtime.spawn(async move {
            tokio::time::sleep(PRESENCE_DELAY).await;
            {
                let mut rooms = hub.lock();
                if let Some(entry) = rooms.get_mut(&room) {
                    entry.presence_due = false;
                    let _ = entry.sender.send(encode(&hub.presence(room, entry)));
                }
            }
            hub.presence_changed(room);
        });
    }

    /// Who is in `room`: here and, through other instances, elsewhere.
    fn presence(&self, room: i64, entry: &Room) -> ServerMessage {
        let mut viewers: Vec<String> = entry.viewers.values().cloned().collect();
        if let Some(remote) = self.lock_remote().get(&room) {
            viewers.extend(remote.iter().cloned());
        }
        viewers.sort();
        viewers.dedup();
        ServerMessage::Presence { viewers }
    }

    fn lock_remote(
        &self,
    ) -> std::sync::MutexGuard<'_, std::collections::HashMap<i64, Vec<String>>> {
        self.remote_viewers
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Tells the fan-out, when instances share the database, that the
    /// viewers of `room` changed here.
    pub(super) fn presence_changed(&self, room: i64) {
        if let Some(changes) = self.presence_changes.get() {
            let _ = changes.send(room);
        }
    }

    /// From now on, changes of viewers here are told to `changes`.
    pub(super) fn share_presence(&self, changes: mpsc::UnboundedSender<i64>) {
        let _ = self.presence_changes.set(changes);
    }

    /// The names of the viewers of board `cycle` on this instance.
    pub fn local_viewers(&self, cycle: i64) -> Vec<String> {
        let mut viewers: Vec<String> = self
            .lock()
            .get(&cycle)
            .map(|room| room.viewers.values().cloned().collect())
            .unwrap_or_default();
        viewers.sort();
        viewers.dedup();
        viewers
    }

    /// The boards with viewers here or through other instances.
    pub fn presence_cycles(&self) -> Vec<i64> {
        let mut cycles: Vec<i64> = self.lock().keys().copied().collect();
        cycles.extend(self.lock_remote().keys().copied());
        cycles.sort_unstable();
        cycles.dedup();
        cycles
    }

    /// Sets who looks at board `cycle` through other instances; the room
    /// here hears of it when that changed.
    pub fn set_remote_viewers(&self, cycle: i64, viewers: Vec<String>) {
        let changed = {
            let mut remote = self.lock_remote();
            let before = remote.get(&cycle).map_or(&[][..], Vec::as_slice);
            let changed = before != viewers.as_slice();
            if viewers.is_empty() {
                remote.remove(&cycle);
            } else {
                remote.insert(cycle, viewers);
            }
            changed
        };
        if changed && let Some(entry) = self.lock().get(&cycle) {
            let _ = entry.sender.send(encode(&self.presence(cycle, entry)));
        }
    }
}

/// Writes this instance's viewers of `cycle` (none: its row goes).
pub(super) async fn publish_own(
    pool: &Pool,
    instance: &str,
    cycle: i64,
    viewers: &[String],
) -> Result<(), sqlx::Error> {
    if viewers.is_empty() {
        sqlx::query("DELETE FROM board_presence WHERE instance = $1 AND cycle_id = $2")
            .bind(instance)
            .bind(cycle)
            .execute(pool)
            .await?;
    } else {
        sqlx::query(
            "INSERT INTO board_presence (instance, cycle_id, viewers, seen_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (instance, cycle_id) DO UPDATE SET viewers = excluded.viewers, seen_at = excluded.seen_at",
        )
        .bind(instance)
        .bind(cycle)
        .bind(crate::sql::list(viewers))
        .bind(crate::sql::now())
        .execute(pool)
        .await?;
    }
    Ok(())
}

/// The viewers of `cycle` on every other instance that is still there.
pub(super) async fn others(
    pool: &Pool,
    instance: &str,
    cycle: i64,
) -> Result<Vec<String>, sqlx::Error> {
    let rows: Vec<String> = sqlx::query_scalar(
        "SELECT viewers FROM board_presence WHERE cycle_id = $1 AND instance <> $2 AND seen_at > $3",
    )
    .bind(cycle)
    .bind(instance)
    .bind(crate::sql::at(OffsetDateTime::now_utc() - EXPIRY))
    .fetch_all(pool)
    .await?;
    let mut viewers: Vec<String> = rows
        .iter()
        .filter_map(|row| serde_json::from_str::<Vec<String>>(row).ok())
        .flatten()
        .collect();
    viewers.sort();
    viewers.dedup();
    Ok(viewers)
}

/// This instance's rows are still true; long-stale rows of instances gone
/// without a word are removed.
pub(super) async fn heartbeat(pool: &Pool, instance: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE board_presence SET seen_at = $1 WHERE instance = $2")
        .bind(crate::sql::now())
        .bind(instance)
        .execute(pool)
        .await?;
    sqlx::query("DELETE FROM board_presence WHERE seen_at < $1")
        .bind(crate::sql::at(OffsetDateTime::now_utc() - FORGET))
        .execute(pool)
        .await?;
    Ok(())
}

/// Removes this instance's rows; returns the boards they were on.
pub(super) async fn withdraw(pool: &Pool, instance: &str) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar("DELETE FROM board_presence WHERE instance = $1 RETURNING cycle_id")
        .bind(instance)
        .fetch_all(pool)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn next(membership: &mut super::super::Membership) -> ServerMessage {
        serde_json::from_str(&membership.receiver.recv().await.unwrap()).unwrap()
    }

    #[tokio::test(start_paused = true)]
    async fn a_room_shows_viewers_here_and_through_other_instances() {
        let hub = Arc::new(Hub::default());
        let mut here = hub.join(7, 1, "Ada".into());
        let _ = next(&mut here).await;
        hub.set_remote_viewers(7, vec!["Bo".into(), "Ada".into()]);
        assert_eq!(
            next(&mut here).await,
            ServerMessage::Presence {
                viewers: vec!["Ada".into(), "Bo".into()]
            },
            "one name per person, in order"
        );
        // The same again changes nothing and says nothing.
        hub.set_remote_viewers(7, vec!["Bo".into(), "Ada".into()]);
        hub.set_remote_viewers(7, vec![]);
        assert_eq!(
            next(&mut here).await,
            ServerMessage::Presence {
                viewers: vec!["Ada".into()]
            }
        );
        assert!(here.receiver.is_empty());
        assert_eq!(hub.presence_cycles(), vec![7]);
        drop(here);
        assert!(hub.presence_cycles().is_empty());
    }
}
