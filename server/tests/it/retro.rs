//! The end of a cycle: who may close without a retrospective (from every
//! level of the tree), when a cycle can be marked complete and by whom, the
//! leaderboard's retrospective view, and what carrying an objective into
//! the next cycle copies — and what it leaves behind.

use crate::common::board::{WEB_LEAD, WEB_MEMBER, create_objective, update, uuid};
use crate::common::lessons::{NOTE, Note, close};
use crate::common::{AMBASSADOR, DEPARTMENT_LEAD, LEAD, MEMBER, TestApp, add_department_lead};
use reqwest::{Client, StatusCode};
use serde_json::Value;
use time::{Duration, OffsetDateTime};

/// A cycle in its retrospective window today (it starts today, so it is
/// the leaderboard's current cycle whatever the demo's dates), and the
/// cycle after it.
async fn retro_and_next(app: &TestApp) -> (String, String) {
    let today = OffsetDateTime::now_utc().date();
    let insert = |name: &'static str, start: time::Date, end: time::Date, retro: i64| {
        sqlx::query_scalar::<_, i64>(
            "INSERT INTO cycles (name, start_date, end_date, planning_days, retro_days) \
             VALUES ($1, $2, $3, 0, $4) RETURNING id",
        )
        .bind(name)
        .bind(start.to_string())
        .bind(end.to_string())
        .bind(retro)
        .fetch_one(&app.pool)
    };
    let end = today + Duration::days(20);
    let retro = insert("Ending", today, end, 21).await.unwrap();
    let next = insert(
        "Following",
        end + Duration::days(1),
        end + Duration::days(91),
        7,
    )
    .await
    .unwrap();
    (retro.to_string(), next.to_string())
}

/// An objective of `unit` in `cycle`, created and moved to `status` by the
/// ambassador.
async fn objective(app: &TestApp, cycle: &str, n: u32, unit: &str, status: &str) -> String {
    let ambassador = app.signed_in(AMBASSADOR).await;
    let id = uuid(n);
    let (code, mut o) =
        create_objective(app, &ambassador, cycle, &id, unit, &format!("Goal {n}")).await;
    assert_eq!(code, StatusCode::OK, "{o}");
    for step in ["proposed", "active"] {
        if status == "draft" || (status == "proposed" && step == "active") {
            break;
        }
        let (code, next) = update(app, &ambassador, &o, "status", step).await;
        assert_eq!(code, StatusCode::OK, "{next}");
        o = next;
    }
    id
}

/// A key result of `objective`, written straight to the database.
#[allow(clippy::too_many_arguments)]
async fn key_result(
    app: &TestApp,
    objective: &str,
    n: u32,
    metric: &str,
    (start, target, current): (f64, f64, f64),
    ready: bool,
    fallback: Option<&str>,
    proxy: &str,
) -> String {
    let id = uuid(9000 + n);
    let owner = app.person_id(MEMBER).await;
    sqlx::query(
        "INSERT INTO key_results (id, objective_id, title, metric, unit_label, start_value, target_value, \
         current_value, owner_id, source_identified, baseline_known, data_owner, update_frequency, reliable, \
         fallback, proxy_name, position) VALUES ($1, $2, $3, $4, 'pts', $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
    )
    .bind(&id)
    .bind(objective)
    .bind(format!("Result {n}"))
    .bind(metric)
    .bind(start)
    .bind(target)
    .bind(current)
    .bind(owner)
    .bind(ready)
    .bind(ready)
    .bind(ready)
    .bind(ready)
    .bind(ready)
    .bind(fallback)
    .bind(proxy)
    .bind(i64::from(n))
    .execute(&app.pool)
    .await
    .unwrap();
    id
}

async fn skip(app: &TestApp, client: &Client, id: &str, reason: &str) -> (StatusCode, Value) {
    app.call_json(
        client,
        "close_without_retrospective",
        &[("id", id), ("reason", reason)],
    )
    .await
}

async fn complete(app: &TestApp, client: &Client, cycle: &str) -> (StatusCode, Value) {
    app.call_json(client, "complete_cycle", &[("cycle_id", cycle)])
        .await
}

async fn carry(app: &TestApp, client: &Client, id: &str, new_id: &str) -> (StatusCode, Value) {
    app.call_json(client, "carry_over", &[("id", id), ("new_id", new_id)])
        .await
}

async fn view(app: &TestApp, client: &Client, id: &str) -> Value {
    let (status, view) = app
        .call_json(client, "get_objective_view", &[("id", id)])
        .await;
    assert_eq!(status, StatusCode::OK, "{view}");
    view
}

fn message(body: &Value) -> &str {
    body["detail"]
        .as_str()
        .or_else(|| body["detail"]["message"].as_str())
        .unwrap_or_default()
}

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

/// The leaderboard once it has caught up with the latest change.
async fn leaderboard_when(app: &TestApp, client: &Client, ready: impl Fn(&Value) -> bool) -> Value {
    let mut board = Value::Null;
    for _ in 0..50 {
        let (status, body) = app.call_json(client, "get_leaderboard", &[]).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        board = body;
        if ready(&board) {
            return board;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the leaderboard never caught up: {board}");
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
    let board = leaderboard_when(&app, &priya, |b| {
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
    let board = leaderboard_when(&app, &priya, |b| b["retro"].is_null()).await;
    assert_eq!(board["cycle"]["phase"], "execution");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn carrying_over_copies_the_whys_and_what_is_left_to_do_and_nothing_else() {
    let app = TestApp::start().await;
    let (cycle, next) = retro_and_next(&app).await;
    let source = objective(&app, &cycle, 1, "Platform", "active").await;
    let other = objective(&app, &cycle, 2, "Web", "active").await;
    sqlx::query(
        "UPDATE objectives SET description = 'All of it', why_important = 'Customers wait', \
         why_urgent = 'The contract renews in March', kind = 'aspirational' WHERE id = $1",
    )
    .bind(&source)
    .execute(&app.pool)
    .await
    .unwrap();
    // Shared with Web, supporting Web's objective, with check-ins.
    let web = app.unit_id("Web").await;
    sqlx::query(
        "INSERT INTO objective_units (objective_id, unit_id, state) VALUES ($1, $2, 'accepted')",
    )
    .bind(&source)
    .bind(web)
    .execute(&app.pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO objective_links (objective_id, supports_id, created_by) VALUES ($1, $2, 1)",
    )
    .bind(&source)
    .bind(&other)
    .execute(&app.pool)
    .await
    .unwrap();
    let up = key_result(
        &app,
        &source,
        1,
        "number",
        (10.0, 50.0, 30.0),
        false,
        Some("proxy"),
        "Survey NPS",
    )
    .await;
    key_result(&app, &source, 2, "number", (0.0, 5.0, 5.0), true, None, "").await;
    key_result(
        &app,
        &source,
        3,
        "milestone",
        (0.0, 1.0, 0.0),
        true,
        None,
        "",
    )
    .await;
    key_result(
        &app,
        &source,
        4,
        "percent",
        (12.0, 4.0, 9.0),
        false,
        Some("delay"),
        "",
    )
    .await;
    let priya = app.signed_in(MEMBER).await;
    let check_in = [
        ("id", uuid(7001)),
        ("key_result_id", up.clone()),
        ("value", "30".into()),
        ("confidence", "6".into()),
        ("progress", "Halfway".into()),
        ("problems", String::new()),
        ("plans", String::new()),
    ];
    let form: Vec<(&str, &str)> = check_in.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, body) = app.call_json(&priya, "save_check_in", &form).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let draft_id = uuid(500);
    // Not before it is closed.
    let (status, body) = carry(&app, &priya, &source, &draft_id).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    let (status, body) = close(&app, &priya, &source, &NOTE).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // The closed objective offers it, into the next cycle.
    let closed = view(&app, &priya, &source).await;
    assert_eq!(closed["carry"]["next_cycle"], "Following");
    assert_eq!(closed["carry"]["reached"], serde_json::json!(["Result 2"]));
    // Only someone who may draft in the owning unit carries it.
    let lea = app.signed_in(WEB_MEMBER).await;
    let (status, body) = carry(&app, &lea, &source, &draft_id).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, body) = carry(&app, &priya, &source, "not-an-id").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");

    let (status, draft) = carry(&app, &priya, &source, &draft_id).await;
    assert_eq!(status, StatusCode::OK, "{draft}");
    assert_eq!(draft["id"], draft_id);
    assert_eq!(draft["cycle_id"].to_string(), next);
    assert_eq!(draft["status"], "draft");
    assert_eq!(draft["carried_from"], source);
    for field in [
        "title",
        "description",
        "why_important",
        "why_urgent",
        "kind",
        "unit_id",
    ] {
        assert_eq!(draft[field], closed["objective"][field], "{field}");
    }
    // Not its shares, links or check-ins.
    assert_eq!(draft["shared_unit_ids"], serde_json::json!([]));
    assert_eq!(draft["invited_unit_ids"], serde_json::json!([]));
    assert_eq!(draft["supports"], serde_json::json!([]));
    assert!(draft["score"].is_null() && draft["no_retro_reason"].is_null());
    let krs = draft["key_results"].as_array().unwrap();
    let titles: Vec<&str> = krs.iter().map(|k| k["title"].as_str().unwrap()).collect();
    assert_eq!(
        titles,
        ["Result 1", "Result 3", "Result 4"],
        "the reached one stays behind"
    );
    // Each starts where it ended, with its readiness, fallback and owner.
    assert_eq!(
        (
            krs[0]["start"].as_f64(),
            krs[0]["current"].as_f64(),
            krs[0]["target"].as_f64()
        ),
        (Some(30.0), Some(30.0), Some(50.0))
    );
    assert_eq!(krs[0]["fallback"], "proxy");
    assert_eq!(krs[0]["proxy_name"], "Survey NPS");
    assert_eq!(
        krs[0]["readiness"],
        closed["objective"]["key_results"][0]["readiness"]
    );
    assert_eq!(
        krs[0]["owner_id"],
        closed["objective"]["key_results"][0]["owner_id"]
    );
    assert_eq!(
        (krs[1]["start"].as_f64(), krs[1]["current"].as_f64()),
        (Some(0.0), Some(0.0))
    );
    assert_eq!(
        (krs[2]["start"].as_f64(), krs[2]["target"].as_f64()),
        (Some(9.0), Some(4.0))
    );
    assert_eq!(krs[2]["fallback"], "delay");
    assert!(
        krs.iter()
            .all(|k| k["id"] != up && k["last_check_in"].is_null())
    );
    let carried_check_ins = format!(
        "SELECT count(*) FROM check_ins c JOIN key_results k ON k.id = c.key_result_id \
         WHERE k.objective_id = '{draft_id}'"
    );
    assert_eq!(app.count(&carried_check_ins).await, 0);
    // The source is as it was.
    let after = view(&app, &priya, &source).await;
    assert_eq!(
        after["objective"]["key_results"],
        closed["objective"]["key_results"]
    );
    assert_eq!(after["carry"]["into"]["objective_id"], draft_id);
    assert!(after["carry"]["next_cycle"].is_null());
    // The draft shows the lessons it was carried with.
    let shown = view(&app, &lea, &draft_id).await;
    assert_eq!(shown["carry"]["from"]["objective_id"], source);
    assert_eq!(shown["carry"]["from"]["note"]["lessons"], NOTE.lessons);
    // A retry, or a second carry with another id, finds the one draft.
    let (status, again) = carry(&app, &priya, &source, &draft_id).await;
    assert_eq!((status, &again["id"]), (StatusCode::OK, &draft["id"]));
    let (status, again) = carry(&app, &priya, &source, &uuid(501)).await;
    assert_eq!((status, &again["id"]), (StatusCode::OK, &draft["id"]));
    let carried = format!("SELECT count(*) FROM objectives WHERE carried_from = '{source}'");
    assert_eq!(app.count(&carried).await, 1);
    assert_eq!(
        app.count(
            "SELECT count(*) FROM objectives WHERE id = '00000000-0000-4000-8000-0000000001f5'"
        )
        .await,
        0
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_finished_objective_or_one_without_a_next_cycle_is_not_carried() {
    let app = TestApp::start().await;
    let (cycle, next) = retro_and_next(&app).await;
    let done = objective(&app, &cycle, 1, "Platform", "active").await;
    key_result(&app, &done, 1, "number", (0.0, 10.0, 10.0), true, None, "").await;
    let priya = app.signed_in(MEMBER).await;
    let (status, _) = close(&app, &priya, &done, &NOTE).await;
    assert_eq!(status, StatusCode::OK);
    assert!(view(&app, &priya, &done).await["carry"]["next_cycle"].is_null());
    let (status, body) = carry(&app, &priya, &done, &uuid(600)).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(message(&body).contains("nothing to carry over"), "{body}");
    // The last cycle has nowhere to carry to: the page says so.
    let last = objective(&app, &next, 2, "Platform", "active").await;
    key_result(&app, &last, 2, "number", (0.0, 10.0, 3.0), true, None, "").await;
    let (status, _) = close(&app, &priya, &last, &NOTE).await;
    assert_eq!(status, StatusCode::OK);
    let shown = view(&app, &priya, &last).await;
    assert!(
        shown["carry"]["blocked"]
            .as_str()
            .unwrap()
            .contains("no next cycle")
    );
    let (status, body) = carry(&app, &priya, &last, &uuid(601)).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(
        app.count("SELECT count(*) FROM objectives WHERE carried_from IS NOT NULL")
            .await,
        0
    );
}
