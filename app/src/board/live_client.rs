//! The browser end of a live board: one websocket, resumed from the last
//! board version after every drop, with backoff; a gap in versions or a
//! "reload" from the server loads the whole board again.

use super::get_board;
use super::page::{BoardContext, LiveState};
use crate::live::client::{FIRST_RETRY, LONGEST_RETRY, signed_out, socket_url, stop_on_cleanup};
use crate::live::{ClientMessage, ServerMessage, SessionEnd};
use futures::future::{Either, select};
use futures::{SinkExt, StreamExt};
use gloo_net::websocket::Message;
use gloo_net::websocket::futures::WebSocket;
use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Keeps the board live until the component that called it goes away.
pub fn connect(ctx: BoardContext) {
    let mut stopped = stop_on_cleanup();
    spawn_local(async move {
        let mut retry = FIRST_RETRY;
        loop {
            let mut heard = false;
            if let Ok(socket) = WebSocket::open(&socket_url(&format!(
                "/ws/boards/{}",
                ctx.board.with_untracked(|b| b.cycle.id)
            ))) {
                let (mut sink, mut stream) = socket.split();
                let resume = ClientMessage::Resume {
                    version: ctx.board.with_untracked(|b| b.version),
                };
                let sent = match serde_json::to_string(&resume) {
                    Ok(text) => sink.send(Message::Text(text)).await.is_ok(),
                    Err(_) => false,
                };
                if sent {
                    loop {
                        match select(stream.next(), &mut stopped).await {
                            Either::Left((Some(Ok(Message::Text(text))), _)) => {
                                heard = true;
                                retry = FIRST_RETRY;
                                if let Some(reason) = handle(ctx, &text).await {
                                    ctx.live.set(LiveState::Ended(reason));
                                    return;
                                }
                                ctx.live.set(LiveState::Live);
                            }
                            Either::Left((Some(Ok(Message::Bytes(_))), _)) => {}
                            Either::Left((Some(Err(_)) | None, _)) => break,
                            Either::Right(_) => return,
                        }
                    }
                }
            }
            // Refused before a word: a session that has gone is not retried.
            if !heard && signed_out().await {
                ctx.live.set(LiveState::Ended(SessionEnd::SignedOut));
                return;
            }
            ctx.live.set(LiveState::Reconnecting);
            match select(TimeoutFuture::new(retry), &mut stopped).await {
                Either::Left(_) => retry = (retry * 2).min(LONGEST_RETRY),
                Either::Right(_) => return,
            }
        }
    });
}

/// Applies one message; `Some(why)` when the session has ended.
async fn handle(ctx: BoardContext, text: &str) -> Option<SessionEnd> {
    let Ok(message) = serde_json::from_str::<ServerMessage>(text) else {
        return None;
    };
    match message {
        ServerMessage::Event { event } => {
            let applied = ctx.board.try_update(|b| b.apply(&event)).unwrap_or(true);
            if !applied {
                reload(ctx).await;
            }
        }
        ServerMessage::Reload => reload(ctx).await,
        ServerMessage::Presence { viewers } => ctx.presence.set(viewers),
        ServerMessage::SessionEnded { reason } => return Some(reason),
    }
    None
}

async fn reload(ctx: BoardContext) {
    let cycle = ctx.board.with_untracked(|b| b.cycle.id);
    if let Ok(board) = get_board(cycle).await {
        ctx.board.set(board);
    }
}
