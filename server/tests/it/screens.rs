//! Office screens: only the ambassador manages them; a token opens the
//! screen and its socket without a session; a revoked one is closed within
//! seconds; a wrong one is a plain 404; a screen cannot send changes.

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
async fn new_screen(app: &TestApp, name: &str) -> (i64, String) {
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

#[tokio::test]
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
    let stored: String = sqlx::query_scalar("SELECT token_hash FROM office_screens WHERE id = ?")
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

#[tokio::test]
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
        sqlx::query_scalar("SELECT last_connected_at FROM office_screens WHERE id = ?")
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
    let first = resume(&mut socket).await;
    assert_eq!(first["type"], "frame");
    assert!(first["html"].as_str().unwrap().contains("leaderboard-rows"));
}

#[tokio::test]
async fn a_check_in_reaches_an_open_screen() {
    let app = TestApp::start().await;
    let cycle = running_cycle(&app).await;
    let kr = active_key_result(&app, &cycle, 1, MEMBER).await;
    let (_, token) = new_screen(&app, "Lobby").await;
    let mut socket = open(&app, &format!("/ws/screens/{token}"), None)
        .await
        .unwrap();
    let first = resume(&mut socket).await;
    let version = first["version"].as_i64().unwrap();
    let priya = app.signed_in(MEMBER).await;
    check_in(&app, &priya, &uuid(100), &kr, "55", "7").await;
    let frame = next_json(&mut socket, Duration::from_secs(5))
        .await
        .unwrap();
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
        "version": frame["version"], "day": frame["day"] });
    again
        .send(Message::Text(resume.to_string().into()))
        .await
        .unwrap();
    let answer = next_json(&mut again, Duration::from_secs(5)).await.unwrap();
    assert_eq!(answer["type"], "up_to_date");
}

#[tokio::test]
async fn a_revoked_screen_is_told_and_closed_within_seconds() {
    let app = TestApp::start().await;
    let (id, token) = new_screen(&app, "Lobby").await;
    let mut socket = open(&app, &format!("/ws/screens/{token}"), None)
        .await
        .unwrap();
    resume(&mut socket).await;
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

#[tokio::test]
async fn a_screen_socket_cannot_send_changes() {
    let app = TestApp::start().await;
    let cycle = running_cycle(&app).await;
    let kr = active_key_result(&app, &cycle, 1, MEMBER).await;
    let (_, token) = new_screen(&app, "Lobby").await;
    let mut socket = open(&app, &format!("/ws/screens/{token}"), None)
        .await
        .unwrap();
    resume(&mut socket).await;
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

#[tokio::test]
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
