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
