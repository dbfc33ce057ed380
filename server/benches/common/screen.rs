//! An office screen as the benchmarks open one: a websocket on
//! `/ws/screens/{token}` that says "I know nothing yet" and waits for its
//! first frame. Shared by the fan-out benchmark and the soak.

#![allow(
    dead_code,
    reason = "each benchmark that includes this module uses a different part of it"
)]

use futures::{SinkExt, StreamExt};
use std::time::Duration;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

pub type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// What an office screen says first: "I know nothing yet".
const RESUME: &str = r#"{"type":"resume","cycle_id":null,"version":0,"day":""}"#;

/// Opens a screen socket on `url` (sent from `origin`) and waits up to 30 s
/// for its first frame; returns the socket and that frame's text, or None.
pub async fn connect(url: &str, origin: &str) -> Option<(Socket, String)> {
    let mut request = url.into_client_request().ok()?;
    request.headers_mut().insert("origin", origin.parse().ok()?);
    // tungstenite zero-fills its whole read buffer (128 KiB by default) each
    // time a socket is polled; 8 KiB holds a snapshot and keeps that cheap,
    // so the client, which shares the cores, costs the servers less.
    let config = WebSocketConfig::default().read_buffer_size(8 * 1024);
    let (mut socket, _) = tokio_tungstenite::connect_async_with_config(request, Some(config), true)
        .await
        .ok()?;
    socket.send(Message::text(RESUME)).await.ok()?;
    loop {
        match tokio::time::timeout(Duration::from_secs(30), socket.next()).await {
            Ok(Some(Ok(Message::Text(text)))) => return Some((socket, text.as_str().to_owned())),
            Ok(Some(Ok(_))) => {}
            _ => return None,
        }
    }
}

/// The first `"version":` number in a message, found without parsing the JSON.
pub fn version_of(text: &str) -> Option<i64> {
    let start = text.find("\"version\":")? + "\"version\":".len();
    let digits = text[start..].trim_start();
    let end = digits
        .find(|c: char| !c.is_ascii_digit() && c != '-')
        .unwrap_or(digits.len());
    digits[..end].parse().ok()
}

/// Waits until `settled` reaches `count` (every screen has its first frame
/// or gave up), five minutes at most.
pub async fn until_settled(settled: &std::sync::atomic::AtomicUsize, count: usize) {
    let started = std::time::Instant::now();
    while settled.load(std::sync::atomic::Ordering::Acquire) < count {
        assert!(
            started.elapsed() < Duration::from_secs(300),
            "screens still connecting after 5 minutes"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
