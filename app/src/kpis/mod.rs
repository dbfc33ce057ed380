//! KPIs beside the OKRs: the health metrics of business as usual, with
//! thresholds, readings (typed, pasted as CSV or pushed through the API),
//! a status and a flag from the rules in [`crate::domain::kpi`], and the
//! objective a flagged KPI suggests.
//!
//! Everyone signed in sees every KPI; leads of the owning unit (and of the
//! units above it) and the ambassador define and change them; the KPI's
//! owner also records its readings.

// The server functions take a form's fields one by one: that is how a
// browser form posts them, and each field names its own error.
#![allow(clippy::too_many_arguments)]

mod chart;
mod detail;
mod form;
mod live;
mod page;
#[cfg(feature = "ssr")]
pub mod ssr;
mod suggest;

pub use chart::{KpiChart, Sparkline};
pub use detail::KpiPage;
pub use page::{KpiListPage, UnitKpis};
pub use suggest::FromKpiForm;

use crate::domain::kpi::{self, Cadence, Direction, Flag, Health, Thresholds};
use crate::domain::validation::parse_number;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub const MAX_NAME: usize = 120;
pub const MAX_DESCRIPTION: usize = 2000;
pub const MAX_UNIT_LABEL: usize = 20;
pub const MAX_NOTE: usize = 500;
/// Readings shown on a list's sparkline.
pub const SPARKLINE_READINGS: usize = 12;

/// One reading as pages show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KpiReading {
    /// `YYYY-MM-DD`.
    pub on: String,
    pub value: f64,
    pub note: String,
    /// Who recorded it: a person's name or "<token name> (API)".
    pub by: String,
    pub health: Health,
}

/// A KPI with its status, as the list and its page show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Kpi {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub unit_label: String,
    pub unit_id: i64,
    /// The owning unit's path, "Engineering › Platform".
    pub unit: String,
    pub owner_id: i64,
    pub owner: String,
    pub direction: Direction,
    pub healthy: f64,
    pub critical: f64,
    pub cadence: Cadence,
    pub version: i64,
    /// The latest reading's health; `None` before the first reading.
    pub health: Option<Health>,
    pub flag: Option<Flag>,
    /// The last readings, oldest first (all of them on the KPI's page).
    pub readings: Vec<KpiReading>,
    /// Whether the caller may change the definition / record readings.
    pub can_edit: bool,
    pub can_record: bool,
}

impl Kpi {
    pub fn thresholds(&self) -> Thresholds {
        Thresholds {
            direction: self.direction,
            healthy: self.healthy,
            critical: self.critical,
        }
    }

    pub fn latest(&self) -> Option<&KpiReading> {
        self.readings.last()
    }

    /// A value with the KPI's unit label: "42 min", "93 %".
    pub fn with_unit(&self, value: f64) -> String {
        crate::domain::kpi::value_with_unit(value, &self.unit_label)
    }

    /// "Healthy at 4 h or less; critical at 8 h or more."
    pub fn bands(&self) -> String {
        let (better, worse) = match self.direction {
            Direction::HigherIsBetter => ("or more", "or less"),
            Direction::LowerIsBetter => ("or less", "or more"),
        };
        format!(
            "Healthy at {} {better}; critical at {} {worse}.",
            self.with_unit(self.healthy),
            self.with_unit(self.critical)
        )
    }
}

/// A replaced reading, kept in the KPI's history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReplacedReading {
    pub on: String,
    pub value: f64,
    pub by: String,
    pub replaced_at: String,
}

/// A key result that takes its value from this KPI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkedKeyResult {
    pub objective_id: String,
    pub objective: String,
    pub key_result: String,
    pub cycle: String,
}

/// What "Create an objective from this KPI" fills in on the board.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Suggestion {
    /// The cycle whose board the form opens on.
    pub cycle_id: i64,
    pub title: String,
    pub why_important: String,
    pub key_result_title: String,
    pub start: f64,
    pub target: f64,
}

/// A KPI's own page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KpiDetail {
    pub kpi: Kpi,
    pub replaced: Vec<ReplacedReading>,
    pub linked: Vec<LinkedKeyResult>,
    /// For a flagged KPI while a cycle runs.
    pub suggestion: Option<Suggestion>,
    /// For the edit form: units the caller may give it to, and people.
    pub units: Vec<Choice>,
    pub people: Vec<Choice>,
    /// The organisation's day: the newest date a reading may carry.
    pub today: String,
}

/// A unit or person offered by the KPI form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    pub id: i64,
    pub label: String,
}

/// The KPI list, and what the caller may do there.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KpiList {
    pub kpis: Vec<Kpi>,
    /// Units the caller may define KPIs for (empty: no "New KPI").
    pub units: Vec<Choice>,
    pub people: Vec<Choice>,
}

/// What the KPI socket (`/ws/kpis`) tells open KPI pages and lists.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum KpiMessage {
    /// Sent first on every connection: after a reconnect, the page fetches
    /// what it may have missed.
    Hello,
    /// Changes may have been missed (a slow socket, or an instance that
    /// was not listening to the others for a while): fetch everything again.
    Missed,
    /// KPI `id` has a new reading or definition: its version is now `version`.
    Changed { id: i64, version: i64 },
    /// The session behind the socket ended.
    SessionEnded { reason: crate::live::SessionEnd },
}

/// The KPI form as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KpiInput {
    pub name: String,
    pub description: String,
    pub unit_label: String,
    pub unit_id: String,
    pub owner_id: String,
    pub direction: String,
    pub healthy: String,
    pub critical: String,
    pub cadence: String,
}

/// A KPI definition that passed every rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Definition {
    pub name: String,
    pub description: String,
    pub unit_label: String,
    pub unit_id: i64,
    pub owner_id: i64,
    pub thresholds: Thresholds,
    pub cadence: Cadence,
}

fn text(field: &str, raw: &str, max: usize, required: bool) -> Result<String, AppError> {
    let value = raw.trim();
    if required && value.is_empty() {
        return Err(AppError::invalid(field, "Fill this in."));
    }
    if value.chars().count() > max {
        return Err(AppError::invalid(
            field,
            format!("Keep it to {max} characters."),
        ));
    }
    Ok(value.to_owned())
}

fn id(field: &str, raw: &str, what: &str) -> Result<i64, AppError> {
    raw.trim()
        .parse()
        .map_err(|_| AppError::invalid(field, format!("Choose {what}.")))
}

impl KpiInput {
    /// Every field checked, the first wrong one named.
    pub fn parse(&self) -> Result<Definition, AppError> {
        let name = text("name", &self.name, MAX_NAME, true)?;
        let description = text("description", &self.description, MAX_DESCRIPTION, false)?;
        let unit_label = text("unit_label", &self.unit_label, MAX_UNIT_LABEL, false)?;
        let unit_id = id("unit_id", &self.unit_id, "the unit that owns it")?;
        let owner_id = id("owner_id", &self.owner_id, "who owns it")?;
        let direction = Direction::parse(&self.direction).ok_or_else(|| {
            AppError::invalid("direction", "Choose whether higher or lower is better.")
        })?;
        let thresholds = Thresholds {
            direction,
            healthy: parse_number("healthy", &self.healthy)?,
            critical: parse_number("critical", &self.critical)?,
        };
        thresholds
            .check()
            .map_err(|e| AppError::invalid("healthy", e.to_string()))?;
        let cadence = Cadence::parse(&self.cadence)
            .ok_or_else(|| AppError::invalid("cadence", "Choose how often it is read."))?;
        Ok(Definition {
            name,
            description,
            unit_label,
            unit_id,
            owner_id,
            thresholds,
            cadence,
        })
    }
}

/// A reading typed in the inline form, checked.
pub fn parse_reading(on: &str, value: &str, note: &str) -> Result<kpi::Reading, AppError> {
    let on = crate::cycles::parse_date("on", on)?;
    let value = parse_number("value", value)?;
    text("note", note, MAX_NOTE, false)?;
    Ok(kpi::Reading { on, value })
}

#[server(endpoint = "list_kpis")]
pub async fn list_kpis() -> Result<KpiList, AppError> {
    use crate::error::ssr::reply;
    ssr::list().await.map_err(reply)
}

#[server(endpoint = "unit_kpis")]
pub async fn unit_kpis(unit_id: i64) -> Result<Vec<Kpi>, AppError> {
    use crate::error::ssr::reply;
    ssr::of_unit(unit_id).await.map_err(reply)
}

#[server(endpoint = "get_kpi")]
pub async fn get_kpi(id: i64) -> Result<KpiDetail, AppError> {
    use crate::error::ssr::reply;
    ssr::detail(id).await.map_err(reply)
}

/// Creates a KPI (`id` empty) or changes one, from the `version` the form
/// was opened on. Flat fields, so the form works before the WebAssembly loads.
#[server(endpoint = "save_kpi")]
pub async fn save_kpi(
    id: String,
    version: String,
    name: String,
    description: String,
    unit_label: String,
    unit_id: String,
    owner_id: String,
    direction: String,
    healthy: String,
    critical: String,
    cadence: String,
) -> Result<Kpi, AppError> {
    use crate::error::ssr::reply;
    let input = KpiInput {
        name,
        description,
        unit_label,
        unit_id,
        owner_id,
        direction,
        healthy,
        critical,
        cadence,
    };
    let id = id.trim().parse().ok();
    let version = version.trim().parse().ok();
    ssr::save(id, version, input).await.map_err(reply)
}

#[server(endpoint = "add_kpi_reading")]
pub async fn add_kpi_reading(
    kpi_id: i64,
    on: String,
    value: String,
    note: String,
) -> Result<Kpi, AppError> {
    use crate::error::ssr::reply;
    ssr::readings::add_one(kpi_id, &on, &value, &note)
        .await
        .map_err(reply)
}

/// Readings pasted as CSV: all stored, or none when a line is wrong (the
/// error names every wrong line).
#[server(endpoint = "paste_kpi_readings")]
pub async fn paste_kpi_readings(kpi_id: i64, csv: String) -> Result<Kpi, AppError> {
    use crate::error::ssr::reply;
    ssr::readings::paste(kpi_id, &csv).await.map_err(reply)
}

/// "Create an objective from this KPI", as the prefilled board form sends
/// it: a draft objective for `unit_id` with its why, and a key result from
/// `start` to `target` that follows KPI `kpi_id`. `id` is the client's, so a
/// retried submission is applied once.
#[server(endpoint = "create_objective_from_kpi")]
pub async fn create_objective_from_kpi(
    id: String,
    cycle_id: i64,
    kpi_id: i64,
    unit_id: String,
    title: String,
    why_important: String,
    key_result_title: String,
    start: String,
    target: String,
) -> Result<crate::objectives::Objective, AppError> {
    use crate::error::ssr::reply;
    ssr::objective::create(ssr::objective::FromKpi {
        id: &id,
        cycle_id,
        kpi_id,
        unit_id: &unit_id,
        title: &title,
        why_important: &why_important,
        key_result_title: &key_result_title,
        start: &start,
        target: &target,
    })
    .await
    .map_err(reply)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> KpiInput {
        KpiInput {
            name: "Average reply time".into(),
            description: String::new(),
            unit_label: "h".into(),
            unit_id: "3".into(),
            owner_id: "7".into(),
            direction: "lower".into(),
            healthy: "4".into(),
            critical: "8".into(),
            cadence: "daily".into(),
        }
    }

    #[test]
    fn a_good_definition_parses() {
        let definition = input().parse().unwrap();
        assert_eq!(definition.thresholds.direction, Direction::LowerIsBetter);
        assert_eq!(definition.cadence, Cadence::Daily);
        assert_eq!(definition.unit_id, 3);
    }

    #[test]
    fn each_wrong_field_is_named() {
        type Case = (fn(&mut KpiInput), &'static str);
        let cases: [Case; 7] = [
            (|i| i.name = "  ".into(), "name"),
            (|i| i.name = "x".repeat(MAX_NAME + 1), "name"),
            (|i| i.unit_id = String::new(), "unit_id"),
            (|i| i.direction = "sideways".into(), "direction"),
            (|i| i.healthy = "four".into(), "healthy"),
            // Lower is better, so healthy must be below critical.
            (|i| i.healthy = "9".into(), "healthy"),
            (|i| i.cadence = "hourly".into(), "cadence"),
        ];
        for (change, field) in cases {
            let mut wrong = input();
            change(&mut wrong);
            let error = wrong.parse().unwrap_err();
            assert!(error.field_message(field).is_some(), "{field}: {error:?}");
        }
    }

    #[test]
    fn bands_read_in_the_kpi_s_direction() {
        let definition = input().parse().unwrap();
        let kpi = Kpi {
            id: 1,
            name: definition.name,
            description: String::new(),
            unit_label: "h".into(),
            unit_id: 3,
            unit: "Support".into(),
            owner_id: 7,
            owner: "Sam".into(),
            direction: Direction::LowerIsBetter,
            healthy: 4.0,
            critical: 8.0,
            cadence: Cadence::Daily,
            version: 1,
            health: None,
            flag: None,
            readings: Vec::new(),
            can_edit: false,
            can_record: false,
        };
        assert_eq!(
            kpi.bands(),
            "Healthy at 4 h or less; critical at 8 h or more."
        );
        let csat = Kpi {
            direction: Direction::HigherIsBetter,
            unit_label: "%".into(),
            healthy: 90.0,
            critical: 80.0,
            ..kpi
        };
        assert_eq!(
            csat.bands(),
            "Healthy at 90% or more; critical at 80% or less."
        );
    }
}
