//! Board-change propagation: one writer changes an objective through the
//! server function; N websocket clients sit on that board. Measures, for each
//! change and each client, the time from the server function's response
//! arriving at the writer to the event arriving at the client, and reports
//! p50 / p99 for N = 10, 100 and 1000.
//!
//! Run with `make bench` (it raises the open-file limit: each client costs
//! two sockets in this one process). Writer, server and all clients share
//! the machine's two cores, so the numbers include the clients' own work.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a benchmark that cannot set up should stop loudly"
)]

use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use server::config::ServeConfig;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

/// Measured changes per run, after a few unmeasured ones that warm caches.
const CHANGES: usize = 100;
const WARM_UP: usize = 5;

#[tokio::main]
async fn main() {
    // `cargo bench -- 10 50` runs other sizes.
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let sizes = if sizes.is_empty() {
        vec![10, 100, 1000]
    } else {
        sizes
    };
    println!(
        "board-change propagation, {CHANGES} changes per run (response at writer → event at client)"
    );
    println!(
        "{:>6} {:>10} {:>10} {:>10} {:>10}",
        "N", "p50 ms", "p99 ms", "max ms", "samples"
    );
    for n in sizes {
        let (p50, p99, max, samples) = run(n).await;
        println!("{n:>6} {p50:>10.2} {p99:>10.2} {max:>10.2} {samples:>10}");
    }
}

async fn run(clients: usize) -> (f64, f64, f64, usize) {
    let dir = tempfile::tempdir().unwrap();
    let mut config = ServeConfig::new(
        "127.0.0.1:0".parse().unwrap(),
        format!("sqlite://{}", dir.path().join("bench.db").display()),
    );
    config.demo = true;
    let built = server::build(&config).await.unwrap();
    let listener = tokio::net::TcpListener::bind(config.addr).await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(server::serve(listener, built, async {
        let _ = stopped.await;
    }));

    let writer = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let signed_in = writer
        .post(format!("{base}/api/sign_in"))
        .header("accept", "application/json")
        .form(&[
            ("email", "maya@northstar.demo"),
            ("password", "northstar-demo"),
        ])
        .send()
        .await
        .unwrap();
    let cookie = signed_in
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("northstar_session="))
        .map(|v| v.split(';').next().unwrap().to_owned())
        .unwrap();

    // The demo's cycle and its first objective.
    let board: Value = writer
        .post(format!("{base}/api/get_board"))
        .header("accept", "application/json")
        .form(&[("cycle_id", "1")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut version = board["version"].as_i64().unwrap();
    let objective = board["objectives"][0].clone();
    let id = objective["id"].as_str().unwrap().to_owned();
    let mut objective_version = objective["version"].as_i64().unwrap();
    let mut description = objective["description"]
        .as_str()
        .unwrap_or_default()
        .to_owned();

    // N clients on the board; each reports (board version, arrival time).
    let (arrivals, mut arrived) = mpsc::unbounded_channel::<(i64, Instant)>();
    let (ready, mut readied) = mpsc::unbounded_channel::<()>();
    let ws_url = format!("{}/ws/boards/1", base.replace("http://", "ws://"));
    for _ in 0..clients {
        let mut request = ws_url.clone().into_client_request().unwrap();
        request
            .headers_mut()
            .insert("cookie", cookie.parse().unwrap());
        let (mut socket, _) = tokio_tungstenite::connect_async(request).await.unwrap();
        socket
            .send(Message::Text(
                json!({ "type": "resume", "version": version })
                    .to_string()
                    .into(),
            ))
            .await
            .unwrap();
        let arrivals = arrivals.clone();
        let ready = ready.clone();
        tokio::spawn(async move {
            let mut announced = false;
            while let Some(Ok(message)) = socket.next().await {
                if let Message::Text(text) = message {
                    let at = Instant::now();
                    let value: Value = serde_json::from_str(&text).unwrap();
                    match value["type"].as_str() {
                        Some("presence") if !announced => {
                            announced = true;
                            let _ = ready.send(());
                        }
                        Some("event") => {
                            let _ =
                                arrivals.send((value["event"]["version"].as_i64().unwrap(), at));
                        }
                        _ => {}
                    }
                }
            }
        });
    }
    for _ in 0..clients {
        readied.recv().await.unwrap();
    }

    let mut samples = Vec::with_capacity(clients * CHANGES);
    for round in 0..WARM_UP + CHANGES {
        let next = format!("Benchmark change {round}");
        let response = writer
            .post(format!("{base}/api/update_objective"))
            .header("accept", "application/json")
            .form(&[
                ("id", id.as_str()),
                ("version", &objective_version.to_string()),
                ("field", "description"),
                ("previous", &description),
                ("value", &next),
            ])
            .send()
            .await
            .unwrap();
        assert!(response.status().is_success(), "{}", response.status());
        let saved: Value = response.json().await.unwrap();
        let responded = Instant::now();
        objective_version = saved["version"].as_i64().unwrap();
        description = next;
        version += 1;
        let mut received = 0;
        while received < clients {
            let (event_version, at) = tokio::time::timeout(Duration::from_secs(30), arrived.recv())
                .await
                .unwrap()
                .unwrap();
            if event_version == version {
                received += 1;
                if round < WARM_UP {
                    continue;
                }
                // An event can beat the response to the writer: that counts as zero.
                samples.push(at.saturating_duration_since(responded).as_secs_f64() * 1000.0);
            }
        }
    }
    let _ = stop.send(());
    let _ = server.await;

    samples.sort_by(f64::total_cmp);
    let pick = |q: f64| samples[((samples.len() as f64 - 1.0) * q).round() as usize];
    (
        pick(0.50),
        pick(0.99),
        *samples.last().unwrap(),
        samples.len(),
    )
}
