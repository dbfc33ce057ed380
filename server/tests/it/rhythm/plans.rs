//! Communication plans: every cycle has one, who may change which meeting,
//! bad input, and who takes part in a cycle.

use super::{demo_cycle, plan, weekly, with};
use crate::common::checkins::{active_key_result, running_cycle};
use crate::common::{AMBASSADOR, DEPARTMENT_LEAD, LEAD, MEMBER, TestApp, add_department_lead};
use reqwest::StatusCode;
use serde_json::Value;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
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
    // For his team, not as an organisation-wide meeting (the all-hands'):
    // named next to the level, and nothing stored.
    let before = app.count("SELECT COUNT(*) FROM plan_meetings").await;
    let town_hall_form = with(
        weekly(&cycle, &platform, "Town hall"),
        "level",
        "organisation",
    );
    let (status, body) = app
        .call_json(&jonas, "save_plan_meeting", &town_hall_form)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["detail"]["field"], "level", "{body}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM plan_meetings").await,
        before
    );
    // One the ambassador holds organisation-wide for Platform stays hers:
    // Jonas may neither change it (not even down to his team's level) nor
    // remove it.
    let ambassador = app.signed_in(AMBASSADOR).await;
    let (status, town_hall) = app
        .call_json(&ambassador, "save_plan_meeting", &town_hall_form)
        .await;
    assert_eq!(status, StatusCode::OK, "{town_hall}");
    let shown = plan(&app, &jonas, &cycle).await;
    let held = shown["meetings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == town_hall["id"])
        .cloned()
        .unwrap();
    assert_eq!(held["may_edit"], false, "{held}");
    let id = town_hall["id"]
        .as_str()
        .map_or_else(|| town_hall["id"].to_string(), str::to_owned);
    let version = town_hall["version"].to_string();
    let change = with(
        with(weekly(&cycle, &platform, "Our stand-up now"), "id", &id),
        "version",
        &version,
    );
    let (status, body) = app.call_json(&jonas, "save_plan_meeting", &change).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, body) = app
        .call_json(
            &jonas,
            "delete_plan_meeting",
            &[("id", id.as_str()), ("version", version.as_str())],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM plan_meetings").await,
        before + 1
    );
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
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

fn ranked(leaderboard: &Value) -> Vec<String> {
    leaderboard["standings"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row["name"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_unit_left_out_of_a_cycle_is_not_ranked_and_only_the_ambassador_decides() {
    let app = TestApp::start().await;
    let cycle = running_cycle(&app).await;
    active_key_result(&app, &cycle, 1, MEMBER).await;
    let platform = app.unit_id("Platform").await.to_string();
    let ambassador = app.signed_in(AMBASSADOR).await;
    // The leaderboard is recomputed asynchronously after the changes above.
    let rows = ranked(
        &app.call_until(&ambassador, "get_leaderboard", &[], |l| {
            ranked(l).contains(&"Platform".to_owned())
        })
        .await,
    );
    assert!(rows.contains(&"Platform".to_owned()), "{rows:?}");
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
        "SELECT event FROM board_events WHERE cycle_id = $1 ORDER BY version DESC LIMIT 1",
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
    let rows = ranked(
        &app.call_until(&ambassador, "get_leaderboard", &[], |l| {
            !ranked(l).contains(&"Platform".to_owned())
        })
        .await,
    );
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_planning_cycle_shows_each_units_checklist_and_the_days_left() {
    use crate::common::board::{create_objective, update};
    let app = TestApp::start().await;
    let ambassador = app.signed_in(AMBASSADOR).await;
    // Began three days ago with a week of planning: today is the fourth
    // of seven days, so four are left, today included.
    let (cycle, _) = crate::common::checkins::cycle_around_today(&app, "Planning now", 3, 80).await;
    // Platform drafts one objective with its whys and proposes it; Web
    // drafts one without.
    let (status, platform) = create_objective(
        &app,
        &ambassador,
        &cycle,
        &crate::common::board::uuid(1),
        "Platform",
        "Deploys are boring",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{platform}");
    let (_, platform) = update(
        &app,
        &ambassador,
        &platform,
        "why_important",
        "Releases stall the roadmap",
    )
    .await;
    let (_, platform) = update(
        &app,
        &ambassador,
        &platform,
        "why_urgent",
        "Two launches this quarter",
    )
    .await;
    let (status, platform) = update(&app, &ambassador, &platform, "status", "proposed").await;
    assert_eq!(status, StatusCode::OK, "{platform}");
    let (status, _) = create_objective(
        &app,
        &ambassador,
        &cycle,
        &crate::common::board::uuid(2),
        "Web",
        "The app feels instant",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    // Design sits this cycle out.
    let design = app.unit_id("Design").await.to_string();
    let (status, _) = app
        .call_json(
            &ambassador,
            "set_taking_part",
            &[
                ("cycle_id", &cycle),
                ("unit_id", &design),
                ("taking_part", "false"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK);

    let priya = app.signed_in(MEMBER).await;
    let shown = plan(&app, &priya, &cycle).await;
    let planning = &shown["planning"];
    assert_eq!(planning["days_left"], 4, "{shown}");
    let unit = |path: &str| -> Value {
        planning["units"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["unit_path"] == path)
            .cloned()
            .unwrap_or(Value::Null)
    };
    let platform = unit("Engineering › Platform");
    assert_eq!(platform["checklist"]["objectives"], 1, "{shown}");
    assert_eq!(platform["checklist"]["with_whys"], 1);
    assert_eq!(platform["checklist"]["waiting"], 1);
    assert_eq!(platform["checklist"]["drafts"], 0);
    let web = unit("Engineering › Web");
    assert_eq!(web["checklist"]["objectives"], 1, "{shown}");
    assert_eq!(web["checklist"]["with_whys"], 0);
    assert_eq!(web["checklist"]["drafts"], 1);
    assert_eq!(unit("Engineering")["checklist"]["objectives"], 0);
    // A unit left out has no checklist.
    assert_eq!(unit("Product › Design"), Value::Null, "{shown}");
    assert_ne!(unit("Product › Discovery"), Value::Null, "{shown}");

    // Once planning is over, there is no checklist at all.
    let running = crate::common::checkins::running_cycle(&app).await;
    assert_eq!(plan(&app, &priya, &running).await["planning"], Value::Null);
}
