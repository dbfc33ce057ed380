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

/// What a page hands the browser to hydrate with: each resource's value
/// under the id the browser will look it up by.
fn resolved(html: &str) -> Vec<(u32, bool)> {
    let mut found: Vec<(u32, bool)> = html
        .split("__RESOLVED_RESOURCES[")
        .skip(1)
        .filter_map(|rest| {
            let (id, value) = rest.split_once("] = \"")?;
            Some((id.parse().ok()?, value.starts_with("{\\\"Ok")))
        })
        .collect();
    found.sort_unstable();
    found
}

/// The server renders a page's reactive parts twice (a dry run to start
/// its loads, then the page). A page that made its resources in a closure
/// made them twice whenever the session was already known at the dry run:
/// the browser then found the first set's values — an error, when its
/// owner was gone before it loaded — under the ids it looked up, rendered
/// what the server had not sent, and hydration panicked (about one page
/// load in ten). Every load of a page must hand over the same resources,
/// each loaded.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_hands_the_browser_the_same_loaded_resources_every_time() {
    let app = TestApp::start().await;
    let client = app.signed_in(common::AMBASSADOR).await;
    let cycle: i64 = sqlx::query_scalar("SELECT id FROM cycles ORDER BY start_date DESC LIMIT 1")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let objective: String = sqlx::query_scalar("SELECT id FROM objectives LIMIT 1")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let unit = app.unit_id("Platform").await;
    let kpi: i64 = sqlx::query_scalar("SELECT id FROM kpis LIMIT 1")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let person = app.person_id(common::MEMBER).await;
    let department = app.unit_id("Engineering").await;
    let pages = [
        format!("/cycles/{cycle}/board?from_kpi={kpi}"),
        format!("/kpis/{kpi}"),
        format!("/agendas/one-on-one/{person}"),
        format!("/agendas/review/{department}"),
        "/".to_owned(),
        "/cycles".to_owned(),
        format!("/cycles/{cycle}"),
        format!("/cycles/{cycle}/board"),
        format!("/cycles/{cycle}/map"),
        format!("/objectives/{objective}"),
        format!("/agendas/weekly/{unit}"),
        "/agendas/all-hands".to_owned(),
        format!("/units/{unit}/review"),
        "/leaderboard".to_owned(),
        "/kpis".to_owned(),
        "/lessons".to_owned(),
        "/profile".to_owned(),
        "/admin".to_owned(),
        "/admin/units".to_owned(),
        "/admin/screens".to_owned(),
        "/admin/tokens".to_owned(),
    ];
    for page in &pages {
        let mut seen = None;
        for _ in 0..30 {
            let response = client.get(app.url(page)).send().await.unwrap();
            assert_eq!(response.status(), StatusCode::OK, "{page}");
            let found = resolved(&response.text().await.unwrap());
            assert!(found.iter().all(|(_, ok)| *ok), "{page}: {found:?}");
            match &seen {
                None => seen = Some(found),
                Some(first) => assert_eq!(&found, first, "{page}: {found:?} vs {first:?}"),
            }
        }
    }
}
