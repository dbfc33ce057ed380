//! KPIs: health metrics of business as usual, beside the OKRs. A KPI's
//! latest reading against its thresholds says whether it is healthy; a KPI
//! that stays unhealthy, turns critical or goes unread is **flagged** — the
//! moment the guide names for an objective — and one that comes back to
//! healthy is worth celebrating.

use serde::{Deserialize, Serialize};
use time::Date;
use time::macros::format_description;

/// Most lines one pasted CSV may hold.
pub const MAX_CSV_LINES: usize = 1000;

/// Which way is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Direction {
    #[serde(rename = "higher")]
    HigherIsBetter,
    #[serde(rename = "lower")]
    LowerIsBetter,
}

impl Direction {
    /// As stored: `higher` or `lower`.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::HigherIsBetter => "higher",
            Direction::LowerIsBetter => "lower",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw.trim() {
            "higher" => Some(Direction::HigherIsBetter),
            "lower" => Some(Direction::LowerIsBetter),
            _ => None,
        }
    }

    pub fn words(self) -> &'static str {
        match self {
            Direction::HigherIsBetter => "Higher is better",
            Direction::LowerIsBetter => "Lower is better",
        }
    }
}

impl Cadence {
    pub const ALL: [Cadence; 3] = [Cadence::Daily, Cadence::Weekly, Cadence::Monthly];

    /// As stored: `daily`, `weekly` or `monthly`.
    pub fn as_str(self) -> &'static str {
        match self {
            Cadence::Daily => "daily",
            Cadence::Weekly => "weekly",
            Cadence::Monthly => "monthly",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Cadence::ALL.into_iter().find(|c| c.as_str() == raw.trim())
    }
}

impl Health {
    pub fn as_str(self) -> &'static str {
        match self {
            Health::Healthy => "healthy",
            Health::Warning => "warning",
            Health::Critical => "critical",
        }
    }

    pub fn words(self) -> &'static str {
        match self {
            Health::Healthy => "Healthy",
            Health::Warning => "Warning",
            Health::Critical => "Critical",
        }
    }
}

/// How often a KPI is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cadence {
    Daily,
    Weekly,
    Monthly,
}

impl Cadence {
    /// Its length in days; a month counts as its longest, 31 days, so a
    /// monthly KPI read on the 31st is not stale early in a short month.
    pub fn days(self) -> i64 {
        match self {
            Cadence::Daily => 1,
            Cadence::Weekly => 7,
            Cadence::Monthly => 31,
        }
    }
}

/// Where healthy ends and where critical begins, in the KPI's direction:
/// for "higher is better", a value at or above `healthy` is healthy, at or
/// below `critical` critical, and warning between; the other way round for
/// "lower is better".
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Thresholds {
    pub direction: Direction,
    pub healthy: f64,
    pub critical: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Health {
    Healthy,
    Warning,
    Critical,
}

/// Why thresholds cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ThresholdError {
    #[error("When higher is better, the healthy threshold must be above the critical one.")]
    HigherNeedsHealthyAbove,
    #[error("When lower is better, the healthy threshold must be below the critical one.")]
    LowerNeedsHealthyBelow,
    #[error("Thresholds must be numbers.")]
    NotFinite,
}

impl Thresholds {
    pub fn check(&self) -> Result<(), ThresholdError> {
        if !self.healthy.is_finite() || !self.critical.is_finite() {
            return Err(ThresholdError::NotFinite);
        }
        match self.direction {
            Direction::HigherIsBetter if self.healthy <= self.critical => {
                Err(ThresholdError::HigherNeedsHealthyAbove)
            }
            Direction::LowerIsBetter if self.healthy >= self.critical => {
                Err(ThresholdError::LowerNeedsHealthyBelow)
            }
            _ => Ok(()),
        }
    }

    /// The health of one value; a value exactly on a threshold belongs to
    /// the side the threshold names (on `healthy` is healthy, on
    /// `critical` is critical).
    pub fn health(&self, value: f64) -> Health {
        let (at_least_healthy, at_most_critical) = match self.direction {
            Direction::HigherIsBetter => (value >= self.healthy, value <= self.critical),
            Direction::LowerIsBetter => (value <= self.healthy, value >= self.critical),
        };
        if at_least_healthy {
            Health::Healthy
        } else if at_most_critical {
            Health::Critical
        } else {
            Health::Warning
        }
    }
}

/// One reading: a value on a day.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Reading {
    pub on: Date,
    pub value: f64,
}

/// Why a KPI is flagged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Flag {
    /// Its latest reading is critical.
    Critical,
    /// Its latest reading is a warning, and so was (or worse) the one before.
    WarningTwice,
    /// No reading within twice its cadence (or none at all since it was
    /// made that long ago).
    Stale,
}

impl Flag {
    pub fn words(self) -> &'static str {
        match self {
            Flag::Critical => "critical",
            Flag::WarningTwice => "warning twice in a row",
            Flag::Stale => "no recent reading",
        }
    }
}

/// Whether a KPI is flagged on `today`, given its readings in date order
/// (one per date) and the day it was made. Critical comes first, then two
/// warnings, then staleness.
pub fn flag(
    thresholds: &Thresholds,
    cadence: Cadence,
    readings: &[Reading],
    made_on: Date,
    today: Date,
) -> Option<Flag> {
    let latest = readings.last();
    match latest.map(|r| thresholds.health(r.value)) {
        Some(Health::Critical) => return Some(Flag::Critical),
        Some(Health::Warning)
            if readings.len() >= 2
                && thresholds.health(readings[readings.len() - 2].value) != Health::Healthy =>
        {
            return Some(Flag::WarningTwice);
        }
        _ => {}
    }
    let since = latest.map_or(made_on, |r| r.on);
    ((today - since).whole_days() > 2 * cadence.days()).then_some(Flag::Stale)
}

/// Whether `next` brings a KPI flagged for its health (critical or two
/// warnings) back to healthy: the moment to celebrate. A KPI that was only
/// stale was not unhealthy, so a healthy reading after a silence is no
/// recovery.
pub fn recovers(thresholds: &Thresholds, before: &[Reading], next: Reading) -> bool {
    if thresholds.health(next.value) != Health::Healthy {
        return false;
    }
    let earlier: Vec<Reading> = before.iter().copied().filter(|r| r.on < next.on).collect();
    let Some(last) = earlier.last() else {
        return false;
    };
    match thresholds.health(last.value) {
        Health::Critical => true,
        Health::Warning => {
            earlier.len() >= 2
                && thresholds.health(earlier[earlier.len() - 2].value) != Health::Healthy
        }
        Health::Healthy => false,
    }
}

/// An error in a pasted CSV, by line (1 = the first line pasted).
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
        let Some(value) = super::validation::number(value) else {
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

/// What "Create an objective from this KPI" fills in.
#[derive(Debug, Clone, PartialEq)]
pub struct ObjectiveFromKpi {
    pub title: String,
    pub why_important: String,
    pub key_result_title: String,
    /// From the latest value to the healthy threshold.
    pub start: f64,
    pub target: f64,
}

/// A value with its unit label: "42 min", "93%" (a percent sign sticks to
/// its number), "17" without a label.
pub fn value_with_unit(value: f64, unit_label: &str) -> String {
    let number = super::progress::format_number(value);
    match unit_label {
        "" => number,
        "%" => format!("{number}%"),
        label => format!("{number} {label}"),
    }
}

/// The prefilled objective for a flagged KPI named `name` (measured in
/// `unit_label`), from its readings in date order.
pub fn objective_from(
    name: &str,
    unit_label: &str,
    thresholds: &Thresholds,
    readings: &[Reading],
    flag: Flag,
) -> ObjectiveFromKpi {
    let lowered = lower_first(name.trim());
    let with_unit = |v: f64| value_with_unit(v, unit_label);
    let recent: Vec<String> = readings
        .iter()
        .rev()
        .take(3)
        .rev()
        .map(|r| format!("{}: {}", r.on, with_unit(r.value)))
        .collect();
    let healthy = with_unit(thresholds.healthy);
    let why_important = if recent.is_empty() {
        format!(
            "{name} has had no reading for too long: we do not know whether it is healthy (healthy is {healthy})."
        )
    } else {
        format!(
            "{name} is {} ({}); healthy is {healthy}.",
            flag.words(),
            recent.join(", ")
        )
    };
    ObjectiveFromKpi {
        title: format!("Bring {lowered} back to healthy"),
        why_important,
        key_result_title: format!("{name} at {healthy}"),
        start: readings.last().map_or(thresholds.critical, |r| r.value),
        target: thresholds.healthy,
    }
}

/// "Average reply time" → "average reply time", leaving acronyms ("CSAT") alone.
fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    match (chars.next(), chars.clone().next()) {
        (Some(first), Some(second)) if first.is_uppercase() && second.is_lowercase() => {
            first.to_lowercase().chain(chars).collect()
        }
        _ => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
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
        let weekly =
            |readings: &[Reading]| flag(&REPLY_TIME, Cadence::Weekly, readings, made, today);
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
}
