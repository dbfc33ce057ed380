//! `/metrics` for Prometheus: served on its own listener only, counting
//! pages, server functions, sockets, the fan-out, the leaderboard, refused
//! sign-ins and the pool; and nothing per request when it is off.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "helpers of tests fail the test loudly"
)]

use crate::common;

use common::checkins::{active_key_result, open, running_cycle};
use common::{AMBASSADOR, MEMBER, TestApp, cookie_of};
use reqwest::StatusCode;
use std::net::SocketAddr;
use std::time::Duration;

/// The value of the sample named `series` (name and labels, as written), if any.
fn value(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
}

async fn scrape(metrics: SocketAddr) -> String {
    let response = reqwest::get(format!("http://{metrics}/metrics"))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let content_type = response.headers()["content-type"].to_str().unwrap();
    assert_eq!(content_type, "text/plain; version=0.0.4; charset=utf-8");
    response.text().await.unwrap()
}

/// Scrapes until `ready` holds of the text (what is counted after a
/// commit, like the leaderboard, comes a moment later), five seconds at most.
async fn scrape_until(metrics: SocketAddr, ready: impl Fn(&str) -> bool) -> String {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        let text = scrape(metrics).await;
        if ready(&text) || tokio::time::Instant::now() > deadline {
            return text;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scrape_names_what_happened_by_route_template_and_kind() {
    let app = TestApp::start_with(|config| {
        config.metrics_addr = Some("127.0.0.1:0".parse().unwrap());
        // One wrong password per account, then the limiter refuses.
        config.sign_in_limits.account_burst = 1;
    })
    .await;
    let metrics = server::metrics::listen("127.0.0.1:0".parse().unwrap(), &app.state)
        .await
        .unwrap();

    // A page, a failed sign-in and a refused one, a board's changes.
    let visitor = app.client();
    let page = visitor.get(app.url("/sign-in")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    for expected in [
        StatusCode::UNPROCESSABLE_ENTITY,
        StatusCode::TOO_MANY_REQUESTS,
    ] {
        let wrong = [("email", MEMBER), ("password", "not the password")];
        let response = app.call(&visitor, "sign_in", &wrong).await;
        assert_eq!(response.status(), expected);
    }
    let cycle = running_cycle(&app).await;
    active_key_result(&app, &cycle, 1, AMBASSADOR).await;
    // An address with an id: counted by its route's template.
    let ambassador = app.signed_in(AMBASSADOR).await;
    ambassador
        .get(app.url("/cycles/987654321/board"))
        .send()
        .await
        .unwrap();
    // A live socket, open while scraped.
    let mut kpis = open(&app, "/ws/kpis", Some(&cookie_of(&app, AMBASSADOR).await))
        .await
        .unwrap();
    common::checkins::next_json(&mut kpis, Duration::from_secs(5))
        .await
        .expect("hello");

    let text = scrape_until(metrics, |text| {
        value(
            text,
            "northstar_leaderboard_recompute_duration_seconds_count",
        )
        .is_some_and(|n| n >= 1.0)
    })
    .await;
    let at_least = |series: &str, least: f64| {
        let found = value(&text, series);
        assert!(
            found.is_some_and(|n| n >= least),
            "{series} is {found:?}, expected at least {least}:\n{text}"
        );
    };
    for (series, exactly) in [
        (
            r#"northstar_http_requests_total{method="GET",route="/sign-in",status="200"}"#,
            1.0,
        ),
        (
            r#"northstar_http_requests_total{method="POST",route="/api/sign_in",status="429"}"#,
            1.0,
        ),
        (
            r#"northstar_server_fn_calls_total{name="sign_in",outcome="error"}"#,
            2.0,
        ),
        (
            r#"northstar_sign_in_failures_total{reason="wrong_credentials"}"#,
            1.0,
        ),
        (
            r#"northstar_limiter_refusals_total{limiter="sign_in"}"#,
            1.0,
        ),
        (r#"northstar_limiter_refusals_total{limiter="writes"}"#, 0.0),
        (r#"northstar_websockets_open{kind="kpis"}"#, 1.0),
        (r#"northstar_websockets_open{kind="board"}"#, 0.0),
    ] {
        assert_eq!(value(&text, series), Some(exactly), "{series}:\n{text}");
    }
    at_least(
        r#"northstar_server_fn_calls_total{name="sign_in",outcome="ok"}"#,
        1.0,
    );
    at_least(
        r#"northstar_server_fn_calls_total{name="create_key_result",outcome="ok"}"#,
        1.0,
    );
    at_least(
        r#"northstar_server_fn_duration_seconds_count{name="create_objective"}"#,
        1.0,
    );
    at_least(
        r#"northstar_http_request_duration_seconds_count{method="GET",route="/cycles/{id}/board"}"#,
        1.0,
    );
    // Created, proposed, activated, a key result added: four events at least.
    at_least(r#"northstar_live_published_total{kind="board_event"}"#, 4.0);
    at_least("northstar_live_fanout_seconds_count", 1.0);
    at_least(r#"northstar_live_published_total{kind="leaderboard"}"#, 1.0);
    at_least(
        "northstar_leaderboard_recompute_duration_seconds_count",
        1.0,
    );
    at_least("northstar_db_write_begin_duration_seconds_count", 4.0);
    at_least("northstar_db_pool_max_connections", 1.0);
    at_least(r#"northstar_db_pool_connections{state="idle"}"#, 0.0);
    at_least(r#"northstar_db_pool_connections{state="in_use"}"#, 0.0);
    let build = format!(
        r#"northstar_build_info{{version="{}",commit="{}"}}"#,
        env!("CARGO_PKG_VERSION"),
        server::version::COMMIT
    );
    assert_eq!(value(&text, &build), Some(1.0), "{build}:\n{text}");
    // Never the raw path: an id in an address is not a series of its own.
    assert!(!text.contains("987654321"), "{text}");

    // The socket closes: it is no longer counted.
    drop(kpis);
    let text = scrape_until(metrics, |text| {
        value(text, r#"northstar_websockets_open{kind="kpis"}"#) == Some(0.0)
    })
    .await;
    assert_eq!(
        value(&text, r#"northstar_websockets_open{kind="kpis"}"#),
        Some(0.0)
    );

    // The public address does not serve them.
    let public = visitor.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(public.status(), StatusCode::NOT_FOUND);
    let body = public.text().await.unwrap();
    assert!(!body.contains("northstar_"), "{body}");
    // An address no route knows is counted as the fallback, not by its path.
    let text = scrape(metrics).await;
    assert_eq!(
        value(
            &text,
            r#"northstar_http_requests_total{method="GET",route="fallback",status="404"}"#
        ),
        Some(1.0),
        "{text}"
    );
    assert!(!text.contains("route=\"/metrics\""), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_metrics_no_request_is_counted() {
    let app = TestApp::start().await;
    let client = app.client();
    let page = client.get(app.url("/sign-in")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    app.signed_in(MEMBER).await;
    let text = app.state.metrics.encode(&app.pool).unwrap();
    assert!(
        !text.contains("northstar_http_requests_total{"),
        "no request counted: {text}"
    );
    assert!(!text.contains("northstar_server_fn_calls_total{"), "{text}");
}

/// A `northstar serve` child process, killed when dropped (also when the test fails).
struct Serving(std::process::Child);

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_with_metrics_addr_serves_them_there_and_only_there() {
    use std::io::BufRead;
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("metrics.db").display());
    let mut serving = Serving(
        std::process::Command::new(env!("CARGO_BIN_EXE_northstar"))
            .args(["serve", "--addr", "127.0.0.1:0", "--database-url", &url])
            .args(["--metrics-addr", "127.0.0.1:0"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap(),
    );
    // Both addresses, as printed for the person who started it.
    let stdout = serving.0.stdout.take().unwrap();
    let (public, metrics) = tokio::task::spawn_blocking(move || {
        let (mut public, mut metrics) = (None, None);
        for line in std::io::BufReader::new(stdout).lines() {
            let line = line.unwrap();
            let line = line.trim();
            if let Some(address) = line.strip_prefix("Northstar is running at ") {
                public = Some(address.trim_end_matches('/').to_owned());
            }
            if let Some(address) = line.strip_prefix("Metrics for Prometheus at ") {
                metrics = Some(address.to_owned());
            }
            if line.starts_with("Press Ctrl-C") {
                break;
            }
        }
        (
            public.expect("the public address"),
            metrics.expect("the metrics' address"),
        )
    })
    .await
    .unwrap();
    assert_ne!(public, metrics.trim_end_matches("/metrics"));

    let health = reqwest::get(format!("{public}/healthz")).await.unwrap();
    assert_eq!(health.status(), StatusCode::OK);
    let not_here = reqwest::get(format!("{public}/metrics")).await.unwrap();
    assert_eq!(not_here.status(), StatusCode::NOT_FOUND);
    assert!(
        !not_here
            .text()
            .await
            .unwrap()
            .contains("northstar_build_info")
    );
    let text = reqwest::get(&metrics).await.unwrap().text().await.unwrap();
    assert_eq!(
        value(
            &text,
            r#"northstar_http_requests_total{method="GET",route="/healthz",status="200"}"#
        ),
        Some(1.0),
        "{text}"
    );
    assert!(text.contains("northstar_build_info{"), "{text}");
}
