//! How long finding overlaps takes for a cycle of the size the map is
//! built for (500 objectives in 60 units) and around it: the server does it
//! each time an open map asks after a board change. Prints a table for
//! `docs/benchmarks.md`.
//!
//! `cargo bench -p app --features ssr --bench overlaps`

use app::domain::overlaps::{OVERLAP_THRESHOLD, ObjectiveText, find, find_with};
use std::time::{Duration, Instant};

/// Searches measured per size, after as many unmeasured ones.
const RUNS: usize = 30;

/// Words objectives are written with: common ones and goal-specific ones.
const WORDS: &[&str] = &[
    "customers",
    "churn",
    "renewal",
    "revenue",
    "growth",
    "onboarding",
    "trial",
    "activation",
    "deploys",
    "releases",
    "incidents",
    "latency",
    "pages",
    "load",
    "mobile",
    "app",
    "support",
    "tickets",
    "reply",
    "satisfaction",
    "hiring",
    "engineers",
    "designers",
    "interviews",
    "pipeline",
    "leads",
    "conversion",
    "pricing",
    "billing",
    "invoices",
    "costs",
    "cloud",
    "security",
    "audit",
    "compliance",
    "privacy",
    "data",
    "reporting",
    "dashboards",
    "quality",
    "tests",
    "coverage",
    "documentation",
    "partners",
    "integrations",
    "api",
    "search",
    "speed",
    "accessibility",
    "retention",
    "expansion",
    "market",
    "germany",
    "france",
    "enterprise",
    "self-serve",
    "checkout",
    "payments",
    "fraud",
    "uptime",
    "backups",
    "recovery",
    "training",
];

/// A small deterministic generator (64-bit LCG): the same cycle every run.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) % below as u64) as usize
    }

    fn phrase(&mut self, words: usize) -> String {
        (0..words)
            .map(|_| WORDS[self.next(WORDS.len())])
            .collect::<Vec<_>>()
            .join(" ")
    }
}

fn main() {
    println!("| objectives | units | pairs over the threshold | p50 | p99 | max |");
    println!("| ---: | ---: | ---: | ---: | ---: | ---: |");
    for (units, count) in [(12, 50), (30, 200), (60, 500), (120, 1000)] {
        let mut random = Lcg(42);
        let texts: Vec<(i64, String, String, Vec<String>)> = (0..count)
            .map(|_| {
                let krs = (0..3).map(|_| random.phrase(4)).collect();
                (
                    random.next(units) as i64,
                    random.phrase(5),
                    random.phrase(12),
                    krs,
                )
            })
            .collect();
        let ids: Vec<String> = (0..count).map(|i| format!("o{i}")).collect();
        let objectives: Vec<ObjectiveText> = texts
            .iter()
            .zip(&ids)
            .map(|((unit, title, description, krs), id)| ObjectiveText {
                id,
                unit_id: *unit,
                title,
                description,
                key_results: krs.iter().map(String::as_str).collect(),
            })
            .collect();
        let over = find_with(&objectives, |_, _| false, OVERLAP_THRESHOLD).len();
        let mut samples: Vec<Duration> = Vec::with_capacity(RUNS);
        for run in 0..RUNS * 2 {
            let started = Instant::now();
            std::hint::black_box(find(&objectives, |_, _| false));
            if run >= RUNS {
                samples.push(started.elapsed());
            }
        }
        samples.sort();
        let at = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
        let ms = |d: Duration| format!("{:.1} ms", d.as_secs_f64() * 1000.0);
        println!(
            "| {count} | {units} | {over} | {} | {} | {} |",
            ms(at(0.5)),
            ms(at(0.99)),
            ms(*samples.last().unwrap_or(&Duration::ZERO)),
        );
    }
}
