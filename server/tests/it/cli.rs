//! The `northstar` command line, run as a real process.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "helpers of tests fail the test loudly"
)]

use std::io::Write;
use std::process::{Command, Stdio};

fn northstar() -> Command {
    Command::new(env!("CARGO_BIN_EXE_northstar"))
}

#[test]
fn help_explains_every_serve_option() {
    let output = northstar().args(["serve", "--help"]).output().unwrap();
    assert!(output.status.success());
    let help = String::from_utf8(output.stdout).unwrap();
    for option in [
        "--addr",
        "--database-url",
        "--demo",
        "NORTHSTAR_ADDR",
        "NORTHSTAR_DATABASE_URL",
        "NORTHSTAR_DEMO",
        "--public-url",
        "NORTHSTAR_PUBLIC_URL",
        "--trusted-proxies",
        "NORTHSTAR_TRUSTED_PROXIES",
        "--screen-frame-ancestors",
        "--demo-password",
        "NORTHSTAR_DEMO_PASSWORD",
        "--metrics-addr",
        "NORTHSTAR_METRICS_ADDR",
    ] {
        assert!(
            help.contains(option),
            "serve --help mentions {option}:\n{help}"
        );
    }
}

#[test]
fn version_names_the_version_and_the_commit_built_from() {
    let output = northstar().arg("--version").output().unwrap();
    assert!(output.status.success());
    let printed = String::from_utf8(output.stdout).unwrap();
    let version = env!("CARGO_PKG_VERSION");
    // Built in a git checkout, the binary names its commit (cargo builds it
    // again when the checkout moves); outside one, it says so.
    let checkout = Command::new("git")
        .args(["log", "-1", "--format=%h %cs"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .ok()
        .filter(|output| output.status.success());
    let expected = match checkout {
        Some(git) => {
            let said = String::from_utf8(git.stdout).unwrap();
            let (hash, day) = said.trim().split_once(' ').unwrap();
            assert!(hash.len() >= 7 && hash.chars().all(|c| c.is_ascii_hexdigit()));
            assert!(
                time::Date::parse(
                    day,
                    time::macros::format_description!("[year]-[month]-[day]")
                )
                .is_ok()
            );
            format!("northstar {version} (commit {hash}, {day})\n")
        }
        None => format!("northstar {version} (commit unknown)\n"),
    };
    assert_eq!(printed, expected);
}

#[test]
fn migrate_then_create_user_with_a_password_from_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("cli.db").display());
    let status = northstar()
        .args(["migrate", "--database-url", &url])
        .status()
        .unwrap();
    assert!(status.success());

    let mut child = northstar()
        .args([
            "admin",
            "create-user",
            "--email",
            "Ada@Example.org",
            "--name",
            "Ada",
            "--role",
            "ambassador",
        ])
        .args(["--password-stdin", "--database-url", &url])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"a long passphrase\n")
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "{output:?}");
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(stdout.contains("ada@example.org"));
    assert!(
        !stdout.contains("passphrase"),
        "a given password is not echoed"
    );

    // The same email again is refused, with a message and a failing exit code.
    let output = northstar()
        .args([
            "admin",
            "create-user",
            "--email",
            "ada@example.org",
            "--name",
            "Ada 2",
            "--role",
            "member",
        ])
        .args(["--database-url", &url])
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("already has an account"));
}

#[test]
fn create_user_without_stdin_prints_a_generated_password() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("cli.db").display());
    let output = northstar()
        .args([
            "admin",
            "create-user",
            "--email",
            "lee@example.org",
            "--name",
            "Lee",
            "--role",
            "lead",
        ])
        .args(["--database-url", &url])
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let stdout = String::from_utf8(output.stdout).unwrap();
    let password = stdout
        .lines()
        .find_map(|l| l.strip_prefix("Password: "))
        .expect("a password line");
    assert_eq!(password.len(), 20);
}

#[test]
fn a_bad_role_is_refused_before_touching_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("never.db");
    let output = northstar()
        .args([
            "admin",
            "create-user",
            "--email",
            "x@example.org",
            "--name",
            "X",
            "--role",
            "admin",
        ])
        .args(["--database-url", &format!("sqlite://{}", path.display())])
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("unknown role"));
    assert!(!path.exists());
}

#[test]
fn admin_reindex_rebuilds_the_lessons_index() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("reindex.db").display());
    let output = northstar()
        .args(["admin", "reindex", "--database-url", &url])
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let printed = String::from_utf8(output.stdout).unwrap();
    assert!(
        printed.contains("Rebuilt the lessons index: 0 closing notes"),
        "{printed}"
    );
}

#[test]
fn the_demo_refuses_a_public_address_with_the_published_password() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("demo.db").display());
    let output = northstar()
        .args([
            "serve",
            "--demo",
            "--addr",
            "0.0.0.0:0",
            "--database-url",
            &url,
        ])
        .env_remove("NORTHSTAR_DEMO_PASSWORD")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let said = String::from_utf8(output.stderr).unwrap();
    assert!(said.contains("--demo-password"), "{said}");
    assert!(said.contains("127.0.0.1"), "{said}");
    assert!(
        !dir.path().join("demo.db").exists(),
        "refused before touching the database"
    );
}

/// Runs `northstar admin set-password` with `password` on standard input.
fn set_password(url: &str, email: &str, password: &str) -> std::process::Output {
    let mut child = northstar()
        .args([
            "admin",
            "set-password",
            "--email",
            email,
            "--password-stdin",
        ])
        .args(["--database-url", url])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{password}\n").as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn a_locked_out_ambassador_gets_a_new_password_from_the_shell() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("cli.db").display());
    let mut child = northstar()
        .args([
            "admin",
            "create-user",
            "--email",
            "ada@example.org",
            "--name",
            "Ada",
        ])
        .args([
            "--role",
            "ambassador",
            "--password-stdin",
            "--database-url",
            &url,
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"a long passphrase\n")
        .unwrap();
    assert!(child.wait_with_output().unwrap().status.success());
    let hash_before = stored(&url, "SELECT password_hash FROM people");

    let output = set_password(&url, "ada@example.org", "short");
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("at least"));
    let output = set_password(&url, "nobody@example.org", "a new long passphrase");
    assert!(!output.status.success());
    let output = set_password(&url, "Ada@Example.org", "a new long passphrase");
    assert!(output.status.success(), "{output:?}");
    let said = String::from_utf8(output.stdout).unwrap();
    assert!(said.contains("every session"), "{said}");
    assert!(!said.contains("passphrase"), "the password is not echoed");
    assert_ne!(
        stored(&url, "SELECT password_hash FROM people"),
        hash_before
    );
    assert_eq!(
        stored(&url, "SELECT CAST(session_epoch AS TEXT) FROM people"),
        "1"
    );
}

/// One text value from the database at `url`.
fn stored(url: &str, sql: &str) -> String {
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        let pool = sqlx::SqlitePool::connect(url).await.unwrap();
        let value: String = sqlx::query_scalar(sql).fetch_one(&pool).await.unwrap();
        pool.close().await;
        value
    })
}

#[test]
fn a_database_url_of_another_scheme_stops_the_server_with_a_sentence() {
    let dir = tempfile::tempdir().unwrap();
    for (url, says) in [
        (
            "sqlit://data/northstar.db",
            "unknown database scheme “sqlit”",
        ),
        ("data/northstar.db", "name the database as a URL"),
    ] {
        let output = northstar()
            .current_dir(dir.path())
            .args(["serve", "--addr", "127.0.0.1:0", "--database-url", url])
            .output()
            .unwrap();
        assert!(!output.status.success(), "{url} must not start a server");
        let error = String::from_utf8(output.stderr).unwrap();
        assert!(error.contains(says), "{url}: {error}");
        assert!(
            error.contains("sqlite://PATH") && error.contains("postgres://"),
            "names what is supported: {error}"
        );
    }
    // Nothing was created where it ran: no folder named after the scheme.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn a_postgresql_server_that_does_not_answer_stops_the_server_at_once_with_the_cause() {
    let dir = tempfile::tempdir().unwrap();
    let started = std::time::Instant::now();
    // Port 1 on this machine: nothing listens there.
    let url = "postgres://northstar@127.0.0.1:1/northstar";
    let output = northstar()
        .current_dir(dir.path())
        .args(["serve", "--addr", "127.0.0.1:0", "--database-url", url])
        .output()
        .unwrap();
    assert!(!output.status.success(), "{url} must not start a server");
    let error = String::from_utf8(output.stderr).unwrap();
    assert!(error.contains("cannot open the database"), "{error}");
    assert!(
        error.to_lowercase().contains("refused"),
        "names the cause: {error}"
    );
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "does not wait for a pool timeout: {:?}",
        started.elapsed()
    );
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}
