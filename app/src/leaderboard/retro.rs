//! The leaderboard in a cycle's retrospective window, on the page and the
//! office screens: the race is over, so instead of ranks it shows what
//! each unit has closed and what is still open, and celebrates the cycle's
//! successes with their scores. The rows keep the leaderboard's structure
//! (`.leaderboard-rows`, one `data-id` per unit), so a screen's script
//! merges them as it merges the race.

use super::Leaderboard;
use crate::domain::closing::format_score;
use leptos::prelude::*;

#[component]
pub fn RetroRows(board: RwSignal<Leaderboard>) -> impl IntoView {
    let units = move || {
        board.with(|b| {
            b.retro
                .as_ref()
                .map(|r| r.units.clone())
                .unwrap_or_default()
        })
    };
    let count = move || units().len();
    view! {
        <section class="leaderboard leaderboard-retro" data-view="retro"
            aria-label="Objectives closed and still open, per unit">
            <div class="leaderboard-head" aria-hidden="true">
                <span></span>
                <span>"Unit"</span>
                <span>"Closed"</span>
                <span>"Still open"</span>
            </div>
            <Show when=move || count() == 0>
                <p class="leaderboard-empty">"No unit taking part has an objective in this cycle."</p>
            </Show>
            <ol class="leaderboard-rows" style=move || format!("--rows: {}", count())>
                {move || units().into_iter().enumerate().map(|(at, unit)| {
                    let total = unit.closed + unit.open;
                    let percent = (unit.closed * 100).checked_div(total).unwrap_or(0);
                    let done = unit.open == 0;
                    view! {
                        <li class="leaderboard-row" style=format!("--at: {at}") data-id=unit.unit_id
                            data-unit=unit.name.clone()
                            aria-label=format!("{}: {} of {total} closed", unit.name, unit.closed)>
                            <span class=if done { "rank retro-done" } else { "rank" }>{if done { "✓" } else { "" }}</span>
                            <span class="unit-name">{unit.name.clone()}</span>
                            <span class="versus">
                                <span class="progress progress-closed" role="progressbar" aria-valuemin="0"
                                    aria-valuemax="100" aria-valuenow=percent.to_string()
                                    aria-label=format!("Objectives of {} closed", unit.name)>
                                    <span style=format!("width: {percent}%")></span>
                                </span>
                                <span class="progress-value">{format!("{} of {total}", unit.closed)}</span>
                            </span>
                            <span class=if done { "retro-open retro-open-none" } else { "retro-open" }>
                                {if done { "none".to_owned() } else { unit.open.to_string() }}
                            </span>
                        </li>
                    }
                }).collect_view()}
            </ol>
        </section>
    }
}

/// The cycle's successes with their scores, and how much is closed.
#[component]
pub fn RetroCelebrations(board: RwSignal<Leaderboard>) -> impl IntoView {
    let retro = move || board.with(|b| b.retro.clone());
    view! {
        <section class="celebrations celebrations-retro" aria-label="The cycle's successes">
            {move || retro().map(|r| {
                let (closed, total) = (r.closed(), r.total());
                view! {
                    <article class="celebration celebration-successes">
                        <h2>"Celebrated successes"</h2>
                        {if r.successes.is_empty() {
                            view! { <p class="muted">"No objective has closed as a success yet."</p> }.into_any()
                        } else {
                            view! {
                                <ol class="successes">
                                    {r.successes.into_iter().map(|s| view! {
                                        <li class="success">
                                            <span class=crate::lessons::score_class(s.kind, s.score)>
                                                <span class="score-number">{format_score(s.score)}</span>
                                            </span>
                                            <span class="success-title">{s.title}</span>
                                            <span class="success-unit">{s.unit}</span>
                                        </li>
                                    }).collect_view()}
                                </ol>
                            }.into_any()
                        }}
                    </article>
                    <article class="celebration">
                        <h2>{if r.complete { "Cycle complete" } else { "Closed so far" }}</h2>
                        <p class="celebration-name">{format!("{closed} of {total}")}</p>
                        <p class="celebration-amount">"objectives closed"</p>
                    </article>
                }
            })}
        </section>
    }
}
