//! Accounts people expect: changing one's name and password (the current
//! password required, the other sessions ended), and the ambassador's
//! one-time reset links.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "helpers of tests fail the test loudly"
)]

use crate::common::checkins::{next_json, open, resume};
use crate::common::{self, AMBASSADOR, MEMBER, PASSWORD, TestApp, error_kind};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use std::time::Duration;

const NEW_PASSWORD: &str = "a brand new passphrase";

async fn who(app: &TestApp, client: &Client) -> Value {
    app.call_json(client, "get_current_user", &[]).await.1
}

async fn change_password(
    app: &TestApp,
    client: &Client,
    current: &str,
    new: &str,
    repeat: &str,
) -> (StatusCode, Value) {
    app.call_json(
        client,
        "change_my_password",
        &[
            ("current_password", current),
            ("new_password", new),
            ("repeat_password", repeat),
        ],
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_renames_themselves() {
    let app = TestApp::start().await;
    let priya = app.signed_in(MEMBER).await;
    let (status, body) = app
        .call_json(&priya, "change_my_name", &[("name", "  ")])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["detail"]["field"], "name");
    let (status, body) = app
        .call_json(&priya, "change_my_name", &[("name", "Priya N\u{202E}air ")])
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(who(&app, &priya).await["name"], "Priya Nair");
    // Nobody signed in renames nobody.
    let (status, _) = app
        .call_json(&app.client(), "change_my_name", &[("name", "X")])
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changing_the_password_needs_the_current_one_and_ends_the_other_sessions() {
    let app = TestApp::start().await;
    let laptop = app.signed_in(MEMBER).await;
    let phone = app.signed_in(MEMBER).await;
    let phone_cookie = common::cookie_with(&app, MEMBER, PASSWORD).await.unwrap();
    let mut phone_socket = open(&app, "/ws/leaderboard", Some(&phone_cookie))
        .await
        .unwrap();
    resume(&app, &mut phone_socket).await;

    let (status, body) =
        change_password(&app, &laptop, "wrong password", NEW_PASSWORD, NEW_PASSWORD).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["detail"]["field"], "current_password");
    let (status, body) =
        change_password(&app, &laptop, PASSWORD, NEW_PASSWORD, "a brand new typo").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["detail"]["field"], "repeat_password");
    let (status, body) = change_password(&app, &laptop, PASSWORD, "short", "short").await;
    assert_eq!(body["detail"]["field"], "new_password", "{status} {body}");

    let (status, body) = change_password(&app, &laptop, PASSWORD, NEW_PASSWORD, NEW_PASSWORD).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // This session goes on; the others have ended, their sockets too.
    assert_eq!(who(&app, &laptop).await["email"], MEMBER);
    assert_eq!(who(&app, &phone).await, Value::Null);
    let ended = next_json(&mut phone_socket, Duration::from_secs(1)).await;
    assert_eq!(
        ended,
        Some(json!({ "type": "session_ended", "reason": "password_changed" }))
    );
    // The old password is gone, the new one works.
    assert!(common::cookie_with(&app, MEMBER, PASSWORD).await.is_none());
    assert!(
        common::cookie_with(&app, MEMBER, NEW_PASSWORD)
            .await
            .is_some()
    );
}

async fn make_reset(app: &TestApp, for_email: &str) -> String {
    let ambassador = app.signed_in(AMBASSADOR).await;
    let id = app.person_id(for_email).await.to_string();
    let (status, reset) = app
        .call_json(&ambassador, "create_password_reset", &[("person_id", &id)])
        .await;
    assert_eq!(status, StatusCode::OK, "{reset}");
    assert_eq!(reset["person_name"], "Priya Nair");
    reset["path"]
        .as_str()
        .unwrap()
        .strip_prefix("/reset/")
        .unwrap()
        .to_owned()
}

async fn reset(app: &TestApp, token: &str, password: &str) -> (StatusCode, Value) {
    app.call_json(
        &app.client(),
        "reset_password",
        &[
            ("token", token),
            ("new_password", password),
            ("repeat_password", password),
        ],
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reset_link_works_once_and_ends_every_session() {
    let app = TestApp::start().await;
    // Only the ambassador makes links.
    let lead = app.signed_in(common::LEAD).await;
    let priya_id = app.person_id(MEMBER).await.to_string();
    let (status, _) = app
        .call_json(&lead, "create_password_reset", &[("person_id", &priya_id)])
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let signed_in = app.signed_in(MEMBER).await;
    let token = make_reset(&app, MEMBER).await;
    // Only the digest is stored.
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM password_resets WHERE token_hash = '{token}'"
        ))
        .await,
        0
    );
    let (status, name) = app
        .call_json(&app.client(), "check_password_reset", &[("token", &token)])
        .await;
    assert_eq!((status, name), (StatusCode::OK, json!("Priya Nair")));
    let (status, body) = reset(&app, &token, "short").await;
    assert_eq!(body["detail"]["field"], "new_password", "{status}");

    let (status, body) = reset(&app, &token, NEW_PASSWORD).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        who(&app, &signed_in).await,
        Value::Null,
        "every session ended"
    );
    assert!(
        common::cookie_with(&app, MEMBER, NEW_PASSWORD)
            .await
            .is_some()
    );
    // Used up.
    let (status, body) = reset(&app, &token, "another new passphrase").await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("expired or was already used")
    );
    assert!(
        common::cookie_with(&app, MEMBER, NEW_PASSWORD)
            .await
            .is_some()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reset_link_expires_and_a_new_one_replaces_it() {
    let app = TestApp::start().await;
    let first = make_reset(&app, MEMBER).await;
    let second = make_reset(&app, MEMBER).await;
    let (status, body) = reset(&app, &first, NEW_PASSWORD).await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "the newer link replaced it: {body}"
    );
    sqlx::query("UPDATE password_resets SET expires_at = '2000-01-01T00:00:00Z'")
        .execute(&app.pool)
        .await
        .unwrap();
    let (status, body) = reset(&app, &second, NEW_PASSWORD).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(error_kind(&body), "conflict");
    assert!(
        common::cookie_with(&app, MEMBER, PASSWORD).await.is_some(),
        "nothing changed"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guessed_reset_tokens_are_limited_like_sign_ins() {
    let app = TestApp::start_with(|config| config.sign_in_limits.address_burst = 3).await;
    let bogus = "0".repeat(64);
    for _ in 0..3 {
        let (status, _) = reset(&app, &bogus, NEW_PASSWORD).await;
        assert_eq!(status, StatusCode::CONFLICT);
    }
    let (status, body) = reset(&app, &bogus, NEW_PASSWORD).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_changed_password_drops_an_unused_reset_link() {
    let app = TestApp::start().await;
    let token = make_reset(&app, MEMBER).await;
    let priya = app.signed_in(MEMBER).await;
    let (status, _) = change_password(&app, &priya, PASSWORD, NEW_PASSWORD, NEW_PASSWORD).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = reset(&app, &token, "another new passphrase").await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "the older link no longer works"
    );
}
