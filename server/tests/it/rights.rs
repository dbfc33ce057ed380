//! Rights flow down the unit tree, never up or sideways: the server refuses
//! a team's lead and members on their department's objectives and on a
//! sibling team's, with 403 and a sentence naming the rule, and lets a
//! department's lead act on its teams' objectives.
//!
//! The demo organisation: Engineering › {Platform, Web}; Tomás leads Web,
//! Lea is a member of Web, Jonas leads Platform. Each test adds Elif, the
//! lead of Engineering.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "helpers of tests fail the test loudly"
)]

use crate::common::board::{WEB_LEAD, WEB_MEMBER, create_objective, update, uuid};
use crate::common::checkins::{check_in, running_cycle};
use crate::common::lessons::{NOTE, close};
use crate::common::{AMBASSADOR, DEPARTMENT_LEAD, LEAD, TestApp, add_department_lead, error_kind};
use reqwest::{Client, StatusCode};
use serde_json::Value;

/// An active objective of `unit` with one key result (0 → 10) owned by the
/// ambassador; returns the objective and the key result as the server sent them.
async fn active(app: &TestApp, cycle: &str, n: u32, unit: &str) -> (Value, Value) {
    let ambassador = app.signed_in(AMBASSADOR).await;
    let (status, objective) = create_objective(
        app,
        &ambassador,
        cycle,
        &uuid(n),
        unit,
        &format!("{unit} goal"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{objective}");
    let owner = app.person_id(AMBASSADOR).await.to_string();
    let (status, kr) = app
        .call_json(
            &ambassador,
            "create_key_result",
            &[
                ("id", uuid(n + 1000).as_str()),
                ("objective_id", uuid(n).as_str()),
                ("title", "Releases a week"),
                ("metric", "number"),
                ("unit_label", ""),
                ("start", "0"),
                ("target", "10"),
                ("owner_id", owner.as_str()),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{kr}");
    let objective = fresh(app, &ambassador, &uuid(n)).await;
    let (_, objective) = update(app, &ambassador, &objective, "status", "proposed").await;
    let (status, objective) = update(app, &ambassador, &objective, "status", "active").await;
    assert_eq!(status, StatusCode::OK, "{objective}");
    let kr = objective["key_results"][0].clone();
    (objective, kr)
}

/// The objective as the server has it now.
async fn fresh(app: &TestApp, client: &Client, id: &str) -> Value {
    let (status, page) = app
        .call_json(client, "get_objective_view", &[("id", id)])
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    page["objective"].clone()
}

async fn set_target(
    app: &TestApp,
    client: &Client,
    kr: &Value,
    value: &str,
) -> (StatusCode, Value) {
    let version = kr["version"].to_string();
    let previous = kr["target"].to_string();
    app.call_json(
        client,
        "update_key_result",
        &[
            ("id", kr["id"].as_str().unwrap()),
            ("version", &version),
            ("field", "target"),
            ("previous", &previous),
            ("value", value),
        ],
    )
    .await
}

/// Asserts a 403 whose message names the rule (`words` appear in it).
fn refused(outcome: (StatusCode, Value), words: &str, what: &str) {
    let (status, body) = outcome;
    assert_eq!(status, StatusCode::FORBIDDEN, "{what}: {body}");
    assert_eq!(error_kind(&body), "forbidden", "{what}: {body}");
    let message = body["detail"].as_str().unwrap_or_default();
    assert!(
        message.contains(words),
        "{what}: “{message}” should say “{words}”"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_team_cannot_act_on_its_department_above() {
    let app = TestApp::start().await;
    let cycle = running_cycle(&app).await;
    let (engineering, kr) = active(&app, &cycle, 1, "Engineering").await;
    let tomas = app.signed_in(WEB_LEAD).await;
    let lea = app.signed_in(WEB_MEMBER).await;

    refused(
        update(&app, &tomas, &engineering, "title", "Web runs Engineering").await,
        "of a unit above it",
        "the team lead edits the department's title",
    );
    refused(
        set_target(&app, &tomas, &kr, "2").await,
        "of a unit above it",
        "the team lead edits the department's key result target",
    );
    refused(
        check_in(
            &app,
            &tomas,
            &uuid(501),
            kr["id"].as_str().unwrap(),
            "3",
            "7",
        )
        .await,
        "of a unit above it",
        "the team lead checks in on the department's key result",
    );
    refused(
        close(&app, &lea, engineering["id"].as_str().unwrap(), &NOTE).await,
        "leads of the units above them",
        "a team member closes the department's objective",
    );
    refused(
        close(&app, &tomas, engineering["id"].as_str().unwrap(), &NOTE).await,
        "leads of the units above them",
        "the team lead closes the department's objective",
    );
    refused(
        create_objective(&app, &tomas, &cycle, &uuid(502), "Engineering", "Ours now").await,
        "the units below them",
        "the team lead adds an objective to the department",
    );
    // Nothing changed.
    let ambassador = app.signed_in(AMBASSADOR).await;
    let now = fresh(&app, &ambassador, engineering["id"].as_str().unwrap()).await;
    assert_eq!(now["title"], "Engineering goal");
    assert_eq!(now["status"], "active");
    assert_eq!(now["key_results"][0]["target"], 10.0);
    let checked_in = format!(
        "SELECT count(*) FROM check_ins WHERE key_result_id = '{}'",
        kr["id"].as_str().unwrap()
    );
    assert_eq!(app.count(&checked_in).await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_team_cannot_act_on_its_sibling() {
    let app = TestApp::start().await;
    let cycle = running_cycle(&app).await;
    let (platform, kr) = active(&app, &cycle, 1, "Platform").await;
    let tomas = app.signed_in(WEB_LEAD).await;
    let lea = app.signed_in(WEB_MEMBER).await;
    refused(
        update(&app, &tomas, &platform, "title", "Web runs Platform").await,
        "of a unit above it",
        "a lead edits a sibling team's objective",
    );
    refused(
        set_target(&app, &tomas, &kr, "2").await,
        "of a unit above it",
        "a lead edits a sibling team's key result",
    );
    refused(
        close(&app, &lea, platform["id"].as_str().unwrap(), &NOTE).await,
        "leads of the units above them",
        "a member closes a sibling team's objective",
    );
    // A sibling's draft: its members edit it, the other team does not.
    let priya = app.signed_in(crate::common::MEMBER).await;
    let (status, draft) =
        create_objective(&app, &priya, &cycle, &uuid(7), "Platform", "Platform draft").await;
    assert_eq!(status, StatusCode::OK, "{draft}");
    refused(
        update(&app, &lea, &draft, "title", "Web's now").await,
        "people of the owning unit",
        "a member edits a sibling team's draft",
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_department_lead_leads_its_teams() {
    let app = TestApp::start().await;
    add_department_lead(&app).await;
    let cycle = running_cycle(&app).await;
    let (web, kr) = active(&app, &cycle, 1, "Web").await;
    let elif = app.signed_in(DEPARTMENT_LEAD).await;

    let (status, web) = update(&app, &elif, &web, "title", "Web, led from above").await;
    assert_eq!(status, StatusCode::OK, "{web}");
    let (status, saved) = set_target(&app, &elif, &kr, "12").await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    let kr_id = kr["id"].as_str().unwrap();
    let (status, body) = check_in(&app, &elif, &uuid(601), kr_id, "4", "6").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // She adds objectives to her teams, and gives one from a team to another of hers…
    let (status, draft) = create_objective(
        &app,
        &elif,
        &cycle,
        &uuid(8),
        "Platform",
        "Platform, from above",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{draft}");
    let web_id = app.unit_id("Web").await.to_string();
    let (status, given) = update(&app, &elif, &draft, "unit_id", &web_id).await;
    assert_eq!(status, StatusCode::OK, "{given}");
    // …but not up to the top, nor to another department.
    let support = app.unit_id("Support").await.to_string();
    refused(
        update(&app, &elif, &given, "unit_id", &support).await,
        "a unit they lead",
        "the department lead gives an objective to another department",
    );
    // The department's objectives are hers too; another department's are not.
    let (support_objective, _) = active(&app, &cycle, 2, "Support").await;
    refused(
        update(&app, &elif, &support_objective, "title", "Mine").await,
        "of a unit above it",
        "the department lead edits another department's objective",
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_team_lead_gives_objectives_only_within_what_they_lead() {
    let app = TestApp::start().await;
    let cycle = running_cycle(&app).await;
    let jonas = app.signed_in(LEAD).await;
    let (status, draft) =
        create_objective(&app, &jonas, &cycle, &uuid(1), "Platform", "Platform draft").await;
    assert_eq!(status, StatusCode::OK, "{draft}");
    for unit in ["Engineering", "Web"] {
        let id = app.unit_id(unit).await.to_string();
        refused(
            update(&app, &jonas, &draft, "unit_id", &id).await,
            "a unit they lead",
            &format!("Platform's lead gives its draft to {unit}"),
        );
    }
}
