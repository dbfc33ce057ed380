//! A cycle's calendar: a planning window at its start, execution, and a
//! retrospective window at its end. The phase is derived from the date,
//! never stored, so it is always right.

use serde::{Deserialize, Serialize};
use time::Date;

/// Days of planning at the start of a cycle, unless the cycle says otherwise.
pub const DEFAULT_PLANNING_DAYS: i64 = 14;
/// Days of retrospective at the end of a cycle, unless the cycle says otherwise.
pub const DEFAULT_RETRO_DAYS: i64 = 7;

/// Where a cycle is on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Before its first day.
    Upcoming,
    Planning,
    Execution,
    Retrospective,
    /// After its last day.
    Closed,
}

impl Phase {
    pub fn label(self) -> &'static str {
        match self {
            Phase::Upcoming => "Upcoming",
            Phase::Planning => "Planning",
            Phase::Execution => "Execution",
            Phase::Retrospective => "Retrospective",
            Phase::Closed => "Closed",
        }
    }
}

/// The dates of a cycle. Both ends are inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Calendar {
    pub start: Date,
    pub end: Date,
    pub planning_days: i64,
    pub retro_days: i64,
}

/// Why a calendar does not make sense.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("The end must come after the start.")]
    EndBeforeStart,
    #[error("A cycle lasts at most a year.")]
    TooLong,
    #[error("Planning and retrospective must leave time to execute.")]
    NoExecution,
    #[error("Use a number of days from 0 to 60.")]
    WindowOutOfRange,
}

impl Calendar {
    /// Checks the dates make a usable cycle.
    pub fn validate(&self) -> Result<(), CalendarError> {
        if self.end <= self.start {
            return Err(CalendarError::EndBeforeStart);
        }
        let days = self.days();
        if days > 366 {
            return Err(CalendarError::TooLong);
        }
        if !(0..=60).contains(&self.planning_days) || !(0..=60).contains(&self.retro_days) {
            return Err(CalendarError::WindowOutOfRange);
        }
        if self.planning_days + self.retro_days >= days {
            return Err(CalendarError::NoExecution);
        }
        Ok(())
    }

    /// Days in the cycle, both ends counted.
    pub fn days(&self) -> i64 {
        (self.end - self.start).whole_days() + 1
    }

    /// The first day of execution.
    pub fn execution_start(&self) -> Date {
        self.start
            .saturating_add(time::Duration::days(self.planning_days))
    }

    /// Whether something drafted on `day` was drafted after planning closed.
    pub fn drafted_late(&self, day: Date) -> bool {
        day >= self.execution_start()
    }

    /// The first day of the retrospective window.
    pub fn retro_start(&self) -> Date {
        self.end
            .saturating_sub(time::Duration::days(self.retro_days - 1))
    }

    pub fn phase(&self, today: Date) -> Phase {
        if today < self.start {
            Phase::Upcoming
        } else if today > self.end {
            Phase::Closed
        } else if self.retro_days > 0 && today >= self.retro_start() {
            Phase::Retrospective
        } else if today < self.execution_start() {
            Phase::Planning
        } else {
            Phase::Execution
        }
    }

    /// Whole days left in the cycle, today included (0 once it is over).
    pub fn days_left(&self, today: Date) -> i64 {
        if today > self.end {
            0
        } else {
            (self.end - today.max(self.start)).whole_days() + 1
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    /// Q3 2026: 1 July to 30 September, two weeks of planning, one of retrospective.
    fn q3() -> Calendar {
        Calendar {
            start: date!(2026 - 07 - 01),
            end: date!(2026 - 09 - 30),
            planning_days: 14,
            retro_days: 7,
        }
    }

    #[test]
    fn phases_follow_the_calendar() {
        let cycle = q3();
        let cases = [
            (date!(2026 - 06 - 30), Phase::Upcoming),
            (date!(2026 - 07 - 01), Phase::Planning),
            (date!(2026 - 07 - 14), Phase::Planning),
            (date!(2026 - 07 - 15), Phase::Execution),
            (date!(2026 - 09 - 23), Phase::Execution),
            (date!(2026 - 09 - 24), Phase::Retrospective),
            (date!(2026 - 09 - 30), Phase::Retrospective),
            (date!(2026 - 10 - 01), Phase::Closed),
        ];
        for (day, phase) in cases {
            assert_eq!(cycle.phase(day), phase, "{day}");
        }
    }

    #[test]
    fn a_draft_is_late_from_the_first_day_of_execution() {
        let cycle = q3();
        assert!(!cycle.drafted_late(date!(2026 - 07 - 01)));
        assert!(!cycle.drafted_late(date!(2026 - 07 - 14)));
        assert!(cycle.drafted_late(date!(2026 - 07 - 15)));
        assert!(cycle.drafted_late(date!(2026 - 09 - 30)));
    }

    #[test]
    fn windows_of_zero_days_skip_their_phase() {
        let cycle = Calendar {
            planning_days: 0,
            retro_days: 0,
            ..q3()
        };
        assert_eq!(cycle.phase(date!(2026 - 07 - 01)), Phase::Execution);
        assert_eq!(cycle.phase(date!(2026 - 09 - 30)), Phase::Execution);
    }

    #[test]
    fn validation() {
        assert_eq!(q3().validate(), Ok(()));
        let backwards = Calendar {
            end: date!(2026 - 06 - 01),
            ..q3()
        };
        assert_eq!(backwards.validate(), Err(CalendarError::EndBeforeStart));
        let same_day = Calendar {
            end: q3().start,
            ..q3()
        };
        assert_eq!(same_day.validate(), Err(CalendarError::EndBeforeStart));
        let long = Calendar {
            end: date!(2027 - 12 - 31),
            ..q3()
        };
        assert_eq!(long.validate(), Err(CalendarError::TooLong));
        let crowded = Calendar {
            start: date!(2026 - 07 - 01),
            end: date!(2026 - 07 - 20),
            planning_days: 14,
            retro_days: 7,
        };
        assert_eq!(crowded.validate(), Err(CalendarError::NoExecution));
        let negative = Calendar {
            planning_days: -1,
            ..q3()
        };
        assert_eq!(negative.validate(), Err(CalendarError::WindowOutOfRange));
    }

    #[test]
    fn days_and_days_left() {
        let cycle = q3();
        assert_eq!(cycle.days(), 92);
        assert_eq!(cycle.days_left(date!(2026 - 06 - 01)), 92);
        assert_eq!(cycle.days_left(date!(2026 - 09 - 30)), 1);
        assert_eq!(cycle.days_left(date!(2026 - 10 - 02)), 0);
    }
}
