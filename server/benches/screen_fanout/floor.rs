//! The floor: a websocket broadcast hub with no application logic, run as
//! `screen_fanout floor-server <port>` in its own process.

use axum::Router;
use axum::extract::State;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::serve::ListenerExt;
use futures::{SinkExt, StreamExt};
use std::sync::Arc;
use tokio::sync::broadcast;
use tokio::sync::broadcast::error::RecvError;

type Hub = broadcast::Sender<Arc<str>>;

/// Sent once subscribed, so the client knows no publication can be missed.
const HELLO: &str = r#"{"type":"hello","version":0}"#;

pub fn serve(port: u16) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async move {
        let hub: Hub = broadcast::channel(16).0;
        let app = Router::new()
            .route("/healthz", get(|| async { StatusCode::OK }))
            .route("/ws", get(socket))
            .route("/publish", post(publish))
            .with_state(hub);
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
            .await
            .unwrap()
            .tap_io(|tcp| {
                let _ = tcp.set_nodelay(true);
            });
        axum::serve(listener, app).await.unwrap();
    });
}

async fn socket(upgrade: WebSocketUpgrade, State(hub): State<Hub>) -> Response {
    upgrade.on_upgrade(move |socket| relay(socket, hub))
}

async fn relay(socket: WebSocket, hub: Hub) {
    let mut published = hub.subscribe();
    let (mut sender, mut receiver) = socket.split();
    if sender.send(Message::Text(HELLO.into())).await.is_err() {
        return;
    }
    loop {
        tokio::select! {
            message = published.recv() => match message {
                Ok(text) => {
                    if sender.send(Message::Text(text.as_ref().into())).await.is_err() {
                        break;
                    }
                }
                Err(RecvError::Lagged(_)) => {}
                Err(RecvError::Closed) => break,
            },
            incoming = receiver.next() => match incoming {
                Some(Ok(_)) => {}
                Some(Err(_)) | None => break,
            },
        }
    }
}

async fn publish(State(hub): State<Hub>, body: String) -> StatusCode {
    let _ = hub.send(body.into());
    StatusCode::OK
}
