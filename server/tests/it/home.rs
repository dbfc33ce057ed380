//! Home: what needs the signed-in person this week, and only them.

use crate::common::board::{create_objective, update, uuid};
use crate::common::checkins::{active_key_result, add_key_result, check_in, running_cycle};
use crate::common::{AMBASSADOR, LEAD, MEMBER, TestApp};
use reqwest::{Client, StatusCode};
use serde_json::Value;

async fn week(app: &TestApp, client: &Client) -> Value {
    let (status, week) = app.call_json(client, "get_my_week", &[]).await;
    assert_eq!(status, StatusCode::OK, "{week}");
    week
}

fn titles<'a>(list: &'a Value, field: &str) -> Vec<&'a str> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|item| item.pointer(field).and_then(Value::as_str).unwrap_or(""))
        .collect()
}

/// A cycle whose retrospective window is open today.
async fn retro_cycle(app: &TestApp) -> String {
    let (id, cycle) =
        crate::common::checkins::cycle_around_today(app, "Closing cycle", 80, 3).await;
    assert_eq!(cycle["phase"], "retrospective");
    id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn home_lists_what_needs_me_and_nothing_of_anyone_else() {
    let app = TestApp::start().await;
    let cycle = running_cycle(&app).await;
    let kr = active_key_result(&app, &cycle, 1, MEMBER).await;
    let priya = app.signed_in(MEMBER).await;
    let mine = week(&app, &priya).await;
    assert_eq!(mine["cycle"]["name"], "Live test cycle");
    assert_eq!(
        titles(&mine["due"], "/key_result/title"),
        ["Deploy confidence"]
    );
    assert_eq!(mine["reviews_proposals"], false);
    // Her next meetings come from the plan, with her agendas.
    let platform = app.unit_id("Platform").await;
    let agendas = titles(&mine["meetings"], "/agenda");
    assert!(
        agendas.contains(&format!("/agendas/weekly/{platform}").as_str()),
        "{agendas:?}"
    );
    // Platform is on the leaderboard, once it has been recomputed (that
    // happens after the activation's commit, not inside it).
    let mine = app
        .call_until(&priya, "get_my_week", &[], |week| {
            !titles(&week["places"], "/name").is_empty()
        })
        .await;
    assert_eq!(titles(&mine["places"], "/name"), ["Platform"]);
    // Someone else's week does not show her key result.
    let lea = app.signed_in("lea@northstar.demo").await;
    assert!(week(&app, &lea).await["due"].as_array().unwrap().is_empty());

    // Checked in: nothing due any more.
    let (status, _) = check_in(&app, &priya, &uuid(900), &kr, "40", "7").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        week(&app, &priya).await["due"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn proposals_wait_for_the_leads_of_their_unit_only() {
    let app = TestApp::start().await;
    let cycle = running_cycle(&app).await;
    let ambassador = app.signed_in(AMBASSADOR).await;
    let (status, objective) = create_objective(
        &app,
        &ambassador,
        &cycle,
        &uuid(7),
        "Platform",
        "Faster builds",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{objective}");
    let (status, objective) = update(&app, &ambassador, &objective, "status", "proposed").await;
    assert_eq!(status, StatusCode::OK, "{objective}");
    let jonas = app.signed_in(LEAD).await;
    let waiting = week(&app, &jonas).await;
    assert_eq!(waiting["reviews_proposals"], true);
    assert!(titles(&waiting["proposals"], "/title").contains(&"Faster builds"));
    let ambassador = app.signed_in(AMBASSADOR).await;
    assert!(
        titles(&week(&app, &ambassador).await["proposals"], "/title").contains(&"Faster builds")
    );
    // Members review nothing; the lead beside does not see it.
    let priya = app.signed_in(MEMBER).await;
    assert!(
        week(&app, &priya).await["proposals"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let tomas = app.signed_in("tomas@northstar.demo").await;
    assert!(!titles(&week(&app, &tomas).await["proposals"], "/title").contains(&"Faster builds"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn objectives_to_close_appear_in_the_retrospective_window() {
    let app = TestApp::start().await;
    let cycle = retro_cycle(&app).await;
    let ambassador = app.signed_in(AMBASSADOR).await;
    let (status, objective) = create_objective(
        &app,
        &ambassador,
        &cycle,
        &uuid(8),
        "Platform",
        "Quiet on-call",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{objective}");
    let (_, objective) = update(&app, &ambassador, &objective, "status", "proposed").await;
    let (status, _) = update(&app, &ambassador, &objective, "status", "active").await;
    assert_eq!(status, StatusCode::OK);
    let priya = app.signed_in(MEMBER).await;
    let closing = week(&app, &priya).await;
    assert_eq!(titles(&closing["to_close"], "/title"), ["Quiet on-call"]);
    assert_eq!(closing["to_close"][0]["cycle"], "Closing cycle");
    let lea = app.signed_in("lea@northstar.demo").await;
    assert!(
        week(&app, &lea).await["to_close"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    // Nobody signed in: nothing.
    let (status, _) = app.call_json(&app.client(), "get_my_week", &[]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_result_delayed_until_its_data_exists_is_not_due_and_not_counted() {
    let app = TestApp::start().await;
    let cycle = running_cycle(&app).await;
    let kr = active_key_result(&app, &cycle, 1, MEMBER).await;
    let priya = app.signed_in(MEMBER).await;
    let (status, _) = check_in(&app, &priya, &uuid(900), &kr, "50", "7").await;
    assert_eq!(status, StatusCode::OK);
    // A second key result nobody can measure yet, delayed until they can.
    let delayed = uuid(901);
    add_key_result(&app, &uuid(1), &delayed, "Net revenue retention", MEMBER).await;
    let ambassador = app.signed_in(AMBASSADOR).await;
    let (status, body) = app
        .call_json(
            &ambassador,
            "update_key_result",
            &[
                ("id", delayed.as_str()),
                ("version", "1"),
                ("field", "fallback"),
                ("previous", ""),
                ("value", "delay"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // Not due on Priya's home…
    let due = week(&app, &priya).await;
    assert!(titles(&due["due"], "/key_result/title").is_empty(), "{due}");
    // …and Platform's progress is its measurable key result's 50%, not 25%.
    let platform = |leaderboard: &Value| {
        leaderboard["standings"]["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["name"] == "Platform")
            .map(|r| r["progress"].as_f64().unwrap())
    };
    let leaderboard = app
        .call_until(&ambassador, "get_leaderboard", &[], |l| {
            platform(l) == Some(0.5)
        })
        .await;
    assert_eq!(platform(&leaderboard), Some(0.5));
    let (_, board) = app
        .call_json(&ambassador, "get_board", &[("cycle_id", &cycle)])
        .await;
    assert_eq!(
        board["objectives"][0]["key_results"][1]["fallback"],
        "delay"
    );
}
