//! Readings pasted as CSV: every line valid, or none taken.

use super::Reading;
use time::Date;
use time::macros::format_description;

/// Most lines one pasted CSV may hold.
pub const MAX_CSV_LINES: usize = 1000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    pub line: usize,
    pub message: String,
}

/// Readings pasted as CSV, one `date,value` per line (a `;` or a tab also
/// separates; a decimal comma works after the first separator; a header
/// line and empty lines are skipped). Every line must be valid, or nothing
/// is taken: the errors name their lines.
pub fn parse_csv(text: &str) -> Result<Vec<Reading>, Vec<LineError>> {
    let mut readings: Vec<(usize, Reading)> = Vec::new();
    let mut errors = Vec::new();
    let lines: Vec<&str> = text.lines().collect();
    if lines.len() > MAX_CSV_LINES {
        return Err(vec![LineError {
            line: MAX_CSV_LINES + 1,
            message: format!("Paste at most {MAX_CSV_LINES} lines at once."),
        }]);
    }
    for (index, raw) in lines.iter().enumerate() {
        let number = index + 1;
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        let separator = [';', '\t', ','].into_iter().find(|s| line.contains(*s));
        let Some((date, value)) = separator.and_then(|s| line.split_once(s)) else {
            errors.push(LineError {
                line: number,
                message: "Write a date and a value, like 2026-11-30,42.".into(),
            });
            continue;
        };
        let date = date.trim().trim_matches('"');
        let Ok(on) = Date::parse(date, format_description!("[year]-[month]-[day]")) else {
            // A first line that is not a date is a header.
            if readings.is_empty() && errors.is_empty() && number == first_filled(&lines) {
                continue;
            }
            errors.push(LineError {
                line: number,
                message: format!("“{date}” is not a date (YYYY-MM-DD)."),
            });
            continue;
        };
        let value = value.trim().trim_matches('"');
        let Some(value) = crate::domain::validation::number(value) else {
            errors.push(LineError {
                line: number,
                message: format!("“{value}” is not a number."),
            });
            continue;
        };
        if let Some((earlier, _)) = readings.iter().find(|(_, r)| r.on == on) {
            errors.push(LineError {
                line: number,
                message: format!("{on} is already on line {earlier}: one reading per date."),
            });
            continue;
        }
        readings.push((number, Reading { on, value }));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut readings: Vec<Reading> = readings.into_iter().map(|(_, r)| r).collect();
    readings.sort_by_key(|r| r.on);
    Ok(readings)
}

fn first_filled(lines: &[&str]) -> usize {
    lines
        .iter()
        .position(|l| !l.trim().is_empty())
        .map_or(0, |i| i + 1)
}
