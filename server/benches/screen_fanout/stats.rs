//! What a run measured: each round as the writer saw it, and the latencies
//! over every socket's arrivals.

use crate::WARM_UP;
use crate::sockets::Arrivals;
use std::time::{Duration, Instant};

/// One check-in (or publish) as the writer saw it.
pub struct Round {
    pub version: Option<i64>,
    pub sent: Instant,
    pub responded: Instant,
}

#[derive(Clone, Copy, Default)]
pub struct Summary {
    pub p50: f64,
    pub p99: f64,
    pub max: f64,
}

#[derive(Clone)]
pub struct Outcome {
    pub errors: usize,
    /// Seconds until all N sockets had their first message.
    pub opening: f64,
    /// The server's CPU time per check-in (ms) while the check-ins ran.
    pub server_cpu: f64,
    /// Share of the machine (%) used by other processes meanwhile: a run
    /// with more than a few percent was disturbed.
    pub other_cpu: f64,
    pub kib_per_connection: f64,
    pub post_p50: f64,
    pub to_screen: Summary,
    pub end_to_end: Summary,
    pub samples: usize,
}

/// Latencies of the measured rounds over every socket's arrivals.
pub fn summarise(
    rounds: &[Round],
    arrivals: &[Arrivals],
    failed: usize,
    kib_per_connection: f64,
    opening: f64,
    cpu: (f64, f64),
) -> Outcome {
    let measured = &rounds[WARM_UP..];
    let mut to_screen = Vec::with_capacity(arrivals.len() * measured.len());
    let mut end_to_end = Vec::with_capacity(arrivals.len() * measured.len());
    let mut missed_any = 0;
    for socket in arrivals.iter().filter(|a| !a.is_empty()) {
        let mut missed = false;
        for round in measured {
            match round
                .version
                .and_then(|v| socket.iter().find(|(version, _)| *version == v))
            {
                Some((_, at)) => {
                    to_screen.push(ms(at.saturating_duration_since(round.responded)));
                    end_to_end.push(ms(at.saturating_duration_since(round.sent)));
                }
                None => missed = true,
            }
        }
        missed_any += usize::from(missed);
    }
    // A socket that connected but heard nothing after its first message missed everything.
    let silent = arrivals.iter().filter(|a| a.is_empty()).count() - failed;
    let mut posts: Vec<f64> = measured
        .iter()
        .map(|r| ms(r.responded.duration_since(r.sent)))
        .collect();
    Outcome {
        errors: failed + silent + missed_any,
        opening,
        server_cpu: cpu.0,
        other_cpu: cpu.1,
        kib_per_connection,
        post_p50: percentiles(&mut posts).p50,
        samples: to_screen.len(),
        to_screen: percentiles(&mut to_screen),
        end_to_end: percentiles(&mut end_to_end),
    }
}

/// Where the time of a group of sockets (one instance's) goes, medians
/// over the measured rounds: from sending the check-in to its first
/// socket hearing of it, to the last; and messages per socket and round
/// (more than one: the same version sent again).
pub fn spread(rounds: &[Round], arrivals: &[Arrivals]) -> (f64, f64, f64) {
    let measured = &rounds[WARM_UP..];
    let (mut first, mut last) = (Vec::new(), Vec::new());
    for round in measured {
        let Some(v) = round.version else { continue };
        let at = arrivals
            .iter()
            .filter_map(|socket| socket.iter().find(|(version, _)| *version == v))
            .map(|(_, at)| ms(at.saturating_duration_since(round.sent)));
        let (low, high) = at.fold((f64::MAX, 0.0_f64), |(l, h), t| (l.min(t), h.max(t)));
        if high > 0.0 {
            first.push(low);
            last.push(high);
        }
    }
    let messages: usize = arrivals.iter().map(Vec::len).sum();
    let per_round = messages as f64 / (arrivals.len().max(1) * rounds.len().max(1)) as f64;
    (
        percentiles(&mut first).p50,
        percentiles(&mut last).p50,
        per_round,
    )
}

pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

pub fn percentiles(samples: &mut [f64]) -> Summary {
    if samples.is_empty() {
        return Summary {
            p50: f64::NAN,
            p99: f64::NAN,
            max: f64::NAN,
        };
    }
    samples.sort_by(f64::total_cmp);
    let pick = |q: f64| samples[((samples.len() as f64 - 1.0) * q).round() as usize];
    Summary {
        p50: pick(0.50),
        p99: pick(0.99),
        max: *samples.last().unwrap(),
    }
}
