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
//! Instances mode (`-- instances`, `make bench-instances`) compares, at
//! 10,000 screens: the floor; one instance on SQLite; one instance on a
//! PostgreSQL database (the benchmark starts a throwaway cluster,
//! `common/postgres.rs`); and two instances on one PostgreSQL database with
//! 5,000 screens each, the check-ins saved through the first, so half of
//! the screens hear of them through PostgreSQL's `LISTEN/NOTIFY`.
//!
//! Run with `make bench-screens` or `make bench-instances` (they build the
//! release server and raise the open-file limit: N sockets cost N
//! descriptors here and N in the servers). Other sizes:
//! `cargo bench -p server --bench screen_fanout -- 100 1000`, or
//! `-- instances 2000`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a benchmark that cannot set up should stop loudly"
)]

mod floor;
#[path = "../../tests/support/postgres_cluster.rs"]
mod postgres;
#[path = "../common/process.rs"]
mod process;
mod real;
#[path = "../common/screen.rs"]
mod screen;
mod sockets;
mod stats;

use real::{Database, run_real};
use sockets::CONNECTING_AT_ONCE;
use stats::{Outcome, Summary};
use std::time::Duration;

/// Unmeasured check-ins first (cold caches, first allocations), then measured ones.
const WARM_UP: usize = 5;
const MEASURED: usize = 30;
const SIZES: [usize; 2] = [1000, 10000];
/// Screens in instances mode, spread over the instances.
const INSTANCES_SCREENS: usize = 10000;
/// The bar for several instances: p99 within this many times one
/// instance's with as many screens, and no errors.
const INSTANCES_BAR: f64 = 1.25;

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
    let instances = args.iter().any(|a| a == "instances");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    if instances {
        let n = sizes.first().copied().unwrap_or(INSTANCES_SCREENS);
        runtime.block_on(run_instances(n));
    } else {
        let sizes = if sizes.is_empty() {
            SIZES.to_vec()
        } else {
            sizes
        };
        runtime.block_on(run_all(sizes));
    }
}

fn print_legend() {
    println!(
        "office-screen fan-out: {WARM_UP} warm-up + {MEASURED} measured check-ins per run, one at a time"
    );
    println!(
        "  resp→screen: check-in response at the writer → new version at the screen (earlier = 0)"
    );
    println!("  send→screen: just before the check-in is sent → new version at the screen");
}

/// Real server (one instance, SQLite) and floor at each size.
async fn run_all(sizes: Vec<usize>) {
    let northstar = process::northstar_binary("bench-screens");
    print_legend();
    let mut results = Vec::new();
    for &n in &sizes {
        let real = run_real(&northstar, Database::Sqlite, 1, n).await;
        println!(
            "N = {n}: real done (screen message {} bytes, pace {} ms)",
            real.snapshot.len(),
            pace(n).as_millis()
        );
        let floor = floor::run_floor(n, &real.snapshot).await;
        println!("N = {n}: floor done");
        results.push((n, "real", real.outcome));
        results.push((n, "floor", floor));
    }
    print_table(&results);
    println!();
    println!(
        "{:>6} | {:>22} | {:>22}",
        "N", "real/floor resp→screen", "real/floor send→screen"
    );
    for pair in results.chunks(2) {
        let [(n, _, real), (_, _, floor)] = pair else {
            continue;
        };
        println!("{n:>6} | {}", ratios(real, floor));
    }
    print_notes(&results);
}

/// At `n` screens: the floor, one instance on SQLite, one on PostgreSQL,
/// and two on one PostgreSQL database (n/2 screens each).
async fn run_instances(n: usize) {
    let northstar = process::northstar_binary("bench-instances");
    print_legend();
    let cluster = postgres::Cluster::start(postgres::Kind::Benchmark);
    let one_sqlite = run_real(&northstar, Database::Sqlite, 1, n).await;
    println!("N = {n}: one instance on SQLite done");
    let floor = floor::run_floor(n, &one_sqlite.snapshot).await;
    println!("N = {n}: floor done");
    let one_pg = run_real(&northstar, Database::Postgres(&cluster), 1, n).await;
    println!("N = {n}: one instance on PostgreSQL done");
    let two = run_real(&northstar, Database::Postgres(&cluster), 2, n).await;
    println!("N = {n}: two instances on PostgreSQL done");
    drop(cluster);

    let results = [
        (n, "floor", floor),
        (n, "SQLite×1", one_sqlite.outcome),
        (n, "PG×1", one_pg.outcome.clone()),
        (n, "PG×2", two.outcome.clone()),
    ];
    print_table(&results);
    println!();
    println!(
        "by instance (check-ins saved through instance 1; first/last: from sending to the first and the last of its screens hearing of it); resp→screen p50/p99/max | send→screen p50/p99/max:"
    );
    for (name, group) in [("PG×1", &one_pg.by_instance), ("PG×2", &two.by_instance)] {
        for (i, (o, (first, last, messages))) in group.iter().enumerate() {
            println!(
                "  {name} instance {}: {:>5} screens, errors {}, first/last screen p50 {first:.1}/{last:.1}, \
                 {messages:.2} messages per screen and check-in | {}",
                i + 1,
                o.samples / MEASURED,
                o.errors,
                latencies(o),
            );
        }
    }
    println!();
    println!(
        "{:>10} | {:>22} | {:>22}",
        "ratio", "resp→screen", "send→screen"
    );
    let [(_, _, floor), (_, _, sqlite), (_, _, pg), (_, _, two)] = &results;
    for (name, a, b) in [
        ("PG×2/PG×1", two, pg),
        ("PG×2/SQL×1", two, sqlite),
        ("PG×2/floor", two, floor),
        ("PG×1/SQL×1", pg, sqlite),
        ("SQL×1/flr", sqlite, floor),
    ] {
        println!("{name:>10} | {}", ratios(a, b));
    }
    for (name, one) in [("PostgreSQL", pg), ("SQLite", sqlite)] {
        let ratio = two.end_to_end.p99 / one.end_to_end.p99;
        let met = ratio <= INSTANCES_BAR && two.errors == 0;
        println!(
            "bar (two instances' send→screen p99 ≤ {INSTANCES_BAR}× one {name} instance's with {n} screens, 0 errors): {:.2}×, {} errors: {}",
            ratio,
            two.errors,
            if met { "met" } else { "NOT met" }
        );
    }
    print_notes(&results);
}

fn ratios(a: &Outcome, b: &Outcome) -> String {
    let ratio =
        |x: Summary, y: Summary| format!("p50 {:>5.2}× p99 {:>5.2}×", x.p50 / y.p50, x.p99 / y.p99);
    format!(
        "{} | {}",
        ratio(a.to_screen, b.to_screen),
        ratio(a.end_to_end, b.end_to_end)
    )
}

fn print_table(results: &[(usize, &str, Outcome)]) {
    println!();
    println!(
        "{:>6} {:>8} {:>6} {:>6} {:>8} {:>8} {:>8} {:>6} | {:>23} | {:>23} | {:>7}",
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
    for (n, name, o) in results {
        println!(
            "{n:>6} {name:>8} {:>6} {:>6.1} {:>8.1} {:>8.2} {:>8.1} {:>5.1}% | {} | {:>7}",
            o.errors,
            o.opening,
            o.kib_per_connection,
            o.post_p50,
            o.server_cpu,
            o.other_cpu,
            latencies(o),
            o.samples,
        );
    }
}

/// resp→screen and send→screen, p50 / p99 / max each.
fn latencies(o: &Outcome) -> String {
    let three = |s: Summary| format!("{:>7.2} {:>7.2} {:>7.2}", s.p50, s.p99, s.max);
    format!("{} | {}", three(o.to_screen), three(o.end_to_end))
}

fn print_notes(results: &[(usize, &str, Outcome)]) {
    println!(
        "(milliseconds. open s: seconds until all N sockets had their first message ({CONNECTING_AT_ONCE} at a time)."
    );
    println!(" KiB/conn: the servers' VmRSS growth while the N sockets opened, per socket.");
    println!(
        " CPU/chk: the servers' CPU ms per check-in (on PostgreSQL with the database's processes)."
    );
    println!(" other: share of the machine other processes used.)");
    if results.iter().any(|(_, _, o)| o.other_cpu > 5.0) {
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
