//! A live socket ends with its session: signing out, deactivation, a role
//! change and expiry each close that person's open board and leaderboard
//! sockets within a second, with a message that says why; other people's
//! and other sessions' sockets stay open. One session holds a bounded
//! number of sockets.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "helpers of tests fail the test loudly"
)]

use crate::common::checkins::{Socket, closes, next_json, open, resume};
use crate::common::{self, AMBASSADOR, LEAD, MEMBER, TestApp};
use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;

/// How soon a socket must hear that its session ended.
const WITHIN: Duration = Duration::from_secs(1);

/// A board socket of the demo's cycle, resumed and past its first messages.
pub(crate) async fn board_socket(app: &TestApp, cookie: &str) -> Socket {
    let cycle: i64 = sqlx::query_scalar("SELECT min(id) FROM cycles")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let mut socket = open(app, &format!("/ws/boards/{cycle}"), Some(cookie))
        .await
        .unwrap();
    let version: i64 = sqlx::query_scalar("SELECT board_version FROM cycles WHERE id = $1")
        .bind(cycle)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    socket
        .send(Message::Text(
            json!({ "type": "resume", "version": version })
                .to_string()
                .into(),
        ))
        .await
        .unwrap();
    // Its own presence; nothing else is due.
    let presence = next_json(&mut socket, Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(presence["type"], "presence");
    socket
}

pub(crate) async fn leaderboard_socket(app: &TestApp, cookie: &str) -> Socket {
    let mut socket = open(app, "/ws/leaderboard", Some(cookie)).await.unwrap();
    let first = resume(app, &mut socket).await;
    assert_eq!(first["type"], "snapshot", "{first}");
    socket
}

/// The next message other than presence, within `WITHIN`.
pub(crate) async fn next_message(socket: &mut Socket) -> Option<Value> {
    let deadline = tokio::time::Instant::now() + WITHIN;
    loop {
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        let message = next_json(socket, left).await?;
        if message["type"] != "presence" {
            return Some(message);
        }
    }
}

/// Asserts the socket is told its session ended for `reason`, then closed.
pub(crate) async fn ended(socket: &mut Socket, reason: &str, what: &str) {
    let message = next_message(socket).await;
    assert_eq!(
        message,
        Some(json!({ "type": "session_ended", "reason": reason })),
        "{what}"
    );
    assert!(closes(socket, WITHIN).await, "{what}: the socket closes");
}

/// Asserts the socket stays open and quiet for a while.
pub(crate) async fn stays_open(socket: &mut Socket, what: &str) {
    assert_eq!(next_message(socket).await, None, "{what}");
    socket.send(Message::Ping(vec![1].into())).await.unwrap();
    let pong = tokio::time::timeout(WITHIN, socket.next()).await;
    assert!(
        matches!(pong, Ok(Some(Ok(Message::Pong(_))))),
        "{what}: still answers a ping: {pong:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_out_closes_that_sessions_sockets_only() {
    let app = TestApp::start().await;
    let laptop = common::cookie_of(&app, MEMBER).await;
    let phone = common::cookie_of(&app, MEMBER).await;
    let mut board = board_socket(&app, &laptop).await;
    let mut leaderboard = leaderboard_socket(&app, &laptop).await;
    let mut kpis = open(&app, "/ws/kpis", Some(&laptop)).await.unwrap();
    assert_eq!(next_message(&mut kpis).await.unwrap()["type"], "hello");
    let mut phone_board = board_socket(&app, &phone).await;
    let _ = next_json(&mut board, Duration::from_millis(200)).await; // the phone's presence

    let response = common::call_with_cookie(&app, Some(&laptop), "sign_out", &[]).await;
    assert!(response.status().is_success());
    ended(
        &mut board,
        "signed_out",
        "the board of the signed-out session",
    )
    .await;
    ended(&mut leaderboard, "signed_out", "its leaderboard").await;
    ended(&mut kpis, "signed_out", "its KPI page").await;
    stays_open(&mut phone_board, "the same person's other session").await;
    // And the ended session cannot open a new one.
    assert_eq!(
        open(&app, "/ws/leaderboard", Some(&laptop)).await.err(),
        Some(401)
    );
    assert_eq!(open(&app, "/ws/kpis", Some(&laptop)).await.err(), Some(401));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deactivation_closes_every_socket_of_the_person() {
    let app = TestApp::start().await;
    let priya = common::cookie_of(&app, MEMBER).await;
    let jonas = common::cookie_of(&app, LEAD).await;
    let mut board = board_socket(&app, &priya).await;
    let mut leaderboard = leaderboard_socket(&app, &priya).await;
    let mut someone_else = leaderboard_socket(&app, &jonas).await;

    let ambassador = app.signed_in(AMBASSADOR).await;
    let id = app.person_id(MEMBER).await.to_string();
    let (status, body) = app
        .call_json(
            &ambassador,
            "set_person_active",
            &[("person_id", &id), ("active", "false")],
        )
        .await;
    assert!(status.is_success(), "{body}");
    ended(&mut board, "deactivated", "the deactivated person's board").await;
    ended(&mut leaderboard, "deactivated", "their leaderboard").await;
    stays_open(&mut someone_else, "another person's leaderboard").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_role_change_closes_the_persons_sockets() {
    let app = TestApp::start().await;
    let jonas = common::cookie_of(&app, LEAD).await;
    let mut board = board_socket(&app, &jonas).await;
    let ambassador = app.signed_in(AMBASSADOR).await;
    let id = app.person_id(LEAD).await.to_string();
    // Setting the role it already has changes nothing and closes nothing.
    let (status, _) = app
        .call_json(
            &ambassador,
            "change_role",
            &[("person_id", &id), ("role", "lead")],
        )
        .await;
    assert!(status.is_success());
    stays_open(&mut board, "the same role again").await;
    let (status, _) = app
        .call_json(
            &ambassador,
            "change_role",
            &[("person_id", &id), ("role", "member")],
        )
        .await;
    assert!(status.is_success());
    ended(&mut board, "role_changed", "the demoted lead's board").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_session_closes_its_sockets() {
    let app = TestApp::start_with(|config| config.session_expiry = Duration::from_secs(2)).await;
    let signed_in = tokio::time::Instant::now();
    let priya = common::cookie_of(&app, MEMBER).await;
    let mut board = board_socket(&app, &priya).await;
    let mut leaderboard = leaderboard_socket(&app, &priya).await;
    // Nothing but presence until the session expires (2 s after signing
    // in), then the reason and the close, within a second of it.
    let message = loop {
        let message = next_json(&mut board, Duration::from_secs(5))
            .await
            .expect("a message before the session's end is overdue");
        if message["type"] != "presence" {
            break message;
        }
    };
    let after = signed_in.elapsed();
    assert_eq!(
        message,
        json!({ "type": "session_ended", "reason": "expired" })
    );
    assert!(
        after >= Duration::from_millis(1900) && after <= Duration::from_millis(3200),
        "ended {after:?} after signing in"
    );
    assert!(closes(&mut board, WITHIN).await);
    ended(&mut leaderboard, "expired", "its leaderboard").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_holds_a_bounded_number_of_sockets() {
    let app = TestApp::start().await;
    let priya = common::cookie_of(&app, MEMBER).await;
    let mut open_sockets = Vec::new();
    for _ in 0..app::live::ssr::MAX_SOCKETS_PER_SESSION {
        open_sockets.push(leaderboard_socket(&app, &priya).await);
    }
    let mut refused = open(&app, "/ws/leaderboard", Some(&priya)).await.unwrap();
    let frame = tokio::time::timeout(WITHIN, refused.next()).await;
    match frame {
        Ok(Some(Ok(Message::Close(Some(close))))) => {
            assert_eq!(u16::from(close.code), app::live::CLOSE_TOO_MANY);
            assert!(close.reason.contains("too many"), "{}", close.reason);
        }
        other => panic!("expected a close frame, got {other:?}"),
    }
    // Another session of the same person is not counted against this one.
    let other = common::cookie_of(&app, MEMBER).await;
    let _fine = leaderboard_socket(&app, &other).await;
    // Closing one frees its place.
    let mut first = open_sockets.remove(0);
    first.close(None).await.unwrap();
    while first.next().await.is_some() {}
    tokio::time::sleep(Duration::from_millis(100)).await;
    let _again = leaderboard_socket(&app, &priya).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deactivated_persons_idle_sessions_do_not_come_back_with_reactivation() {
    let app = TestApp::start().await;
    let idle = app.signed_in(MEMBER).await;
    let ambassador = app.signed_in(AMBASSADOR).await;
    let id = app.person_id(MEMBER).await.to_string();
    for active in ["false", "true"] {
        let (status, _) = app
            .call_json(
                &ambassador,
                "set_person_active",
                &[("person_id", &id), ("active", active)],
            )
            .await;
        assert!(status.is_success());
    }
    let (_, me) = app.call_json(&idle, "get_current_user", &[]).await;
    assert_eq!(me, Value::Null, "the session that sat idle has ended");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_in_again_ends_what_the_old_session_had_open() {
    let app = TestApp::start().await;
    let cookie = common::cookie_of(&app, MEMBER).await;
    let mut board = board_socket(&app, &cookie).await;
    // The same browser signs in again (its cookie is replaced by a new id).
    let response = common::call_with_cookie(
        &app,
        Some(&cookie),
        "sign_in",
        &[("email", LEAD), ("password", common::PASSWORD)],
    )
    .await;
    assert!(response.status().is_success());
    ended(&mut board, "signed_out", "the replaced session's board").await;
}

/// What no notice reports (a password set from the command line, a change
/// on another instance) is read from the database when a socket looks:
/// its person's session epoch has moved on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sockets_look_at_the_database_sees_a_password_changed_elsewhere() {
    let app = TestApp::start().await;
    let cookie = common::cookie_of(&app, MEMBER).await;
    let session_id = cookie.split_once('=').unwrap().1.to_owned();
    let caller = app::auth::ssr::Caller {
        id: app.person_id(MEMBER).await,
        name: "Priya Nair".into(),
        role: app::domain::roles::Role::Member,
        epoch: 0,
    };
    let state = |pool| {
        let (caller, session_id) = (caller.clone(), session_id.clone());
        async move {
            app::auth::ssr::session_state(pool, &session_id, &caller)
                .await
                .unwrap()
        }
    };
    assert!(matches!(
        state(&app.pool).await,
        app::auth::ssr::SessionState::Standing { .. }
    ));
    sqlx::query("UPDATE people SET session_epoch = session_epoch + 1 WHERE email = $1")
        .bind(MEMBER)
        .execute(&app.pool)
        .await
        .unwrap();
    assert_eq!(
        state(&app.pool).await,
        app::auth::ssr::SessionState::Ended(app::live::SessionEnd::PasswordChanged)
    );
}
