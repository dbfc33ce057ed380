//! The objective a flagged KPI suggests.

use super::{Flag, Reading, Thresholds};

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
    let number = crate::domain::progress::format_number(value);
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
