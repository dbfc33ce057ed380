//! The program's rhythm: communication plans (who changes which meeting, a
//! new cycle starting from the previous plan, who takes part), agendas (who
//! opens a one-on-one, coaching from real check-ins, a review's scope) and
//! agenda notes (two people saving the same meeting's notes, retries).

mod agendas;
mod notes;
mod plans;

use crate::common::TestApp;
use reqwest::{Client, StatusCode};
use serde_json::Value;

/// The demo's latest cycle.
pub(super) async fn demo_cycle(app: &TestApp) -> String {
    app.count("SELECT id FROM cycles ORDER BY start_date DESC, id DESC LIMIT 1")
        .await
        .to_string()
}

pub(super) async fn plan(app: &TestApp, client: &Client, cycle: &str) -> Value {
    let (status, plan) = app
        .call_json(client, "get_cycle_plan", &[("cycle_id", cycle)])
        .await;
    assert_eq!(status, StatusCode::OK, "{plan}");
    plan
}

/// The form of a team weekly held for `unit` ("" for everyone).
pub(super) fn weekly<'a>(
    cycle: &'a str,
    unit: &'a str,
    format: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("cycle_id", cycle),
        ("id", ""),
        ("version", ""),
        ("kind", "team_weekly"),
        ("custom_name", ""),
        ("level", "team"),
        ("unit_id", unit),
        ("frequency", "weekly"),
        ("weekday", "1"),
        ("format", format),
        ("owner", "Team lead"),
        ("points", "Low confidence first\nSilent key results"),
    ]
}

pub(super) fn with<'a>(
    mut form: Vec<(&'a str, &'a str)>,
    field: &'a str,
    value: &'a str,
) -> Vec<(&'a str, &'a str)> {
    for pair in &mut form {
        if pair.0 == field {
            pair.1 = value;
        }
    }
    form
}

pub(super) async fn save_notes(
    app: &TestApp,
    client: &Client,
    agenda: &str,
    on: &str,
    version: &str,
    body: &str,
) -> (StatusCode, Value) {
    app.call_json(
        client,
        "save_agenda_notes",
        &[
            ("agenda", agenda),
            ("meeting_on", on),
            ("version", version),
            ("body", body),
        ],
    )
    .await
}
