//! The program's rhythm: communication plans (who changes which meeting, a
//! new cycle starting from the previous plan), agendas (who opens a
//! one-on-one, coaching from real check-ins, a review's scope) and agenda
//! notes (two people saving the same meeting's notes).

use crate::common::board::uuid;
use crate::common::checkins::{active_key_result, check_in, running_cycle};
use crate::common::{
    AMBASSADOR, DEPARTMENT_LEAD, LEAD, MEMBER, TestApp, add_department_lead, error_kind,
};
use reqwest::{Client, StatusCode};
use serde_json::Value;

/// The demo's latest cycle.
async fn demo_cycle(app: &TestApp) -> String {
    app.count("SELECT id FROM cycles ORDER BY start_date DESC, id DESC LIMIT 1")
        .await
        .to_string()
}

async fn plan(app: &TestApp, client: &Client, cycle: &str) -> Value {
    let (status, plan) = app
        .call_json(client, "get_cycle_plan", &[("cycle_id", cycle)])
        .await;
    assert_eq!(status, StatusCode::OK, "{plan}");
    plan
}

/// The form of a team weekly held for `unit` ("" for everyone).
fn weekly<'a>(cycle: &'a str, unit: &'a str, format: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("cycle_id", cycle),
        ("id", ""),
        ("version", ""),
        ("kind", "team_weekly"),
        ("custom_name", ""),
        ("level", "team"),
        ("unit_id", unit),
        ("frequency", "weekly"),
        ("weekday", "1"),
        ("format", format),
        ("owner", "Team lead"),
        ("points", "Low confidence first\nSilent key results"),
    ]
}

fn with<'a>(
    mut form: Vec<(&'a str, &'a str)>,
    field: &'a str,
    value: &'a str,
) -> Vec<(&'a str, &'a str)> {
    for pair in &mut form {
        if pair.0 == field {
            pair.1 = value;
        }
    }
    form
}

#[tokio::test]
async fn every_cycle_has_a_plan_and_a_new_one_starts_from_the_previous() {
    let app = TestApp::start().await;
    let cycle = demo_cycle(&app).await;
    // Everyone signed in reads it: the guide's default, with next dates.
    let priya = app.signed_in(MEMBER).await;
    let shown = plan(&app, &priya, &cycle).await;
    let meetings = shown["meetings"].as_array().unwrap();
    let kinds: Vec<&str> = meetings
        .iter()
        .map(|m| m["kind"].as_str().unwrap())
        .collect();
    for kind in [
        "planning_workshop",
        "all_hands",
        "team_weekly",
        "one_on_one",
        "retrospective",
    ] {
        assert!(kinds.contains(&kind), "{kinds:?}");
    }
    assert!(meetings.iter().all(|m| m["may_edit"] == false));
    assert_eq!(shown["may_add_for_everyone"], false);
    assert_eq!(shown["may_add_for"], serde_json::json!([]));
    // The team weekly opens Priya's team's agenda; her one-on-one hers.
    let platform = app.unit_id("Platform").await;
    let priya_id = app.person_id(MEMBER).await;
    let agenda = |kind: &str| {
        meetings
            .iter()
            .find(|m| m["kind"] == kind)
            .map(|m| m["agenda"].clone())
            .unwrap()
    };
    assert_eq!(agenda("team_weekly"), format!("/agendas/weekly/{platform}"));
    assert_eq!(
        agenda("one_on_one"),
        format!("/agendas/one-on-one/{priya_id}")
    );
    assert_eq!(agenda("all_hands"), "/agendas/all-hands");

    // The ambassador changes one meeting and removes another…
    let ambassador = app.signed_in(AMBASSADOR).await;
    let team_weekly = meetings
        .iter()
        .find(|m| m["kind"] == "team_weekly")
        .unwrap();
    let (id, version) = (
        team_weekly["id"].to_string(),
        team_weekly["version"].to_string(),
    );
    let form = with(
        weekly(&cycle, "", "10 minutes after the Tuesday demo"),
        "id",
        &id,
    );
    let form = with(form, "version", &version);
    let (status, saved) = app.call_json(&ambassador, "save_plan_meeting", &form).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved["version"], 2);
    let retro = meetings
        .iter()
        .find(|m| m["kind"] == "retrospective")
        .unwrap();
    let (status, body) = app
        .call_json(
            &ambassador,
            "delete_plan_meeting",
            &[
                ("id", &retro["id"].to_string()),
                ("version", &retro["version"].to_string()),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // …and the next cycle starts from that plan, not from the default.
    let next = running_cycle(&app).await;
    let copied = plan(&app, &ambassador, &next).await;
    let copied = copied["meetings"].as_array().unwrap();
    assert_eq!(copied.len(), meetings.len() - 1);
    assert!(copied.iter().all(|m| m["kind"] != "retrospective"));
    let formats: Vec<&str> = copied
        .iter()
        .map(|m| m["format"].as_str().unwrap())
        .collect();
    assert!(
        formats.contains(&"10 minutes after the Tuesday demo"),
        "{formats:?}"
    );
    // The copy is its own: changing it leaves the previous cycle's alone.
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM plan_meetings WHERE format = '10 minutes after the Tuesday demo'"
        )
        .await,
        2
    );
}

#[tokio::test]
async fn leads_plan_meetings_for_their_units_only_down_the_tree() {
    let app = TestApp::start().await;
    add_department_lead(&app).await;
    let cycle = demo_cycle(&app).await;
    let (platform, web, engineering) = (
        app.unit_id("Platform").await.to_string(),
        app.unit_id("Web").await.to_string(),
        app.unit_id("Engineering").await.to_string(),
    );
    let jonas = app.signed_in(LEAD).await;
    let (status, row) = app
        .call_json(
            &jonas,
            "save_plan_meeting",
            &weekly(&cycle, &platform, "Platform stand-up"),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{row}");
    assert_eq!(row["held_for"], "Engineering › Platform");
    assert_eq!(row["may_edit"], true);
    // Not beside, not above, not for everyone.
    for unit in [web.as_str(), engineering.as_str(), ""] {
        let (status, body) = app
            .call_json(&jonas, "save_plan_meeting", &weekly(&cycle, unit, "Sneaky"))
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{unit}: {body}");
    }
    // A member adds nothing.
    let priya = app.signed_in(MEMBER).await;
    let (status, _) = app
        .call_json(
            &priya,
            "save_plan_meeting",
            &weekly(&cycle, &platform, "Mine"),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Jonas cannot change or remove an organisation-wide meeting…
    let shown = plan(&app, &jonas, &cycle).await;
    let all_hands = shown["meetings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["kind"] == "all_hands")
        .unwrap()
        .clone();
    assert_eq!(all_hands["may_edit"], false);
    let (id, version) = (
        all_hands["id"].to_string(),
        all_hands["version"].to_string(),
    );
    let form = with(
        with(weekly(&cycle, &platform, "Taken over"), "id", &id),
        "version",
        &version,
    );
    let (status, _) = app.call_json(&jonas, "save_plan_meeting", &form).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app
        .call_json(
            &jonas,
            "delete_plan_meeting",
            &[("id", &id), ("version", &version)],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // …nor move his own meeting up to Engineering.
    let (own, own_version) = (row["id"].to_string(), row["version"].to_string());
    let form = with(
        with(weekly(&cycle, &engineering, "Moved up"), "id", &own),
        "version",
        &own_version,
    );
    let (status, _) = app.call_json(&jonas, "save_plan_meeting", &form).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Engineering's lead may change Platform's meeting (below her); a stale
    // version is refused and changes nothing.
    let elif = app.signed_in(DEPARTMENT_LEAD).await;
    let form = with(
        with(
            weekly(&cycle, &platform, "Platform stand-up, Tuesdays"),
            "id",
            &own,
        ),
        "version",
        &own_version,
    );
    let (status, body) = app.call_json(&elif, "save_plan_meeting", &form).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = app.call_json(&jonas, "save_plan_meeting", &form).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM plan_meetings WHERE format = 'Platform stand-up, Tuesdays' AND version = 2")
            .await,
        1
    );
    // Nobody signed in: nothing at all.
    let (status, _) = app
        .call_json(&app.client(), "get_cycle_plan", &[("cycle_id", &cycle)])
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn bad_plan_input_names_its_field_and_stores_nothing() {
    let app = TestApp::start().await;
    let cycle = demo_cycle(&app).await;
    let ambassador = app.signed_in(AMBASSADOR).await;
    let before = app.count("SELECT COUNT(*) FROM plan_meetings").await;
    let long = "x".repeat(201);
    let cases = [
        (with(weekly(&cycle, "", "ok"), "kind", "party"), "kind"),
        (
            with(weekly(&cycle, "", "ok"), "kind", "custom"),
            "custom_name",
        ),
        (with(weekly(&cycle, "", "ok"), "level", "galaxy"), "level"),
        (
            with(weekly(&cycle, "", "ok"), "frequency", "hourly"),
            "frequency",
        ),
        (with(weekly(&cycle, "", "ok"), "weekday", "9"), "weekday"),
        (weekly(&cycle, "", &long), "format"),
        (
            with(weekly(&cycle, "", "ok"), "unit_id", "99999"),
            "unit_id",
        ),
    ];
    for (form, field) in cases {
        let (status, body) = app.call_json(&ambassador, "save_plan_meeting", &form).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{field}: {body}");
        assert_eq!(body["detail"]["field"], field, "{body}");
    }
    assert_eq!(
        app.count("SELECT COUNT(*) FROM plan_meetings").await,
        before
    );
    // A custom meeting with its name is fine.
    let form = with(
        with(weekly(&cycle, "", "ok"), "kind", "custom"),
        "custom_name",
        "Pipeline review",
    );
    let (status, body) = app.call_json(&ambassador, "save_plan_meeting", &form).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["custom_name"], "Pipeline review");
}

async fn one_on_one(app: &TestApp, client: &Client, person: i64) -> (StatusCode, Value) {
    app.call_json(
        client,
        "get_one_on_one_agenda",
        &[("person_id", &person.to_string())],
    )
    .await
}

#[tokio::test]
async fn a_one_on_one_opens_for_the_person_and_their_leads_only() {
    let app = TestApp::start().await;
    add_department_lead(&app).await;
    let priya = app.person_id(MEMBER).await;
    for (who, expected) in [
        (MEMBER, StatusCode::OK),
        (LEAD, StatusCode::OK),
        (DEPARTMENT_LEAD, StatusCode::OK),
        (AMBASSADOR, StatusCode::OK),
        // A lead beside, a colleague elsewhere.
        ("tomas@northstar.demo", StatusCode::FORBIDDEN),
        ("lea@northstar.demo", StatusCode::FORBIDDEN),
    ] {
        let client = app.signed_in(who).await;
        let (status, body) = one_on_one(&app, &client, priya).await;
        assert_eq!(status, expected, "{who}: {body}");
    }
    // Rights do not leak upward: Platform's lead cannot open the
    // one-on-one of Engineering's lead, nor write its notes.
    let jonas = app.signed_in(LEAD).await;
    let elif = app.person_id(DEPARTMENT_LEAD).await;
    let (status, _) = one_on_one(&app, &jonas, elif).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Not even when she is also a member of his team.
    sqlx::query("INSERT INTO memberships (person_id, unit_id) VALUES (?, ?)")
        .bind(elif)
        .bind(app.unit_id("Platform").await)
        .execute(&app.pool)
        .await
        .unwrap();
    let (status, _) = one_on_one(&app, &jonas, elif).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // She opens his: she leads his department.
    let jonas_id = app.person_id(LEAD).await;
    let elif_client = app.signed_in(DEPARTMENT_LEAD).await;
    let (status, _) = one_on_one(&app, &elif_client, jonas_id).await;
    assert_eq!(status, StatusCode::OK);
    let agenda = format!("one-on-one:{elif}");
    let (status, _) = app
        .call_json(
            &jonas,
            "save_agenda_notes",
            &[
                ("agenda", &agenda),
                ("meeting_on", "2026-07-02"),
                ("version", ""),
                ("body", "x"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app
        .call_json(
            &jonas,
            "get_agenda_notes",
            &[("agenda", &agenda), ("meeting_on", "2026-07-02")],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(app.count("SELECT COUNT(*) FROM agenda_notes").await, 0);
    // Nobody signed in, or nobody at all.
    let (status, _) = one_on_one(&app, &app.client(), priya).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = one_on_one(&app, &jonas, 99_999).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_falling_confidence_becomes_a_coaching_question_and_a_weekly_drop() {
    let app = TestApp::start().await;
    let cycle = running_cycle(&app).await;
    let kr = active_key_result(&app, &cycle, 1, MEMBER).await;
    // Last week Priya was confident (written as it was then)…
    let author = app.person_id(MEMBER).await;
    let last_week = (time::OffsetDateTime::now_utc().date() - time::Duration::days(8)).to_string();
    sqlx::query(
        "INSERT INTO check_ins (id, key_result_id, author_id, value, confidence, progress, problems, plans, checked_in_on) \
         VALUES (?, ?, ?, 30, 8, 'Pipeline green', 'Flaky staging', 'Fix staging', ?)",
    )
    .bind(uuid(500))
    .bind(&kr)
    .bind(author)
    .bind(&last_week)
    .execute(&app.pool)
    .await
    .unwrap();
    // …and today she is not.
    let priya = app.signed_in(MEMBER).await;
    let (status, body) = check_in(&app, &priya, &uuid(501), &kr, "35", "5").await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let jonas = app.signed_in(LEAD).await;
    let (status, agenda) = one_on_one(&app, &jonas, author).await;
    assert_eq!(status, StatusCode::OK, "{agenda}");
    let coached = &agenda["key_results"][0];
    assert_eq!(coached["key_result_title"], "Deploy confidence");
    let questions: Vec<&str> = coached["questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["text"].as_str().unwrap())
        .collect();
    assert!(
        questions.iter().any(|q| q.contains("fell from 8 to 5")),
        "{questions:?}"
    );
    assert_eq!(coached["confidence"][0][1], 8);
    assert_eq!(coached["confidence"][1][1], 5);
    assert_eq!(coached["check_ins"][0]["confidence"], 5, "newest first");
    assert_eq!(coached["check_ins"][1]["problems"], "Flaky staging");

    let platform = app.unit_id("Platform").await.to_string();
    let (status, weekly) = app
        .call_json(&jonas, "get_weekly_agenda", &[("unit_id", &platform)])
        .await;
    assert_eq!(status, StatusCode::OK, "{weekly}");
    assert_eq!(weekly["dropped"][0]["from"], 8, "{weekly}");
    assert_eq!(weekly["dropped"][0]["to"], 5);
    // The plan's discussion points of the team weekly come with it.
    assert_eq!(weekly["plan"][0]["meeting"], "Team weekly", "{weekly}");
    assert!(weekly["review"]["items"].as_array().unwrap().len() == 1);
    // Jonas reaches his team's one-on-ones from there; Priya only her own.
    let names = |agenda: &Value| -> Vec<String> {
        agenda["one_on_ones"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(names(&weekly), ["Jonas Berg", "Priya Nair"]);
    let (_, hers) = app
        .call_json(&priya, "get_weekly_agenda", &[("unit_id", &platform)])
        .await;
    assert_eq!(names(&hers), ["Priya Nair"]);
}

async fn save_notes(
    app: &TestApp,
    client: &Client,
    agenda: &str,
    on: &str,
    version: &str,
    body: &str,
) -> (StatusCode, Value) {
    app.call_json(
        client,
        "save_agenda_notes",
        &[
            ("agenda", agenda),
            ("meeting_on", on),
            ("version", version),
            ("body", body),
        ],
    )
    .await
}

#[tokio::test]
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

#[tokio::test]
async fn a_department_review_keeps_to_its_department() {
    let app = TestApp::start().await;
    let priya = app.signed_in(MEMBER).await;
    let (status, all_hands) = app.call_json(&priya, "get_review_agenda", &[]).await;
    assert_eq!(status, StatusCode::OK, "{all_hands}");
    assert_eq!(all_hands["scope"], "Everyone");
    let flagged: Vec<&str> = all_hands["flagged"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["name"].as_str().unwrap())
        .collect();
    assert!(flagged.contains(&"Average reply time"), "{flagged:?}");
    assert_eq!(all_hands["notes"]["may_write"], false);

    let engineering = app.unit_id("Engineering").await.to_string();
    let (status, review) = app
        .call_json(&priya, "get_review_agenda", &[("unit_id", &engineering)])
        .await;
    assert_eq!(status, StatusCode::OK, "{review}");
    assert_eq!(review["scope"], "Engineering");
    let units = review["units"].as_array().unwrap();
    assert!(!units.is_empty(), "{review}");
    for row in units {
        assert!(
            ["Engineering", "Platform", "Web"].contains(&row["name"].as_str().unwrap()),
            "{row}"
        );
    }
    assert!(review["flagged"].as_array().unwrap().is_empty(), "{review}");
    let (status, _) = app
        .call_json(&priya, "get_review_agenda", &[("unit_id", "99999")])
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn ranked(app: &TestApp, client: &Client) -> Vec<String> {
    let (status, leaderboard) = app.call_json(client, "get_leaderboard", &[]).await;
    assert_eq!(status, StatusCode::OK, "{leaderboard}");
    leaderboard["standings"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row["name"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_unit_left_out_of_a_cycle_is_not_ranked_and_only_the_ambassador_decides() {
    let app = TestApp::start().await;
    let cycle = running_cycle(&app).await;
    active_key_result(&app, &cycle, 1, MEMBER).await;
    let platform = app.unit_id("Platform").await.to_string();
    let ambassador = app.signed_in(AMBASSADOR).await;
    assert!(
        ranked(&app, &ambassador)
            .await
            .contains(&"Platform".to_owned())
    );
    let leave_out = [
        ("cycle_id", cycle.as_str()),
        ("unit_id", platform.as_str()),
        ("taking_part", "false"),
    ];
    // Not a lead's call, not even for their own unit.
    for who in [LEAD, MEMBER] {
        let client = app.signed_in(who).await;
        let (status, _) = app.call_json(&client, "set_taking_part", &leave_out).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{who}");
    }
    let version_sql = format!("SELECT board_version FROM cycles WHERE id = {cycle}");
    let before = app.count(&version_sql).await;
    let (status, out) = app
        .call_json(&ambassador, "set_taking_part", &leave_out)
        .await;
    assert_eq!(status, StatusCode::OK, "{out}");
    assert_eq!(out, serde_json::json!([platform.parse::<i64>().unwrap()]));
    // One board version, with its event for open boards and maps.
    assert_eq!(app.count(&version_sql).await, before + 1);
    let (_, board) = app
        .call_json(&ambassador, "get_board", &[("cycle_id", &cycle)])
        .await;
    assert_eq!(board["units_out"], out);
    let event: String = sqlx::query_scalar(
        "SELECT event FROM board_events WHERE cycle_id = ? ORDER BY version DESC LIMIT 1",
    )
    .bind(cycle.parse::<i64>().unwrap())
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(event.contains("scope_changed"), "{event}");
    // A retried request changes nothing more.
    let (status, again) = app
        .call_json(&ambassador, "set_taking_part", &leave_out)
        .await;
    assert_eq!((status, &again), (StatusCode::OK, &out));
    assert_eq!(app.count(&version_sql).await, before + 1);
    // The leaderboard recomputes without Platform (the refresher is
    // asynchronous: wait for it).
    let mut rows = ranked(&app, &ambassador).await;
    for _ in 0..50 {
        if !rows.contains(&"Platform".to_owned()) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        rows = ranked(&app, &ambassador).await;
    }
    assert!(!rows.contains(&"Platform".to_owned()), "{rows:?}");
    let shown = plan(&app, &ambassador, &cycle).await;
    let platform_row = shown["scope"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["unit_path"] == "Engineering › Platform")
        .unwrap()
        .clone();
    assert_eq!(platform_row["taking_part"], false);
    assert_eq!(shown["may_set_scope"], true);
    // Back in.
    let take_part = [
        ("cycle_id", cycle.as_str()),
        ("unit_id", platform.as_str()),
        ("taking_part", "true"),
    ];
    let (status, out) = app
        .call_json(&ambassador, "set_taking_part", &take_part)
        .await;
    assert_eq!((status, out), (StatusCode::OK, serde_json::json!([])));
}

#[tokio::test]
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
