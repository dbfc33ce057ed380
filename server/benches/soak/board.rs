//! The board users: leads who plan next quarter on its board while this
//! quarter runs. Each holds a socket on next quarter's board (and so hears
//! everyone's edits), edits the description of an objective of their own
//! there every [`EDIT_EVERY`], and opens this quarter's board every
//! [`VIEW_EVERY`]. Their edits go to another cycle than the check-ins, so the
//! office screens' versions come from the check-ins alone.

use crate::people::{NewLead, create_lead, post};
use crate::report::{Log, Request};
use crate::screens::Stop;
use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

pub const EDIT_EVERY: Duration = Duration::from_secs(30);
pub const VIEW_EVERY: Duration = Duration::from_secs(60);
const PASSWORD: &str = "soak-board-user-password";

/// A signed-in board user and their objective on next quarter's board.
pub struct User {
    cookie: String,
    objective: String,
    version: i64,
    description: String,
}

/// Creates next quarter after this one (as the demo ambassador), `count`
/// leads spread over the organisation's units, signs each in and has each
/// create an objective of their unit there. Returns next quarter's id and
/// the users.
pub async fn set_up(
    base: &str,
    ambassador: &reqwest::Client,
    database_url: &str,
    current: i64,
    count: usize,
) -> (i64, Vec<User>) {
    let pool = crate::process::reader(database_url).await;
    let end: String = sqlx::query_scalar("SELECT end_date FROM cycles WHERE id = $1")
        .bind(current)
        .fetch_one(&pool)
        .await
        .unwrap();
    let units: Vec<i64> = sqlx::query_scalar("SELECT id FROM units ORDER BY id")
        .fetch_all(&pool)
        .await
        .unwrap();
    pool.close().await;
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let end = time::Date::parse(&end, format).unwrap();
    let day = |d: time::Date| d.format(format).unwrap();
    let answer = post(
        ambassador,
        base,
        "create_cycle",
        &[
            ("name", "Next quarter".to_owned()),
            ("start", day(end + time::Duration::days(1))),
            ("end", day(end + time::Duration::days(91))),
            ("planning_days", "14".to_owned()),
            ("retro_days", "7".to_owned()),
        ],
    )
    .await;
    let status = answer.status();
    let cycle: Value = answer.json().await.unwrap();
    assert!(status.is_success(), "create_cycle: {status} {cycle}");
    let next = cycle["id"].as_i64().expect("the new cycle's id");

    for i in 0..count {
        let lead = NewLead {
            name: format!("Planner {i}"),
            email: format!("planner{i}@soak.northstar"),
            unit_id: units[i % units.len()],
            password: PASSWORD.to_owned(),
        };
        create_lead(ambassador, base, &lead).await;
    }
    let signing_in = (0..count).map(|i| {
        let unit = units[i % units.len()];
        async move { sign_up_user(base, next, unit, i).await }
    });
    // A few at a time: a sign-in in flight holds one of an address's attempts.
    let users = futures::stream::iter(signing_in)
        .buffered(4)
        .collect()
        .await;
    (next, users)
}

/// Signs planner `i` in (keeping the session cookie, which the board's
/// socket needs too) and creates their objective on `cycle`.
async fn sign_up_user(base: &str, cycle: i64, unit: i64, i: usize) -> User {
    let client = reqwest::Client::new();
    let form = [
        ("email", format!("planner{i}@soak.northstar")),
        ("password", PASSWORD.to_owned()),
    ];
    let answer = post(&client, base, "sign_in", &form).await;
    assert!(answer.status().is_success(), "sign-in: {}", answer.status());
    let cookie = answer
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("northstar_session="))
        .and_then(|v| v.split(';').next())
        .expect("a session cookie")
        .to_owned();
    let created = call(
        base,
        &cookie,
        "create_objective",
        &[
            ("id", format!("00000000-0000-4000-9000-{i:012x}")),
            ("cycle_id", cycle.to_string()),
            ("unit_id", unit.to_string()),
            ("title", format!("Plan {i} for next quarter")),
            ("kind", "committed".to_owned()),
        ],
    )
    .await;
    let status = created.status();
    let objective: Value = created.json().await.unwrap();
    assert!(
        status.is_success(),
        "create_objective: {status} {objective}"
    );
    User {
        cookie,
        objective: objective["id"].as_str().unwrap().to_owned(),
        version: objective["version"].as_i64().unwrap(),
        description: objective["description"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
    }
}

async fn call(
    base: &str,
    cookie: &str,
    endpoint: &str,
    form: &[(&str, String)],
) -> reqwest::Response {
    // A client per call would reconnect each time; one shared client is
    // what a browser's connection pool is to its tabs.
    static CLIENT: std::sync::OnceLock<reqwest::Client> = std::sync::OnceLock::new();
    CLIENT
        .get_or_init(reqwest::Client::new)
        .post(format!("{base}/api/{endpoint}"))
        .header("accept", "application/json")
        .header("cookie", cookie)
        .form(form)
        .send()
        .await
        .unwrap()
}

/// Starts every user's socket (until `stop`) and rhythm (until `until`).
/// Each task returns whether it lasted to its end.
pub fn start(
    base: &str,
    users: Vec<User>,
    (next, current): (i64, i64),
    until: Instant,
    stop: &Stop,
    log: &Arc<Log>,
) -> Vec<JoinHandle<bool>> {
    let count = users.len() as u32;
    users
        .into_iter()
        .enumerate()
        .flat_map(|(i, user)| {
            let base = base.to_owned();
            // Spread evenly: a user's first edit comes at its share of the period.
            let offset = EDIT_EVERY * i as u32 / count;
            let socket = tokio::spawn(listen(
                base.clone(),
                user.cookie.clone(),
                next,
                stop.clone(),
                log.clone(),
            ));
            let rhythm = tokio::spawn(work(base, user, current, offset, until, log.clone()));
            [socket, rhythm]
        })
        .collect()
}

/// The board's socket: counts the events it hears until `stop`.
async fn listen(base: String, cookie: String, cycle: i64, mut stop: Stop, log: Arc<Log>) -> bool {
    let url = format!("{}/ws/boards/{cycle}", base.replace("http://", "ws://"));
    let mut request = url.into_client_request().unwrap();
    request
        .headers_mut()
        .insert("cookie", cookie.parse().unwrap());
    request
        .headers_mut()
        .insert("origin", base.parse().unwrap());
    let Ok((mut socket, _)) = tokio_tungstenite::connect_async(request).await else {
        log.error(Instant::now(), "board socket: could not connect".into());
        return false;
    };
    let resume = json!({ "type": "resume", "version": 0 }).to_string();
    if socket.send(Message::text(resume)).await.is_err() {
        log.error(Instant::now(), "board socket: could not resume".into());
        return false;
    }
    loop {
        let next = tokio::select! {
            _ = stop.wait_for(|over| *over) => return true,
            next = socket.next() => next,
        };
        match next {
            Some(Ok(Message::Text(text))) => {
                if text.contains(r#""type":"event""#) {
                    log.with(Instant::now(), |m| m.board_events += 1);
                }
            }
            Some(Ok(_)) => {}
            _ => {
                log.error(Instant::now(), "board socket: closed early".into());
                return false;
            }
        }
    }
}

/// Edits the user's objective every [`EDIT_EVERY`] and opens this quarter's
/// board every [`VIEW_EVERY`], until `until`.
async fn work(
    base: String,
    mut user: User,
    current: i64,
    offset: Duration,
    until: Instant,
    log: Arc<Log>,
) -> bool {
    let start = tokio::time::Instant::now() + offset;
    let mut edits = tokio::time::interval_at(start, EDIT_EVERY);
    let mut views = tokio::time::interval_at(start + EDIT_EVERY / 2, VIEW_EVERY);
    let mut round = 0;
    loop {
        tokio::select! {
            _ = tokio::time::sleep_until(until.into()) => return true,
            _ = edits.tick() => {
                round += 1;
                let value = format!("Soak edit {round}: what we plan and why it matters now.");
                let sent = Instant::now();
                let answer = call(&base, &user.cookie, "update_objective", &[
                    ("id", user.objective.clone()),
                    ("version", user.version.to_string()),
                    ("field", "description".to_owned()),
                    ("previous", user.description.clone()),
                    ("value", value.clone()),
                ]).await;
                let status = answer.status();
                if status.is_success() {
                    let saved: Value = answer.json().await.unwrap();
                    log.answered(Request::Edit, sent);
                    user.version = saved["version"].as_i64().unwrap();
                    user.description = value;
                } else {
                    log.error(sent, format!("update_objective: {status}"));
                }
            }
            _ = views.tick() => {
                let sent = Instant::now();
                let answer = call(&base, &user.cookie, "get_board", &[
                    ("cycle_id", current.to_string()),
                ]).await;
                let status = answer.status();
                if status.is_success() && answer.bytes().await.is_ok() {
                    log.answered(Request::View, sent);
                } else {
                    log.error(sent, format!("get_board: {status}"));
                }
            }
        }
    }
}
