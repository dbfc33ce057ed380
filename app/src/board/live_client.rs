//! The browser end of a live board: one websocket, resumed from the last
//! board version after every drop, with backoff; a gap in versions or a
//! "reload" from the server loads the whole board again.

use super::get_board;
use super::page::{BoardContext, LiveState};
use crate::live::{ClientMessage, ServerMessage};
use futures::channel::oneshot;
use futures::future::{Either, select};
use futures::{SinkExt, StreamExt};
use gloo_net::websocket::Message;
use gloo_net::websocket::futures::WebSocket;
use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// First and longest wait before reconnecting, in milliseconds.
const FIRST_RETRY: u32 = 250;
const LONGEST_RETRY: u32 = 8_000;

/// Keeps the board live until the component that called it goes away.
pub fn connect(ctx: BoardContext) {
    let (stop, mut stopped) = oneshot::channel::<()>();
    let stop = StoredValue::new_local(Some(stop));
    on_cleanup(move || {
        if let Some(stop) = stop.try_update_value(Option::take).flatten() {
            let _ = stop.send(());
        }
    });
    spawn_local(async move {
        let mut retry = FIRST_RETRY;
        loop {
            if let Ok(socket) = WebSocket::open(&socket_url(ctx)) {
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
                                ctx.live.set(LiveState::Live);
                                retry = FIRST_RETRY;
                                handle(ctx, &text).await;
                            }
                            Either::Left((Some(Ok(Message::Bytes(_))), _)) => {}
                            Either::Left((Some(Err(_)) | None, _)) => break,
                            Either::Right(_) => return,
                        }
                    }
                }
            }
            ctx.live.set(LiveState::Reconnecting);
            match select(TimeoutFuture::new(retry), &mut stopped).await {
                Either::Left(_) => retry = (retry * 2).min(LONGEST_RETRY),
                Either::Right(_) => return,
            }
        }
    });
}

fn socket_url(ctx: BoardContext) -> String {
    let location = window().location();
    let scheme = if location.protocol().as_deref() == Ok("https:") {
        "wss"
    } else {
        "ws"
    };
    let host = location.host().unwrap_or_default();
    format!(
        "{scheme}://{host}/ws/boards/{}",
        ctx.board.with_untracked(|b| b.cycle.id)
    )
}

async fn handle(ctx: BoardContext, text: &str) {
    let Ok(message) = serde_json::from_str::<ServerMessage>(text) else {
        return;
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
    }
}

async fn reload(ctx: BoardContext) {
    let cycle = ctx.board.with_untracked(|b| b.cycle.id);
    if let Ok(board) = get_board(cycle).await {
        ctx.board.set(board);
    }
}
