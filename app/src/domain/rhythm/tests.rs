use super::coaching::{Cue, Said, dropped_this_week, falling_from, questions};
use super::*;
use time::macros::date;

fn q3() -> Calendar {
    Calendar {
        start: date!(2026 - 07 - 01), // a Wednesday
        end: date!(2026 - 09 - 30),
        planning_days: 14,
        retro_days: 7,
    }
}

#[test]
fn weekly_meetings_fall_on_their_weekday_inside_the_cycle() {
    let mondays = occurrences(Frequency::Weekly, 1, &q3());
    assert_eq!(mondays.first(), Some(&date!(2026 - 07 - 06)));
    assert_eq!(mondays.last(), Some(&date!(2026 - 09 - 28)));
    assert_eq!(mondays.len(), 13);
    assert!(mondays.iter().all(|d| d.weekday() == Weekday::Monday));
    // The cycle starts on a Wednesday: that Wednesday is the first.
    let wednesdays = occurrences(Frequency::Fortnightly, 3, &q3());
    assert_eq!(wednesdays[0], date!(2026 - 07 - 01));
    assert_eq!(wednesdays[1], date!(2026 - 07 - 15));
    assert_eq!(wednesdays.len(), 7);
}

#[test]
fn monthly_meetings_take_each_months_first_weekday_from_the_cycle_start() {
    // First Friday of July, August and September 2026.
    assert_eq!(
        occurrences(Frequency::Monthly, 5, &q3()),
        vec![
            date!(2026 - 07 - 03),
            date!(2026 - 08 - 07),
            date!(2026 - 09 - 04)
        ]
    );
    // A cycle starting mid-month skips that month's first Monday, which came before it.
    let late = Calendar {
        start: date!(2026 - 07 - 15),
        ..q3()
    };
    assert_eq!(
        occurrences(Frequency::Monthly, 1, &late)[0],
        date!(2026 - 08 - 03)
    );
    // Across a new year.
    let winter = Calendar {
        start: date!(2026 - 11 - 01),
        end: date!(2027 - 01 - 31),
        planning_days: 14,
        retro_days: 7,
    };
    assert_eq!(
        occurrences(Frequency::Monthly, 1, &winter),
        vec![
            date!(2026 - 11 - 02),
            date!(2026 - 12 - 07),
            date!(2027 - 01 - 04)
        ]
    );
}

#[test]
fn once_meetings_fall_in_their_window() {
    assert_eq!(
        occurrences(Frequency::Planning, 2, &q3()),
        vec![date!(2026 - 07 - 07)]
    );
    // The retrospective window starts on 24 September, a Thursday.
    assert_eq!(
        occurrences(Frequency::Retrospective, 4, &q3()),
        vec![date!(2026 - 09 - 24)]
    );
    // A Sunday after the last day does not happen at all.
    let short = Calendar {
        end: date!(2026 - 09 - 26),
        retro_days: 1,
        ..q3()
    };
    assert_eq!(occurrences(Frequency::Retrospective, 7, &short), vec![]);
}

#[test]
fn the_next_meeting_is_today_or_later_and_notes_belong_to_the_last_one() {
    let calendar = q3();
    let today = date!(2026 - 07 - 14); // a Tuesday
    assert_eq!(
        next_occurrence(Frequency::Weekly, 1, &calendar, today),
        Some(date!(2026 - 07 - 20))
    );
    assert_eq!(
        next_occurrence(Frequency::Weekly, 2, &calendar, today),
        Some(today)
    );
    assert_eq!(
        next_occurrence(Frequency::Weekly, 1, &calendar, date!(2026 - 10 - 01)),
        None
    );
    let mondays = occurrences(Frequency::Weekly, 1, &calendar);
    assert_eq!(meeting_day(&mondays, today), Some(date!(2026 - 07 - 13)));
    assert_eq!(
        meeting_day(&mondays, date!(2026 - 07 - 13)),
        Some(date!(2026 - 07 - 13))
    );
    // Before the first meeting, notes prepare the first one.
    assert_eq!(
        meeting_day(&mondays, date!(2026 - 07 - 02)),
        Some(date!(2026 - 07 - 06))
    );
    assert_eq!(meeting_day(&[], today), None);
}

#[test]
fn agenda_keys_round_trip_and_refuse_anything_else() {
    for key in [
        AgendaKey::Weekly(5),
        AgendaKey::OneOnOne(3),
        AgendaKey::Review(None),
        AgendaKey::Review(Some(2)),
    ] {
        assert_eq!(key.to_string().parse::<AgendaKey>(), Ok(key));
    }
    for bad in [
        "",
        "weekly",
        "weekly:x",
        "review:",
        "other:1",
        "one-on-one:org",
    ] {
        assert!(bad.parse::<AgendaKey>().is_err(), "{bad}");
    }
}

#[test]
fn each_meeting_opens_the_agenda_of_its_level() {
    use MeetingKind::*;
    let open = |kind, level, unit| agenda_for(kind, level, unit, 9);
    assert_eq!(
        open(TeamWeekly, Level::Team, Some(4)),
        Some(AgendaKey::Weekly(4))
    );
    assert_eq!(open(TeamWeekly, Level::Team, None), None);
    assert_eq!(
        open(OneOnOne, Level::Person, Some(4)),
        Some(AgendaKey::OneOnOne(9))
    );
    assert_eq!(
        open(AllHands, Level::Organisation, None),
        Some(AgendaKey::Review(None))
    );
    assert_eq!(
        open(DepartmentReview, Level::Department, Some(2)),
        Some(AgendaKey::Review(Some(2)))
    );
    assert_eq!(
        open(Custom, Level::Team, Some(4)),
        Some(AgendaKey::Weekly(4))
    );
    assert_eq!(
        open(Custom, Level::Person, None),
        Some(AgendaKey::OneOnOne(9))
    );
    assert_eq!(open(PlanningWorkshop, Level::Organisation, None), None);
    assert_eq!(open(Retrospective, Level::Team, Some(4)), None);
}

#[test]
fn meetings_bring_their_points_to_their_own_agenda_only() {
    use MeetingKind::*;
    assert!(feeds(TeamWeekly, Level::Team, AgendaKey::Weekly(4)));
    assert!(feeds(Custom, Level::Team, AgendaKey::Weekly(4)));
    assert!(!feeds(OneOnOne, Level::Person, AgendaKey::Weekly(4)));
    assert!(feeds(OneOnOne, Level::Person, AgendaKey::OneOnOne(3)));
    assert!(feeds(
        AllHands,
        Level::Organisation,
        AgendaKey::Review(None)
    ));
    assert!(!feeds(
        AllHands,
        Level::Organisation,
        AgendaKey::Review(Some(2))
    ));
    assert!(feeds(
        DepartmentReview,
        Level::Department,
        AgendaKey::Review(Some(2))
    ));
    assert!(!feeds(
        DepartmentReview,
        Level::Department,
        AgendaKey::Review(None)
    ));
    assert!(!feeds(Retrospective, Level::Team, AgendaKey::Weekly(4)));
    assert!(!feeds(
        PlanningWorkshop,
        Level::Organisation,
        AgendaKey::Review(None)
    ));
}

#[test]
fn the_default_plan_covers_the_guides_meetings_and_parses() {
    let plan = default_plan();
    for kind in [
        MeetingKind::PlanningWorkshop,
        MeetingKind::AllHands,
        MeetingKind::TeamWeekly,
        MeetingKind::OneOnOne,
        MeetingKind::Retrospective,
    ] {
        assert!(plan.iter().any(|row| row.kind == kind), "{kind:?}");
    }
    for row in &plan {
        assert!((1..=7).contains(&row.weekday));
        assert!(!row.format.is_empty() && !row.owner.is_empty() && !row.points.is_empty());
        assert_eq!(row.kind.as_str().parse::<MeetingKind>(), Ok(row.kind));
        assert_eq!(row.level.as_str().parse::<Level>(), Ok(row.level));
        assert_eq!(
            row.frequency.as_str().parse::<Frequency>(),
            Ok(row.frequency)
        );
    }
}

fn said(on: Date, confidence: u8, problems: &str, plans: &str) -> Said {
    Said {
        on,
        confidence,
        problems: problems.into(),
        plans: plans.into(),
    }
}

fn cues(said: &[Said], overdue: bool) -> Vec<Cue> {
    questions("Churn below 3%", said, overdue, 12)
        .into_iter()
        .map(|q| q.cue)
        .collect()
}

#[test]
fn a_falling_confidence_is_asked_about_with_both_numbers() {
    let history = [
        said(
            date!(2026 - 07 - 06),
            8,
            "",
            "Call the ten biggest accounts",
        ),
        said(date!(2026 - 07 - 13), 5, "", "Keep calling"),
    ];
    let asked = questions("Churn below 3%", &history, false, 1);
    assert_eq!(asked.len(), 1);
    assert_eq!(asked[0].cue, Cue::Falling);
    assert!(
        asked[0].text.contains("fell from 8 to 5"),
        "{}",
        asked[0].text
    );
    // One point down is noise…
    assert_eq!(
        falling_from(&[history[0].clone(), said(date!(2026 - 07 - 13), 7, "", "x")]),
        None
    );
    // …but three check-ins each lower is a trend.
    let slide = [
        said(date!(2026 - 06 - 29), 9, "", "x"),
        said(date!(2026 - 07 - 06), 8, "", "x"),
        said(date!(2026 - 07 - 13), 7, "", "x"),
    ];
    assert_eq!(falling_from(&slide), Some(9));
    // Rising is not falling, and one check-in has no trend.
    assert_eq!(falling_from(&[slide[2].clone(), slide[0].clone()]), None);
    assert_eq!(falling_from(&slide[..1]), None);
}

#[test]
fn low_confidence_asks_what_would_raise_it() {
    let history = [said(date!(2026 - 07 - 13), 3, "", "Hire a contractor")];
    assert_eq!(cues(&history, false), vec![Cue::Low]);
    let history = [said(date!(2026 - 07 - 13), 5, "", "Hire a contractor")];
    assert_eq!(cues(&history, false), vec![]);
}

#[test]
fn a_problem_two_weeks_running_is_named() {
    let history = [
        said(date!(2026 - 07 - 06), 6, "Waiting on legal", "Chase legal"),
        said(
            date!(2026 - 07 - 13),
            6,
            "Still waiting on legal.",
            "Chase legal",
        ),
    ];
    let asked = questions("Churn below 3%", &history, false, 1);
    assert_eq!(asked[0].cue, Cue::RepeatedProblem);
    // Quoted once, without its own full stop inside the sentence's.
    assert!(
        asked[0]
            .text
            .contains("“Still waiting on legal”. What is blocking it"),
        "{}",
        asked[0].text
    );
    // Two problems three weeks apart are not "running".
    let apart = [
        said(date!(2026 - 06 - 22), 6, "Waiting on legal", "x"),
        said(date!(2026 - 07 - 13), 6, "Waiting on legal", "x"),
    ];
    assert_eq!(cues(&apart, false), vec![]);
    // Solved last week: nothing to ask.
    let solved = [history[0].clone(), said(date!(2026 - 07 - 13), 6, "", "x")];
    assert_eq!(cues(&solved, false), vec![]);
}

#[test]
fn no_plan_and_silence_are_asked_about_too_most_pressing_first() {
    let history = [said(date!(2026 - 07 - 01), 2, "", "")];
    assert_eq!(
        cues(&history, true),
        vec![Cue::Silent, Cue::Low, Cue::NoPlans]
    );
    let asked = questions("Churn below 3%", &history, true, 12);
    assert!(asked[0].text.contains("for 12 days"));
    // Never checked in: the first check-in is the question.
    let asked = questions("Churn below 3%", &[], true, 12);
    assert_eq!(asked.len(), 1);
    assert!(asked[0].text.contains("no check-in yet"));
    // On track, with a plan, not overdue: nothing to coach on.
    assert!(
        questions(
            "Churn below 3%",
            &[said(date!(2026 - 07 - 13), 8, "", "Ship")],
            false,
            1
        )
        .is_empty()
    );
}

#[test]
fn questions_stop_at_three_and_quote_long_problems_briefly() {
    let long = "The data warehouse export fails every night because the vendor changed the schema again without notice";
    let history = [
        said(date!(2026 - 07 - 06), 8, long, "x"),
        said(date!(2026 - 07 - 13), 3, long, ""),
    ];
    let asked = questions("Churn below 3%", &history, true, 9);
    assert_eq!(asked.len(), coaching::MAX_QUESTIONS);
    let problem = asked
        .iter()
        .find(|q| q.cue == Cue::RepeatedProblem)
        .unwrap();
    assert!(
        problem.text.contains("the vendor changed the…”"),
        "{}",
        problem.text
    );
}

#[test]
fn a_drop_compares_this_weeks_latest_with_the_latest_before() {
    let today = date!(2026 - 07 - 15);
    let points = [
        (date!(2026 - 07 - 01), 9),
        (date!(2026 - 07 - 08), 8),
        (date!(2026 - 07 - 10), 7),
        (date!(2026 - 07 - 14), 5),
    ];
    // 8 July was the last check-in before this week (9–15 July).
    assert_eq!(dropped_this_week(&points, today), Some((8, 5)));
    // Up, or the same: no drop.
    assert_eq!(
        dropped_this_week(
            &[(date!(2026 - 07 - 08), 5), (date!(2026 - 07 - 14), 6)],
            today
        ),
        None
    );
    // Nothing this week, or nothing before it: nothing to compare.
    assert_eq!(dropped_this_week(&points[..2], today), None);
    assert_eq!(dropped_this_week(&points[2..], today), None);
}
