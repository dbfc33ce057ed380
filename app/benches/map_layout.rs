//! How long the alignment map's layout takes at the size the issue names
//! (500 objectives in 60 units) and around it. Prints a table for
//! `docs/benchmarks.md`.
//!
//! `cargo bench -p app --bench map_layout`

use app::domain::map_layout::{layout, sample::generated};
use std::time::{Duration, Instant};

/// Layouts measured per size, after as many unmeasured ones.
const RUNS: usize = 50;

fn main() {
    println!("| objectives | units | links | crossings | p50 | p99 | max |");
    println!("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (units, nodes) in [(12, 50), (30, 200), (60, 500), (120, 1000)] {
        let (unit_list, node_list, links) = generated(units, nodes, 42);
        let mut samples: Vec<Duration> = Vec::with_capacity(RUNS);
        let mut crossings = 0;
        for run in 0..RUNS * 2 {
            let started = Instant::now();
            let picture = std::hint::black_box(layout(&unit_list, &node_list, &links));
            if run >= RUNS {
                samples.push(started.elapsed());
            }
            crossings = picture.crossings;
        }
        samples.sort();
        let at = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
        let ms = |d: Duration| format!("{:.2} ms", d.as_secs_f64() * 1000.0);
        println!(
            "| {nodes} | {units} | {} | {crossings} | {} | {} | {} |",
            links.len(),
            ms(at(0.5)),
            ms(at(0.99)),
            ms(*samples.last().unwrap_or(&Duration::ZERO)),
        );
    }
}
