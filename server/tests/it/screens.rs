//! Office screens: only the ambassador manages them; a token opens the
//! screen and its socket without a session; a revoked one is closed within
//! seconds; a wrong one is a plain 404; a screen cannot send changes; its
//! ticker tells check-ins and closings without who or what they wrote.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "helpers of tests fail the test loudly"
)]

use crate::common;

use common::board::uuid;
use common::checkins::{
    active_key_result, check_in, closes, next_json, open, resume, running_cycle,
};
use common::{AMBASSADOR, LEAD, MEMBER, TestApp, error_kind};
use futures::SinkExt;
use reqwest::StatusCode;
use serde_json::json;
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;

/// Creates a screen as the ambassador; returns its id and token.
pub(crate) async fn new_screen(app: &TestApp, name: &str) -> (i64, String) {
    let ambassador = app.signed_in(AMBASSADOR).await;
    let (status, created) = app
        .call_json(
            &ambassador,
            "create_screen",
            &[("name", name), ("rotate_seconds", "15")],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{created}");
    let path = created["path"].as_str().unwrap();
    let token = path.strip_prefix("/screen/").unwrap().to_owned();
    (created["screen"]["id"].as_i64().unwrap(), token)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_ambassador_manages_screens_and_tokens_are_stored_hashed() {
    let app = TestApp::start().await;
    for email in [LEAD, MEMBER] {
        let client = app.signed_in(email).await;
        let (status, body) = app
            .call_json(
                &client,
                "create_screen",
                &[("name", "Lobby"), ("rotate_seconds", "20")],
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        let (status, _) = app.call_json(&client, "list_screens", &[]).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }
    let (id, token) = new_screen(&app, "Lobby").await;
    let stored: String = sqlx::query_scalar("SELECT token_hash FROM office_screens WHERE id = $1")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_ne!(stored, token, "only a digest of the token is kept");
    let lead = app.signed_in(LEAD).await;
    let id_text = id.to_string();
    let (status, _) = app
        .call_json(&lead, "revoke_screen", &[("id", &id_text)])
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Bad input names its field.
    let ambassador = app.signed_in(AMBASSADOR).await;
    let (status, body) = app
        .call_json(
            &ambassador,
            "create_screen",
            &[("name", " "), ("rotate_seconds", "20")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["detail"]["field"], "name");
    let (_, body) = app
        .call_json(
            &ambassador,
            "create_screen",
            &[("name", "TV"), ("rotate_seconds", "2")],
        )
        .await;
    assert_eq!(body["detail"]["field"], "rotate_seconds");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_screen_opens_by_token_without_a_session_and_a_wrong_token_is_404() {
    let app = TestApp::start().await;
    let (id, token) = new_screen(&app, "Lobby").await;
    let anonymous = app.client();
    let page = anonymous
        .get(app.url(&format!("/screen/{token}")))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("Expected today"),
        "the leaderboard is rendered"
    );
    assert!(
        !html.contains("Sign out"),
        "no account controls on a screen"
    );
    let connected: Option<String> =
        sqlx::query_scalar("SELECT last_connected_at FROM office_screens WHERE id = $1")
            .bind(id)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert!(connected.is_some(), "the connection is noted");

    let wrong = "0".repeat(64);
    for bad in [wrong.as_str(), "nope", "abc%20def"] {
        let page = anonymous
            .get(app.url(&format!("/screen/{bad}")))
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), StatusCode::NOT_FOUND, "{bad}");
    }
    assert_eq!(
        open(&app, &format!("/ws/screens/{wrong}"), None)
            .await
            .err(),
        Some(404)
    );
    let (status, body) = app
        .call_json(&anonymous, "get_screen", &[("token", &wrong)])
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(error_kind(&body), "not_found");

    let mut socket = open(&app, &format!("/ws/screens/{token}"), None)
        .await
        .unwrap();
    let first = resume(&app, &mut socket).await;
    assert_eq!(first["type"], "frame");
    assert!(first["html"].as_str().unwrap().contains("leaderboard-rows"));
}

/// A running cycle with an active key result of Platform (the member owns
/// it) and a screen whose socket has resumed: the key result's id, the
/// screen's token, its socket and the first frame.
async fn live_screen(
    app: &TestApp,
) -> (String, String, common::checkins::Socket, serde_json::Value) {
    let cycle = running_cycle(app).await;
    let kr = active_key_result(app, &cycle, 1, MEMBER).await;
    let (_, token) = new_screen(app, "Lobby").await;
    let mut socket = open(app, &format!("/ws/screens/{token}"), None)
        .await
        .unwrap();
    let first = resume(app, &mut socket).await;
    (kr, token, socket, first)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_check_in_reaches_an_open_screen() {
    let app = TestApp::start().await;
    let (kr, token, mut socket, first) = live_screen(&app).await;
    let version = first["version"].as_i64().unwrap();
    let priya = app.signed_in(MEMBER).await;
    check_in(&app, &priya, &uuid(100), &kr, "55", "7").await;
    // Frames of the changes made before may still be on their way: the
    // first that shows the check-in.
    let frame = loop {
        let frame = next_json(&mut socket, Duration::from_secs(5))
            .await
            .unwrap();
        if frame["html"]
            .as_str()
            .is_some_and(|html| html.contains("55%"))
        {
            break frame;
        }
    };
    assert_eq!(frame["type"], "frame");
    assert!(frame["version"].as_i64().unwrap() > version);
    assert_eq!(frame["cycle_name"], "Live test cycle");
    // The rows as the page renders them, Platform at 55%.
    let html = frame["html"].as_str().unwrap();
    let platform = &html[html.find(r#"data-unit="Platform""#).unwrap()..];
    assert!(
        platform[..platform.find("</li>").unwrap()].contains("55%"),
        "{html}"
    );
    // Resuming at the latest version is answered with "up to date".
    let mut again = open(&app, &format!("/ws/screens/{token}"), None)
        .await
        .unwrap();
    let resume = json!({ "type": "resume", "cycle_id": frame["cycle_id"],
        "version": frame["version"], "kpis_version": frame["kpis_version"], "day": frame["day"] });
    again
        .send(Message::Text(resume.to_string().into()))
        .await
        .unwrap();
    let answer = next_json(&mut again, Duration::from_secs(5)).await.unwrap();
    assert_eq!(answer["type"], "up_to_date");
}

/// The ticker of the next frame whose ticker contains `text`.
async fn ticker_with(socket: &mut common::checkins::Socket, text: &str) -> String {
    loop {
        let frame = next_json(socket, Duration::from_secs(5)).await.unwrap();
        let html = frame["html"].as_str().unwrap_or_default();
        if let Some(at) = html.find(r#"class="ticker""#) {
            let ticker = &html[at..];
            let ticker = &ticker[..ticker.find("</section>").unwrap()];
            if ticker.contains(text) {
                return ticker.to_owned();
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_ticker_tells_check_ins_and_closings_by_unit_and_title_never_who_or_what_they_wrote() {
    let app = TestApp::start().await;
    let (kr, _, mut socket, _) = live_screen(&app).await;
    let author: String = sqlx::query_scalar("SELECT name FROM people WHERE email = $1")
        .bind(MEMBER)
        .fetch_one(&app.pool)
        .await
        .unwrap();

    let priya = app.signed_in(MEMBER).await;
    let (status, _) = check_in(&app, &priya, &uuid(100), &kr, "55", "7").await;
    assert_eq!(status, StatusCode::OK);
    let ticker = ticker_with(&mut socket, "Deploy confidence").await;
    assert!(ticker.contains("Platform"), "{ticker}");
    assert!(ticker.contains("checked in on"), "{ticker}");
    // Its reflection, value and author stay on the objective page.
    for private in [
        "Moved the pipeline",
        "Canary releases",
        "55",
        author.as_str(),
    ] {
        assert!(!ticker.contains(private), "{private:?} in {ticker}");
    }

    let ambassador = app.signed_in(AMBASSADOR).await;
    let (status, body) =
        common::lessons::close(&app, &ambassador, &uuid(1), &common::lessons::NOTE).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let ticker = ticker_with(&mut socket, "Deploys are boring").await;
    // The newest first: the closing, then the check-in.
    let closing = ticker.find("closed ").unwrap();
    assert!(closing < ticker.find("checked in on").unwrap(), "{ticker}");
    assert!(ticker.contains("score 0.7"), "{ticker}");
    let note = common::lessons::NOTE;
    for private in [note.went_well, note.went_badly, note.lessons, "yakshave"] {
        assert!(!ticker.contains(private), "{private:?} in {ticker}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_ticker_leaves_out_a_unit_left_out_of_the_cycle() {
    let app = TestApp::start().await;
    let (kr, _, mut socket, _) = live_screen(&app).await;
    let priya = app.signed_in(MEMBER).await;
    let (status, _) = check_in(&app, &priya, &uuid(100), &kr, "55", "7").await;
    assert_eq!(status, StatusCode::OK);
    let ticker = ticker_with(&mut socket, "Deploy confidence").await;
    assert!(ticker.contains("Platform"), "{ticker}");

    let cycle: i64 = sqlx::query_scalar("SELECT cycle_id FROM objectives WHERE id = $1")
        .bind(uuid(1))
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let (cycle, platform) = (cycle.to_string(), app.unit_id("Platform").await.to_string());
    let ambassador = app.signed_in(AMBASSADOR).await;
    let (status, body) = app
        .call_json(
            &ambassador,
            "set_taking_part",
            &[
                ("cycle_id", cycle.as_str()),
                ("unit_id", platform.as_str()),
                ("taking_part", "false"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // Platform leaves the rows, and its check-in the ticker.
    let ticker = ticker_with(&mut socket, "No check-ins in this cycle yet").await;
    assert!(!ticker.contains("Deploy confidence"), "{ticker}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_screen_is_told_and_closed_within_seconds() {
    let app = TestApp::start().await;
    let (id, token) = new_screen(&app, "Lobby").await;
    let mut socket = open(&app, &format!("/ws/screens/{token}"), None)
        .await
        .unwrap();
    resume(&app, &mut socket).await;
    let ambassador = app.signed_in(AMBASSADOR).await;
    let id_text = id.to_string();
    let (status, _) = app
        .call_json(&ambassador, "revoke_screen", &[("id", &id_text)])
        .await;
    assert_eq!(status, StatusCode::OK);
    let told = next_json(&mut socket, Duration::from_secs(3))
        .await
        .unwrap();
    assert_eq!(told["type"], "disconnected");
    assert!(closes(&mut socket, Duration::from_secs(3)).await);
    // The page says so too, and a new socket hears it at once.
    let page = app
        .client()
        .get(app.url(&format!("/screen/{token}")))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::GONE);
    assert!(
        page.text()
            .await
            .unwrap()
            .contains("This screen has been disconnected")
    );
    let mut late = open(&app, &format!("/ws/screens/{token}"), None)
        .await
        .unwrap();
    let told = next_json(&mut late, Duration::from_secs(3)).await.unwrap();
    assert_eq!(told["type"], "disconnected");
    // The list shows it revoked.
    let (_, list) = app.call_json(&ambassador, "list_screens", &[]).await;
    assert!(list[0]["revoked_at"].is_string(), "{list}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_screen_socket_cannot_send_changes() {
    let app = TestApp::start().await;
    let (kr, _, mut socket, _) = live_screen(&app).await;
    let attempt =
        json!({ "type": "check_in", "key_result_id": kr, "value": "100", "confidence": "10" });
    socket
        .send(Message::Text(attempt.to_string().into()))
        .await
        .unwrap();
    assert!(
        closes(&mut socket, Duration::from_secs(3)).await,
        "refused and closed"
    );
    let stored = format!("SELECT COUNT(*) FROM check_ins WHERE key_result_id = '{kr}'");
    assert_eq!(app.count(&stored).await, 0);
    // Nor can a screen's token call a server function that changes anything.
    let anonymous = app.client();
    let (status, _) = check_in(&app, &anonymous, &uuid(100), &kr, "100", "10").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_screen_socket_from_another_origin_is_refused() {
    let app = TestApp::start().await;
    let (_, token) = new_screen(&app, "Lobby").await;
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let url = format!(
        "{}/ws/screens/{token}",
        app.base.replace("http://", "ws://")
    );
    let mut request = url.into_client_request().unwrap();
    request
        .headers_mut()
        .insert("origin", "https://evil.example".parse().unwrap());
    match tokio_tungstenite::connect_async(request).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            assert_eq!(response.status().as_u16(), 403);
        }
        other => panic!("expected a refusal, got {:?}", other.map(|_| ())),
    }
}

/// A revocation that lands after the handshake looked the token up and
/// before the socket listens for revocations (here a trigger revokes the
/// screen the moment the handshake notes its connection, and nothing is
/// published): the socket looks the token up again once it listens.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_screen_revoked_while_its_socket_opens_is_told_and_closed() {
    let app = TestApp::start().await;
    let (_, token) = new_screen(&app, "Lobby").await;
    let revoke =
        "UPDATE office_screens SET revoked_at = '2026-11-30T12:00:00.000Z' WHERE id = NEW.id";
    let trigger = match crate::common::engine_under_test() {
        app::sql::Backend::Sqlite => vec![format!(
            "CREATE TRIGGER revoke_on_connect AFTER UPDATE OF last_connected_at ON office_screens \
             BEGIN {revoke}; END"
        )],
        app::sql::Backend::Postgres => vec![
            format!(
                "CREATE FUNCTION revoke_on_connect() RETURNS trigger LANGUAGE plpgsql AS \
                 $$ BEGIN {revoke}; RETURN NULL; END $$"
            ),
            "CREATE TRIGGER revoke_on_connect AFTER UPDATE OF last_connected_at ON office_screens \
             FOR EACH ROW WHEN (pg_trigger_depth() = 0) EXECUTE FUNCTION revoke_on_connect()"
                .to_owned(),
        ],
    };
    for statement in trigger {
        sqlx::query(&statement).execute(&app.pool).await.unwrap();
    }
    // Told before any resume is asked for.
    let mut socket = open_screen(&app, &token).await;
    assert_told_revoked_and_closed(&mut socket).await;
}

/// A socket that missed revocation notices (more arrived at once than the
/// channel holds) asks the database whether it was among them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_screen_that_missed_revocation_notices_asks_the_database() {
    let app = TestApp::start().await;
    let (id, token) = new_screen(&app, "Lobby").await;
    let mut socket = open_screen(&app, &token).await;
    resume(&app, &mut socket).await;
    // Revoked in the database without a notice of its own…
    sqlx::query("UPDATE office_screens SET revoked_at = '2026-11-30T12:00:00.000Z' WHERE id = $1")
        .bind(id)
        .execute(&app.pool)
        .await
        .unwrap();
    // …while notices for other screens overflow the channel (the test's
    // runtime has one thread: the socket cannot read between them).
    for other in 1_000..1_200 {
        app.hub.revoke_screen(other);
    }
    assert_told_revoked_and_closed(&mut socket).await;
}

/// A screen asked to look at the database (its instance's listener came
/// back) while the database does not answer stays on: "disconnected" is
/// for good, and a database that is away revokes nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_screen_that_cannot_ask_the_database_is_not_told_it_was_revoked() {
    let app = TestApp::start().await;
    let (_, token) = new_screen(&app, "Lobby").await;
    let mut socket = open_screen(&app, &token).await;
    resume(&app, &mut socket).await;
    app.pool.close().await;
    app.hub.recheck_screens();
    let heard = next_json(&mut socket, Duration::from_secs(1)).await;
    assert!(
        heard
            .as_ref()
            .is_none_or(|message| message["type"] != "disconnected"),
        "{heard:?}"
    );
    assert!(!closes(&mut socket, Duration::from_millis(500)).await);
}

/// A frame announcing more than a client message may hold is refused from
/// its header, before its payload is read or buffered: the socket closes at
/// once although the rest of the frame never comes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_frame_larger_than_a_client_message_is_refused_from_its_header() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = TestApp::start().await;
    let (_, token) = new_screen(&app, "Lobby").await;
    let host = app.base.trim_start_matches("http://").to_owned();
    let mut tcp = tokio::net::TcpStream::connect(&host).await.unwrap();
    let handshake = format!(
        "GET /ws/screens/{token} HTTP/1.1\r\nHost: {host}\r\nOrigin: {}\r\nUpgrade: websocket\r\n\
         Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
        app.base
    );
    tcp.write_all(handshake.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    while !answer.ends_with(b"\r\n\r\n") {
        let mut byte = [0u8; 1];
        tcp.read_exact(&mut byte).await.unwrap();
        answer.push(byte[0]);
    }
    assert!(
        answer.starts_with(b"HTTP/1.1 101"),
        "{}",
        String::from_utf8_lossy(&answer)
    );
    // A masked text frame that says it carries 64 KiB; 16 bytes of it follow.
    let mut frame = vec![0x81, 0x80 | 127];
    frame.extend_from_slice(&(64_u64 * 1024).to_be_bytes());
    frame.extend_from_slice(&[0, 0, 0, 0]);
    frame.extend_from_slice(b"{\"type\":\"resume\"");
    tcp.write_all(&frame).await.unwrap();
    // The server closes (a close frame, or the connection) well before the
    // ten seconds it waits for a resume.
    let mut buffer = [0u8; 64];
    let read = tokio::time::timeout(Duration::from_secs(3), tcp.read(&mut buffer)).await;
    match read {
        Ok(Ok(0)) | Ok(Err(_)) => {}
        Ok(Ok(_)) => assert_eq!(buffer[0] & 0x0f, 0x8, "a close frame"),
        Err(_) => panic!("the server waited for the rest of an oversized frame"),
    }
}

async fn open_screen(app: &TestApp, token: &str) -> common::checkins::Socket {
    open(app, &format!("/ws/screens/{token}"), None)
        .await
        .unwrap()
}

async fn assert_told_revoked_and_closed(socket: &mut common::checkins::Socket) {
    let told = next_json(socket, Duration::from_secs(3)).await.unwrap();
    assert_eq!(told["type"], "disconnected");
    assert!(closes(socket, Duration::from_secs(3)).await);
}
