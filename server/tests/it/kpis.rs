//! KPIs: who may define them and record readings (down the unit tree,
//! never up or sideways), CSV readings taken whole or not at all, and a
//! reading that moves the key result following the KPI on the board and
//! the leaderboard, and is celebrated when the KPI recovers.
//!
//! The demo organisation: Engineering › {Platform, Web}; Jonas leads
//! Platform, Priya is a member of it; Tomás leads Web, Lea is a member of
//! Web; Elif (added here) leads Engineering.

use crate::common::board::{WEB_LEAD, WEB_MEMBER, update, uuid};
use crate::common::checkins::{next_json, open, resume, running_cycle, snapshot_where};
use crate::common::kpis::{NewKpi, days_ago, define, paste, read, rename};
use crate::common::{
    self, AMBASSADOR, DEPARTMENT_LEAD, LEAD, MEMBER, TestApp, add_department_lead, error_kind,
};
use futures::SinkExt;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;

fn platform_kpi(name: &str) -> NewKpi<'_> {
    NewKpi {
        unit: "Platform",
        name,
        owner: MEMBER,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kpis_are_defined_by_leads_at_or_above_their_unit_and_the_ambassador() {
    let app = TestApp::start().await;
    add_department_lead(&app).await;
    let ambassador = app.signed_in(AMBASSADOR).await;
    let jonas = app.signed_in(LEAD).await;
    let elif = app.signed_in(DEPARTMENT_LEAD).await;
    let tomas = app.signed_in(WEB_LEAD).await;
    let priya = app.signed_in(MEMBER).await;

    // The unit's own lead, the lead above it and the ambassador may.
    let (status, own) = define(&app, &jonas, platform_kpi("Deploy time")).await;
    assert_eq!(status, StatusCode::OK, "{own}");
    let (status, from_above) = define(&app, &elif, platform_kpi("Build time")).await;
    assert_eq!(status, StatusCode::OK, "{from_above}");
    let (status, body) = define(&app, &ambassador, platform_kpi("Queue length")).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // A sibling's lead, a member, and a team lead on the department's KPI may not.
    let (status, body) = define(&app, &tomas, platform_kpi("Sideways")).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, body) = define(&app, &priya, platform_kpi("From a member")).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let upward = NewKpi {
        unit: "Engineering",
        name: "Upward",
        owner: LEAD,
    };
    let (status, body) = define(&app, &jonas, upward).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(error_kind(&body), "forbidden");

    // The same on changes: Elif's department KPI stays out of Jonas's reach.
    let department = NewKpi {
        unit: "Engineering",
        name: "Incidents",
        owner: DEPARTMENT_LEAD,
    };
    let (status, department) = define(&app, &elif, department).await;
    assert_eq!(status, StatusCode::OK, "{department}");
    let (status, body) = rename(&app, &jonas, &department, "Renamed from below").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, _) = rename(&app, &tomas, &own, "Renamed from beside").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, renamed) = rename(&app, &elif, &own, "Deploy minutes").await;
    assert_eq!(status, StatusCode::OK, "{renamed}");
    // Jonas's form still holds the old version: his change is refused, not lost.
    let (status, body) = rename(&app, &jonas, &own, "Stale edit").await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    let name: String = sqlx::query_scalar("SELECT name FROM kpis WHERE id = $1")
        .bind(own["id"].as_i64().unwrap())
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(name, "Deploy minutes");

    // Everyone signed in sees every KPI, with what they may do on each.
    let lea = app.signed_in(WEB_MEMBER).await;
    let (status, list) = app.call_json(&lea, "list_kpis", &[]).await;
    assert_eq!(status, StatusCode::OK);
    let kpis = list["kpis"].as_array().unwrap();
    assert!(kpis.iter().any(|k| k["name"] == "Incidents"));
    assert!(kpis.iter().all(|k| k["can_edit"] == false));
    assert!(list["units"].as_array().unwrap().is_empty());
    let (status, _) = app.call_json(&app.client(), "list_kpis", &[]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_owner_and_leads_above_record_readings_nobody_beside() {
    let app = TestApp::start().await;
    add_department_lead(&app).await;
    let jonas = app.signed_in(LEAD).await;
    let (_, kpi) = define(&app, &jonas, platform_kpi("Deploy time")).await;
    let id = kpi["id"].as_i64().unwrap();

    // Priya owns it though she leads nothing; Jonas and Elif lead above it.
    for (n, who) in [
        (1, MEMBER),
        (2, LEAD),
        (3, DEPARTMENT_LEAD),
        (4, AMBASSADOR),
    ] {
        let client = app.signed_in(who).await;
        let (status, body) = read(&app, &client, id, &days_ago(n), "5").await;
        assert_eq!(status, StatusCode::OK, "{who}: {body}");
    }
    for who in [WEB_LEAD, WEB_MEMBER] {
        let client = app.signed_in(who).await;
        let (status, body) = read(&app, &client, id, &days_ago(9), "5").await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{who}: {body}");
    }
    let stored = app
        .count(&format!(
            "SELECT COUNT(*) FROM kpi_readings WHERE kpi_id = {id}"
        ))
        .await;
    assert_eq!(stored, 4);

    // A reading in the future is refused next to its field.
    let tomorrow = (time::OffsetDateTime::now_utc().date() + time::Duration::days(1)).to_string();
    let (status, body) = read(&app, &jonas, id, &tomorrow, "5").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["detail"]["field"], "on");
    let (status, body) = read(&app, &jonas, id, &days_ago(0), "five").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["detail"]["field"], "value");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pasted_readings_are_stored_whole_or_not_at_all() {
    let app = TestApp::start().await;
    let jonas = app.signed_in(LEAD).await;
    let (_, kpi) = define(&app, &jonas, platform_kpi("Deploy time")).await;
    let id = kpi["id"].as_i64().unwrap();
    let count = || async {
        app.count(&format!(
            "SELECT COUNT(*) FROM kpi_readings WHERE kpi_id = {id}"
        ))
        .await
    };

    let csv = format!(
        "date,value\n{},3.5\n{};four\n\n{}x,5\n{},6",
        days_ago(4),
        days_ago(3),
        days_ago(2),
        days_ago(1)
    );
    let (status, body) = paste(&app, &jonas, id, &csv).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["detail"]["field"], "csv");
    let message = body["detail"]["message"].as_str().unwrap();
    assert!(message.contains("Line 3:"), "{message}");
    assert!(message.contains("Line 5:"), "{message}");
    assert!(!message.contains("Line 2:"), "{message}");
    assert_eq!(count().await, 0, "nothing stored from a paste with errors");

    let csv = format!("{},3.5\n{},9\n{},6", days_ago(14), days_ago(7), days_ago(0));
    let (status, kpi) = paste(&app, &jonas, id, &csv).await;
    assert_eq!(status, StatusCode::OK, "{kpi}");
    assert_eq!(count().await, 3);
    assert_eq!(kpi["health"], "warning");

    // Pasting again changes nothing; a new value for a date replaces the
    // reading and keeps the old one in the history.
    let (_, again) = paste(&app, &jonas, id, &csv).await;
    assert_eq!(again["version"], kpi["version"]);
    let (status, kpi) = read(&app, &jonas, id, &days_ago(0), "8.5").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(count().await, 3);
    assert_eq!(kpi["health"], "critical");
    assert_eq!(kpi["flag"], "critical");
    let kept: f64 = sqlx::query_scalar(
        "SELECT value FROM kpi_reading_history WHERE kpi_id = $1 AND read_on = $2",
    )
    .bind(id)
    .bind(days_ago(0))
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(kept, 6.0);

    // A future date is named by its line too.
    let tomorrow = (time::OffsetDateTime::now_utc().date() + time::Duration::days(1)).to_string();
    let (status, body) = paste(
        &app,
        &jonas,
        id,
        &format!("{},1\n{tomorrow},1", days_ago(20)),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body["detail"]["message"]
            .as_str()
            .unwrap()
            .starts_with("Line 2:"),
        "{body}"
    );
    assert_eq!(count().await, 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_unit_that_owns_kpis_cannot_be_deleted() {
    let app = TestApp::start().await;
    let ambassador = app.signed_in(AMBASSADOR).await;
    let (status, _) = app
        .call_json(
            &ambassador,
            "create_unit",
            &[("name", "Data"), ("parent_id", "")],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, kpi) = define(
        &app,
        &ambassador,
        NewKpi {
            unit: "Data",
            name: "Freshness",
            owner: AMBASSADOR,
        },
    )
    .await;
    assert!(kpi["id"].is_i64(), "{kpi}");
    let data = app.unit_id("Data").await.to_string();
    let (status, body) = app
        .call_json(&ambassador, "delete_unit", &[("unit_id", &data)])
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(body.to_string().contains("owns 1 KPI"), "{body}");
}

/// The demo's "Average reply time" (Support), flagged critical.
async fn reply_time(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT id FROM kpis WHERE name = 'Average reply time'")
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

/// An active objective made from the KPI's suggestion in `cycle`; returns
/// the key result following the KPI.
async fn objective_from(app: &TestApp, cycle: &str, kpi: i64) -> String {
    let sam = app.signed_in("sam@northstar.demo").await;
    let (status, detail) = app
        .call_json(&sam, "get_kpi", &[("id", &kpi.to_string())])
        .await;
    assert_eq!(status, StatusCode::OK, "{detail}");
    let suggestion = &detail["suggestion"];
    assert_eq!(suggestion["cycle_id"].to_string(), cycle, "{detail}");
    let support = app.unit_id("Support").await.to_string();
    let id = uuid(7);
    let (status, objective) = app
        .call_json(
            &sam,
            "create_objective_from_kpi",
            &[
                ("id", &id),
                ("cycle_id", cycle),
                ("kpi_id", &kpi.to_string()),
                ("unit_id", &support),
                ("title", suggestion["title"].as_str().unwrap()),
                (
                    "why_important",
                    suggestion["why_important"].as_str().unwrap(),
                ),
                (
                    "key_result_title",
                    suggestion["key_result_title"].as_str().unwrap(),
                ),
                ("start", &suggestion["start"].to_string()),
                ("target", &suggestion["target"].to_string()),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{objective}");
    assert_eq!(
        objective["title"],
        "Bring average reply time back to healthy"
    );
    let (_, objective) = update(app, &sam, &objective, "why_urgent", "The peak is here.").await;
    let (_, objective) = update(app, &sam, &objective, "status", "proposed").await;
    let (status, objective) = update(app, &sam, &objective, "status", "active").await;
    assert_eq!(status, StatusCode::OK, "{objective}");
    let kr = &objective["key_results"][0];
    assert_eq!(kr["current"], 8.6);
    assert_eq!(kr["target"], 4.0);
    kr["id"].as_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reading_moves_the_key_result_that_follows_the_kpi_live() {
    let app = TestApp::start().await;
    let cycle = running_cycle(&app).await;
    let kpi = reply_time(&app).await;
    let kr = objective_from(&app, &cycle, kpi).await;

    let cookie = common::cookie_of(&app, AMBASSADOR).await;
    let mut board = open(&app, &format!("/ws/boards/{cycle}"), Some(&cookie))
        .await
        .unwrap();
    board
        .send(Message::Text(
            json!({ "type": "resume", "version": 0 }).to_string().into(),
        ))
        .await
        .unwrap();
    let mut leaderboard = open(&app, "/ws/leaderboard", Some(&cookie)).await.unwrap();
    assert_eq!(resume(&app, &mut leaderboard).await["type"], "snapshot");
    let mut kpis = open(&app, "/ws/kpis", Some(&cookie)).await.unwrap();
    assert_eq!(
        next_json(&mut kpis, Duration::from_secs(5)).await.unwrap()["type"],
        "hello"
    );

    // Halfway from 8.6 h to 4 h: the key result is at half its way.
    let sam = app.signed_in("sam@northstar.demo").await;
    let (status, body) = read(&app, &sam, kpi, &days_ago(0), "6.3").await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // The board replays what it logged before, then the reading's change.
    let moved = loop {
        let message = next_json(&mut board, Duration::from_secs(5))
            .await
            .expect("a board event with the new value");
        if message["type"] != "event" || message["event"]["type"] != "objective_saved" {
            continue;
        }
        let key_results = message["event"]["objective"]["key_results"].clone();
        if let Some(moved) = key_results
            .as_array()
            .unwrap()
            .iter()
            .find(|k| k["id"] == kr.as_str() && k["current"] != 8.6)
        {
            break moved.clone();
        }
    };
    assert_eq!(moved["current"], 6.3);
    // Snapshots of earlier changes may still be on their way: the one
    // after the reading comes, and shows Support at half way.
    let support_progress = |snapshot: &Value| {
        snapshot["leaderboard"]["standings"]["rows"]
            .as_array()
            .and_then(|rows| rows.iter().find(|r| r["name"] == "Support"))
            .and_then(|support| support["progress"].as_f64())
    };
    let snapshot = snapshot_where(&mut leaderboard, |s| {
        support_progress(s).is_some_and(|p| (p - 0.5).abs() < 1e-9)
    })
    .await;
    assert_eq!(snapshot["type"], "snapshot");
    let changed = next_json(&mut kpis, Duration::from_secs(5)).await.unwrap();
    assert_eq!(changed["type"], "changed");
    assert_eq!(changed["id"], kpi);

    // The reading is a check-in on the key result, once however often it is sent.
    let (status, _) = read(&app, &sam, kpi, &days_ago(0), "6.3").await;
    assert_eq!(status, StatusCode::OK);
    let check_ins = app
        .count(&format!(
            "SELECT COUNT(*) FROM check_ins WHERE key_result_id = '{kr}' AND value = 6.3"
        ))
        .await;
    assert_eq!(check_ins, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_recovered_kpi_is_celebrated_on_the_leaderboard() {
    let app = TestApp::start().await;
    let cycle = running_cycle(&app).await;
    let kpi = reply_time(&app).await;
    let _ = objective_from(&app, &cycle, kpi).await;
    let cookie = common::cookie_of(&app, AMBASSADOR).await;
    let mut leaderboard = open(&app, "/ws/leaderboard", Some(&cookie)).await.unwrap();
    let first = resume(&app, &mut leaderboard).await;
    assert_eq!(first["leaderboard"]["recoveries"], json!([]));

    let sam = app.signed_in("sam@northstar.demo").await;
    let (status, body) = read(&app, &sam, kpi, &days_ago(0), "3.5").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["health"], "healthy");
    assert_eq!(body["flag"], Value::Null);
    let snapshot = snapshot_where(&mut leaderboard, |s| {
        s["leaderboard"]["recoveries"]
            .as_array()
            .is_some_and(|r| !r.is_empty())
    })
    .await;
    let recoveries = snapshot["leaderboard"]["recoveries"].as_array().unwrap();
    assert_eq!(recoveries.len(), 1, "{snapshot}");
    assert_eq!(recoveries[0]["kpi"], "Average reply time");
    assert_eq!(recoveries[0]["unit"], "Support");

    // Critical again: the celebration is over.
    let (status, _) = read(&app, &sam, kpi, &days_ago(0), "9").await;
    assert_eq!(status, StatusCode::OK);
    let snapshot = next_json(&mut leaderboard, Duration::from_secs(5))
        .await
        .expect("a leaderboard event");
    assert_eq!(snapshot["leaderboard"]["recoveries"], json!([]));
}
