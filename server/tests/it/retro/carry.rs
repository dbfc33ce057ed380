//! Carrying an objective into the next cycle: what it copies, what it
//! leaves behind, and when it is refused.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn carrying_over_copies_the_whys_and_what_is_left_to_do_and_nothing_else() {
    let app = TestApp::start().await;
    add_department_lead(&app).await;
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
    // Across the tree: a sibling team's lead may not carry Platform's
    // objective (nor learn of its draft); the department's lead above may.
    let tomas = app.signed_in(WEB_LEAD).await;
    let (status, body) = carry(&app, &tomas, &source, &uuid(502)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let elif = app.signed_in(DEPARTMENT_LEAD).await;
    let (status, again) = carry(&app, &elif, &source, &uuid(503)).await;
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
