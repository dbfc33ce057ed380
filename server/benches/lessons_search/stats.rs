//! Percentiles of the measured latencies and the verdicts against the targets.

use std::time::Duration;

/// Ours may take this many times the floor's p95.
pub const MAX_RATIO: f64 = 1.5;
/// At this many notes, every class's p95 must stay under [`MAX_P95_MS`].
pub const ABSOLUTE_AT: usize = 100_000;
pub const MAX_P95_MS: f64 = 10.0;

#[derive(Clone, Copy)]
pub struct Summary {
    pub p50: f64,
    pub p95: f64,
    pub p99: f64,
}

pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Nearest-rank percentiles of `samples` (milliseconds).
pub fn summary(samples: &[f64]) -> Summary {
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    let pick = |q: f64| {
        if sorted.is_empty() {
            return f64::NAN;
        }
        let rank = (q * sorted.len() as f64).ceil() as usize;
        sorted[rank.clamp(1, sorted.len()) - 1]
    };
    Summary {
        p50: pick(0.50),
        p95: pick(0.95),
        p99: pick(0.99),
    }
}

pub fn median(values: &[u64]) -> u64 {
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    sorted.get(sorted.len() / 2).copied().unwrap_or(0)
}

fn verdict(pass: bool) -> &'static str {
    if pass { "PASS" } else { "FAIL" }
}

/// One row of the results table: a query class at one size on one engine.
pub struct Row {
    pub engine: &'static str,
    pub notes: usize,
    pub class: String,
    pub ours: Summary,
    pub floor: Summary,
    pub matches: u64,
}

impl Row {
    pub fn ratio(&self) -> f64 {
        self.ours.p95 / self.floor.p95
    }

    pub fn ratio_verdict(&self) -> &'static str {
        verdict(self.ratio() <= MAX_RATIO)
    }

    pub fn absolute_verdict(&self) -> &'static str {
        if self.notes == ABSOLUTE_AT {
            verdict(self.ours.p95 < MAX_P95_MS)
        } else {
            "—"
        }
    }

    pub fn passed(&self) -> bool {
        self.ratio_verdict() == "PASS" && self.absolute_verdict() != "FAIL"
    }
}

/// `1000000` → `1,000,000`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The results as a markdown table.
pub fn print_table(rows: &[Row]) {
    println!(
        "| engine | notes | query class | median matches | ours p50 | ours p95 | ours p99 | floor p50 | floor p95 | floor p99 | p95 ours/floor | ≤ {MAX_RATIO}× floor | p95 < {MAX_P95_MS} ms at {} |",
        thousands(ABSOLUTE_AT as u64)
    );
    println!("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|:---:|:---:|");
    for row in rows {
        println!(
            "| {} | {} | {} | {} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2}× | {} | {} |",
            row.engine,
            thousands(row.notes as u64),
            row.class,
            thousands(row.matches),
            row.ours.p50,
            row.ours.p95,
            row.ours.p99,
            row.floor.p50,
            row.floor.p95,
            row.floor.p99,
            row.ratio(),
            row.ratio_verdict(),
            row.absolute_verdict(),
        );
    }
}
