//! Closing notes and the lessons-learned database against a real SQLite
//! file: closing needs a note, every field is searchable, filters combine,
//! edits re-index at once and keep their history, and only the author and
//! the ambassador edit a note.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "helpers of tests fail the test loudly"
)]

use crate::common;

use common::board::{WEB_LEAD, WEB_MEMBER, update, uuid};
use common::checkins::{active_key_result, running_cycle};
use common::lessons::{NOTE, Note, active_objective, close, edit, ids, search};
use common::{AMBASSADOR, LEAD, MEMBER, TestApp, error_kind};
use reqwest::StatusCode;
use serde_json::Value;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closing_without_a_note_is_refused() {
    let app = TestApp::start().await;
    let cycle = running_cycle(&app).await;
    active_key_result(&app, &cycle, 1, MEMBER).await;
    let id = uuid(1);
    let priya = app.signed_in(MEMBER).await;
    let cases = [
        (
            Note {
                lessons: " ",
                ..NOTE
            },
            "lessons",
        ),
        (
            Note {
                went_well: "",
                went_badly: "",
                ..NOTE
            },
            "went_well",
        ),
        (
            Note {
                score: "1.3",
                ..NOTE
            },
            "score",
        ),
        (Note { score: "", ..NOTE }, "score"),
        (
            Note {
                tags: "a,b,c,d,e,f,g,h,i",
                ..NOTE
            },
            "tags",
        ),
    ];
    for (note, field) in cases {
        let (status, body) = close(&app, &priya, &id, &note).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{field}: {body}");
        assert_eq!(body["detail"]["field"], field, "{body}");
    }
    let long = "x".repeat(4001);
    let (status, body) = close(
        &app,
        &priya,
        &id,
        &Note {
            lessons: &long,
            ..NOTE
        },
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    // Nothing was half-written: still active, no note, nothing indexed.
    let status: String = sqlx::query_scalar("SELECT status FROM objectives WHERE id = $1")
        .bind(&id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(status, "active");
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM closing_notes WHERE objective_id = '{id}'"
        ))
        .await,
        0
    );
    // And the status cannot be set to closed around the note.
    let ambassador = app.signed_in(AMBASSADOR).await;
    let (_, objective) = app
        .call_json(&ambassador, "get_objective_view", &[("id", &id)])
        .await;
    let (status, _) = update(
        &app,
        &ambassador,
        &objective["objective"],
        "status",
        "closed",
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_closed_note_is_found_by_a_word_in_each_field() {
    let app = TestApp::start().await;
    let cycle = running_cycle(&app).await;
    active_key_result(&app, &cycle, 1, MEMBER).await;
    let id = uuid(1);
    let priya = app.signed_in(MEMBER).await;
    let (status, closed) = close(&app, &priya, &id, &NOTE).await;
    assert_eq!(status, StatusCode::OK, "{closed}");
    assert_eq!(closed["status"], "closed");
    assert_eq!(closed["score"], 0.7);
    // The board heard of it: the last event is the closed objective.
    let event: String = sqlx::query_scalar(
        "SELECT event FROM board_events WHERE cycle_id = $1 ORDER BY version DESC LIMIT 1",
    )
    .bind(cycle.parse::<i64>().unwrap())
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(event.contains("\"status\":\"closed\""), "{event}");

    // Title, went well, went badly, lessons, tags — and a prefix typed.
    for word in [
        "boring",
        "zebracorn",
        "quokkafail",
        "marmoset",
        "yakshave",
        "deploys",
        "zebrac",
    ] {
        let results = search(&app, &priya, word, &[]).await;
        assert_eq!(ids(&results), vec![id.clone()], "{word}: {results}");
        let hit = &results["hits"][0];
        let marked = |part: &Value| {
            part.as_array().unwrap().iter().any(|f| {
                f["hit"] == true && f["text"].as_str().unwrap().to_lowercase().starts_with(word)
            })
        };
        if word != "yakshave" && word != "deploys" {
            assert!(
                marked(&hit["title"]) || marked(&hit["snippet"]),
                "{word} highlighted: {hit}"
            );
        }
    }
    let lessons = search(&app, &priya, "marmoset", &[]).await;
    assert_eq!(lessons["hits"][0]["field"], "Lessons learned");
    assert_eq!(
        lessons["hits"][0]["tags"],
        serde_json::json!(["yakshave", "deploys"])
    );
    // Every word must match: one unknown word finds nothing.
    assert!(ids(&search(&app, &priya, "zebracorn unicornless", &[]).await).is_empty());
    // Nobody signed in searches nothing.
    let (status, body) = app
        .call_json(
            &app.client(),
            "search_lessons",
            &[
                ("q", "x"),
                ("cycle", ""),
                ("unit", ""),
                ("tag", ""),
                ("achieved", ""),
                ("page", ""),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert_eq!(error_kind(&body), "unauthenticated");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_queries_never_fail() {
    let app = TestApp::start().await;
    let priya = app.signed_in(MEMBER).await;
    for q in [
        "\"unbalanced",
        "NEAR(latency",
        "latency AND",
        "-latency",
        "*",
        "((( OR )))",
        "title: x",
        "{lessons}: onboarding",
        "lat^",
        &"onboarding ".repeat(100),
    ] {
        search(&app, &priya, q, &[]).await;
    }
    // Operators are words: as an operator, OR would find every note
    // about onboarding; as a word (with one no note has) it finds none.
    assert!(!ids(&search(&app, &priya, "onboarding", &[]).await).is_empty());
    let results = search(&app, &priya, "onboarding OR zqxjv", &[]).await;
    assert!(ids(&results).is_empty(), "{results}");
    // The demo's lessons: an empty search lists the most recent first.
    let recent = search(&app, &priya, "", &[]).await;
    assert_eq!(recent["searched"], false);
    assert_eq!(recent["hits"].as_array().unwrap().len(), 6);
    assert_eq!(
        recent["hits"][0]["title"][0]["text"],
        "Cut onboarding time for new engineers to one week"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn filters_combine() {
    let app = TestApp::start().await;
    let cycle = running_cycle(&app).await;
    let platform = active_objective(&app, &cycle, 1, "Platform", "Faster builds everywhere").await;
    let web = active_objective(&app, &cycle, 2, "Web", "Faster pages everywhere").await;
    let support = active_objective(&app, &cycle, 3, "Support", "Faster answers everywhere").await;
    let ambassador = app.signed_in(AMBASSADOR).await;
    let achieved = Note {
        score: "1.0",
        tags: "speed",
        ..NOTE
    };
    let missed = Note {
        score: "0.3",
        tags: "speed, tooling",
        ..NOTE
    };
    close(&app, &ambassador, &platform, &achieved).await;
    close(&app, &ambassador, &web, &missed).await;
    close(
        &app,
        &ambassador,
        &support,
        &Note {
            tags: "",
            ..achieved
        },
    )
    .await;

    let engineering = app.unit_id("Engineering").await.to_string();
    let platform_unit = app.unit_id("Platform").await.to_string();
    let q = "everywhere";
    let sorted = |mut v: Vec<String>| {
        v.sort();
        v
    };
    // A department includes its teams.
    assert_eq!(
        sorted(ids(&search(
            &app,
            &ambassador,
            q,
            &[("unit", &engineering)]
        )
        .await)),
        sorted(vec![platform.clone(), web.clone()])
    );
    assert_eq!(
        ids(&search(&app, &ambassador, q, &[("unit", &platform_unit)]).await),
        vec![platform.clone()]
    );
    assert_eq!(
        ids(&search(
            &app,
            &ambassador,
            q,
            &[("unit", &engineering), ("achieved", "yes")]
        )
        .await),
        vec![platform.clone()]
    );
    assert_eq!(
        ids(&search(&app, &ambassador, q, &[("achieved", "no")]).await),
        vec![web.clone()]
    );
    assert_eq!(
        ids(&search(&app, &ambassador, q, &[("tag", "tooling")]).await),
        vec![web.clone()]
    );
    assert_eq!(
        sorted(ids(&search(
            &app,
            &ambassador,
            q,
            &[("tag", "speed"), ("cycle", &cycle)]
        )
        .await)),
        sorted(vec![platform.clone(), web.clone()])
    );
    // The demo's earlier cycle has none of them.
    let demo_cycle: i64 = sqlx::query_scalar("SELECT MIN(id) FROM cycles")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(
        ids(&search(&app, &ambassador, q, &[("cycle", &demo_cycle.to_string())]).await).is_empty()
    );
    // Filters without words list the most recent matching notes.
    assert_eq!(
        ids(&search(
            &app,
            &ambassador,
            "",
            &[("cycle", &cycle), ("achieved", "yes")]
        )
        .await),
        vec![support, platform]
    );
    // A unit that does not exist matches nothing rather than everything.
    assert!(ids(&search(&app, &ambassador, q, &[("unit", "99999")]).await).is_empty());
    // Paging: one more than a page says there is a next page.
    let page = search(&app, &ambassador, "", &[]).await;
    assert_eq!(page["hits"].as_array().unwrap().len(), 9);
    assert_eq!(page["has_more"], false);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edited_note_is_found_by_its_new_words_and_keeps_its_history() {
    let app = TestApp::start().await;
    let cycle = running_cycle(&app).await;
    active_key_result(&app, &cycle, 1, MEMBER).await;
    let id = uuid(1);
    let priya = app.signed_in(MEMBER).await;
    close(&app, &priya, &id, &NOTE).await;
    let edited = Note {
        lessons: "Capybara retrospectives every fortnight",
        score: "0.9",
        ..NOTE
    };
    let (status, note) = edit(&app, &priya, &id, "1", &edited).await;
    assert_eq!(status, StatusCode::OK, "{note}");
    assert_eq!(note["version"], 2);
    assert_eq!(note["revisions"][0]["lessons"], NOTE.lessons);
    assert!(
        ids(&search(&app, &priya, "marmoset", &[]).await).is_empty(),
        "old words are gone"
    );
    assert_eq!(
        ids(&search(&app, &priya, "capybara", &[]).await),
        vec![id.clone()]
    );
    // A retried edit is applied once; a stale one is refused.
    let (status, again) = edit(&app, &priya, &id, "1", &edited).await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!(again["version"], 2);
    let (status, body) = edit(
        &app,
        &priya,
        &id,
        "1",
        &Note {
            lessons: "Other",
            ..NOTE
        },
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    // The objective page carries the note and its history.
    let (_, view) = app
        .call_json(&priya, "get_objective_view", &[("id", &id)])
        .await;
    assert_eq!(view["closing"]["version"], 2);
    assert_eq!(view["closing"]["revisions"].as_array().unwrap().len(), 1);
    // A note deleted in the database leaves the index at once (trigger).
    sqlx::query("DELETE FROM closing_notes WHERE objective_id = $1")
        .bind(&id)
        .execute(&app.pool)
        .await
        .unwrap();
    assert!(ids(&search(&app, &priya, "capybara", &[]).await).is_empty());
    assert_eq!(
        app.count("SELECT COUNT(*) FROM lesson_tags WHERE tag = 'yakshave'")
            .await,
        0
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_author_and_the_ambassador_edit_a_note() {
    let app = TestApp::start().await;
    let cycle = running_cycle(&app).await;
    active_key_result(&app, &cycle, 1, MEMBER).await;
    let id = uuid(1);
    let priya = app.signed_in(MEMBER).await;
    close(&app, &priya, &id, &NOTE).await;
    for (email, expected) in [
        (LEAD, StatusCode::FORBIDDEN),
        (WEB_MEMBER, StatusCode::FORBIDDEN),
        (WEB_LEAD, StatusCode::FORBIDDEN),
        (MEMBER, StatusCode::OK),
        (AMBASSADOR, StatusCode::OK),
    ] {
        let client = app.signed_in(email).await;
        let (_, view) = app
            .call_json(&client, "get_objective_view", &[("id", &id)])
            .await;
        let version = view["closing"]["version"].to_string();
        let lessons = format!("Edited by {email}");
        let (status, body) = edit(
            &app,
            &client,
            &id,
            &version,
            &Note {
                lessons: &lessons,
                ..NOTE
            },
        )
        .await;
        assert_eq!(status, expected, "{email}: {body}");
    }
    assert_eq!(
        app.count("SELECT COUNT(*) FROM closing_note_revisions")
            .await,
        2,
        "two edits, two earlier versions"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn who_may_close_and_a_retried_close() {
    let app = TestApp::start().await;
    let cycle = running_cycle(&app).await;
    active_key_result(&app, &cycle, 1, MEMBER).await;
    let id = uuid(1);
    // Another unit's people may not close Platform's objective.
    for email in [WEB_MEMBER, WEB_LEAD] {
        let client = app.signed_in(email).await;
        let (status, body) = close(&app, &client, &id, &NOTE).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{email}: {body}");
    }
    let priya = app.signed_in(MEMBER).await;
    let (first, _) = close(&app, &priya, &id, &NOTE).await;
    let (retried, body) = close(&app, &priya, &id, &NOTE).await;
    assert_eq!((first, retried), (StatusCode::OK, StatusCode::OK), "{body}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM closing_notes WHERE objective_id <> ''")
            .await,
        7
    );
    // Someone else closing it again is told who closed it.
    let jonas = app.signed_in(LEAD).await;
    let (status, body) = close(&app, &jonas, &id, &NOTE).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_retrospective_lists_open_objectives_and_related_lessons_follow_a_title() {
    let app = TestApp::start().await;
    let cycle = running_cycle(&app).await;
    let open = active_objective(&app, &cycle, 1, "Platform", "Stable releases").await;
    let closed = active_objective(&app, &cycle, 2, "Web", "Accessible forms").await;
    let ambassador = app.signed_in(AMBASSADOR).await;
    close(&app, &ambassador, &closed, &NOTE).await;
    let (status, retro) = app
        .call_json(
            &ambassador,
            "open_objectives_of_cycle",
            &[("cycle_id", &cycle)],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{retro}");
    assert_eq!(retro["closed"], 1, "{retro}");
    let groups = &retro["open"];
    assert_eq!(groups.as_array().unwrap().len(), 1, "{groups}");
    assert_eq!(groups[0]["unit"], "Engineering › Platform");
    assert_eq!(groups[0]["objectives"][0]["objective"]["id"], open.as_str());
    assert_eq!(groups[0]["objectives"][0]["may_close"], true);

    let (status, related) = app
        .call_json(
            &ambassador,
            "find_related_lessons",
            &[("text", "Reduce the API latency")],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{related}");
    assert!(
        related[0]["title"].to_string().contains("latency"),
        "{related}"
    );
    assert!(related.as_array().unwrap().len() <= 3);
}

/// A snippet is one field: it marks the words found there, whether or not
/// a filter is set and the other words are in other fields.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn snippets_mark_their_words_with_filters_and_words_across_fields() {
    let app = TestApp::start().await;
    let priya = app.signed_in(MEMBER).await;
    let marked = |hit: &Value| {
        hit["snippet"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["hit"] == true)
            .map(|f| f["text"].as_str().unwrap().to_lowercase())
            .collect::<Vec<_>>()
    };
    // "caching" is in what went well, "measure" in the lessons.
    for filters in [vec![], vec![("tag", "performance")]] {
        let results = search(&app, &priya, "caching measure", &filters).await;
        assert_eq!(ids(&results).len(), 1, "{filters:?}: {results}");
        let hit = &results["hits"][0];
        assert!(!marked(hit).is_empty(), "{filters:?}: {hit}");
    }
    let results = search(&app, &priya, "latency", &[("achieved", "yes")]).await;
    let hit = &results["hits"][0];
    assert_eq!(marked(hit), ["latency"], "{hit}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reindex_rebuilds_the_search_index() {
    // SQLite's index is a table of its own that can lose step with the
    // notes; PostgreSQL's is a generated column of the note, which cannot.
    let app = TestApp::start_on(app::sql::Backend::Sqlite, |_| {}).await;
    let priya = app.signed_in(MEMBER).await;
    sqlx::query("INSERT INTO lessons_fts (lessons_fts) VALUES ('delete-all')")
        .execute(&app.pool)
        .await
        .unwrap();
    assert!(ids(&search(&app, &priya, "latency", &[]).await).is_empty());
    let notes = app::lessons::ssr::reindex(&app.pool).await.unwrap();
    assert_eq!(notes, 6);
    assert_eq!(ids(&search(&app, &priya, "latency", &[]).await).len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_lessons_endpoint_needs_a_session() {
    let app = TestApp::start().await;
    let anonymous = app.client();
    let id = uuid(1);
    let calls: [(&str, Vec<(&str, &str)>); 6] = [
        (
            "close_objective",
            vec![
                ("id", id.as_str()),
                ("score", "1"),
                ("went_well", "x"),
                ("went_badly", ""),
                ("lessons", "y"),
                ("tags", ""),
            ],
        ),
        (
            "edit_closing_note",
            vec![
                ("objective_id", id.as_str()),
                ("version", "1"),
                ("score", "1"),
                ("went_well", "x"),
                ("went_badly", ""),
                ("lessons", "y"),
                ("tags", ""),
            ],
        ),
        (
            "search_lessons",
            vec![
                ("q", ""),
                ("cycle", ""),
                ("unit", ""),
                ("tag", ""),
                ("achieved", ""),
                ("page", ""),
            ],
        ),
        ("lesson_filters", vec![]),
        ("find_related_lessons", vec![("text", "latency")]),
        ("open_objectives_of_cycle", vec![("cycle_id", "1")]),
    ];
    for (endpoint, form) in calls {
        let (status, body) = app.call_json(&anonymous, endpoint, &form).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{endpoint}: {body}");
        assert_eq!(error_kind(&body), "unauthenticated", "{endpoint}");
    }
}
