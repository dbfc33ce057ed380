//! A person's live sockets, registered by session: signing out,
//! deactivation, a role or password change close exactly the sockets they
//! end, and one session cannot hold more than [`MAX_SOCKETS_PER_SESSION`].

use super::Hub;
use crate::live::SessionEnd;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::Arc;
use tokio::sync::broadcast;

/// Most live sockets one session may hold open at once: a few tabs, each
/// with a board or a leaderboard. More is a runaway script, not a person.
pub const MAX_SOCKETS_PER_SESSION: usize = 12;

/// A person with open sockets on this instance.
pub(super) struct Person {
    /// Told when some or all of the person's sessions end.
    ended: broadcast::Sender<Ended>,
    /// Open sockets per session id.
    sockets: HashMap<String, usize>,
}

/// Which of a person's sessions ended, and why: `None` when notices may
/// have been missed (another instance's, while its listener reconnected),
/// and the sockets must ask the database how things stand.
#[derive(Debug, Clone)]
struct Ended {
    sessions: Sessions,
    /// The sessions are named by the SHA-256 digests of their ids (as
    /// another instance announced them), not by the ids.
    digested: bool,
    reason: Option<SessionEnd>,
}

impl Ended {
    fn includes(&self, session: &str) -> bool {
        if self.digested {
            self.sessions.include(&crate::auth::secret::digest(session))
        } else {
            self.sessions.include(session)
        }
    }
}

/// Which of a person's sessions an end applies to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sessions {
    All,
    Only(String),
    /// Every session but this one (a password changed in it).
    AllBut(String),
}

impl Sessions {
    /// The same sessions named by the SHA-256 digests of their ids, for a
    /// notice to other instances: anyone who may LISTEN on the database
    /// hears notices, and a live session id must not be among them.
    pub fn digested(&self) -> Sessions {
        use crate::auth::secret::digest;
        match self {
            Sessions::All => Sessions::All,
            Sessions::Only(id) => Sessions::Only(digest(id)),
            Sessions::AllBut(id) => Sessions::AllBut(digest(id)),
        }
    }

    fn include(&self, session: &str) -> bool {
        match self {
            Sessions::All => true,
            Sessions::Only(only) => only == session,
            Sessions::AllBut(kept) => kept != session,
        }
    }
}

/// A socket's registration with its person and session; unregisters on drop.
pub struct SessionWatch {
    hub: Arc<Hub>,
    person: i64,
    session: String,
    receiver: broadcast::Receiver<Ended>,
}

/// The session already holds [`MAX_SOCKETS_PER_SESSION`] sockets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooManySockets;

impl SessionWatch {
    /// Resolves when this socket's session ends: `Some(why)`; or `None` when
    /// notices were missed (the socket must ask the database itself).
    pub async fn ended(&mut self) -> Option<SessionEnd> {
        loop {
            match self.receiver.recv().await {
                Ok(ended) if ended.includes(&self.session) => return ended.reason,
                Ok(_) => {}
                Err(broadcast::error::RecvError::Lagged(_)) => return None,
                // The hub outlives every watch; should it not, nothing ends.
                Err(broadcast::error::RecvError::Closed) => std::future::pending::<()>().await,
            }
        }
    }

    /// The session id this socket belongs to.
    pub fn session(&self) -> &str {
        &self.session
    }
}

impl Drop for SessionWatch {
    fn drop(&mut self) {
        let mut people = self.hub.lock_people();
        if let Some(person) = people.get_mut(&self.person) {
            if let Some(count) = person.sockets.get_mut(&self.session) {
                *count = count.saturating_sub(1);
                if *count == 0 {
                    person.sockets.remove(&self.session);
                }
            }
            if person.sockets.is_empty() {
                people.remove(&self.person);
            }
        }
    }
}

impl Hub {
    fn lock_people(&self) -> std::sync::MutexGuard<'_, HashMap<i64, Person>> {
        self.people
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Registers a socket of `person` signed in with `session`, or refuses
    /// it when that session already holds the most sockets allowed.
    pub fn watch_session(
        self: &Arc<Self>,
        person: i64,
        session: String,
    ) -> Result<SessionWatch, TooManySockets> {
        let mut people = self.lock_people();
        let entry = people.entry(person).or_insert_with(|| Person {
            ended: broadcast::channel(16).0,
            sockets: HashMap::new(),
        });
        let count = entry.sockets.entry(session.clone()).or_default();
        if *count >= MAX_SOCKETS_PER_SESSION {
            return Err(TooManySockets);
        }
        *count += 1;
        Ok(SessionWatch {
            hub: self.clone(),
            person,
            session,
            receiver: entry.ended.subscribe(),
        })
    }

    /// Ends `sessions` of `person` on this instance: their sockets say why
    /// and close. (`Fanout::end_sessions` does it on every instance.)
    pub fn end_sessions(&self, person: i64, sessions: Sessions, reason: SessionEnd) {
        if let Some(entry) = self.lock_people().get(&person) {
            let _ = entry.ended.send(Ended {
                sessions,
                digested: false,
                reason: Some(reason),
            });
        }
    }

    /// The same, for `sessions` named by the digests of their ids (as
    /// another instance announces them).
    pub fn end_digested_sessions(&self, person: i64, sessions: Sessions, reason: SessionEnd) {
        if let Some(entry) = self.lock_people().get(&person) {
            let _ = entry.ended.send(Ended {
                sessions,
                digested: true,
                reason: Some(reason),
            });
        }
    }

    /// Every socket on this instance asks the database whether its session
    /// still stands: ends announced while this instance was not listening
    /// are found.
    pub fn recheck_sessions(&self) {
        for entry in self.lock_people().values() {
            let _ = entry.ended.send(Ended {
                sessions: Sessions::All,
                digested: false,
                reason: None,
            });
        }
    }

    /// How many sockets `person` has open on this instance.
    pub fn sockets_of(&self, person: i64) -> usize {
        self.lock_people()
            .get(&person)
            .map_or(0, |p| p.sockets.values().sum())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn ending_sessions_reaches_the_right_sockets() {
        let hub = Arc::new(Hub::default());
        let mut laptop = hub.watch_session(1, "laptop".into()).unwrap();
        let mut phone = hub.watch_session(1, "phone".into()).unwrap();
        let mut someone_else = hub.watch_session(2, "laptop".into()).unwrap();
        hub.end_sessions(1, Sessions::Only("laptop".into()), SessionEnd::SignedOut);
        assert_eq!(laptop.ended().await, Some(SessionEnd::SignedOut));
        hub.end_sessions(
            1,
            Sessions::AllBut("phone".into()),
            SessionEnd::PasswordChanged,
        );
        hub.end_sessions(1, Sessions::All, SessionEnd::Deactivated);
        // The phone skips the end that spared it and hears the next one.
        assert_eq!(phone.ended().await, Some(SessionEnd::Deactivated));
        let quiet =
            tokio::time::timeout(std::time::Duration::from_millis(20), someone_else.ended());
        assert!(quiet.await.is_err(), "another person's sockets stay open");
        assert_eq!(hub.sockets_of(1), 2);
        drop(laptop);
        drop(phone);
        assert_eq!(hub.sockets_of(1), 0);
    }

    #[tokio::test]
    async fn ends_announced_by_digest_reach_the_right_sockets() {
        let hub = Arc::new(Hub::default());
        let mut laptop = hub.watch_session(1, "laptop".into()).unwrap();
        let mut phone = hub.watch_session(1, "phone".into()).unwrap();
        let kept = Sessions::AllBut("phone".into()).digested();
        assert_ne!(kept, Sessions::AllBut("phone".into()), "no id in a notice");
        hub.end_digested_sessions(1, kept, SessionEnd::PasswordChanged);
        assert_eq!(laptop.ended().await, Some(SessionEnd::PasswordChanged));
        let quiet = tokio::time::timeout(std::time::Duration::from_millis(20), phone.ended());
        assert!(quiet.await.is_err(), "the session kept stays open");
    }

    #[tokio::test]
    async fn a_session_holds_a_bounded_number_of_sockets() {
        let hub = Arc::new(Hub::default());
        let mut open: Vec<SessionWatch> = (0..MAX_SOCKETS_PER_SESSION)
            .map(|_| hub.watch_session(1, "s".into()).unwrap())
            .collect();
        assert!(hub.watch_session(1, "s".into()).is_err());
        assert!(
            hub.watch_session(1, "other".into()).is_ok(),
            "per session, not per person"
        );
        open.pop();
        assert!(
            hub.watch_session(1, "s".into()).is_ok(),
            "a closed socket frees its place"
        );
    }
}
