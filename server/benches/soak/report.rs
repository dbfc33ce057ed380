//! What the soak noted, minute by minute, and the table it prints.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// One kind of request the soak makes.
#[derive(Clone, Copy)]
pub enum Request {
    CheckIn,
    Edit,
    View,
}

/// One minute of the soak.
#[derive(Default)]
pub struct Minute {
    /// Latencies (ms) of the answered requests, by [`Request`].
    pub latencies: [Vec<f64>; 3],
    /// Errors by what went wrong.
    pub errors: BTreeMap<String, usize>,
    /// Board events the board users' sockets received.
    pub board_events: usize,
    /// Office-screen latencies (ms): a check-in sent → its version at a screen.
    pub to_screen: Vec<f64>,
    /// The server's resident memory at the end of the minute (KiB).
    pub rss_kib: u64,
    /// The server's share of the machine (%) and everyone else's but
    /// the load client's.
    pub cpu: (f64, f64),
}

/// The soak's log: requests and errors as they happen, by minute.
pub struct Log {
    pub start: Instant,
    minutes: Mutex<Vec<Minute>>,
}

impl Log {
    pub fn new(start: Instant, minutes: usize) -> Self {
        Log {
            start,
            minutes: Mutex::new((0..minutes).map(|_| Minute::default()).collect()),
        }
    }

    /// The minute `at` falls in (the last one for a late answer).
    pub fn minute_of(&self, at: Instant, minutes: usize) -> usize {
        let index = at.saturating_duration_since(self.start).as_secs() / 60;
        usize::try_from(index)
            .unwrap_or(usize::MAX)
            .min(minutes - 1)
    }

    pub fn with<R>(&self, at: Instant, f: impl FnOnce(&mut Minute) -> R) -> R {
        let mut minutes = self.minutes.lock().unwrap();
        let index = self.minute_of(at, minutes.len());
        f(&mut minutes[index])
    }

    /// A request sent at `sent` was answered with success now.
    pub fn answered(&self, request: Request, sent: Instant) {
        let ms = sent.elapsed().as_secs_f64() * 1000.0;
        self.with(sent, |m| m.latencies[request as usize].push(ms));
    }

    pub fn error(&self, at: Instant, what: String) {
        self.with(at, |m| *m.errors.entry(what).or_default() += 1);
    }

    pub fn into_minutes(self) -> Vec<Minute> {
        self.minutes.into_inner().unwrap()
    }
}

/// p50, p99 and max of `samples` (NaN when there are none).
pub fn percentiles(samples: &mut [f64]) -> [f64; 3] {
    if samples.is_empty() {
        return [f64::NAN; 3];
    }
    samples.sort_by(f64::total_cmp);
    let pick = |q: f64| samples[((samples.len() as f64 - 1.0) * q).round() as usize];
    [pick(0.5), pick(0.99), samples[samples.len() - 1]]
}

pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The per-minute table, and the totals the soak is judged on.
pub fn print(minutes: &mut [Minute]) {
    println!();
    println!(
        "{:>3} | {:>9} {:>8} | {:>24} | {:>6} {:>8} | {:>6} {:>8} | {:>7} | {:>6} | {:>8} | {:>6} {:>6}",
        "min",
        "check-ins",
        "p99 ms",
        "send→screen p50/p99/max",
        "edits",
        "p99 ms",
        "views",
        "p99 ms",
        "events",
        "errors",
        "RSS MiB",
        "server",
        "other"
    );
    for (i, m) in minutes.iter_mut().enumerate() {
        let [check_ins, edits, views] = &mut m.latencies;
        let counts = (check_ins.len(), edits.len(), views.len());
        let screen = percentiles(&mut m.to_screen);
        println!(
            "{:>3} | {:>9} {:>8.1} | {:>7.1} {:>7.1} {:>8.1} | {:>6} {:>8.1} | {:>6} {:>8.1} | {:>7} | {:>6} | {:>8.1} | {:>5.1}% {:>5.1}%",
            i + 1,
            counts.0,
            percentiles(check_ins)[1],
            screen[0],
            screen[1],
            screen[2],
            counts.1,
            percentiles(edits)[1],
            counts.2,
            percentiles(views)[1],
            m.board_events,
            m.errors.values().sum::<usize>(),
            m.rss_kib as f64 / 1024.0,
            m.cpu.0,
            m.cpu.1,
        );
    }
    let mut errors: BTreeMap<&str, usize> = BTreeMap::new();
    for m in minutes.iter() {
        for (what, n) in &m.errors {
            *errors.entry(what).or_default() += n;
        }
    }
    if !errors.is_empty() {
        println!("errors:");
        for (what, n) in errors {
            println!("  {n} × {what}");
        }
    }
}
