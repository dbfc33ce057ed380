//! Child processes and what `/proc` says about them: the servers run apart
//! from the load client, so their memory and CPU can be read on their own.

use std::process::Child;
use std::time::Duration;

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

/// CPU time over a stretch of the run, from `/proc` (in clock ticks, so
/// only ratios are used): the server's, this process's and the machine's.
pub struct CpuWatch {
    server: u32,
    started: [u64; 5],
}

impl CpuWatch {
    pub fn start(server: u32) -> Self {
        CpuWatch {
            server,
            started: Self::now(server),
        }
    }

    /// [machine busy, machine total, this process, the server, CPUs].
    pub fn now(server: u32) -> [u64; 5] {
        let stat = std::fs::read_to_string("/proc/stat").unwrap();
        // cpu  user nice system idle iowait irq softirq steal ...
        let cpu: Vec<u64> = stat
            .lines()
            .next()
            .unwrap()
            .split_whitespace()
            .skip(1)
            .take(8)
            .map(|f| f.parse().unwrap())
            .collect();
        let busy = cpu[0] + cpu[1] + cpu[2] + cpu[5] + cpu[6];
        let total: u64 = cpu.iter().sum();
        let cpus = stat
            .lines()
            .filter(|l| l.starts_with("cpu") && l.as_bytes().get(3).is_some_and(u8::is_ascii_digit))
            .count() as u64;
        let process = |pid: &str| -> u64 {
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
            // After "pid (name) ", utime and stime are the 12th and 13th fields.
            let fields: Vec<&str> = stat[stat.rfind(')').unwrap() + 2..]
                .split_whitespace()
                .collect();
            fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap()
        };
        [
            busy,
            total,
            process("self"),
            process(&server.to_string()),
            cpus,
        ]
    }

    /// The server's CPU milliseconds per check-in, and the share of the
    /// machine (%) that other processes used meanwhile.
    pub fn stop(self, elapsed: Duration, check_ins: usize) -> (f64, f64) {
        let [busy, total, own, server, cpus] = Self::now(self.server);
        let [busy0, total0, own0, server0, _] = self.started;
        let total = (total - total0).max(1) as f64;
        let server = server - server0;
        let other = (busy - busy0).saturating_sub(own - own0 + server) as f64;
        // Ticks of all CPUs together: a share of them is a share of (CPUs × elapsed).
        let server_ms = server as f64 / total * cpus as f64 * elapsed.as_secs_f64() * 1000.0;
        (server_ms / check_ins as f64, other / total * 100.0)
    }
}
