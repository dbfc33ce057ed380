//! Progress and scores: how far a key result and an objective have come.
//!
//! Progress of a key result is `(current − start) / (target − start)`,
//! clamped to `[0, 1]`; the same formula serves decreasing metrics, where
//! the target is below the start. A milestone is 0 or 1. An objective's
//! progress is the mean of its key results' (0 with none).

use super::okr::{MetricKind, ObjectiveKind};

/// The numbers of one key result that progress depends on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Measure {
    pub metric: MetricKind,
    pub start: f64,
    pub target: f64,
    pub current: f64,
}

/// Whether a key result wants its number to go up or down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Increase,
    Decrease,
}

/// Why a start/target pair cannot be measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MeasureError {
    #[error("The target must differ from the start, or there is nothing to achieve.")]
    TargetEqualsStart,
    #[error("Use a finite number.")]
    NotFinite,
}

/// Checks a start/target pair and says which way it points.
pub fn direction(metric: MetricKind, start: f64, target: f64) -> Result<Direction, MeasureError> {
    if metric == MetricKind::Milestone {
        return Ok(Direction::Increase);
    }
    if !start.is_finite() || !target.is_finite() {
        return Err(MeasureError::NotFinite);
    }
    if target == start {
        return Err(MeasureError::TargetEqualsStart);
    }
    Ok(if target > start {
        Direction::Increase
    } else {
        Direction::Decrease
    })
}

impl Measure {
    /// Progress in `[0, 1]`. An invalid pair (target equal to start, which
    /// input validation refuses) or a non-finite number counts as no progress.
    pub fn progress(&self) -> f64 {
        if self.metric == MetricKind::Milestone {
            // Stored as 0 (not done) or 1 (done).
            return if self.current >= 1.0 { 1.0 } else { 0.0 };
        }
        let span = self.target - self.start;
        let ratio = (self.current - self.start) / span;
        if span == 0.0 || !ratio.is_finite() {
            0.0
        } else {
            ratio.clamp(0.0, 1.0)
        }
    }
}

/// The mean progress of an objective's key results; 0 with none.
pub fn objective_progress(key_results: &[Measure]) -> f64 {
    if key_results.is_empty() {
        return 0.0;
    }
    key_results.iter().map(Measure::progress).sum::<f64>() / key_results.len() as f64
}

/// A score as shown: one decimal ("0.7").
pub fn format_score(score: f64) -> String {
    format!("{:.1}", score.clamp(0.0, 1.0))
}

/// A progress as a whole percentage ("68%").
pub fn format_percent(progress: f64) -> String {
    format!("{}%", (progress.clamp(0.0, 1.0) * 100.0).round() as i64)
}

/// Whether a score counts as success for this kind of objective.
pub fn is_success(kind: ObjectiveKind, score: f64) -> bool {
    // Compared on the shown decimal, so "0.7" on screen is a success.
    (score.clamp(0.0, 1.0) * 10.0).round() / 10.0 >= kind.success_score()
}

/// A number as forms show it: no trailing ".0".
pub fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_show_without_trailing_zeros() {
        assert_eq!(format_number(42.0), "42");
        assert_eq!(format_number(12.5), "12.5");
        assert_eq!(format_number(-3.0), "-3");
    }

    fn number(start: f64, target: f64, current: f64) -> Measure {
        Measure {
            metric: MetricKind::Number,
            start,
            target,
            current,
        }
    }

    #[test]
    fn progress_of_a_key_result() {
        let cases = [
            // increasing
            (number(0.0, 100.0, 0.0), 0.0),
            (number(0.0, 100.0, 50.0), 0.5),
            (number(0.0, 100.0, 100.0), 1.0),
            (number(0.0, 100.0, 150.0), 1.0),
            (number(0.0, 100.0, -20.0), 0.0),
            (number(20.0, 40.0, 25.0), 0.25),
            // decreasing: reply time from 48 h to 12 h
            (number(48.0, 12.0, 48.0), 0.0),
            (number(48.0, 12.0, 30.0), 0.5),
            (number(48.0, 12.0, 12.0), 1.0),
            (number(48.0, 12.0, 6.0), 1.0),
            (number(48.0, 12.0, 60.0), 0.0),
            // negative numbers
            (number(-10.0, 10.0, 0.0), 0.5),
            // target equal to start is invalid input: no progress, never NaN
            (number(5.0, 5.0, 5.0), 0.0),
            (number(5.0, 5.0, 9.0), 0.0),
            (number(0.0, 100.0, f64::NAN), 0.0),
        ];
        for (measure, expected) in cases {
            assert_eq!(measure.progress(), expected, "{measure:?}");
        }
    }

    #[test]
    fn a_milestone_is_done_or_not() {
        let milestone = |current| Measure {
            metric: MetricKind::Milestone,
            start: 0.0,
            target: 1.0,
            current,
        };
        assert_eq!(milestone(0.0).progress(), 0.0);
        assert_eq!(milestone(0.99).progress(), 0.0);
        assert_eq!(milestone(1.0).progress(), 1.0);
    }

    #[test]
    fn direction_follows_start_and_target() {
        assert_eq!(
            direction(MetricKind::Number, 0.0, 10.0),
            Ok(Direction::Increase)
        );
        assert_eq!(
            direction(MetricKind::Percent, 40.0, 10.0),
            Ok(Direction::Decrease)
        );
        assert_eq!(
            direction(MetricKind::Currency, 3.0, 3.0),
            Err(MeasureError::TargetEqualsStart)
        );
        assert_eq!(
            direction(MetricKind::Number, 0.0, f64::INFINITY),
            Err(MeasureError::NotFinite)
        );
        assert_eq!(
            direction(MetricKind::Milestone, 0.0, 0.0),
            Ok(Direction::Increase)
        );
    }

    #[test]
    fn objective_progress_is_the_mean() {
        assert_eq!(objective_progress(&[]), 0.0);
        assert_eq!(
            objective_progress(&[number(0.0, 10.0, 10.0), number(0.0, 10.0, 0.0)]),
            0.5
        );
        assert_eq!(objective_progress(&[number(0.0, 4.0, 1.0)]), 0.25);
    }

    #[test]
    fn scores_and_success() {
        assert_eq!(format_score(0.66), "0.7");
        assert_eq!(format_score(1.4), "1.0");
        assert_eq!(format_percent(0.684), "68%");
        assert!(is_success(ObjectiveKind::Aspirational, 0.66));
        assert!(!is_success(ObjectiveKind::Aspirational, 0.64));
        assert!(!is_success(ObjectiveKind::Committed, 0.9));
        assert!(is_success(ObjectiveKind::Committed, 1.0));
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    fn any_number() -> impl Strategy<Value = f64> {
        prop_oneof![
            -1e12..1e12f64,
            Just(0.0),
            Just(f64::NAN),
            Just(f64::INFINITY),
            Just(f64::NEG_INFINITY),
            Just(f64::MAX)
        ]
    }

    proptest! {
        /// Whatever is stored, progress stays within [0, 1] and is never NaN.
        #[test]
        fn progress_stays_in_the_unit_interval(
            start in any_number(), target in any_number(), current in any_number(), milestone: bool,
        ) {
            let metric = if milestone { MetricKind::Milestone } else { MetricKind::Number };
            let progress = Measure { metric, start, target, current }.progress();
            prop_assert!((0.0..=1.0).contains(&progress), "{progress}");
        }

        /// Moving the current value towards the target never lowers progress.
        #[test]
        fn progress_is_monotonic_towards_the_target(
            start in -1e6..1e6f64, target in -1e6..1e6f64, a in -2e6..2e6f64, b in -2e6..2e6f64,
        ) {
            prop_assume!(start != target);
            let (near, far) = if (target - a).abs() <= (target - b).abs() { (a, b) } else { (b, a) };
            // Only compare points on the same side of the target.
            prop_assume!((near - target).signum() == (far - target).signum());
            let p = |current| Measure { metric: MetricKind::Number, start, target, current }.progress();
            prop_assert!(p(near) >= p(far));
        }
    }
}
