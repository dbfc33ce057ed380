//! Helpers for check-ins, the leaderboard and office screens: an active
//! objective in a cycle that is running today, and sockets to listen with.

use super::board::{create_objective, update, uuid};
use super::{AMBASSADOR, TestApp};
use futures::{SinkExt, StreamExt};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

pub type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// A cycle running today (so the leaderboard shows it), created after the
/// demo's, so it is the current one.
pub async fn running_cycle(app: &TestApp) -> String {
    let (_, cycle) = cycle_around_today(app, "Live test cycle", 30, 60).await;
    cycle["id"].as_i64().unwrap().to_string()
}

/// A cycle `name` that began `days_before` today and ends `days_after` it,
/// with a week of planning and a week of retrospective, made by the
/// ambassador: (its id, the cycle as answered).
pub async fn cycle_around_today(
    app: &TestApp,
    name: &str,
    days_before: i64,
    days_after: i64,
) -> (String, serde_json::Value) {
    let today = time::OffsetDateTime::now_utc().date();
    let start = (today - time::Duration::days(days_before)).to_string();
    let end = (today + time::Duration::days(days_after)).to_string();
    let ambassador = app.signed_in(AMBASSADOR).await;
    let (status, cycle) = app
        .call_json(
            &ambassador,
            "create_cycle",
            &[
                ("name", name),
                ("start", &start),
                ("end", &end),
                ("planning_days", "7"),
                ("retro_days", "7"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{cycle}");
    (cycle["id"].to_string(), cycle)
}

/// An active objective of Platform with one key result (0 → 100) owned by
/// `owner`; returns the key result's id.
pub async fn active_key_result(app: &TestApp, cycle: &str, n: u32, owner: &str) -> String {
    let ambassador = app.signed_in(AMBASSADOR).await;
    let objective_id = uuid(n);
    let (status, objective) = create_objective(
        app,
        &ambassador,
        cycle,
        &objective_id,
        "Platform",
        "Deploys are boring",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{objective}");
    let (_, objective) = update(app, &ambassador, &objective, "status", "proposed").await;
    let (status, objective) = update(app, &ambassador, &objective, "status", "active").await;
    assert_eq!(status, StatusCode::OK, "{objective}");
    let kr_id = uuid(n + 1000);
    add_key_result(app, &objective_id, &kr_id, "Deploy confidence", owner).await;
    kr_id
}

/// Adds key result `id` (0 → 100 %) titled `title`, owned by `owner`, to
/// `objective`, as the ambassador.
pub async fn add_key_result(app: &TestApp, objective: &str, id: &str, title: &str, owner: &str) {
    let ambassador = app.signed_in(AMBASSADOR).await;
    let owner = app.person_id(owner).await.to_string();
    let (status, body) = app
        .call_json(
            &ambassador,
            "create_key_result",
            &[
                ("id", id),
                ("objective_id", objective),
                ("title", title),
                ("metric", "number"),
                ("unit_label", "%"),
                ("start", "0"),
                ("target", "100"),
                ("owner_id", owner.as_str()),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

pub async fn check_in(
    app: &TestApp,
    client: &Client,
    id: &str,
    key_result: &str,
    value: &str,
    confidence: &str,
) -> (StatusCode, Value) {
    app.call_json(
        client,
        "save_check_in",
        &[
            ("id", id),
            ("key_result_id", key_result),
            ("value", value),
            ("confidence", confidence),
            ("progress", "Moved the pipeline"),
            ("problems", ""),
            ("plans", "Canary releases"),
        ],
    )
    .await
}

/// Opens a websocket at `path` (with a cookie or not) from the app's origin.
pub async fn open(app: &TestApp, path: &str, cookie: Option<&str>) -> Result<Socket, u16> {
    let url = format!("{}{path}", app.base.replace("http://", "ws://"));
    let mut request = url.into_client_request().unwrap();
    request
        .headers_mut()
        .insert("origin", app.base.parse().unwrap());
    if let Some(cookie) = cookie {
        request
            .headers_mut()
            .insert("cookie", cookie.parse().unwrap());
    }
    match tokio_tungstenite::connect_async(request).await {
        Ok((socket, _)) => Ok(socket),
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            Err(response.status().as_u16())
        }
        Err(other) => panic!("{other}"),
    }
}

/// Sends `resume` with nothing known, and returns the answer that shows the
/// database's current state.
pub async fn resume(app: &TestApp, socket: &mut Socket) -> Value {
    let resume = json!({ "type": "resume", "cycle_id": null, "version": 0, "day": "" });
    socket
        .send(Message::Text(resume.to_string().into()))
        .await
        .unwrap();
    let mut answer = next_json(socket, Duration::from_secs(5))
        .await
        .expect("an answer to resume");
    // A change committed just before the socket opened may still be on its
    // way from the leaderboard's refresher: wait until what was shown is what
    // the database holds, so that the next message answers the test's next
    // step and not an earlier one.
    while let Some((cycle, shown)) = versions_shown(&answer) {
        let board: i64 = sqlx::query_scalar("SELECT board_version FROM cycles WHERE id = $1")
            .bind(cycle)
            .fetch_one(&app.pool)
            .await
            .unwrap();
        let kpis = app
            .count("SELECT COALESCE(SUM(version), 0) FROM kpis")
            .await;
        if shown == (board, kpis) {
            break;
        }
        answer = next_json(socket, Duration::from_secs(5))
            .await
            .expect("the leaderboard catches up with the database");
    }
    answer
}

/// The cycle and the (board, KPIs) versions a snapshot or a frame shows.
fn versions_shown(message: &Value) -> Option<(i64, (i64, i64))> {
    let (shown, cycle) = match message["type"].as_str()? {
        "snapshot" => (
            &message["leaderboard"],
            &message["leaderboard"]["cycle"]["id"],
        ),
        "frame" => (message, &message["cycle_id"]),
        _ => return None,
    };
    let versions = (shown["version"].as_i64()?, shown["kpis_version"].as_i64()?);
    Some((cycle.as_i64()?, versions))
}

/// The next text message within `wait`, or `None`.
pub async fn next_json(socket: &mut Socket, wait: Duration) -> Option<Value> {
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        match tokio::time::timeout_at(deadline, socket.next()).await {
            Ok(Some(Ok(Message::Text(text)))) => return Some(serde_json::from_str(&text).unwrap()),
            Ok(Some(Ok(_))) => {}
            Ok(Some(Err(_)) | None) | Err(_) => return None,
        }
    }
}

/// Whether the server closes the socket within `wait`.
pub async fn closes(socket: &mut Socket, wait: Duration) -> bool {
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        match tokio::time::timeout_at(deadline, socket.next()).await {
            Ok(Some(Ok(Message::Close(_))) | Some(Err(_)) | None) => return true,
            Ok(Some(Ok(_))) => {}
            Err(_) => return false,
        }
    }
}

/// The first leaderboard snapshot on `socket` for which `wanted` holds,
/// within five seconds. Snapshots of changes made just before may arrive
/// first (the leaderboard is recomputed asynchronously, coalescing bursts);
/// a page shows each in turn, and so does this.
pub async fn snapshot_where(socket: &mut Socket, wanted: impl Fn(&Value) -> bool) -> Value {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    let mut seen = Vec::new();
    loop {
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        match next_json(socket, left).await {
            Some(message) if message["type"] == "snapshot" && wanted(&message) => return message,
            Some(message) => seen.push(message),
            None => panic!("no snapshot as wanted within 5 s; saw {seen:?}"),
        }
    }
}
