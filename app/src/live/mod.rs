//! Live updates: the messages a board's websocket carries, defined once for
//! both sides, and (on the server) the hub that fans them out.

#[cfg(feature = "hydrate")]
pub mod client;
#[cfg(feature = "ssr")]
pub mod ssr;

use crate::objectives::BoardEvent;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// From the server to a board in the browser.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerMessage {
    /// A change, in board-version order (boxed: it is much larger than the others).
    Event { event: Box<BoardEvent> },
    /// The client is too far behind to catch up by events: load the board again.
    Reload,
    /// Who is looking at this board now.
    Presence { viewers: Vec<String> },
    /// The session behind this socket ended: say why and stop reconnecting.
    SessionEnded { reason: SessionEnd },
}

/// Why a person's live sockets were closed by the server. The socket sends
/// it once before closing, and the page shows its sentence instead of
/// reconnecting for ever.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionEnd {
    /// Signed out (in this tab or another one of the same session).
    SignedOut,
    /// The session expired after a long time without activity.
    Expired,
    /// The ambassador deactivated the account.
    Deactivated,
    /// The ambassador changed the person's role.
    RoleChanged,
    /// The password was changed or reset: other sessions end.
    PasswordChanged,
}

impl SessionEnd {
    /// The sentence the page shows.
    pub fn sentence(self) -> &'static str {
        match self {
            SessionEnd::SignedOut => "You have been signed out.",
            SessionEnd::Expired => "You have been signed out: your session expired.",
            SessionEnd::Deactivated => {
                "You have been signed out: your account has been deactivated."
            }
            SessionEnd::RoleChanged => {
                "Your role has changed. Reload the page to see what you may do now."
            }
            SessionEnd::PasswordChanged => {
                "You have been signed out: the password of this account was changed."
            }
        }
    }

    /// Whether the person must sign in again (a role change only needs a reload).
    pub fn needs_sign_in(self) -> bool {
        self != SessionEnd::RoleChanged
    }
}

/// The close code of a socket ended by its session (application range).
pub const CLOSE_SESSION_ENDED: u16 = 4001;
/// The close code of a socket refused because its session has too many.
pub const CLOSE_TOO_MANY: u16 = 4008;

/// From a board in the browser to the server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClientMessage {
    /// "I have everything up to `version`": the server sends what follows.
    Resume { version: i64 },
}

/// What a live page shows once its session has ended: why, and the way
/// back (sign in again, or reload after a role change). Full page loads,
/// so nothing of the old session stays in memory.
#[component]
pub fn SessionEndedNotice(reason: SessionEnd) -> impl IntoView {
    // The header asks again who is signed in: it stops naming a person who
    // no longer is (or shows the new role).
    if let Some(session) = use_context::<crate::auth::Session>() {
        session.user.refetch();
    }
    let (href, action) = if reason.needs_sign_in() {
        ("/sign-in".to_owned(), "Sign in")
    } else {
        (
            leptos_router::hooks::use_location()
                .pathname
                .get_untracked(),
            "Reload the page",
        )
    };
    view! {
        <div class="session-ended" role="alert">
            <p>{reason.sentence()}</p>
            <a class="button" href=href rel="external">{action}</a>
        </div>
    }
}
