//! Closing without a retrospective, completing a cycle, and the
//! leaderboard's retrospective view.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closing_without_a_retrospective_is_a_leads_decision_from_the_unit_or_above() {
    let app = TestApp::start().await;
    add_department_lead(&app).await;
    let (cycle, _) = retro_and_next(&app).await;
    let web = objective(&app, &cycle, 1, "Web", "active").await;
    let web_too = objective(&app, &cycle, 2, "Web", "draft").await;
    let engineering = objective(&app, &cycle, 3, "Engineering", "active").await;
    let reason = "The team was merged into Platform in the second month.";
    // Not a member of the unit, not a sibling's lead, not a lead of a unit below.
    for who in [WEB_MEMBER, LEAD, MEMBER] {
        let client = app.signed_in(who).await;
        let (status, body) = skip(&app, &client, &web, reason).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{who}: {body}");
    }
    let tomas = app.signed_in(WEB_LEAD).await;
    // Web's lead has no say over the department above Web.
    let (status, body) = skip(&app, &tomas, &engineering, reason).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    // A reason is required, and bounded; nothing is stored without one.
    for bad in ["   ", &"x".repeat(501)] {
        let (status, body) = skip(&app, &tomas, &web, bad).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(body["detail"]["field"], "reason");
    }
    let open = format!("SELECT count(*) FROM objectives WHERE id = '{web}' AND status = 'active'");
    assert_eq!(app.count(&open).await, 1);
    let (status, closed) = skip(&app, &tomas, &web, reason).await;
    assert_eq!(status, StatusCode::OK, "{closed}");
    assert_eq!(closed["status"], "closed");
    assert_eq!(closed["no_retro_reason"], reason);
    // A retry is answered with the closed objective; another reason is a conflict.
    let versions = format!("SELECT board_version FROM cycles WHERE id = {cycle}");
    let version = app.count(&versions).await;
    let (status, again) = skip(&app, &tomas, &web, reason).await;
    assert_eq!((status, &again["id"]), (StatusCode::OK, &closed["id"]));
    assert_eq!(app.count(&versions).await, version);
    let (status, body) = skip(&app, &tomas, &web, "Another reason").await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    let elif = app.signed_in(DEPARTMENT_LEAD).await;
    let (status, body) = skip(&app, &elif, &web, reason).await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "someone else's close is no retry: {body}"
    );
    // Nor does anyone learn more by asking: a member gets the same answer.
    let lea_asks = app.signed_in(WEB_MEMBER).await;
    let (status, _) = skip(&app, &lea_asks, &web, reason).await;
    assert_eq!(status, StatusCode::CONFLICT);
    // A closing note cannot be added over it, and says why.
    let lea = app.signed_in(WEB_MEMBER).await;
    let (status, body) = close(&app, &lea, &web, &NOTE).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(message(&body).contains("without a retrospective"), "{body}");
    // The lead of the department above decides too; the reason is on the objective.
    let (status, body) = skip(&app, &elif, &web_too, "Never started.").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let shown = view(&app, &lea, &web_too).await;
    assert_eq!(shown["objective"]["no_retro_reason"], "Never started.");
    assert_eq!(shown["objective"]["no_retro_by"], "Elif Demir");
    assert!(shown["closing"].is_null());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cycle_is_complete_only_when_every_objective_is_closed_and_only_the_ambassador_says_so() {
    let app = TestApp::start().await;
    let (cycle, next) = retro_and_next(&app).await;
    let platform = objective(&app, &cycle, 1, "Platform", "active").await;
    let web = objective(&app, &cycle, 2, "Web", "proposed").await;
    key_result(
        &app,
        &platform,
        1,
        "number",
        (0.0, 10.0, 10.0),
        true,
        None,
        "",
    )
    .await;
    let ambassador = app.signed_in(AMBASSADOR).await;
    for who in [LEAD, MEMBER, WEB_LEAD] {
        let client = app.signed_in(who).await;
        let (status, body) = complete(&app, &client, &cycle).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{who}: {body}");
    }
    let (status, body) = complete(&app, &ambassador, &cycle).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(
        message(&body).starts_with("2 objectives are still open"),
        "{body}"
    );
    let (_, completion) = app
        .call_json(&ambassador, "cycle_completion", &[("cycle_id", &cycle)])
        .await;
    assert_eq!(completion["open"], 2);
    // The next cycle has not even started.
    let (status, body) = complete(&app, &ambassador, &next).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(message(&body).contains("retrospective window"), "{body}");

    let priya = app.signed_in(MEMBER).await;
    let (status, body) = close(&app, &priya, &platform, &NOTE).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = complete(&app, &ambassador, &cycle).await;
    assert!(
        message(&body).starts_with("1 objective is still open"),
        "{body}"
    );
    assert_eq!(status, StatusCode::CONFLICT);
    let tomas = app.signed_in(WEB_LEAD).await;
    let (status, body) = skip(&app, &tomas, &web, "Superseded by the platform move.").await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let (status, done) = complete(&app, &ambassador, &cycle).await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert_eq!(done["completed"]["by"], "Maya Lindqvist");
    let stamp =
        format!("SELECT count(*) FROM cycles WHERE id = {cycle} AND completed_at IS NOT NULL");
    assert_eq!(app.count(&stamp).await, 1);
    // A retry answers with the completed cycle and changes nothing.
    let versions = format!("SELECT board_version FROM cycles WHERE id = {cycle}");
    let version = app.count(&versions).await;
    let (status, again) = complete(&app, &ambassador, &cycle).await;
    assert_eq!(
        (status, &again["completed"]),
        (StatusCode::OK, &done["completed"])
    );
    assert_eq!(app.count(&versions).await, version);
    // Open boards heard of it.
    let event: String = sqlx::query_scalar(
        "SELECT event FROM board_events WHERE cycle_id = $1 ORDER BY version DESC LIMIT 1",
    )
    .bind(cycle.parse::<i64>().unwrap())
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let event: Value = serde_json::from_str(&event).unwrap();
    assert_eq!(event["type"], "cycle_changed");
    assert_eq!(event["cycle"]["completed"]["by"], "Maya Lindqvist");
    // A complete cycle takes no new objectives.
    let (status, body) = create_objective(
        &app,
        &ambassador,
        &cycle,
        &uuid(99),
        "Platform",
        "Late idea",
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_leaderboard_turns_to_the_retrospective_with_the_cycles_dates() {
    let app = TestApp::start().await;
    let (cycle, _) = retro_and_next(&app).await;
    let platform = objective(&app, &cycle, 1, "Platform", "active").await;
    let web = objective(&app, &cycle, 2, "Web", "active").await;
    let support = objective(&app, &cycle, 3, "Support", "active").await;
    let shipped = objective(&app, &cycle, 4, "Platform", "active").await;
    // Shared with Web: counted for both units, once in the totals.
    sqlx::query(
        "INSERT INTO objective_units (objective_id, unit_id, state) VALUES ($1, $2, 'accepted')",
    )
    .bind(&shipped)
    .bind(app.unit_id("Web").await)
    .execute(&app.pool)
    .await
    .unwrap();
    let ready = (0.0, 10.0, 9.0);
    key_result(&app, &platform, 1, "number", ready, true, None, "").await;
    key_result(&app, &web, 2, "number", (0.0, 10.0, 2.0), true, None, "").await;
    let priya = app.signed_in(MEMBER).await;
    let short = Note {
        score: "0.9",
        ..NOTE
    };
    let (status, body) = close(&app, &priya, &platform, &short).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let full = Note {
        score: "1.0",
        ..NOTE
    };
    let (status, body) = close(&app, &priya, &shipped, &full).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let sam = app.signed_in("sam@northstar.demo").await;
    let (status, body) = close(&app, &sam, &support, &full).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // Support is left out of this cycle: neither listed nor celebrated.
    let ambassador = app.signed_in(AMBASSADOR).await;
    let support_unit = app.unit_id("Support").await.to_string();
    let (status, _) = app
        .call_json(
            &ambassador,
            "set_taking_part",
            &[
                ("cycle_id", cycle.as_str()),
                ("unit_id", support_unit.as_str()),
                ("taking_part", "false"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let board = app
        .call_until(&priya, "get_leaderboard", &[], |b| {
            b["retro"]["units"].as_array().is_some_and(|u| u.len() == 2)
        })
        .await;
    assert_eq!(board["cycle"]["id"].to_string(), cycle);
    let units = &board["retro"]["units"];
    // The most finished first; the shared objective counts for both units.
    let counts = |u: &Value| (u["name"].clone(), u["closed"].as_i64(), u["open"].as_i64());
    assert_eq!(counts(&units[0]), ("Platform".into(), Some(2), Some(0)));
    assert_eq!(counts(&units[1]), ("Web".into(), Some(1), Some(1)));
    // …and once in the totals: Platform's two, Web's own.
    assert_eq!(board["retro"]["objectives"], 3);
    assert_eq!(board["retro"]["closed_objectives"], 2);
    // 0.9 is short of a committed objective's 1.0: not a success.
    let successes = board["retro"]["successes"].as_array().unwrap();
    assert_eq!(successes.len(), 1, "{successes:?}");
    assert_eq!(successes[0]["title"], "Goal 4");
    assert_eq!(successes[0]["unit"], "Platform");
    assert_eq!(successes[0]["score"], 1.0);

    // Moved back into execution by its dates, the race returns.
    let today = OffsetDateTime::now_utc().date();
    let (status, body) = app
        .call_json(
            &ambassador,
            "update_cycle",
            &[
                ("cycle_id", cycle.as_str()),
                ("name", "Ending"),
                ("start", &today.to_string()),
                ("end", &(today + Duration::days(60)).to_string()),
                ("planning_days", "0"),
                ("retro_days", "7"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let board = app
        .call_until(&priya, "get_leaderboard", &[], |b| b["retro"].is_null())
        .await;
    assert_eq!(board["cycle"]["phase"], "execution");
}
