//! The end of a cycle: when the ambassador may mark it complete, closing
//! an objective without a retrospective, and what carrying an unfinished
//! objective into the next cycle takes with it.
//!
//! The guide's fourth failure is the skipped retrospective. So a cycle is
//! complete only when every objective in it has been closed with a closing
//! note — or, where a retrospective truly makes no sense (a draft that
//! never started, a team dissolved), closed explicitly without one, with a
//! reason that stays on the objective for everyone to read.

use super::cycles::Phase;
use super::okr::{MetricKind, Status};
use super::progress::Measure;
use serde::{Deserialize, Serialize};

/// Longest reason for closing without a retrospective.
pub const MAX_NO_RETRO_REASON: usize = 500;

/// How an objective of the cycle stands at its end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// Not closed yet (a draft, a proposal, an active objective).
    Open(Status),
    /// Closed with its closing note.
    Note,
    /// Closed explicitly without a retrospective, with a reason.
    WithoutRetro,
    /// Closed with neither a note nor a reason: should not exist, and does
    /// not count as closed if it does.
    Bare,
}

/// Why a cycle cannot be marked complete yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum Incomplete {
    #[error("This cycle is already complete.")]
    AlreadyComplete,
    #[error("A cycle can be marked complete from its retrospective window on; this one is in {0}.")]
    TooEarly(String),
    #[error("{}", still_open(*.0))]
    Open(usize),
}

fn still_open(open: usize) -> String {
    match open {
        1 => "1 objective is still open: close it with a closing note, or without a retrospective and a reason.".into(),
        n => format!(
            "{n} objectives are still open: close each with a closing note, or without a retrospective and a reason."
        ),
    }
}

/// Whether a cycle in `phase` whose objectives end as `endings` may be
/// marked complete now.
pub fn check_complete(phase: Phase, complete: bool, endings: &[Ending]) -> Result<(), Incomplete> {
    if complete {
        return Err(Incomplete::AlreadyComplete);
    }
    if !matches!(phase, Phase::Retrospective | Phase::Closed) {
        return Err(Incomplete::TooEarly(phase.label().to_lowercase()));
    }
    let open = endings
        .iter()
        .filter(|e| !matches!(e, Ending::Note | Ending::WithoutRetro))
        .count();
    if open > 0 {
        return Err(Incomplete::Open(open));
    }
    Ok(())
}

/// The reason for closing without a retrospective, trimmed, or what is
/// wrong with it.
pub fn no_retro_reason(raw: &str) -> Result<String, &'static str> {
    let reason = raw.trim();
    if reason.is_empty() {
        Err("Say why this objective gets no retrospective: the reason stays on it for everyone.")
    } else if reason.chars().count() > MAX_NO_RETRO_REASON {
        Err("Keep the reason under 500 characters.")
    } else {
        Ok(reason.to_owned())
    }
}

/// A key result carried into the next cycle: it starts where it ended.
/// `None` when it was reached already, so it stays behind: an objective is
/// carried over for what is left to do.
pub fn carried_measure(measure: &Measure) -> Option<Measure> {
    if measure.progress() >= 1.0 {
        return None;
    }
    Some(match measure.metric {
        // Not done yet: still to do, from scratch.
        MetricKind::Milestone => Measure {
            start: 0.0,
            target: 1.0,
            current: 0.0,
            ..*measure
        },
        _ => Measure {
            start: measure.current,
            current: measure.current,
            ..*measure
        },
    })
}

/// Whether an objective whose key results measure `measures` has anything
/// left to carry over: a key result short of its target, or none at all
/// (nothing was measured, so nothing was finished: its whys carry over).
pub fn unfinished(measures: &[Measure]) -> bool {
    measures.is_empty() || measures.iter().any(|m| carried_measure(m).is_some())
}

/// A cycle's dates, for finding the next one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub id: i64,
    pub start: time::Date,
    pub end: time::Date,
    pub complete: bool,
}

impl Span {
    fn days(&self) -> i64 {
        (self.end - self.start).whole_days()
    }
}

/// The cycle an objective of `from` is carried into: the earliest to start
/// after `from` starts and to end after it ends (so not a year around a
/// quarter, nor a quarter inside a year), of the nearest length when two
/// start together (the next quarter rather than the next year), and not
/// already complete.
pub fn next_cycle(from: &Span, cycles: &[Span]) -> Option<i64> {
    cycles
        .iter()
        .filter(|c| c.id != from.id && !c.complete && c.start > from.start && c.end > from.end)
        .min_by_key(|c| (c.start, (c.days() - from.days()).abs(), c.id))
        .map(|c| c.id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn the_next_cycle_is_the_next_of_its_kind() {
        let span = |id, start, end| Span {
            id,
            start,
            end,
            complete: false,
        };
        let year = span(1, date!(2026 - 01 - 01), date!(2026 - 12 - 31));
        let q3 = span(2, date!(2026 - 07 - 01), date!(2026 - 09 - 30));
        let q4 = span(3, date!(2026 - 10 - 01), date!(2026 - 12 - 31));
        let q1 = span(4, date!(2027 - 01 - 01), date!(2027 - 03 - 31));
        let next_year = span(5, date!(2027 - 01 - 01), date!(2027 - 12 - 31));
        let all = [year, q3, q4, q1, next_year];
        assert_eq!(next_cycle(&q3, &all), Some(3));
        assert_eq!(next_cycle(&q4, &all), Some(4));
        assert_eq!(next_cycle(&year, &all), Some(5));
        assert_eq!(next_cycle(&next_year, &all), None);
        // A complete cycle takes no new drafts.
        let done = Span {
            complete: true,
            ..q4
        };
        assert_eq!(next_cycle(&q3, &[year, q3, done, q1]), Some(4));
    }

    #[test]
    fn a_cycle_completes_only_when_every_objective_is_closed_with_a_note_or_a_reason() {
        let retro = Phase::Retrospective;
        assert_eq!(check_complete(retro, false, &[]), Ok(()));
        assert_eq!(
            check_complete(retro, false, &[Ending::Note, Ending::WithoutRetro]),
            Ok(())
        );
        assert_eq!(
            check_complete(Phase::Closed, false, &[Ending::Note]),
            Ok(())
        );
        for open in [Status::Draft, Status::Proposed, Status::Active] {
            assert_eq!(
                check_complete(retro, false, &[Ending::Note, Ending::Open(open)]),
                Err(Incomplete::Open(1))
            );
        }
        // Closed with neither a note nor a reason is not a retrospective.
        assert_eq!(
            check_complete(retro, false, &[Ending::Bare, Ending::Open(Status::Active)]),
            Err(Incomplete::Open(2))
        );
    }

    #[test]
    fn a_cycle_completes_once_and_not_before_its_retrospective_window() {
        for phase in [Phase::Upcoming, Phase::Planning, Phase::Execution] {
            assert!(matches!(
                check_complete(phase, false, &[Ending::Note]),
                Err(Incomplete::TooEarly(_))
            ));
        }
        assert_eq!(
            check_complete(Phase::Retrospective, true, &[Ending::Note]),
            Err(Incomplete::AlreadyComplete)
        );
        assert_eq!(
            Incomplete::Open(3).to_string(),
            "3 objectives are still open: close each with a closing note, or without a retrospective and a reason."
        );
        assert_eq!(
            Incomplete::TooEarly("execution".into()).to_string(),
            "A cycle can be marked complete from its retrospective window on; this one is in execution."
        );
    }

    #[test]
    fn a_reason_is_required_and_bounded() {
        assert!(no_retro_reason("  ").is_err());
        assert_eq!(
            no_retro_reason("  Team dissolved in October. ").as_deref(),
            Ok("Team dissolved in October.")
        );
        assert!(no_retro_reason(&"é".repeat(500)).is_ok());
        assert!(no_retro_reason(&"é".repeat(501)).is_err());
    }

    fn measure(metric: MetricKind, start: f64, target: f64, current: f64) -> Measure {
        Measure {
            metric,
            start,
            target,
            current,
        }
    }

    #[test]
    fn a_carried_key_result_starts_where_it_ended_and_a_reached_one_stays_behind() {
        let up = measure(MetricKind::Number, 10.0, 50.0, 30.0);
        assert_eq!(
            carried_measure(&up),
            Some(measure(MetricKind::Number, 30.0, 50.0, 30.0))
        );
        let down = measure(MetricKind::Percent, 12.0, 4.0, 9.0);
        assert_eq!(
            carried_measure(&down),
            Some(measure(MetricKind::Percent, 9.0, 4.0, 9.0))
        );
        // Went the wrong way: starts from where it is now.
        let worse = measure(MetricKind::Currency, 100.0, 200.0, 80.0);
        assert_eq!(carried_measure(&worse).map(|m| m.start), Some(80.0));
        // Reached or passed: nothing left to carry.
        assert_eq!(
            carried_measure(&measure(MetricKind::Number, 10.0, 50.0, 50.0)),
            None
        );
        assert_eq!(
            carried_measure(&measure(MetricKind::Number, 10.0, 50.0, 70.0)),
            None
        );
        assert_eq!(
            carried_measure(&measure(MetricKind::Milestone, 0.0, 1.0, 1.0)),
            None
        );
        assert_eq!(
            carried_measure(&measure(MetricKind::Milestone, 0.0, 1.0, 0.0)),
            Some(measure(MetricKind::Milestone, 0.0, 1.0, 0.0))
        );
    }

    #[test]
    fn an_objective_is_unfinished_while_any_key_result_is_short() {
        let done = measure(MetricKind::Number, 0.0, 10.0, 10.0);
        let short = measure(MetricKind::Number, 0.0, 10.0, 6.0);
        assert!(unfinished(&[done, short]));
        assert!(!unfinished(&[done]));
        assert!(unfinished(&[]));
    }
}
