//! The browser end of a live leaderboard or office screen: one websocket,
//! resumed after every drop with backoff, keeping the last snapshot on
//! screen meanwhile. A revoked screen is told so and stops reconnecting.

use super::page::Link;
use super::{Leaderboard, LeaderboardMessage, LeaderboardRequest};
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

/// Keeps `board` live from `path` (e.g. `/ws/leaderboard`) until the
/// calling component goes away.
pub fn connect(path: String, board: RwSignal<Leaderboard>, link: RwSignal<Link>) {
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
            if let Ok(socket) = WebSocket::open(&socket_url(&path)) {
                let (mut sink, mut stream) = socket.split();
                let resume = board.with_untracked(|b| LeaderboardRequest::Resume {
                    cycle_id: b.cycle.as_ref().map(|c| c.id),
                    version: b.version,
                    day: b.day.clone(),
                });
                let sent = match serde_json::to_string(&resume) {
                    Ok(text) => sink.send(Message::Text(text)).await.is_ok(),
                    Err(_) => false,
                };
                if sent {
                    loop {
                        match select(stream.next(), &mut stopped).await {
                            Either::Left((Some(Ok(Message::Text(text))), _)) => {
                                retry = FIRST_RETRY;
                                match serde_json::from_str::<LeaderboardMessage>(&text) {
                                    Ok(LeaderboardMessage::Snapshot { leaderboard }) => {
                                        link.set(Link::Live);
                                        if board
                                            .with_untracked(|b| b.is_superseded_by(&leaderboard))
                                        {
                                            board.set(*leaderboard);
                                        }
                                    }
                                    Ok(LeaderboardMessage::UpToDate) => link.set(Link::Live),
                                    Ok(LeaderboardMessage::Disconnected) => {
                                        link.set(Link::Disconnected);
                                        return;
                                    }
                                    Err(_) => {}
                                }
                            }
                            Either::Left((Some(Ok(Message::Bytes(_))), _)) => {}
                            Either::Left((Some(Err(_)) | None, _)) => break,
                            Either::Right(_) => return,
                        }
                    }
                }
            }
            link.set(Link::Reconnecting);
            match select(TimeoutFuture::new(retry), &mut stopped).await {
                Either::Left(_) => retry = (retry * 2).min(LONGEST_RETRY),
                Either::Right(_) => return,
            }
        }
    });
}

fn socket_url(path: &str) -> String {
    let location = window().location();
    let scheme = if location.protocol().as_deref() == Ok("https:") {
        "wss"
    } else {
        "ws"
    };
    let host = location.host().unwrap_or_default();
    format!("{scheme}://{host}{path}")
}
