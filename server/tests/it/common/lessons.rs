//! Helpers for closing notes and the lessons search.

use super::TestApp;
use super::board::{create_objective, update, uuid};
use reqwest::{Client, StatusCode};
use serde_json::Value;

/// A closing note as the form sends it.
pub struct Note<'a> {
    pub score: &'a str,
    pub went_well: &'a str,
    pub went_badly: &'a str,
    pub lessons: &'a str,
    pub tags: &'a str,
}

pub const NOTE: Note<'static> = Note {
    score: "0.7",
    went_well: "The zebracorn pipeline shipped early",
    went_badly: "Quokkafail reviews were slow",
    lessons: "Marmoset pairing beats long documents",
    tags: "yakshave, Deploys",
};

pub async fn close(
    app: &TestApp,
    client: &Client,
    id: &str,
    note: &Note<'_>,
) -> (StatusCode, Value) {
    app.call_json(
        client,
        "close_objective",
        &[
            ("id", id),
            ("score", note.score),
            ("went_well", note.went_well),
            ("went_badly", note.went_badly),
            ("lessons", note.lessons),
            ("tags", note.tags),
        ],
    )
    .await
}

pub async fn edit(
    app: &TestApp,
    client: &Client,
    id: &str,
    version: &str,
    note: &Note<'_>,
) -> (StatusCode, Value) {
    app.call_json(
        client,
        "edit_closing_note",
        &[
            ("objective_id", id),
            ("version", version),
            ("score", note.score),
            ("went_well", note.went_well),
            ("went_badly", note.went_badly),
            ("lessons", note.lessons),
            ("tags", note.tags),
        ],
    )
    .await
}

/// Searches as the page does; `filters` are (name, value) pairs.
pub async fn search(app: &TestApp, client: &Client, q: &str, filters: &[(&str, &str)]) -> Value {
    let value = |name: &str| {
        filters
            .iter()
            .find(|(n, _)| *n == name)
            .map_or("", |(_, v)| *v)
    };
    let (status, body) = app
        .call_json(
            client,
            "search_lessons",
            &[
                ("q", q),
                ("cycle", value("cycle")),
                ("unit", value("unit")),
                ("tag", value("tag")),
                ("achieved", value("achieved")),
                ("page", value("page")),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{q}: {body}");
    body
}

/// The objective ids of a search's hits.
pub fn ids(results: &Value) -> Vec<String> {
    results["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["objective_id"].as_str().unwrap().to_owned())
        .collect()
}

/// An active objective of `unit` in `cycle`, created by the ambassador.
pub async fn active_objective(
    app: &TestApp,
    cycle: &str,
    n: u32,
    unit: &str,
    title: &str,
) -> String {
    let ambassador = app.signed_in(super::AMBASSADOR).await;
    let id = uuid(n);
    let (status, objective) = create_objective(app, &ambassador, cycle, &id, unit, title).await;
    assert_eq!(status, StatusCode::OK, "{objective}");
    let (_, objective) = update(app, &ambassador, &objective, "status", "proposed").await;
    let (status, objective) = update(app, &ambassador, &objective, "status", "active").await;
    assert_eq!(status, StatusCode::OK, "{objective}");
    id
}
