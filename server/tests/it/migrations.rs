//! Data migrations, run on a database file written by an earlier version.

use app::lessons::ssr::{Search, facets};
use sqlx::migrate::Migrator;
use std::path::Path;

/// Applies the migrations older than `version`, copied to `scratch`.
async fn migrate_before(pool: &app::sql::Pool, version: &str, scratch: &Path) {
    let all = Path::new(env!("CARGO_MANIFEST_DIR")).join("../migrations/sqlite");
    let older = scratch.join("migrations");
    std::fs::create_dir_all(&older).unwrap();
    for entry in std::fs::read_dir(all).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.as_str() < version {
            std::fs::copy(&path, older.join(&name)).unwrap();
        }
    }
    Migrator::new(older).await.unwrap().run(pool).await.unwrap();
}

async fn matches(pool: &app::sql::Pool, query: &str) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM lessons_fts WHERE lessons_fts MATCH $1")
        .bind(query)
        .fetch_one(pool)
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn filter_tokens_of_existing_notes_become_untypeable() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("northstar.db").display());
    let pool = server::storage::connect(&url).await.unwrap();
    migrate_before(&pool, "20261126000005", dir.path()).await;

    // A note as the previous version wrote it: plain filter tokens.
    let mut db = pool.acquire().await.unwrap();
    sqlx::query("PRAGMA foreign_keys = OFF")
        .execute(&mut *db)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO closing_notes (objective_id, title, score, achieved, went_well, went_badly, lessons, \
         tags, facets, author_id, updated_by) VALUES ('o1', 'Stable releases \u{E000}c9', 0.8, 1, 'Canary deploys', '', \
         'Roll back in minutes', 'release', 'c1 u2 a1 t72656c65617365', 1, 1)",
    )
    .execute(&mut *db)
    .await
    .unwrap();
    sqlx::query("PRAGMA foreign_keys = ON")
        .execute(&mut *db)
        .await
        .unwrap();
    drop(db);
    assert_eq!(
        matches(&pool, "c1").await,
        1,
        "the old tokens were typeable"
    );

    server::storage::migrate(&pool).await.unwrap();

    let stored: String = sqlx::query_scalar("SELECT facets FROM closing_notes")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(stored, facets(1, &[2], true, &["release".into()]));
    let filtered = Search {
        text: "canary".into(),
        cycle: Some(1),
        units: vec![2],
        tag: Some("release".into()),
        achieved: Some(true),
        page: 1,
        per_page: 10,
    };
    let (query, _) = filtered.fts_query();
    assert_eq!(
        matches(&pool, &query.unwrap()).await,
        1,
        "found by its filters"
    );
    for typed in ["c1", "u2 a1", "t72656c65617365"] {
        let (query, _) = Search {
            text: typed.into(),
            ..Search::default()
        }
        .fts_query();
        assert_eq!(
            matches(&pool, &query.unwrap()).await,
            0,
            "{typed} matches no filter"
        );
    }
    assert_eq!(matches(&pool, "roll").await, 1, "the text is still indexed");
    let other_cycle = Search {
        cycle: Some(9),
        ..Search::default()
    };
    assert_eq!(
        matches(&pool, &other_cycle.fts_query().0.unwrap()).await,
        0,
        "a mark typed into old text is gone, so the note is not in cycle 9"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parents_become_links_and_existing_shares_stay_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("northstar.db").display());
    let pool = server::storage::connect(&url).await.unwrap();
    migrate_before(&pool, "20261201000007", dir.path()).await;

    // A plan as the previous version wrote it: one parent per objective,
    // and a unit sharing an objective without being asked.
    for sql in [
        "INSERT INTO people (id, name, email, password_hash, role) VALUES (1, 'Maya', 'maya@x', 'h', 'ambassador')",
        "INSERT INTO units (id, name) VALUES (1, 'Engineering')",
        "INSERT INTO units (id, name, parent_id) VALUES (2, 'Platform', 1)",
        "INSERT INTO cycles (id, name, start_date, end_date) VALUES (1, 'Q4', '2026-10-01', '2026-12-31')",
        "INSERT INTO objectives (id, cycle_id, unit_id, title, created_by, updated_by) VALUES ('top', 1, 1, 'Top', 1, 1)",
        "INSERT INTO objectives (id, cycle_id, unit_id, parent_id, title, created_by, updated_by) VALUES ('child', 1, 2, 'top', 'Child', 1, 1)",
        "INSERT INTO objectives (id, cycle_id, unit_id, parent_id, title, created_by, updated_by) VALUES ('leaf', 1, 2, 'child', 'Leaf', 1, 1)",
        "INSERT INTO objective_units (objective_id, unit_id) VALUES ('top', 2)",
    ] {
        sqlx::query(sql).execute(&pool).await.unwrap();
    }

    server::storage::migrate(&pool).await.unwrap();

    let links: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT objective_id, supports_id, created_by FROM objective_links ORDER BY objective_id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(
        links,
        [
            ("child".into(), "top".into(), 1),
            ("leaf".into(), "child".into(), 1)
        ]
    );
    let columns: Vec<String> =
        sqlx::query_scalar("SELECT name FROM pragma_table_info('objectives')")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert!(!columns.contains(&"parent_id".to_owned()), "{columns:?}");
    assert!(columns.contains(&"decision_owner_id".to_owned()));
    let state: String = sqlx::query_scalar("SELECT state FROM objective_units")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(state, "accepted");
    let check: String = sqlx::query_scalar("PRAGMA foreign_key_check")
        .fetch_optional(&pool)
        .await
        .unwrap()
        .unwrap_or_else(|| "ok".into());
    assert_eq!(check, "ok");
}
