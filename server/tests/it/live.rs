//! The live board over websockets: two people on a board, one changes, the
//! other hears it; resuming from a version; who may open the socket.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "helpers of tests fail the test loudly"
)]

use crate::common;

use common::{AMBASSADOR, MEMBER, TestApp};
use futures::{SinkExt, StreamExt};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn open(
    app: &TestApp,
    cycle: i64,
    cookie: Option<&str>,
    origin: Option<&str>,
) -> Result<Socket, StatusCode> {
    let url = format!("{}/ws/boards/{cycle}", app.base.replace("http://", "ws://"));
    let mut request = url.into_client_request().unwrap();
    if let Some(cookie) = cookie {
        request
            .headers_mut()
            .insert("cookie", cookie.parse().unwrap());
    }
    if let Some(origin) = origin {
        request
            .headers_mut()
            .insert("origin", origin.parse().unwrap());
    }
    match tokio_tungstenite::connect_async(request).await {
        Ok((socket, _)) => Ok(socket),
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            Err(StatusCode::from_u16(response.status().as_u16()).unwrap())
        }
        Err(other) => panic!("{other}"),
    }
}

async fn next_json(socket: &mut Socket) -> Value {
    loop {
        let message = tokio::time::timeout(Duration::from_secs(5), socket.next())
            .await
            .expect("a message in time");
        if let Some(Ok(Message::Text(text))) = message {
            return serde_json::from_str(&text).unwrap();
        }
    }
}

/// The next message that is not a presence update.
async fn next_event(socket: &mut Socket) -> Value {
    loop {
        let message = next_json(socket).await;
        if message["type"] != "presence" {
            return message;
        }
    }
}

async fn cycle(app: &TestApp) -> i64 {
    let ambassador = app.signed_in(AMBASSADOR).await;
    let form = [
        ("name", "Live test cycle"),
        ("start", "2026-10-01"),
        ("end", "2026-12-31"),
        ("planning_days", "14"),
        ("retro_days", "7"),
    ];
    app.call_json(&ambassador, "create_cycle", &form).await.1["id"]
        .as_i64()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_by_one_reaches_the_other_with_the_next_version() {
    let app = TestApp::start().await;
    let cycle = cycle(&app).await;
    let ambassador_cookie = common::cookie_of(&app, AMBASSADOR).await;
    let mut watcher = open(&app, cycle, Some(&ambassador_cookie), Some(&app.base))
        .await
        .unwrap();
    watcher
        .send(Message::Text(
            json!({ "type": "resume", "version": 0 }).to_string().into(),
        ))
        .await
        .unwrap();
    let presence = next_json(&mut watcher).await;
    assert_eq!(
        presence,
        json!({ "type": "presence", "viewers": ["Maya Lindqvist"] })
    );

    let priya = app.signed_in(MEMBER).await;
    let platform = app.unit_id("Platform").await.to_string();
    let id = "00000000-0000-4000-8000-000000000001";
    let form = [
        ("id", id),
        ("cycle_id", &cycle.to_string()),
        ("unit_id", &platform),
        ("title", "Deploys are boring"),
        ("kind", "committed"),
    ];
    assert_eq!(
        app.call_json(&priya, "create_objective", &form).await.0,
        StatusCode::OK
    );

    let event = next_event(&mut watcher).await;
    assert_eq!(event["type"], "event");
    assert_eq!(event["event"]["type"], "objective_saved");
    assert_eq!(event["event"]["version"], 1);
    assert_eq!(event["event"]["by"], "Priya Nair");
    assert_eq!(event["event"]["objective"]["title"], "Deploys are boring");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_resumes_with_what_it_missed_and_sees_who_is_here() {
    let app = TestApp::start().await;
    let cycle = cycle(&app).await;
    let priya = app.signed_in(MEMBER).await;
    let platform = app.unit_id("Platform").await.to_string();
    for n in 1..=3 {
        let id = format!("00000000-0000-4000-8000-00000000000{n}");
        let form = [
            ("id", id.as_str()),
            ("cycle_id", &cycle.to_string()),
            ("unit_id", &platform),
            ("title", "An objective"),
            ("kind", "committed"),
        ];
        assert_eq!(
            app.call_json(&priya, "create_objective", &form).await.0,
            StatusCode::OK
        );
    }
    let cookie = common::cookie_of(&app, MEMBER).await;
    let mut socket = open(&app, cycle, Some(&cookie), None).await.unwrap();
    socket
        .send(Message::Text(
            json!({ "type": "resume", "version": 1 }).to_string().into(),
        ))
        .await
        .unwrap();
    assert_eq!(next_event(&mut socket).await["event"]["version"], 2);
    assert_eq!(next_event(&mut socket).await["event"]["version"], 3);

    // A second person arrives: both hear the presence of two.
    let other = common::cookie_of(&app, AMBASSADOR).await;
    let mut second = open(&app, cycle, Some(&other), None).await.unwrap();
    second
        .send(Message::Text(
            json!({ "type": "resume", "version": 3 }).to_string().into(),
        ))
        .await
        .unwrap();
    let presence = loop {
        let message = next_json(&mut socket).await;
        if message["type"] == "presence" && message["viewers"].as_array().unwrap().len() == 2 {
            break message;
        }
    };
    assert_eq!(presence["viewers"], json!(["Maya Lindqvist", "Priya Nair"]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_socket_checks_the_session_and_the_origin() {
    let app = TestApp::start().await;
    let cycle = cycle(&app).await;
    assert_eq!(
        open(&app, cycle, None, None).await.err(),
        Some(StatusCode::UNAUTHORIZED)
    );
    let cookie = common::cookie_of(&app, MEMBER).await;
    assert_eq!(
        open(&app, cycle, Some(&cookie), Some("http://evil.example"))
            .await
            .err(),
        Some(StatusCode::FORBIDDEN)
    );
    assert_eq!(
        open(&app, 9999, Some(&cookie), None).await.err(),
        Some(StatusCode::NOT_FOUND)
    );
    assert!(open(&app, cycle, Some(&cookie), None).await.is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_far_behind_reloads_instead_of_replaying_the_log() {
    let app = TestApp::start().await;
    let cycle = cycle(&app).await;
    // The board is MAX_CATCH_UP + 100 changes ahead of version 0.
    let ahead = app::objectives::ssr::MAX_CATCH_UP + 100;
    sqlx::query("UPDATE cycles SET board_version = $1 WHERE id = $2")
        .bind(ahead)
        .bind(cycle)
        .execute(&app.pool)
        .await
        .unwrap();
    let cookie = common::cookie_of(&app, MEMBER).await;
    for (from, answer) in [(0, "reload"), (ahead + 5, "reload")] {
        let mut socket = open(&app, cycle, Some(&cookie), None).await.unwrap();
        socket
            .send(Message::Text(
                json!({ "type": "resume", "version": from })
                    .to_string()
                    .into(),
            ))
            .await
            .unwrap();
        assert_eq!(next_event(&mut socket).await["type"], answer, "from {from}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_event_log_keeps_the_last_events_of_each_board() {
    let app = TestApp::start().await;
    let cycle = cycle(&app).await;
    let keep = app::objectives::ssr::MAX_CATCH_UP;
    let total = keep + 120;
    for version in 1..=total {
        sqlx::query("INSERT INTO board_events (cycle_id, version, event) VALUES ($1, $2, '{}')")
            .bind(cycle)
            .bind(version)
            .execute(&app.pool)
            .await
            .unwrap();
    }
    sqlx::query("UPDATE cycles SET board_version = $1 WHERE id = $2")
        .bind(total)
        .bind(cycle)
        .execute(&app.pool)
        .await
        .unwrap();
    let pruned = app::objectives::ssr::prune_board_events(&app.pool)
        .await
        .unwrap();
    assert_eq!(pruned, 120);
    let (count, oldest): (i64, i64) =
        sqlx::query_as("SELECT count(*), min(version) FROM board_events WHERE cycle_id = $1")
            .bind(cycle)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!((count, oldest), (keep, 121));
    // Nothing more to prune the second time.
    assert_eq!(
        app::objectives::ssr::prune_board_events(&app.pool)
            .await
            .unwrap(),
        0
    );
}
