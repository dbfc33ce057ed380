//! The tests' PostgreSQL: one throwaway cluster per test process (started
//! by the first caller; `tests/support/postgres_cluster.rs`, shared with the
//! benchmarks), and a new empty database on it for each caller. The
//! cluster's watchdog removes it when the test process ends, however it
//! ends.

#[path = "../../support/postgres_cluster.rs"]
mod cluster;

use cluster::{Cluster, Kind};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

/// Never dropped: the cluster lives as long as the test process.
static CLUSTER: OnceLock<Cluster> = OnceLock::new();
static NEXT_DATABASE: AtomicU64 = AtomicU64::new(1);

/// The URL of a new, empty database on the test process's cluster (started
/// by the first call), e.g. to run the PostgreSQL migrations on or to start
/// the app against. Nothing drops it: it goes with the cluster.
pub async fn database() -> String {
    let cluster = tokio::task::spawn_blocking(|| {
        let started = std::time::Instant::now();
        let cluster = CLUSTER.get_or_init(|| Cluster::start(Kind::Tests));
        tracing::debug!(elapsed = ?started.elapsed(), "test cluster ready");
        cluster
    })
    .await
    .unwrap_or_else(|failed| std::panic::resume_unwind(failed.into_panic()));
    let name = format!("test_{}", NEXT_DATABASE.fetch_add(1, Ordering::Relaxed));
    cluster.database(&name).await
}
