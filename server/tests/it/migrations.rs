//! Data migrations, run on a database file written by an earlier version.

use app::lessons::ssr::{Search, facets};
use sqlx::migrate::Migrator;
use std::path::Path;

/// Applies the migrations older than `version`, copied to `scratch`.
async fn migrate_before(pool: &sqlx::SqlitePool, version: &str, scratch: &Path) {
    let all = Path::new(env!("CARGO_MANIFEST_DIR")).join("../migrations");
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

async fn matches(pool: &sqlx::SqlitePool, query: &str) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM lessons_fts WHERE lessons_fts MATCH ?")
        .bind(query)
        .fetch_one(pool)
        .await
        .unwrap()
}

#[tokio::test]
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
