//! The crash harness: concurrent writers save check-ins, key-result edits,
//! closings (with note edits) and KPI readings through the public
//! endpoints — the server functions the browser calls, signed in with real
//! sessions, and the token API of docs/api.md — while
//! `target/release/northstar serve` on a real SQLite file is killed with
//! SIGKILL at random moments and started again, many times.
//!
//! Each writer is a person with their own active objective (a key result to
//! check in on, one whose title they edit), objectives they create and
//! close, and a KPI they push readings to with an API token. A write whose
//! answer never came is sent again unchanged — the same client id, the same
//! `Idempotency-Key` — until it is answered, as a real client retries; a
//! 429 is waited out, a lost session signed in again.
//!
//! A kill comes at a random moment: one in five within the time the last
//! start took (opening the file, migrations, the first requests), the
//! others 0.2–2.5 s after the server answers; it is down for up to 0.3 s.
//! After the last kill the server runs once more while the writers finish
//! what they were sending, and is killed a last time. Then the database is held to the writers' books (`verify.rs`):
//! every acknowledged write is present exactly once, nothing half-written
//! (a check-in's key result carries its value and version, a closed
//! objective has its note, a note's versions and tags add up, the board's
//! version has its events, a KPI's version counts its readings), and
//! `PRAGMA integrity_check`, the foreign keys and the lessons index are
//! sound. The harness exits non-zero when a write was lost or duplicated
//! or a rule is broken.
//!
//! Run with `make bench-crash`; options:
//! `cargo bench -p server --bench crash -- --kills=200 --writers=16 --seed=7 --postgres`
//! (`--postgres`: the same on a throwaway PostgreSQL cluster instead of SQLite).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a benchmark that cannot set up should stop loudly"
)]

mod ledger;
#[path = "../common/people.rs"]
mod people;
#[path = "../../tests/support/postgres_cluster.rs"]
mod postgres;
mod present;
#[path = "../common/process.rs"]
mod process;
mod report;
mod setup;
mod verify;
mod writers;

use process::{ChildGuard, free_port, northstar_command, wait_until_up};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

const KILLS: usize = 50;
const WRITERS: usize = 24;

/// What to run, from the command line.
pub struct Options {
    pub kills: usize,
    pub writers: usize,
    pub seed: u64,
    pub postgres: bool,
}

impl Options {
    fn parse() -> Self {
        let args: Vec<String> = std::env::args().skip(1).collect();
        let number = |name: &str| {
            args.iter()
                .find_map(|a| a.strip_prefix(&format!("--{name}="))?.parse::<u64>().ok())
        };
        let clock = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(1, |d| d.as_secs());
        Options {
            kills: number("kills").map_or(KILLS, |n| n as usize),
            writers: number("writers").map_or(WRITERS, |n| n as usize).max(1),
            seed: number("seed").unwrap_or(clock),
            postgres: args.iter().any(|a| a == "--postgres"),
        }
    }
}

/// Kills, how many of them came while the server was starting, and how
/// long the starts that were let finish took (to the first answer).
pub struct Kills {
    pub total: usize,
    pub starting: usize,
    pub starts: Vec<Duration>,
}

fn main() {
    let options = Options::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let sound = runtime.block_on(run(&options));
    if !sound {
        std::process::exit(1);
    }
}

async fn run(options: &Options) -> bool {
    let northstar = process::northstar_binary("bench-crash");
    let started = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let cluster = options
        .postgres
        .then(|| postgres::Cluster::start(postgres::Kind::Benchmark));
    let database_url = match &cluster {
        Some(cluster) => cluster.database("crash").await,
        None => format!("sqlite://{}", dir.path().join("crash.db").display()),
    };
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let probe = reqwest::Client::new();
    let log = dir.path().join("northstar.log");
    let mut server = start(&northstar, port, &database_url, &log);
    wait_until_up(&mut server, &probe, &format!("{base}/healthz"), "northstar").await;
    let (desks, clients) = setup::desks(&base, &database_url, options.writers).await;
    println!(
        "crash: {} writers, {} kills, seed {}, on {}",
        options.writers,
        options.kills,
        options.seed,
        if options.postgres {
            "PostgreSQL"
        } else {
            "SQLite"
        }
    );

    let stop = Arc::new(AtomicBool::new(false));
    let writing = Instant::now();
    let tasks: Vec<_> = desks
        .iter()
        .cloned()
        .zip(clients)
        .enumerate()
        .map(|(w, (desk, client))| {
            let writer = writers::Writer::new(w, base.clone(), desk, client, options.seed);
            tokio::spawn(writer.run(stop.clone()))
        })
        .collect();
    let kills = kill_often(&northstar, port, &database_url, &log, &mut server, options).await;
    // The writers finish what they are sending against a server that stays up.
    wait_until_up(&mut server, &probe, &format!("{base}/healthz"), "northstar").await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    stop.store(true, Ordering::Relaxed);
    let mut records = Vec::new();
    for task in tasks {
        records.extend(task.await.unwrap());
    }
    let wrote_for = writing.elapsed();
    // A last crash, and nobody left to recover the file but the check.
    drop(server);
    let verdict = verify::check(&database_url, &desks, &records).await;
    drop(cluster);
    let sound = report::print(
        options,
        &kills,
        &records,
        &verdict,
        wrote_for,
        started.elapsed(),
    );
    if !sound {
        // The database and the server's log, to look at.
        println!("kept for a look: {}", dir.keep().display());
    }
    sound
}

/// The server as a child process whose output goes to `log`.
fn start(northstar: &Path, port: u16, database_url: &str, log: &Path) -> ChildGuard {
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .unwrap();
    ChildGuard(
        northstar_command(northstar, port, database_url)
            .stdout(file.try_clone().unwrap())
            .stderr(file)
            .spawn()
            .unwrap(),
    )
}

/// Kills the server `options.kills` times at random moments and starts it
/// again each time; returns with it started once more.
async fn kill_often(
    northstar: &Path,
    port: u16,
    database_url: &str,
    log: &Path,
    server: &mut ChildGuard,
    options: &Options,
) -> Kills {
    let mut rng = fastrand::Rng::with_seed(options.seed);
    let probe = reqwest::Client::new();
    let health = format!("http://127.0.0.1:{port}/healthz");
    let mut kills = Kills {
        total: 0,
        starting: 0,
        starts: Vec::new(),
    };
    // How long the last start took, from the process to its first answer.
    let mut starting_takes = Duration::from_millis(100);
    // When the server was last started (not the first, up before the writers).
    let mut spawned: Option<Instant> = None;
    for _ in 0..options.kills {
        match spawned {
            Some(at) if rng.u32(0..5) == 0 => {
                // While it starts: opening the file, migrations, the first requests.
                let within = starting_takes.as_millis().max(10) as u64;
                let moment = at + Duration::from_millis(rng.u64(0..within));
                tokio::time::sleep_until(moment.into()).await;
                let answered = probe
                    .get(&health)
                    .timeout(Duration::from_millis(50))
                    .send()
                    .await
                    .is_ok_and(|r| r.status().is_success());
                kills.starting += usize::from(!answered);
            }
            _ => {
                if let Some(at) = spawned {
                    starting_takes = up_after(server, &probe, &health, at).await;
                    kills.starts.push(starting_takes);
                }
                tokio::time::sleep(Duration::from_millis(rng.u64(200..2500))).await;
            }
        }
        server.0.kill().unwrap();
        server.0.wait().unwrap();
        kills.total += 1;
        tokio::time::sleep(Duration::from_millis(rng.u64(0..300))).await;
        *server = start(northstar, port, database_url, log);
        spawned = Some(Instant::now());
    }
    kills
}

/// Waits for the server's first answer, asking every few milliseconds;
/// how long it took since it was `spawned`.
async fn up_after(
    server: &mut ChildGuard,
    probe: &reqwest::Client,
    health: &str,
    spawned: Instant,
) -> Duration {
    loop {
        server.assert_running("northstar");
        if let Ok(response) = probe.get(health).send().await
            && response.status().is_success()
        {
            return spawned.elapsed();
        }
        assert!(
            spawned.elapsed() < Duration::from_secs(60),
            "northstar did not come up within a minute"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}
