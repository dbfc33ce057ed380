//! Key results on the board: validation, who may update them, and the
//! data-readiness checklist.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "helpers of tests fail the test loudly"
)]

use crate::common;

use common::board::{WEB_MEMBER, create_objective, new_cycle, uuid};
use common::{LEAD, MEMBER, TestApp};
use reqwest::{Client, StatusCode};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_key_results_name_their_field_and_store_nothing() {
    let app = TestApp::start().await;
    let cycle = new_cycle(&app).await;
    let priya = app.signed_in(MEMBER).await;
    create_objective(
        &app,
        &priya,
        &cycle,
        &uuid(1),
        "Platform",
        "Deploys are boring",
    )
    .await;
    let cases = [
        ("10", "10", "target", "must differ"),
        ("0", "ten", "target", "Enter a number"),
        ("zero", "10", "start", "Enter a number"),
    ];
    let (kr_id, objective_id) = (uuid(2), uuid(1));
    for (start, target, field, words) in cases {
        let form = [
            ("id", kr_id.as_str()),
            ("objective_id", objective_id.as_str()),
            ("title", "Deploy time"),
            ("metric", "number"),
            ("unit_label", ""),
            ("start", start),
            ("target", target),
            ("owner_id", ""),
        ];
        let (status, body) = app.call_json(&priya, "create_key_result", &form).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(body["detail"]["field"], field);
        assert!(
            body["detail"]["message"].as_str().unwrap().contains(words),
            "{body}"
        );
    }
    let count = format!("SELECT COUNT(*) FROM key_results WHERE objective_id = '{objective_id}'");
    assert_eq!(app.count(&count).await, 0);
}

async fn set_current(
    app: &TestApp,
    client: &Client,
    kr: &str,
    version: i64,
    previous: &str,
    value: &str,
) -> StatusCode {
    let version = version.to_string();
    let form = [
        ("id", kr),
        ("version", version.as_str()),
        ("field", "current"),
        ("previous", previous),
        ("value", value),
    ];
    app.call_json(client, "update_key_result", &form).await.0
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_owner_the_lead_and_the_ambassador_update_a_key_result() {
    let app = TestApp::start().await;
    let cycle = new_cycle(&app).await;
    let jonas = app.signed_in(LEAD).await;
    let (kr_id, objective_id) = (uuid(2), uuid(1));
    create_objective(
        &app,
        &jonas,
        &cycle,
        &objective_id,
        "Platform",
        "Deploys are boring",
    )
    .await;
    let priya_id = app.person_id(MEMBER).await.to_string();
    let form = [
        ("id", kr_id.as_str()),
        ("objective_id", objective_id.as_str()),
        ("title", "Deploy time"),
        ("metric", "number"),
        ("unit_label", "min"),
        ("start", "45"),
        ("target", "10"),
        ("owner_id", priya_id.as_str()),
    ];
    let (status, kr) = app.call_json(&jonas, "create_key_result", &form).await;
    assert_eq!(status, StatusCode::OK, "{kr}");
    assert_eq!(kr["owner_id"].as_i64().unwrap().to_string(), priya_id);

    let lea = app.signed_in(WEB_MEMBER).await;
    assert_eq!(
        set_current(&app, &lea, &kr_id, 1, "45", "30").await,
        StatusCode::FORBIDDEN
    );
    let priya = app.signed_in(MEMBER).await;
    assert_eq!(
        set_current(&app, &priya, &kr_id, 1, "45", "30").await,
        StatusCode::OK
    );
    assert_eq!(
        set_current(&app, &jonas, &kr_id, 2, "30", "20").await,
        StatusCode::OK,
        "the unit's lead may too"
    );
    let current: f64 = sqlx::query_scalar("SELECT current_value FROM key_results WHERE id = $1")
        .bind(&kr_id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(current, 20.0);
}

/// A cycle, Priya signed in, and her draft "Deploys are boring" with one key
/// result, "Change failure rate" (30 % → 10 %), whose id is returned.
async fn change_failure_rate(app: &TestApp) -> (String, Client, String) {
    let cycle = new_cycle(app).await;
    let priya = app.signed_in(MEMBER).await;
    let (kr_id, objective_id) = (uuid(2), uuid(1));
    create_objective(
        app,
        &priya,
        &cycle,
        &objective_id,
        "Platform",
        "Deploys are boring",
    )
    .await;
    let form = [
        ("id", kr_id.as_str()),
        ("objective_id", objective_id.as_str()),
        ("title", "Change failure rate"),
        ("metric", "percent"),
        ("unit_label", "%"),
        ("start", "30"),
        ("target", "10"),
        ("owner_id", ""),
    ];
    assert_eq!(
        app.call_json(&priya, "create_key_result", &form).await.0,
        StatusCode::OK
    );
    (cycle, priya, kr_id)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_readiness_checklist_and_fallback_are_saved() {
    let app = TestApp::start().await;
    let (cycle, priya, kr_id) = change_failure_rate(&app).await;
    let steps = [
        ("reliable", "false", "true", 1),
        ("fallback", "", "proxy", 2),
        ("proxy_name", "", "Rollbacks per deploy", 3),
    ];
    for (field, previous, value, version) in steps {
        let version = version.to_string();
        let form = [
            ("id", kr_id.as_str()),
            ("version", &version),
            ("field", field),
            ("previous", previous),
            ("value", value),
        ];
        let (status, body) = app.call_json(&priya, "update_key_result", &form).await;
        assert_eq!(status, StatusCode::OK, "{field}: {body}");
    }
    let (_, board) = app
        .call_json(&priya, "get_board", &[("cycle_id", &cycle)])
        .await;
    let kr = &board["objectives"][0]["key_results"][0];
    assert_eq!(kr["readiness"]["reliable"], true);
    assert_eq!(kr["readiness"]["baseline_known"], false);
    assert_eq!(kr["fallback"], "proxy");
    assert_eq!(kr["proxy_name"], "Rollbacks per deploy");
    let bad = [
        ("id", kr_id.as_str()),
        ("version", "4"),
        ("field", "fallback"),
        ("previous", "proxy"),
        ("value", "hope"),
    ];
    assert_eq!(
        app.call_json(&priya, "update_key_result", &bad).await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn choosing_tracking_as_the_key_result_adds_its_milestone_once() {
    let app = TestApp::start().await;
    let (cycle, priya, kr_id) = change_failure_rate(&app).await;
    // Tracking, then away and back: one milestone.
    for (previous, value, version) in [
        ("", "tracking", "1"),
        ("tracking", "", "2"),
        ("", "tracking", "3"),
    ] {
        let form = [
            ("id", kr_id.as_str()),
            ("version", version),
            ("field", "fallback"),
            ("previous", previous),
            ("value", value),
        ];
        let (status, body) = app.call_json(&priya, "update_key_result", &form).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let (_, board) = app
        .call_json(&priya, "get_board", &[("cycle_id", &cycle)])
        .await;
    let key_results = board["objectives"][0]["key_results"].as_array().unwrap();
    assert_eq!(key_results.len(), 2, "{key_results:?}");
    let milestone = &key_results[1];
    assert_eq!(
        milestone["title"],
        "Tracking for “Change failure rate” is in place"
    );
    assert_eq!(milestone["metric"], "milestone");
    assert_eq!(milestone["owner_id"], key_results[0]["owner_id"]);
    assert_eq!(milestone["readiness"]["reliable"], true);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retried_edit_that_was_saved_is_answered_with_it() {
    let app = TestApp::start().await;
    let (cycle, priya, kr_id) = change_failure_rate(&app).await;
    let edit = |value: &'static str| {
        [
            ("id", kr_id.clone()),
            ("version", "1".to_owned()),
            ("field", "title".to_owned()),
            ("previous", "Change failure rate".to_owned()),
            ("value", value.to_owned()),
        ]
    };
    let call = |form: [(&'static str, String); 5]| {
        let (app, priya) = (&app, &priya);
        async move {
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.call_json(priya, "update_key_result", &form).await
        }
    };
    let board_version = format!("SELECT board_version FROM cycles WHERE id = {cycle}");
    let (status, saved) = call(edit("Failed changes")).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved["version"], 2);
    let before = app.count(&board_version).await;

    // The same request again, as a browser retries when the answer was
    // lost (the server stopped after the commit): what it asked is so.
    let (status, retried) = call(edit("Failed changes")).await;
    assert_eq!(status, StatusCode::OK, "{retried}");
    assert_eq!(retried, saved, "answered with the key result as saved");
    assert_eq!(
        app.count(&board_version).await,
        before,
        "and nothing changed again"
    );

    // A change from the same old version to something else is refused.
    let (status, body) = call(edit("Rollbacks")).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
}
