//! The websocket of a live board, `/ws/boards/{cycle_id}`: the same session
//! check as every server function, then the hub's room for that board.
//!
//! The socket subscribes to the room first and only then answers the
//! client's `resume` with the events it missed, so nothing published in
//! between is lost (a duplicate is harmless: clients skip versions they have).
//!
//! Every signed-in socket holds a [`SessionGuard`]: it closes the socket,
//! saying why, when the session behind it ends (signed out, expired,
//! deactivated, role or password changed).

use app::auth::ssr::{Caller, SessionState, caller_of_session, session_state};
use app::cycles::ssr::cycle_exists;
use app::live::ssr::{SessionWatch, encode};
use app::live::{CLOSE_SESSION_ENDED, CLOSE_TOO_MANY, ClientMessage, ServerMessage, SessionEnd};
use app::metrics::SocketKind;
use app::objectives::ssr::events_after;
use app::state::AppState;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use futures::{SinkExt, StreamExt};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::broadcast::error::RecvError;
use tower_sessions::Session;

mod kpis;
mod leaderboard;
pub mod listen;

pub use kpis::kpi_socket;
pub use leaderboard::{leaderboard_socket, screen_socket};

/// How long a new socket may take to say which version it has.
const RESUME_TIMEOUT: Duration = Duration::from_secs(10);
/// How long one message may wait for a client to read it before the
/// socket is dropped.
pub(crate) const SEND_TIMEOUT: Duration = Duration::from_secs(10);
/// Largest message (and frame) a client may send (it only ever sends `resume`).
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
    let (caller, session_id) = match signed_in(&session, &state).await {
        Ok(signed_in) => signed_in,
        Err(refusal) => return refusal,
    };
    match cycle_exists(&state.pool, cycle_id).await {
        Ok(true) => {}
        Ok(false) => return (StatusCode::NOT_FOUND, "No such board.").into_response(),
        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
    ws.max_message_size(MAX_CLIENT_MESSAGE)
        .max_frame_size(MAX_CLIENT_MESSAGE)
        .read_buffer_size(READ_BUFFER)
        .on_upgrade(move |socket| async move {
            let Some((guard, socket)) =
                SessionGuard::open(&state, &caller, session_id, socket).await
            else {
                return;
            };
            serve_board(socket, state, cycle_id, caller, guard).await;
        })
}

/// The signed-in caller of a socket's handshake and their session's id, or
/// the refusal to answer with.
pub(crate) async fn signed_in(
    session: &Session,
    state: &AppState,
) -> Result<(Caller, String), Response> {
    let caller = match caller_of_session(session, &state.pool).await {
        Ok(Some(caller)) => caller,
        Ok(None) => {
            return Err((StatusCode::UNAUTHORIZED, "Please sign in first.").into_response());
        }
        Err(_) => return Err(StatusCode::INTERNAL_SERVER_ERROR.into_response()),
    };
    match session.id() {
        Some(id) => Ok((caller, id.to_string())),
        None => Err((StatusCode::UNAUTHORIZED, "Please sign in first.").into_response()),
    }
}

/// Upgrades the handshake of a signed-in person from this site and serves
/// the socket with `serve` while their session lasts; refuses any other.
pub(crate) async fn upgrade_signed_in<F, Fut>(
    ws: WebSocketUpgrade,
    session: Session,
    headers: HeaderMap,
    state: AppState,
    serve: F,
) -> Response
where
    F: FnOnce(WebSocket, AppState, SessionGuard) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    if !crate::http::is_same_origin(&headers) {
        return (StatusCode::FORBIDDEN, "Cross-origin websocket refused.").into_response();
    }
    let (caller, session_id) = match signed_in(&session, &state).await {
        Ok(signed_in) => signed_in,
        Err(refusal) => return refusal,
    };
    ws.max_message_size(MAX_CLIENT_MESSAGE)
        .max_frame_size(MAX_CLIENT_MESSAGE)
        .read_buffer_size(READ_BUFFER)
        .on_upgrade(move |socket| async move {
            let Some((guard, socket)) =
                SessionGuard::open(&state, &caller, session_id, socket).await
            else {
                return;
            };
            serve(socket, state, guard).await;
        })
}

/// What ends a signed-in socket with its session: the hub's notices for
/// this person (sign-out, deactivation, role or password change, sent by
/// the server functions that make them) and the session's expiry, read
/// from the session store when it falls due.
pub(crate) struct SessionGuard {
    watch: SessionWatch,
    pool: app::sql::Pool,
    /// The person as they were when the socket opened: role and epoch.
    caller: Caller,
    /// When to look at the session store again (its expiry, a minute on, or a retry).
    recheck_at: tokio::time::Instant,
}

/// How long to wait before asking again when the database did not answer.
const RECHECK_RETRY: Duration = Duration::from_secs(30);
/// The longest a socket goes without reading its session and person: what
/// no notice on this instance reports (a password set from the command
/// line, a change made on another instance) ends it within this time.
const RECHECK_EVERY: Duration = Duration::from_secs(60);

impl SessionGuard {
    /// Registers the socket with the hub; a session that already holds the
    /// most sockets allowed gets a close frame saying so instead.
    pub(crate) async fn open(
        state: &AppState,
        caller: &Caller,
        session_id: String,
        mut socket: WebSocket,
    ) -> Option<(Self, WebSocket)> {
        let watch = match state.hub.watch_session(caller.id, session_id) {
            Ok(watch) => watch,
            Err(_) => {
                let _ = socket
                    .send(Message::Close(Some(CloseFrame {
                        code: CLOSE_TOO_MANY,
                        reason: "too many open pages for this session".into(),
                    })))
                    .await;
                return None;
            }
        };
        let mut guard = SessionGuard {
            watch,
            pool: state.pool.clone(),
            caller: caller.clone(),
            recheck_at: tokio::time::Instant::now(),
        };
        // A session ended between the handshake and now is caught at once.
        if guard.recheck().await.is_some() {
            let _ = socket
                .send(Message::Close(Some(CloseFrame {
                    code: CLOSE_SESSION_ENDED,
                    reason: "session ended".into(),
                })))
                .await;
            return None;
        }
        Some((guard, socket))
    }

    /// Resolves when the session ends, with why. Cancel-safe: it can sit in
    /// a `select!` loop (a look at the database cut short is due again at
    /// once the next time).
    pub(crate) async fn ended(&mut self) -> SessionEnd {
        loop {
            tokio::select! {
                notice = self.watch.ended() => {
                    if let Some(reason) = notice {
                        return reason;
                    }
                    // Notices were missed: the database says how things stand.
                    self.recheck_at = tokio::time::Instant::now();
                    if let Some(reason) = self.recheck().await {
                        return reason;
                    }
                }
                () = tokio::time::sleep_until(self.recheck_at) => {
                    if let Some(reason) = self.recheck().await {
                        return reason;
                    }
                }
            }
        }
    }

    /// Reads the session and the person; `Some(why)` once it has ended,
    /// otherwise the next look is set for its expiry.
    async fn recheck(&mut self) -> Option<SessionEnd> {
        let now = tokio::time::Instant::now();
        match session_state(&self.pool, self.watch.session(), &self.caller).await {
            Ok(SessionState::Ended(reason)) => Some(reason),
            Ok(SessionState::Standing { seconds_left }) => {
                // A little after the expiry (so the store agrees it is past),
                // or a minute on, whichever comes first.
                let wait = Duration::from_secs_f64(seconds_left.clamp(0.0, 86_400.0 * 365.0))
                    + Duration::from_millis(50);
                self.recheck_at = now + wait.min(RECHECK_EVERY);
                None
            }
            Err(_) => {
                self.recheck_at = now + RECHECK_RETRY;
                None
            }
        }
    }
}

/// Tells the page why its session ended, in the message it understands,
/// then closes the socket.
pub(crate) async fn end(
    sender: &mut futures::stream::SplitSink<WebSocket, Message>,
    message: Arc<str>,
) {
    let _ = send(sender, message).await;
    let _ = sender
        .send(Message::Close(Some(CloseFrame {
            code: CLOSE_SESSION_ENDED,
            reason: "session ended".into(),
        })))
        .await;
}

#[tracing::instrument(skip_all, fields(cycle = cycle_id, person = caller.id))]
async fn serve_board(
    socket: WebSocket,
    state: AppState,
    cycle_id: i64,
    caller: Caller,
    mut guard: SessionGuard,
) {
    let _open = state.metrics.socket_opened(SocketKind::Board);
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
            reason = guard.ended() => {
                tracing::debug!(?reason, "session ended; closing the board socket");
                end(&mut sender, encode(&ServerMessage::SessionEnded { reason })).await;
                break;
            }
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

/// Sends one message, giving up after [`SEND_TIMEOUT`]: a reader that
/// stopped reading is dropped rather than buffered without end.
pub(crate) async fn send(
    sender: &mut futures::stream::SplitSink<WebSocket, Message>,
    text: Arc<str>,
) -> Result<(), axum::Error> {
    send_within(sender, Message::Text(text.as_ref().into()), SEND_TIMEOUT)
        .await
        .map_err(axum::Error::new)
}

/// Why a message was not sent: the sink refused it, or did not take it in
/// time.
#[derive(Debug, thiserror::Error)]
pub(crate) enum SendError<E: std::error::Error + Send + Sync + 'static> {
    #[error(transparent)]
    Refused(E),
    #[error("the reader took no message for {0:?}")]
    TimedOut(Duration),
}

async fn send_within<S, T>(
    sink: &mut S,
    message: T,
    limit: Duration,
) -> Result<(), SendError<S::Error>>
where
    S: futures::Sink<T> + Unpin,
    S::Error: std::error::Error + Send + Sync + 'static,
{
    match tokio::time::timeout(limit, sink.send(message)).await {
        Ok(sent) => sent.map_err(SendError::Refused),
        Err(_) => {
            tracing::debug!("a live client stopped reading; dropping it");
            Err(SendError::TimedOut(limit))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that stops reading: the send gives up after the limit
    /// instead of waiting (and buffering) for ever.
    #[tokio::test(start_paused = true)]
    async fn a_send_to_a_reader_that_stopped_reading_gives_up_in_time() {
        // Nobody reads this channel: a message is never taken from it.
        let (mut sink, _reader) = futures::channel::mpsc::channel::<&str>(0);
        let started = tokio::time::Instant::now();
        let stuck = send_within(&mut sink, "hello", SEND_TIMEOUT).await;
        assert!(matches!(stuck, Err(SendError::TimedOut(limit)) if limit == SEND_TIMEOUT));
        assert_eq!(started.elapsed(), SEND_TIMEOUT);
    }

    #[tokio::test(start_paused = true)]
    async fn a_send_to_a_reader_that_reads_goes_through() {
        let (mut sink, mut reader) = futures::channel::mpsc::channel::<&str>(0);
        let read = tokio::spawn(async move { reader.next().await });
        send_within(&mut sink, "hello", SEND_TIMEOUT).await.unwrap();
        assert_eq!(read.await.unwrap(), Some("hello"));
    }

    #[tokio::test]
    async fn a_send_to_a_reader_that_went_away_fails_at_once() {
        let (mut sink, reader) = futures::channel::mpsc::channel::<&str>(0);
        drop(reader);
        let gone = send_within(&mut sink, "hello", SEND_TIMEOUT).await;
        assert!(matches!(gone, Err(SendError::Refused(_))));
    }
}
