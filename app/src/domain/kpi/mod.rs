//! KPIs: health metrics of business as usual, beside the OKRs. A KPI's
//! latest reading against its thresholds says whether it is healthy; a KPI
//! that stays unhealthy, turns critical or goes unread is **flagged** — the
//! moment the guide names for an objective — and one that comes back to
//! healthy is worth celebrating.

use serde::{Deserialize, Serialize};
use time::Date;

mod csv;
mod objective;
#[cfg(test)]
mod tests;

pub use csv::{LineError, MAX_CSV_LINES, parse_csv};
pub use objective::{ObjectiveFromKpi, objective_from, value_with_unit};

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
