//! `TestApp`: the real Northstar on `127.0.0.1:0` against a real SQLite file
//! in a temporary folder, seeded with the demo organisation.

#![allow(
    dead_code,
    reason = "each test file uses a different part of the helper"
)]
#![allow(
    clippy::expect_used,
    reason = "a test helper that cannot go on fails the test loudly"
)]

pub mod board;
pub mod checkins;
pub mod kpis;
pub mod lessons;
pub mod postgres;

use app::sql::{Backend, Pool};
use reqwest::header::{COOKIE, HeaderMap, SET_COOKIE};
use reqwest::{Client, Response, StatusCode};
use serde_json::Value;
use server::config::ServeConfig;
use server::storage::demo::{DEMO_AMBASSADOR, DEMO_PASSWORD};
use std::net::SocketAddr;
use tempfile::TempDir;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub const AMBASSADOR: &str = DEMO_AMBASSADOR;
pub const LEAD: &str = "jonas@northstar.demo";
pub const MEMBER: &str = "priya@northstar.demo";
pub const PASSWORD: &str = DEMO_PASSWORD;

/// The engine the suite runs on: SQLite, or PostgreSQL when
/// `NORTHSTAR_TEST_DATABASE=postgres` (`make test` runs the suite once
/// for each).
pub fn engine_under_test() -> Backend {
    match std::env::var("NORTHSTAR_TEST_DATABASE").as_deref() {
        Ok("postgres") => Backend::Postgres,
        Ok("sqlite") | Ok("") | Err(_) => Backend::Sqlite,
        Ok(other) => panic!("NORTHSTAR_TEST_DATABASE={other}: use sqlite or postgres"),
    }
}

/// The session store's table on the engine under test.
pub fn sessions_table() -> &'static str {
    match engine_under_test() {
        Backend::Sqlite => "tower_sessions",
        Backend::Postgres => "tower_sessions.session",
    }
}

/// A new, empty database of `engine` (a SQLite file `northstar.db` in the
/// folder returned, or a database on the tests' PostgreSQL cluster), and
/// its URL.
pub async fn empty_database(engine: Backend) -> (TempDir, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = match engine {
        Backend::Sqlite => format!("sqlite://{}", dir.path().join("northstar.db").display()),
        Backend::Postgres => postgres::database().await,
    };
    (dir, url)
}

pub struct TestApp {
    pub base: String,
    pub pool: Pool,
    /// The live hub, to publish what another instance or a lost notice would.
    pub hub: std::sync::Arc<app::live::ssr::Hub>,
    /// What the app's requests share, to build more of it (e.g. another router).
    pub state: app::state::AppState,
    /// The SQLite file, when the app runs on SQLite.
    pub database_path: std::path::PathBuf,
    /// The database's URL, for a second instance or a command on it.
    pub database_url: String,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
    _dir: TempDir,
}

impl TestApp {
    pub async fn start() -> Self {
        Self::start_with(|_| {}).await
    }

    /// Starts with the demo data and whatever `adjust` changes in the
    /// configuration, on the engine under test (see [`engine_under_test`]).
    pub async fn start_with(adjust: impl FnOnce(&mut ServeConfig)) -> Self {
        Self::start_on(engine_under_test(), adjust).await
    }

    /// Starts on a fresh database of `engine`: a SQLite file in a
    /// temporary folder, or a new database on the tests' PostgreSQL
    /// cluster.
    pub async fn start_on(engine: Backend, adjust: impl FnOnce(&mut ServeConfig)) -> Self {
        let (dir, url) = empty_database(engine).await;
        Self::start_at(dir, url, |config| {
            config.demo = true;
            adjust(config);
        })
        .await
    }

    /// Another instance on this one's database (PostgreSQL, where
    /// instances share one), with whatever `adjust` changes.
    pub async fn another_instance(&self, adjust: impl FnOnce(&mut ServeConfig)) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        Self::start_at(dir, self.database_url.clone(), adjust).await
    }

    /// Starts on the database at `url` as it is (no demo data unless
    /// `adjust` asks), e.g. one a command filled; `dir` (the SQLite file's
    /// folder, `northstar.db` in it) is removed when the app is dropped.
    pub async fn start_at(
        dir: TempDir,
        url: String,
        adjust: impl FnOnce(&mut ServeConfig),
    ) -> Self {
        server::telemetry::init();
        let database_path = dir.path().join("northstar.db");
        let mut config = ServeConfig::new("127.0.0.1:0".parse().expect("address"), url);
        adjust(&mut config);
        let built = server::build(&config).await.expect("app builds");
        let pool = built.state.pool.clone();
        let hub = built.state.hub.clone();
        let state = built.state.clone();
        let listener = tokio::net::TcpListener::bind(config.addr)
            .await
            .expect("bind");
        let addr: SocketAddr = listener.local_addr().expect("address");
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            server::serve(listener, built, async {
                let _ = stopped.await;
            })
            .await
            .expect("serves");
        });
        Self {
            base: format!("http://{addr}"),
            pool,
            hub,
            state,
            database_path,
            database_url: config.database_url.clone(),
            stop: Some(stop),
            task: Some(task),
            _dir: dir,
        }
    }

    /// Stops gracefully and waits until the server has closed its pool.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.expect("server task");
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A client that keeps cookies, like a browser, but sends no browser headers.
    pub fn client(&self) -> Client {
        Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client")
    }

    /// A client signed in as `email` with the demo password.
    pub async fn signed_in(&self, email: &str) -> Client {
        let client = self.client();
        let response = self
            .call(
                &client,
                "sign_in",
                &[("email", email), ("password", PASSWORD)],
            )
            .await;
        assert_eq!(response.status(), StatusCode::OK, "sign-in of {email}");
        client
    }

    /// Calls a server function the way a form does: a url-encoded POST.
    pub async fn call(&self, client: &Client, endpoint: &str, form: &[(&str, &str)]) -> Response {
        client
            .post(self.url(&format!("/api/{endpoint}")))
            .header("accept", "application/json")
            .form(form)
            .send()
            .await
            .expect("request")
    }

    /// The same, returning the status and the JSON body.
    pub async fn call_json(
        &self,
        client: &Client,
        endpoint: &str,
        form: &[(&str, &str)],
    ) -> (StatusCode, Value) {
        let response = self.call(client, endpoint, form).await;
        let status = response.status();
        let body = response.json().await.unwrap_or(Value::Null);
        (status, body)
    }

    /// Calls a read-only server function until `ready` holds of its answer
    /// (or five seconds pass) and returns the last answer. For what is
    /// computed after a commit rather than inside it, like the leaderboard.
    pub async fn call_until(
        &self,
        client: &Client,
        endpoint: &str,
        form: &[(&str, &str)],
        ready: impl Fn(&Value) -> bool,
    ) -> Value {
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(5);
        loop {
            let (status, body) = self.call_json(client, endpoint, form).await;
            assert_eq!(status, StatusCode::OK, "{endpoint}: {body}");
            if ready(&body) || tokio::time::Instant::now() > deadline {
                return body;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }

    /// The number a counting query answers (a `SUM` is cast: PostgreSQL
    /// sums integers as `numeric`).
    pub async fn count(&self, sql: &str) -> i64 {
        sqlx::query_scalar(&format!("SELECT CAST(({sql}) AS BIGINT)"))
            .fetch_one(&self.pool)
            .await
            .expect("count query")
    }

    pub async fn unit_id(&self, name: &str) -> i64 {
        sqlx::query_scalar("SELECT id FROM units WHERE name = $1")
            .bind(name)
            .fetch_one(&self.pool)
            .await
            .expect("unit exists")
    }

    pub async fn person_id(&self, email: &str) -> i64 {
        sqlx::query_scalar("SELECT id FROM people WHERE email = $1")
            .bind(email)
            .fetch_one(&self.pool)
            .await
            .expect("person exists")
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

pub const DEPARTMENT_LEAD: &str = "elif@northstar.demo";

/// Adds Elif Demir, lead of Engineering, with the demo password.
pub async fn add_department_lead(app: &TestApp) {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO people (name, email, role, password_hash) \
         SELECT 'Elif Demir', $1, 'lead', password_hash FROM people WHERE email = $2 RETURNING id",
    )
    .bind(DEPARTMENT_LEAD)
    .bind(AMBASSADOR)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let engineering = app.unit_id("Engineering").await;
    sqlx::query("INSERT INTO memberships (person_id, unit_id) VALUES ($1, $2)")
        .bind(id)
        .bind(engineering)
        .execute(&app.pool)
        .await
        .unwrap();
}

/// The `kind` of an `AppError` body.
pub fn error_kind(body: &Value) -> &str {
    body["kind"].as_str().unwrap_or("")
}

/// The value of the session cookie a response sets, if any.
pub fn session_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("northstar_session="))
        .map(|v| v.split(';').next().unwrap_or_default().to_owned())
}

/// A request with an explicit cookie and no cookie store, to test session ids.
pub async fn call_with_cookie(
    app: &TestApp,
    cookie: Option<&str>,
    endpoint: &str,
    form: &[(&str, &str)],
) -> Response {
    let client = Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let mut request = client
        .post(app.url(&format!("/api/{endpoint}")))
        .header("accept", "application/json")
        .form(form);
    if let Some(cookie) = cookie {
        request = request.header(COOKIE, cookie);
    }
    request.send().await.expect("request")
}

/// Signs `email` in with `password` from a client without a cookie store;
/// the session cookie (`name=value`) if the sign-in succeeded.
pub async fn cookie_with(app: &TestApp, email: &str, password: &str) -> Option<String> {
    let response = call_with_cookie(
        app,
        None,
        "sign_in",
        &[("email", email), ("password", password)],
    )
    .await;
    session_cookie(response.headers())
}

/// The session cookie of `email` signed in with the demo password.
pub async fn cookie_of(app: &TestApp, email: &str) -> String {
    cookie_with(app, email, PASSWORD)
        .await
        .expect("session cookie")
}
