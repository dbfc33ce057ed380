//! The real server: one or two `northstar serve --demo` processes on one
//! database (a new SQLite file, or a new database on the benchmark's
//! PostgreSQL cluster), N office screens spread evenly over them, and
//! check-ins saved through the first one.

use super::{pace, postgres::Cluster};
use crate::process::{
    ChildGuard, CpuWatch, free_port, reader, rss_kib, start_northstar, wait_until_up,
};
use crate::sockets::{Shared, drive, open_sockets};
use crate::stats::{Outcome, spread, summarise};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Instant;

/// Where the instances keep their data.
#[derive(Clone, Copy)]
pub enum Database<'a> {
    Sqlite,
    Postgres(&'a Cluster),
}

/// What a run of the real server measured.
pub struct Real {
    /// Over every screen.
    pub outcome: Outcome,
    /// The screens of each instance alone (latencies only; the first
    /// instance is the one the check-ins go through), and their
    /// [`spread`]: first and last screen, messages per socket and round.
    pub by_instance: Vec<(Outcome, (f64, f64, f64))>,
    /// A screen message as sent (for the floor).
    pub snapshot: String,
}

/// Runs `instances` servers on one new database of `database`, opens `n`
/// screens spread over them and saves the check-ins through the first.
pub async fn run_real(
    northstar: &Path,
    database: Database<'_>,
    instances: usize,
    n: usize,
) -> Real {
    let dir = tempfile::tempdir().unwrap();
    let database_url = match database {
        Database::Sqlite => format!("sqlite://{}", dir.path().join("screens.db").display()),
        Database::Postgres(cluster) => {
            let name = format!("screens_{}_{}", instances, free_port());
            cluster.database(&name).await
        }
    };
    let writer = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    // One after the other: the first migrates and seeds, the others find it done.
    let mut servers = Vec::new();
    let mut bases = Vec::new();
    for i in 0..instances {
        let port = free_port();
        let mut server = start_northstar(northstar, port, &database_url);
        let base = format!("http://127.0.0.1:{port}");
        let what = format!("northstar instance {}", i + 1);
        wait_until_up(&mut server, &writer, &format!("{base}/healthz"), &what).await;
        servers.push(server);
        bases.push(base);
    }
    let base = &bases[0];

    let call = |endpoint: &str, form: Vec<(&'static str, String)>| {
        writer
            .post(format!("{base}/api/{endpoint}"))
            .header("accept", "application/json")
            .form(&form)
            .send()
    };
    let signed_in = call(
        "sign_in",
        vec![
            ("email", "maya@northstar.demo".into()),
            ("password", "northstar-demo".into()),
        ],
    )
    .await
    .unwrap();
    assert!(
        signed_in.status().is_success(),
        "sign-in: {}",
        signed_in.status()
    );
    let created: serde_json::Value = call(
        "create_screen",
        vec![
            ("name", "Benchmark".into()),
            ("rotate_seconds", "20".into()),
        ],
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let token = created["path"]
        .as_str()
        .and_then(|p| p.strip_prefix("/screen/"))
        .unwrap_or_else(|| panic!("create_screen answered {created}"))
        .to_owned();
    let key_result = key_result_id(&database_url, "Deploy time").await;

    let shared = Arc::new(Shared::default());
    let before: u64 = servers.iter().map(|s| rss_kib(s.pid())).sum();
    let targets: Vec<(String, String, usize)> = bases
        .iter()
        .enumerate()
        .map(|(i, base)| {
            let url = format!("{}/ws/screens/{token}", base.replace("http://", "ws://"));
            // The first instances take the remainder.
            let count = n / instances + usize::from(i < n % instances);
            (url, base.clone(), count)
        })
        .collect();
    let opening = Instant::now();
    let handles = open_sockets(&targets, &shared).await;
    let opening = opening.elapsed().as_secs_f64();
    let after: u64 = servers.iter().map(|s| rss_kib(s.pid())).sum();
    let failed = shared.failed.load(Ordering::Acquire);
    let open = n - failed;
    let kib = (after as f64 - before as f64) / open.max(1) as f64;

    // The servers' CPU: every instance's and, on PostgreSQL, the database's.
    let pids: Vec<u32> = servers.iter().map(ChildGuard::pid).collect();
    let postmaster = match database {
        Database::Postgres(cluster) => cluster.postmaster(),
        Database::Sqlite => None,
    };
    let cpu = CpuWatch::start(&pids, postmaster);
    let driving = Instant::now();
    let rounds = drive(open, pace(n), &shared, |round| {
        let form = vec![
            ("id", format!("00000000-0000-4000-8000-{:012x}", round + 1)),
            ("key_result_id", key_result.clone()),
            // Deploy time falls from 45 minutes: each check-in moves the leaderboard.
            ("value", format!("{}", 40 - (round % 20) as i64)),
            ("confidence", "7".into()),
            ("progress", "Benchmark check-in".into()),
            ("problems", String::new()),
            ("plans", String::new()),
        ];
        let sent = call("save_check_in", form);
        async move {
            let response = sent.await.unwrap();
            let status = response.status();
            let body = response.bytes().await.unwrap();
            assert!(
                status.is_success(),
                "save_check_in: {status} {}",
                String::from_utf8_lossy(&body)
            );
        }
    })
    .await;
    let cpu = cpu.stop(driving.elapsed(), rounds.len());
    for (i, server) in servers.iter_mut().enumerate() {
        server.assert_running(&format!("northstar instance {}", i + 1));
    }
    let snapshot = shared
        .sample
        .lock()
        .unwrap()
        .take()
        .expect("socket 0 received a snapshot");
    // The sockets end when their servers are killed.
    drop(servers);
    let mut arrivals = Vec::with_capacity(n);
    for handle in handles {
        arrivals.push(handle.await.unwrap());
    }
    let mut by_instance = Vec::new();
    let mut from = 0;
    for (_, _, count) in &targets {
        let mine = &arrivals[from..from + count];
        // Sockets that failed to connect are not told apart by instance.
        let failed_here = mine.iter().filter(|a| a.is_empty()).count();
        by_instance.push((
            summarise(&rounds, mine, failed_here, 0.0, 0.0, (0.0, 0.0)),
            spread(&rounds, mine),
        ));
        from += count;
    }
    Real {
        outcome: summarise(&rounds, &arrivals, failed, kib, opening, cpu),
        by_instance,
        snapshot,
    }
}

/// The id of the demo key result titled `title`.
async fn key_result_id(database_url: &str, title: &str) -> String {
    let pool = reader(database_url).await;
    let id: String = sqlx::query_scalar("SELECT k.id FROM key_results k WHERE k.title = $1")
        .bind(title)
        .fetch_one(&pool)
        .await
        .unwrap();
    pool.close().await;
    id
}
