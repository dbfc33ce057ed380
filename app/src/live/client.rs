//! What every live view in the browser shares: the socket address of a
//! path, the backoff between reconnects, and a stop signal for when the
//! view goes away.

use futures::channel::oneshot;
use leptos::prelude::*;

/// First and longest wait before reconnecting, in milliseconds.
pub const FIRST_RETRY: u32 = 250;
pub const LONGEST_RETRY: u32 = 8_000;

/// `ws://host/path` (or `wss://` on HTTPS) for a path of this site.
pub fn socket_url(path: &str) -> String {
    let location = window().location();
    let scheme = if location.protocol().as_deref() == Ok("https:") {
        "wss"
    } else {
        "ws"
    };
    let host = location.host().unwrap_or_default();
    format!("{scheme}://{host}{path}")
}

/// Resolves when the calling component is cleaned up.
pub fn stop_on_cleanup() -> oneshot::Receiver<()> {
    let (stop, stopped) = oneshot::channel::<()>();
    let stop = StoredValue::new_local(Some(stop));
    on_cleanup(move || {
        if let Some(stop) = stop.try_update_value(Option::take).flatten() {
            let _ = stop.send(());
        }
    });
    stopped
}

/// After a socket closed before saying anything: whether that is because
/// nobody is signed in any more (then reconnecting is pointless).
pub async fn signed_out() -> bool {
    matches!(crate::auth::get_current_user().await, Ok(None))
}
