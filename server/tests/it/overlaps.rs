//! Overlaps and their merge: found across units, told apart once, merged in
//! one transaction that keeps every key result, check-in and link.

use crate::common;

use common::board::{WEB_LEAD, activate, create_objective, link, new_cycle, uuid};
use common::{AMBASSADOR, LEAD, MEMBER, TestApp};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

async fn overlaps(app: &TestApp, client: &Client, cycle: &str) -> Vec<(String, String)> {
    let (status, body) = app
        .call_json(client, "get_overlaps", &[("cycle_id", cycle)])
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body.as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o["first"].as_str().unwrap().to_owned(),
                o["second"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

async fn add_key_result(app: &TestApp, client: &Client, objective: &str, n: u32, title: &str) {
    let owner = app.person_id(LEAD).await.to_string();
    let (status, body) = app
        .call_json(
            client,
            "create_key_result",
            &[
                ("id", uuid(n).as_str()),
                ("objective_id", objective),
                ("title", title),
                ("metric", "number"),
                ("unit_label", "%"),
                ("start", "5"),
                ("target", "2"),
                ("owner_id", owner.as_str()),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

async fn pair_call(
    app: &TestApp,
    client: &Client,
    endpoint: &str,
    first: &str,
    second: &str,
) -> (StatusCode, Value) {
    app.call_json(client, endpoint, &[("first", first), ("second", second)])
        .await
}

/// Platform's and Web's objectives say the same thing; Support's does not.
async fn plan(app: &TestApp, client: &Client) -> String {
    let cycle = new_cycle(app).await;
    for (n, unit, title) in [
        (1, "Platform", "Reduce customer churn at renewal"),
        (2, "Web", "Fewer customers churn at renewal"),
        (3, "Support", "Answer every ticket the same day"),
    ] {
        let (status, body) = create_objective(app, client, &cycle, &uuid(n), unit, title).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    cycle
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_goal_in_two_units_is_found_and_different_goals_are_not_suggested_again() {
    let app = TestApp::start().await;
    let maya = app.signed_in(AMBASSADOR).await;
    let cycle = plan(&app, &maya).await;
    assert_eq!(overlaps(&app, &maya, &cycle).await, [(uuid(1), uuid(2))]);
    assert_eq!(
        app.call_json(&app.client(), "get_overlaps", &[("cycle_id", &cycle)])
            .await
            .0,
        StatusCode::UNAUTHORIZED
    );

    // Support's lead may change neither objective: he cannot tell them apart.
    let sam = app.signed_in("sam@northstar.demo").await;
    assert_eq!(
        pair_call(&app, &sam, "dismiss_overlap", &uuid(1), &uuid(2))
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    // Tomás leads Web: he may say his objective is a different goal, twice.
    let tomas = app.signed_in(WEB_LEAD).await;
    for _ in 0..2 {
        let (status, body) = pair_call(&app, &tomas, "dismiss_overlap", &uuid(2), &uuid(1)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    assert!(overlaps(&app, &maya, &cycle).await.is_empty());
    assert_eq!(
        app.count("SELECT COUNT(*) FROM overlap_dismissals").await,
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_linked_pair_is_no_overlap() {
    let app = TestApp::start().await;
    let maya = app.signed_in(AMBASSADOR).await;
    let cycle = plan(&app, &maya).await;
    let (status, _) = link(&app, &maya, &uuid(2), &uuid(1), true).await;
    assert_eq!(status, StatusCode::OK);
    assert!(overlaps(&app, &maya, &cycle).await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn merging_keeps_every_key_result_check_in_and_link_in_one_shared_objective() {
    let app = TestApp::start().await;
    let maya = app.signed_in(AMBASSADOR).await;
    let cycle = plan(&app, &maya).await;
    add_key_result(&app, &maya, &uuid(1), 11, "Churn at renewal below 2 %").await;
    add_key_result(&app, &maya, &uuid(2), 12, "Renewal churn from 5 % to 2 %").await;
    // Web's objective is supported by Support's and supports Engineering's.
    let (status, _) = create_objective(
        &app,
        &maya,
        &cycle,
        &uuid(4),
        "Engineering",
        "Engineering keeps customers",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    for (from, to) in [(3, 2), (2, 4)] {
        let (status, body) = app
            .call_json(
                &maya,
                "link_objective",
                &[
                    ("id", uuid(from).as_str()),
                    ("supports_id", uuid(to).as_str()),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    // A check-in on Web's key result, once it is active.
    activate(&app, &maya, &cycle, &uuid(2)).await;
    sqlx::query(
        "INSERT INTO check_ins (id, key_result_id, author_id, value, confidence, checked_in_on) \
         VALUES ('c1', $1, 1, 4, 7, '2026-11-02')",
    )
    .bind(uuid(12))
    .execute(&app.pool)
    .await
    .unwrap();

    // Priya (Platform member) may not change Web's objective: no merge.
    let priya = app.signed_in(MEMBER).await;
    let (status, body) = pair_call(&app, &priya, "merge_objectives", &uuid(1), &uuid(2)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert!(
        body.to_string()
            .contains("Fewer customers churn at renewal"),
        "{body}"
    );

    let versions = app
        .count(&format!(
            "SELECT board_version FROM cycles WHERE id = {cycle}"
        ))
        .await;
    let (status, merged) = pair_call(&app, &maya, "merge_objectives", &uuid(1), &uuid(2)).await;
    assert_eq!(status, StatusCode::OK, "{merged}");
    let web_unit = app.unit_id("Web").await;
    assert_eq!(merged["shared_unit_ids"], json!([web_unit]));
    let titles: Vec<&str> = merged["key_results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        [
            "Churn at renewal below 2 %",
            "Renewal churn from 5 % to 2 %"
        ]
    );
    assert_eq!(merged["supports"], json!([uuid(4)]));
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM objectives WHERE id = '00000000-0000-4000-8000-000000000002'"
        )
        .await,
        0
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM check_ins WHERE id = 'c1'")
            .await,
        1,
        "the check-in came along"
    );
    let child: String =
        sqlx::query_scalar("SELECT supports_id FROM objective_links WHERE objective_id = $1")
            .bind(uuid(3))
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(
        child,
        uuid(1),
        "what supported Web's supports the merged one"
    );
    // Removed, the merged one saved, Support's saved: three events.
    let after = app
        .count(&format!(
            "SELECT board_version FROM cycles WHERE id = {cycle}"
        ))
        .await;
    assert_eq!(after - versions, 3);
    let events: Vec<String> = sqlx::query_scalar(
        "SELECT event FROM board_events WHERE cycle_id = $1 AND version > $2 ORDER BY version",
    )
    .bind(cycle.parse::<i64>().unwrap())
    .bind(versions)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert!(events[0].contains("objective_removed"), "{}", events[0]);
    // Both histories say it; the old address leads to the merged objective.
    assert_eq!(app.count("SELECT COUNT(*) FROM objective_history").await, 2);
    let (status, view) = app
        .call_json(&maya, "get_objective_view", &[("id", uuid(2).as_str())])
        .await;
    assert_eq!(status, StatusCode::OK, "{view}");
    assert_eq!(view["objective"]["id"], uuid(1));
    assert!(
        view["merged_note"]
            .as_str()
            .unwrap()
            .contains("Fewer customers churn at renewal")
    );
    // Merging again finds nothing to merge.
    assert_eq!(
        pair_call(&app, &maya, "merge_objectives", &uuid(1), &uuid(2))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_merge_that_would_close_a_circle_is_refused_and_changes_nothing() {
    let app = TestApp::start().await;
    let maya = app.signed_in(AMBASSADOR).await;
    let cycle = plan(&app, &maya).await;
    // 1 → 3 → 2: as one objective, 1 would support itself.
    for (from, to) in [(1, 3), (3, 2)] {
        app.call_json(
            &maya,
            "link_objective",
            &[
                ("id", uuid(from).as_str()),
                ("supports_id", uuid(to).as_str()),
            ],
        )
        .await;
    }
    let _ = cycle;
    let (status, body) = pair_call(&app, &maya, "merge_objectives", &uuid(1), &uuid(2)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM objectives WHERE id LIKE '00000000%'")
            .await,
        3
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM objective_history").await, 0);
}
