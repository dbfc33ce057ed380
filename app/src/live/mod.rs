//! Live updates: the messages a board's websocket carries, defined once for
//! both sides, and (on the server) the hub that fans them out.

#[cfg(feature = "hydrate")]
pub mod client;
#[cfg(feature = "ssr")]
pub mod ssr;

use crate::board::BoardEvent;
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
}

/// From a board in the browser to the server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClientMessage {
    /// "I have everything up to `version`": the server sends what follows.
    Resume { version: i64 },
}
