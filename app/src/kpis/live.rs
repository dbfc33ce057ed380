//! Keeps open KPI pages and lists live: `/ws/kpis` says which KPI changed
//! and the page fetches it again. Resumed after a drop with backoff; after
//! a reconnect the page fetches once, in case it missed a change.

use crate::live::SessionEnd;
use leptos::prelude::*;

/// What a watched page reacts to.
#[derive(Clone, Copy)]
pub struct Watch {
    /// Raised whenever something the page shows may have changed.
    pub changes: RwSignal<u32>,
    /// Set when the session ended: the page says so and stops listening.
    pub ended: RwSignal<Option<SessionEnd>>,
}

/// Listens until the calling component goes away; `only` limits it to one
/// KPI, read at each message: the KPI page's `:id` can change under it.
pub fn watch(only: Signal<Option<i64>>) -> Watch {
    let watch = Watch {
        changes: RwSignal::new(0),
        ended: RwSignal::new(None),
    };
    #[cfg(feature = "hydrate")]
    client::connect(only, watch);
    #[cfg(not(feature = "hydrate"))]
    let _ = only;
    watch
}

#[cfg(feature = "hydrate")]
mod client {
    use super::{SessionEnd, Watch};
    use crate::kpis::KpiMessage;
    use crate::live::client::{
        FIRST_RETRY, LONGEST_RETRY, signed_out, socket_url, stop_on_cleanup,
    };
    use futures::StreamExt;
    use futures::future::{Either, select};
    use gloo_net::websocket::Message;
    use gloo_net::websocket::futures::WebSocket;
    use gloo_timers::future::TimeoutFuture;
    use leptos::prelude::*;
    use leptos::task::spawn_local;

    pub fn connect(only: Signal<Option<i64>>, watch: Watch) {
        let mut stopped = stop_on_cleanup();
        spawn_local(async move {
            let mut retry = FIRST_RETRY;
            let mut dropped = false;
            loop {
                let mut heard = false;
                if let Ok(socket) = WebSocket::open(&socket_url("/ws/kpis")) {
                    let (_sink, mut stream) = socket.split();
                    loop {
                        match select(stream.next(), &mut stopped).await {
                            Either::Left((Some(Ok(Message::Text(text))), _)) => {
                                heard = true;
                                retry = FIRST_RETRY;
                                match serde_json::from_str::<KpiMessage>(&text) {
                                    Ok(KpiMessage::Hello) if dropped => {
                                        dropped = false;
                                        watch.changes.update(|n| *n += 1);
                                    }
                                    Ok(KpiMessage::Missed) => watch.changes.update(|n| *n += 1),
                                    Ok(KpiMessage::Changed { id, .. })
                                        if only.get_untracked().is_none_or(|o| o == id) =>
                                    {
                                        watch.changes.update(|n| *n += 1);
                                    }
                                    Ok(KpiMessage::SessionEnded { reason }) => {
                                        watch.ended.set(Some(reason));
                                        return;
                                    }
                                    _ => {}
                                }
                            }
                            Either::Left((Some(Ok(Message::Bytes(_))), _)) => {}
                            Either::Left((Some(Err(_)) | None, _)) => break,
                            Either::Right(_) => return,
                        }
                    }
                }
                if !heard && signed_out().await {
                    watch.ended.set(Some(SessionEnd::SignedOut));
                    return;
                }
                dropped = true;
                match select(TimeoutFuture::new(retry), &mut stopped).await {
                    Either::Left(_) => retry = (retry * 2).min(LONGEST_RETRY),
                    Either::Right(_) => return,
                }
            }
        });
    }
}
