//! The leaderboard: units ranked by how their objectives progress against
//! where a straight line from the start to the end of execution says they
//! should be by now, with check-in discipline, confidence and celebrations.
//! Pure: today's date is an argument, never read from the clock.

use serde::{Deserialize, Serialize};
use time::{Date, Duration};

use super::cadence::{self, WEEK_DAYS};
use super::cycles::Calendar;
use super::okr::Status;
use super::progress::{Measure, objective_progress};

/// Progress expected today if execution advanced in a straight line from 0
/// on its first day to 1 when the retrospective window opens (or after the
/// last day of a cycle without one).
pub fn expected_progress(calendar: &Calendar, today: Date) -> f64 {
    let start = calendar.execution_start();
    let end = if calendar.retro_days > 0 {
        calendar.retro_start()
    } else {
        calendar.end + Duration::days(1)
    };
    let length = (end - start).whole_days();
    if length <= 0 {
        return 1.0;
    }
    ((today - start).whole_days() as f64 / length as f64).clamp(0.0, 1.0)
}

/// One check-in, as far as the leaderboard cares.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CheckInPoint {
    pub on: Date,
    pub value: f64,
    pub confidence: u8,
}

/// A key result with its history; check-ins in the order they were made.
#[derive(Debug, Clone, PartialEq)]
pub struct TrackedKeyResult {
    pub measure: Measure,
    pub created_on: Date,
    pub check_ins: Vec<CheckInPoint>,
}

impl TrackedKeyResult {
    /// The value it had at the end of `day`: its last check-in by then, or
    /// its start value.
    fn value_on(&self, day: Date) -> f64 {
        self.check_ins
            .iter()
            .rev()
            .find(|c| c.on <= day)
            .map_or(self.measure.start, |c| c.value)
    }

    fn last_check_in(&self) -> Option<Date> {
        self.check_ins.iter().map(|c| c.on).max()
    }

    /// Confidence of its latest check-in in the rolling week `weeks_ago`.
    fn confidence_in_week(&self, today: Date, weeks_ago: i64) -> Option<u8> {
        self.check_ins
            .iter()
            .rev()
            .find(|c| cadence::in_week(c.on, today, weeks_ago))
            .map(|c| c.confidence)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct TrackedObjective {
    pub status: Status,
    pub key_results: Vec<TrackedKeyResult>,
}

/// A unit and every objective it owns or shares in the cycle.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitOkrs {
    pub unit_id: i64,
    pub name: String,
    pub objectives: Vec<TrackedObjective>,
}

/// One row of the leaderboard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Standing {
    pub unit_id: i64,
    pub name: String,
    /// 1 for the first; units level on pace and discipline share a rank.
    pub rank: u32,
    /// Mean progress of the unit's active and closed objectives.
    pub progress: f64,
    /// Progress minus the expected progress: ahead above 0, behind below.
    pub pace: f64,
    /// Key results checked in during the last seven days, of `key_results`.
    pub checked_in: u32,
    pub key_results: u32,
    /// Mean confidence of this week's latest check-ins, and last week's.
    pub confidence: Option<f64>,
    pub confidence_last_week: Option<f64>,
    /// Progress gained by check-ins over the last seven days.
    pub gain: f64,
    /// Calendar weeks in a row in which every key result was checked in.
    pub streak: u32,
    pub overdue: u32,
    pub objectives: u32,
}

impl Standing {
    /// Share of key results checked in this week, 0 with none.
    pub fn discipline(&self) -> f64 {
        if self.key_results == 0 {
            0.0
        } else {
            f64::from(self.checked_in) / f64::from(self.key_results)
        }
    }
}

/// A unit worth applauding, and by how much (progress gained, or weeks).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Highlight {
    pub unit_id: i64,
    pub name: String,
    pub amount: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Standings {
    pub expected: f64,
    pub rows: Vec<Standing>,
    /// The unit that gained most progress this week, if any gained.
    pub biggest_gain: Option<Highlight>,
    /// The longest weekly check-in streak, if anyone has one.
    pub longest_streak: Option<Highlight>,
}

/// The unit among `rows` that gained most progress this week, if any gained
/// (by name on a tie). A department's review asks it of its own units.
pub fn biggest_gain<'a>(rows: impl IntoIterator<Item = &'a Standing>) -> Option<Highlight> {
    rows.into_iter()
        .filter(|s| s.gain > 0.0005)
        .max_by(|a, b| a.gain.total_cmp(&b.gain).then_with(|| b.name.cmp(&a.name)))
        .map(|s| Highlight {
            unit_id: s.unit_id,
            name: s.name.clone(),
            amount: s.gain,
        })
}

/// The unit among `rows` with the longest weekly check-in streak, if any
/// has one (by name on a tie).
pub fn longest_streak<'a>(rows: impl IntoIterator<Item = &'a Standing>) -> Option<Highlight> {
    rows.into_iter()
        .filter(|s| s.streak > 0)
        .max_by(|a, b| a.streak.cmp(&b.streak).then_with(|| b.name.cmp(&a.name)))
        .map(|s| Highlight {
            unit_id: s.unit_id,
            name: s.name.clone(),
            amount: f64::from(s.streak),
        })
}

/// Objectives that count: active ones, and closed ones with their final progress.
fn counts(objective: &TrackedObjective) -> bool {
    matches!(objective.status, Status::Active | Status::Closed)
}

fn mean(values: impl Iterator<Item = f64>) -> Option<f64> {
    let (sum, n) = values.fold((0.0, 0u32), |(s, n), v| (s + v, n + 1));
    (n > 0).then(|| sum / f64::from(n))
}

/// Mean objective progress with every key result valued as of `day`.
fn progress_on(objectives: &[&TrackedObjective], day: Date) -> f64 {
    mean(objectives.iter().map(|o| {
        let measures: Vec<Measure> = o
            .key_results
            .iter()
            .map(|kr| Measure {
                current: kr.value_on(day),
                ..kr.measure
            })
            .collect();
        objective_progress(&measures)
    }))
    .unwrap_or(0.0)
}

/// The Monday of the calendar week `day` falls in.
fn week_start(day: Date) -> Date {
    day - Duration::days(i64::from(day.weekday().number_days_from_monday()))
}

/// Calendar weeks in a row, back from this one, in which every key result
/// that existed when the week began was checked in. The current week does
/// not break a streak while it is still running; weeks before execution
/// do not count.
pub fn streak(calendar: &Calendar, today: Date, key_results: &[&TrackedKeyResult]) -> u32 {
    let execution = week_start(calendar.execution_start());
    let mut week = week_start(today);
    let mut weeks = 0;
    let mut current = true;
    while week >= execution {
        let last = week + Duration::days(6);
        let mut due = key_results
            .iter()
            .filter(|kr| kr.created_on <= week)
            .peekable();
        let complete = due.peek().is_some()
            && due.all(|kr| kr.check_ins.iter().any(|c| (week..=last).contains(&c.on)));
        if complete {
            weeks += 1;
        } else if !current {
            break;
        }
        current = false;
        week -= Duration::days(WEEK_DAYS);
    }
    weeks
}

/// Ranks the units of a cycle on `today`. Units without an active or
/// closed objective are left out: there is nothing to rank them on.
pub fn rank(calendar: &Calendar, today: Date, units: &[UnitOkrs]) -> Standings {
    let expected = expected_progress(calendar, today);
    let week_ago = today - Duration::days(WEEK_DAYS);
    let mut rows: Vec<Standing> = units
        .iter()
        .filter_map(|unit| {
            let objectives: Vec<&TrackedObjective> =
                unit.objectives.iter().filter(|o| counts(o)).collect();
            if objectives.is_empty() {
                return None;
            }
            let key_results: Vec<&TrackedKeyResult> =
                objectives.iter().flat_map(|o| &o.key_results).collect();
            let overdue = objectives
                .iter()
                .flat_map(|o| {
                    o.key_results.iter().filter(|kr| {
                        cadence::is_overdue(
                            calendar,
                            today,
                            o.status,
                            kr.created_on,
                            kr.last_check_in(),
                        )
                    })
                })
                .count();
            // Today's standing uses the current values, which the board may
            // also set; history (for the weekly gain) uses check-ins.
            let progress = mean(objectives.iter().map(|o| {
                let measures: Vec<Measure> = o.key_results.iter().map(|kr| kr.measure).collect();
                objective_progress(&measures)
            }))
            .unwrap_or(0.0);
            let checked_in = key_results
                .iter()
                .filter(|kr| {
                    kr.check_ins
                        .iter()
                        .any(|c| cadence::in_week(c.on, today, 0))
                })
                .count();
            let confidence = |weeks_ago| {
                mean(
                    key_results
                        .iter()
                        .filter_map(|kr| kr.confidence_in_week(today, weeks_ago))
                        .map(f64::from),
                )
            };
            Some(Standing {
                unit_id: unit.unit_id,
                name: unit.name.clone(),
                rank: 0,
                progress,
                pace: progress - expected,
                checked_in: checked_in as u32,
                key_results: key_results.len() as u32,
                confidence: confidence(0),
                confidence_last_week: confidence(1),
                gain: progress_on(&objectives, today) - progress_on(&objectives, week_ago),
                streak: streak(calendar, today, &key_results),
                overdue: overdue as u32,
                objectives: objectives.len() as u32,
            })
        })
        .collect();

    // Paces are compared to a tenth of a percentage point, so rounding
    // noise never splits two units that are level.
    let key = |s: &Standing| ((s.pace * 1000.0).round() as i64, s.discipline());
    rows.sort_by(|a, b| {
        let (pace_a, discipline_a) = key(a);
        let (pace_b, discipline_b) = key(b);
        pace_b
            .cmp(&pace_a)
            .then(discipline_b.total_cmp(&discipline_a))
            .then_with(|| a.name.cmp(&b.name))
    });
    for i in 0..rows.len() {
        rows[i].rank = if i > 0 && key(&rows[i]) == key(&rows[i - 1]) {
            rows[i - 1].rank
        } else {
            i as u32 + 1
        };
    }

    let biggest_gain = biggest_gain(&rows);
    let longest_streak = longest_streak(&rows);
    Standings {
        expected,
        rows,
        biggest_gain,
        longest_streak,
    }
}

#[cfg(test)]
mod tests;
