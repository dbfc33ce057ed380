//! The sanitiser against real FTS5, and the facets.

use super::facets;
use super::search::Search;
use crate::domain::search::HOSTILE;
use crate::lessons::PER_PAGE;
use sqlx::SqlitePool;
use sqlx::sqlite::SqlitePoolOptions;

/// The real schema (every migration, so the index is the one the app
/// searches, ranking and triggers included) with one closing note, indexed
/// by the migration's own trigger.
async fn index() -> SqlitePool {
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect("sqlite::memory:")
        .await
        .unwrap();
    sqlx::migrate!("../migrations/sqlite")
        .run(&pool)
        .await
        .unwrap();
    for statement in [
        "INSERT INTO units (id, name) VALUES (2, 'Platform')",
        "INSERT INTO people (id, email, name, role, password_hash) VALUES (1, 'a@b.c', 'A', 'member', 'x')",
        "INSERT INTO cycles (id, name, start_date, end_date) VALUES (1, 'Q1', '2026-01-01', '2026-03-31')",
        "INSERT INTO objectives (id, cycle_id, unit_id, title, status, created_by, updated_by) \
         VALUES ('o', 1, 2, 'Say \"hello\" AND goodbye', 'closed', 1, 1)",
    ] {
        sqlx::query(statement).execute(&pool).await.unwrap();
    }
    sqlx::query(
        "INSERT INTO closing_notes (objective_id, title, score, achieved, went_well, went_badly, lessons, \
         tags, facets, author_id, updated_by) VALUES ('o', 'Say \"hello\" AND goodbye', 0.8, 1, \
         'near the end', 'NOT much', 'onboarding takes time', 'hiring', $1, 1, 1)",
    )
    .bind(facets(1, &[2], true, &["hiring".into()]))
    .execute(&pool)
    .await
    .unwrap();
    pool
}

async fn run(pool: &SqlitePool, query: &str) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT count(*) FROM lessons_fts WHERE lessons_fts MATCH $1")
        .bind(query)
        .fetch_one(pool)
        .await
}

fn searching(text: &str) -> Search {
    Search {
        text: text.to_owned(),
        page: 1,
        per_page: PER_PAGE,
        ..Search::default()
    }
}

#[tokio::test]
async fn every_hostile_input_is_a_valid_fts5_query() {
    let pool = index().await;
    for (input, _) in HOSTILE {
        let with_filters = Search {
            cycle: Some(1),
            units: vec![2, 3],
            tag: Some("hiring".into()),
            achieved: Some(true),
            ..searching(input)
        };
        for search in [searching(input), with_filters] {
            if let (Some(query), _) = search.fts_query() {
                run(&pool, &query)
                    .await
                    .unwrap_or_else(|e| panic!("{input:?} → {query}: {e}"));
            }
        }
    }
    // The raw inputs themselves would have failed.
    assert!(run(&pool, "\"unbalanced").await.is_err());
    assert!(run(&pool, "NEAR(a b, 3").await.is_err());
}

#[tokio::test]
async fn operators_are_searched_as_words() {
    let pool = index().await;
    let count = |text: &'static str| {
        let pool = pool.clone();
        async move {
            run(&pool, &searching(text).fts_query().0.unwrap())
                .await
                .unwrap()
        }
    };
    assert_eq!(
        count("\"hello\" AND").await,
        1,
        "AND is a word of the title"
    );
    assert_eq!(count("NOT much").await, 1);
    assert_eq!(count("onboa").await, 1, "prefix while typing");
    assert_eq!(count("onboa ").await, 0, "a finished word is whole");
    assert_eq!(count("c1").await, 0, "typed words never match the facets");
    assert_eq!(count("u2 a1").await, 0);
    assert_eq!(count("\u{E000}c1").await, 0, "nor does the mark, typed");
    assert_eq!(count("t686972696e67").await, 0, "nor a tag's token");
    assert_eq!(count("hiring -onboarding").await, 1, "a minus is not NOT");
}

proptest::proptest! {
    #[test]
    fn any_input_is_a_valid_fts5_query(input in "\\PC{0,60}") {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            let pool = index().await;
            if let (Some(query), _) = searching(&input).fts_query() {
                run(&pool, &query).await.unwrap_or_else(|e| panic!("{input:?} → {query}: {e}"));
            }
        });
    }
}

#[test]
fn facets_name_cycle_units_achievement_and_tags() {
    assert_eq!(
        facets(3, &[5, 7], true, &["on-call".into()]),
        "\u{E000}c3 \u{E000}u5 \u{E000}u7 \u{E000}a1 \u{E000}t6f6e2d63616c6c"
    );
}

#[tokio::test]
async fn filters_narrow_inside_the_index() {
    let pool = index().await;
    let count = |search: Search| {
        let pool = pool.clone();
        async move { run(&pool, &search.fts_query().0.unwrap()).await.unwrap() }
    };
    let filtered = |cycle, units: Vec<i64>, tag: &str, achieved| Search {
        cycle: Some(cycle),
        units,
        tag: Some(tag.to_owned()),
        achieved: Some(achieved),
        ..searching("onboarding")
    };
    assert_eq!(count(filtered(1, vec![7, 2], "hiring", true)).await, 1);
    assert_eq!(count(filtered(2, vec![2], "hiring", true)).await, 0);
    assert_eq!(count(filtered(1, vec![3], "hiring", true)).await, 0);
    assert_eq!(count(filtered(1, vec![2], "budget", true)).await, 0);
    assert_eq!(count(filtered(1, vec![2], "hiring", false)).await, 0);
}
