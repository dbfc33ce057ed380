use super::*;
use crate::domain::okr::MetricKind;
use time::macros::date;

/// Q3 2026: execution from Wednesday 15 July to Tuesday 22 September
/// (70 days), retrospective from 23 September.
fn q3() -> Calendar {
    Calendar {
        start: date!(2026 - 07 - 01),
        end: date!(2026 - 09 - 30),
        planning_days: 14,
        retro_days: 8,
    }
}

fn kr(current: f64, check_ins: &[(Date, f64, u8)]) -> TrackedKeyResult {
    TrackedKeyResult {
        measure: Measure {
            metric: MetricKind::Number,
            start: 0.0,
            target: 100.0,
            current,
        },
        created_on: date!(2026 - 07 - 02),
        check_ins: check_ins
            .iter()
            .map(|&(on, value, confidence)| CheckInPoint {
                on,
                value,
                confidence,
            })
            .collect(),
    }
}

fn active(key_results: Vec<TrackedKeyResult>) -> TrackedObjective {
    TrackedObjective {
        status: Status::Active,
        key_results,
    }
}

fn unit(id: i64, name: &str, objectives: Vec<TrackedObjective>) -> UnitOkrs {
    UnitOkrs {
        unit_id: id,
        name: name.into(),
        objectives,
    }
}

#[test]
fn expected_progress_is_a_straight_line_through_execution() {
    let cycle = q3();
    let cases = [
        (date!(2026 - 07 - 01), 0.0),
        (date!(2026 - 07 - 15), 0.0),
        (date!(2026 - 07 - 22), 0.1),
        (date!(2026 - 08 - 19), 0.5),
        (date!(2026 - 09 - 22), 69.0 / 70.0),
        (date!(2026 - 09 - 23), 1.0),
        (date!(2026 - 12 - 01), 1.0),
    ];
    for (today, expected) in cases {
        let got = expected_progress(&cycle, today);
        assert!(
            (got - expected).abs() < 1e-9,
            "{today}: {got} != {expected}"
        );
    }
    let no_retro = Calendar {
        planning_days: 0,
        retro_days: 0,
        ..cycle
    };
    // 92 days, the last of them still part of execution.
    assert!(expected_progress(&no_retro, date!(2026 - 09 - 30)) < 1.0);
    assert_eq!(expected_progress(&no_retro, date!(2026 - 10 - 01)), 1.0);
}

#[test]
fn units_rank_by_progress_against_the_expected_line() {
    // Halfway through execution: 50% is on track.
    let today = date!(2026 - 08 - 19);
    let units = [
        unit(1, "Behind", vec![active(vec![kr(30.0, &[])])]),
        unit(2, "Ahead", vec![active(vec![kr(70.0, &[])])]),
        unit(
            3,
            "On track",
            vec![active(vec![kr(40.0, &[]), kr(60.0, &[])])],
        ),
    ];
    let standings = rank(&q3(), today, &units);
    assert!((standings.expected - 0.5).abs() < 1e-9);
    let order: Vec<(&str, u32)> = standings
        .rows
        .iter()
        .map(|s| (s.name.as_str(), s.rank))
        .collect();
    assert_eq!(order, [("Ahead", 1), ("On track", 2), ("Behind", 3)]);
    let ahead = &standings.rows[0];
    assert!((ahead.pace - 0.2).abs() < 1e-9);
    assert!((standings.rows[2].pace + 0.2).abs() < 1e-9);
}

#[test]
fn an_objectives_mean_counts_once_per_objective() {
    let today = date!(2026 - 08 - 19);
    // Two objectives: one at 100% with one key result, one at 0% with three.
    let units = [unit(
        1,
        "Platform",
        vec![
            active(vec![kr(100.0, &[])]),
            active(vec![kr(0.0, &[]), kr(0.0, &[]), kr(0.0, &[])]),
        ],
    )];
    let standings = rank(&q3(), today, &units);
    assert!((standings.rows[0].progress - 0.5).abs() < 1e-9);
    assert_eq!(standings.rows[0].objectives, 2);
    assert_eq!(standings.rows[0].key_results, 4);
}

#[test]
fn level_units_share_a_rank_and_discipline_breaks_ties() {
    let today = date!(2026 - 08 - 19);
    let checked = [(date!(2026 - 08 - 18), 50.0, 7)];
    let units = [
        unit(1, "B lazy", vec![active(vec![kr(50.0, &[])])]),
        unit(2, "A diligent", vec![active(vec![kr(50.0, &checked)])]),
        unit(3, "C lazy", vec![active(vec![kr(50.0, &[])])]),
    ];
    let rows = rank(&q3(), today, &units).rows;
    let order: Vec<(&str, u32)> = rows.iter().map(|s| (s.name.as_str(), s.rank)).collect();
    assert_eq!(order, [("A diligent", 1), ("B lazy", 2), ("C lazy", 2)]);
}

#[test]
fn units_without_active_or_closed_objectives_are_not_ranked() {
    let today = date!(2026 - 08 - 19);
    let draft = TrackedObjective {
        status: Status::Draft,
        key_results: vec![kr(90.0, &[])],
    };
    let closed = TrackedObjective {
        status: Status::Closed,
        key_results: vec![kr(80.0, &[])],
    };
    let units = [
        unit(1, "Drafting", vec![draft.clone()]),
        unit(2, "Done", vec![closed, draft]),
    ];
    let rows = rank(&q3(), today, &units).rows;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].name, "Done");
    // The draft does not drag the closed objective's 80% down.
    assert!((rows[0].progress - 0.8).abs() < 1e-9);
}

#[test]
fn discipline_is_the_share_checked_in_during_the_last_seven_days() {
    let today = date!(2026 - 08 - 19);
    let units = [unit(
        1,
        "Platform",
        vec![active(vec![
            kr(10.0, &[(date!(2026 - 08 - 13), 10.0, 6)]),
            kr(10.0, &[(date!(2026 - 08 - 11), 10.0, 6)]),
            kr(10.0, &[(date!(2026 - 08 - 19), 10.0, 6)]),
            kr(0.0, &[]),
        ])],
    )];
    let row = &rank(&q3(), today, &units).rows[0];
    assert_eq!((row.checked_in, row.key_results), (2, 4));
    assert!((row.discipline() - 0.5).abs() < 1e-9);
    // 11 August is eight days ago; that key result and the silent one are overdue.
    assert_eq!(row.overdue, 1 + 1);
}

#[test]
fn confidence_trend_compares_this_weeks_latest_with_last_weeks() {
    let today = date!(2026 - 08 - 19);
    let units = [unit(
        1,
        "Platform",
        vec![active(vec![
            kr(
                30.0,
                &[
                    (date!(2026 - 08 - 10), 20.0, 4),
                    (date!(2026 - 08 - 14), 25.0, 5),
                    (date!(2026 - 08 - 18), 30.0, 8),
                ],
            ),
            kr(10.0, &[(date!(2026 - 08 - 11), 10.0, 6)]),
        ])],
    )];
    let row = &rank(&q3(), today, &units).rows[0];
    // This week: the first key result's latest (8). Last week: 4 and 6.
    assert_eq!(row.confidence, Some(8.0));
    assert_eq!(row.confidence_last_week, Some(5.0));
    let quiet = [unit(2, "Quiet", vec![active(vec![kr(0.0, &[])])])];
    let row = &rank(&q3(), today, &quiet).rows[0];
    assert_eq!((row.confidence, row.confidence_last_week), (None, None));
}

#[test]
fn weekly_gain_and_its_celebration() {
    let today = date!(2026 - 08 - 19);
    let units = [
        unit(
            1,
            "Steady",
            vec![active(vec![kr(
                40.0,
                &[
                    (date!(2026 - 08 - 05), 30.0, 7),
                    (date!(2026 - 08 - 15), 40.0, 7),
                ],
            )])],
        ),
        unit(
            2,
            "Sprinting",
            vec![active(vec![kr(
                60.0,
                &[
                    (date!(2026 - 08 - 11), 20.0, 7),
                    (date!(2026 - 08 - 18), 60.0, 8),
                ],
            )])],
        ),
        unit(3, "Silent", vec![active(vec![kr(90.0, &[])])]),
    ];
    let standings = rank(&q3(), today, &units);
    let gain = |name: &str| {
        standings
            .rows
            .iter()
            .find(|s| s.name == name)
            .map(|s| s.gain)
            .unwrap()
    };
    assert!((gain("Steady") - 0.1).abs() < 1e-9);
    assert!((gain("Sprinting") - 0.4).abs() < 1e-9);
    // Progress set on the board without check-ins is not a weekly gain.
    assert_eq!(gain("Silent"), 0.0);
    let best = standings.biggest_gain.unwrap();
    assert_eq!(best.name, "Sprinting");
    assert!((best.amount - 0.4).abs() < 1e-9);
}

#[test]
fn nobody_is_celebrated_for_nothing() {
    let today = date!(2026 - 08 - 19);
    let units = [unit(1, "Silent", vec![active(vec![kr(0.0, &[])])])];
    let standings = rank(&q3(), today, &units);
    assert_eq!(standings.biggest_gain, None);
    assert_eq!(standings.longest_streak, None);
}

#[test]
fn streaks_count_complete_calendar_weeks() {
    let cycle = q3();
    // Wednesday 19 August; weeks begin on Mondays 17, 10, 3 August, 27 July…
    let today = date!(2026 - 08 - 19);
    let a = kr(
        0.0,
        &[
            (date!(2026 - 07 - 28), 1.0, 5),
            (date!(2026 - 08 - 04), 2.0, 5),
            (date!(2026 - 08 - 10), 3.0, 5),
        ],
    );
    let b = kr(
        0.0,
        &[
            (date!(2026 - 07 - 31), 1.0, 5),
            (date!(2026 - 08 - 09), 2.0, 5),
            (date!(2026 - 08 - 16), 3.0, 5),
        ],
    );
    // Week of 10 Aug: a (10th) and b (16th); week of 3 Aug: a (4th), b (9th);
    // week of 27 July: a (28th), b (31st). This week is still open.
    assert_eq!(streak(&cycle, today, &[&a, &b]), 3);
    // Once this week is complete it counts too.
    let mut a2 = a.clone();
    let mut b2 = b.clone();
    for kr in [&mut a2, &mut b2] {
        kr.check_ins.push(CheckInPoint {
            on: today,
            value: 4.0,
            confidence: 5,
        });
    }
    assert_eq!(streak(&cycle, today, &[&a2, &b2]), 4);
    // A week where one key result was forgotten ends the streak.
    let c = kr(0.0, &[(date!(2026 - 08 - 11), 1.0, 5)]);
    assert_eq!(streak(&cycle, today, &[&a, &b, &c]), 1);
    // A key result added later is not owed check-ins before it existed.
    let late = TrackedKeyResult {
        created_on: date!(2026 - 08 - 10),
        ..c
    };
    assert_eq!(streak(&cycle, today, &[&a, &b, &late]), 3);
    // Nothing to check in is no streak.
    assert_eq!(streak(&cycle, today, &[]), 0);
}

#[test]
fn streaks_stop_at_the_start_of_execution() {
    let cycle = q3();
    let every_day: Vec<(Date, f64, u8)> = (0..60)
        .map(|d| (date!(2026 - 07 - 01) + Duration::days(d), 1.0, 5))
        .collect();
    let busy = kr(0.0, &every_day);
    // Execution begins in the week of Monday 13 July; on Sunday 23 August
    // that is weeks 13 Jul, 20 Jul, 27 Jul, 3 Aug, 10 Aug, 17 Aug.
    assert_eq!(streak(&cycle, date!(2026 - 08 - 23), &[&busy]), 6);
}
