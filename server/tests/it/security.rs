//! Rules every request obeys: no state change from another origin, bounded
//! request bodies, pages that refuse the wrong people.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "helpers of tests fail the test loudly"
)]

use crate::common;

use common::{AMBASSADOR, MEMBER, TestApp};
use reqwest::StatusCode;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cross_origin_post_is_refused_and_changes_nothing() {
    let app = TestApp::start().await;
    let ambassador = app.signed_in(AMBASSADOR).await;
    let before = app.count("SELECT COUNT(*) FROM units").await;
    let attempts = [
        [
            ("origin", "http://evil.example".to_owned()),
            ("x-unused", String::new()),
        ],
        [
            ("sec-fetch-site", "cross-site".to_owned()),
            ("origin", "http://evil.example".to_owned()),
        ],
        [
            ("sec-fetch-site", "same-site".to_owned()),
            ("x-unused", String::new()),
        ],
    ];
    for headers in attempts {
        let mut request = ambassador
            .post(app.url("/api/create_unit"))
            .header("accept", "application/json")
            .form(&[("name", "Forged"), ("parent_id", "")]);
        for (name, value) in headers {
            request = request.header(name, value);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM units").await, before);

    // The same request from the page's own origin goes through.
    let response = ambassador
        .post(app.url("/api/create_unit"))
        .header("accept", "application/json")
        .header("origin", app.base.clone())
        .header("sec-fetch-site", "same-origin")
        .form(&[("name", "Welcome"), ("parent_id", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_oversized_request_body_is_refused() {
    let app = TestApp::start().await;
    let ambassador = app.signed_in(AMBASSADOR).await;
    let huge = "x".repeat(200 * 1024);
    // The server answers 413 from the length alone and may close before the
    // body is all sent: a busy machine's client then sees the connection cut
    // while writing. Such an attempt is asked again; an answer must be 413.
    let mut answered = None;
    for _ in 0..5 {
        let sent = ambassador
            .post(app.url("/api/create_unit"))
            .header("accept", "application/json")
            .form(&[("name", huge.as_str()), ("parent_id", "")])
            .send()
            .await;
        if let Ok(response) = sent {
            answered = Some(response.status());
            break;
        }
    }
    assert_eq!(answered, Some(StatusCode::PAYLOAD_TOO_LARGE));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM units WHERE length(name) > 1000")
            .await,
        0
    );
    // Under the body limit but over the field limit: a field error.
    let (status, body) = app
        .call_json(
            &ambassador,
            "create_unit",
            &[("name", &"x".repeat(81)), ("parent_id", "")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["detail"]["field"], "name");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_send_visitors_to_sign_in() {
    let app = TestApp::start().await;
    for path in ["/", "/admin", "/admin/units"] {
        // As a browser navigates: accepting HTML.
        let response = app
            .client()
            .get(app.url(path))
            .header("accept", "text/html")
            .send()
            .await
            .unwrap();
        assert!(
            response.status().is_redirection(),
            "{path}: {}",
            response.status()
        );
        assert_eq!(response.headers()["location"], "/sign-in", "{path}");
    }
    let response = app.client().get(app.url("/sign-in")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let html = response.text().await.unwrap();
    assert!(html.contains("Sign in to Northstar"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_administration_page_is_not_allowed_for_a_member() {
    let app = TestApp::start().await;
    let member = app.signed_in(MEMBER).await;
    let response = member.get(app.url("/admin")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let html = response.text().await.unwrap();
    assert!(html.contains("Not allowed"));
    assert!(!html.contains("Add a person"));

    let ambassador = app.signed_in(AMBASSADOR).await;
    let response = ambassador.get(app.url("/admin")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let html = response.text().await.unwrap();
    assert!(html.contains("Add a person"));
    assert!(html.contains("Priya Nair"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_page_is_a_404() {
    let app = TestApp::start().await;
    let response = app
        .client()
        .get(app.url("/no/such/page"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_failure_reaches_the_browser_without_its_details() {
    let app = TestApp::start().await;
    let member = app.signed_in(MEMBER).await;
    sqlx::query("DROP TABLE memberships")
        .execute(&app.pool)
        .await
        .unwrap();
    let response = app.call(&member, "list_units", &[]).await;
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let body = response.text().await.unwrap();
    assert!(body.contains("\"internal\""), "{body}");
    assert!(
        !body.contains("memberships") && !body.contains("no such table"),
        "{body}"
    );
}

/// A request the server functions cannot decode is the caller's fault: 400
/// with a JSON error naming the problem, never 500.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn undecodable_requests_answer_400_naming_the_problem() {
    let app = TestApp::start().await;
    let client = app.signed_in(AMBASSADOR).await;
    let post = |endpoint: &str, body: Vec<u8>| {
        client
            .post(app.url(&format!("/api/{endpoint}")))
            .header("accept", "application/json")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
    };
    let cases: [(&str, Vec<u8>, &str); 3] = [
        ("update_objective", b"id=x".to_vec(), "missing field"),
        ("get_board", b"cycle_id=twelve".to_vec(), "invalid digit"),
        (
            "sign_in",
            vec![b'e', b'm', b'a', b'i', b'l', b'=', 0xff, 0xfe],
            "",
        ),
    ];
    for (endpoint, body, words) in cases {
        let response = post(endpoint, body).send().await.unwrap();
        let status = response.status();
        let body: serde_json::Value = response.json().await.unwrap_or_default();
        assert_eq!(status, StatusCode::BAD_REQUEST, "{endpoint}: {body}");
        assert_eq!(body["kind"], "bad_request", "{endpoint}: {body}");
        let detail = body["detail"].as_str().unwrap_or_default();
        assert!(
            detail.contains(words),
            "{endpoint}: “{detail}” should name “{words}”"
        );
    }
}

/// One person's changes are limited (generously in production, 5 here);
/// the refusal says why, stores nothing, and nobody else is slowed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_persons_changes_are_limited_with_a_clear_message() {
    let app = TestApp::start_with(|config| {
        config.write_budget = app::rate::Budget {
            burst: 5,
            refill: std::time::Duration::from_secs(3600),
        };
    })
    .await;
    let cycle = common::board::new_cycle(&app).await;
    let priya = app.signed_in(MEMBER).await;
    let create = |n: u32| {
        let (app, priya, cycle) = (&app, &priya, &cycle);
        async move {
            common::board::create_objective(
                app,
                priya,
                cycle,
                &common::board::uuid(n),
                "Platform",
                &format!("Objective {n}"),
            )
            .await
        }
    };
    for n in 1..=5 {
        assert_eq!(create(n).await.0, StatusCode::OK);
    }
    let (status, body) = create(6).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert_eq!(body["kind"], "too_fast");
    assert_eq!(
        app.count("SELECT count(*) FROM objectives WHERE title = 'Objective 6'")
            .await,
        0
    );
    // Someone else goes on.
    let jonas = app.signed_in(common::LEAD).await;
    let (status, _) = common::board::create_objective(
        &app,
        &jonas,
        &cycle,
        &common::board::uuid(99),
        "Platform",
        "Jonas's objective",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
}
