//! Coaching questions for a one-on-one, chosen from what a person's
//! check-ins say: low or falling confidence, the same problem two weeks
//! running, no plan written, no check-in for too long. A one-on-one is for
//! coaching and problem-solving, not a status report: each question asks
//! what is in the way, never what the number is.

use super::super::cadence::{LOW_CONFIDENCE, in_week};
use serde::{Deserialize, Serialize};
use time::Date;

/// A drop of at least this many points between two check-ins is "falling".
pub const FALLING_BY: u8 = 2;
/// At most this many questions per key result: a conversation, not a list.
pub const MAX_QUESTIONS: usize = 3;

/// One check-in, as far as coaching cares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Said {
    pub on: Date,
    pub confidence: u8,
    /// The problems written, empty when none.
    pub problems: String,
    /// The plans written, empty when none.
    pub plans: String,
}

/// What a question is about, so a page can mark it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cue {
    /// No check-in for longer than the cadence (or none at all).
    Silent,
    Falling,
    Low,
    RepeatedProblem,
    NoPlans,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    pub cue: Cue,
    pub text: String,
}

/// The questions for one key result titled `title`, whose check-ins are
/// `said` (oldest first), and which is overdue today (`days_silent` since its
/// last check-in, or since it could first be checked in on). Most pressing
/// first, at most [`MAX_QUESTIONS`].
pub fn questions(title: &str, said: &[Said], overdue: bool, days_silent: i64) -> Vec<Question> {
    let mut asked = Vec::new();
    let mut ask = |cue, text: String| asked.push(Question { cue, text });
    if overdue {
        let text = if said.is_empty() {
            format!(
                "“{title}” has no check-in yet. What would the first one say, and what stood in its way?"
            )
        } else {
            format!(
                "No check-in on “{title}” for {days_silent} days. Is it still the right key result, and what got in the way?"
            )
        };
        ask(Cue::Silent, text);
    }
    if let Some(latest) = said.last() {
        if let Some(from) = falling_from(said) {
            ask(
                Cue::Falling,
                format!(
                    "Confidence in “{title}” fell from {from} to {}. What changed, and what would bring it back?",
                    latest.confidence
                ),
            );
        } else if latest.confidence <= LOW_CONFIDENCE {
            ask(
                Cue::Low,
                format!(
                    "Confidence in “{title}” is {}/10. What is the one thing that would raise it, and how can I help?",
                    latest.confidence
                ),
            );
        }
        if let Some(problem) = repeated_problem(said) {
            ask(
                Cue::RepeatedProblem,
                format!(
                    "A problem two weeks running on “{title}”: “{}”. What is blocking it, and who can remove it?",
                    excerpt(problem)
                ),
            );
        }
        if latest.plans.trim().is_empty() {
            ask(
                Cue::NoPlans,
                format!(
                    "The last check-in on “{title}” names no plan. What is the next step, and by when?"
                ),
            );
        }
    }
    asked.truncate(MAX_QUESTIONS);
    asked
}

/// The earlier confidence when it is falling: the latest check-in is at
/// least [`FALLING_BY`] below the one before, or three check-ins in a row
/// each went down. `None` when it is not falling.
pub fn falling_from(said: &[Said]) -> Option<u8> {
    let n = said.len();
    if n < 2 {
        return None;
    }
    let (before, latest) = (said[n - 2].confidence, said[n - 1].confidence);
    if before >= latest + FALLING_BY {
        return Some(before);
    }
    if n >= 3 {
        let first = said[n - 3].confidence;
        if first > before && before > latest {
            return Some(first);
        }
    }
    None
}

/// The confidence before this week and now, when it dropped: the latest
/// check-in of the last seven days (to `today`) is below the latest one
/// before them. `points` are (day, confidence), oldest first.
pub fn dropped_this_week(points: &[(Date, u8)], today: Date) -> Option<(u8, u8)> {
    let now = points
        .iter()
        .rev()
        .find(|(on, _)| in_week(*on, today, 0))?
        .1;
    let before = points
        .iter()
        .rev()
        .find(|(on, _)| *on < today - time::Duration::days(super::super::cadence::WEEK_DAYS - 1))?
        .1;
    (now < before).then_some((before, now))
}

/// The latest check-in's problem when a check-in of the week before it
/// reported a problem too.
fn repeated_problem(said: &[Said]) -> Option<&str> {
    let latest = said.last()?;
    if latest.problems.trim().is_empty() {
        return None;
    }
    said.iter()
        .rev()
        .skip(1)
        .any(|earlier| in_week(earlier.on, latest.on, 1) && !earlier.problems.trim().is_empty())
        .then_some(latest.problems.trim())
}

/// The first 80 characters of a problem, on a word boundary.
fn excerpt(text: &str) -> String {
    const MAX: usize = 80;
    // Quoted inside a sentence: its own full stop would make two.
    let text = text.trim().trim_end_matches('.');
    if text.chars().count() <= MAX {
        return text.to_owned();
    }
    let cut: String = text.chars().take(MAX).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{cut}…")
}
