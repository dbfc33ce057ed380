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
use std::sync::atomic::{AtomicBool, Ordering};
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
    let builder = std::thread::spawn({
        let building = building.clone();
        let state = app.state.clone();
        let runtime = tokio::runtime::Handle::current();
        move || {
            let sessions = runtime
                .block_on(server::storage::sessions::Sessions::open(&state.pool))
                .expect("session store");
            let _runtime = runtime.enter();
            let config =
                ServeConfig::new("127.0.0.1:0".parse().expect("address"), "sqlite::memory:");
            let mut built = 0_u32;
            while building.load(Ordering::Relaxed) {
                drop(server::http::router(
                    state.clone(),
                    sessions.clone(),
                    &config,
                ));
                built += 1;
            }
            built
        }
    });
    for _ in 0..20 {
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
    let built = builder.join().expect("the builder thread");
    assert!(built > 0, "no router was built during the test");
}
