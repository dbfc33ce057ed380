//! Cycles (usually quarters) and the organisation's OKR settings. Everyone
//! sees them; the ambassador creates and edits them.

mod page;
#[cfg(feature = "ssr")]
pub mod ssr;

pub use page::{CyclesPage, PhaseBadge};

use crate::domain::cycles::{Calendar, CalendarError, Phase};
use crate::domain::okr::StretchPhase;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use time::Date;
use time::macros::format_description;

/// A cycle with its phase on the day it was loaded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cycle {
    pub id: i64,
    pub name: String,
    /// First day, `YYYY-MM-DD`.
    pub start: String,
    /// Last day, `YYYY-MM-DD`.
    pub end: String,
    pub planning_days: i64,
    pub retro_days: i64,
    pub phase: Phase,
    pub days_left: i64,
    /// Set once the ambassador marked the cycle complete.
    #[serde(default)]
    pub completed: Option<Completion>,
}

/// Who marked a cycle complete, and the day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Completion {
    /// `YYYY-MM-DD`.
    pub on: String,
    pub by: String,
}

impl Cycle {
    /// Its calendar, for the rules that need dates.
    pub fn calendar(&self) -> Result<Calendar, AppError> {
        Ok(Calendar {
            start: parse_date("start", &self.start)?,
            end: parse_date("end", &self.end)?,
            planning_days: self.planning_days,
            retro_days: self.retro_days,
        })
    }

    /// "1 Jul – 30 Sep 2026".
    pub fn span(&self) -> String {
        match (
            parse_date("start", &self.start),
            parse_date("end", &self.end),
        ) {
            (Ok(start), Ok(end)) => format!("{} – {}", short_date(start), long_date(end)),
            _ => format!("{} – {}", self.start, self.end),
        }
    }
}

/// The cycles and the organisation's settings, for the cycles page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CycleOverview {
    pub cycles: Vec<Cycle>,
    pub stretch_phase: StretchPhase,
}

/// Parses a `YYYY-MM-DD` form field.
pub fn parse_date(field: &str, raw: &str) -> Result<Date, AppError> {
    Date::parse(raw.trim(), format_description!("[year]-[month]-[day]"))
        .map_err(|_| AppError::invalid(field, "Enter a date (YYYY-MM-DD)."))
}

/// Parses a number of days from a form field.
pub fn parse_days(field: &str, raw: &str) -> Result<i64, AppError> {
    raw.trim()
        .parse::<i64>()
        .map_err(|_| AppError::invalid(field, "Enter a whole number of days."))
}

/// Builds and checks a calendar from form fields, naming the field at fault.
pub fn calendar_from_form(
    start: &str,
    end: &str,
    planning_days: &str,
    retro_days: &str,
) -> Result<Calendar, AppError> {
    let calendar = Calendar {
        start: parse_date("start", start)?,
        end: parse_date("end", end)?,
        planning_days: parse_days("planning_days", planning_days)?,
        retro_days: parse_days("retro_days", retro_days)?,
    };
    calendar.validate().map_err(|error| {
        let field = match error {
            CalendarError::EndBeforeStart | CalendarError::TooLong => "end",
            CalendarError::NoExecution | CalendarError::WindowOutOfRange => "planning_days",
        };
        AppError::invalid(field, error.to_string())
    })?;
    Ok(calendar)
}

fn short_date(date: Date) -> String {
    format!("{} {}", date.day(), &date.month().to_string()[..3])
}

fn long_date(date: Date) -> String {
    format!("{} {}", short_date(date), date.year())
}

#[server(endpoint = "list_cycles")]
pub async fn list_cycles() -> Result<CycleOverview, AppError> {
    use crate::error::ssr::reply;
    ssr::list_cycles().await.map_err(reply)
}

#[server(endpoint = "create_cycle")]
pub async fn create_cycle(
    name: String,
    start: String,
    end: String,
    planning_days: String,
    retro_days: String,
) -> Result<Cycle, AppError> {
    use crate::error::ssr::reply;
    ssr::save_cycle(None, &name, &start, &end, &planning_days, &retro_days)
        .await
        .map_err(reply)
}

#[server(endpoint = "update_cycle")]
pub async fn update_cycle(
    cycle_id: i64,
    name: String,
    start: String,
    end: String,
    planning_days: String,
    retro_days: String,
) -> Result<Cycle, AppError> {
    use crate::error::ssr::reply;
    ssr::save_cycle(
        Some(cycle_id),
        &name,
        &start,
        &end,
        &planning_days,
        &retro_days,
    )
    .await
    .map_err(reply)
}

/// Sets how far the organisation is with stretch goals.
#[server(endpoint = "set_stretch_phase")]
pub async fn set_stretch_phase(phase: StretchPhase) -> Result<(), AppError> {
    use crate::error::ssr::reply;
    ssr::set_stretch_phase(phase).await.map_err(reply)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_fields_become_a_calendar_or_a_field_error() {
        assert!(calendar_from_form("2026-07-01", "2026-09-30", "14", "7").is_ok());
        let field = |r: Result<Calendar, AppError>| match r {
            Err(AppError::Invalid { field, .. }) => field,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            field(calendar_from_form("July", "2026-09-30", "14", "7")),
            "start"
        );
        assert_eq!(
            field(calendar_from_form("2026-07-01", "2026-02-30", "14", "7")),
            "end"
        );
        assert_eq!(
            field(calendar_from_form("2026-07-01", "2026-06-30", "14", "7")),
            "end"
        );
        assert_eq!(
            field(calendar_from_form("2026-07-01", "2026-09-30", "two", "7")),
            "planning_days"
        );
        assert_eq!(
            field(calendar_from_form("2026-07-01", "2026-09-30", "14", "")),
            "retro_days"
        );
        assert_eq!(
            field(calendar_from_form("2026-07-01", "2026-07-10", "14", "7")),
            "planning_days"
        );
    }

    #[test]
    fn spans_read_naturally() {
        let cycle = Cycle {
            id: 1,
            name: "Q3".into(),
            start: "2026-07-01".into(),
            end: "2026-09-30".into(),
            planning_days: 14,
            retro_days: 7,
            phase: Phase::Planning,
            days_left: 90,
            completed: None,
        };
        assert_eq!(cycle.span(), "1 Jul – 30 Sep 2026");
    }
}
