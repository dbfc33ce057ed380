//! The websocket of a live board, `/ws/boards/{cycle_id}`: the same session
//! check as every server function, then the hub's room for that board.
//!
//! The socket subscribes to the room first and only then answers the
//! client's `resume` with the events it missed, so nothing published in
//! between is lost (a duplicate is harmless: clients skip versions they have).

use app::auth::ssr::{Caller, caller_of_session};
use app::board::ssr::{cycle_exists, events_after};
use app::live::ssr::encode;
use app::live::{ClientMessage, ServerMessage};
use app::state::AppState;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use futures::{SinkExt, StreamExt};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::broadcast::error::RecvError;
use tower_sessions::Session;

mod leaderboard;

pub use leaderboard::{leaderboard_socket, screen_socket};

/// How long a new socket may take to say which version it has.
const RESUME_TIMEOUT: Duration = Duration::from_secs(10);
/// Largest message a client may send (it only ever sends `resume`).
const MAX_CLIENT_MESSAGE: usize = 1024;
/// Read buffer per socket. Clients send almost nothing, and tungstenite
/// zero-fills the whole buffer before each read: axum's default of 128 KiB
/// cost half the server's CPU during a fan-out and most of its memory per
/// connection (docs/benchmarks.md).
const READ_BUFFER: usize = 4 * 1024;

pub async fn board_socket(
    ws: WebSocketUpgrade,
    Path(cycle_id): Path<i64>,
    session: Session,
    headers: HeaderMap,
    State(state): State<AppState>,
) -> Response {
    // A websocket handshake is a GET with cookies: another site's page must not open one.
    if !crate::http::is_same_origin(&headers) {
        return (StatusCode::FORBIDDEN, "Cross-origin websocket refused.").into_response();
    }
    let caller = match caller_of_session(&session, &state.pool).await {
        Ok(Some(caller)) => caller,
        Ok(None) => return (StatusCode::UNAUTHORIZED, "Please sign in first.").into_response(),
        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    match cycle_exists(&state.pool, cycle_id).await {
        Ok(true) => {}
        Ok(false) => return (StatusCode::NOT_FOUND, "No such board.").into_response(),
        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
    ws.max_message_size(MAX_CLIENT_MESSAGE)
        .read_buffer_size(READ_BUFFER)
        .on_upgrade(move |socket| serve_board(socket, state, cycle_id, caller))
}

#[tracing::instrument(skip_all, fields(cycle = cycle_id, person = caller.id))]
async fn serve_board(socket: WebSocket, state: AppState, cycle_id: i64, caller: Caller) {
    let connection = state.hub.next_connection();
    let mut membership = state.hub.join(cycle_id, connection, caller.name);
    let mut closing = state.hub.closing();
    let (mut sender, mut receiver) = socket.split();

    let version = match tokio::time::timeout(RESUME_TIMEOUT, next_resume(&mut receiver)).await {
        Ok(Some(version)) => version,
        _ => return,
    };
    let catch_up = match events_after(&state.pool, cycle_id, version).await {
        Ok(Some(events)) => events
            .into_iter()
            .map(|event| ServerMessage::Event {
                event: Box::new(event),
            })
            .collect(),
        Ok(None) => vec![ServerMessage::Reload],
        Err(_) => return,
    };
    for message in catch_up {
        if send(&mut sender, encode(&message)).await.is_err() {
            return;
        }
    }

    loop {
        tokio::select! {
            published = membership.receiver.recv() => {
                let outcome = match published {
                    Ok(text) => send(&mut sender, text).await,
                    // Too slow to keep up: a fresh snapshot instead of dropping the client.
                    Err(RecvError::Lagged(missed)) => {
                        tracing::debug!(missed, "live client lagged; asking it to reload");
                        send(&mut sender, encode(&ServerMessage::Reload)).await
                    }
                    Err(RecvError::Closed) => break,
                };
                if outcome.is_err() {
                    break;
                }
            }
            _ = closing.changed() => break,
            incoming = receiver.next() => match incoming {
                Some(Ok(Message::Close(_)) | Err(_)) | None => break,
                // Pings are answered by axum; nothing else is expected.
                Some(Ok(_)) => {}
            },
        }
    }
}

/// Waits for the client's `resume` and returns its version.
async fn next_resume(receiver: &mut futures::stream::SplitStream<WebSocket>) -> Option<i64> {
    while let Some(Ok(message)) = receiver.next().await {
        if let Message::Text(text) = message {
            return match serde_json::from_str::<ClientMessage>(&text) {
                Ok(ClientMessage::Resume { version }) => Some(version),
                Err(_) => None,
            };
        }
    }
    None
}

async fn send(
    sender: &mut futures::stream::SplitSink<WebSocket, Message>,
    text: Arc<str>,
) -> Result<(), axum::Error> {
    sender.send(Message::Text(text.as_ref().into())).await
}
