//! A KPI's readings drawn by the app over its threshold bands: a small
//! sparkline on the list and the full history on the KPI's page, in the
//! same style as the key-result charts.

use super::{Kpi, KpiReading};
use crate::cycles::parse_date;
use crate::domain::kpi::Direction;
use leptos::prelude::*;
use time::Date;

/// A chart's drawing area and value range, in SVG units.
struct Frame {
    width: f64,
    height: f64,
    left: f64,
    right: f64,
    top: f64,
    bottom: f64,
    low: f64,
    high: f64,
}

impl Frame {
    /// Room for every reading and both thresholds, with a margin so a band
    /// is never a hairline.
    fn new(
        kpi: &Kpi,
        readings: &[KpiReading],
        size: (f64, f64),
        pad: (f64, f64, f64, f64),
    ) -> Self {
        let values = readings
            .iter()
            .map(|r| r.value)
            .chain([kpi.healthy, kpi.critical]);
        let low = values.clone().fold(f64::INFINITY, f64::min);
        let high = values.fold(f64::NEG_INFINITY, f64::max);
        let margin = ((high - low) * 0.15).max(f64::EPSILON);
        Frame {
            width: size.0,
            height: size.1,
            left: pad.0,
            right: pad.1,
            top: pad.2,
            bottom: pad.3,
            low: low - margin,
            high: high + margin,
        }
    }

    fn y(&self, value: f64) -> f64 {
        let share = (value - self.low) / (self.high - self.low);
        self.top + (1.0 - share.clamp(0.0, 1.0)) * (self.height - self.top - self.bottom)
    }

    fn x(&self, index: usize, count: usize) -> f64 {
        let share = if count <= 1 {
            0.5
        } else {
            index as f64 / (count - 1) as f64
        };
        self.left + share * (self.width - self.left - self.right)
    }

    /// The healthy, warning and critical bands as (class, y, height).
    fn bands(&self, kpi: &Kpi) -> [(&'static str, f64, f64); 3] {
        let (healthy, critical) = (self.y(kpi.healthy), self.y(kpi.critical));
        let (top, bottom) = (self.top, self.height - self.bottom);
        match kpi.direction {
            // Healthy is up: the healthy band is above its line.
            Direction::HigherIsBetter => [
                ("band-healthy", top, healthy - top),
                ("band-warning", healthy, critical - healthy),
                ("band-critical", critical, bottom - critical),
            ],
            Direction::LowerIsBetter => [
                ("band-critical", top, critical - top),
                ("band-warning", critical, healthy - critical),
                ("band-healthy", healthy, bottom - healthy),
            ],
        }
    }
}

fn band_rects(frame: &Frame, kpi: &Kpi) -> impl IntoView + use<> {
    let width = format!("{:.1}", frame.width - frame.left - frame.right);
    let left = format!("{:.1}", frame.left);
    frame
        .bands(kpi)
        .into_iter()
        .map(|(class, y, height)| {
            view! {
                <rect class=format!("kpi-band {class}") x=left.clone() y=format!("{y:.1}")
                    width=width.clone() height=format!("{:.1}", height.max(0.0))/>
            }
        })
        .collect_view()
}

fn polyline(frame: &Frame, readings: &[KpiReading]) -> String {
    readings
        .iter()
        .enumerate()
        .map(|(i, r)| format!("{:.1},{:.1}", frame.x(i, readings.len()), frame.y(r.value)))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The last readings, small, for the KPI list.
#[component]
pub fn Sparkline(kpi: Kpi) -> impl IntoView {
    if kpi.readings.is_empty() {
        return view! { <span class="sparkline-empty">"No readings yet"</span> }.into_any();
    }
    let frame = Frame::new(&kpi, &kpi.readings, (120.0, 32.0), (2.0, 4.0, 3.0, 3.0));
    let last = kpi.readings.len() - 1;
    let latest = &kpi.readings[last];
    let label = format!(
        "{}: last {} readings, latest {} on {}",
        kpi.name,
        kpi.readings.len(),
        kpi.with_unit(latest.value),
        latest.on
    );
    view! {
        <svg class="sparkline" viewBox="0 0 120 32" role="img" aria-label=label>
            {band_rects(&frame, &kpi)}
            <polyline class="sparkline-line" points=polyline(&frame, &kpi.readings)/>
            <circle class=format!("sparkline-dot health-{}", latest.health.as_str())
                cx=format!("{:.1}", frame.x(last, kpi.readings.len()))
                cy=format!("{:.1}", frame.y(latest.value)) r="2.5"/>
        </svg>
    }
    .into_any()
}

/// Every reading over time with the threshold bands, on the KPI's page.
#[component]
pub fn KpiChart(kpi: Kpi) -> impl IntoView {
    let dated: Vec<(Date, &KpiReading)> = kpi
        .readings
        .iter()
        .filter_map(|r| parse_date("on", &r.on).ok().map(|d| (d, r)))
        .collect();
    let (Some((first, _)), Some((last, _))) = (dated.first(), dated.last()) else {
        return view! { <p class="muted">"No readings yet: add the first one below."</p> }
            .into_any();
    };
    let (first, last) = (*first, *last);
    let frame = Frame::new(
        &kpi,
        &kpi.readings,
        (640.0, 220.0),
        (64.0, 16.0, 12.0, 28.0),
    );
    // Readings by date, not by index: gaps in the readings show as gaps.
    let span = (last - first).whole_days().max(1) as f64;
    let x = |day: Date| {
        let share = if first == last {
            0.5
        } else {
            (day - first).whole_days() as f64 / span
        };
        frame.left + share * (frame.width - frame.left - frame.right)
    };
    let line = dated
        .iter()
        .map(|(day, r)| format!("{:.1},{:.1}", x(*day), frame.y(r.value)))
        .collect::<Vec<_>>()
        .join(" ");
    let dots = dated
        .iter()
        .map(|(day, r)| {
            let label = format!(
                "{}: {} ({})",
                r.on,
                kpi.with_unit(r.value),
                r.health.words()
            );
            view! {
                <circle class=format!("chart-value-dot health-{}", r.health.as_str())
                    cx=format!("{:.1}", x(*day)) cy=format!("{:.1}", frame.y(r.value)) r="4">
                    <title>{label}</title>
                </circle>
            }
        })
        .collect_view();
    let threshold_label = |value: f64| {
        view! {
            <text class="chart-label" x=format!("{:.1}", frame.left - 6.0)
                y=format!("{:.1}", frame.y(value) + 4.0) text-anchor="end">{kpi.with_unit(value)}</text>
        }
    };
    let bottom = format!("{:.1}", frame.height - 8.0);
    let summary = format!(
        "{} readings from {first} to {last}. {}",
        dated.len(),
        kpi.bands()
    );
    view! {
        <figure class="history-chart kpi-chart">
            <svg viewBox=format!("0 0 {} {}", frame.width, frame.height) role="img"
                aria-label=format!("History of {}", kpi.name)>
                <desc>{summary}</desc>
                {band_rects(&frame, &kpi)}
                {threshold_label(kpi.healthy)}
                {threshold_label(kpi.critical)}
                <text class="chart-label" x=format!("{:.1}", frame.left) y=bottom.clone()>{first.to_string()}</text>
                <text class="chart-label" x=format!("{:.1}", frame.width - frame.right) y=bottom
                    text-anchor="end">{last.to_string()}</text>
                <polyline class="chart-value" points=line/>
                {dots}
            </svg>
            <figcaption class="chart-legend">
                <span class="legend-healthy">"Healthy"</span>
                <span class="legend-warning">"Warning"</span>
                <span class="legend-critical">"Critical"</span>
            </figcaption>
        </figure>
    }
    .into_any()
}
