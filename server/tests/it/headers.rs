//! The headers every response carries, the public address and its cookie,
//! and forwarding headers believed from trusted proxies only.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "helpers of tests fail the test loudly"
)]

use crate::common::{AMBASSADOR, MEMBER, PASSWORD, TestApp};
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, SET_COOKIE};

fn header<'a>(headers: &'a HeaderMap, name: &str) -> &'a str {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_response_carries_the_security_headers() {
    let app = TestApp::start().await;
    let client = app.signed_in(AMBASSADOR).await;
    let page = client.get(app.url("/")).send().await.unwrap();
    let api = app.call(&client, "get_current_user", &[]).await;
    let missing = client.get(app.url("/no-such-page")).send().await.unwrap();
    for (what, response) in [("page", page), ("server function", api), ("404", missing)] {
        let headers = response.headers().clone();
        assert_eq!(
            header(&headers, "x-content-type-options"),
            "nosniff",
            "{what}"
        );
        assert_eq!(header(&headers, "referrer-policy"), "same-origin", "{what}");
        let csp = header(&headers, "content-security-policy");
        assert!(csp.contains("default-src 'self'"), "{what}: {csp}");
        assert!(csp.contains("'wasm-unsafe-eval'"), "{what}: {csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{what}: {csp}");
        assert!(
            !csp.contains("script-src 'self' 'unsafe-inline'"),
            "{what}: {csp}"
        );
        assert!(
            headers.get(app::CSP_NONCE_HEADER).is_none(),
            "{what}: the nonce header is internal"
        );
        assert!(
            headers.get("strict-transport-security").is_none(),
            "{what}: no HSTS over http"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_scripts_carry_the_policys_nonce() {
    let app = TestApp::start().await;
    let client = app.signed_in(AMBASSADOR).await;
    let mut nonces = Vec::new();
    for _ in 0..2 {
        let response = client.get(app.url("/")).send().await.unwrap();
        let csp = header(response.headers(), "content-security-policy").to_owned();
        let nonce = csp
            .split("'nonce-")
            .nth(1)
            .and_then(|rest| rest.split('\'').next())
            .expect("a nonce in the policy")
            .to_owned();
        let html = response.text().await.unwrap();
        let inline_scripts = html.matches("<script").count();
        let with_nonce = html.matches(&format!("nonce=\"{nonce}\"")).count();
        assert!(inline_scripts > 0);
        assert!(with_nonce > 0, "the page's scripts name the nonce:\n{html}");
        nonces.push(nonce);
    }
    assert_ne!(nonces[0], nonces[1], "a fresh nonce for every page");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn office_screens_may_be_framed_by_the_configured_dashboards_only() {
    let app = TestApp::start_with(|config| {
        config.screen_frame_ancestors = vec![
            "https://dash.example.org".into(),
            "'unsafe-inline' https://x; script-src *".into(),
        ];
    })
    .await;
    let client = app.client();
    let screen = client
        .get(app.url("/screen/not-a-token"))
        .send()
        .await
        .unwrap();
    let csp = header(screen.headers(), "content-security-policy").to_owned();
    assert!(
        csp.ends_with("frame-ancestors https://dash.example.org"),
        "{csp}"
    );
    let page = client.get(app.url("/sign-in")).send().await.unwrap();
    let csp = header(page.headers(), "content-security-policy").to_owned();
    assert!(csp.ends_with("frame-ancestors 'none'"), "{csp}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_https_public_url_makes_the_cookie_secure_and_refuses_other_hosts() {
    let app = TestApp::start_with(|config| {
        config.public_url = Some("https://okr.example.org".parse().unwrap());
    })
    .await;
    let client = app.client();
    // The tests speak plain http to 127.0.0.1, naming the public host.
    let sign_in = client
        .post(app.url("/api/sign_in"))
        .header("host", "okr.example.org")
        .header("accept", "application/json")
        .form(&[("email", MEMBER), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(sign_in.status(), StatusCode::OK);
    let cookie = sign_in
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("__Host-northstar_session="))
        .expect("the __Host- cookie")
        .to_owned();
    assert!(cookie.contains("Secure"), "{cookie}");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("Path=/"), "{cookie}");
    assert!(!cookie.contains("Domain"), "{cookie}");
    assert!(
        header(sign_in.headers(), "strict-transport-security").starts_with("max-age="),
        "HSTS"
    );
    // Another Host (a rebinding name, or the bare address) is refused…
    for host in ["evil.example", "127.0.0.1"] {
        let response = client
            .get(app.url("/"))
            .header("host", host)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::MISDIRECTED_REQUEST, "{host}");
    }
    // …but load balancers reach /healthz by address.
    let health = client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), StatusCode::OK);
}

/// Five failed sign-ins for Priya, each from the address in `forwarded`.
async fn fail_five_times(app: &TestApp, forwarded: &str) {
    for _ in 0..5 {
        let response = app
            .client()
            .post(app.url("/api/sign_in"))
            .header("accept", "application/json")
            .header("x-forwarded-for", forwarded)
            .form(&[("email", MEMBER), ("password", "guess-guess")])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
}

async fn sign_in_from(app: &TestApp, forwarded: &str) -> StatusCode {
    app.client()
        .post(app.url("/api/sign_in"))
        .header("accept", "application/json")
        .header("x-forwarded-for", forwarded)
        .form(&[("email", MEMBER), ("password", PASSWORD)])
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_a_trusted_proxy_a_stranger_cannot_lock_an_account() {
    let app = TestApp::start_with(|config| {
        config.trusted_proxies = server::config::parse_networks("127.0.0.1").unwrap();
    })
    .await;
    fail_five_times(&app, "203.0.113.5").await;
    assert_eq!(
        sign_in_from(&app, "203.0.113.5").await,
        StatusCode::TOO_MANY_REQUESTS,
        "the guesser waits"
    );
    assert_eq!(
        sign_in_from(&app, "198.51.100.7").await,
        StatusCode::OK,
        "the owner, elsewhere, signs in"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forwarding_headers_from_anyone_else_are_ignored() {
    let app = TestApp::start().await;
    fail_five_times(&app, "203.0.113.5").await;
    // A made-up X-Forwarded-For does not escape the limit: the peer counts.
    assert_eq!(
        sign_in_from(&app, "198.51.100.7").await,
        StatusCode::TOO_MANY_REQUESTS
    );
}
