//! The soak: 10,000 office screens and 200 board users on one server for
//! 30 minutes, with a check-in every second. Is the server's memory flat,
//! does every request succeed, and does a check-in reach the screens as
//! fast in the last minutes as in the first?
//!
//! The benchmark starts `target/release/northstar serve --demo` (a fresh
//! SQLite file, metrics on their own port) and, through the app's public
//! endpoints:
//! - the demo ambassador creates an office screen, and [`screens`] opens
//!   the screens on it, each noting when every newer leaderboard version
//!   arrives;
//! - [`board`] sets up the board users (leads who plan next quarter while
//!   this one runs: a socket on next quarter's board, an edit of their own
//!   objective there every 30 s, this quarter's board opened every 60 s);
//! - the ambassador checks in on the demo key result "Deploy time" once a
//!   second, each with its own id.
//!
//! Only the check-ins change this quarter, so each makes exactly one new
//! leaderboard version: the first version newer than both the newest any
//! screen had when it was sent and the previous check-in's. For each
//! check-in and screen, send→screen is the time from just before the
//! check-in was sent to that version's arrival.
//!
//! Each minute it notes the server's resident memory (VmRSS) and its CPU
//! share; at the end it prints a table by minute and the judgement: RSS at
//! the start and the end, errors (any failed request, a socket that ended
//! early, a screen that missed a version, an error in the server's log,
//! which goes to `target/release/soak-server.log`), the open sockets the
//! server's own metrics count at the end, and the p99 of the first and last
//! five minutes. It fails when there were errors.
//!
//! Run with `make bench-soak` (it raises the open-file limit). Shorter or
//! smaller: `cargo bench -p server --bench soak -- --minutes=2 --screens=1000 --users=20`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a benchmark that cannot set up should stop loudly"
)]

mod board;
#[path = "../common/people.rs"]
mod people;
#[path = "../common/process.rs"]
mod process;
mod report;
#[path = "../common/screen.rs"]
mod screen;
mod screens;

use process::{ChildGuard, CpuWatch, free_port, northstar_command, rss_kib, wait_until_up};
use report::{Log, Request, ms, percentiles};
use std::collections::BTreeSet;
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

/// The soak: how long, how many screens, how many board users.
const MINUTES: usize = 30;
const SCREENS: usize = 10_000;
const USERS: usize = 200;
/// After the last check-in, how long the screens wait for its frame.
const GRACE: Duration = Duration::from_secs(5);

/// One check-in as the writer saw it.
struct Round {
    sent: Instant,
    /// The newest version any screen had when it was sent.
    before: i64,
    saved: bool,
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let number = |name: &str, default: usize| {
        args.iter()
            .find_map(|a| a.strip_prefix(&format!("--{name}="))?.parse().ok())
            .unwrap_or(default)
    };
    let (minutes, screens, users) = (
        number("minutes", MINUTES).max(1),
        number("screens", SCREENS),
        number("users", USERS).max(1),
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let errors = runtime.block_on(soak(minutes, screens, users));
    assert_eq!(errors, 0, "the soak had errors (see above)");
}

async fn soak(minutes: usize, screens: usize, users: usize) -> usize {
    let northstar = process::northstar_binary("bench-soak");
    println!(
        "soak: {screens} office screens, {users} board users, a check-in a second, {minutes} min"
    );
    let dir = tempfile::tempdir().unwrap();
    let database_url = format!("sqlite://{}", dir.path().join("soak.db").display());
    let (port, metrics_port) = (free_port(), free_port());
    let base = format!("http://127.0.0.1:{port}");
    // The server's log (production filter) goes to a file: its warnings and
    // errors are counted at the end.
    let logs = process::release_dir().join("soak-server.log");
    let mut server = ChildGuard(
        northstar_command(&northstar, port, &database_url)
            .args(["--metrics-addr", &format!("127.0.0.1:{metrics_port}")])
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&logs).unwrap())
            .spawn()
            .unwrap(),
    );
    let probe = reqwest::Client::new();
    wait_until_up(&mut server, &probe, &format!("{base}/healthz"), "northstar").await;

    let ambassador = people::sign_in(&base, "maya@northstar.demo", "northstar-demo").await;
    let (current, key_result) = demo_ids(&database_url).await;
    let token = create_screen(&ambassador, &base).await;
    let set_up = Instant::now();
    let (next, planners) = board::set_up(&base, &ambassador, &database_url, current, users).await;
    println!(
        "{users} board users signed in, each with an objective on next quarter's board ({:.0} s)",
        set_up.elapsed().as_secs_f64()
    );

    let shared = Arc::new(screens::Shared::default());
    let opening = Instant::now();
    let length = Duration::from_secs(60 * minutes as u64);
    let (stop, stopping) = tokio::sync::watch::channel(false);
    let url = format!("{}/ws/screens/{token}", base.replace("http://", "ws://"));
    let handles = screens::open(&url, &base, screens, &stopping, &shared).await;
    let failed = shared.failed.load(Ordering::Acquire);
    println!(
        "{} screens open in {:.1} s ({failed} failed)",
        screens - failed,
        opening.elapsed().as_secs_f64()
    );

    let start = Instant::now();
    let until = start + length;
    let log = Arc::new(Log::new(start, minutes));
    let rss_start = rss_kib(server.pid());
    let sampler = tokio::spawn(sample(server.pid(), minutes, log.clone()));
    let board = board::start(&base, planners, (next, current), until, &stopping, &log);
    let rounds = check_in_every_second(&ambassador, &base, &key_result, &shared, until, &log).await;
    let rss_end = rss_kib(server.pid());
    sampler.await.unwrap();
    // The sockets stay until the last check-in's frame has had time to
    // arrive; the server must not end them sooner.
    tokio::time::sleep(GRACE).await;
    let open_sockets = scrape_sockets(metrics_port).await;
    stop.send(true).unwrap();
    let mut board_ok = 0;
    for task in board {
        board_ok += usize::from(task.await.unwrap());
    }
    let mut arrivals = Vec::with_capacity(screens);
    for handle in handles {
        if let Some(heard) = handle.await.unwrap() {
            arrivals.push(heard);
        }
    }
    server.assert_running("northstar");
    drop(server);

    let missed = screen_latencies(&rounds, &arrivals, &log);
    let dropped = shared.dropped.load(Ordering::Acquire);
    let log = Arc::into_inner(log).expect("every task has ended");
    let mut minutes_noted = log.into_minutes();
    report::print(&mut minutes_noted);

    let requests: usize = minutes_noted
        .iter()
        .map(|m| m.errors.values().sum::<usize>())
        .sum();
    let logged = std::fs::read_to_string(&logs).unwrap_or_default();
    let level = |name: &str| logged.lines().filter(|l| l.contains(name)).count();
    let (warnings, logged_errors) = (level(" WARN"), level("ERROR"));
    let errors = requests + failed + dropped + missed + logged_errors;
    let saved = rounds.iter().filter(|r| r.saved).count();
    let window = 5.min(minutes);
    let p99 = |range: &mut [report::Minute]| {
        let mut all: Vec<f64> = range.iter().flat_map(|m| m.to_screen.clone()).collect();
        percentiles(&mut all)[1]
    };
    let first = p99(&mut minutes_noted[..window]);
    let last = p99(&mut minutes_noted[minutes - window..]);
    println!();
    println!(
        "check-ins saved: {saved} of {} ({:.2} a second)",
        rounds.len(),
        saved as f64 / length.as_secs_f64()
    );
    println!(
        "server RSS: {:.1} MiB at the start, {:.1} MiB at the end ({:+.1}%), highest minute {:.1} MiB",
        rss_start as f64 / 1024.0,
        rss_end as f64 / 1024.0,
        (rss_end as f64 / rss_start as f64 - 1.0) * 100.0,
        minutes_noted.iter().map(|m| m.rss_kib).max().unwrap_or(0) as f64 / 1024.0
    );
    println!(
        "send→screen p99: {first:.1} ms in the first {window} min, {last:.1} ms in the last {window}"
    );
    println!("open sockets the server counted at the end: {open_sockets}");
    println!(
        "server log ({}): {warnings} warnings, {logged_errors} errors",
        logs.display()
    );
    println!(
        "errors: {errors} (requests {requests}, screens that failed to open {failed}, \
         ended early {dropped}, missed check-ins {missed}; board sockets to the end {board_ok} of {})",
        2 * users
    );
    errors
}

/// The demo's current cycle and its key result "Deploy time".
async fn demo_ids(database_url: &str) -> (i64, String) {
    let pool = process::reader(database_url).await;
    let (cycle, key_result): (i64, String) = sqlx::query_as(
        "SELECT o.cycle_id, k.id FROM key_results k JOIN objectives o ON o.id = k.objective_id \
         WHERE k.title = 'Deploy time'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    pool.close().await;
    (cycle, key_result)
}

/// A new office screen's token.
async fn create_screen(ambassador: &reqwest::Client, base: &str) -> String {
    let form = [
        ("name", "Soak".to_owned()),
        ("rotate_seconds", "20".to_owned()),
    ];
    let created: serde_json::Value = people::post(ambassador, base, "create_screen", &form)
        .await
        .json()
        .await
        .unwrap();
    created["path"]
        .as_str()
        .and_then(|p| p.strip_prefix("/screen/"))
        .unwrap_or_else(|| panic!("create_screen answered {created}"))
        .to_owned()
}

/// A check-in a second until `until`, each with its own id.
async fn check_in_every_second(
    ambassador: &reqwest::Client,
    base: &str,
    key_result: &str,
    shared: &screens::Shared,
    until: Instant,
    log: &Log,
) -> Vec<Round> {
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut rounds = Vec::new();
    while Instant::now() + Duration::from_millis(500) < until {
        tick.tick().await;
        let round = rounds.len();
        let form = [
            ("id", format!("00000000-0000-4000-8000-{:012x}", round + 1)),
            ("key_result_id", key_result.to_owned()),
            // Deploy time moves each second: each check-in moves the leaderboard.
            ("value", format!("{}", 40 - (round % 20) as i64)),
            ("confidence", "7".to_owned()),
            ("progress", format!("Soak check-in {round}")),
            ("problems", String::new()),
            ("plans", String::new()),
        ];
        let before = shared.highest.load(Ordering::Acquire);
        let sent = Instant::now();
        let answer = people::post(ambassador, base, "save_check_in", &form).await;
        let status = answer.status();
        let saved = status.is_success() && answer.bytes().await.is_ok();
        if saved {
            log.answered(Request::CheckIn, sent);
        } else {
            log.error(sent, format!("save_check_in: {status}"));
        }
        rounds.push(Round {
            sent,
            before,
            saved,
        });
    }
    rounds
}

/// Each minute: the server's RSS and CPU share, into that minute.
async fn sample(pid: u32, minutes: usize, log: Arc<Log>) {
    let cpus = std::thread::available_parallelism().map_or(1, usize::from) as f64;
    for minute in 0..minutes {
        let end = log.start + Duration::from_secs(60 * (minute as u64 + 1));
        let cpu = CpuWatch::start(&[pid], None);
        let from = Instant::now();
        tokio::time::sleep_until(end.into()).await;
        let elapsed = from.elapsed();
        let (server_ms, _, other) = cpu.shares(elapsed);
        let server = server_ms / (ms(elapsed) * cpus) * 100.0;
        let rss = rss_kib(pid);
        // Just before the minute's end, so that it lands in this minute.
        log.with(end - Duration::from_millis(1), |m| {
            m.rss_kib = rss;
            m.cpu = (server, other);
        });
    }
}

/// `northstar_websockets_open` by kind, from the metrics listener.
async fn scrape_sockets(port: u16) -> String {
    let text = reqwest::get(format!("http://127.0.0.1:{port}/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    text.lines()
        .filter_map(|l| l.strip_prefix("northstar_websockets_open{kind=\""))
        .map(|l| l.replace("\"} ", " "))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Every screen's send→screen latency for every saved check-in, into the
/// minute the check-in was sent in; returns how many (screen, check-in)
/// pairs never arrived.
fn screen_latencies(rounds: &[Round], arrivals: &[screens::Arrivals], log: &Log) -> usize {
    let seen: BTreeSet<i64> = arrivals.iter().flatten().map(|(v, _)| *v).collect();
    // The version each saved check-in made (see the module's comment).
    let mut previous = i64::MIN;
    let versions: Vec<Option<i64>> = rounds
        .iter()
        .map(|round| {
            if !round.saved {
                return None;
            }
            let after = round.before.max(previous);
            let version = seen.range(after + 1..).next().copied();
            if let Some(v) = version {
                previous = v;
            }
            version
        })
        .collect();
    let mut missed = 0;
    for socket in arrivals {
        for (round, version) in rounds.iter().zip(&versions) {
            let Some(version) = version else { continue };
            match socket.binary_search_by_key(version, |(v, _)| *v) {
                Ok(i) => {
                    let latency = ms(socket[i].1.saturating_duration_since(round.sent));
                    log.with(round.sent, |m| m.to_screen.push(latency));
                }
                Err(_) => missed += 1,
            }
        }
    }
    // A saved check-in no screen ever heard of.
    missed += rounds
        .iter()
        .zip(&versions)
        .filter(|(r, v)| r.saved && v.is_none())
        .count();
    missed
}
