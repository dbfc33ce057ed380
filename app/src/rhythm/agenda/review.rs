//! `/agendas/all-hands` and `/agendas/review/:id`: the organisation's or a
//! department's review — progress against the expected line per unit, the
//! week's biggest movers, celebrations, KPIs flagged or recovered, and
//! lessons closed recently.

use super::super::notes::NotesPanel;
use super::super::{ReviewAgenda, get_review_agenda};
use super::{AgendaHeader, Planned, id_param};
use crate::auth::SignedIn;
use crate::components::ErrorPanel;
use crate::domain::leaderboard::Standing;
use crate::domain::progress::format_percent;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn AllHandsPage() -> impl IntoView {
    view! { <SignedIn render=move |_| view! { <ReviewLoader unit=|| None/> }/> }
}

#[component]
pub fn ReviewPage() -> impl IntoView {
    let unit = id_param();
    view! { <SignedIn render=move |_| view! { <ReviewLoader unit=move || Some(unit())/> }/> }
}

#[component]
fn ReviewLoader(unit: impl Fn() -> Option<i64> + Send + Sync + 'static) -> impl IntoView {
    let agenda = Resource::new(unit, get_review_agenda);
    view! {
        <Suspense fallback=|| view! { <p class="loading page">"Loading the agenda…"</p> }>
            {crate::components::suspended(move || Suspend::new(async move {
                match agenda.await {
                    Ok(agenda) => view! { <Review agenda/> }.into_any(),
                    Err(error) => view! { <main class="page"><ErrorPanel error/></main> }.into_any(),
                }
            }))}
        </Suspense>
    }
}

#[component]
fn Review(agenda: ReviewAgenda) -> impl IntoView {
    let title = match agenda.unit_id {
        None => "All-hands".to_owned(),
        Some(_) => format!("Department review · {}", agenda.scope),
    };
    let cycle_id = agenda.cycle.as_ref().map(|c| c.id);
    let expected = agenda.expected;
    let about = format!("Expected progress today: {}", format_percent(expected));
    let units = if agenda.units.is_empty() {
        view! { <p class="muted">"No unit has an active objective in this cycle yet."</p> }
            .into_any()
    } else {
        view! {
            <ol class="agenda-standings">
                {agenda.units.into_iter().map(|row| view! { <UnitLine row expected/> }).collect_view()}
            </ol>
        }
        .into_any()
    };
    let movers = if agenda.movers.is_empty() {
        view! { <p class="muted">"No key result moved this week."</p> }.into_any()
    } else {
        view! {
            <ul class="link-list">
                {agenda
                    .movers
                    .into_iter()
                    .map(|m| {
                        view! {
                            <li>
                                <a href=format!("/objectives/{}", m.objective_id)>{m.key_result_title}</a>
                                <span class="muted">" · " {m.unit} " · " {m.objective_title}</span>
                                {m.proxy.map(|p| view! { <span class="proxy-name">" · measured by a proxy: " {p}</span> })}
                                <span class="mover">{format!("{} → {}", format_percent(m.from), format_percent(m.to))}</span>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        }
        .into_any()
    };
    let mut celebrations: Vec<String> = Vec::new();
    if let Some(gain) = &agenda.biggest_gain {
        celebrations.push(format!(
            "Biggest gain this week: {} (+{})",
            gain.name,
            format_percent(gain.amount)
        ));
    }
    if let Some(streak) = &agenda.longest_streak {
        celebrations.push(format!(
            "Longest check-in streak: {} ({} weeks)",
            streak.name, streak.amount
        ));
    }
    celebrations.extend(agenda.recoveries.iter().map(|r| r.sentence()));
    let celebrations = if celebrations.is_empty() {
        view! { <p class="muted">"Nothing to celebrate yet this week: check in, and it will come."</p> }.into_any()
    } else {
        view! { <ul class="celebration-list">{celebrations.into_iter().map(|c| view! { <li>{c}</li> }).collect_view()}</ul> }
            .into_any()
    };
    let flagged = if agenda.flagged.is_empty() {
        view! { <p class="muted">"Every KPI is healthy."</p> }.into_any()
    } else {
        view! {
            <ul class="link-list">
                {agenda
                    .flagged
                    .into_iter()
                    .map(|k| view! {
                        <li>
                            <a href=format!("/kpis/{}", k.id)>{k.name}</a>
                            <span class="muted">" · " {k.unit} " · " {k.reason}</span>
                        </li>
                    })
                    .collect_view()}
            </ul>
        }
        .into_any()
    };
    let lessons = if agenda.lessons.is_empty() {
        view! { <p class="muted">"No objective was closed in the last 30 days."</p> }.into_any()
    } else {
        view! {
            <ul class="agenda-lessons">
                {agenda
                    .lessons
                    .into_iter()
                    .map(|l| view! {
                        <li>
                            <a href=format!("/objectives/{}", l.objective_id)>{l.title}</a>
                            <span class="muted">" · " {l.unit} " · score " {format!("{:.1}", l.score)}</span>
                            <p>{l.lessons}</p>
                        </li>
                    })
                    .collect_view()}
            </ul>
        }
        .into_any()
    };
    view! {
        <Title text=format!("{title} · Northstar")/>
        <main class="page agenda-page">
            <AgendaHeader title cycle=agenda.cycle.clone() about/>
            <Planned plan=agenda.plan cycle_id/>
            <section class="panel" aria-labelledby="standings-heading">
                <h2 id="standings-heading">"Progress against the expected line"</h2>
                {units}
            </section>
            <div class="grid-two">
                <section class="panel" aria-labelledby="movers-heading">
                    <h2 id="movers-heading">"Biggest movers this week"</h2>
                    {movers}
                </section>
                <section class="panel" aria-labelledby="celebrations-heading">
                    <h2 id="celebrations-heading">"Celebrations"</h2>
                    {celebrations}
                </section>
                <section class="panel" aria-labelledby="kpis-heading">
                    <h2 id="kpis-heading">"KPIs that need attention"</h2>
                    {flagged}
                </section>
                <section class="panel" aria-labelledby="lessons-heading">
                    <h2 id="lessons-heading">"Lessons closed recently"</h2>
                    {lessons}
                </section>
            </div>
            <NotesPanel notes=agenda.notes/>
        </main>
    }
}

/// One unit: its progress bar with the expected line drawn across it.
#[component]
fn UnitLine(row: Standing, expected: f64) -> impl IntoView {
    let behind = row.progress + 0.05 < expected;
    let pace = if behind {
        format!("{} behind", format_percent(expected - row.progress))
    } else {
        "on track".to_owned()
    };
    view! {
        <li class="agenda-standing" class:behind=behind>
            <span class="agenda-standing-name">{row.name.clone()}</span>
            <span class="progress progress-versus" role="img"
                aria-label=format!("{}: {} done, {} expected", row.name, format_percent(row.progress), format_percent(expected))>
                <span style=format!("width: {:.1}%", row.progress * 100.0)></span>
                <i class="expected-mark" style=format!("left: {:.1}%", expected * 100.0) title="Expected today"></i>
            </span>
            <span class="agenda-standing-numbers">{format_percent(row.progress)} " · " {pace}</span>
        </li>
    }
}
