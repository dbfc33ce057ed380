//! Signing in and out: passwords, sessions, and the rate limit.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "helpers of tests fail the test loudly"
)]

use crate::common;

use common::{AMBASSADOR, MEMBER, PASSWORD, TestApp, call_with_cookie, error_kind, session_cookie};
use reqwest::StatusCode;
use serde_json::Value;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_in_shows_who_is_signed_in_with_their_units() {
    let app = TestApp::start().await;
    let client = app.client();
    let (_, before) = app.call_json(&client, "get_current_user", &[]).await;
    assert_eq!(before, Value::Null);

    let client = app.signed_in(MEMBER).await;
    let (status, me) = app.call_json(&client, "get_current_user", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["name"], "Priya Nair");
    assert_eq!(me["role"], "member");
    assert_eq!(
        me["units"][0]["path"],
        serde_json::json!(["Engineering", "Platform"])
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_password_is_refused_with_one_message() {
    let app = TestApp::start().await;
    let client = app.client();
    let (status, body) = app
        .call_json(
            &client,
            "sign_in",
            &[("email", AMBASSADOR), ("password", "not-the-password")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_kind(&body), "invalid");
    assert_eq!(body["detail"]["message"], "Wrong email or password.");
    // An unknown email gets the very same answer.
    let (_, unknown) = app
        .call_json(
            &client,
            "sign_in",
            &[("email", "nobody@x.org"), ("password", "whatever")],
        )
        .await;
    assert_eq!(unknown, body);
    let (_, me) = app.call_json(&client, "get_current_user", &[]).await;
    assert_eq!(me, Value::Null);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn passwords_are_stored_as_argon2id_hashes() {
    let app = TestApp::start().await;
    let hash: String = sqlx::query_scalar("SELECT password_hash FROM people WHERE email = $1")
        .bind(AMBASSADOR)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    assert!(!hash.contains(PASSWORD));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_session_cookie_is_http_only_and_same_site() {
    let app = TestApp::start().await;
    let response = call_with_cookie(
        &app,
        None,
        "sign_in",
        &[("email", MEMBER), ("password", PASSWORD)],
    )
    .await;
    let set_cookie = response
        .headers()
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(set_cookie.contains("HttpOnly"), "{set_cookie}");
    assert!(set_cookie.contains("SameSite=Lax"), "{set_cookie}");
    assert!(
        !set_cookie.contains("Secure"),
        "plain HTTP by default: {set_cookie}"
    );

    let secure = TestApp::start_with(|c| c.secure_cookies = true).await;
    let response = call_with_cookie(
        &secure,
        None,
        "sign_in",
        &[("email", MEMBER), ("password", PASSWORD)],
    )
    .await;
    let set_cookie = response
        .headers()
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap();
    assert!(set_cookie.contains("Secure"), "{set_cookie}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_in_cycles_the_session_id() {
    let app = TestApp::start().await;
    let first = call_with_cookie(
        &app,
        None,
        "sign_in",
        &[("email", MEMBER), ("password", PASSWORD)],
    )
    .await;
    let planted = session_cookie(first.headers()).expect("a session cookie");
    // Signing in again while holding that session yields a new id…
    let second = call_with_cookie(
        &app,
        Some(&planted),
        "sign_in",
        &[("email", AMBASSADOR), ("password", PASSWORD)],
    )
    .await;
    assert_eq!(second.status(), StatusCode::OK);
    let renewed = session_cookie(second.headers()).expect("a renewed cookie");
    assert_ne!(planted, renewed);
    // …and the old id no longer opens anything.
    let old: Value = call_with_cookie(&app, Some(&planted), "get_current_user", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(old, Value::Null);
    let new: Value = call_with_cookie(&app, Some(&renewed), "get_current_user", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(new["email"], AMBASSADOR);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_out_ends_the_session_on_the_server() {
    let app = TestApp::start().await;
    let response = call_with_cookie(
        &app,
        None,
        "sign_in",
        &[("email", MEMBER), ("password", PASSWORD)],
    )
    .await;
    let cookie = session_cookie(response.headers()).unwrap();
    let sessions_before = app
        .count(&format!(
            "SELECT COUNT(*) FROM {}",
            crate::common::sessions_table()
        ))
        .await;
    assert_eq!(
        call_with_cookie(&app, Some(&cookie), "sign_out", &[])
            .await
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM {}",
            crate::common::sessions_table()
        ))
        .await,
        sessions_before - 1
    );
    // Replaying the old cookie does not bring the session back.
    let me: Value = call_with_cookie(&app, Some(&cookie), "get_current_user", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me, Value::Null);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deactivated_person_is_signed_out_and_cannot_sign_in() {
    let app = TestApp::start().await;
    let member = app.signed_in(MEMBER).await;
    let ambassador = app.signed_in(AMBASSADOR).await;
    let id = app.person_id(MEMBER).await.to_string();
    let (status, _) = app
        .call_json(
            &ambassador,
            "set_person_active",
            &[("person_id", &id), ("active", "false")],
        )
        .await;
    assert_eq!(status, StatusCode::OK);

    let (_, me) = app.call_json(&member, "get_current_user", &[]).await;
    assert_eq!(me, Value::Null, "the open session ends");
    let (status, body) = app
        .call_json(
            &app.client(),
            "sign_in",
            &[("email", MEMBER), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body["detail"]["message"]
            .as_str()
            .unwrap()
            .contains("deactivated")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_attempts_are_limited_per_account() {
    let app = TestApp::start().await;
    let client = app.client();
    for _ in 0..5 {
        let (status, _) = app
            .call_json(
                &client,
                "sign_in",
                &[("email", MEMBER), ("password", "guess-guess")],
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    // Even the right password waits now.
    let (status, body) = app
        .call_json(
            &client,
            "sign_in",
            &[("email", MEMBER), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(error_kind(&body), "rate_limited");
    // Another account from the same address is not affected yet.
    let (status, _) = app
        .call_json(
            &client,
            "sign_in",
            &[("email", AMBASSADOR), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_attempts_are_limited_per_address() {
    let app = TestApp::start_with(|c| c.sign_in_limits.address_burst = 4).await;
    let client = app.client();
    for n in 0..4 {
        let email = format!("guess{n}@northstar.demo");
        let (status, _) = app
            .call_json(
                &client,
                "sign_in",
                &[("email", &email), ("password", "guess-guess")],
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let (status, _) = app
        .call_json(
            &client,
            "sign_in",
            &[("email", AMBASSADOR), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn empty_fields_are_named() {
    let app = TestApp::start().await;
    let (status, body) = app
        .call_json(
            &app.client(),
            "sign_in",
            &[("email", " "), ("password", "x")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["detail"]["field"], "email");
    let (_, body) = app
        .call_json(
            &app.client(),
            "sign_in",
            &[("email", MEMBER), ("password", "")],
        )
        .await;
    assert_eq!(body["detail"]["field"], "password");
}

/// Only failures count: a person who signs in on many devices is never
/// told to wait.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn successful_sign_ins_are_never_limited() {
    let app = TestApp::start().await;
    for _ in 0..8 {
        app.signed_in(MEMBER).await;
    }
}
