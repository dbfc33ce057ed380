//! The people who check in and the writers that send their check-ins: the
//! set-up through the app's own server functions, the closed loop of each
//! writer, and what each answer was.

use crate::people::{NewLead, create_lead, sign_in, sign_in_all};
use crate::{PEOPLE, PERSON_PASSWORD};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// A signed-in person and the key results they may check in on.
pub struct Person {
    pub client: reqwest::Client,
    /// (key result id, start value, target value)
    pub key_results: Vec<(String, f64, f64)>,
}

/// The demo's units with an active objective, and whose leads therefore may
/// check in on its key results.
const UNITS: [&str; 3] = ["Platform", "Support", "Engineering"];

/// [`PEOPLE`] new leads, spread over the [`UNITS`], created by the demo
/// ambassador through `create_person` and signed in.
pub async fn people(base: &str, database_url: &str) -> Vec<Person> {
    let pool = crate::process::reader(database_url).await;
    let mut units = Vec::new();
    for unit in UNITS {
        let id: i64 = sqlx::query_scalar("SELECT id FROM units WHERE name = $1")
            .bind(unit)
            .fetch_one(&pool)
            .await
            .unwrap();
        let key_results: Vec<(String, f64, f64)> = sqlx::query_as(
            "SELECT k.id, k.start_value, k.target_value FROM key_results k \
             JOIN objectives o ON o.id = k.objective_id \
             WHERE o.unit_id = $1 AND o.status = 'active' ORDER BY k.position",
        )
        .bind(id)
        .fetch_all(&pool)
        .await
        .unwrap();
        assert!(!key_results.is_empty(), "{unit} has no active key result");
        units.push((id, key_results));
    }
    pool.close().await;

    let ambassador = sign_in(base, "maya@northstar.demo", "northstar-demo").await;
    for i in 0..PEOPLE {
        let lead = NewLead {
            name: format!("Writer {i}"),
            email: format!("writer{i}@bench.northstar"),
            unit_id: units[i % units.len()].0,
            password: PERSON_PASSWORD.to_owned(),
        };
        create_lead(&ambassador, base, &lead).await;
    }
    let emails: Vec<String> = (0..PEOPLE)
        .map(|i| format!("writer{i}@bench.northstar"))
        .collect();
    sign_in_all(base, &emails, PERSON_PASSWORD)
        .await
        .into_iter()
        .enumerate()
        .map(|(i, client)| Person {
            client,
            key_results: units[i % units.len()].1.clone(),
        })
        .collect()
}

/// What one answer was.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Answer {
    Saved,
    /// 429: the person's write budget, not the database.
    Budget,
    /// Any other answer: its status and the start of its body, or the
    /// transport's error.
    Error(String),
}

/// One request as the writer saw it.
pub struct Sample {
    pub at: Instant,
    pub took: Duration,
    pub answer: Answer,
    /// The body named the database's trouble (a lock, a serialisation
    /// failure, a deadlock), whatever the status.
    pub database_words: bool,
}

/// Words a person must never see.
const DATABASE_WORDS: [&str; 3] = ["database is locked", "could not serialize", "deadlock"];

/// Writer `w` of `writers`: until `until`, one check-in after the other,
/// each by the next of its people (person `w`, `w + writers`, …) on the
/// next of that person's key results.
pub async fn write(
    people: std::sync::Arc<Vec<Person>>,
    base: String,
    w: usize,
    writers: usize,
    until: Instant,
) -> Vec<Sample> {
    let mine: Vec<&Person> = people.iter().skip(w).step_by(writers).collect();
    let mut samples = Vec::with_capacity(8192);
    let mut n = 0_usize;
    while Instant::now() < until {
        let person = mine[n % mine.len()];
        let turn = n / mine.len();
        let (key_result, start, target) = &person.key_results[turn % person.key_results.len()];
        // Somewhere between start and target: every check-in moves the number.
        let value = start + (target - start) * ((n % 10) as f64 / 10.0);
        let form = [
            ("id", format!("{w:08x}-0000-4000-8000-{n:012x}")),
            ("key_result_id", key_result.clone()),
            ("value", format!("{value:.1}")),
            ("confidence", format!("{}", 5 + n % 4)),
            ("progress", "Benchmark check-in".to_owned()),
            ("problems", String::new()),
            ("plans", "Keep going".to_owned()),
        ];
        let at = Instant::now();
        let sent = person
            .client
            .post(format!("{base}/api/save_check_in"))
            .header("accept", "application/json")
            .form(&form)
            .send()
            .await;
        let (answer, body) = match sent {
            Ok(response) => {
                let status = response.status().as_u16();
                let body = response.text().await.unwrap_or_default();
                let answer = match status {
                    200 => Answer::Saved,
                    429 => Answer::Budget,
                    other => Answer::Error(format!("{other} {}", shorten(&body))),
                };
                (answer, body)
            }
            Err(error) => (Answer::Error(format!("transport: {error}")), String::new()),
        };
        let lower = body.to_lowercase();
        samples.push(Sample {
            at,
            took: at.elapsed(),
            answer,
            database_words: DATABASE_WORDS.iter().any(|w| lower.contains(w)),
        });
        n += 1;
    }
    samples
}

/// The start of a body, on one line.
fn shorten(body: &str) -> String {
    let line: String = body.chars().take(80).collect();
    line.replace('\n', " ")
}

/// Errors by kind, most frequent first.
pub fn errors_by_kind(samples: &[&Sample]) -> Vec<(String, usize)> {
    let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
    for sample in samples {
        if let Answer::Error(kind) = &sample.answer {
            *kinds.entry(kind.clone()).or_default() += 1;
        }
    }
    let mut kinds: Vec<(String, usize)> = kinds.into_iter().collect();
    kinds.sort_by_key(|kind| std::cmp::Reverse(kind.1));
    kinds
}
