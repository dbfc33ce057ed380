//! Board helpers shared by the board's test files.

use super::TestApp;
use reqwest::{Client, StatusCode};
use serde_json::Value;

pub const WEB_MEMBER: &str = "lea@northstar.demo";
pub const WEB_LEAD: &str = "tomas@northstar.demo";

pub fn uuid(n: u32) -> String {
    format!("00000000-0000-4000-8000-{n:012x}")
}

pub async fn new_cycle(app: &TestApp) -> String {
    let ambassador = app.signed_in(super::AMBASSADOR).await;
    let (status, cycle) = app
        .call_json(
            &ambassador,
            "create_cycle",
            &[
                ("name", "Test cycle"),
                ("start", "2026-10-01"),
                ("end", "2026-12-31"),
                ("planning_days", "14"),
                ("retro_days", "7"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{cycle}");
    cycle["id"].as_i64().unwrap().to_string()
}

pub async fn create_objective(
    app: &TestApp,
    client: &Client,
    cycle: &str,
    id: &str,
    unit: &str,
    title: &str,
) -> (StatusCode, Value) {
    let unit = app.unit_id(unit).await.to_string();
    app.call_json(
        client,
        "create_objective",
        &[
            ("id", id),
            ("cycle_id", cycle),
            ("unit_id", &unit),
            ("title", title),
            ("kind", "committed"),
        ],
    )
    .await
}

pub async fn update(
    app: &TestApp,
    client: &Client,
    objective: &Value,
    field: &str,
    value: &str,
) -> (StatusCode, Value) {
    let previous = match &objective[field] {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    };
    let version = objective["version"].to_string();
    let id = objective["id"].as_str().unwrap();
    app.call_json(
        client,
        "update_objective",
        &[
            ("id", id),
            ("version", &version),
            ("field", field),
            ("previous", &previous),
            ("value", value),
        ],
    )
    .await
}

/// Objective `id` of `cycle`, as the board shows it now.
pub async fn on_board(app: &TestApp, client: &Client, cycle: &str, id: &str) -> Value {
    let (status, board) = app
        .call_json(client, "get_board", &[("cycle_id", cycle)])
        .await;
    assert_eq!(status, StatusCode::OK, "{board}");
    board["objectives"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == id)
        .expect("on the board")
        .clone()
}

/// Proposes and activates objective `id` of `cycle` (as a lead or the
/// ambassador); returns it active.
pub async fn activate(app: &TestApp, client: &Client, cycle: &str, id: &str) -> Value {
    let draft = on_board(app, client, cycle, id).await;
    let (status, proposed) = update(app, client, &draft, "status", "proposed").await;
    assert_eq!(status, StatusCode::OK, "{proposed}");
    let (status, active) = update(app, client, &proposed, "status", "active").await;
    assert_eq!(status, StatusCode::OK, "{active}");
    active
}

/// Lets `id` support `target` (`add`) or no longer.
pub async fn link(
    app: &TestApp,
    client: &Client,
    id: &str,
    target: &str,
    add: bool,
) -> (StatusCode, Value) {
    let endpoint = if add {
        "link_objective"
    } else {
        "unlink_objective"
    };
    app.call_json(client, endpoint, &[("id", id), ("supports_id", target)])
        .await
}
