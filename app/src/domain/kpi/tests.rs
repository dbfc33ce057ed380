use super::*;
use time::macros::date;

const REPLY_TIME: Thresholds = Thresholds {
    direction: Direction::LowerIsBetter,
    healthy: 4.0,
    critical: 12.0,
};
const CSAT: Thresholds = Thresholds {
    direction: Direction::HigherIsBetter,
    healthy: 90.0,
    critical: 75.0,
};

fn read(on: Date, value: f64) -> Reading {
    Reading { on, value }
}

#[test]
fn health_follows_the_direction_and_a_threshold_belongs_to_the_side_it_names() {
    assert_eq!(CSAT.health(95.0), Health::Healthy);
    assert_eq!(CSAT.health(90.0), Health::Healthy);
    assert_eq!(CSAT.health(89.9), Health::Warning);
    assert_eq!(CSAT.health(75.1), Health::Warning);
    assert_eq!(CSAT.health(75.0), Health::Critical);
    assert_eq!(CSAT.health(10.0), Health::Critical);
    assert_eq!(REPLY_TIME.health(2.0), Health::Healthy);
    assert_eq!(REPLY_TIME.health(4.0), Health::Healthy);
    assert_eq!(REPLY_TIME.health(8.0), Health::Warning);
    assert_eq!(REPLY_TIME.health(12.0), Health::Critical);
    assert_eq!(REPLY_TIME.health(30.0), Health::Critical);
}

#[test]
fn thresholds_must_point_the_way_of_the_direction() {
    assert_eq!(CSAT.check(), Ok(()));
    assert_eq!(REPLY_TIME.check(), Ok(()));
    let upside_down = Thresholds {
        healthy: 12.0,
        critical: 4.0,
        ..REPLY_TIME
    };
    assert_eq!(
        upside_down.check(),
        Err(ThresholdError::LowerNeedsHealthyBelow)
    );
    let equal = Thresholds {
        healthy: 75.0,
        ..CSAT
    };
    assert_eq!(equal.check(), Err(ThresholdError::HigherNeedsHealthyAbove));
    let nan = Thresholds {
        healthy: f64::NAN,
        ..CSAT
    };
    assert_eq!(nan.check(), Err(ThresholdError::NotFinite));
}

#[test]
fn a_kpi_is_flagged_when_critical_twice_warned_or_stale() {
    let made = date!(2026 - 10 - 01);
    let today = date!(2026 - 11 - 30);
    let weekly = |readings: &[Reading]| flag(&REPLY_TIME, Cadence::Weekly, readings, made, today);
    assert_eq!(weekly(&[read(date!(2026 - 11 - 29), 3.0)]), None);
    assert_eq!(
        weekly(&[read(date!(2026 - 11 - 29), 13.0)]),
        Some(Flag::Critical)
    );
    // One warning is a warning, not yet a flag; two in a row are.
    assert_eq!(
        weekly(&[
            read(date!(2026 - 11 - 22), 3.0),
            read(date!(2026 - 11 - 29), 6.0)
        ]),
        None
    );
    assert_eq!(
        weekly(&[
            read(date!(2026 - 11 - 22), 6.0),
            read(date!(2026 - 11 - 29), 6.0)
        ]),
        Some(Flag::WarningTwice)
    );
    // Critical then warning: still not healthy twice in a row.
    assert_eq!(
        weekly(&[
            read(date!(2026 - 11 - 22), 20.0),
            read(date!(2026 - 11 - 29), 6.0)
        ]),
        Some(Flag::WarningTwice)
    );
    // Stale: more than twice the cadence since the last reading…
    assert_eq!(weekly(&[read(date!(2026 - 11 - 16), 3.0)]), None, "14 days");
    assert_eq!(
        weekly(&[read(date!(2026 - 11 - 15), 3.0)]),
        Some(Flag::Stale),
        "15 days"
    );
    // …or since the KPI was made, when it has never been read.
    assert_eq!(weekly(&[]), Some(Flag::Stale));
    assert_eq!(
        flag(
            &REPLY_TIME,
            Cadence::Weekly,
            &[],
            date!(2026 - 11 - 20),
            today
        ),
        None
    );
    let monthly = flag(
        &CSAT,
        Cadence::Monthly,
        &[read(date!(2026 - 10 - 01), 95.0)],
        made,
        today,
    );
    assert_eq!(monthly, None, "60 days is within two months");
    assert_eq!(
        flag(
            &CSAT,
            Cadence::Daily,
            &[read(date!(2026 - 11 - 27), 95.0)],
            made,
            today
        ),
        Some(Flag::Stale)
    );
}

#[test]
fn a_healthy_reading_after_a_health_flag_is_a_recovery_and_after_silence_is_not() {
    let critical = [read(date!(2026 - 11 - 22), 14.0)];
    assert!(recovers(
        &REPLY_TIME,
        &critical,
        read(date!(2026 - 11 - 29), 3.5)
    ));
    assert!(
        !recovers(&REPLY_TIME, &critical, read(date!(2026 - 11 - 29), 5.0)),
        "only a warning"
    );
    let warned = [
        read(date!(2026 - 11 - 15), 6.0),
        read(date!(2026 - 11 - 22), 7.0),
    ];
    assert!(recovers(
        &REPLY_TIME,
        &warned,
        read(date!(2026 - 11 - 29), 4.0)
    ));
    let once = [
        read(date!(2026 - 11 - 15), 3.0),
        read(date!(2026 - 11 - 22), 7.0),
    ];
    assert!(
        !recovers(&REPLY_TIME, &once, read(date!(2026 - 11 - 29), 4.0)),
        "one warning was no flag"
    );
    assert!(!recovers(
        &REPLY_TIME,
        &[],
        read(date!(2026 - 11 - 29), 3.0)
    ));
    // A reading for an earlier day does not count readings after it.
    let later = [read(date!(2026 - 11 - 29), 14.0)];
    assert!(!recovers(
        &REPLY_TIME,
        &later,
        read(date!(2026 - 11 - 22), 3.0)
    ));
}

#[test]
fn pasted_readings_are_taken_whole_or_not_at_all_with_errors_by_line() {
    let pasted = "date,value\n2026-11-02,12.5\n\n2026-11-09;9,5\n2026-11-16\t8\n";
    assert_eq!(
        parse_csv(pasted),
        Ok(vec![
            read(date!(2026 - 11 - 02), 12.5),
            read(date!(2026 - 11 - 09), 9.5),
            read(date!(2026 - 11 - 16), 8.0),
        ])
    );
    // Decimal comma after a comma separator.
    assert_eq!(
        parse_csv("2026-11-02,12,5"),
        Ok(vec![read(date!(2026 - 11 - 02), 12.5)])
    );
    let bad = "2026-11-02,12\n2026-13-01,3\n2026-11-09,many\n2026-11-02,4\njust text";
    let errors = parse_csv(bad).unwrap_err();
    let lines: Vec<usize> = errors.iter().map(|e| e.line).collect();
    assert_eq!(lines, [2, 3, 4, 5]);
    assert_eq!(
        errors[0].message,
        "“2026-13-01” is not a date (YYYY-MM-DD)."
    );
    assert_eq!(errors[1].message, "“many” is not a number.");
    assert_eq!(
        errors[2].message,
        "2026-11-02 is already on line 1: one reading per date."
    );
    // A header is only skipped on the first line.
    assert!(parse_csv("2026-11-02,1\ndate,value").is_err());
    let too_many = "2026-11-02,1\n".repeat(MAX_CSV_LINES + 1);
    assert_eq!(parse_csv(&too_many).unwrap_err()[0].line, MAX_CSV_LINES + 1);
}

#[test]
fn the_objective_from_a_flagged_kpi_aims_at_healthy_from_where_it_is() {
    let readings = [
        read(date!(2026 - 11 - 15), 7.0),
        read(date!(2026 - 11 - 22), 9.0),
        read(date!(2026 - 11 - 29), 13.0),
    ];
    let draft = objective_from(
        "Average reply time",
        "h",
        &REPLY_TIME,
        &readings,
        Flag::Critical,
    );
    assert_eq!(draft.title, "Bring average reply time back to healthy");
    assert_eq!(
        draft.why_important,
        "Average reply time is critical (2026-11-15: 7 h, 2026-11-22: 9 h, 2026-11-29: 13 h); healthy is 4 h."
    );
    assert_eq!(draft.key_result_title, "Average reply time at 4 h");
    assert_eq!((draft.start, draft.target), (13.0, 4.0));
    let csat = objective_from("CSAT", "%", &CSAT, &[], Flag::Stale);
    assert_eq!(csat.title, "Bring CSAT back to healthy");
    assert!(csat.why_important.contains("no reading for too long"));
    assert_eq!((csat.start, csat.target), (75.0, 90.0));
}
