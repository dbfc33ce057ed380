//! Closing an objective: the final score judged against what its kind
//! promised, and the closing note that every closed objective carries —
//! what went well, what did not, the lessons, and free tags.

use super::okr::ObjectiveKind;
use serde::{Deserialize, Serialize};

/// Longest "what went well" / "what did not" / "lessons learned".
pub const MAX_NOTE_TEXT: usize = 4000;
/// Most tags on one note.
pub const MAX_TAGS: usize = 8;
/// Longest tag.
pub const MAX_TAG: usize = 32;

/// How a final score compares with what the objective's kind expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// At or above the success score of its kind.
    Success,
    /// Within 0.3 of it: real progress, short of the promise.
    Short,
    /// Further below.
    Missed,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Success => "success",
            Verdict::Short => "short",
            Verdict::Missed => "missed",
        }
    }
}

/// A score as it is shown: one decimal.
pub fn format_score(score: f64) -> String {
    format!("{:.1}", rounded(score))
}

/// The score rounded to the one decimal people see, so words and colours
/// agree with the number shown (0.69 shows as 0.7 and is judged as 0.7).
fn rounded(score: f64) -> f64 {
    (score.clamp(0.0, 1.0) * 10.0).round() / 10.0
}

pub fn verdict(kind: ObjectiveKind, score: f64) -> Verdict {
    // Compared in tenths, as integers: no floating-point edge at 0.7.
    let tenths = (rounded(score) * 10.0).round() as i64;
    let success = (kind.success_score() * 10.0).round() as i64;
    if tenths >= success {
        Verdict::Success
    } else if tenths >= success - 3 {
        Verdict::Short
    } else {
        Verdict::Missed
    }
}

/// Whether the score counts as achieving the objective.
pub fn achieved(kind: ObjectiveKind, score: f64) -> bool {
    verdict(kind, score) == Verdict::Success
}

/// The score in words: "0.7 — a success for an aspirational goal".
pub fn judgement(kind: ObjectiveKind, score: f64) -> String {
    format!("{} — {}", format_score(score), verdict_words(kind, score))
}

/// What the score means for its kind, without the number: "a success for
/// an aspirational goal", "short of the 1.0 a committed goal promises".
pub fn verdict_words(kind: ObjectiveKind, score: f64) -> String {
    let (goal, expected) = match kind {
        ObjectiveKind::Aspirational => (
            "an aspirational goal",
            "the 0.7 an aspirational goal aims for",
        ),
        ObjectiveKind::Committed => ("a committed goal", "the 1.0 a committed goal promises"),
    };
    match verdict(kind, score) {
        Verdict::Success => format!("a success for {goal}"),
        Verdict::Short => format!("short of {expected}"),
        Verdict::Missed => format!("far short of {expected}"),
    }
}

/// Parses a score typed into the closing form: 0.0 to 1.0, a decimal comma
/// accepted, or a percentage ("70%").
pub fn parse_score(raw: &str) -> Result<f64, &'static str> {
    let cleaned = raw.trim().replace(',', ".");
    let (number, scale) = match cleaned.strip_suffix('%') {
        Some(percent) => (percent.trim(), 100.0),
        None => (cleaned.as_str(), 1.0),
    };
    match number.parse::<f64>() {
        Ok(n) if n.is_finite() && (0.0..=1.0).contains(&(n / scale)) => Ok(n / scale),
        Ok(n) if n.is_finite() => Err("A score is between 0.0 and 1.0."),
        _ => Err("Enter a score between 0.0 and 1.0, like 0.7."),
    }
}

/// Normalises free tags: lower case, words joined by hyphens, letters,
/// digits and hyphens only, each at most [`MAX_TAG`] characters, duplicates
/// once, in the order given. Tags are separated by commas.
pub fn parse_tags(raw: &str) -> Result<Vec<String>, &'static str> {
    let mut tags: Vec<String> = Vec::new();
    for part in raw.split(',') {
        let tag = normalise_tag(part);
        if tag.is_empty() || tags.contains(&tag) {
            continue;
        }
        if tag.chars().count() > MAX_TAG {
            return Err("Keep each tag under 32 characters.");
        }
        tags.push(tag);
    }
    if tags.len() > MAX_TAGS {
        return Err("Use at most 8 tags.");
    }
    Ok(tags)
}

/// "Customer Support!" → "customer-support".
pub fn normalise_tag(raw: &str) -> String {
    let lowered = raw.trim().to_lowercase();
    let words: Vec<String> = lowered
        .split(|c: char| c.is_whitespace() || c == '-' || c == '_' || c == '/')
        .map(|w| {
            w.chars()
                .filter(|c| c.is_alphanumeric())
                .collect::<String>()
        })
        .filter(|w| !w.is_empty())
        .collect();
    words.join("-")
}

/// A closing note as typed, before it is checked.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NoteInput<'a> {
    pub score: &'a str,
    pub went_well: &'a str,
    pub went_badly: &'a str,
    pub lessons: &'a str,
    pub tags: &'a str,
}

/// A closing note that passed every check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Note {
    pub score: f64,
    pub went_well: String,
    pub went_badly: String,
    pub lessons: String,
    pub tags: Vec<String>,
}

/// A field of the closing form and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteError {
    pub field: &'static str,
    pub message: String,
}

fn note_error(field: &'static str, message: impl Into<String>) -> NoteError {
    NoteError {
        field,
        message: message.into(),
    }
}

/// Checks a closing note: a score, something about what happened (what went
/// well or what did not), and the lessons learned — closing without a note
/// is refused.
pub fn validate_note(input: &NoteInput) -> Result<Note, NoteError> {
    let score = parse_score(input.score).map_err(|m| note_error("score", m))?;
    let text = |field: &'static str, raw: &str| -> Result<String, NoteError> {
        let value = raw.trim();
        if value.chars().count() > MAX_NOTE_TEXT {
            return Err(note_error(
                field,
                format!("Use at most {MAX_NOTE_TEXT} characters."),
            ));
        }
        Ok(value.to_owned())
    };
    let went_well = text("went_well", input.went_well)?;
    let went_badly = text("went_badly", input.went_badly)?;
    let lessons = text("lessons", input.lessons)?;
    if went_well.is_empty() && went_badly.is_empty() {
        return Err(note_error(
            "went_well",
            "Say what went well or what did not: a closing note tells what happened.",
        ));
    }
    if lessons.is_empty() {
        return Err(note_error(
            "lessons",
            "Write down what was learned: it is what the next team will search for.",
        ));
    }
    let tags = parse_tags(input.tags).map_err(|m| note_error("tags", m))?;
    Ok(Note {
        score,
        went_well,
        went_badly,
        lessons,
        tags,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ObjectiveKind::{Aspirational, Committed};

    #[test]
    fn scores_are_judged_against_the_kind() {
        let cases = [
            (Aspirational, 0.7, Verdict::Success),
            (Aspirational, 0.69, Verdict::Success), // shown as 0.7
            (Aspirational, 0.64, Verdict::Short),
            (Aspirational, 1.0, Verdict::Success),
            (Aspirational, 0.4, Verdict::Short),
            (Aspirational, 0.3, Verdict::Missed),
            (Committed, 1.0, Verdict::Success),
            (Committed, 0.96, Verdict::Success),
            (Committed, 0.9, Verdict::Short),
            (Committed, 0.7, Verdict::Short),
            (Committed, 0.6, Verdict::Missed),
            (Committed, 0.0, Verdict::Missed),
        ];
        for (kind, score, expected) in cases {
            assert_eq!(verdict(kind, score), expected, "{kind:?} {score}");
        }
        assert!(achieved(Aspirational, 0.7));
        assert!(!achieved(Committed, 0.7));
    }

    #[test]
    fn judgements_in_words() {
        assert_eq!(
            judgement(Aspirational, 0.7),
            "0.7 — a success for an aspirational goal"
        );
        assert_eq!(
            judgement(Committed, 0.8),
            "0.8 — short of the 1.0 a committed goal promises"
        );
        assert_eq!(
            judgement(Aspirational, 0.2),
            "0.2 — far short of the 0.7 an aspirational goal aims for"
        );
        assert_eq!(format_score(0.449), "0.4");
        assert_eq!(format_score(1.0), "1.0");
    }

    #[test]
    fn scores_from_the_form() {
        assert_eq!(parse_score("0.7"), Ok(0.7));
        assert_eq!(parse_score(" 0,7 "), Ok(0.7));
        assert_eq!(parse_score(".5"), Ok(0.5));
        assert_eq!(parse_score("1"), Ok(1.0));
        assert_eq!(parse_score("70%"), Ok(0.7));
        for bad in ["", "seven", "1.1", "-0.1", "NaN", "inf", "170%"] {
            assert!(parse_score(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn tags_are_normalised() {
        assert_eq!(
            parse_tags("Customer Support, hiring,  , HIRING, on_call/rota"),
            Ok(vec![
                "customer-support".to_owned(),
                "hiring".to_owned(),
                "on-call-rota".to_owned()
            ])
        );
        assert_eq!(
            parse_tags("<script>, \"x\""),
            Ok(vec!["script".into(), "x".into()])
        );
        assert_eq!(
            parse_tags("Über Qualität"),
            Ok(vec!["über-qualität".into()])
        );
        assert!(parse_tags("a,b,c,d,e,f,g,h,i").is_err());
        assert!(parse_tags(&"x".repeat(33)).is_err());
        assert_eq!(parse_tags(""), Ok(vec![]));
    }

    #[test]
    fn a_note_says_what_happened_and_what_was_learned() {
        let full = NoteInput {
            score: "0.6",
            went_well: "Shipped the cache",
            went_badly: "",
            lessons: "Measure before optimising",
            tags: "performance",
        };
        let note = validate_note(&full).unwrap();
        assert_eq!(note.score, 0.6);
        assert_eq!(note.tags, vec!["performance".to_owned()]);

        let nothing_happened = NoteInput {
            went_well: " ",
            ..full.clone()
        };
        assert_eq!(
            validate_note(&nothing_happened).unwrap_err().field,
            "went_well"
        );
        let no_lessons = NoteInput {
            lessons: "",
            ..full.clone()
        };
        assert_eq!(validate_note(&no_lessons).unwrap_err().field, "lessons");
        let too_long = "x".repeat(MAX_NOTE_TEXT + 1);
        let long = NoteInput {
            went_badly: &too_long,
            ..full.clone()
        };
        assert_eq!(validate_note(&long).unwrap_err().field, "went_badly");
        let bad_score = NoteInput { score: "2", ..full };
        assert_eq!(validate_note(&bad_score).unwrap_err().field, "score");
    }
}
