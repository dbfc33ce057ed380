//! The weekly check-in cadence: when a key result is overdue, which check-ins
//! belong to "this week", and the order a lead reads them in. Every function
//! takes today's date as an argument; none reads the clock.

use time::{Date, Duration};

use super::cycles::{Calendar, Phase};
use super::okr::Status;

/// Days without a check-in after which a key result is overdue.
pub const OVERDUE_AFTER_DAYS: i64 = 7;
/// The rolling week the leaderboard and the weekly review look at: today and
/// the six days before.
pub const WEEK_DAYS: i64 = 7;
/// Confidence at or below this is "low" and read first in a review.
pub const LOW_CONFIDENCE: u8 = 4;

/// Whether `day` falls in the rolling week that ends `weeks_ago` weeks
/// before `today` (0 is the last seven days, today included).
pub fn in_week(day: Date, today: Date, weeks_ago: i64) -> bool {
    let end = today - Duration::days(WEEK_DAYS * weeks_ago);
    let start = end - Duration::days(WEEK_DAYS - 1);
    (start..=end).contains(&day)
}

/// Whether a key result is overdue today: its objective is active, the
/// cycle is executing, and more than [`OVERDUE_AFTER_DAYS`] days have passed
/// since its last check-in — or, with none yet, since execution began or
/// the key result was added, whichever came later.
pub fn is_overdue(
    calendar: &Calendar,
    today: Date,
    status: Status,
    created_on: Date,
    last_check_in: Option<Date>,
) -> bool {
    if status != Status::Active || calendar.phase(today) != Phase::Execution {
        return false;
    }
    let since = last_check_in
        .unwrap_or(created_on)
        .max(calendar.execution_start());
    (today - since).whole_days() > OVERDUE_AFTER_DAYS
}

/// What the weekly review needs to know to order a check-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReviewKey {
    pub confidence: u8,
    pub reports_problems: bool,
    /// Seconds or any increasing stamp: later check-ins come first.
    pub at: i64,
}

/// The order of a weekly review: low confidence first (lowest first), then
/// check-ins that report problems, then the rest; newest first within each.
pub fn review_order(a: &ReviewKey, b: &ReviewKey) -> std::cmp::Ordering {
    fn group(key: &ReviewKey) -> u8 {
        if key.confidence <= LOW_CONFIDENCE {
            0
        } else if key.reports_problems {
            1
        } else {
            2
        }
    }
    group(a)
        .cmp(&group(b))
        .then_with(|| {
            if group(a) == 0 {
                a.confidence.cmp(&b.confidence)
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .then_with(|| b.at.cmp(&a.at))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    /// Q3 2026: execution from 15 July to 23 September.
    fn q3() -> Calendar {
        Calendar {
            start: date!(2026 - 07 - 01),
            end: date!(2026 - 09 - 30),
            planning_days: 14,
            retro_days: 7,
        }
    }

    #[test]
    fn overdue_after_seven_days_of_execution_without_a_check_in() {
        let cycle = q3();
        let added = date!(2026 - 07 - 02);
        let cases = [
            // (today, last check-in, overdue)
            // Planning: never overdue.
            (date!(2026 - 07 - 10), None, false),
            // Execution began 15 July: seven days later is still fine…
            (date!(2026 - 07 - 22), None, false),
            // …the eighth day is overdue.
            (date!(2026 - 07 - 23), None, true),
            (date!(2026 - 08 - 10), Some(date!(2026 - 08 - 03)), false),
            (date!(2026 - 08 - 11), Some(date!(2026 - 08 - 03)), true),
            // Retrospective and after: the cadence is over.
            (date!(2026 - 09 - 25), Some(date!(2026 - 08 - 03)), false),
            (date!(2026 - 10 - 05), None, false),
        ];
        for (today, last, overdue) in cases {
            assert_eq!(
                is_overdue(&cycle, today, Status::Active, added, last),
                overdue,
                "{today} with last check-in {last:?}"
            );
        }
    }

    #[test]
    fn a_key_result_added_during_execution_gets_its_first_week() {
        let added = date!(2026 - 08 - 20);
        let cycle = q3();
        assert!(!is_overdue(
            &cycle,
            date!(2026 - 08 - 27),
            Status::Active,
            added,
            None
        ));
        assert!(is_overdue(
            &cycle,
            date!(2026 - 08 - 28),
            Status::Active,
            added,
            None
        ));
    }

    #[test]
    fn only_active_objectives_are_overdue() {
        let today = date!(2026 - 09 - 01);
        let added = date!(2026 - 07 - 02);
        for status in [Status::Draft, Status::Proposed, Status::Closed] {
            assert!(!is_overdue(&q3(), today, status, added, None), "{status}");
        }
        assert!(is_overdue(&q3(), today, Status::Active, added, None));
    }

    #[test]
    fn weeks_are_rolling_seven_day_windows() {
        let today = date!(2026 - 08 - 12);
        assert!(in_week(today, today, 0));
        assert!(in_week(date!(2026 - 08 - 06), today, 0));
        assert!(!in_week(date!(2026 - 08 - 05), today, 0));
        assert!(in_week(date!(2026 - 08 - 05), today, 1));
        assert!(in_week(date!(2026 - 07 - 30), today, 1));
        assert!(!in_week(date!(2026 - 07 - 29), today, 1));
        assert!(!in_week(date!(2026 - 08 - 13), today, 0));
    }

    #[test]
    fn reviews_read_low_confidence_then_problems_then_the_rest() {
        let key = |confidence, reports_problems, at| ReviewKey {
            confidence,
            reports_problems,
            at,
        };
        let mut keys = vec![
            key(8, false, 5),
            key(7, true, 1),
            key(4, false, 2),
            key(9, false, 9),
            key(2, true, 3),
            key(6, true, 4),
        ];
        keys.sort_by(review_order);
        assert_eq!(
            keys,
            vec![
                key(2, true, 3),
                key(4, false, 2),
                key(6, true, 4),
                key(7, true, 1),
                key(9, false, 9),
                key(8, false, 5),
            ]
        );
    }
}
