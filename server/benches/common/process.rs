//! Child processes and what `/proc` says about them: the servers run apart
//! from the load client, so their memory and CPU can be read on their own.
//! Shared by the benchmarks that start `target/release/northstar`.

#![allow(
    dead_code,
    reason = "each benchmark that includes this module uses a different part of it"
)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A child server, killed when dropped (also when the benchmark panics).
pub struct ChildGuard(pub Child);

impl Drop for ChildGuard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl ChildGuard {
    pub fn pid(&self) -> u32 {
        self.0.id()
    }

    pub fn assert_running(&mut self, what: &str) {
        if let Ok(Some(status)) = self.0.try_wait() {
            panic!("{what} exited early: {status}");
        }
    }
}

/// `target/release`: the folder of this bench's `deps/` folder.
pub fn release_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    exe.parent()
        .and_then(Path::parent)
        .expect("the bench binary lives in target/<profile>/deps")
        .to_path_buf()
}

/// `target/release/northstar`, or a stop with what to build.
pub fn northstar_binary(make_target: &str) -> PathBuf {
    let northstar = release_dir().join("northstar");
    assert!(
        northstar.exists(),
        "{} is missing: run `cargo build --release -p server` first (or `make {make_target}`)",
        northstar.display()
    );
    northstar
}

/// `northstar serve --demo` on 127.0.0.1:`port` and `database_url`, with
/// the production log filter, as a child process (up once
/// [`wait_until_up`] says so).
pub fn start_northstar(northstar: &Path, port: u16, database_url: &str) -> ChildGuard {
    ChildGuard(
        northstar_command(northstar, port, database_url)
            .stdout(Stdio::null())
            .spawn()
            .unwrap(),
    )
}

/// The command [`start_northstar`] runs, for a caller that sends its
/// output elsewhere.
pub fn northstar_command(northstar: &Path, port: u16, database_url: &str) -> Command {
    let mut command = Command::new(northstar);
    command
        .args(["serve", "--demo", "--addr", &format!("127.0.0.1:{port}")])
        .args(["--database-url", database_url])
        .arg("--site-root")
        .arg(release_dir().parent().unwrap().join("site"))
        // An explicit RUST_LOG would change what is traced.
        .env_remove("RUST_LOG")
        .env_remove("NORTHSTAR_DATABASE_URL")
        .stdin(Stdio::null());
    command
}

/// Waits until `url` answers with a success (a minute at most).
pub async fn wait_until_up(
    child: &mut ChildGuard,
    client: &reqwest::Client,
    url: &str,
    what: &str,
) {
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

/// The URL to read a running server's database with: a SQLite file
/// read-only. A connection that may write checkpoints when it closes and,
/// if it finds itself the file's last user, removes the write-ahead log;
/// the server then holds no lock that says otherwise (see
/// docs/benchmarks.md, "What was noticed"), so the log would vanish under it.
pub fn reader_url(database_url: &str) -> String {
    if database_url.starts_with("sqlite:") {
        format!("{database_url}?mode=ro")
    } else {
        database_url.to_owned()
    }
}

/// A pool that reads a running server's database (see [`reader_url`]).
pub async fn reader(database_url: &str) -> sqlx::AnyPool {
    sqlx::any::install_default_drivers();
    sqlx::AnyPool::connect(&reader_url(database_url))
        .await
        .unwrap()
}

/// A port nobody listens on right now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Resident memory of process `pid`, in KiB.
pub fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|kib| kib.parse().ok())
        .expect("VmRSS in /proc/<pid>/status")
}

/// Every process's CPU time in clock ticks, and its parent.
fn processes() -> HashMap<u32, (u64, u32)> {
    let entries = std::fs::read_dir("/proc").into_iter().flatten().flatten();
    entries
        .filter_map(|entry| {
            let pid: u32 = entry.file_name().to_str()?.parse().ok()?;
            let stat = std::fs::read_to_string(entry.path().join("stat")).ok()?;
            // After "pid (name) ": state, parent, …; utime and stime are the 12th and 13th.
            let fields: Vec<&str> = stat[stat.rfind(')')? + 2..].split_whitespace().collect();
            let field = |i: usize| fields.get(i)?.parse::<u64>().ok();
            let ticks = field(11)? + field(12)?;
            Some((pid, (ticks, u32::try_from(field(1)?).ok()?)))
        })
        .collect()
}

/// CPU time over a stretch of the run, from `/proc` (in clock ticks, so
/// only ratios are used): the servers' (the instances', and every process
/// of the database server: backends, and parallel workers that come and go
/// with queries), this process's, and everyone else's. Counted over the
/// processes alive at the end (one that ended meanwhile is missed), against
/// the machine's total time.
pub struct CpuWatch {
    servers: Vec<u32>,
    /// PostgreSQL's postmaster: its children are the servers' too.
    database: Option<u32>,
    processes: HashMap<u32, (u64, u32)>,
    /// The machine's total ticks (all CPUs) at the start.
    total: u64,
}

impl CpuWatch {
    pub fn start(servers: &[u32], database: Option<u32>) -> Self {
        CpuWatch {
            servers: servers.to_vec(),
            database,
            processes: processes(),
            total: Self::machine().0,
        }
    }

    /// The machine's total ticks (all CPUs together) and its CPUs.
    fn machine() -> (u64, u64) {
        let stat = std::fs::read_to_string("/proc/stat").unwrap();
        // cpu  user nice system idle iowait irq softirq steal ...
        let total = stat
            .lines()
            .next()
            .unwrap()
            .split_whitespace()
            .skip(1)
            .take(8)
            .map(|f| f.parse::<u64>().unwrap())
            .sum();
        let cpus = stat
            .lines()
            .filter(|l| l.starts_with("cpu") && l.as_bytes().get(3).is_some_and(u8::is_ascii_digit))
            .count() as u64;
        (total, cpus)
    }

    /// The servers' CPU milliseconds per unit of work (`units` check-ins),
    /// and the share of the machine (%) that other processes used meanwhile.
    pub fn stop(self, elapsed: Duration, units: usize) -> (f64, f64) {
        let (server_ms, _, other) = self.shares(elapsed);
        (server_ms / units.max(1) as f64, other)
    }

    /// The servers' CPU milliseconds, this process's share of the machine
    /// (%) and other processes' share (%) since the start.
    pub fn shares(&self, elapsed: Duration) -> (f64, f64, f64) {
        let (total, cpus) = Self::machine();
        let total = total.saturating_sub(self.total).max(1) as f64;
        let own = std::process::id();
        let (mut servers, mut mine, mut others) = (0, 0, 0);
        for (pid, (ticks, parent)) in processes() {
            let before = self.processes.get(&pid).map_or(0, |(t, _)| *t);
            let spent = ticks.saturating_sub(before);
            if pid == own {
                mine += spent;
            } else if self.servers.contains(&pid)
                || Some(pid) == self.database
                || Some(parent) == self.database
            {
                servers += spent;
            } else {
                others += spent;
            }
        }
        // Ticks of all CPUs together: a share of them is a share of (CPUs × elapsed).
        let server_ms = servers as f64 / total * cpus as f64 * elapsed.as_secs_f64() * 1000.0;
        (
            server_ms,
            mine as f64 / total * 100.0,
            others as f64 / total * 100.0,
        )
    }
}
