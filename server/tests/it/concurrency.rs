//! The rules that hold because writers take turns, tested with writers
//! that do not wait for one another: on SQLite (one writer per file) and
//! on PostgreSQL (one advisory write lock across instances), whichever the
//! suite runs on. Each race is run several times; without the write lock
//! they interleave and the rule breaks within a few rounds.

use crate::common::board::{create_objective, new_cycle, update, uuid};
use crate::common::checkins::{active_key_result, check_in, running_cycle};
use crate::common::{AMBASSADOR, LEAD, MEMBER, TestApp};
use futures::future::join_all;
use reqwest::StatusCode;

const ROUNDS: usize = 5;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_ambassadors_stepping_down_at_once_leave_one() {
    let app = TestApp::start().await;
    let maya = app.signed_in(AMBASSADOR).await;
    let jonas = app.signed_in(LEAD).await;
    let ids = [
        app.person_id(AMBASSADOR).await.to_string(),
        app.person_id(LEAD).await.to_string(),
    ];
    let active_ambassadors =
        "SELECT COUNT(*) FROM people WHERE role = 'ambassador' AND active = TRUE";
    for round in 0..ROUNDS {
        // Both are ambassadors again (whoever stayed promotes the other).
        for id in &ids {
            for client in [&maya, &jonas] {
                let _ = app
                    .call_json(
                        client,
                        "change_role",
                        &[("person_id", id), ("role", "ambassador")],
                    )
                    .await;
            }
        }
        assert_eq!(app.count(active_ambassadors).await, 2, "round {round}");
        // Each steps down at the same moment.
        let forms = ids
            .each_ref()
            .map(|me| [("person_id", me.as_str()), ("role", "lead")]);
        let answers = join_all(
            [&maya, &jonas]
                .into_iter()
                .zip(&forms)
                .map(|(client, form)| app.call_json(client, "change_role", form)),
        )
        .await;
        let statuses: Vec<StatusCode> = answers.iter().map(|(status, _)| *status).collect();
        assert_eq!(
            statuses.iter().filter(|s| **s == StatusCode::OK).count(),
            1,
            "round {round}: {answers:?}"
        );
        assert!(statuses.contains(&StatusCode::CONFLICT), "{answers:?}");
        assert_eq!(app.count(active_ambassadors).await, 1, "round {round}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn of_simultaneous_edits_to_one_version_one_wins() {
    let app = TestApp::start().await;
    let cycle = new_cycle(&app).await;
    let people = [
        app.signed_in(AMBASSADOR).await,
        app.signed_in(LEAD).await,
        app.signed_in(MEMBER).await,
    ];
    let (status, mut objective) = create_objective(
        &app,
        &people[2],
        &cycle,
        &uuid(1),
        "Platform",
        "Deploys are boring",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{objective}");
    for round in 0..ROUNDS {
        // Nine edits of the title, all made on the same version.
        let edits = (0..9).map(|n| {
            let title = format!("Title {round}.{n}");
            let client = &people[n % people.len()];
            let objective = objective.clone();
            let app = &app;
            async move { update(app, client, &objective, "title", &title).await }
        });
        let answers = join_all(edits).await;
        let saved: Vec<_> = answers
            .iter()
            .filter(|(status, _)| *status == StatusCode::OK)
            .collect();
        assert_eq!(saved.len(), 1, "round {round}: {answers:?}");
        assert!(
            answers
                .iter()
                .all(|(status, _)| [StatusCode::OK, StatusCode::CONFLICT].contains(status)),
            "{answers:?}"
        );
        objective = saved[0].1.clone();
        // The version moved by one, and the title is the winner's.
        let stored = app
            .count(&format!(
                "SELECT version FROM objectives WHERE id = '{}'",
                uuid(1)
            ))
            .await;
        assert_eq!(stored, objective["version"].as_i64().unwrap());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_create_or_check_in_sent_many_times_at_once_is_stored_once() {
    // Eighty writes of one person in a second: more than a person's write
    // budget allows (which is tested on its own).
    let app = TestApp::start_with(|config| {
        config.write_budget = app::rate::Budget {
            burst: 1000,
            refill: std::time::Duration::from_millis(1),
        };
    })
    .await;
    let cycle = new_cycle(&app).await;
    let priya = app.signed_in(MEMBER).await;
    for round in 0..ROUNDS as u32 {
        let id = uuid(100 + round);
        let creates = (0..8)
            .map(|_| create_objective(&app, &priya, &cycle, &id, "Platform", "Deploys are boring"));
        let answers = join_all(creates).await;
        assert!(
            answers.iter().all(|answer| answer == &answers[0]),
            "every retry answers with the one objective: {answers:?}"
        );
        assert_eq!(answers[0].0, StatusCode::OK);
        let count = format!("SELECT COUNT(*) FROM objectives WHERE id = '{id}'");
        assert_eq!(app.count(&count).await, 1);
    }

    let running = running_cycle(&app).await;
    let kr = active_key_result(&app, &running, 1, MEMBER).await;
    for round in 0..ROUNDS as u32 {
        let id = uuid(200 + round);
        let value = (40 + round).to_string();
        let answers = join_all((0..8).map(|_| check_in(&app, &priya, &id, &kr, &value, "7"))).await;
        assert!(
            answers.iter().all(|(status, _)| *status == StatusCode::OK),
            "{answers:?}"
        );
        let count = format!("SELECT COUNT(*) FROM check_ins WHERE id = '{id}'");
        assert_eq!(app.count(&count).await, 1, "round {round}");
    }
}
