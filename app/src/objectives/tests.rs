//! Unit tests of the objectives model, and fixtures other tests use.

use super::*;

#[test]
fn client_ids_look_like_uuid_v4() {
    let a = new_client_id();
    let b = new_client_id();
    assert_ne!(a, b);
    assert_eq!(a.len(), 36);
    assert_eq!(&a[14..15], "4");
    assert!(matches!(&a[19..20], "8" | "9" | "a" | "b"));
}

/// An active committed objective `id` of `unit`, titled "Title {id}",
/// with no key results and no links: a fixture for tests of what shows objectives.
pub(crate) fn objective(id: &str, unit: i64) -> Objective {
    Objective {
        id: id.to_owned(),
        cycle_id: 1,
        unit_id: unit,
        shared_unit_ids: Vec::new(),
        invited_unit_ids: Vec::new(),
        commitments: Vec::new(),
        decision_owner_id: None,
        supports: Vec::new(),
        title: format!("Title {id}"),
        description: String::new(),
        why_important: String::new(),
        why_urgent: String::new(),
        kind: ObjectiveKind::Committed,
        status: Status::Active,
        version: 1,
        updated_by: "Maya".into(),
        score: None,
        created_on: "2026-07-01".into(),
        no_retro_reason: None,
        no_retro_by: None,
        carried_from: None,
        key_results: Vec::new(),
    }
}

fn key_result(current: f64, fallback: Option<Fallback>, ready: bool) -> KeyResult {
    KeyResult {
        id: "kr".into(),
        objective_id: "o".into(),
        title: "Churn".into(),
        metric: MetricKind::Number,
        unit_label: String::new(),
        start: 0.0,
        target: 10.0,
        current,
        owner_id: 1,
        readiness: Readiness {
            source_identified: ready,
            baseline_known: ready,
            data_owner: ready,
            update_frequency: ready,
            reliable: ready,
        },
        fallback,
        proxy_name: String::new(),
        version: 1,
        created_on: "2026-07-01".into(),
        last_check_in: None,
    }
}

#[test]
fn a_delayed_key_result_counts_in_nothing_until_its_data_exists() {
    let delayed = key_result(0.0, Some(Fallback::Delay), false);
    let proxy = key_result(0.0, Some(Fallback::Proxy), false);
    let measured = key_result(8.0, None, true);
    assert!(delayed.is_delayed());
    assert!(!proxy.is_delayed() && !measured.is_delayed());
    // Data-ready now: it counts again, whatever its old fallback said.
    assert!(!key_result(0.0, Some(Fallback::Delay), true).is_delayed());
    let cycle = Cycle {
        id: 1,
        name: "Q3".into(),
        start: "2026-07-01".into(),
        end: "2026-09-30".into(),
        planning_days: 14,
        retro_days: 7,
        phase: crate::domain::cycles::Phase::Execution,
        days_left: 20,
        completed: None,
    };
    assert!(!delayed.is_overdue(&cycle, Status::Active, "2026-09-01"));
    assert!(measured.is_overdue(&cycle, Status::Active, "2026-09-01"));
    // The objective's progress is its counted key results' mean: 80%,
    // not 40% dragged down by a number nobody can measure yet.
    let mut objective = objective("o", 1);
    objective.key_results = vec![delayed, measured];
    assert!((objective.progress() - 0.8).abs() < 1e-9);
}
