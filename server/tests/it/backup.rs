//! `northstar backup` and `northstar restore`: a copy taken while check-ins
//! are written is consistent and restores into a working Northstar; a
//! restore never replaces an organisation unless told to.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "helpers of tests fail the test loudly"
)]

use crate::common;

use app::sql::Backend;
use common::board::uuid;
use common::checkins::{active_key_result, check_in, running_cycle};
use common::{MEMBER, TestApp};
use reqwest::StatusCode;
use sqlx::Connection;
use std::process::{Command, Output};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::time::Duration;

fn northstar(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_northstar"))
        .args(args)
        .env("RUST_LOG", "warn")
        .output()
        .expect("the northstar binary runs")
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Every key result's value is the value of its latest check-in: what a
/// check-in writes in one transaction is in the copy whole or not at all.
async fn consistent(url: &str) -> i64 {
    let mut db = sqlx::SqliteConnection::connect(url).await.unwrap();
    let integrity: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&mut db)
        .await
        .unwrap();
    assert_eq!(integrity, "ok");
    let torn: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM key_results k WHERE EXISTS (SELECT 1 FROM check_ins c WHERE c.key_result_id = k.id) \
         AND k.current_value <> (SELECT c.value FROM check_ins c WHERE c.key_result_id = k.id ORDER BY c.rowid DESC LIMIT 1)",
    )
    .fetch_one(&mut db)
    .await
    .unwrap();
    assert_eq!(torn, 0, "a key result disagrees with its latest check-in");
    sqlx::query_scalar("SELECT count(*) FROM check_ins")
        .fetch_one(&mut db)
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_while_check_ins_are_written_restores_a_consistent_northstar() {
    let app = Arc::new(TestApp::start_on(Backend::Sqlite, |_| {}).await);
    let cycle = running_cycle(&app).await;
    let kr = active_key_result(&app, &cycle, 1, MEMBER).await;
    let before = app.count("SELECT count(*) FROM check_ins").await;

    // A writer checks in, about fifteen times a second, until told to stop.
    let writing = Arc::new(AtomicBool::new(true));
    let saved = Arc::new(AtomicU32::new(0));
    let priya = app.signed_in(MEMBER).await;
    let writer = {
        let (writing, saved) = (writing.clone(), saved.clone());
        let (app, kr) = (app.clone(), kr.clone());
        tokio::spawn(async move {
            let mut n = 0;
            while writing.load(Ordering::Relaxed) {
                n += 1;
                let value = (n % 100).to_string();
                let (status, _) = check_in(&app, &priya, &uuid(10_000 + n), &kr, &value, "7").await;
                if status == StatusCode::OK {
                    saved.fetch_add(1, Ordering::Relaxed);
                }
                tokio::time::sleep(Duration::from_millis(60)).await;
            }
        })
    };
    while saved.load(Ordering::Relaxed) < 5 {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("backup.db");
    let database_url = app.database_url.clone();
    let copy_arg = copy.display().to_string();
    let backed_up = tokio::task::spawn_blocking(move || {
        northstar(&[
            "backup",
            "--out",
            &copy_arg,
            "--database-url",
            &database_url,
        ])
    })
    .await
    .unwrap();
    assert!(backed_up.status.success(), "{}", text(&backed_up));
    assert!(
        text(&backed_up).contains("integrity check ok"),
        "{}",
        text(&backed_up)
    );
    let during = i64::from(saved.load(Ordering::Relaxed));
    tokio::time::sleep(Duration::from_millis(300)).await;
    writing.store(false, Ordering::Relaxed);
    writer.await.unwrap();
    let total = i64::from(saved.load(Ordering::Relaxed));
    assert!(total > during, "check-ins went on after the backup");
    let mode =
        std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(&copy).unwrap().permissions());
    assert_eq!(mode & 0o777, 0o600, "the copy is its owner's alone");

    // Restored into a new place: consistent, and a moment of the writes.
    let restored = dir.path().join("restored").join("northstar.db");
    let restored_url = format!("sqlite://{}", restored.display());
    let output = northstar(&[
        "restore",
        &copy.display().to_string(),
        "--database-url",
        &restored_url,
    ]);
    assert!(output.status.success(), "{}", text(&output));
    let copied = consistent(&restored_url).await - before;
    assert!(
        (5..=total).contains(&copied),
        "the copy holds {copied} of {total} check-ins"
    );

    // The server's write-ahead log is still its own: a command beside a
    // running server must not checkpoint it away.
    assert!(
        app.database_path.with_extension("db-wal").exists(),
        "the server's write-ahead log is still there"
    );
    // Never over an organisation without --force; the database stays.
    let over = northstar(&[
        "restore",
        &copy.display().to_string(),
        "--database-url",
        &app.database_url,
    ]);
    assert!(!over.status.success());
    assert!(text(&over).contains("--force"), "{}", text(&over));
    assert_eq!(consistent(&app.database_url).await - before, total);
    // A backup is never overwritten either.
    let again = northstar(&[
        "backup",
        "--out",
        &copy.display().to_string(),
        "--database-url",
        &app.database_url,
    ]);
    assert!(!again.status.success());
    assert!(text(&again).contains("already there"), "{}", text(&again));

    // Northstar runs on the restored file, with the people in it.
    let restored_app =
        TestApp::start_at(tempfile::tempdir().unwrap(), restored_url.clone(), |_| {}).await;
    restored_app.signed_in(MEMBER).await;
    restored_app.stop().await;
    let forced = northstar(&[
        "restore",
        &copy.display().to_string(),
        "--force",
        "--database-url",
        &restored_url,
    ]);
    assert!(forced.status.success(), "{}", text(&forced));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_damaged_or_foreign_file_is_never_restored() {
    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("junk.db");
    std::fs::write(&junk, vec![7u8; 8192]).unwrap();
    let target = dir.path().join("northstar.db");
    let url = format!("sqlite://{}", target.display());
    let output = northstar(&[
        "restore",
        &junk.display().to_string(),
        "--database-url",
        &url,
    ]);
    assert!(!output.status.success());
    assert!(
        text(&output).contains("integrity check"),
        "{}",
        text(&output)
    );
    assert!(!target.exists(), "nothing was put in place");
    // A SQLite file that is not Northstar's.
    let other = dir.path().join("other.db");
    let mut db = sqlx::SqliteConnection::connect(&format!("sqlite://{}?mode=rwc", other.display()))
        .await
        .unwrap();
    sqlx::query("CREATE TABLE notes (body TEXT)")
        .execute(&mut db)
        .await
        .unwrap();
    db.close().await.unwrap();
    let output = northstar(&[
        "restore",
        &other.display().to_string(),
        "--database-url",
        &url,
    ]);
    assert!(!output.status.success());
    assert!(
        text(&output).contains("not a Northstar database"),
        "{}",
        text(&output)
    );
    // PostgreSQL has its own tools.
    let output = northstar(&[
        "backup",
        "--out",
        "x.db",
        "--database-url",
        "postgres://localhost/northstar",
    ]);
    assert!(text(&output).contains("pg_dump"), "{}", text(&output));
}
