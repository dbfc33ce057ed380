//! A throwaway PostgreSQL cluster for the benchmarks, started the way the
//! integration tests start theirs (`server/tests/it/common/postgres.rs`,
//! which a bench cannot import): a fresh folder under the system's temp
//! dir, a unix socket in it and no TCP, and as root the `postgres` system
//! user running it through `runuser` (initdb refuses root).
//!
//! A watchdog shell stops the cluster and removes its folder when the
//! [`Cluster`] is dropped (the end of a run, or a panic unwinding through
//! it) or when the benchmark's process ends in any other way.
//!
//! Unlike the tests' cluster it keeps PostgreSQL's durability as installed
//! (`fsync` and `synchronous_commit` on): a benchmark measures what a
//! deployment gets. A database can ask for less with `ALTER DATABASE`.

#![allow(
    dead_code,
    reason = "each benchmark that includes this module uses a different part of it"
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

pub struct Cluster {
    /// The data directory (`data`), the socket and the server's log (`log`).
    dir: PathBuf,
    /// Stops the cluster and removes `dir` once its input closes.
    watchdog: Child,
}

impl Cluster {
    pub fn start() -> Cluster {
        let bin = binaries();
        let dir = tempfile::Builder::new()
            .prefix("northstar-bench-pg-")
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
        run(program(&bin, "initdb", as_root).arg("-D").arg(&data).args([
            "-A",
            "trust",
            "-U",
            USER,
            "--encoding=UTF8",
            "--locale=C",
        ]));
        let socket_dir = cluster.dir.display().to_string().replace('\'', "''");
        let settings = format!(
            "listen_addresses = ''\nport = {PORT}\nunix_socket_directories = '{socket_dir}'\n\
             max_connections = 200\n# Not /dev/shm, which containers keep small.\n\
             dynamic_shared_memory_type = mmap\n"
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
            "the benchmark's cluster did not start: {}\n{}",
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

/// The folder of PostgreSQL's programs: `NORTHSTAR_PG_BIN`, else the newest
/// `/usr/lib/postgresql/<version>/bin` (Debian's layout).
fn binaries() -> PathBuf {
    if let Some(bin) = std::env::var_os("NORTHSTAR_PG_BIN") {
        return PathBuf::from(bin);
    }
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
        .expect("PostgreSQL is not installed (scripts/setup.sh installs it; NORTHSTAR_PG_BIN names another folder)")
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
    let output = command.stdin(Stdio::null()).output().unwrap();
    assert!(
        output.status.success(),
        "{command:?} failed: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A shell that waits for the end of its input, then stops the cluster at
/// once and removes its folder; in a process group of its own and deaf to
/// the terminal's signals, so Ctrl-C on the benchmark does not stop it
/// before it has cleaned up.
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
