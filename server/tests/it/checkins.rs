//! Check-ins: who may check in, what a check-in changes (in one
//! transaction), retries, bad input, and the leaderboard event it emits.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "helpers of tests fail the test loudly"
)]

use crate::common;

use common::board::{WEB_LEAD, WEB_MEMBER, uuid};
use common::checkins::{active_key_result, check_in, next_json, open, resume, running_cycle};
use common::{AMBASSADOR, LEAD, MEMBER, TestApp, error_kind};
use reqwest::StatusCode;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_owner_the_lead_and_the_ambassador_may_check_in_nobody_else() {
    let app = TestApp::start().await;
    let cycle = running_cycle(&app).await;
    let kr = active_key_result(&app, &cycle, 1, MEMBER).await;
    let cases = [
        (MEMBER, StatusCode::OK),
        (LEAD, StatusCode::OK),
        (AMBASSADOR, StatusCode::OK),
        // A member of another unit, and another unit's lead.
        (WEB_MEMBER, StatusCode::FORBIDDEN),
        (WEB_LEAD, StatusCode::FORBIDDEN),
    ];
    for (n, (email, expected)) in cases.into_iter().enumerate() {
        let client = app.signed_in(email).await;
        let (status, body) = check_in(&app, &client, &uuid(100 + n as u32), &kr, "10", "7").await;
        assert_eq!(status, expected, "{email}: {body}");
    }
    let stored = format!("SELECT COUNT(*) FROM check_ins WHERE key_result_id = '{kr}'");
    assert_eq!(app.count(&stored).await, 3);
    // Nobody signed in at all.
    let (status, body) = check_in(&app, &app.client(), &uuid(200), &kr, "10", "7").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(error_kind(&body), "unauthenticated");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_check_in_sets_the_current_value_and_the_history_keeps_it() {
    let app = TestApp::start().await;
    let cycle = running_cycle(&app).await;
    let kr = active_key_result(&app, &cycle, 1, MEMBER).await;
    let priya = app.signed_in(MEMBER).await;
    let (status, saved) = check_in(&app, &priya, &uuid(100), &kr, "42,5", "6").await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved["check_in"]["value"], 42.5);
    assert_eq!(saved["check_in"]["confidence"], 6);
    assert_eq!(saved["check_in"]["author"], "Priya Nair");
    assert_eq!(saved["objective"]["key_results"][0]["current"], 42.5);
    let current: f64 = sqlx::query_scalar("SELECT current_value FROM key_results WHERE id = $1")
        .bind(&kr)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(current, 42.5);
    // The objective page shows it in the key result's history.
    let objective = uuid(1);
    let (status, view) = app
        .call_json(&priya, "get_objective_view", &[("id", objective.as_str())])
        .await;
    assert_eq!(status, StatusCode::OK, "{view}");
    let history = &view["tracks"][0]["check_ins"];
    assert_eq!(history.as_array().unwrap().len(), 1);
    assert_eq!(history[0]["progress"], "Moved the pipeline");
    assert_eq!(history[0]["plans"], "Canary releases");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retried_check_in_is_recorded_once() {
    let app = TestApp::start().await;
    let cycle = running_cycle(&app).await;
    let kr = active_key_result(&app, &cycle, 1, MEMBER).await;
    let priya = app.signed_in(MEMBER).await;
    let first = check_in(&app, &priya, &uuid(100), &kr, "30", "7").await;
    let retry = check_in(&app, &priya, &uuid(100), &kr, "30", "7").await;
    assert_eq!(first.0, StatusCode::OK);
    assert_eq!(retry.0, StatusCode::OK);
    assert_eq!(first.1["check_in"], retry.1["check_in"]);
    let stored = format!("SELECT COUNT(*) FROM check_ins WHERE key_result_id = '{kr}'");
    assert_eq!(app.count(&stored).await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_check_ins_name_their_field_and_change_nothing() {
    let app = TestApp::start().await;
    let cycle = running_cycle(&app).await;
    let kr = active_key_result(&app, &cycle, 1, MEMBER).await;
    let priya = app.signed_in(MEMBER).await;
    let long = "x".repeat(1001);
    let cases = [
        ("ten", "7", "", "value"),
        ("10", "11", "", "confidence"),
        ("10", "-1", "", "confidence"),
        ("10", "", "", "confidence"),
        ("10", "7", long.as_str(), "problems"),
    ];
    for (n, (value, confidence, problems, field)) in cases.into_iter().enumerate() {
        let id = uuid(100 + n as u32);
        let (status, body) = app
            .call_json(
                &priya,
                "save_check_in",
                &[
                    ("id", id.as_str()),
                    ("key_result_id", kr.as_str()),
                    ("value", value),
                    ("confidence", confidence),
                    ("progress", ""),
                    ("problems", problems),
                    ("plans", ""),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(body["detail"]["field"], field, "{body}");
    }
    let stored = format!("SELECT COUNT(*) FROM check_ins WHERE key_result_id = '{kr}'");
    assert_eq!(app.count(&stored).await, 0);
    let current: f64 = sqlx::query_scalar("SELECT current_value FROM key_results WHERE id = $1")
        .bind(&kr)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(current, 0.0, "a refused check-in leaves the value alone");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drafts_take_no_check_ins() {
    let app = TestApp::start().await;
    let cycle = running_cycle(&app).await;
    let ambassador = app.signed_in(AMBASSADOR).await;
    common::board::create_objective(&app, &ambassador, &cycle, &uuid(1), "Platform", "Draft").await;
    let kr = uuid(2);
    let (status, _) = app
        .call_json(
            &ambassador,
            "create_key_result",
            &[
                ("id", kr.as_str()),
                ("objective_id", uuid(1).as_str()),
                ("title", "Something"),
                ("metric", "milestone"),
                ("unit_label", ""),
                ("start", "0"),
                ("target", "1"),
                ("owner_id", ""),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = check_in(&app, &ambassador, &uuid(100), &kr, "1", "7").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("active objectives"),
        "{body}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_check_in_emits_one_leaderboard_event_with_the_new_progress() {
    let app = TestApp::start().await;
    let cycle = running_cycle(&app).await;
    let kr = active_key_result(&app, &cycle, 1, MEMBER).await;
    let cookie = {
        let response = common::call_with_cookie(
            &app,
            None,
            "sign_in",
            &[("email", AMBASSADOR), ("password", common::PASSWORD)],
        )
        .await;
        common::session_cookie(response.headers()).unwrap()
    };
    let mut socket = open(&app, "/ws/leaderboard", Some(&cookie)).await.unwrap();
    let first = resume(&app, &mut socket).await;
    assert_eq!(first["type"], "snapshot");
    assert_eq!(first["leaderboard"]["cycle"]["name"], "Live test cycle");

    let priya = app.signed_in(MEMBER).await;
    let (status, _) = check_in(&app, &priya, &uuid(100), &kr, "80", "9").await;
    assert_eq!(status, StatusCode::OK);
    let event = next_json(&mut socket, Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(event["type"], "snapshot");
    let rows = event["leaderboard"]["standings"]["rows"]
        .as_array()
        .unwrap();
    let platform = rows.iter().find(|r| r["name"] == "Platform").unwrap();
    assert_eq!(platform["progress"], 0.8);
    assert_eq!(platform["checked_in"], 1);
    assert_eq!(platform["confidence"], 9.0);
    // …and only one.
    assert_eq!(
        next_json(&mut socket, Duration::from_millis(500)).await,
        None
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_leaderboard_socket_needs_a_session() {
    let app = TestApp::start().await;
    assert_eq!(open(&app, "/ws/leaderboard", None).await.err(), Some(401));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_units_weekly_review_puts_low_confidence_first() {
    let app = TestApp::start().await;
    let cycle = running_cycle(&app).await;
    let kr = active_key_result(&app, &cycle, 1, MEMBER).await;
    let other = active_key_result(&app, &cycle, 2, MEMBER).await;
    let priya = app.signed_in(MEMBER).await;
    check_in(&app, &priya, &uuid(100), &kr, "40", "8").await;
    check_in(&app, &priya, &uuid(101), &other, "5", "3").await;
    let unit = app.unit_id("Platform").await.to_string();
    let (status, review) = app
        .call_json(&priya, "get_unit_review", &[("unit_id", unit.as_str())])
        .await;
    assert_eq!(status, StatusCode::OK, "{review}");
    let items = review["items"].as_array().unwrap();
    let confidences: Vec<i64> = items
        .iter()
        .map(|i| i["check_in"]["confidence"].as_i64().unwrap())
        .collect();
    // The demo's own check-ins may be there too; ours are in order.
    let low = confidences.iter().position(|c| *c == 3).unwrap();
    let high = confidences.iter().position(|c| *c == 8).unwrap();
    assert!(low < high, "{confidences:?}");
    // The whole engineering department sees its teams' check-ins.
    let engineering = app.unit_id("Engineering").await.to_string();
    let (_, review) = app
        .call_json(
            &priya,
            "get_unit_review",
            &[("unit_id", engineering.as_str())],
        )
        .await;
    assert!(review["items"].as_array().unwrap().len() >= 2, "{review}");
}
