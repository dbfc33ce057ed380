//! The floor: a websocket broadcast hub with no application logic, run as
//! `screen_fanout floor-server <port>` in its own process, and the run
//! that measures it with the same client as the real server.

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

use super::pace;
use crate::process::{ChildGuard, CpuWatch, free_port, rss_kib, wait_until_up};
use crate::sockets::{Shared, drive, open_sockets, with_version};
use crate::stats::{Outcome, summarise};
use std::process::{Command, Stdio};
use std::sync::atomic::Ordering;
use std::time::Instant;

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

/// The floor server with `n` sockets, publishing `snapshot` (versions renumbered).
pub async fn run_floor(n: usize, snapshot: &str) -> Outcome {
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut server = ChildGuard(
        Command::new(std::env::current_exe().unwrap())
            .args(["floor-server", &port.to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let publisher = reqwest::Client::new();
    wait_until_up(
        &mut server,
        &publisher,
        &format!("{base}/healthz"),
        "floor server",
    )
    .await;

    let shared = Arc::new(Shared::default());
    let before = rss_kib(server.pid());
    let opening = Instant::now();
    let targets = [(format!("ws://127.0.0.1:{port}/ws"), base.clone(), n)];
    let handles = open_sockets(&targets, &shared).await;
    let opening = opening.elapsed().as_secs_f64();
    let after = rss_kib(server.pid());
    let failed = shared.failed.load(Ordering::Acquire);
    let open = n - failed;
    let kib = (after as f64 - before as f64) / open.max(1) as f64;

    let cpu = CpuWatch::start(&[server.pid()], None);
    let driving = Instant::now();
    let rounds = drive(open, pace(n), &shared, |round| {
        let sent = publisher
            .post(format!("{base}/publish"))
            .body(with_version(snapshot, round as i64 + 1))
            .send();
        async move {
            let response = sent.await.unwrap();
            assert!(
                response.status().is_success(),
                "publish: {}",
                response.status()
            );
            response.bytes().await.unwrap();
        }
    })
    .await;
    let cpu = cpu.stop(driving.elapsed(), rounds.len());
    server.assert_running("floor server");
    drop(server);
    let mut arrivals = Vec::with_capacity(n);
    for handle in handles {
        arrivals.push(handle.await.unwrap());
    }
    summarise(&rounds, &arrivals, failed, kib, opening, cpu)
}
