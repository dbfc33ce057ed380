//! Helpers for KPIs and the public API: a KPI defined through the form's
//! server function, readings, and API tokens made by the ambassador.

use super::{AMBASSADOR, TestApp};
use reqwest::{Client, StatusCode};
use serde_json::Value;

/// A KPI as the form sends it: lower is better, healthy ≤ 4, critical ≥ 8.
pub struct NewKpi<'a> {
    pub unit: &'a str,
    pub name: &'a str,
    pub owner: &'a str,
}

/// Defines a KPI for `kpi.unit`, owned by `kpi.owner`, lower is better
/// (healthy up to 4 h, critical from 8 h), read weekly.
pub async fn define(app: &TestApp, client: &Client, kpi: NewKpi<'_>) -> (StatusCode, Value) {
    let unit = app.unit_id(kpi.unit).await.to_string();
    let owner = app.person_id(kpi.owner).await.to_string();
    app.call_json(
        client,
        "save_kpi",
        &[
            ("id", ""),
            ("version", ""),
            ("name", kpi.name),
            ("description", "Hours to a first human answer."),
            ("unit_label", "h"),
            ("unit_id", &unit),
            ("owner_id", &owner),
            ("direction", "lower"),
            ("healthy", "4"),
            ("critical", "8"),
            ("cadence", "weekly"),
        ],
    )
    .await
}

/// Changes the name of `kpi` (as the server last sent it), keeping the rest.
pub async fn rename(
    app: &TestApp,
    client: &Client,
    kpi: &Value,
    name: &str,
) -> (StatusCode, Value) {
    let text = |key: &str| match &kpi[key] {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    app.call_json(
        client,
        "save_kpi",
        &[
            ("id", &text("id")),
            ("version", &text("version")),
            ("name", name),
            ("description", &text("description")),
            ("unit_label", &text("unit_label")),
            ("unit_id", &text("unit_id")),
            ("owner_id", &text("owner_id")),
            ("direction", &text("direction")),
            ("healthy", &text("healthy")),
            ("critical", &text("critical")),
            ("cadence", &text("cadence")),
        ],
    )
    .await
}

/// One reading through the inline form.
pub async fn read(
    app: &TestApp,
    client: &Client,
    kpi: i64,
    on: &str,
    value: &str,
) -> (StatusCode, Value) {
    app.call_json(
        client,
        "add_kpi_reading",
        &[
            ("kpi_id", &kpi.to_string()),
            ("on", on),
            ("value", value),
            ("note", ""),
        ],
    )
    .await
}

/// Readings pasted as CSV.
pub async fn paste(app: &TestApp, client: &Client, kpi: i64, csv: &str) -> (StatusCode, Value) {
    app.call_json(
        client,
        "paste_kpi_readings",
        &[("kpi_id", &kpi.to_string()), ("csv", csv)],
    )
    .await
}

/// A new API token with `scope`, made by the ambassador: (its id, the secret).
pub async fn token(app: &TestApp, name: &str, scope: &str) -> (i64, String) {
    let ambassador = app.signed_in(AMBASSADOR).await;
    let (status, created) = app
        .call_json(
            &ambassador,
            "create_api_token",
            &[("name", name), ("scope", scope)],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{created}");
    (
        created["token"]["id"].as_i64().expect("token id"),
        created["secret"].as_str().expect("secret").to_owned(),
    )
}

/// A day `n` days before today, as `YYYY-MM-DD`.
pub fn days_ago(n: i64) -> String {
    (time::OffsetDateTime::now_utc().date() - time::Duration::days(n)).to_string()
}
