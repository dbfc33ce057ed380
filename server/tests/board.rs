//! The planning board's server functions: who may change what, stale
//! changes, idempotent creates, validation and the board's version log.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "helpers of tests fail the test loudly"
)]

mod common;

use common::{AMBASSADOR, LEAD, MEMBER, TestApp, error_kind};
use reqwest::{Client, StatusCode};
use serde_json::Value;

/// Jonas (lead) and Priya (member) are in Platform; Tomás (lead) and Lea (member) in Web.
const WEB_MEMBER: &str = "lea@northstar.demo";
const WEB_LEAD: &str = "tomas@northstar.demo";

fn uuid(n: u32) -> String {
    format!("00000000-0000-4000-8000-{n:012x}")
}

async fn new_cycle(app: &TestApp) -> String {
    let ambassador = app.signed_in(AMBASSADOR).await;
    let (status, cycle) = app
        .call_json(
            &ambassador,
            "create_cycle",
            &[
                ("name", "Test cycle"),
                ("start", "2026-10-01"),
                ("end", "2026-12-31"),
                ("planning_days", "14"),
                ("retro_days", "7"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{cycle}");
    cycle["id"].as_i64().unwrap().to_string()
}

async fn create_objective(
    app: &TestApp,
    client: &Client,
    cycle: &str,
    id: &str,
    unit: &str,
    title: &str,
) -> (StatusCode, Value) {
    let unit = app.unit_id(unit).await.to_string();
    app.call_json(
        client,
        "create_objective",
        &[
            ("id", id),
            ("cycle_id", cycle),
            ("unit_id", &unit),
            ("title", title),
            ("kind", "committed"),
        ],
    )
    .await
}

async fn update(
    app: &TestApp,
    client: &Client,
    objective: &Value,
    field: &str,
    value: &str,
) -> (StatusCode, Value) {
    let previous = match &objective[field] {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    };
    let version = objective["version"].to_string();
    let id = objective["id"].as_str().unwrap();
    app.call_json(
        client,
        "update_objective",
        &[
            ("id", id),
            ("version", &version),
            ("field", field),
            ("previous", &previous),
            ("value", value),
        ],
    )
    .await
}

#[tokio::test]
async fn members_draft_in_their_own_units_only() {
    let app = TestApp::start().await;
    let cycle = new_cycle(&app).await;
    let priya = app.signed_in(MEMBER).await;
    let (status, objective) = create_objective(
        &app,
        &priya,
        &cycle,
        &uuid(1),
        "Platform",
        "Deploys are boring",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{objective}");
    assert_eq!(objective["status"], "draft");

    let (status, body) =
        create_objective(&app, &priya, &cycle, &uuid(2), "Web", "Not my team").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");

    // Lea (Web) cannot edit Platform's draft; Priya can.
    let lea = app.signed_in(WEB_MEMBER).await;
    assert_eq!(
        update(&app, &lea, &objective, "title", "Hijacked").await.0,
        StatusCode::FORBIDDEN
    );
    let (status, saved) = update(
        &app,
        &priya,
        &objective,
        "why_urgent",
        "Incidents every release",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved["why_urgent"], "Incidents every release");
}

#[tokio::test]
async fn only_leads_of_the_unit_and_the_ambassador_move_objectives_along() {
    let app = TestApp::start().await;
    let cycle = new_cycle(&app).await;
    let priya = app.signed_in(MEMBER).await;
    let (_, draft) = create_objective(
        &app,
        &priya,
        &cycle,
        &uuid(1),
        "Platform",
        "Deploys are boring",
    )
    .await;

    let (status, body) = update(&app, &priya, &draft, "status", "proposed").await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "a member cannot propose: {body}"
    );
    let tomas = app.signed_in(WEB_LEAD).await;
    assert_eq!(
        update(&app, &tomas, &draft, "status", "proposed").await.0,
        StatusCode::FORBIDDEN,
        "another unit's lead"
    );

    let jonas = app.signed_in(LEAD).await;
    let (status, proposed) = update(&app, &jonas, &draft, "status", "proposed").await;
    assert_eq!(status, StatusCode::OK, "{proposed}");
    // Skipping a step is refused even for the lead.
    let (status, _) = update(&app, &jonas, &draft, "status", "active").await;
    assert_ne!(status, StatusCode::OK);

    let (status, _) = update(&app, &priya, &proposed, "status", "active").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a member cannot activate");
    let (status, back) = update(&app, &jonas, &proposed, "status", "draft").await;
    assert_eq!(status, StatusCode::OK, "the lead sends it back");
    let (_, proposed) = update(&app, &jonas, &back, "status", "proposed").await;
    let ambassador = app.signed_in(AMBASSADOR).await;
    let (status, active) = update(&app, &ambassador, &proposed, "status", "active").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(active["status"], "active");
    // Once proposed and beyond, the member no longer edits it.
    assert_eq!(
        update(&app, &priya, &active, "title", "Mine now").await.0,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn a_stale_change_to_the_same_field_is_refused_with_the_fresh_value() {
    let app = TestApp::start().await;
    let cycle = new_cycle(&app).await;
    let priya = app.signed_in(MEMBER).await;
    let jonas = app.signed_in(LEAD).await;
    let (_, objective) = create_objective(
        &app,
        &priya,
        &cycle,
        &uuid(1),
        "Platform",
        "Deploys are boring",
    )
    .await;

    let (status, _) = update(&app, &jonas, &objective, "title", "Deploys are dull").await;
    assert_eq!(status, StatusCode::OK);
    // Priya still has the old version and the old title.
    let (status, body) = update(&app, &priya, &objective, "title", "Deploys are quiet").await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(error_kind(&body), "conflict");
    let message = body["detail"].as_str().unwrap();
    assert!(
        message.contains("Jonas Berg") && message.contains("Deploys are dull"),
        "{message}"
    );
    // A different field, based on the same old version, goes through.
    let (status, saved) = update(
        &app,
        &priya,
        &objective,
        "why_important",
        "Fear slows us down",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved["title"], "Deploys are dull");
}

#[tokio::test]
async fn a_retried_create_is_applied_once() {
    let app = TestApp::start().await;
    let cycle = new_cycle(&app).await;
    let priya = app.signed_in(MEMBER).await;
    let (first_status, first) = create_objective(
        &app,
        &priya,
        &cycle,
        &uuid(7),
        "Platform",
        "Deploys are boring",
    )
    .await;
    let (second_status, second) = create_objective(
        &app,
        &priya,
        &cycle,
        &uuid(7),
        "Platform",
        "Deploys are boring",
    )
    .await;
    assert_eq!(
        (first_status, second_status),
        (StatusCode::OK, StatusCode::OK)
    );
    assert_eq!(first, second);
    let count = format!("SELECT COUNT(*) FROM objectives WHERE id = '{}'", uuid(7));
    assert_eq!(app.count(&count).await, 1);

    let kr = [
        ("id", uuid(8)),
        ("objective_id", uuid(7)),
        ("title", "Deploy time under 10 minutes".into()),
        ("metric", "number".into()),
        ("unit_label", "min".into()),
        ("start", "45".into()),
        ("target", "10".into()),
        ("owner_id", String::new()),
    ];
    let form: Vec<(&str, &str)> = kr.iter().map(|(k, v)| (*k, v.as_str())).collect();
    for _ in 0..2 {
        let (status, body) = app.call_json(&priya, "create_key_result", &form).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let count = format!(
        "SELECT COUNT(*) FROM key_results WHERE objective_id = '{}'",
        uuid(7)
    );
    assert_eq!(app.count(&count).await, 1);
}

#[tokio::test]
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

#[tokio::test]
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
    let current: f64 = sqlx::query_scalar("SELECT current_value FROM key_results WHERE id = ?")
        .bind(&kr_id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(current, 20.0);
}

#[tokio::test]
async fn parents_stay_in_the_cycle_and_never_form_a_circle() {
    let app = TestApp::start().await;
    let cycle = new_cycle(&app).await;
    let ambassador = app.signed_in(AMBASSADOR).await;
    let (_, a) = create_objective(
        &app,
        &ambassador,
        &cycle,
        &uuid(1),
        "Engineering",
        "Engineering is fast",
    )
    .await;
    let (_, b) = create_objective(
        &app,
        &ambassador,
        &cycle,
        &uuid(2),
        "Platform",
        "Deploys are boring",
    )
    .await;
    let (status, b) = update(&app, &ambassador, &b, "parent_id", &uuid(1)).await;
    assert_eq!(status, StatusCode::OK, "{b}");
    assert_eq!(b["parent_id"], uuid(1));
    let (status, body) = update(&app, &ambassador, &a, "parent_id", &uuid(2)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(
        body["detail"]["message"]
            .as_str()
            .unwrap()
            .contains("circle")
    );
    let (status, _) = update(&app, &ambassador, &a, "parent_id", &uuid(1)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "not itself");
}

#[tokio::test]
async fn every_change_raises_the_board_version_and_is_logged() {
    let app = TestApp::start().await;
    let cycle = new_cycle(&app).await;
    let priya = app.signed_in(MEMBER).await;
    let (_, objective) = create_objective(
        &app,
        &priya,
        &cycle,
        &uuid(1),
        "Platform",
        "Deploys are boring",
    )
    .await;
    update(
        &app,
        &priya,
        &objective,
        "description",
        "Ship on Fridays without fear",
    )
    .await;
    let (status, board) = app
        .call_json(&priya, "get_board", &[("cycle_id", &cycle)])
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(board["version"], 2);
    assert_eq!(board["objectives"].as_array().unwrap().len(), 1);
    assert_eq!(app.count("SELECT COUNT(*) FROM board_events").await, 2);
    // A visitor sees nothing.
    let (status, _) = app
        .call_json(&app.client(), "get_board", &[("cycle_id", &cycle)])
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn only_the_ambassador_creates_cycles() {
    let app = TestApp::start().await;
    let jonas = app.signed_in(LEAD).await;
    let form = [
        ("name", "Q1"),
        ("start", "2027-01-01"),
        ("end", "2027-03-31"),
        ("planning_days", "14"),
        ("retro_days", "7"),
    ];
    assert_eq!(
        app.call_json(&jonas, "create_cycle", &form).await.0,
        StatusCode::FORBIDDEN
    );
    let ambassador = app.signed_in(AMBASSADOR).await;
    let bad = [
        ("name", "Q1"),
        ("start", "2027-01-01"),
        ("end", "2026-12-31"),
        ("planning_days", "14"),
        ("retro_days", "7"),
    ];
    let (status, body) = app.call_json(&ambassador, "create_cycle", &bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["detail"]["field"], "end");
    assert_eq!(
        app.call_json(&ambassador, "create_cycle", &form).await.0,
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_shared_objective_opens_its_draft_to_the_sharing_unit() {
    let app = TestApp::start().await;
    let cycle = new_cycle(&app).await;
    let priya = app.signed_in(MEMBER).await;
    let (_, objective) = create_objective(
        &app,
        &priya,
        &cycle,
        &uuid(1),
        "Platform",
        "One design system",
    )
    .await;
    let lea = app.signed_in(WEB_MEMBER).await;
    assert_eq!(
        update(&app, &lea, &objective, "title", "Ours too").await.0,
        StatusCode::FORBIDDEN
    );

    let web = app.unit_id("Web").await;
    let platform = app.unit_id("Platform").await;
    let (status, shared) = update(
        &app,
        &priya,
        &objective,
        "shared_units",
        &format!("{web},{platform},{web}"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{shared}");
    // The owner is not listed as sharing with itself, and Web counts once.
    assert_eq!(shared["shared_unit_ids"], serde_json::json!([web]));
    let (status, renamed) = update(
        &app,
        &lea,
        &shared,
        "title",
        "One design system, web and platform",
    )
    .await;
    assert_eq!(
        status,
        StatusCode::OK,
        "a member of a sharing unit edits the shared draft"
    );
    let version = renamed["version"].to_string();
    let web = web.to_string();
    let id = uuid(1);
    let form = [
        ("id", id.as_str()),
        ("version", version.as_str()),
        ("field", "shared_units"),
        ("previous", web.as_str()),
        ("value", "9999"),
    ];
    let (status, body) = app.call_json(&priya, "update_objective", &form).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
}

#[tokio::test]
async fn the_readiness_checklist_and_fallback_are_saved() {
    let app = TestApp::start().await;
    let cycle = new_cycle(&app).await;
    let priya = app.signed_in(MEMBER).await;
    let (kr_id, objective_id) = (uuid(2), uuid(1));
    create_objective(
        &app,
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
