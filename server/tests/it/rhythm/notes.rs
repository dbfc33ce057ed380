//! Agenda notes: two people saving one meeting's notes, and retried
//! plan and notes requests.

use super::{demo_cycle, save_notes, weekly, with};
use crate::common::board::uuid;
use crate::common::{AMBASSADOR, LEAD, MEMBER, TestApp, error_kind};
use reqwest::StatusCode;
use serde_json::Value;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_people_saving_one_meetings_notes_do_not_overwrite_each_other() {
    let app = TestApp::start().await;
    let platform = app.unit_id("Platform").await;
    let agenda = format!("weekly:{platform}");
    let jonas = app.signed_in(LEAD).await;
    let priya = app.signed_in(MEMBER).await;
    let (status, first) = save_notes(
        &app,
        &jonas,
        &agenda,
        "2026-07-06",
        "",
        "Jonas: staging owner is Priya",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{first}");
    assert_eq!(first["version"], 1);
    // Priya opened the page before Jonas saved: her first save is refused.
    let (status, body) = save_notes(
        &app,
        &priya,
        &agenda,
        "2026-07-06",
        "",
        "Priya: fix staging",
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    // She reads his, merges, and saves on top of his version.
    let (status, fresh) = app
        .call_json(
            &priya,
            "get_agenda_notes",
            &[("agenda", &agenda), ("meeting_on", "2026-07-06")],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(fresh["current"]["body"], "Jonas: staging owner is Priya");
    assert_eq!(fresh["may_write"], true);
    let (status, merged) = save_notes(
        &app,
        &priya,
        &agenda,
        "2026-07-06",
        "1",
        "Jonas: staging owner is Priya\nPriya: fix staging",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{merged}");
    assert_eq!(merged["version"], 2);
    // Jonas, still on version 1, cannot overwrite the merge.
    let (status, _) = save_notes(&app, &jonas, &agenda, "2026-07-06", "1", "Jonas only").await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM agenda_notes WHERE body LIKE '%Priya: fix staging' AND version = 2")
            .await,
        1
    );
    // The next meeting shows them as what was agreed last time.
    let (status, next) = app
        .call_json(
            &priya,
            "get_agenda_notes",
            &[("agenda", &agenda), ("meeting_on", "2026-07-13")],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(next["current"], Value::Null);
    assert_eq!(next["previous"]["meeting_on"], "2026-07-06");
    assert_eq!(next["previous"]["by"], "Priya Nair");
    // Someone from a team beside cannot write them; too long is refused by field.
    let lea = app.signed_in("lea@northstar.demo").await;
    let (status, _) = save_notes(&app, &lea, &agenda, "2026-07-13", "", "Web was here").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let long = "x".repeat(2001);
    let (status, body) = save_notes(&app, &jonas, &agenda, "2026-07-13", "", &long).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["detail"]["field"], "body");
    for bad in ["weekly:abc", "party:1", ""] {
        let (status, body) = save_notes(&app, &jonas, bad, "2026-07-13", "", "x").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        assert_eq!(body["detail"]["field"], "agenda");
    }
    let (status, body) = save_notes(&app, &jonas, &agenda, "13 July", "", "x").await;
    assert_eq!(
        (status, error_kind(&body)),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid")
    );
    // The all-hands' notes are the ambassador's.
    let (status, _) = save_notes(&app, &jonas, "review:org", "2026-07-03", "", "x").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let ambassador = app.signed_in(AMBASSADOR).await;
    let (status, _) =
        save_notes(&app, &ambassador, "review:org", "2026-07-03", "", "Ship it").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(app.count("SELECT COUNT(*) FROM agenda_notes").await, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retried_plan_and_notes_requests_are_applied_once() {
    let app = TestApp::start().await;
    let cycle = demo_cycle(&app).await;
    let ambassador = app.signed_in(AMBASSADOR).await;
    let before = app.count("SELECT COUNT(*) FROM plan_meetings").await;
    let client_id = uuid(4242);
    let mut form = weekly(&cycle, "", "Retried stand-up");
    form.push(("client_id", &client_id));
    let (status, first) = app.call_json(&ambassador, "save_plan_meeting", &form).await;
    assert_eq!(status, StatusCode::OK, "{first}");
    let (status, again) = app.call_json(&ambassador, "save_plan_meeting", &form).await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!(again["id"], first["id"]);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM plan_meetings").await,
        before + 1
    );
    // A bad form id is refused by its field.
    let mut bad = weekly(&cycle, "", "x");
    bad.push(("client_id", "not-an-id"));
    let (status, body) = app.call_json(&ambassador, "save_plan_meeting", &bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["detail"]["field"], "client_id");

    // An edit sent twice: the second answer is the first's result, not a conflict.
    let (id, version) = (first["id"].to_string(), first["version"].to_string());
    let edit = with(
        with(weekly(&cycle, "", "Retried stand-up, Tuesdays"), "id", &id),
        "version",
        &version,
    );
    let (status, edited) = app.call_json(&ambassador, "save_plan_meeting", &edit).await;
    assert_eq!(status, StatusCode::OK, "{edited}");
    let (status, retried) = app.call_json(&ambassador, "save_plan_meeting", &edit).await;
    assert_eq!(status, StatusCode::OK, "{retried}");
    assert_eq!(retried["version"], edited["version"]);
    // …but another change on the old version is still refused.
    let other = with(
        with(weekly(&cycle, "", "Something else"), "id", &id),
        "version",
        &version,
    );
    let (status, _) = app
        .call_json(&ambassador, "save_plan_meeting", &other)
        .await;
    assert_eq!(status, StatusCode::CONFLICT);

    // A removal sent twice.
    let removal = [("id", id.as_str()), ("version", "2")];
    for _ in 0..2 {
        let (status, body) = app
            .call_json(&ambassador, "delete_plan_meeting", &removal)
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    assert_eq!(
        app.count("SELECT COUNT(*) FROM plan_meetings").await,
        before
    );

    // Notes saved twice by the same person: saved once, no conflict.
    let jonas = app.signed_in(LEAD).await;
    let agenda = format!("weekly:{}", app.unit_id("Platform").await);
    for _ in 0..2 {
        let (status, body) =
            save_notes(&app, &jonas, &agenda, "2026-07-06", "", "Ship Friday").await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["version"], 1);
    }
    for _ in 0..2 {
        let (status, body) =
            save_notes(&app, &jonas, &agenda, "2026-07-06", "1", "Ship Monday").await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["version"], 2);
    }
    // Someone else with the same text on the old version is still told.
    let priya = app.signed_in(MEMBER).await;
    let (status, _) = save_notes(&app, &priya, &agenda, "2026-07-06", "1", "Ship Monday").await;
    assert_eq!(status, StatusCode::CONFLICT);
}
