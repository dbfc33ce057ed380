//! The public API: tokens (only the ambassador makes them; good, revoked,
//! wrong-scope and missing ones), readings pushed with retries applied
//! once, a budget per token, and `docs/api.md`, whose `curl` examples run
//! here exactly as written.

use crate::common::checkins::{next_json, open, resume, running_cycle};
use crate::common::kpis::{days_ago, token};
use crate::common::{self, AMBASSADOR, LEAD, TestApp};
use app::sql::Backend;
use reqwest::{Client, Response, StatusCode};
use serde_json::{Value, json};
use std::time::Duration;

/// The demo's "Average reply time" (Support).
async fn reply_time(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT id FROM kpis WHERE name = 'Average reply time'")
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

async fn post(app: &TestApp, kpi: i64, token: Option<&str>, body: &Value) -> Response {
    let mut request = Client::new()
        .post(app.url(&format!("/api/v1/kpis/{kpi}/readings")))
        .json(body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.unwrap()
}

async fn json_of(response: Response) -> (StatusCode, Value) {
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn readings(app: &TestApp, kpi: i64) -> i64 {
    app.count(&format!(
        "SELECT COUNT(*) FROM kpi_readings WHERE kpi_id = {kpi}"
    ))
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_ambassador_makes_lists_and_revokes_tokens() {
    let app = TestApp::start().await;
    let jonas = app.signed_in(LEAD).await;
    let form = [("name", "Help desk"), ("scope", "kpi:write")];
    let (status, body) = app.call_json(&jonas, "create_api_token", &form).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(app.count("SELECT COUNT(*) FROM api_tokens").await, 0);
    let (status, _) = app.call_json(&jonas, "list_api_tokens", &[]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app
        .call_json(&app.client(), "create_api_token", &form)
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let (id, secret) = token(&app, "Help desk", "kpi:write").await;
    assert!(secret.starts_with("ns_") && secret.len() == 67, "{secret}");
    let stored: String = sqlx::query_scalar("SELECT token_hash FROM api_tokens WHERE id = $1")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(!stored.contains(&secret[3..]), "only a digest is kept");
    let ambassador = app.signed_in(AMBASSADOR).await;
    let (status, list) = app.call_json(&ambassador, "list_api_tokens", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        !list.to_string().contains(&secret[3..]),
        "the list never shows a secret"
    );
    assert_eq!(list["tokens"][0]["last_used_at"], Value::Null);

    let (status, _) = app
        .call_json(&jonas, "revoke_api_token", &[("id", &id.to_string())])
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app
        .call_json(&ambassador, "revoke_api_token", &[("id", &id.to_string())])
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = app
        .call_json(
            &ambassador,
            "create_api_token",
            &[("name", ""), ("scope", "read")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["detail"]["field"], "name");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_good_token_records_a_revoked_missing_or_wrong_one_does_not() {
    let app = TestApp::start().await;
    let kpi = reply_time(&app).await;
    let before = readings(&app, kpi).await;
    let reading = json!({ "date": days_ago(1), "value": 7.5, "note": "Pushed" });
    let (_, all) = token(&app, "Help desk", "kpi:write").await;
    let (other_id, _) = {
        let id: i64 = sqlx::query_scalar("SELECT id FROM kpis WHERE name = 'Uptime'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
        (id, ())
    };
    let (_, only_uptime) = token(&app, "Status page", &format!("kpi:write:{other_id}")).await;
    let (_, reader) = token(&app, "Reporting", "read").await;
    let (revoked_id, revoked) = token(&app, "Old help desk", "kpi:write").await;
    let ambassador = app.signed_in(AMBASSADOR).await;
    app.call_json(
        &ambassador,
        "revoke_api_token",
        &[("id", &revoked_id.to_string())],
    )
    .await;

    let response = post(&app, kpi, None, &reading).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(response.headers()["www-authenticate"], "Bearer");
    let (_, body) = json_of(response).await;
    assert_eq!(body["error"]["code"], "unauthenticated");
    let (status, body) = json_of(post(&app, kpi, Some(&revoked), &reading).await).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"]["message"], "This token has been revoked.");
    let (status, _) = json_of(post(&app, kpi, Some("ns_not-a-token"), &reading).await).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, body) = json_of(post(&app, kpi, Some(&reader), &reading).await).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, body) = json_of(post(&app, kpi, Some(&only_uptime), &reading).await).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(
        readings(&app, kpi).await,
        before,
        "nothing recorded by refused tokens"
    );

    let (status, body) = json_of(post(&app, kpi, Some(&all), &reading).await).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["changed"], 1);
    assert_eq!(readings(&app, kpi).await, before + 1);
    let (source, note): (String, String) =
        sqlx::query_as("SELECT source, note FROM kpi_readings WHERE kpi_id = $1 AND read_on = $2")
            .bind(kpi)
            .bind(days_ago(1))
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!((source.as_str(), note.as_str()), ("api", "Pushed"));
    let used = app
        .count(
            "SELECT COUNT(*) FROM api_tokens WHERE name = 'Help desk' AND last_used_at IS NOT NULL",
        )
        .await;
    assert_eq!(used, 1);

    // A one-KPI token records its own KPI; a writer may not read.
    let (status, _) = json_of(post(&app, other_id, Some(&only_uptime), &reading).await).await;
    assert_eq!(status, StatusCode::OK);
    let read = |token: String| {
        let url = app.url("/api/v1/cycles/1/objectives");
        async move {
            let response = Client::new()
                .get(url)
                .bearer_auth(token)
                .send()
                .await
                .unwrap();
            json_of(response).await
        }
    };
    assert_eq!(read(all.clone()).await.0, StatusCode::FORBIDDEN);
    let (status, cycle) = read(reader.clone()).await;
    assert_eq!(status, StatusCode::OK, "{cycle}");
    assert!(!cycle["objectives"].as_array().unwrap().is_empty());

    // Bad input is named by field, and nothing of the request is stored.
    let batch = json!([
        { "date": days_ago(20), "value": 1 },
        { "date": days_ago(21), "value": "1" },
    ]);
    let (status, body) = json_of(post(&app, kpi, Some(&all), &batch).await).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["field"], "[1].value");
    let future = json!({ "date": days_ago(-1), "value": 1 });
    let (status, body) = json_of(post(&app, kpi, Some(&all), &future).await).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["field"], "date");
    let (status, body) = json_of(post(&app, 999, Some(&all), &reading).await).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert_eq!(readings(&app, kpi).await, before + 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retried_request_is_applied_once() {
    let app = TestApp::start().await;
    running_cycle(&app).await;
    let kpi = reply_time(&app).await;
    let (_, secret) = token(&app, "Help desk", "kpi:write").await;
    let send = |key: &'static str, value: f64| {
        let url = app.url(&format!("/api/v1/kpis/{kpi}/readings"));
        let secret = secret.clone();
        async move {
            Client::new()
                .post(url)
                .bearer_auth(secret)
                .header("idempotency-key", key)
                .json(&json!([{ "date": days_ago(2), "value": value }]))
                .send()
                .await
                .unwrap()
        }
    };
    let cookie = common::cookie_of(&app, AMBASSADOR).await;
    let mut leaderboard = open(&app, "/ws/leaderboard", Some(&cookie)).await.unwrap();
    assert_eq!(resume(&app, &mut leaderboard).await["type"], "snapshot");

    let first = send("week-48", 5.5).await;
    assert_eq!(first.headers().get("idempotent-replay"), None);
    let (status, first) = json_of(first).await;
    assert_eq!(status, StatusCode::OK, "{first}");
    let retry = send("week-48", 5.5).await;
    assert_eq!(retry.headers()["idempotent-replay"], "true");
    let (status, retried) = json_of(retry).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(retried, first, "the retry gets the first answer");
    let version: i64 = sqlx::query_scalar("SELECT version FROM kpis WHERE id = $1")
        .bind(kpi)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(
        json!(version),
        first["version"],
        "the retry changed nothing"
    );

    // The same key with another body is refused, and changes nothing.
    let (status, body) = json_of(send("week-48", 6.5).await).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["code"], "idempotency_key_reused");
    let value: f64 =
        sqlx::query_scalar("SELECT value FROM kpi_readings WHERE kpi_id = $1 AND read_on = $2")
            .bind(kpi)
            .bind(days_ago(2))
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(value, 5.5);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM kpi_reading_history").await,
        0
    );
    // One change, one leaderboard refresh.
    assert!(
        next_json(&mut leaderboard, Duration::from_secs(5))
            .await
            .is_some()
    );
    assert_eq!(
        next_json(&mut leaderboard, Duration::from_millis(600)).await,
        None
    );
}

/// Makes keeping answers for retries fail, as a crash between the readings
/// and their kept answer would leave them (found by `make bench-crash`);
/// returns the statement that stops it.
async fn refuse_to_keep_answers(app: &TestApp) -> &'static str {
    let (statements, undo): (&[&str], _) = match common::engine_under_test() {
        Backend::Sqlite => (
            &[
                "CREATE TRIGGER refuse_answers BEFORE INSERT ON api_idempotency \
               BEGIN SELECT RAISE(ABORT, 'disk full'); END",
            ],
            "DROP TRIGGER refuse_answers",
        ),
        Backend::Postgres => (
            &[
                "CREATE FUNCTION refuse_answers() RETURNS trigger AS $$ \
                 BEGIN RAISE EXCEPTION 'disk full'; END $$ LANGUAGE plpgsql",
                "CREATE TRIGGER refuse_answers BEFORE INSERT ON api_idempotency \
                 FOR EACH ROW EXECUTE FUNCTION refuse_answers()",
            ],
            "DROP TRIGGER refuse_answers ON api_idempotency",
        ),
    };
    for statement in statements {
        sqlx::query(statement).execute(&app.pool).await.unwrap();
    }
    undo
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readings_whose_answer_cannot_be_kept_are_not_recorded() {
    let app = TestApp::start().await;
    let kpi = reply_time(&app).await;
    let (_, secret) = token(&app, "Help desk", "kpi:write").await;
    let send = || {
        Client::new()
            .post(app.url(&format!("/api/v1/kpis/{kpi}/readings")))
            .bearer_auth(&secret)
            .header("idempotency-key", "week-49")
            .json(&json!({ "date": days_ago(3), "value": 5.5 }))
            .send()
    };
    let stored = || async {
        app.count(&format!(
            "SELECT COUNT(*) FROM kpi_readings WHERE kpi_id = {kpi} AND read_on = '{}'",
            days_ago(3)
        ))
        .await
    };
    let before = stored().await;
    let undo = refuse_to_keep_answers(&app).await;
    let (status, body) = json_of(send().await.unwrap()).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR, "{body}");
    assert_eq!(
        stored().await,
        before,
        "readings and the answer kept for their retry stand or fall together"
    );

    sqlx::query(undo).execute(&app.pool).await.unwrap();
    let first = send().await.unwrap();
    assert_eq!(first.headers().get("idempotent-replay"), None);
    let (status, first) = json_of(first).await;
    assert_eq!(status, StatusCode::OK, "{first}");
    assert_eq!(first["changed"], 1, "the retry is the first to record it");
    let retry = send().await.unwrap();
    assert_eq!(retry.headers()["idempotent-replay"], "true");
    assert_eq!(json_of(retry).await.1, first);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_token_has_its_own_budget() {
    let app = TestApp::start().await;
    let (_, busy) = token(&app, "Busy", "read").await;
    let (_, calm) = token(&app, "Calm", "read").await;
    let client = Client::new();
    let get = |token: &str| {
        client
            .get(app.url("/api/v1/cycles/1/objectives"))
            .bearer_auth(token)
            .send()
    };
    let mut ok = 0;
    let mut limited = None;
    let started = std::time::Instant::now();
    for _ in 0..120 {
        let response = get(&busy).await.unwrap();
        match response.status() {
            StatusCode::OK => ok += 1,
            StatusCode::TOO_MANY_REQUESTS => {
                limited = Some(response);
                break;
            }
            other => panic!("unexpected {other}"),
        }
    }
    let limited = limited.expect("the budget ran out");
    assert_eq!(limited.headers()["retry-after"], "1");
    let (_, body) = json_of(limited).await;
    assert_eq!(body["error"]["code"], "rate_limited");
    // 60 at once, plus what refilled while they were answered.
    let refilled = (started.elapsed().as_millis() / 500) as i32;
    assert!(
        ok >= 60 && ok <= 61 + refilled,
        "{ok} answered in {:?}",
        started.elapsed()
    );
    assert_eq!(get(&calm).await.unwrap().status(), StatusCode::OK);
}

/// A fenced block of `docs/api.md`: its language and text.
fn blocks(markdown: &str) -> Vec<(String, String)> {
    let mut blocks = Vec::new();
    let mut current: Option<(String, String)> = None;
    for line in markdown.lines() {
        match (&mut current, line.strip_prefix("```")) {
            (None, Some(language)) => current = Some((language.trim().to_owned(), String::new())),
            (Some(_), Some("")) => blocks.extend(current.take()),
            (Some((_, text)), _) => {
                text.push_str(line);
                text.push('\n');
            }
            (None, None) => {}
        }
    }
    blocks
}

/// Whether every field of `expected` is in `actual` with the same value.
fn contains(actual: &Value, expected: &Value) -> bool {
    match (actual, expected) {
        (Value::Object(a), Value::Object(e)) => e
            .iter()
            .all(|(key, value)| a.get(key).is_some_and(|found| contains(found, value))),
        _ => actual == expected,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_examples_of_the_api_documentation_run_as_written() {
    let app = TestApp::start().await;
    let (_, write) = token(&app, "Help desk", "kpi:write").await;
    let (_, read) = token(&app, "Reporting", "read").await;
    assert_eq!(reply_time(&app).await, 1, "the examples name KPI 1");
    let markdown = include_str!("../../../docs/api.md");
    let blocks = blocks(markdown);
    let mut ran = 0;
    for (i, (language, script)) in blocks.iter().enumerate() {
        if language != "sh" {
            continue;
        }
        // Blocking, off the runtime that serves the requests.
        let command = {
            let mut command = std::process::Command::new("bash");
            command
                .args(["-euo", "pipefail", "-c", script])
                .env("NORTHSTAR", &app.base)
                .env("TOKEN", &write)
                .env("READ_TOKEN", &read);
            command
        };
        let output = tokio::task::spawn_blocking(move || {
            let mut command = command;
            command.output()
        })
        .await
        .unwrap()
        .expect("bash runs");
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success(),
            "example {i} failed:\n{script}\n{stdout}\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let answer: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| {
            panic!("example {i} did not answer JSON ({e}):\n{script}\n{stdout}")
        });
        if let Some((next, expected)) = blocks.get(i + 1)
            && next == "json"
        {
            let expected: Value = serde_json::from_str(expected).expect("the page's JSON parses");
            assert!(
                contains(&answer, &expected),
                "example {i} answered\n{answer}\nbut the page shows\n{expected}"
            );
        }
        ran += 1;
    }
    assert!(ran >= 5, "only {ran} examples found");
    let replaced = app
        .count("SELECT COUNT(*) FROM kpi_readings WHERE source = 'api'")
        .await;
    assert!(replaced >= 3, "the examples recorded readings");
}
