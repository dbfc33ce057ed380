//! Several instances on one PostgreSQL database, as behind a load
//! balancer: a change made through one reaches the boards, leaderboards
//! and office screens connected to another; presence, screen revocations,
//! ended sessions and sign-in limits hold across them; a listener that lost
//! its connection catches up from the last version it published.
//!
//! Always on PostgreSQL (instances cannot share a SQLite file), so the
//! PostgreSQL pass of `make test` skips this module.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "helpers of tests fail the test loudly"
)]

use crate::common;
use crate::screens::new_screen;
use crate::sessions::{board_socket, ended, leaderboard_socket, stays_open};

use app::auth::ssr::SignInLimits;
use app::sql::Backend;
use common::board::{create_objective, uuid};
use common::checkins::{
    Socket, active_key_result, check_in, closes, next_json, open, resume, running_cycle,
};
use common::{AMBASSADOR, LEAD, MEMBER, PASSWORD, TestApp};
use futures::SinkExt;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;

/// How long a change may take to reach another instance here: a notice
/// and a read, milliseconds in practice.
const ACROSS: Duration = Duration::from_secs(5);

async fn two_instances() -> (TestApp, TestApp) {
    let a = TestApp::start_on(Backend::Postgres, |_| {}).await;
    let b = a.another_instance(|_| {}).await;
    (a, b)
}

async fn board_version(app: &TestApp, cycle: i64) -> i64 {
    sqlx::query_scalar("SELECT board_version FROM cycles WHERE id = $1")
        .bind(cycle)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

/// A board socket of `cycle` on `app`, resumed at `version`.
async fn board_at(app: &TestApp, cookie: &str, cycle: i64, version: i64) -> Socket {
    let mut socket = open(app, &format!("/ws/boards/{cycle}"), Some(cookie))
        .await
        .unwrap();
    let resume = json!({ "type": "resume", "version": version });
    socket
        .send(Message::Text(resume.to_string().into()))
        .await
        .unwrap();
    socket
}

/// The board events `socket` hears within `wait`, up to `count` of them.
async fn events(socket: &mut Socket, count: usize, wait: Duration) -> Vec<Value> {
    let deadline = tokio::time::Instant::now() + wait;
    let mut events = Vec::new();
    while events.len() < count {
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        let Some(message) = next_json(socket, left).await else {
            break;
        };
        if message["type"] != "presence" {
            events.push(message);
        }
    }
    events
}

/// Waits for a message `wanted` accepts, within `wait`.
async fn until(socket: &mut Socket, wait: Duration, wanted: impl Fn(&Value) -> bool) -> Value {
    let deadline = tokio::time::Instant::now() + wait;
    let mut others = Vec::new();
    loop {
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        match next_json(socket, left).await {
            Some(message) if wanted(&message) => return message,
            Some(other) => others.push(other),
            None => panic!("no such message within {wait:?}; heard {others:?}"),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_through_one_instance_reaches_a_board_a_leaderboard_and_a_screen_on_another() {
    let (a, b) = two_instances().await;
    let cycle = running_cycle(&a).await;
    let kr = active_key_result(&a, &cycle, 1, MEMBER).await;
    let cycle: i64 = cycle.parse().unwrap();
    let maya = common::cookie_of(&b, AMBASSADOR).await;
    let version = board_version(&b, cycle).await;
    let mut board = board_at(&b, &maya, cycle, version).await;
    let mut leaderboard = open(&b, "/ws/leaderboard", Some(&maya)).await.unwrap();
    resume(&b, &mut leaderboard).await;
    let (_, token) = new_screen(&a, "Lobby").await;
    let mut screen = open(&b, &format!("/ws/screens/{token}"), None)
        .await
        .unwrap();
    resume(&b, &mut screen).await;

    let priya = a.signed_in(MEMBER).await;
    let (status, body) = check_in(&a, &priya, &uuid(100), &kr, "55", "7").await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let heard = events(&mut board, 1, ACROSS).await;
    assert_eq!(heard.len(), 1, "the board on the other instance hears it");
    assert_eq!(heard[0]["type"], "event");
    assert_eq!(heard[0]["event"]["version"], version + 1);
    let snapshot = until(&mut leaderboard, ACROSS, |message| {
        message["type"] == "snapshot" && message["leaderboard"]["version"] == version + 1
    })
    .await;
    assert_eq!(snapshot["leaderboard"]["cycle"]["id"], cycle);
    until(&mut screen, ACROSS, |message| {
        message["type"] == "frame"
            && message["html"]
                .as_str()
                .is_some_and(|html| html.contains("55%"))
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changes_through_both_instances_reach_every_board_once_and_in_order() {
    let (a, b) = two_instances().await;
    let cycle = common::board::new_cycle(&a).await;
    let cycle_id: i64 = cycle.parse().unwrap();
    let maya = common::cookie_of(&a, AMBASSADOR).await;
    let mut on_a = board_at(&a, &maya, cycle_id, 0).await;
    let mut on_b = board_at(&b, &maya, cycle_id, 0).await;
    let through_a = a.signed_in(AMBASSADOR).await;
    let through_b = b.signed_in(AMBASSADOR).await;
    const CHANGES: u32 = 24;
    let writes = (0..CHANGES).map(|n| {
        let (app, client) = if n % 2 == 0 {
            (&a, &through_a)
        } else {
            (&b, &through_b)
        };
        let (cycle, id) = (cycle.clone(), uuid(n + 1));
        async move {
            let (status, body) =
                create_objective(app, client, &cycle, &id, "Platform", "In parallel").await;
            assert_eq!(status, StatusCode::OK, "{body}");
        }
    });
    futures::future::join_all(writes).await;
    let expected: Vec<i64> = (1..=i64::from(CHANGES)).collect();
    for (socket, instance) in [(&mut on_a, "A"), (&mut on_b, "B")] {
        let heard: Vec<i64> = events(socket, CHANGES as usize + 1, Duration::from_secs(2))
            .await
            .iter()
            .map(|message| message["event"]["version"].as_i64().unwrap())
            .collect();
        assert_eq!(heard, expected, "the board on instance {instance}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kpi_reading_through_one_instance_reaches_kpi_pages_on_another() {
    let (a, b) = two_instances().await;
    let kpi: i64 = sqlx::query_scalar("SELECT id FROM kpis WHERE name = 'Average reply time'")
        .fetch_one(&a.pool)
        .await
        .unwrap();
    let maya = common::cookie_of(&b, AMBASSADOR).await;
    let mut kpis = open(&b, "/ws/kpis", Some(&maya)).await.unwrap();
    assert_eq!(next_json(&mut kpis, ACROSS).await.unwrap()["type"], "hello");
    let sam = a.signed_in("sam@northstar.demo").await;
    let (status, body) = common::kpis::read(&a, &sam, kpi, &common::kpis::days_ago(0), "6.3").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let changed = next_json(&mut kpis, ACROSS).await.unwrap();
    assert_eq!(changed["type"], "changed", "{changed}");
    assert_eq!(changed["id"], kpi);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn presence_names_the_people_on_every_instance() {
    let (a, b) = two_instances().await;
    let cycle: i64 = sqlx::query_scalar("SELECT min(id) FROM cycles")
        .fetch_one(&a.pool)
        .await
        .unwrap();
    let version = board_version(&a, cycle).await;
    let maya = common::cookie_of(&a, AMBASSADOR).await;
    let priya = common::cookie_of(&b, MEMBER).await;
    let is_presence = |viewers: Value| {
        move |message: &Value| message["type"] == "presence" && message["viewers"] == viewers
    };
    let mut on_a = board_at(&a, &maya, cycle, version).await;
    until(&mut on_a, ACROSS, is_presence(json!(["Maya Lindqvist"]))).await;
    let mut on_b = board_at(&b, &priya, cycle, version).await;
    let both = json!(["Maya Lindqvist", "Priya Nair"]);
    until(&mut on_b, ACROSS, is_presence(both.clone())).await;
    until(&mut on_a, ACROSS, is_presence(both)).await;
    drop(on_b);
    until(&mut on_a, ACROSS, is_presence(json!(["Maya Lindqvist"]))).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revoking_a_screen_and_ending_sessions_close_sockets_on_every_instance() {
    let (a, b) = two_instances().await;
    let (id, token) = new_screen(&a, "Lobby").await;
    let mut screen = open(&b, &format!("/ws/screens/{token}"), None)
        .await
        .unwrap();
    resume(&b, &mut screen).await;
    let priya = common::cookie_of(&a, MEMBER).await;
    let jonas = common::cookie_of(&a, LEAD).await;
    let mut priya_board = board_socket(&b, &priya).await;
    let mut priya_leaderboard = leaderboard_socket(&b, &priya).await;
    let mut jonas_leaderboard = leaderboard_socket(&b, &jonas).await;

    let ambassador = a.signed_in(AMBASSADOR).await;
    let (status, _) = a
        .call_json(&ambassador, "revoke_screen", &[("id", &id.to_string())])
        .await;
    assert_eq!(status, StatusCode::OK);
    let told = next_json(&mut screen, ACROSS).await.unwrap();
    assert_eq!(told["type"], "disconnected");
    assert!(closes(&mut screen, ACROSS).await);

    // Deactivated through A: every socket of the person on B closes at once
    // (not at its next look at the database, a minute on).
    let person = a.person_id(MEMBER).await.to_string();
    let (status, body) = a
        .call_json(
            &ambassador,
            "set_person_active",
            &[("person_id", &person), ("active", "false")],
        )
        .await;
    assert!(status.is_success(), "{body}");
    ended(&mut priya_board, "deactivated", "Priya's board on B").await;
    ended(
        &mut priya_leaderboard,
        "deactivated",
        "Priya's leaderboard on B",
    )
    .await;
    stays_open(&mut jonas_leaderboard, "another person's leaderboard on B").await;

    // Signed out through A: that session's sockets on B close.
    let response = common::call_with_cookie(&a, Some(&jonas), "sign_out", &[]).await;
    assert!(response.status().is_success());
    ended(
        &mut jonas_leaderboard,
        "signed_out",
        "Jonas's leaderboard on B",
    )
    .await;
}

/// The status of a sign-in of Priya with `password` through `app`.
async fn sign_in(app: &TestApp, password: &str) -> StatusCode {
    let client = app.client();
    app.call(
        &client,
        "sign_in",
        &[("email", MEMBER), ("password", password)],
    )
    .await
    .status()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_limits_hold_across_instances() {
    let limits = |config: &mut server::config::ServeConfig| {
        config.sign_in_limits = SignInLimits {
            account_burst: 3,
            account_refill: Duration::from_secs(3600),
            address_burst: 100,
            address_refill: Duration::from_secs(3600),
        };
    };
    let a = TestApp::start_on(Backend::Postgres, limits).await;
    let b = a.another_instance(limits).await;
    // Three wrong guesses, spread over both instances.
    for app in [&a, &b, &a] {
        let status = sign_in(app, "not the password").await;
        assert_ne!(status, StatusCode::TOO_MANY_REQUESTS);
        assert!(status.is_client_error());
    }
    // The fourth is refused whichever instance it reaches, and so is the
    // right password from the same address until the count comes down.
    assert_eq!(
        sign_in(&b, "not the password").await,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        sign_in(&a, "not the password").await,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(sign_in(&b, PASSWORD).await, StatusCode::TOO_MANY_REQUESTS);
    // Another account is not affected.
    let client = b.client();
    let response = b
        .call(
            &client,
            "sign_in",
            &[("email", LEAD), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
}

/// The connection of `app`'s listener, if it is connected.
async fn listener_pid(app: &TestApp) -> Option<i32> {
    let name = format!(
        "{} {}",
        server::live::listen::APPLICATION_NAME,
        app.state.fanout.instance()
    );
    sqlx::query_scalar("SELECT pid FROM pg_stat_activity WHERE application_name = $1")
        .bind(name)
        .fetch_optional(&app.pool)
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_listener_that_lost_its_connection_resumes_from_the_last_version_it_published() {
    let a = TestApp::start_on(Backend::Postgres, |_| {}).await;
    // B waits three seconds before connecting again: long enough to make a
    // change while it is not listening.
    let b = a
        .another_instance(|config| config.listener_retry = Duration::from_secs(3))
        .await;
    let cycle = common::board::new_cycle(&a).await;
    let cycle_id: i64 = cycle.parse().unwrap();
    let maya = common::cookie_of(&b, AMBASSADOR).await;
    let mut board = board_at(&b, &maya, cycle_id, 0).await;
    let ambassador = a.signed_in(AMBASSADOR).await;
    let (status, _) =
        create_objective(&a, &ambassador, &cycle, &uuid(1), "Platform", "First").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(events(&mut board, 1, ACROSS).await.len(), 1);

    // The database drops B's listener (as in a restart).
    let pid = listener_pid(&b).await.expect("B listens");
    sqlx::query("SELECT pg_terminate_backend($1)")
        .bind(pid)
        .execute(&a.pool)
        .await
        .unwrap();
    while listener_pid(&b).await == Some(pid) {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // Two changes B is not told of.
    for n in 2..=3 {
        let (status, _) =
            create_objective(&a, &ambassador, &cycle, &uuid(n), "Platform", "Missed").await;
        assert_eq!(status, StatusCode::OK);
    }
    assert_eq!(
        listener_pid(&b).await,
        None,
        "B listened again too soon for this test to mean anything"
    );
    let heard: Vec<i64> = events(&mut board, 3, Duration::from_secs(10))
        .await
        .iter()
        .map(|message| message["event"]["version"].as_i64().unwrap())
        .collect();
    assert_eq!(heard, [2, 3], "caught up once B listened again");
    assert!(listener_pid(&b).await.is_some(), "B listens again");
}
