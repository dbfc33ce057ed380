//! A throwaway PostgreSQL cluster from Debian's `postgresql` package, for
//! the integration tests (`tests/it/common/postgres.rs`) and the benchmarks
//! (`benches/*`, which include this file by path): a fresh folder under the
//! system's temp dir, a unix socket in it and no TCP. Root may not run
//! PostgreSQL (initdb refuses), so as root the cluster belongs to the
//! `postgres` system user and its programs run through `runuser`.
//!
//! A watchdog shell stops the cluster and removes its folder when the
//! [`Cluster`] is dropped (the end of a benchmark, or a panic unwinding
//! through it) or when the process ends in any other way (the tests keep
//! theirs in a static, never dropped).

#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "each includer uses a different part; a cluster that cannot start fails loudly"
)]

use std::io::Write;
use std::os::unix::fs::MetadataExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// The superuser the benchmarks and the servers connect as (trusted).
const USER: &str = "northstar";
/// Names the socket file (`.s.PGSQL.5432`); nothing listens on TCP.
const PORT: u16 = 5432;
/// Who runs the cluster when the benchmark runs as root.
const SYSTEM_USER: &str = "postgres";

/// What the cluster is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Fast and forgetful (the data dies with the process), with room for
    /// about 150 tests run two at a time, each with a pool of up to 8.
    Tests,
    /// PostgreSQL's durability as installed (`fsync`, `synchronous_commit`
    /// on): a benchmark measures what a deployment gets. A database can
    /// ask for less with `ALTER DATABASE`.
    Benchmark,
}

impl Kind {
    fn prefix(self) -> &'static str {
        match self {
            Kind::Tests => "northstar-pg-",
            Kind::Benchmark => "northstar-bench-pg-",
        }
    }

    fn initdb(self) -> &'static [&'static str] {
        match self {
            Kind::Tests => &["--no-sync"],
            Kind::Benchmark => &[],
        }
    }

    fn settings(self) -> &'static str {
        match self {
            Kind::Tests => {
                "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\nmax_connections = 300\n"
            }
            Kind::Benchmark => "max_connections = 200\n",
        }
    }
}

pub struct Cluster {
    /// The data directory (`data`), the socket and the server's log (`log`).
    dir: PathBuf,
    /// Stops the cluster and removes `dir` once its input closes.
    watchdog: Child,
}

impl Cluster {
    pub fn start(kind: Kind) -> Cluster {
        let bin = binaries();
        let dir = tempfile::Builder::new()
            .prefix(kind.prefix())
            .tempdir()
            .unwrap()
            .keep();
        let as_root = std::fs::metadata(&dir).unwrap().uid() == 0;
        // First, so that a failed start below is cleaned up too.
        let watchdog = watchdog(&dir, &bin, as_root);
        let cluster = Cluster { dir, watchdog };
        if as_root {
            run(Command::new("chown")
                .arg(format!("{SYSTEM_USER}:"))
                .arg(&cluster.dir));
        }
        let data = cluster.dir.join("data");
        run(program(&bin, "initdb", as_root)
            .arg("-D")
            .arg(&data)
            .args(["-A", "trust", "-U", USER, "--encoding=UTF8", "--locale=C"])
            .args(kind.initdb()));
        let socket_dir = cluster.dir.display().to_string().replace('\'', "''");
        let settings = format!(
            "listen_addresses = ''\nport = {PORT}\nunix_socket_directories = '{socket_dir}'\n\
             # Not /dev/shm, which containers keep small.\n\
             dynamic_shared_memory_type = mmap\n{}",
            kind.settings()
        );
        std::fs::OpenOptions::new()
            .append(true)
            .open(data.join("postgresql.conf"))
            .and_then(|mut conf| conf.write_all(settings.as_bytes()))
            .unwrap();
        let log = cluster.dir.join("log");
        let output = program(&bin, "pg_ctl", as_root)
            .arg("-D")
            .arg(&data)
            .arg("-l")
            .arg(&log)
            .args(["-w", "-t", "60", "start"])
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "the throwaway cluster did not start: {}\n{}",
            String::from_utf8_lossy(&output.stderr),
            std::fs::read_to_string(&log).unwrap_or_default()
        );
        cluster
    }

    /// A new, empty database `name` (the server or the benchmark migrates
    /// it); its URL.
    pub async fn database(&self, name: &str) -> String {
        self.execute(&format!("CREATE DATABASE {name}")).await;
        self.url(name)
    }

    /// Runs `sql` on the `postgres` database (for `ALTER DATABASE …`).
    pub async fn execute(&self, sql: &str) {
        use sqlx::{Connection, Executor};
        let mut admin = sqlx::PgConnection::connect(&self.url("postgres"))
            .await
            .unwrap();
        admin.execute(sql).await.unwrap();
        admin.close().await.unwrap();
    }

    /// sqlx takes a `host` that starts with `/` as the folder of a unix socket.
    pub fn url(&self, database: &str) -> String {
        let mut host = String::new();
        for byte in self.dir.as_os_str().as_encoded_bytes() {
            match byte {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' | b'~' => {
                    host.push(char::from(*byte));
                }
                other => host.push_str(&format!("%{other:02X}")),
            }
        }
        format!("postgres://{USER}@localhost:{PORT}/{database}?host={host}")
    }

    /// The postmaster's process id: every process of the database server
    /// is its child.
    pub fn postmaster(&self) -> Option<u32> {
        let pid = std::fs::read_to_string(self.dir.join("data/postmaster.pid")).ok()?;
        pid.lines().next()?.trim().parse().ok()
    }

    /// The data directory, e.g. to read its files into the page cache.
    pub fn data_dir(&self) -> PathBuf {
        self.dir.join("data")
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        // Closing its input tells the watchdog to stop the cluster.
        drop(self.watchdog.stdin.take());
        let _ = self.watchdog.wait();
    }
}

const INSTALL: &str = "install Debian's postgresql: scripts/setup.sh does";

/// The folder of PostgreSQL's programs: `NORTHSTAR_PG_BIN`, else
/// `pg_config --bindir`, else the newest `/usr/lib/postgresql/<version>/bin`
/// (Debian's layout).
fn binaries() -> PathBuf {
    if let Some(bin) = std::env::var_os("NORTHSTAR_PG_BIN") {
        let bin = PathBuf::from(bin);
        assert!(
            bin.join("initdb").exists(),
            "NORTHSTAR_PG_BIN={} holds no initdb: name the folder of PostgreSQL's programs, or {INSTALL}",
            bin.display()
        );
        return bin;
    }
    let configured = Command::new("pg_config")
        .arg("--bindir")
        .output()
        .ok()
        .filter(|output| output.status.success())
        .map(|output| PathBuf::from(String::from_utf8_lossy(&output.stdout).trim()));
    let newest = || {
        std::fs::read_dir("/usr/lib/postgresql")
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|entry| {
                let version = entry.file_name().to_str()?.parse::<u32>().ok()?;
                Some((version, entry.path().join("bin")))
            })
            .filter(|(_, bin)| bin.join("initdb").exists())
            .max()
            .map(|(_, bin)| bin)
    };
    configured
        .filter(|bin| bin.join("initdb").exists())
        .or_else(newest)
        .unwrap_or_else(|| {
            panic!(
                "PostgreSQL is not installed (no initdb from pg_config or in \
                 /usr/lib/postgresql/*/bin; NORTHSTAR_PG_BIN names another folder): {INSTALL}"
            )
        })
}

/// One of PostgreSQL's programs, run as the cluster's owner.
fn program(bin: &Path, name: &str, as_root: bool) -> Command {
    if as_root {
        let mut command = Command::new("runuser");
        command.args(["-u", SYSTEM_USER, "--"]).arg(bin.join(name));
        command
    } else {
        Command::new(bin.join(name))
    }
}

fn run(command: &mut Command) {
    let output = command
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|error| panic!("run {command:?}: {error}"));
    assert!(
        output.status.success(),
        "{command:?} failed: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A shell that waits for the end of its input (a drop, or the process's
/// end), then stops the cluster at once and removes its folder; in a
/// process group of its own and deaf to the terminal's signals, so Ctrl-C
/// does not stop it before it has cleaned up.
fn watchdog(dir: &Path, bin: &Path, as_root: bool) -> Child {
    const SCRIPT: &str = r#"trap '' INT TERM HUP
read -r _
if [ -f "$1/data/postmaster.pid" ]; then
    if [ -n "$3" ]; then
        runuser -u "$3" -- "$2/pg_ctl" -D "$1/data" -m immediate -w stop
    else
        "$2/pg_ctl" -D "$1/data" -m immediate -w stop
    fi
fi
rm -rf "$1""#;
    Command::new("sh")
        .args(["-c", SCRIPT, "watchdog"])
        .arg(dir)
        .arg(bin)
        .arg(if as_root { SYSTEM_USER } else { "" })
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
        .unwrap()
}
