//! The router: building one, for another app in the same process, leaves
//! the pages of the apps already serving alone.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "helpers of tests fail the test loudly"
)]

use crate::common;

use common::TestApp;
use reqwest::StatusCode;
use server::config::ServeConfig;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::time::Duration;

/// Leptos lists an app's routes by rendering it once with resources
/// switched off, through a flag of the whole process: a page whose resource
/// started meanwhile, in any app of the process, never finished. Routers
/// built over and over on another thread must not stall the pages served
/// here (see `server::http::router`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_render_while_another_router_is_built() {
    let app = TestApp::start().await;
    let client = app.client();
    let building = Arc::new(AtomicBool::new(true));
    let built = Arc::new(AtomicU32::new(0));
    let builder = std::thread::spawn({
        let building = building.clone();
        let built = built.clone();
        let state = app.state.clone();
        let runtime = tokio::runtime::Handle::current();
        move || {
            let sessions = runtime
                .block_on(server::storage::sessions::Sessions::open(&state.pool))
                .expect("session store");
            let _runtime = runtime.enter();
            let config =
                ServeConfig::new("127.0.0.1:0".parse().expect("address"), "sqlite::memory:");
            while building.load(Ordering::Relaxed) {
                drop(server::http::router(
                    state.clone(),
                    sessions.clone(),
                    &config,
                ));
                built.fetch_add(1, Ordering::Relaxed);
            }
        }
    });
    // Opening the session store takes a while on PostgreSQL: the pages are
    // asked for once routers are being built, not before.
    tokio::time::timeout(Duration::from_secs(30), async {
        while built.load(Ordering::Relaxed) == 0 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await
    .expect("the first router was not built in 30 s");
    let before = built.load(Ordering::Relaxed);
    // Twenty pages at least, and until another router has been built
    // while they were asked for.
    let mut asked = 0;
    while asked < 20 || built.load(Ordering::Relaxed) < before + 2 {
        asked += 1;
        assert!(asked < 2_000, "routers stopped being built");
        // A bound on the wait, so a stalled page fails here instead of
        // hanging the suite; a page takes milliseconds.
        let response = tokio::time::timeout(
            Duration::from_secs(10),
            client.get(app.url("/sign-in")).send(),
        )
        .await
        .expect("the page did not render while another router was built")
        .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
    }
    building.store(false, Ordering::Relaxed);
    builder.join().expect("the builder thread");
}
