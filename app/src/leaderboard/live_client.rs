//! The browser end of a live leaderboard or office screen: one websocket,
//! resumed after every drop with backoff, keeping the last snapshot on
//! screen meanwhile. A revoked screen is told so and stops reconnecting.

use super::page::Link;
use super::{Leaderboard, LeaderboardMessage, LeaderboardRequest};
use crate::live::SessionEnd;
use crate::live::client::{FIRST_RETRY, LONGEST_RETRY, signed_out, socket_url, stop_on_cleanup};
use futures::future::{Either, select};
use futures::{SinkExt, StreamExt};
use gloo_net::websocket::Message;
use gloo_net::websocket::futures::WebSocket;
use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Keeps `board` live from `path` (e.g. `/ws/leaderboard`) until the
/// calling component goes away.
pub fn connect(path: String, board: RwSignal<Leaderboard>, link: RwSignal<Link>) {
    let mut stopped = stop_on_cleanup();
    spawn_local(async move {
        let mut retry = FIRST_RETRY;
        loop {
            let mut heard = false;
            if let Ok(socket) = WebSocket::open(&socket_url(&path)) {
                let (mut sink, mut stream) = socket.split();
                let resume = board.with_untracked(|b| LeaderboardRequest::Resume {
                    cycle_id: b.cycle.as_ref().map(|c| c.id),
                    version: b.version,
                    day: b.day.clone(),
                    kpis_version: b.kpis_version,
                });
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
                                match serde_json::from_str::<LeaderboardMessage>(&text) {
                                    Ok(LeaderboardMessage::Snapshot { leaderboard }) => {
                                        link.set(Link::Live);
                                        if board
                                            .with_untracked(|b| b.is_superseded_by(&leaderboard))
                                        {
                                            board.set(*leaderboard);
                                        }
                                    }
                                    // Frames are for office screens, which run no WebAssembly.
                                    Ok(
                                        LeaderboardMessage::UpToDate
                                        | LeaderboardMessage::Frame { .. },
                                    ) => link.set(Link::Live),
                                    Ok(LeaderboardMessage::Disconnected) => {
                                        link.set(Link::Disconnected);
                                        return;
                                    }
                                    Ok(LeaderboardMessage::SessionEnded { reason }) => {
                                        link.set(Link::Ended(reason));
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
            // Refused before a word: a session that has gone is not retried.
            if !heard && signed_out().await {
                link.set(Link::Ended(SessionEnd::SignedOut));
                return;
            }
            link.set(Link::Reconnecting);
            match select(TimeoutFuture::new(retry), &mut stopped).await {
                Either::Left(_) => retry = (retry * 2).min(LONGEST_RETRY),
                Either::Right(_) => return,
            }
        }
    });
}
