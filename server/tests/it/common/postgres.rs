//! A throwaway PostgreSQL cluster for the tests: started once per test
//! process, in a fresh folder under the system's temp dir, listening only on
//! a unix socket in that folder; [`database`] hands each caller a new empty
//! database of its own. A watchdog stops the cluster and removes the folder
//! when the test process ends, however it ends.
//!
//! Root may not run PostgreSQL (initdb refuses), so as root the cluster
//! belongs to the `postgres` system user and its programs run through
//! `runuser`; anyone else runs them directly.

use sqlx::{Connection, Executor, PgConnection};
use std::os::unix::fs::MetadataExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

/// The cluster's superuser, the one the tests connect as (trusted, no password).
const USER: &str = "northstar";
/// The port names the socket file (`.s.PGSQL.<port>`); nothing listens on TCP.
const PORT: u16 = 5432;
/// The system user that runs the cluster when the tests run as root.
const SYSTEM_USER: &str = "postgres";
const INSTALL: &str = "install Debian's postgresql: scripts/setup.sh does";

/// Fast and forgetful (the data dies with the process), with room for
/// about 150 tests run two at a time, each with a pool of up to 8.
const SETTINGS: &str = "
listen_addresses = ''
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 300
# Not /dev/shm, which containers keep small.
dynamic_shared_memory_type = mmap
";

static CLUSTER: OnceLock<Cluster> = OnceLock::new();
static NEXT_DATABASE: AtomicU64 = AtomicU64::new(1);

/// The URL of a new, empty database on the test process's cluster (started
/// by the first call), e.g. to run the PostgreSQL migrations on or to start
/// the app against. Nothing drops it: it goes with the cluster.
pub async fn database() -> String {
    let socket_dir =
        tokio::task::spawn_blocking(|| CLUSTER.get_or_init(Cluster::start).dir.clone())
            .await
            .unwrap_or_else(|failed| std::panic::resume_unwind(failed.into_panic()));
    let name = format!("test_{}", NEXT_DATABASE.fetch_add(1, Ordering::Relaxed));
    let mut admin = PgConnection::connect(&url(&socket_dir, "postgres"))
        .await
        .expect("connect to the test cluster");
    admin
        .execute(format!("CREATE DATABASE {name}").as_str())
        .await
        .expect("create a test database");
    let _ = admin.close().await;
    url(&socket_dir, &name)
}

/// sqlx takes a `host` that starts with `/` as the folder of a unix socket.
fn url(socket_dir: &Path, database: &str) -> String {
    let mut host = String::new();
    for byte in socket_dir.as_os_str().as_encoded_bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' | b'~' => {
                host.push(char::from(*byte));
            }
            other => host.push_str(&format!("%{other:02X}")),
        }
    }
    // The port is explicit: a PGPORT in the environment must not move the socket.
    format!("postgres://{USER}@localhost:{PORT}/{database}?host={host}")
}

struct Cluster {
    /// The data directory (`data`), the socket and the server's log (`log`).
    dir: PathBuf,
    /// Its input is never written to: when the process ends, the kernel
    /// closes it and the watchdog, reading the other end, cleans up.
    _watchdog: Child,
}

impl Cluster {
    fn start() -> Cluster {
        let started = Instant::now();
        let bin = binaries();
        let dir = tempfile::Builder::new()
            .prefix("northstar-pg-")
            .tempdir()
            .expect("a folder for the test cluster")
            .keep();
        let as_root = std::fs::metadata(&dir).expect("the cluster's folder").uid() == 0;
        // First, so that a failed start below is cleaned up too.
        let watchdog = watchdog(&dir, &bin, as_root);
        if as_root {
            run(Command::new("chown")
                .arg(format!("{SYSTEM_USER}:"))
                .arg(&dir));
        }
        let data = dir.join("data");
        run(program(&bin, "initdb", as_root).arg("-D").arg(&data).args([
            "-A",
            "trust",
            "-U",
            USER,
            "--encoding=UTF8",
            "--locale=C",
            "--no-sync",
        ]));
        let socket_dir = dir.display().to_string().replace('\'', "''");
        let settings =
            format!("{SETTINGS}port = {PORT}\nunix_socket_directories = '{socket_dir}'\n");
        std::fs::OpenOptions::new()
            .append(true)
            .open(data.join("postgresql.conf"))
            .and_then(|mut conf| std::io::Write::write_all(&mut conf, settings.as_bytes()))
            .expect("settings of the test cluster");
        let log = dir.join("log");
        let output = program(&bin, "pg_ctl", as_root)
            .arg("-D")
            .arg(&data)
            .arg("-l")
            .arg(&log)
            .args(["-w", "-t", "60", "start"])
            .output()
            .expect("run pg_ctl");
        if !output.status.success() {
            let log = std::fs::read_to_string(&log).unwrap_or_default();
            panic!(
                "the test cluster did not start: {}\n{log}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
        tracing::info!(elapsed = ?started.elapsed(), dir = %dir.display(), "test cluster started");
        Cluster {
            dir,
            _watchdog: watchdog,
        }
    }
}

/// The folder of PostgreSQL's programs: `NORTHSTAR_PG_BIN`, else what
/// `pg_config` says, else the newest `/usr/lib/postgresql/<version>/bin`.
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

/// A shell that waits for the end of its input (the test process's end),
/// then stops the cluster at once and removes its folder. In a process
/// group of its own and deaf to the terminal's signals, so that Ctrl-C on
/// the tests does not stop it before it has cleaned up.
fn watchdog(dir: &Path, bin: &Path, as_root: bool) -> Child {
    const SCRIPT: &str = r#"trap '' INT TERM HUP
read -r _
if [ -n "$3" ]; then
    runuser -u "$3" -- "$2/pg_ctl" -D "$1/data" -m immediate -w stop
else
    "$2/pg_ctl" -D "$1/data" -m immediate -w stop
fi
rm -rf "$1""#;
    Command::new("sh")
        .args(["-c", SCRIPT, "watchdog"])
        .arg(dir)
        .arg(bin)
        // The user to stop the cluster as; empty: the test process's.
        .arg(if as_root { SYSTEM_USER } else { "" })
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
        .expect("start the test cluster's watchdog")
}
