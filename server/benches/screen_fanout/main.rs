//! Office-screen fan-out: how fast a check-in reaches N office screens, and
//! how that compares with a bare websocket broadcast server (the floor).
//!
//! Real mode starts `target/release/northstar serve --demo` as a child
//! process on a free port with a fresh SQLite file, signs in as the demo
//! ambassador, creates one office screen and opens N screen sockets with its
//! token. It then checks in on the demo key result "Deploy time" at a steady
//! pace (5 unmeasured warm-up check-ins, then 30 measured). Every socket
//! records when each message with a newer leaderboard version arrives (the
//! version is the first `"version":` in the text: a `snapshot`, or the
//! server-rendered `frame` screens get); for each check-in and socket the
//! benchmark reports the time from the check-in's response reaching the
//! writer to the message reaching the screen (an earlier message counts as
//! 0), and from just before the check-in was sent (so including the database
//! write and the leaderboard's computation).
//!
//! Floor mode re-executes this binary as `floor-server <port>`: an axum
//! websocket hub with no application logic, one `broadcast` channel,
//! `GET /ws` and `POST /publish`. The same client opens N sockets and
//! publishes a real snapshot captured from the real server (its version
//! replaced by a counter), at the same pace, measured the same way.
//!
//! Both servers are separate processes, so their memory (VmRSS) and CPU time
//! are read from `/proc` apart from the client's. The servers and the client
//! share the machine's cores, so the numbers include the clients' own work;
//! the `other` column shows how much of the machine other processes took
//! meanwhile (anything above a few percent means a disturbed run).
//!
//! Run with `make bench-screens` (it builds the release server and raises
//! the open-file limit: N sockets cost N descriptors here and N in the
//! server). Other sizes: `cargo bench -p server --bench screen_fanout -- 100 1000`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a benchmark that cannot set up should stop loudly"
)]

use futures::{SinkExt, StreamExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;

/// Unmeasured check-ins first (cold caches, first allocations), then measured ones.
const WARM_UP: usize = 5;
const MEASURED: usize = 30;
/// Sockets connecting (and waiting for their first snapshot) at once.
const CONNECTING_AT_ONCE: usize = 200;
/// How long every socket may take to receive one check-in's snapshot.
const DELIVERY_TIMEOUT: Duration = Duration::from_secs(10);
/// What an office screen says first: "I know nothing yet".
const RESUME: &str = r#"{"type":"resume","cycle_id":null,"version":0,"day":""}"#;
const SIZES: [usize; 2] = [1000, 10000];

fn main() {
    // The floor server is this same binary, started as a child process.
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("floor-server") {
        let port = args
            .get(2)
            .and_then(|p| p.parse().ok())
            .expect("floor-server <port>");
        floor::serve(port);
        return;
    }
    // `cargo bench -- 100 1000` runs other sizes (cargo adds `--bench`, which is skipped).
    let sizes: Vec<usize> = args.iter().skip(1).filter_map(|a| a.parse().ok()).collect();
    let sizes = if sizes.is_empty() {
        SIZES.to_vec()
    } else {
        sizes
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(run_all(sizes));
}

async fn run_all(sizes: Vec<usize>) {
    let northstar = release_dir().join("northstar");
    assert!(
        northstar.exists(),
        "{} is missing: run `cargo build --release -p server` first (or `make bench-screens`)",
        northstar.display()
    );
    println!(
        "office-screen fan-out: {WARM_UP} warm-up + {MEASURED} measured check-ins per run, one at a time"
    );
    println!(
        "  resp→screen: check-in response at the writer → new version at the screen (earlier = 0)"
    );
    println!("  send→screen: just before the check-in is sent → new version at the screen");
    let mut results = Vec::new();
    for &n in &sizes {
        let (real, snapshot) = run_real(&northstar, n).await;
        println!(
            "N = {n}: real done (screen message {} bytes, pace {} ms)",
            snapshot.len(),
            pace(n).as_millis()
        );
        let floor = run_floor(n, &snapshot).await;
        println!("N = {n}: floor done");
        results.push((n, real, floor));
    }

    println!();
    println!(
        "{:>6} {:>6} {:>6} {:>6} {:>8} {:>8} {:>8} {:>6} | {:>23} | {:>23} | {:>7}",
        "N",
        "server",
        "errors",
        "open s",
        "KiB/conn",
        "POST p50",
        "CPU/chk",
        "other",
        "resp→screen p50/p99/max",
        "send→screen p50/p99/max",
        "samples"
    );
    for (n, real, floor) in &results {
        for (name, o) in [("real", real), ("floor", floor)] {
            println!(
                "{n:>6} {name:>6} {:>6} {:>6.1} {:>8.1} {:>8.2} {:>8.1} {:>5.1}% | {:>7.2} {:>7.2} {:>7.2} | {:>7.2} {:>7.2} {:>7.2} | {:>7}",
                o.errors,
                o.opening,
                o.kib_per_connection,
                o.post_p50,
                o.server_cpu,
                o.other_cpu,
                o.to_screen.p50,
                o.to_screen.p99,
                o.to_screen.max,
                o.end_to_end.p50,
                o.end_to_end.p99,
                o.end_to_end.max,
                o.samples,
            );
        }
    }
    println!();
    println!(
        "{:>6} | {:>22} | {:>22}",
        "N", "real/floor resp→screen", "real/floor send→screen"
    );
    for (n, real, floor) in &results {
        println!(
            "{n:>6} | p50 {:>5.2}× p99 {:>5.2}× | p50 {:>5.2}× p99 {:>5.2}×",
            real.to_screen.p50 / floor.to_screen.p50,
            real.to_screen.p99 / floor.to_screen.p99,
            real.end_to_end.p50 / floor.end_to_end.p50,
            real.end_to_end.p99 / floor.end_to_end.p99,
        );
    }
    println!(
        "(milliseconds. open s: seconds until all N sockets had their first message ({CONNECTING_AT_ONCE} at a time)."
    );
    println!(" KiB/conn: the server's VmRSS growth while the N sockets opened, per socket.");
    println!(
        " CPU/chk: the server's CPU ms per check-in. other: share of the machine other processes used.)"
    );
    if results
        .iter()
        .any(|(_, real, floor)| real.other_cpu > 5.0 || floor.other_cpu > 5.0)
    {
        println!(
            "warning: other processes used more than 5% of the machine; the numbers are disturbed"
        );
    }
}

/// Time between check-ins: long enough for one fan-out to finish before the
/// next (the driver also waits for every socket before sending the next).
fn pace(n: usize) -> Duration {
    Duration::from_millis(250.max(n as u64 / 20))
}

/// `target/release`: the folder of this bench's `deps/` folder.
fn release_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    exe.parent()
        .and_then(Path::parent)
        .expect("the bench binary lives in target/<profile>/deps")
        .to_path_buf()
}

/// The first `"version":` number in a message, found without parsing the JSON.
fn version_of(text: &str) -> Option<i64> {
    let start = text.find("\"version\":")? + "\"version\":".len();
    let digits = text[start..].trim_start();
    let end = digits
        .find(|c: char| !c.is_ascii_digit() && c != '-')
        .unwrap_or(digits.len());
    digits[..end].parse().ok()
}

/// `text` with its first `"version":` number replaced by `version`.
fn with_version(text: &str, version: i64) -> String {
    let start = text.find("\"version\":").expect("a version") + "\"version\":".len();
    let rest = &text[start..];
    let end = rest
        .find(|c: char| !c.is_ascii_digit() && c != '-' && c != ' ')
        .unwrap_or(rest.len());
    format!("{}{version}{}", &text[..start], &rest[end..])
}

/// What every socket task shares with the driver.
#[derive(Default)]
struct Shared {
    /// Sockets that received their first message (or gave up trying).
    settled: AtomicUsize,
    /// Sockets that could not connect or got no first message.
    failed: AtomicUsize,
    /// New versions received, over all sockets.
    delivered: AtomicUsize,
    /// The highest version any socket has seen.
    highest: AtomicI64,
    /// The latest message text seen by socket 0 (a real snapshot, for the floor).
    sample: Mutex<Option<String>>,
}

/// One socket's arrivals: (version, when).
type Arrivals = Vec<(i64, Instant)>;

/// Opens `n` sockets at `url`, at most [`CONNECTING_AT_ONCE`] at a time, and
/// waits until each has its first message (or failed).
async fn open_sockets(
    url: &str,
    origin: &str,
    n: usize,
    shared: &Arc<Shared>,
) -> Vec<JoinHandle<Arrivals>> {
    let gate = Arc::new(Semaphore::new(CONNECTING_AT_ONCE));
    let handles: Vec<_> = (0..n)
        .map(|i| {
            tokio::spawn(screen(
                url.to_owned(),
                origin.to_owned(),
                gate.clone(),
                shared.clone(),
                i == 0,
            ))
        })
        .collect();
    let started = Instant::now();
    while shared.settled.load(Ordering::Acquire) < n {
        assert!(
            started.elapsed() < Duration::from_secs(300),
            "sockets still connecting after 5 minutes"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    handles
}

/// One office screen: connect, resume, then note every newer version's arrival.
async fn screen(
    url: String,
    origin: String,
    gate: Arc<Semaphore>,
    shared: Arc<Shared>,
    sample: bool,
) -> Arrivals {
    let permit = gate.acquire_owned().await.unwrap();
    let mut request = url.into_client_request().unwrap();
    request
        .headers_mut()
        .insert("origin", origin.parse().unwrap());
    let give_up = |shared: &Shared| {
        shared.failed.fetch_add(1, Ordering::Relaxed);
        shared.settled.fetch_add(1, Ordering::Release);
        Vec::new()
    };
    // tungstenite zero-fills its whole read buffer (128 KiB by default) each
    // time a socket is polled; 8 KiB holds a snapshot and keeps that cheap,
    // so the client, which shares the cores, costs the servers less.
    let config = WebSocketConfig::default().read_buffer_size(8 * 1024);
    let Ok((mut socket, _)) =
        tokio_tungstenite::connect_async_with_config(request, Some(config), true).await
    else {
        return give_up(&shared);
    };
    if socket.send(Message::text(RESUME)).await.is_err() {
        return give_up(&shared);
    }
    let mut last = loop {
        match tokio::time::timeout(Duration::from_secs(30), socket.next()).await {
            Ok(Some(Ok(Message::Text(text)))) => break version_of(&text).unwrap_or(0),
            Ok(Some(Ok(_))) => {}
            _ => return give_up(&shared),
        }
    };
    shared.highest.fetch_max(last, Ordering::Relaxed);
    drop(permit);
    shared.settled.fetch_add(1, Ordering::Release);

    let mut arrivals = Vec::with_capacity(WARM_UP + MEASURED + 2);
    // The socket ends when its server is killed.
    while let Some(Ok(message)) = socket.next().await {
        if let Message::Text(text) = message {
            let at = Instant::now();
            if let Some(version) = version_of(&text)
                && version > last
            {
                last = version;
                arrivals.push((version, at));
                shared.highest.fetch_max(version, Ordering::Relaxed);
                shared.delivered.fetch_add(1, Ordering::Release);
                if sample {
                    *shared.sample.lock().unwrap() = Some(text.as_str().to_owned());
                }
            }
        }
    }
    arrivals
}

/// Sends `WARM_UP + MEASURED` changes with `change(round)` at a steady pace,
/// waiting after each until every open socket has its snapshot.
async fn drive<F, Fut>(n_open: usize, pace: Duration, shared: &Shared, mut change: F) -> Vec<Round>
where
    F: FnMut(usize) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let mut tick = tokio::time::interval(pace);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut rounds = Vec::with_capacity(WARM_UP + MEASURED);
    for round in 0..WARM_UP + MEASURED {
        tick.tick().await;
        let before = shared.highest.load(Ordering::Acquire);
        let target = shared.delivered.load(Ordering::Acquire) + n_open;
        let sent = Instant::now();
        change(round).await;
        let responded = Instant::now();
        let deadline = Instant::now() + DELIVERY_TIMEOUT;
        while shared.delivered.load(Ordering::Acquire) < target && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        let highest = shared.highest.load(Ordering::Acquire);
        rounds.push(Round {
            version: (highest > before).then_some(highest),
            sent,
            responded,
        });
    }
    rounds
}

async fn wait_until_up(child: &mut ChildGuard, client: &reqwest::Client, url: &str, what: &str) {
    let started = Instant::now();
    loop {
        child.assert_running(what);
        if let Ok(response) = client.get(url).send().await
            && response.status().is_success()
        {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "{what} did not come up within a minute"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The real server with `n` screens; returns the outcome and a snapshot's text.
async fn run_real(northstar: &Path, n: usize) -> (Outcome, String) {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("screens.db");
    let database_url = format!("sqlite://{}", database.display());
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut server = ChildGuard(
        Command::new(northstar)
            .args(["serve", "--demo", "--addr", &format!("127.0.0.1:{port}")])
            .args(["--database-url", &database_url])
            .arg("--site-root")
            .arg(release_dir().parent().unwrap().join("site"))
            // The production log filter (an explicit RUST_LOG would change what is traced).
            .env_remove("RUST_LOG")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let writer = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    wait_until_up(
        &mut server,
        &writer,
        &format!("{base}/healthz"),
        "northstar",
    )
    .await;

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
    let key_result = {
        let pool = sqlx::SqlitePool::connect(&format!("{database_url}?mode=ro"))
            .await
            .unwrap();
        let id: String =
            sqlx::query_scalar("SELECT k.id FROM key_results k WHERE k.title = 'Deploy time'")
                .fetch_one(&pool)
                .await
                .unwrap();
        pool.close().await;
        id
    };

    let shared = Arc::new(Shared::default());
    let before = rss_kib(server.pid());
    let url = format!("ws://127.0.0.1:{port}/ws/screens/{token}");
    let opening = Instant::now();
    let handles = open_sockets(&url, &base, n, &shared).await;
    let opening = opening.elapsed().as_secs_f64();
    let after = rss_kib(server.pid());
    let failed = shared.failed.load(Ordering::Acquire);
    let open = n - failed;
    let kib = (after as f64 - before as f64) / open.max(1) as f64;

    let cpu = CpuWatch::start(server.pid());
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
    server.assert_running("northstar");
    let snapshot = shared
        .sample
        .lock()
        .unwrap()
        .take()
        .expect("socket 0 received a snapshot");
    drop(server);
    let mut arrivals = Vec::with_capacity(n);
    for handle in handles {
        arrivals.push(handle.await.unwrap());
    }
    (
        summarise(&rounds, &arrivals, failed, kib, opening, cpu),
        snapshot,
    )
}

/// The floor server with `n` sockets, publishing `snapshot` (versions renumbered).
async fn run_floor(n: usize, snapshot: &str) -> Outcome {
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut server = ChildGuard(
        Command::new(std::env::current_exe().unwrap())
            .args(["floor-server", &port.to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let publisher = reqwest::Client::new();
    wait_until_up(
        &mut server,
        &publisher,
        &format!("{base}/healthz"),
        "floor server",
    )
    .await;

    let shared = Arc::new(Shared::default());
    let before = rss_kib(server.pid());
    let opening = Instant::now();
    let handles = open_sockets(&format!("ws://127.0.0.1:{port}/ws"), &base, n, &shared).await;
    let opening = opening.elapsed().as_secs_f64();
    let after = rss_kib(server.pid());
    let failed = shared.failed.load(Ordering::Acquire);
    let open = n - failed;
    let kib = (after as f64 - before as f64) / open.max(1) as f64;

    let cpu = CpuWatch::start(server.pid());
    let driving = Instant::now();
    let rounds = drive(open, pace(n), &shared, |round| {
        let sent = publisher
            .post(format!("{base}/publish"))
            .body(with_version(snapshot, round as i64 + 1))
            .send();
        async move {
            let response = sent.await.unwrap();
            assert!(
                response.status().is_success(),
                "publish: {}",
                response.status()
            );
            response.bytes().await.unwrap();
        }
    })
    .await;
    let cpu = cpu.stop(driving.elapsed(), rounds.len());
    server.assert_running("floor server");
    drop(server);
    let mut arrivals = Vec::with_capacity(n);
    for handle in handles {
        arrivals.push(handle.await.unwrap());
    }
    summarise(&rounds, &arrivals, failed, kib, opening, cpu)
}

mod floor;
mod process;
mod stats;

use stats::*;

use process::{ChildGuard, CpuWatch, free_port, rss_kib};
