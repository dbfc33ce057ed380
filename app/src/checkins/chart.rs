//! A key result's history as an SVG drawn by the app itself: its value at
//! each check-in against the straight line from start to target across
//! execution, and confidence (0–10) as a second, lighter series.

use super::CheckIn;
use crate::cycles::{Cycle, parse_date};
use crate::domain::okr::MetricKind;
use crate::domain::progress::format_number;
use crate::objectives::KeyResult;
use leptos::prelude::*;
use time::Date;

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 200.0;
/// Room for the value axis on the left, confidence on the right, dates below.
const LEFT: f64 = 56.0;
const RIGHT: f64 = 40.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 28.0;

/// Where a chart's points go, in SVG units.
struct Scale {
    from: Date,
    days: f64,
    low: f64,
    high: f64,
}

impl Scale {
    fn x(&self, day: Date) -> f64 {
        let offset = (day - self.from).whole_days() as f64;
        LEFT + (offset / self.days).clamp(0.0, 1.0) * (WIDTH - LEFT - RIGHT)
    }

    fn y(&self, value: f64) -> f64 {
        let span = self.high - self.low;
        let share = if span == 0.0 {
            0.5
        } else {
            (value - self.low) / span
        };
        TOP + (1.0 - share.clamp(0.0, 1.0)) * (HEIGHT - TOP - BOTTOM)
    }

    fn y_confidence(&self, confidence: u8) -> f64 {
        TOP + (1.0 - f64::from(confidence) / 10.0) * (HEIGHT - TOP - BOTTOM)
    }
}

fn points(coords: impl Iterator<Item = (f64, f64)>) -> String {
    coords
        .map(|(x, y)| format!("{x:.1},{y:.1}"))
        .collect::<Vec<_>>()
        .join(" ")
}

#[component]
pub fn HistoryChart(
    key_result: KeyResult,
    check_ins: Vec<CheckIn>,
    cycle: Cycle,
    today: String,
) -> impl IntoView {
    let (Ok(calendar), Ok(today)) = (cycle.calendar(), parse_date("today", &today)) else {
        return ().into_any();
    };
    let dated: Vec<(Date, &CheckIn)> = check_ins
        .iter()
        .filter_map(|c| parse_date("on", &c.on).ok().map(|d| (d, c)))
        .collect();
    let milestone = key_result.metric == MetricKind::Milestone;
    let (start, target) = if milestone {
        (0.0, 1.0)
    } else {
        (key_result.start, key_result.target)
    };
    let values = dated.iter().map(|(_, c)| c.value).chain([start, target]);
    let low = values.clone().fold(f64::INFINITY, f64::min);
    let high = values.fold(f64::NEG_INFINITY, f64::max);
    let scale = Scale {
        from: calendar.start,
        days: calendar.days().max(1) as f64,
        low,
        high,
    };
    let execution_end = if calendar.retro_days > 0 {
        calendar.retro_start()
    } else {
        calendar.end
    };
    let plan = format!(
        "{:.1},{:.1} {:.1},{:.1}",
        scale.x(calendar.execution_start()),
        scale.y(start),
        scale.x(execution_end),
        scale.y(target)
    );
    // The value line starts from the start value when execution began.
    let value_line = points(
        std::iter::once((scale.x(calendar.execution_start()), scale.y(start))).chain(
            dated
                .iter()
                .map(|(day, c)| (scale.x(*day), scale.y(c.value))),
        ),
    );
    let confidence_line = points(
        dated
            .iter()
            .map(|(day, c)| (scale.x(*day), scale.y_confidence(c.confidence))),
    );
    let shown = |v: f64| {
        if milestone {
            if v >= 1.0 { "Done" } else { "Not done" }.to_owned()
        } else {
            format_number(v)
        }
    };
    let value_dots = dated
        .iter()
        .map(|(day, c)| {
            let label = format!("{}: {} (confidence {}/10)", c.on, shown(c.value), c.confidence);
            view! {
                <circle class="chart-value-dot" cx=format!("{:.1}", scale.x(*day)) cy=format!("{:.1}", scale.y(c.value)) r="4">
                    <title>{label}</title>
                </circle>
            }
        })
        .collect_view();
    let confidence_dots = dated
        .iter()
        .map(|(day, c)| {
            view! {
                <circle class="chart-confidence-dot" cx=format!("{:.1}", scale.x(*day))
                    cy=format!("{:.1}", scale.y_confidence(c.confidence)) r="3"/>
            }
        })
        .collect_view();
    // A tick on the first of each month inside the cycle.
    let mut ticks = Vec::new();
    let mut month = calendar.start.replace_day(1).unwrap_or(calendar.start);
    while month <= calendar.end {
        if month >= calendar.start {
            ticks.push(month);
        }
        let year = if month.month() == time::Month::December {
            month.year() + 1
        } else {
            month.year()
        };
        match Date::from_calendar_date(year, month.month().next(), 1) {
            Ok(next) => month = next,
            Err(_) => break,
        }
    }
    let ticks = ticks
        .into_iter()
        .map(|day| {
            let x = format!("{:.1}", scale.x(day));
            view! {
                <line class="chart-grid" x1=x.clone() x2=x.clone() y1=TOP.to_string() y2=(HEIGHT - BOTTOM).to_string()/>
                <text class="chart-label" x=x y=(HEIGHT - 8.0).to_string() text-anchor="middle">
                    {day.month().to_string()[..3].to_owned()}
                </text>
            }
        })
        .collect_view();
    let today_x = format!("{:.1}", scale.x(today));
    let summary = format!(
        "{} check-ins. Start {}, target {}, latest {}.",
        dated.len(),
        shown(start),
        shown(target),
        dated
            .last()
            .map_or_else(|| "none yet".to_owned(), |(_, c)| shown(c.value))
    );
    view! {
        <figure class="history-chart">
            <svg viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img"
                aria-label=format!("History of {}", key_result.title)>
                <desc>{summary}</desc>
                {ticks}
                <line class="chart-axis" x1=LEFT.to_string() x2=LEFT.to_string() y1=TOP.to_string() y2=(HEIGHT - BOTTOM).to_string()/>
                <text class="chart-label" x=(LEFT - 6.0).to_string() y=format!("{:.1}", scale.y(target) + 4.0) text-anchor="end">{shown(target)}</text>
                <text class="chart-label" x=(LEFT - 6.0).to_string() y=format!("{:.1}", scale.y(start) + 4.0) text-anchor="end">{shown(start)}</text>
                <text class="chart-label chart-label-confidence" x=(WIDTH - RIGHT + 6.0).to_string() y=(TOP + 4.0).to_string()>"10"</text>
                <text class="chart-label chart-label-confidence" x=(WIDTH - RIGHT + 6.0).to_string() y=(HEIGHT - BOTTOM + 4.0).to_string()>"0"</text>
                <polyline class="chart-plan" points=plan/>
                <line class="chart-today" x1=today_x.clone() x2=today_x y1=TOP.to_string() y2=(HEIGHT - BOTTOM).to_string()/>
                <polyline class="chart-confidence" points=confidence_line/>
                {confidence_dots}
                <polyline class="chart-value" points=value_line/>
                {value_dots}
            </svg>
            <figcaption class="chart-legend">
                <span class="legend-value">"Value"</span>
                <span class="legend-plan">"Straight line to target"</span>
                <span class="legend-confidence">"Confidence (0–10, right)"</span>
            </figcaption>
        </figure>
    }
    .into_any()
}
