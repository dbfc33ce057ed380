//! `northstar export` and `northstar import`, run as real processes on
//! real databases of both engines: the demo organisation, with a row in
//! every table, moved SQLite → PostgreSQL → SQLite exports the same bytes;
//! an import refuses a database that holds an organisation, and a document
//! with problems names every one and writes nothing; passwords travel only
//! when asked for; PostgreSQL numbers new rows after the imported ones.
//! (On SQLite files and the tests' PostgreSQL cluster whatever
//! `NORTHSTAR_TEST_DATABASE` says, so `make rust-tests` runs them once.)

use crate::common::board::uuid;
use crate::common::checkins::{active_key_result, check_in, running_cycle};
use crate::common::lessons::{NOTE, close};
use crate::common::{AMBASSADOR, MEMBER, PASSWORD, TestApp, empty_database, postgres};
use app::sql::{Backend, Pool};
use reqwest::StatusCode;
use serde_json::{Value, json};
use server::storage::{self, transfer};
use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// Runs `northstar` with `args`, `input` on its standard input.
async fn northstar(args: &[&str], input: Option<&str>) -> Output {
    let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
    let input = input.map(str::to_owned);
    tokio::task::spawn_blocking(move || {
        let mut child = Command::new(env!("CARGO_BIN_EXE_northstar"))
            .args(&args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        if let Some(input) = input {
            stdin.write_all(input.as_bytes()).unwrap();
        }
        drop(stdin);
        child.wait_with_output().unwrap()
    })
    .await
    .unwrap()
}

fn said(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Exports the database at `url` to `file` and returns the file's bytes.
async fn export(url: &str, file: &Path, with_passwords: bool) -> Vec<u8> {
    let out = file.to_str().unwrap();
    let mut args = vec!["export", "--out", out, "--database-url", url];
    if with_passwords {
        args.push("--with-passwords");
    }
    let output = northstar(&args, None).await;
    assert!(output.status.success(), "export: {}", said(&output));
    std::fs::read(file).unwrap()
}

async fn import(url: &str, file: &Path) -> Output {
    northstar(
        &["import", file.to_str().unwrap(), "--database-url", url],
        None,
    )
    .await
}

async fn imported(url: &str, file: &Path) -> String {
    let output = import(url, file).await;
    assert!(output.status.success(), "import: {}", said(&output));
    said(&output)
}

/// Fails unless two exports are the same bytes, naming the first line
/// where they differ.
fn assert_same(what: &str, a: &[u8], b: &[u8]) {
    if a == b {
        return;
    }
    let (a, b) = (String::from_utf8_lossy(a), String::from_utf8_lossy(b));
    let difference = a
        .lines()
        .zip(b.lines())
        .enumerate()
        .find(|(_, (x, y))| x != y)
        .map_or("one is longer".into(), |(n, (x, y))| {
            format!("line {}: {x} / {y}", n + 1)
        });
    panic!("{what}: the exports differ at {difference}");
}

/// The number `sql` answers on the database at `url`.
async fn count(url: &str, sql: &str) -> i64 {
    let pool = storage::connect(url).await.unwrap();
    let count = sqlx::query_scalar(sql).fetch_one(&pool).await.unwrap();
    pool.close().await;
    count
}

/// The demo organisation's document, written to `file` for a test to
/// change, and the app whose database it came from.
async fn demo_document(file: &Path, with_passwords: bool) -> (TestApp, Value) {
    let app = TestApp::start_on(Backend::Sqlite, |_| {}).await;
    let bytes = export(&app.database_url, file, with_passwords).await;
    (app, serde_json::from_slice(&bytes).unwrap())
}

/// Runs `sql` on `pool` with `binds` as $1, $2, …
async fn run(pool: &Pool, sql: &str, binds: &[&str]) {
    let mut query = sqlx::query(sql);
    for bind in binds {
        query = query.bind(*bind);
    }
    query
        .execute(pool)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// The demo organisation on SQLite, with rows added to every table the demo
/// leaves empty, and a unit and an objective whose parent may come later
/// in id order (they must be written after it).
async fn demo_with_every_table() -> TestApp {
    let app = TestApp::start_on(Backend::Sqlite, |_| {}).await;
    let objectives: Vec<(String, String)> =
        sqlx::query_as("SELECT id, status FROM objectives ORDER BY id")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    let open: Vec<&str> = objectives
        .iter()
        .filter(|(_, status)| status != "closed")
        .map(|(id, _)| id.as_str())
        .collect();
    let closed = objectives
        .iter()
        .rfind(|(_, status)| status == "closed")
        .map(|(id, _)| id.as_str())
        .unwrap();
    let (first, second) = (open[0], open[1]);
    let now = app::sql::now();
    let now = now.as_str();
    let (token, report, screen) = (
        format!("{:064x}", 1),
        format!("{:064x}", 2),
        format!("{:064x}", 3),
    );
    let research = "(SELECT id FROM units WHERE name = 'Research')";
    let p = &app.pool;
    run(p, "INSERT INTO units (name) VALUES ('Research')", &[]).await;
    run(
        p,
        &format!("UPDATE units SET parent_id = {research} WHERE name = 'Discovery'"),
        &[],
    )
    .await;
    run(
        p,
        &format!(
            "INSERT INTO cycle_units_out (cycle_id, unit_id) SELECT MIN(id), {research} FROM cycles"
        ),
        &[],
    )
    .await;
    run(p, "UPDATE cycles SET completed_at = $1, completed_by = 1 WHERE id = (SELECT MIN(id) FROM cycles)", &[now]).await;
    run(p, "INSERT INTO agenda_notes (agenda, meeting_on, body, updated_by, updated_at) VALUES ('review:org', '2026-12-07', 'We agreed: fewer, bolder objectives. Ünïcode “quotes”.', 1, $1)", &[now]).await;
    run(
        p,
        "UPDATE people SET active = FALSE WHERE email = 'noor@northstar.demo'",
        &[],
    )
    .await;
    run(p, "UPDATE plan_meetings SET client_id = 'retried-add' WHERE id = (SELECT MIN(id) FROM plan_meetings)", &[]).await;
    run(p, "INSERT INTO api_tokens (name, token_hash, scope, kpi_id, created_by, created_at) VALUES ('Grafana', $1, 'kpi:write', (SELECT MIN(id) FROM kpis), 1, $2)", &[&token, now]).await;
    run(p, "INSERT INTO api_tokens (name, token_hash, scope, created_by, created_at, revoked_at) VALUES ('Reports', $1, 'read', 1, $2, $2)", &[&report, now]).await;
    run(p, "INSERT INTO kpi_reading_history (kpi_id, read_on, value, note, source, token_id, recorded_at, replaced_at) SELECT kpi_id, read_on, value + 0.25, 'first try', 'api', (SELECT MIN(id) FROM api_tokens), recorded_at, $1 FROM kpi_readings ORDER BY kpi_id, read_on LIMIT 2", &[now]).await;
    run(p, "INSERT INTO kpi_recoveries (kpi_id, read_on, recovered_at) SELECT kpi_id, MAX(read_on), $1 FROM kpi_readings GROUP BY kpi_id", &[now]).await;
    run(p, &format!("INSERT INTO objective_units (objective_id, unit_id, state, invited_by, answered_by) VALUES ($1, {research}, 'accepted', 1, 2)"), &[first]).await;
    run(p, "INSERT INTO objective_units (objective_id, unit_id, state, invited_by) SELECT $1, id, 'invited', 1 FROM units WHERE name = 'Support'", &[second]).await;
    run(p, &format!("INSERT INTO objective_commitments (objective_id, unit_id, text, updated_by) VALUES ($1, {research}, 'We run the interviews', 1)"), &[first]).await;
    run(
        p,
        "UPDATE objectives SET decision_owner_id = 2, carried_from = $2 WHERE id = $1",
        &[first, closed],
    )
    .await;
    run(p, "INSERT INTO objective_history (objective_id, person_id, text, created_at) VALUES ($1, 1, 'Maya Lindqvist invited Research', $2)", &[first, now]).await;
    run(p, "INSERT INTO merged_objectives (old_id, into_id, old_title, merged_by, merged_at) VALUES ('00000000-0000-4000-8000-0000000000ff', $1, 'An old twin', 1, $2)", &[first, now]).await;
    run(p, "INSERT INTO overlap_dismissals (first_id, second_id, dismissed_by, created_at) VALUES ($1, $2, 1, $3)", &[first, second, now]).await;
    run(p, "INSERT INTO closing_note_revisions (note_id, version, score, went_well, went_badly, lessons, tags, written_by, written_at) SELECT id, version, score, went_well, went_badly, 'An earlier lesson', tags, author_id, $1 FROM closing_notes WHERE id = (SELECT MIN(id) FROM closing_notes)", &[now]).await;
    run(p, "UPDATE closing_notes SET version = version + 1 WHERE id = (SELECT MIN(id) FROM closing_notes)", &[]).await;
    run(p, "INSERT INTO office_screens (name, token_hash, rotate_seconds, created_by, created_at, last_connected_at) VALUES ('Lobby TV', $1, 30, 1, $2, $2)", &[&screen, now]).await;
    app
}

/// What a database derives from the closing notes: the index's filter
/// tokens, the tag rows, the tag counts (the import makes them anew).
type Derived = (
    Vec<(i64, String)>,
    BTreeSet<(String, i64)>,
    BTreeSet<(String, i64)>,
);

async fn derived(url: &str) -> Derived {
    let pool = storage::connect(url).await.unwrap();
    let facets = sqlx::query_as("SELECT id, facets FROM closing_notes ORDER BY id")
        .fetch_all(&pool)
        .await
        .unwrap();
    let tags: Vec<(String, i64)> = sqlx::query_as("SELECT tag, note_id FROM closing_note_tags")
        .fetch_all(&pool)
        .await
        .unwrap();
    let uses: Vec<(String, i64)> = sqlx::query_as("SELECT tag, uses FROM lesson_tags")
        .fetch_all(&pool)
        .await
        .unwrap();
    pool.close().await;
    (
        facets,
        tags.into_iter().collect(),
        uses.into_iter().collect(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_moved_to_postgresql_and_back_exports_the_same_bytes() {
    let source = demo_with_every_table().await;
    let dir = tempfile::tempdir().unwrap();
    let file = |name: &str| -> PathBuf { dir.path().join(name) };
    let first = export(&source.database_url, &file("sqlite.json"), true).await;
    let document: Value = serde_json::from_slice(&first).unwrap();
    assert_eq!(document["format"], transfer::FORMAT);
    assert_eq!(document["version"], transfer::VERSION);
    for table in transfer::TABLES {
        let rows = document[table].as_array().map_or(0, Vec::len);
        assert!(rows > 0, "the test covers {table}: it has no rows");
    }

    let postgres = postgres::database().await;
    imported(&postgres, &file("sqlite.json")).await;
    let second = export(&postgres, &file("postgres.json"), true).await;
    assert_same("SQLite → PostgreSQL", &first, &second);

    let (back_dir, back) = empty_database(Backend::Sqlite).await;
    imported(&back, &file("postgres.json")).await;
    let third = export(&back, &file("back.json"), true).await;
    assert_same("PostgreSQL → SQLite", &first, &third);

    let made = derived(&source.database_url).await;
    assert!(!made.1.is_empty(), "the demo's notes have tags");
    assert_eq!(derived(&postgres).await, made, "on PostgreSQL");
    assert_eq!(derived(&back).await, made, "back on SQLite");
    drop(back_dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_table_is_exported_or_left_out_on_purpose() {
    for engine in [Backend::Sqlite, Backend::Postgres] {
        let (_dir, url) = empty_database(engine).await;
        let pool = storage::connect(&url).await.unwrap();
        storage::migrate(&pool).await.unwrap();
        let sql = match engine {
            Backend::Sqlite => {
                "SELECT name FROM sqlite_master WHERE type = 'table' \
                 AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'lessons_fts_%'"
            }
            Backend::Postgres => {
                "SELECT CAST(table_name AS TEXT) FROM information_schema.tables \
                 WHERE table_schema = 'public'"
            }
        };
        let tables: Vec<String> = sqlx::query_scalar(sql).fetch_all(&pool).await.unwrap();
        for table in &tables {
            assert!(
                transfer::TABLES.contains(&table.as_str())
                    || transfer::LEFT_OUT.contains(&table.as_str()),
                "{engine:?}: {table} is neither exported nor left out on purpose"
            );
        }
        for table in transfer::TABLES {
            assert!(tables.iter().any(|t| t == table), "{engine:?} has {table}");
        }
        if engine == Backend::Postgres {
            let numbered: BTreeSet<String> = sqlx::query_scalar(
                "SELECT CAST(table_name AS TEXT) FROM information_schema.columns \
                 WHERE table_schema = 'public' AND is_identity = 'YES'",
            )
            .fetch_all(&pool)
            .await
            .unwrap()
            .into_iter()
            .collect();
            let listed: BTreeSet<String> =
                transfer::NUMBERED.iter().map(|t| (*t).to_owned()).collect();
            assert_eq!(
                numbered, listed,
                "every identity's sequence is moved on import"
            );
        }
        pool.close().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_export_from_a_file_that_is_not_there_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("typo.db");
    let out = dir.path().join("out.json");
    let url = format!("sqlite://{}", missing.display());
    let args = [
        "export",
        "--out",
        out.to_str().unwrap(),
        "--database-url",
        &url,
    ];
    let output = northstar(&args, None).await;
    assert!(!output.status.success());
    assert!(
        said(&output).contains("no such database file"),
        "{}",
        said(&output)
    );
    assert!(!missing.exists() && !out.exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_import_refuses_a_database_that_holds_an_organisation_and_leaves_it_unchanged() {
    let app = TestApp::start_on(Backend::Sqlite, |_| {}).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("demo.json");
    let before = export(&app.database_url, &file, true).await;
    let postgres = postgres::database().await;
    imported(&postgres, &file).await;
    let postgres_before = export(&postgres, &dir.path().join("pg.json"), true).await;

    for url in [&app.database_url, &postgres] {
        let output = import(url, &file).await;
        assert!(!output.status.success(), "{url}: {}", said(&output));
        let said = said(&output);
        assert!(said.contains("already holds an organisation"), "{said}");
        assert!(
            said.contains("7 people") && said.contains("Nothing was written"),
            "{said}"
        );
    }
    let after = export(&app.database_url, &dir.path().join("after.json"), true).await;
    assert_same("SQLite after the refusal", &before, &after);
    let postgres_after = export(&postgres, &dir.path().join("pg-after.json"), true).await;
    assert_same(
        "PostgreSQL after the refusal",
        &postgres_before,
        &postgres_after,
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_document_with_problems_names_every_one_with_its_path_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("demo.json");
    let (_app, mut doc) = demo_document(&file, false).await;
    // An objective that cannot be read: its key results' references to it
    // are not reported again.
    let objective = doc["key_results"][0]["objective_id"].clone();
    let unreadable = doc["objectives"]
        .as_array()
        .unwrap()
        .iter()
        .position(|o| o["id"] == objective)
        .unwrap();
    doc["objectives"][unreadable]
        .as_object_mut()
        .unwrap()
        .remove("title");
    doc["key_results"][0]["target_value"] = json!("lots");
    doc["key_results"][1]["objective_id"] = json!("no-such-objective");
    doc["people"][1]["role"] = json!("boss");
    doc["units"][3]["name"] = json!("");
    doc["check_ins"][2]["confidence"] = json!(11);
    doc["cycles"][0]["end_date"] = doc["cycles"][0]["start_date"].clone();
    doc["kpi_readings"][0]["kpi_id"] = json!(99);
    let membership = doc["memberships"][0].clone();
    let memberships = doc["memberships"].as_array_mut().unwrap();
    memberships.push(membership.clone());
    let again = memberships.len() - 1;
    std::fs::write(&file, serde_json::to_vec(&doc).unwrap()).unwrap();

    let expected: BTreeSet<String> = [
        format!("objectives[{unreadable}]: missing field `title`"),
        "key_results[0].target_value: invalid type: string \"lots\", expected f64".into(),
        "key_results[1].objective_id: no objective \"no-such-objective\"".into(),
        "people[1].role: “boss” is not one of ambassador, lead, member".into(),
        "units[3].name: empty".into(),
        "check_ins[2].confidence: 11 is not between 0 and 10".into(),
        format!(
            "cycles[0].end_date: {0} is not after start_date {0}",
            doc["cycles"][0]["start_date"].as_str().unwrap()
        ),
        "kpi_readings[0].kpi_id: no KPI 99".into(),
        format!(
            "memberships[{again}]: (person_id, unit_id) ({}, {}) again, as in memberships[0]",
            membership["person_id"], membership["unit_id"]
        ),
    ]
    .into_iter()
    .collect();

    let sqlite = dir.path().join("never.db");
    let postgres = postgres::database().await;
    for url in [format!("sqlite://{}", sqlite.display()), postgres.clone()] {
        let output = import(&url, &file).await;
        assert!(!output.status.success(), "{url}: {}", said(&output));
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert!(
            stderr.contains("9 problems in the document; nothing was written"),
            "{stderr}"
        );
        let reported: BTreeSet<String> = stderr
            .lines()
            .filter_map(|line| line.strip_prefix("  "))
            .map(str::to_owned)
            .collect();
        assert_eq!(reported, expected, "{stderr}");
    }
    assert!(!sqlite.exists(), "checked before the database was opened");
    let tables = "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'public'";
    assert_eq!(count(&postgres, tables).await, 0, "not even migrated");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_row_the_database_refuses_rolls_the_whole_import_back() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("demo.json");
    let (_app, mut doc) = demo_document(&file, true).await;
    // PostgreSQL compares emails with ICU at secondary strength, where a
    // fullwidth “ｓ” is an “s”; the checks (lower case) let the pair
    // through, the unique index does not, at the last person.
    let people = doc["people"].as_array_mut().unwrap();
    let last = people.len() - 1;
    people[last - 1]["email"] = json!("same@example.org");
    people[last]["email"] = json!("\u{ff53}ame@example.org");
    std::fs::write(&file, serde_json::to_vec(&doc).unwrap()).unwrap();

    let postgres = postgres::database().await;
    let output = import(&postgres, &file).await;
    assert!(!output.status.success(), "{}", said(&output));
    let said = said(&output);
    let id = &doc["people"][last]["id"];
    assert!(
        said.contains(&format!("people (id {id}): the database refused it")),
        "{said}"
    );
    assert!(said.contains("rolled back, nothing was written"), "{said}");
    let rows = "SELECT (SELECT COUNT(*) FROM units) + (SELECT COUNT(*) FROM people)";
    assert_eq!(
        count(&postgres, rows).await,
        0,
        "the units and people before it are gone too"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn passwords_travel_only_when_asked_and_without_one_nobody_signs_in_until_it_is_set() {
    let source = TestApp::start_on(Backend::Sqlite, |_| {}).await;
    let dir = tempfile::tempdir().unwrap();
    let without = dir.path().join("without.json");
    let text = String::from_utf8(export(&source.database_url, &without, false).await).unwrap();
    assert!(
        !text.contains("password_hash") && !text.contains("$argon2"),
        "{text}"
    );
    let with = dir.path().join("with.json");
    let with_bytes = export(&source.database_url, &with, true).await;
    let document: Value = serde_json::from_slice(&with_bytes).unwrap();
    for person in document["people"].as_array().unwrap() {
        let hash = person["password_hash"].as_str().unwrap_or_default();
        assert!(hash.starts_with("$argon2id$"), "{person}");
    }

    let postgres = postgres::database().await;
    let output = imported(&postgres, &without).await;
    assert!(
        output.contains(
            "7 people came without a password: none of them can sign in until one is set"
        ),
        "{output}"
    );
    let app = TestApp::start_at(tempfile::tempdir().unwrap(), postgres.clone(), |_| {}).await;
    let sign_in = |email: &'static str, password: &'static str| {
        let app = &app;
        async move {
            let (status, body) = app
                .call_json(
                    &app.client(),
                    "sign_in",
                    &[("email", email), ("password", password)],
                )
                .await;
            (status, body["detail"]["message"].clone())
        }
    };
    for email in [AMBASSADOR, MEMBER] {
        assert_eq!(
            sign_in(email, PASSWORD).await,
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                json!("Wrong email or password.")
            )
        );
    }
    let output = northstar(
        &[
            "admin",
            "set-password",
            "--email",
            AMBASSADOR,
            "--password-stdin",
            "--database-url",
            &postgres,
        ],
        Some("a brand new passphrase\n"),
    )
    .await;
    assert!(output.status.success(), "{}", said(&output));
    assert_eq!(
        sign_in(AMBASSADOR, "a brand new passphrase").await.0,
        StatusCode::OK
    );
    assert_eq!(
        sign_in(MEMBER, PASSWORD).await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );

    let (back_dir, back) = empty_database(Backend::Sqlite).await;
    let output = imported(&back, &with).await;
    assert!(!output.contains("without a password"), "{output}");
    let again = export(&back, &dir.path().join("again.json"), true).await;
    assert_same("the hashes after a round trip", &with_bytes, &again);
    let app = TestApp::start_at(back_dir, back, |_| {}).await;
    app.signed_in(MEMBER).await;
    app.signed_in(AMBASSADOR).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_an_import_into_postgresql_new_rows_get_ids_of_their_own() {
    let source = demo_with_every_table().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("demo.json");
    export(&source.database_url, &file, true).await;
    let postgres = postgres::database().await;
    imported(&postgres, &file).await;

    let pool = storage::connect(&postgres).await.unwrap();
    for table in transfer::NUMBERED {
        let (highest, next): (i64, i64) = sqlx::query_as(&format!(
            "SELECT (SELECT MAX(id) FROM {table}), nextval(pg_get_serial_sequence('{table}', 'id'))"
        ))
        .fetch_one(&pool)
        .await
        .unwrap();
        assert!(
            next > highest,
            "{table}: next id {next}, imported up to {highest}"
        );
    }
    pool.close().await;

    // The app makes rows in the numbered tables, and objectives and check-ins.
    let app = TestApp::start_at(tempfile::tempdir().unwrap(), postgres, |_| {}).await;
    let cycle = running_cycle(&app).await;
    let key_result = active_key_result(&app, &cycle, 7001, MEMBER).await;
    let member = app.signed_in(MEMBER).await;
    let (status, body) = check_in(&app, &member, &uuid(7002), &key_result, "40", "7").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let ambassador = app.signed_in(AMBASSADOR).await;
    let (status, body) = close(&app, &ambassador, &uuid(7001), &NOTE).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (token, _) = crate::common::kpis::token(&app, "After the move", "read").await;
    assert!(token > 2, "a new token id after the imported ones: {token}");
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM closing_notes WHERE objective_id = '{}'",
            uuid(7001)
        ))
        .await,
        1
    );
}
