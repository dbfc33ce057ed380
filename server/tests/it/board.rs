//! The planning board's server functions: who may change what, stale
//! changes, idempotent creates, validation and the board's version log.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "helpers of tests fail the test loudly"
)]

use crate::common;

use common::board::{WEB_LEAD, WEB_MEMBER, create_objective, new_cycle, update, uuid};
use common::{AMBASSADOR, LEAD, MEMBER, TestApp, error_kind};
use reqwest::StatusCode;

/// Jonas (lead) and Priya (member) are in Platform; Tomás (lead) and Lea (member) in Web.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
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

/// A board loaded afresh is read before its WebAssembly loads, and a small
/// socket wakes it when someone changes it (`app/src/assets/hydrate.js`):
/// the page names that socket and the version it was rendered at, which
/// the page's own live client resumes from. Other pages start as they paint.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_board_page_names_the_socket_and_version_it_wakes_from() {
    let app = TestApp::start().await;
    let cycle = new_cycle(&app).await;
    let priya = app.signed_in(MEMBER).await;
    let page = |path: String| {
        let priya = priya.clone();
        let url = app.url(&path);
        async move { priya.get(url).send().await.unwrap().text().await.unwrap() }
    };
    let wake = |version: i64| {
        format!(r#"data-wake-socket="/ws/boards/{cycle}" data-wake-version="{version}""#)
    };
    for view in ["board", "map"] {
        assert!(
            page(format!("/cycles/{cycle}/{view}"))
                .await
                .contains(&wake(0)),
            "the {view} names its socket and version 0"
        );
    }
    create_objective(
        &app,
        &priya,
        &cycle,
        &uuid(1),
        "Platform",
        "Deploys are boring",
    )
    .await;
    let board = page(format!("/cycles/{cycle}/board")).await;
    assert!(
        board.contains(&wake(1)),
        "after a change the board is at version 1"
    );
    // The script that starts the WebAssembly knows how to wait for it.
    assert!(board.contains("data-wake-socket") && board.contains("const site = {"));
    for other in [
        "/cycles".to_owned(),
        format!("/cycles/{cycle}"),
        "/".to_owned(),
    ] {
        let html = page(other.clone()).await;
        assert!(
            !html.contains("data-wake-socket=\""),
            "{other} starts as it paints"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
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
    // The owner is not listed as sharing with itself, and Web counts once:
    // invited, until Web's lead accepts (see `alignment`).
    assert_eq!(shared["invited_unit_ids"], serde_json::json!([web]));
    let tomas = app.signed_in(WEB_LEAD).await;
    let (status, shared) = app
        .call_json(
            &tomas,
            "answer_invitation",
            &[
                ("id", uuid(1).as_str()),
                ("unit_id", web.to_string().as_str()),
                ("accept", "true"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{shared}");
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn titles_are_required_and_bounded() {
    let app = TestApp::start().await;
    let cycle = new_cycle(&app).await;
    let priya = app.signed_in(MEMBER).await;
    let long = "x".repeat(201);
    for (n, title) in [(1, "   "), (2, long.as_str())] {
        let (status, body) =
            create_objective(&app, &priya, &cycle, &uuid(n), "Platform", title).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(body["detail"]["field"], "title");
    }
    let (_, objective) = create_objective(
        &app,
        &priya,
        &cycle,
        &uuid(3),
        "Platform",
        "Deploys are boring",
    )
    .await;
    let (status, body) = update(&app, &priya, &objective, "title", "").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (status, _) = update(&app, &priya, &objective, "why_urgent", &"y".repeat(2001)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn titles_and_whys_lose_control_and_direction_characters() {
    let app = TestApp::start().await;
    let cycle = new_cycle(&app).await;
    let priya = app.signed_in(MEMBER).await;
    let (status, objective) = create_objective(
        &app,
        &priya,
        &cycle,
        &uuid(1),
        "Platform",
        "Ship \u{202E}gnol\u{202C} v2\u{0007}",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{objective}");
    assert_eq!(objective["title"], "Ship gnol v2");
    let (status, saved) = update(
        &app,
        &priya,
        &objective,
        "why_important",
        "Because\u{2066} customers\u{2069} wait\u{0000}\nand\tchurn",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved["why_important"], "Because customers wait\nand\tchurn");
    let stored: String = sqlx::query_scalar("SELECT title FROM objectives WHERE id = $1")
        .bind(uuid(1))
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(stored, "Ship gnol v2");
}
