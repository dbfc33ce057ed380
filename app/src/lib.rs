//! Northstar's app: the types both sides share, the OKR rules, the Leptos
//! pages and the server functions behind them.
//!
//! # Layout
//! - [`domain`] — pure rules (roles, the unit tree, input limits): no I/O, unit-tested.
//! - [`error`] — [`error::AppError`], the one error every server function returns.
//! - [`auth`] — sign-in, sign-out, the signed-in person and page guards.
//! - [`account`] — one's own name and password; the ambassador's reset links.
//! - [`people`], [`units`] — the organisation, as the ambassador administers it.
//! - [`admin`] — the administration area that frames those two.
//! - [`cycles`] — cycles (quarters) with their phases, and the stretch setting.
//! - [`objectives`] — objectives and key results as every feature sees them,
//!   their events, and (server only) their store and the step every change ends with.
//! - [`board`] — the planning board: objectives, key results, warnings, changes.
//! - [`checkins`] — weekly check-ins, the objective page, a unit's weekly review.
//! - [`leaderboard`] — the live leaderboard of the current cycle.
//! - [`kpis`] — KPIs beside the OKRs: thresholds, readings, flags, objectives from them.
//! - [`screens`] — office screens: the leaderboard on a TV, by secret token.
//! - [`tokens`] — API tokens for other systems: scoped, shown once, revocable.
//! - [`live`] — live-update messages and (server only) the hub behind them.
//! - [`home`] — the signed-in person's start page.
//! - [`components`] — header, field errors and panels every page uses.
//! - `state` (server only) — [`state::AppState`], shared by every request.
//! - `rate` (server only) — budgets that refill with time: sign-in and write limits.
//! - `metrics` (server only) — what the server counts for Prometheus.
//!
//! Each feature keeps its SQL in an `ssr.rs` beside it, compiled only with
//! the `ssr` feature, so the browser bundle never contains a query.

// Leptos views are deeply nested types; the board page needs more than the default 128.
#![recursion_limit = "512"]

pub mod account;
pub mod admin;
pub mod assets;
pub mod auth;
pub mod board;
pub mod checkins;
pub mod components;
pub mod cycles;
pub mod domain;
pub mod error;
pub mod home;
pub mod kpis;
pub mod leaderboard;
pub mod lessons;
pub mod live;
#[cfg(feature = "ssr")]
pub mod metrics;
pub mod objectives;
#[cfg(feature = "ssr")]
pub mod org;
pub mod people;
#[cfg(feature = "ssr")]
pub mod rate;
pub mod retro;
pub mod rhythm;
pub mod routes;
pub mod screens;
#[cfg(feature = "ssr")]
pub mod sql;
#[cfg(feature = "ssr")]
pub mod state;
pub mod tokens;
pub mod units;

use leptos::prelude::*;
use leptos_meta::{MetaTags, Title, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{Lazy, SsrMode, path};
use routes::*;

/// The HTML document around the app, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    hand_over_csp_nonce();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <AutoReload options/>
                {if on_office_screen() {
                    // A TV runs no WebAssembly: the page is rendered here and
                    // a small script keeps it live (see `screens`).
                    view! {
                        <assets::SiteHead stylesheet_only=true/>
                        <script type="module" src="/screen.js"></script>
                    }
                        .into_any()
                } else {
                    view! { <assets::SiteHead/> }.into_any()
                }}
                <MetaTags/>
            </head>
            <body>
                <App/>
                {(!on_office_screen()).then(|| view! { <assets::PageChunks/> })}
            </body>
        </html>
    }
}

/// The response header that carries this page's script nonce from the
/// render to the server's headers layer, which puts it into the
/// Content-Security-Policy and removes this header.
pub const CSP_NONCE_HEADER: &str = "x-northstar-csp-nonce";

/// Leptos gives every rendered page a fresh nonce and puts it on the inline
/// scripts it writes; the policy must name the same one.
#[cfg(feature = "ssr")]
fn hand_over_csp_nonce() {
    use axum::http::{HeaderName, HeaderValue};
    if let (Some(nonce), Some(response)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) && let Ok(value) = HeaderValue::from_str(&nonce)
    {
        response.insert_header(HeaderName::from_static(CSP_NONCE_HEADER), value);
    }
}

/// Whether the page being rendered is an office screen (`/screen/…`).
fn on_office_screen() -> bool {
    #[cfg(feature = "ssr")]
    {
        use_context::<axum::http::request::Parts>()
            .is_some_and(|parts| parts.uri.path().starts_with("/screen/"))
    }
    #[cfg(not(feature = "ssr"))]
    {
        false
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    auth::provide_session();
    view! {
        <Title text="Northstar"/>
        <Router>
            <components::Header/>
            // Async: a page is sent whole, so a redirect or a 403 can still set the status.
            // Lazy: each page is its own WebAssembly chunk (see `routes`).
            <Routes fallback=NotFound>
                <Route path=path!("/") view={Lazy::<HomeRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/sign-in") view={Lazy::<SignInRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/cycles") view={Lazy::<CyclesRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/cycles/:id") view={Lazy::<CycleRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/agendas/weekly/:id") view={Lazy::<WeeklyAgendaRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/agendas/one-on-one/:id") view={Lazy::<OneOnOneRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/agendas/all-hands") view={Lazy::<AllHandsRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/agendas/review/:id") view={Lazy::<ReviewAgendaRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/cycles/:id/board") view={Lazy::<BoardRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/cycles/:id/map") view={Lazy::<MapRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/objectives/:id") view={Lazy::<ObjectiveRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/units/:id/review") view={Lazy::<UnitReviewRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/kpis") view={Lazy::<KpisRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/kpis/:id") view={Lazy::<KpiRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/leaderboard") view={Lazy::<LeaderboardRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/lessons") view={Lazy::<LessonsRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/screen/:token") view={Lazy::<ScreenRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/profile") view={Lazy::<ProfileRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/reset/:token") view={Lazy::<ResetRoute>::new()} ssr=SsrMode::Async/>
                // The administration's pages each wrap themselves in its frame (see `admin`).
                <Route path=path!("/admin") view={Lazy::<PeopleRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/admin/units") view={Lazy::<UnitsRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/admin/screens") view={Lazy::<ScreensAdminRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/admin/tokens") view={Lazy::<TokensAdminRoute>::new()} ssr=SsrMode::Async/>
            </Routes>
        </Router>
    }
}

/// Marks the page as interactive once the WebAssembly has taken it over, so
/// browser tests (and people's scripts) know when clicks are handled here.
/// Called by every page's view: with lazy routes, the shell hydrates before
/// the page's chunk has arrived, so the shell cannot tell.
pub fn mark_hydrated() {
    Effect::new(|_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
}

#[component]
fn NotFound() -> impl IntoView {
    mark_hydrated();
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Not found · Northstar"/>
        <main class="page">
            <section class="panel panel-narrow">
                <h1>"Page not found"</h1>
                <p>"There is nothing at this address. It may have moved, or the link was mistyped."</p>
                <p><a href="/">"Back to your home page"</a></p>
            </section>
        </main>
    }
}
