//! `/ws/kpis`: tells open KPI pages and lists which KPI changed (a new
//! reading, a new definition), so they fetch it again. Signed-in people
//! only; the socket closes, saying why, when the session ends. Clients
//! send nothing.

use app::kpis::KpiMessage;
use app::state::AppState;
use axum::extract::State;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::http::HeaderMap;
use axum::response::Response;
use futures::StreamExt;
use std::sync::Arc;
use tokio::sync::broadcast::error::RecvError;
use tower_sessions::Session;

use super::{SessionGuard, end, send, upgrade_signed_in};

fn text(message: &KpiMessage) -> Arc<str> {
    serde_json::to_string(message).unwrap_or_default().into()
}

pub async fn kpi_socket(
    ws: WebSocketUpgrade,
    session: Session,
    headers: HeaderMap,
    State(state): State<AppState>,
) -> Response {
    upgrade_signed_in(ws, session, headers, state, serve).await
}

#[tracing::instrument(skip_all)]
async fn serve(socket: WebSocket, state: AppState, mut guard: SessionGuard) {
    let _open = state.metrics.socket_opened(app::metrics::SocketKind::Kpis);
    // Subscribe before saying hello: a change after the hello is never missed.
    let mut changes = state.hub.subscribe_kpis();
    let mut closing = state.hub.closing();
    let (mut sender, mut receiver) = socket.split();
    if send(&mut sender, text(&KpiMessage::Hello)).await.is_err() {
        return;
    }
    loop {
        tokio::select! {
            change = changes.recv() => {
                let outcome = match change {
                    Ok(message) => send(&mut sender, message).await,
                    // Missed changes: the page fetches everything again.
                    Err(RecvError::Lagged(_)) => send(&mut sender, text(&KpiMessage::Missed)).await,
                    Err(RecvError::Closed) => break,
                };
                if outcome.is_err() {
                    break;
                }
            }
            _ = closing.changed() => break,
            reason = guard.ended() => {
                end(&mut sender, text(&KpiMessage::SessionEnded { reason })).await;
                break;
            }
            incoming = receiver.next() => match incoming {
                Some(Ok(Message::Ping(_) | Message::Pong(_))) => {}
                // Anything else, or the socket going away, ends it.
                _ => break,
            },
        }
    }
}
