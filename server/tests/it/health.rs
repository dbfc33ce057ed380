//! `/healthz` answers for the database.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "helpers of tests fail the test loudly"
)]

use crate::common;

use common::TestApp;
use reqwest::StatusCode;
use serde_json::Value;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthy_while_the_database_answers_and_503_when_it_does_not() {
    let app = TestApp::start().await;
    let client = app.client();
    let response = client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["instance"], app.state.fanout.instance());

    app.pool.close().await;
    let response = client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_database_is_a_real_file_in_wal_mode_with_foreign_keys() {
    let app = TestApp::start_on(app::sql::Backend::Sqlite, |_| {}).await;
    assert!(app.database_path.exists());
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(mode, "wal");
    let foreign_keys: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(foreign_keys, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_data_is_never_seeded_twice() {
    let app = TestApp::start().await;
    let people = app.count("SELECT COUNT(*) FROM people").await;
    assert!(people >= 3, "the demo has people in every role");
    // A second start on the same database, with --demo again, adds nothing.
    let url = app.database_url.clone();
    let mut config = server::config::ServeConfig::new("127.0.0.1:0".parse().unwrap(), url);
    config.demo = true;
    let again = server::build(&config).await.unwrap();
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM people")
        .fetch_one(&again.state.pool)
        .await
        .unwrap();
    assert_eq!(count, people);
}

/// Instances started together on one empty database (a rolling start on
/// PostgreSQL): the schema is made once, the demo seeded once, each
/// cycle's communication plan started once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn instances_starting_together_set_up_the_database_once() {
    let (_dir, url) = crate::common::empty_database(crate::common::engine_under_test()).await;
    let mut config = server::config::ServeConfig::new("127.0.0.1:0".parse().unwrap(), url);
    config.demo = true;
    let (first, second, third) = tokio::join!(
        server::build(&config),
        server::build(&config),
        server::build(&config)
    );
    let (first, _, _) = (first.unwrap(), second.unwrap(), third.unwrap());
    let count = |sql: &'static str| {
        let pool = first.state.pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>(sql)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    assert_eq!(
        count("SELECT COUNT(*) FROM people WHERE email = 'maya@northstar.demo'").await,
        1
    );
    // Every plan is one copy: no meeting stands twice in a cycle.
    assert_eq!(
        count(
            "SELECT COUNT(*) FROM (SELECT cycle_id, kind, custom_name, level, unit_id, position \
             FROM plan_meetings GROUP BY cycle_id, kind, custom_name, level, unit_id, position \
             HAVING COUNT(*) > 1) AS twice"
        )
        .await,
        0
    );
    assert!(count("SELECT COUNT(*) FROM plan_meetings").await > 0);
    assert_eq!(
        count("SELECT COUNT(*) FROM cycles WHERE plan_started = FALSE").await,
        0
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graceful_shutdown_closes_the_pool() {
    let app = TestApp::start().await;
    let pool = app.pool.clone();
    app.stop().await;
    assert!(pool.is_closed());
}
