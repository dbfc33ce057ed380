//! The leaderboard's websockets: `/ws/leaderboard` for signed-in people and
//! `/ws/screens/{token}` for office screens, which need no session. Both
//! carry the hub's snapshots (as data for the page, as rendered frames for
//! screens, which run no WebAssembly); a screen's socket also closes
//! when its token is revoked, and a screen may send nothing but `resume`.

use app::cycles::ssr::today;
use app::leaderboard::ssr::{latest, message_text};
use app::leaderboard::{LeaderboardMessage, LeaderboardRequest};
use app::metrics::SocketKind;
use app::screens::ssr::{find, is_revoked, touch};
use app::state::AppState;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade, close_code};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use futures::stream::{SplitSink, SplitStream};
use futures::{SinkExt, StreamExt};
use std::sync::Arc;
use tokio::sync::broadcast::error::RecvError;
use tower_sessions::Session;

use super::{
    MAX_CLIENT_MESSAGE, READ_BUFFER, RESUME_TIMEOUT, SessionGuard, end, upgrade_signed_in,
};

pub async fn leaderboard_socket(
    ws: WebSocketUpgrade,
    session: Session,
    headers: HeaderMap,
    State(state): State<AppState>,
) -> Response {
    upgrade_signed_in(ws, session, headers, state, |socket, state, guard| {
        serve(socket, state, None, Some(guard))
    })
    .await
}

pub async fn screen_socket(
    ws: WebSocketUpgrade,
    Path(token): Path<String>,
    headers: HeaderMap,
    State(state): State<AppState>,
) -> Response {
    if !crate::http::is_same_origin(&headers) {
        return (StatusCode::FORBIDDEN, "Cross-origin websocket refused.").into_response();
    }
    let screen = match find(&state.pool, &token).await {
        Ok(Some(screen)) => screen,
        Ok(None) => return StatusCode::NOT_FOUND.into_response(),
        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    if screen.revoked {
        // Upgrade anyway, so the screen hears why and stops retrying.
        return ws
            .max_message_size(MAX_CLIENT_MESSAGE)
            .max_frame_size(MAX_CLIENT_MESSAGE)
            .read_buffer_size(READ_BUFFER)
            .on_upgrade(|socket| async move {
                let (mut sender, _) = socket.split();
                let _ = send(&mut sender, message_text(&LeaderboardMessage::Disconnected)).await;
                let _ = close(&mut sender, close_code::POLICY, "revoked").await;
            });
    }
    if let Err(error) = touch(&state.pool, screen.id).await {
        tracing::warn!(%error, "could not note a screen's connection");
    }
    ws.max_message_size(MAX_CLIENT_MESSAGE)
        .max_frame_size(MAX_CLIENT_MESSAGE)
        .read_buffer_size(READ_BUFFER)
        .on_upgrade(move |socket| serve(socket, state, Some(screen.id), None))
}

/// Resolves when the person's session ends; never for an office screen.
async fn session_end(guard: &mut Option<SessionGuard>) -> app::live::SessionEnd {
    match guard {
        Some(guard) => guard.ended().await,
        None => std::future::pending().await,
    }
}

#[tracing::instrument(skip_all, fields(screen))]
async fn serve(
    socket: WebSocket,
    state: AppState,
    screen: Option<i64>,
    mut guard: Option<SessionGuard>,
) {
    let _open = state.metrics.socket_opened(match screen {
        Some(_) => SocketKind::Screen,
        None => SocketKind::Leaderboard,
    });
    // Subscribe before reading the latest snapshot, so nothing published
    // in between is missed (a duplicate is skipped by its version).
    // Screens run no WebAssembly: they get frames rendered on the server.
    let latest_text = |state: &AppState| {
        let day = today().to_string();
        if screen.is_some() {
            state.hub.latest_frame(&day)
        } else {
            state.hub.latest_leaderboard_text(&day)
        }
    };
    let mut snapshots = if screen.is_some() {
        state.hub.subscribe_frames()
    } else {
        state.hub.subscribe_leaderboard()
    };
    let mut revocations = state.hub.subscribe_revocations();
    let mut closing = state.hub.closing();
    let (mut sender, mut receiver) = socket.split();
    // Listening for revocations now, the token is looked up again: a screen
    // revoked between its handshake and the subscription is caught here.
    if let Some(id) = screen
        && !matches!(is_revoked(&state.pool, id).await, Ok(false))
    {
        let _ = send(&mut sender, message_text(&LeaderboardMessage::Disconnected)).await;
        let _ = close(&mut sender, close_code::POLICY, "revoked").await;
        return;
    }

    let Ok(Some(LeaderboardRequest::Resume {
        cycle_id,
        version,
        day,
        kpis_version,
    })) = tokio::time::timeout(RESUME_TIMEOUT, next_request(&mut receiver)).await
    else {
        let _ = close(&mut sender, close_code::POLICY, "expected resume").await;
        return;
    };
    let current = match latest(&state).await {
        Ok(current) => current,
        Err(_) => return,
    };
    let up_to_date = current.cycle.as_ref().map(|c| c.id) == cycle_id
        && current.version == version
        && current.kpis_version == kpis_version
        && current.day == day;
    let first = if up_to_date {
        message_text(&LeaderboardMessage::UpToDate)
    } else if let Some(text) = latest_text(&state) {
        text
    } else if screen.is_some() {
        app::leaderboard::ssr::encode_frame(&current)
    } else {
        app::leaderboard::ssr::encode(&current)
    };
    if send(&mut sender, first).await.is_err() {
        return;
    }

    loop {
        tokio::select! {
            published = snapshots.recv() => {
                let outcome = match published {
                    Ok(text) => send(&mut sender, text).await,
                    // Snapshots replace each other: a lagging socket gets the latest.
                    Err(RecvError::Lagged(_)) => match latest_text(&state) {
                        Some(text) => send(&mut sender, text).await,
                        None => Ok(()),
                    },
                    Err(RecvError::Closed) => break,
                };
                if outcome.is_err() {
                    break;
                }
            }
            revoked = revocations.recv(), if screen.is_some() => {
                let this_one = match revoked {
                    Ok(Some(id)) => Some(id) == screen,
                    // Missed notices (a lagging socket, or a listener that
                    // reconnected): the database says whether this screen
                    // was among them.
                    // A database that does not answer revokes nothing: a
                    // screen told "disconnected" stays dark for good.
                    Ok(None) | Err(RecvError::Lagged(_)) => match screen {
                        Some(id) => matches!(is_revoked(&state.pool, id).await, Ok(true)),
                        None => false,
                    },
                    Err(RecvError::Closed) => false,
                };
                if this_one {
                    let _ = send(&mut sender, message_text(&LeaderboardMessage::Disconnected)).await;
                    let _ = close(&mut sender, close_code::POLICY, "revoked").await;
                    break;
                }
            }
            _ = closing.changed() => {
                let _ = close(&mut sender, close_code::RESTART, "server restarting").await;
                break;
            }
            reason = session_end(&mut guard) => {
                end(&mut sender, message_text(&LeaderboardMessage::SessionEnded { reason })).await;
                break;
            }
            incoming = receiver.next() => match incoming {
                Some(Ok(Message::Close(_)) | Err(_)) | None => break,
                Some(Ok(Message::Ping(_) | Message::Pong(_))) => {}
                // A leaderboard is read-only: anything else is refused.
                Some(Ok(_)) => {
                    let _ = close(&mut sender, close_code::POLICY, "read-only").await;
                    break;
                }
            },
        }
    }
}

async fn next_request(receiver: &mut SplitStream<WebSocket>) -> Option<LeaderboardRequest> {
    while let Some(Ok(message)) = receiver.next().await {
        match message {
            Message::Text(text) => return serde_json::from_str(&text).ok(),
            Message::Ping(_) | Message::Pong(_) => {}
            _ => return None,
        }
    }
    None
}

async fn send(
    sender: &mut SplitSink<WebSocket, Message>,
    text: Arc<str>,
) -> Result<(), axum::Error> {
    super::send(sender, text).await
}

async fn close(
    sender: &mut SplitSink<WebSocket, Message>,
    code: u16,
    reason: &'static str,
) -> Result<(), axum::Error> {
    sender
        .send(Message::Close(Some(CloseFrame {
            code,
            reason: reason.into(),
        })))
        .await
}
