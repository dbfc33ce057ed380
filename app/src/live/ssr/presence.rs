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
use tokio::sync::mpsc;

/// How long arrivals and departures gather before one presence message
/// tells the room: a crowded board opening at 9:00 sends a handful of
/// presence messages, not one per arrival to everyone already there.
pub const PRESENCE_DELAY: Duration = Duration::from_millis(100);

/// Another instance's viewers count while their row is this fresh (three
/// heartbeats: an instance gone without a word drops out of the others'
/// presence within this and one heartbeat more).
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

/// What the keeper of shared presence does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Work {
    /// The viewers of a board changed here: write them, tell the others.
    Own(i64),
    /// The viewers of a board changed on another instance: read them.
    Others(i64),
    /// Time to say this instance's viewers are still there.
    Heartbeat,
    /// The listener listens again: write everything, read everything.
    Resync,
}

/// Shares this instance's presence through the database and reads the
/// others', in a task of its own (so board events never wait behind it).
pub(super) struct Keeper {
    pub(super) pool: Pool,
    pub(super) hub: Arc<Hub>,
    pub(super) instance: String,
}

impl Keeper {
    /// Serves `work` for ever; what piled up meanwhile is done once per
    /// board.
    pub(super) async fn serve(self, mut work: mpsc::UnboundedReceiver<Work>) {
        while let Some(first) = work.recv().await {
            let mut batch = std::collections::BTreeSet::from([first]);
            while let Ok(next) = work.try_recv() {
                batch.insert(next);
            }
            for next in batch {
                let done = match next {
                    Work::Own(cycle) => self.own(cycle).await,
                    Work::Others(cycle) => self.others(cycle).await,
                    Work::Heartbeat => self.heartbeat(false).await,
                    Work::Resync => self.heartbeat(true).await,
                };
                if let Err(error) = done {
                    tracing::warn!(%error, ?next, "could not share board presence");
                }
            }
        }
    }

    /// Writes this instance's viewers of `cycle` (none: its row goes),
    /// tells the others, and reads theirs.
    async fn own(&self, cycle: i64) -> Result<(), sqlx::Error> {
        write(
            &self.pool,
            &self.instance,
            cycle,
            &self.hub.local_viewers(cycle),
        )
        .await?;
        self.tell(cycle).await;
        self.others(cycle).await
    }

    /// Reads who looks at `cycle` through the other instances.
    async fn others(&self, cycle: i64) -> Result<(), sqlx::Error> {
        let rows: Vec<String> = sqlx::query_scalar(&format!(
            "SELECT viewers FROM board_presence \
             WHERE cycle_id = $1 AND instance <> $2 AND seen_ms > {NOW_MS} - $3"
        ))
        .bind(cycle)
        .bind(&self.instance)
        .bind(millis(EXPIRY))
        .fetch_all(&self.pool)
        .await?;
        let mut viewers: Vec<String> = rows
            .iter()
            .filter_map(|row| serde_json::from_str::<Vec<String>>(row).ok())
            .flatten()
            .collect();
        viewers.sort();
        viewers.dedup();
        self.hub.set_remote_viewers(cycle, viewers);
        Ok(())
    }

    /// Rewrites this instance's rows from what is true now (a write that
    /// failed earlier is mended, a row of a board left meanwhile goes),
    /// removes long-stale rows of instances gone without a word, and reads
    /// the others' again. After a reconnect (`tell`), the others hear of
    /// every board this instance shows.
    async fn heartbeat(&self, tell: bool) -> Result<(), sqlx::Error> {
        let written: Vec<i64> =
            sqlx::query_scalar("SELECT cycle_id FROM board_presence WHERE instance = $1")
                .bind(&self.instance)
                .fetch_all(&self.pool)
                .await?;
        let cycles = self.hub.presence_cycles();
        let all: std::collections::BTreeSet<i64> = written.iter().chain(&cycles).copied().collect();
        for cycle in all {
            let viewers = self.hub.local_viewers(cycle);
            write(&self.pool, &self.instance, cycle, &viewers).await?;
            // A row that appears or goes here is news to the others.
            if tell || written.contains(&cycle) == viewers.is_empty() {
                self.tell(cycle).await;
            }
        }
        sqlx::query(&format!(
            "DELETE FROM board_presence WHERE seen_ms < {NOW_MS} - $1"
        ))
        .bind(millis(FORGET))
        .execute(&self.pool)
        .await?;
        for cycle in cycles {
            self.others(cycle).await?;
        }
        Ok(())
    }
}

impl Keeper {
    /// Tells the other instances that this one's viewers of `cycle` changed.
    async fn tell(&self, cycle: i64) {
        let notice = super::Notice::Presence { cycle };
        if let Err(error) = super::fanout::notify(&self.pool, &self.instance, notice).await {
            tracing::warn!(%error, "could not tell the other instances");
        }
    }
}

/// The database's clock (PostgreSQL): presence rows are written by many
/// machines and compared on one clock.
const NOW_MS: &str = crate::sql::POSTGRES_NOW_MS;

fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

/// Writes this instance's viewers of `cycle` (none: its row goes).
async fn write(
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
        sqlx::query(&format!(
            "INSERT INTO board_presence (instance, cycle_id, viewers, seen_ms) VALUES ($1, $2, $3, {NOW_MS}) \
             ON CONFLICT (instance, cycle_id) DO UPDATE SET viewers = excluded.viewers, seen_ms = excluded.seen_ms"
        ))
        .bind(instance)
        .bind(cycle)
        .bind(crate::sql::list(viewers))
        .execute(pool)
        .await?;
    }
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
