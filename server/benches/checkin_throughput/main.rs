//! Check-in throughput with concurrent writers, on SQLite and on PostgreSQL
//! in the same run.
//!
//! For each number of writers (8 and 32) and each database, the benchmark
//! starts `target/release/northstar serve --demo` as a child process on a
//! fresh database: a new SQLite file; a new database on a throwaway
//! PostgreSQL cluster (`common/postgres.rs`) with PostgreSQL's durability
//! as installed (`synchronous_commit = on`: every commit waits for its
//! WAL flush); and one with `synchronous_commit = off` — SQLite's
//! promise (WAL, `synchronous = NORMAL`): a crash of the machine may lose
//! the last moments, never corrupts.
//!
//! The demo ambassador creates [`PEOPLE`] leads of the three units whose
//! objectives are active (Platform, Support, Engineering) through
//! `create_person`; each signs in. Then W writers run for [`WARM_UP`]
//! (unmeasured) and [`MEASURED`], each in a closed loop: a check-in
//! through `save_check_in`, then the next, each by the next of its people
//! (writer w speaks for people w, w + W, …) on the next key result of that
//! person's unit. A person's write budget is 60 at once, then 20 a second:
//! spreading the writers over many people keeps each person well under it,
//! so the numbers measure the server and the database, not the budget; a
//! 429 is counted apart from errors.
//!
//! Reported: check-ins saved per second over the measured minute, the
//! latency of saved check-ins (p50/p95/p99/max), 429s, errors by kind, and
//! CPU: the servers' (northstar and, on PostgreSQL, its processes), the
//! load client's and anyone else's. The benchmark fails if any answer was
//! a 500 or named the database's trouble ("database is locked", "could not
//! serialize", a deadlock): a person must never see them.
//!
//! Run with `make bench-checkins`; other writer counts and a shorter
//! measurement: `cargo bench -p server --bench checkin_throughput -- 4 16 --seconds=10`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a benchmark that cannot set up should stop loudly"
)]

#[path = "../common/people.rs"]
mod people;
#[path = "../../tests/support/postgres_cluster.rs"]
mod postgres;
#[path = "../common/process.rs"]
mod process;
mod writers;

use process::{CpuWatch, free_port, start_northstar, wait_until_up};
use std::sync::Arc;
use std::time::{Duration, Instant};
use writers::{Answer, Sample};

const WRITERS: [usize; 2] = [8, 32];
const WARM_UP: Duration = Duration::from_secs(5);
const MEASURED: Duration = Duration::from_secs(60);
/// People who check in: at a few hundred check-ins a second, each stays
/// far below the 20 a second of a person's write budget.
const PEOPLE: usize = 96;
const PERSON_PASSWORD: &str = "benchmark-writer-password";

/// The databases each writer count runs on, in this order.
#[derive(Clone, Copy)]
enum Engine {
    Sqlite,
    Postgres,
    /// PostgreSQL with `synchronous_commit = off` for this database.
    PostgresAsync,
}

impl Engine {
    fn name(self) -> &'static str {
        match self {
            Engine::Sqlite => "SQLite",
            Engine::Postgres => "PostgreSQL",
            Engine::PostgresAsync => "PostgreSQL, synchronous_commit off",
        }
    }
}

struct Row {
    engine: Engine,
    writers: usize,
    saved: usize,
    per_second: f64,
    latency: [f64; 4],
    budget: usize,
    errors: Vec<(String, usize)>,
    /// Answers that were a 500 or named the database's trouble.
    forbidden: usize,
    /// CPU as a share of the machine: servers, this client, others.
    cpu: [f64; 3],
}

fn main() {
    // `cargo bench -- 4 16` runs other writer counts (cargo adds `--bench`, which is skipped).
    let args: Vec<String> = std::env::args().skip(1).collect();
    let counts: Vec<usize> = args.iter().filter_map(|a| a.parse().ok()).collect();
    let measured = args
        .iter()
        .find_map(|a| a.strip_prefix("--seconds=")?.parse().ok())
        .map_or(MEASURED, Duration::from_secs);
    let counts = if counts.is_empty() {
        WRITERS.to_vec()
    } else {
        counts
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(run_all(counts, measured));
}

async fn run_all(counts: Vec<usize>, measured: Duration) {
    let northstar = process::northstar_binary("bench-checkins");
    let cluster = postgres::Cluster::start(postgres::Kind::Benchmark);
    println!(
        "check-in throughput: {} s warm-up, {} s measured, {PEOPLE} people",
        WARM_UP.as_secs(),
        measured.as_secs()
    );
    let mut rows = Vec::new();
    for &writers in &counts {
        for engine in [Engine::Sqlite, Engine::Postgres, Engine::PostgresAsync] {
            let row = run(&northstar, &cluster, engine, writers, measured).await;
            println!(
                "{} writers on {}: {:.0} check-ins/s, p99 {:.1} ms, {} × 429, {} errors",
                writers,
                engine.name(),
                row.per_second,
                row.latency[2],
                row.budget,
                row.errors.iter().map(|(_, n)| n).sum::<usize>()
            );
            rows.push(row);
        }
    }
    drop(cluster);
    print_table(&rows);
    let forbidden: usize = rows.iter().map(|r| r.forbidden).sum();
    assert_eq!(
        forbidden, 0,
        "answers a person must never see: a 500, or the database's own trouble (see above)"
    );
}

async fn run(
    northstar: &std::path::Path,
    cluster: &postgres::Cluster,
    engine: Engine,
    writers: usize,
    measured: Duration,
) -> Row {
    let dir = tempfile::tempdir().unwrap();
    let database_url = match engine {
        Engine::Sqlite => format!("sqlite://{}", dir.path().join("checkins.db").display()),
        Engine::Postgres | Engine::PostgresAsync => {
            let name = format!("checkins_{writers}_{}", free_port());
            let url = cluster.database(&name).await;
            if let Engine::PostgresAsync = engine {
                cluster
                    .execute(&format!(
                        "ALTER DATABASE {name} SET synchronous_commit = off"
                    ))
                    .await;
            }
            url
        }
    };
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut server = start_northstar(northstar, port, &database_url);
    let probe = reqwest::Client::new();
    wait_until_up(&mut server, &probe, &format!("{base}/healthz"), "northstar").await;
    let people = Arc::new(writers::people(&base, &database_url).await);

    let started = Instant::now();
    let measured_from = started + WARM_UP;
    let until = measured_from + measured;
    let tasks: Vec<_> = (0..writers)
        .map(|w| {
            tokio::spawn(writers::write(
                people.clone(),
                base.clone(),
                w,
                writers,
                until,
            ))
        })
        .collect();
    tokio::time::sleep_until(measured_from.into()).await;
    let postmaster = match engine {
        Engine::Sqlite => None,
        Engine::Postgres | Engine::PostgresAsync => cluster.postmaster(),
    };
    let cpu = CpuWatch::start(&[server.pid()], postmaster);
    tokio::time::sleep_until(until.into()).await;
    let (server_ms, client, other) = cpu.shares(measured);
    let mut samples: Vec<Sample> = Vec::new();
    for task in tasks {
        samples.extend(task.await.unwrap());
    }
    server.assert_running("northstar");
    drop(server);
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get()) as f64;
    let servers = server_ms / (measured.as_secs_f64() * 1000.0 * cpus) * 100.0;
    summarise(
        engine,
        writers,
        &samples,
        measured_from,
        measured,
        [servers, client, other],
    )
}

fn summarise(
    engine: Engine,
    writers: usize,
    samples: &[Sample],
    measured_from: Instant,
    window: Duration,
    cpu: [f64; 3],
) -> Row {
    let measured: Vec<&Sample> = samples.iter().filter(|s| s.at >= measured_from).collect();
    let mut latencies: Vec<f64> = measured
        .iter()
        .filter(|s| s.answer == Answer::Saved)
        .map(|s| s.took.as_secs_f64() * 1000.0)
        .collect();
    latencies.sort_by(f64::total_cmp);
    let pick = |q: f64| {
        if latencies.is_empty() {
            return f64::NAN;
        }
        let rank = (q * latencies.len() as f64).ceil() as usize;
        latencies[rank.clamp(1, latencies.len()) - 1]
    };
    // Every answer counts here, warm-up included: a person never sees them.
    let forbidden = samples
        .iter()
        .filter(|s| {
            s.database_words || matches!(&s.answer, Answer::Error(kind) if kind.starts_with("500"))
        })
        .count();
    Row {
        engine,
        writers,
        saved: latencies.len(),
        per_second: latencies.len() as f64 / window.as_secs_f64(),
        latency: [pick(0.50), pick(0.95), pick(0.99), pick(1.0)],
        budget: measured
            .iter()
            .filter(|s| s.answer == Answer::Budget)
            .count(),
        errors: writers::errors_by_kind(&measured),
        forbidden,
        cpu,
    }
}

fn print_table(rows: &[Row]) {
    println!();
    println!(
        "| writers | database | check-ins/s | p50 | p95 | p99 | max | saved | 429 | errors | CPU servers / client / other |"
    );
    println!("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|");
    for row in rows {
        let errors: usize = row.errors.iter().map(|(_, n)| n).sum();
        println!(
            "| {} | {} | {:.0} | {:.2} | {:.2} | {:.2} | {:.1} | {} | {} | {} | {:.0}% / {:.0}% / {:.0}% |",
            row.writers,
            row.engine.name(),
            row.per_second,
            row.latency[0],
            row.latency[1],
            row.latency[2],
            row.latency[3],
            row.saved,
            row.budget,
            errors,
            row.cpu[0],
            row.cpu[1],
            row.cpu[2],
        );
    }
    println!();
    println!(
        "(latency of saved check-ins in milliseconds, from sending to the whole answer; CPU as shares of the machine)"
    );
    for row in rows {
        for (kind, count) in &row.errors {
            println!(
                "  {} writers on {}: {count} × {kind}",
                row.writers,
                row.engine.name()
            );
        }
        if row.forbidden > 0 {
            println!(
                "  {} writers on {}: {} answers were a 500 or named the database's trouble",
                row.writers,
                row.engine.name(),
                row.forbidden
            );
        }
    }
    if rows.iter().any(|r| r.cpu[2] > 5.0) {
        println!(
            "warning: other processes used more than 5% of the machine; the numbers are disturbed"
        );
    }
}
