//! `/screen/:token`: the office screen. No sign-in, no controls, nothing but
//! the leaderboard and the celebrations in turn, large and dark, kept live
//! over a websocket that survives network blips and server restarts.

use super::{ScreenView, get_screen};
use crate::error::AppError;
use crate::leaderboard::page::{Link, LinkMark};
use crate::leaderboard::{Celebrations, Leaderboard, LeaderboardRows, Ticker};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn ScreenPage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let screen = Resource::new(token, get_screen);
    view! {
        <Title text="Northstar"/>
        // A TV has nobody to press reload: if the page never comes alive
        // (a chunk failed to load), it tries again after a minute.
        // Inline, so it runs even if screen.js does not load: it carries the
        // page's Content-Security-Policy nonce.
        <script nonce=leptos::nonce::use_nonce()>
            "setTimeout(function () { if (!document.body.dataset.hydrated) location.reload(); }, 60000);"
        </script>
        <Suspense fallback=|| view! { <main class="screen"><p class="screen-message">"Loading…"</p></main> }>
            {crate::components::suspended(move || Suspend::new(async move {
                match screen.await {
                    Ok(ScreenView::Live { name, rotate_seconds, leaderboard }) => view! {
                        <LiveScreen token=token() name rotate_seconds initial=*leaderboard/>
                    }.into_any(),
                    Ok(ScreenView::Disconnected) => {
                        set_status(410);
                        view! { <Disconnected/> }.into_any()
                    }
                    Err(AppError::NotFound(_)) => {
                        set_status(404);
                        view! { <main class="screen"><p class="screen-message">"Not found."</p></main> }.into_any()
                    }
                    Err(error) => view! {
                        <main class="screen"><p class="screen-message">{error.to_string()}</p></main>
                    }.into_any(),
                }
            }))}
        </Suspense>
    }
}

fn set_status(code: u16) {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>()
        && let Ok(status) = axum::http::StatusCode::from_u16(code)
    {
        response.set_status(status);
    }
    #[cfg(not(feature = "ssr"))]
    let _ = code;
}

#[component]
fn Disconnected() -> impl IntoView {
    view! {
        <main class="screen">
            <div class="screen-message">
                <p class="screen-brand">"✦ Northstar"</p>
                <p>"This screen has been disconnected."</p>
                <p class="screen-small">"Ask your OKR ambassador for a new screen address."</p>
            </div>
        </main>
    }
}

/// The screen as the server renders it. It is never hydrated: `screen.js`
/// (in `public/`) keeps it live, merging the frames the server pushes into
/// these elements, rotates the two views and runs the ticker.
#[component]
fn LiveScreen(
    token: String,
    name: String,
    rotate_seconds: i64,
    initial: Leaderboard,
) -> impl IntoView {
    let cycle_id = initial
        .cycle
        .as_ref()
        .map(|c| c.id.to_string())
        .unwrap_or_default();
    let cycle_name = initial
        .cycle
        .as_ref()
        .map(|c| c.name.clone())
        .unwrap_or_default();
    let headline = initial.headline();
    let (version, day) = (initial.version.to_string(), initial.day.clone());
    let kpis = initial.kpis_version.to_string();
    let board = RwSignal::new(initial);
    let link = RwSignal::new(Link::Connecting);
    view! {
        <main class="screen" data-showing="leaderboard" data-token=token data-cycle=cycle_id
            data-version=version data-kpis=kpis data-day=day data-rotate=rotate_seconds.to_string()>
            <header class="screen-header">
                <p class="screen-brand">"✦ Northstar"</p>
                <h1 data-part="cycle">{cycle_name}</h1>
                <p class="screen-expected" data-part="headline">{headline}</p>
            </header>
            <div class="screen-view" data-part="frame">
                <LeaderboardRows board/>
                <Celebrations board/>
            </div>
            <Ticker board/>
            <footer class="screen-footer">
                <span>{name}</span>
                <LinkMark link/>
            </footer>
        </main>
    }
}
