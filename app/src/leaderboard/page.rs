//! The leaderboard's views, shared by `/leaderboard` and office screens:
//! the ranked rows (which slide to their new place when the ranking
//! changes, without the table jumping) and the celebrations.

use super::{Leaderboard, format_points, get_leaderboard};
use crate::auth::SignedIn;
use crate::components::ErrorPanel;
use crate::cycles::PhaseBadge;
use crate::domain::leaderboard::Standing;
use crate::domain::progress::format_percent;
use leptos::prelude::*;
use leptos_meta::Title;

/// The state of a leaderboard's live connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Link {
    Connecting,
    Live,
    Reconnecting,
    /// An office screen whose token was revoked.
    Disconnected,
    /// The signed-in person's session ended.
    Ended(crate::live::SessionEnd),
}

#[component]
pub fn LeaderboardPage() -> impl IntoView {
    view! {
        <Title text="Leaderboard · Northstar"/>
        <SignedIn render=|_| {
            let data = Resource::new(|| (), |_| get_leaderboard());
            view! {
                <Suspense fallback=|| view! { <p class="loading page">"Loading the leaderboard…"</p> }>
                    {crate::components::suspended(move || Suspend::new(async move {
                        match data.await {
                            Ok(initial) => view! { <LiveLeaderboard initial/> }.into_any(),
                            Err(error) => view! { <main class="page"><ErrorPanel error/></main> }.into_any(),
                        }
                    }))}
                </Suspense>
            }
        }/>
    }
}

#[component]
fn LiveLeaderboard(initial: Leaderboard) -> impl IntoView {
    let board = RwSignal::new(initial);
    let link = RwSignal::new(Link::Connecting);
    #[cfg(feature = "hydrate")]
    super::live_client::connect("/ws/leaderboard".into(), board, link);
    let heading = move || {
        board.with(|b| match &b.cycle {
            Some(cycle) => cycle.name.clone(),
            None => "No cycle yet".into(),
        })
    };
    view! {
        <main class="page leaderboard-page">
            <header class="page-header leaderboard-header">
                <div>
                    <h1>"Leaderboard · " {heading}</h1>
                    <p class="muted">
                        {move || board.with(|b| b.cycle.as_ref().map(|c| view! { <PhaseBadge phase=c.phase/> }))}
                        " " <span class="leaderboard-headline">{move || board.with(Leaderboard::headline)}</span>
                    </p>
                </div>
                <LinkMark link/>
            </header>
            {move || match link.get() {
                Link::Ended(reason) => Some(view! { <crate::live::SessionEndedNotice reason/> }),
                _ => None,
            }}
            <LeaderboardRows board/>
            <Celebrations board/>
        </main>
    }
}

/// "Live", "Reconnecting…": small, so it never draws the eye on a screen.
#[component]
pub fn LinkMark(link: RwSignal<Link>) -> impl IntoView {
    let text = move || match link.get() {
        Link::Connecting => "Connecting…",
        Link::Live => "Live",
        Link::Reconnecting => "Reconnecting…",
        Link::Disconnected => "Disconnected",
        Link::Ended(_) => "Stopped",
    };
    let state = move || match link.get() {
        Link::Connecting => "connecting",
        Link::Live => "live",
        Link::Reconnecting => "reconnecting",
        Link::Disconnected => "disconnected",
        Link::Ended(_) => "ended",
    };
    view! {
        <span class="live-mark" data-link=state role="status" aria-live="polite">{text}</span>
    }
}

/// The leaderboard's main view: the ranked rows during the cycle, what is
/// closed and still open per unit in its retrospective window.
#[component]
pub fn LeaderboardRows(board: RwSignal<Leaderboard>) -> impl IntoView {
    let retro = move || board.with(|b| b.retro.is_some());
    view! {
        <Show when=retro fallback=move || view! { <StandingsRows board/> }>
            <super::RetroRows board/>
        </Show>
    }
}

/// Its second view: the race's celebrations, or the cycle's successes.
#[component]
pub fn Celebrations(board: RwSignal<Leaderboard>) -> impl IntoView {
    let retro = move || board.with(|b| b.retro.is_some());
    view! {
        <Show when=retro fallback=move || view! { <RaceCelebrations board/> }>
            <super::RetroCelebrations board/>
        </Show>
    }
}

/// The ranked rows. Each row is absolutely placed by its position, so a
/// re-ranking slides rows to their new places (CSS transition) while the
/// table keeps its height.
#[component]
fn StandingsRows(board: RwSignal<Leaderboard>) -> impl IntoView {
    let ids = move || {
        board.with(|b| {
            let mut ids: Vec<i64> = b.standings.rows.iter().map(|r| r.unit_id).collect();
            // A stable order in the DOM: only `transform` moves on re-ranking.
            ids.sort_unstable();
            ids
        })
    };
    let count = move || board.with(|b| b.standings.rows.len());
    view! {
        <section class="leaderboard" data-view="standings" aria-label="Units ranked by progress against the plan">
            <div class="leaderboard-head" aria-hidden="true">
                <span>"#"</span>
                <span>"Unit"</span>
                <span>"Progress vs. expected"</span>
                <span>"Pace"</span>
                <span>"Checked in"</span>
                <span>"Confidence"</span>
            </div>
            <Show when=move || count() == 0>
                <p class="leaderboard-empty">"No unit has an active objective in this cycle yet."</p>
            </Show>
            <ol class="leaderboard-rows" style=move || format!("--rows: {}", count())>
                <For each=ids key=|id| *id let:id>
                    <Row board id/>
                </For>
            </ol>
        </section>
    }
}

#[component]
fn Row(board: RwSignal<Leaderboard>, id: i64) -> impl IntoView {
    let standing = Memo::new(move |_| {
        board.with(|b| {
            b.standings
                .rows
                .iter()
                .position(|r| r.unit_id == id)
                .map(|at| (at, b.standings.rows[at].clone(), b.standings.expected))
        })
    });
    move || {
        standing.get().map(|(at, s, expected)| {
            let Standing {
                rank,
                name,
                progress,
                pace,
                checked_in,
                key_results,
                confidence,
                confidence_last_week,
                overdue,
                ..
            } = s.clone();
            let percent = (progress * 100.0).round();
            let expected_percent = (expected * 100.0).round();
            let trend = match (confidence, confidence_last_week) {
                (Some(now), Some(before)) if now > before + 0.05 => ("↑", "trend-up", format!("up from {before:.1}")),
                (Some(now), Some(before)) if now < before - 0.05 => ("↓", "trend-down", format!("down from {before:.1}")),
                (Some(_), Some(_)) => ("→", "trend-flat", "same as last week".into()),
                (Some(_), None) => ("", "trend-flat", "no check-ins last week".into()),
                (None, _) => ("", "trend-flat", "no check-ins this week".into()),
            };
            let pace_class = if pace >= 0.0 { "pace pace-ahead" } else { "pace pace-behind" };
            view! {
                <li class="leaderboard-row" style=format!("--at: {at}") data-id=id data-unit=name.clone()
                    aria-label=format!("{rank}. {name}")>
                    <span class="rank">{rank}</span>
                    <span class="unit-name">{name.clone()}
                        {(overdue > 0).then(|| view! {
                            <span class="overdue-badge" title="Key results with no check-in for more than 7 days">
                                {format!("{overdue} overdue")}
                            </span>
                        })}
                    </span>
                    <span class="versus">
                        <span class="progress progress-versus" role="progressbar" aria-valuemin="0" aria-valuemax="100"
                            aria-valuenow=percent.to_string() aria-label=format!("Progress of {name}")>
                            <span style=format!("width: {percent}%")></span>
                            <i class="expected-mark" style=format!("left: {expected_percent}%") title="Expected today"></i>
                        </span>
                        <span class="progress-value">{format_percent(progress)}</span>
                    </span>
                    <span class=pace_class>{format_points(pace)}</span>
                    <span class="discipline">{format!("{checked_in}/{key_results}")}
                        <small>{format_percent(s.discipline())}</small></span>
                    <span class=format!("confidence {}", trend.1) title=trend.2>
                        {confidence.map_or_else(|| "–".to_owned(), |c| format!("{c:.1}"))}
                        " " {trend.0}
                    </span>
                </li>
            }
        })
    }
}

/// Biggest weekly gain, longest check-in streak, and KPIs healthy again.
#[component]
fn RaceCelebrations(board: RwSignal<Leaderboard>) -> impl IntoView {
    let gain = move || board.with(|b| b.standings.biggest_gain.clone());
    let streak = move || board.with(|b| b.standings.longest_streak.clone());
    let recoveries = move || board.with(|b| b.recoveries.clone());
    view! {
        <section class="celebrations" aria-label="Celebrations">
            {move || {
                let recovered = recoveries();
                (!recovered.is_empty()).then(|| view! {
                    <article class="celebration celebration-recovered">
                        <h2>"Healthy again"</h2>
                        <ul class="recoveries">
                            {recovered.into_iter().map(|r| view! {
                                <li class="celebration-name">{r.sentence()}</li>
                            }).collect_view()}
                        </ul>
                    </article>
                })
            }}
            <article class="celebration">
                <h2>"Biggest weekly gain"</h2>
                {move || match gain() {
                    Some(h) => view! {
                        <p class="celebration-name">{h.name}</p>
                        <p class="celebration-amount">{format_points(h.amount)}</p>
                    }.into_any(),
                    None => view! { <p class="muted">"No gains checked in this week yet."</p> }.into_any(),
                }}
            </article>
            <article class="celebration">
                <h2>"Longest check-in streak"</h2>
                {move || match streak() {
                    Some(h) => {
                        let weeks = h.amount as i64;
                        view! {
                            <p class="celebration-name">{h.name}</p>
                            <p class="celebration-amount">
                                {if weeks == 1 { "1 week".to_owned() } else { format!("{weeks} weeks in a row") }}
                            </p>
                        }.into_any()
                    }
                    None => view! { <p class="muted">"No unit has checked in on every key result for a whole week yet."</p> }.into_any(),
                }}
            </article>
        </section>
    }
}
