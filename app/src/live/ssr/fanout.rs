//! Fan-out: how a committed change reaches every live socket, on this
//! instance and on every other instance that shares the database.
//!
//! On SQLite one instance owns the database, and changes go from the
//! commit straight to its hub. On PostgreSQL several instances may share
//! the database, so every change is also announced with `NOTIFY` on
//! [`CHANNEL`], and every instance `LISTEN`s (`server::live::listen`) and
//! feeds its own hub:
//!
//! - A board change is announced inside its transaction (`pg_notify`), so
//!   the announcement commits with the change or not at all. It carries
//!   only the cycle and the version: each instance reads the events it has
//!   not published yet from `board_events`. One task per instance
//!   publishes them in version order and remembers, per board, the last
//!   version it published; after its listener reconnects (a database
//!   restart), it resumes from there, so no event is missed or sent twice.
//! - KPI changes, screen revocations, ended sessions and presence are
//!   applied here at once and announced right after their commit, naming
//!   this instance so it skips its own notice. What a reconnecting
//!   listener may have missed of these is asked of the database instead:
//!   every socket checks its session and screen, KPI pages reload, and
//!   presence is read again.

use super::{Hub, Sessions, presence};
use crate::live::{ServerMessage, SessionEnd};
use crate::metrics::{Metrics, Published};
use crate::objectives::BoardEvent;
use crate::sql::{Backend, Conn, Pool};
use crate::state::AppState;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

/// The channel every instance listens on.
pub const CHANNEL: &str = "northstar";

/// What changed, as announced to every instance: small, never the data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Notice {
    /// Board `cycle` reached `version`: read the events after the last one published.
    Board { cycle: i64, version: i64 },
    /// KPI `id` has a new reading or definition.
    Kpi { id: i64, version: i64 },
    /// Office screen `id` was revoked.
    Screen { id: i64 },
    /// Sessions of `person` ended (named by the digests of their ids).
    Sessions {
        person: i64,
        sessions: Sessions,
        reason: SessionEnd,
    },
    /// The viewers of board `cycle` changed on the announcing instance.
    Presence { cycle: i64 },
}

/// A notice and the instance that sent it (none for board notices: each
/// instance keeps its own count of what it published).
#[derive(Debug, Serialize, Deserialize)]
struct Envelope {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    from: String,
    #[serde(flatten)]
    notice: Notice,
}

/// What the publishing task does, in order.
enum Work {
    /// Events committed through this instance (handed over `at`).
    Committed {
        cycle: i64,
        events: Vec<BoardEvent>,
        at: Instant,
    },
    /// Board `cycle` reached `version` (through any instance; heard of `at`).
    Board {
        cycle: i64,
        version: i64,
        at: Instant,
    },
    /// Board `cycle` may have events not yet published (a read that failed).
    CatchUp(i64),
    /// The listener (re)started listening: catch up with what it missed.
    Listening,
    /// A KPI changed somewhere: the current leaderboard's celebrations follow KPIs.
    CurrentLeaderboard,
}

/// How often an instance tells the others its viewers are still there.
const HEARTBEAT: Duration = Duration::from_secs(20);
/// How long a failed read waits before the board is caught up again.
const RETRY: Duration = Duration::from_secs(1);

pub struct Fanout {
    /// This instance's name in notices and presence rows: new at every start.
    instance: String,
    /// Other instances may share the database (PostgreSQL).
    shared: bool,
    pool: Pool,
    hub: Arc<Hub>,
    /// Counts what is published, and how long it took.
    metrics: Arc<Metrics>,
    queue: mpsc::UnboundedSender<Work>,
    /// Shared presence has its own queue and task (`presence::Keeper`).
    presence: mpsc::UnboundedSender<presence::Work>,
    /// The queues' other ends, until [`Fanout::start`] takes them.
    work: Mutex<Option<Receivers>>,
}

type Receivers = (
    mpsc::UnboundedReceiver<Work>,
    mpsc::UnboundedReceiver<presence::Work>,
);

impl Fanout {
    pub fn new(pool: Pool, hub: Arc<Hub>, metrics: Arc<Metrics>) -> Self {
        let (queue, work) = mpsc::unbounded_channel();
        let (presence, presence_work) = mpsc::unbounded_channel();
        Fanout {
            // 64 random bits: distinct for every instance that ever runs.
            instance: crate::auth::secret::new_token()[..16].to_owned(),
            shared: Backend::of_pool(&pool) == Backend::Postgres,
            pool,
            hub,
            metrics,
            queue,
            presence,
            work: Mutex::new(Some((work, presence_work))),
        }
    }

    /// This instance's name, as other instances see it.
    pub fn instance(&self) -> &str {
        &self.instance
    }

    /// Whether other instances may share the database (and a listener must run).
    pub fn is_shared(&self) -> bool {
        self.shared
    }

    /// Starts publishing: learns how far every board is (nothing before
    /// this is published again), then serves the queue for ever. Call once.
    pub async fn start(self: &Arc<Self>, state: AppState) -> Result<(), sqlx::Error> {
        let Some((work, presence_work)) = self
            .work
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take()
        else {
            return Ok(());
        };
        let published = board_versions(&self.pool).await?;
        let publisher = Publisher {
            fanout: self.clone(),
            state,
            published,
        };
        tokio::spawn(publisher.serve(work));
        if self.shared {
            let keeper = presence::Keeper {
                pool: self.pool.clone(),
                hub: self.hub.clone(),
                instance: self.instance.clone(),
            };
            tokio::spawn(keeper.serve(presence_work));
            let (changes, mut changed) = mpsc::unbounded_channel();
            self.hub.share_presence(changes);
            let presence = self.presence.clone();
            tokio::spawn(async move {
                while let Some(cycle) = changed.recv().await {
                    if presence.send(presence::Work::Own(cycle)).is_err() {
                        break;
                    }
                }
            });
            let presence = self.presence.clone();
            tokio::spawn(async move {
                let mut every = tokio::time::interval(HEARTBEAT);
                loop {
                    every.tick().await;
                    if presence.send(presence::Work::Heartbeat).is_err() {
                        break;
                    }
                }
            });
        }
        Ok(())
    }

    /// Events of `cycle` committed through this instance: they go to its
    /// board here (other instances read them from the database), and the
    /// leaderboard is recomputed.
    pub fn committed(&self, cycle: i64, events: Vec<BoardEvent>) {
        let _ = self.queue.send(Work::Committed {
            cycle,
            events,
            at: Instant::now(),
        });
    }

    /// The listener listens (again): what it may have missed is caught up.
    pub fn listening(&self) {
        let _ = self.queue.send(Work::Listening);
    }

    /// A notice heard by the listener (`payload` as sent by an instance).
    pub fn noticed(&self, payload: &str) {
        let Ok(Envelope { from, notice }) = serde_json::from_str::<Envelope>(payload) else {
            tracing::warn!(bytes = payload.len(), "a notice that is not Northstar's");
            return;
        };
        if from == self.instance {
            return;
        }
        match notice {
            Notice::Board { cycle, version } => {
                let _ = self.queue.send(Work::Board {
                    cycle,
                    version,
                    at: Instant::now(),
                });
            }
            Notice::Kpi { id, version } => {
                self.publish_kpi(id, version);
                let _ = self.queue.send(Work::CurrentLeaderboard);
            }
            Notice::Screen { id } => self.hub.revoke_screen(id),
            Notice::Sessions {
                person,
                sessions,
                reason,
            } => self.hub.end_digested_sessions(person, sessions, reason),
            Notice::Presence { cycle } => {
                let _ = self.presence.send(presence::Work::Others(cycle));
            }
        }
    }

    /// KPI `id` changed: open KPI pages on every instance hear of it.
    pub fn kpi_changed(&self, id: i64, version: i64) {
        self.publish_kpi(id, version);
        self.announce(Notice::Kpi { id, version });
    }

    fn publish_kpi(&self, id: i64, version: i64) {
        self.hub.publish_kpi(id, version);
        self.metrics.published(Published::Kpi, 1);
    }

    /// Screen `id` was revoked: its sockets close on every instance.
    pub fn revoke_screen(&self, id: i64) {
        self.hub.revoke_screen(id);
        self.announce(Notice::Screen { id });
    }

    /// `sessions` of `person` ended: their sockets say why and close, on
    /// every instance.
    pub fn end_sessions(&self, person: i64, sessions: Sessions, reason: SessionEnd) {
        let digested = sessions.digested();
        self.hub.end_sessions(person, sessions, reason);
        self.announce(Notice::Sessions {
            person,
            sessions: digested,
            reason,
        });
    }

    /// Tells the other instances, when there may be any. Sent after the
    /// commit, without waiting: a notice lost with its connection is made
    /// up for when their listeners reconnect (they ask the database).
    fn announce(&self, notice: Notice) {
        if !self.shared {
            return;
        }
        let (pool, from) = (self.pool.clone(), self.instance.clone());
        tokio::spawn(async move {
            if let Err(error) = notify(&pool, &from, notice).await {
                tracing::warn!(%error, "could not tell the other instances");
            }
        });
    }

    /// Before the server stops: other instances stop showing its viewers.
    pub async fn withdraw(&self) {
        if !self.shared {
            return;
        }
        match presence::withdraw(&self.pool, &self.instance).await {
            Ok(cycles) => {
                for cycle in cycles {
                    let _ = notify(&self.pool, &self.instance, Notice::Presence { cycle }).await;
                }
            }
            Err(error) => tracing::warn!(%error, "could not withdraw this instance's viewers"),
        }
    }
}

/// Announces, inside the transaction `tx` that recorded it, that board
/// `cycle` reached `version` (PostgreSQL only: elsewhere nobody else listens).
pub async fn announce_board(tx: &mut Conn, cycle: i64, version: i64) -> Result<(), sqlx::Error> {
    if Backend::of(tx) != Backend::Postgres {
        return Ok(());
    }
    let payload = envelope("", Notice::Board { cycle, version });
    sqlx::query("SELECT pg_notify($1, $2)")
        .bind(CHANNEL)
        .bind(payload)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

fn envelope(from: &str, notice: Notice) -> String {
    let envelope = Envelope {
        from: from.to_owned(),
        notice,
    };
    // Plain data: serialising cannot fail.
    serde_json::to_string(&envelope).unwrap_or_default()
}

/// Announces `notice` from instance `from` (after a commit, outside it).
pub(super) async fn notify(pool: &Pool, from: &str, notice: Notice) -> Result<(), sqlx::Error> {
    sqlx::query("SELECT pg_notify($1, $2)")
        .bind(CHANNEL)
        .bind(envelope(from, notice))
        .execute(pool)
        .await
        .map(drop)
}

/// Every board's version now.
async fn board_versions(pool: &Pool) -> Result<HashMap<i64, i64>, sqlx::Error> {
    let rows: Vec<(i64, i64)> = sqlx::query_as("SELECT id, board_version FROM cycles")
        .fetch_all(pool)
        .await?;
    Ok(rows.into_iter().collect())
}

/// The task that publishes, one piece of work after another.
struct Publisher {
    fanout: Arc<Fanout>,
    state: AppState,
    /// The last version published per board; a board made since the start
    /// has published nothing (0).
    published: HashMap<i64, i64>,
}

impl Publisher {
    async fn serve(mut self, mut work: mpsc::UnboundedReceiver<Work>) {
        while let Some(next) = work.recv().await {
            match next {
                Work::Committed { cycle, events, at } => self.committed(cycle, events, at).await,
                Work::Board { cycle, version, at } => {
                    if version > self.published(cycle) && self.catch_up(cycle).await {
                        self.fanout.metrics.fanned_out(at);
                    }
                }
                Work::CatchUp(cycle) => {
                    self.catch_up(cycle).await;
                }
                Work::Listening => self.resume().await,
                Work::CurrentLeaderboard => self.current_leaderboard().await,
            }
        }
    }

    fn published(&self, cycle: i64) -> i64 {
        self.published.get(&cycle).copied().unwrap_or(0)
    }

    fn hub(&self) -> &Hub {
        &self.fanout.hub
    }

    /// Events committed here go out as they are when they follow the last
    /// one published; if another instance's came in between and have not
    /// been heard of yet, everything missing is read in order.
    async fn committed(&mut self, cycle: i64, events: Vec<BoardEvent>, at: Instant) {
        let (Some(first), Some(last)) = (events.first(), events.last()) else {
            return;
        };
        let (first, last) = (first.version(), last.version());
        let published = self.published(cycle);
        if last <= published {
            // Already read from the database after a notice.
        } else if first == published + 1 {
            self.send(cycle, events);
            self.published.insert(cycle, last);
            self.fanout.metrics.fanned_out(at);
        } else {
            // Reads the gap and asks for the leaderboard itself.
            if self.catch_up(cycle).await {
                self.fanout.metrics.fanned_out(at);
            }
            return;
        }
        self.state.leaderboard_refresh.request(cycle);
    }

    /// Sends `events` to the board's room, in order.
    fn send(&self, cycle: i64, events: Vec<BoardEvent>) {
        let count = events.len() as u64;
        for event in events {
            self.hub().send(
                cycle,
                ServerMessage::Event {
                    event: Box::new(event),
                },
            );
        }
        self.fanout.metrics.published(Published::BoardEvent, count);
    }

    /// Publishes the events of `cycle` after the last one published. A
    /// board too far ahead to catch up by events is told to reload.
    /// Returns whether the board's room heard of them (events or a reload).
    async fn catch_up(&mut self, cycle: i64) -> bool {
        let published = self.published(cycle);
        let heard =
            match crate::objectives::ssr::events_after(&self.state.pool, cycle, published).await {
                Ok(Some(events)) => {
                    let last = events.last().map(BoardEvent::version);
                    if let Some(last) = last {
                        self.send(cycle, events);
                        self.published.insert(cycle, last);
                    }
                    last.is_some()
                }
                Ok(None) => match board_version(&self.state.pool, cycle).await {
                    Ok(Some(version)) => {
                        self.hub().send(cycle, ServerMessage::Reload);
                        self.published.insert(cycle, version);
                        true
                    }
                    Ok(None) => {
                        self.published.remove(&cycle);
                        false
                    }
                    Err(error) => {
                        self.retry(cycle, &error);
                        false
                    }
                },
                Err(error) => {
                    self.retry(cycle, &error);
                    false
                }
            };
        self.state.leaderboard_refresh.request(cycle);
        heard
    }

    /// The database did not answer: the board is caught up again shortly.
    fn retry(&self, cycle: i64, error: &dyn std::fmt::Display) {
        tracing::warn!(%error, cycle, "could not read a board's events; trying again");
        let queue = self.fanout.queue.clone();
        tokio::spawn(async move {
            tokio::time::sleep(RETRY).await;
            let _ = queue.send(Work::CatchUp(cycle));
        });
    }

    /// After the listener (re)connects: every board moved meanwhile is
    /// caught up from the last version published, and every socket asks
    /// the database about what cannot be caught up by version.
    async fn resume(&mut self) {
        match board_versions(&self.state.pool).await {
            Ok(versions) => {
                for (cycle, version) in versions {
                    if version > self.published(cycle) {
                        self.catch_up(cycle).await;
                    }
                }
            }
            Err(error) => {
                tracing::warn!(%error, "could not read the boards' versions; trying again");
                let queue = self.fanout.queue.clone();
                tokio::spawn(async move {
                    tokio::time::sleep(RETRY).await;
                    let _ = queue.send(Work::Listening);
                });
                return;
            }
        }
        let hub = self.hub();
        hub.recheck_sessions();
        hub.recheck_screens();
        hub.recheck_kpis();
        self.current_leaderboard().await;
        if self.fanout.shared {
            let _ = self.fanout.presence.send(presence::Work::Resync);
        }
    }

    /// Recomputes the current cycle's leaderboard.
    async fn current_leaderboard(&self) {
        let day = crate::cycles::ssr::today().to_string();
        let Ok(mut db) = self.state.pool.acquire().await else {
            return;
        };
        if let Ok(Some(cycle)) = crate::cycles::ssr::current_cycle_id(&mut db, &day).await {
            self.state.leaderboard_refresh.request(cycle);
        }
    }
}

async fn board_version(pool: &Pool, cycle: i64) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT board_version FROM cycles WHERE id = $1")
        .bind(cycle)
        .fetch_optional(pool)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notices_are_small_and_read_back() {
        let notices = [
            Notice::Board {
                cycle: 3,
                version: 41,
            },
            Notice::Kpi { id: 7, version: 2 },
            Notice::Screen { id: 9 },
            Notice::Sessions {
                person: 4,
                sessions: Sessions::AllBut("k3Jx9QpL2mZ8vN4tR7wY1a".into()).digested(),
                reason: SessionEnd::PasswordChanged,
            },
            Notice::Presence { cycle: 3 },
        ];
        for notice in notices {
            let payload = envelope("0123456789abcdef", notice.clone());
            // PostgreSQL refuses payloads of 8,000 bytes or more.
            assert!(payload.len() < 200, "{payload}");
            let back: Envelope = serde_json::from_str(&payload).unwrap();
            assert_eq!(back.notice, notice);
        }
        assert_eq!(
            envelope(
                "",
                Notice::Board {
                    cycle: 3,
                    version: 41
                }
            ),
            r#"{"kind":"board","cycle":3,"version":41}"#
        );
    }
}
