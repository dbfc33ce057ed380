//! The home page: what needs the signed-in person this week.

use super::{DueKeyResult, ToClose, UnitPlace, WaitingProposal, Week, get_my_week};
use crate::auth::{CurrentUser, SignedIn};
use crate::checkins::{CheckInForm, short_day};
use crate::components::ErrorPanel;
use crate::cycles::PhaseBadge;
use crate::domain::progress::format_percent;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn HomePage() -> impl IntoView {
    view! {
        <Title text="Home · Northstar"/>
        <SignedIn render=|user| view! { <Home user/> }/>
    }
}

#[component]
fn Home(user: CurrentUser) -> impl IntoView {
    let changed = RwSignal::new(0u32);
    let week = Resource::new(move || changed.get(), |_| get_my_week());
    let first_name = user
        .name
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_owned();
    view! {
        <main class="page home-page">
            <header class="page-header">
                <h1>"Welcome, " {first_name}</h1>
                <p class="muted">"What needs you this week."</p>
            </header>
            <Transition fallback=|| view! { <p class="loading">"Loading your week…"</p> }>
                {crate::components::suspended(move || Suspend::new(async move {
                    match week.await {
                        Ok(week) => view! { <ThisWeek week changed/> }.into_any(),
                        Err(error) => view! { <ErrorPanel error/> }.into_any(),
                    }
                }))}
            </Transition>
            <YourUnits user/>
        </main>
    }
}

#[component]
fn ThisWeek(week: Week, changed: RwSignal<u32>) -> impl IntoView {
    let cycle_line = week.cycle.as_ref().map(|cycle| {
        let id = cycle.id;
        view! {
            <p class="home-cycle">
                <a href=format!("/cycles/{id}")>{cycle.name.clone()}</a>
                <PhaseBadge phase=cycle.phase/>
                <span class="muted">{format!("{} days left", cycle.days_left)}</span>
                <a class="button" href=format!("/cycles/{id}/board")>"Open board"</a>
            </p>
        }
    });
    let no_cycle = week.cycle.is_none();
    view! {
        {cycle_line}
        <div class="home-grid">
            <div class="home-main">
                <section class="panel home-due" aria-labelledby="due-heading">
                    <h2 id="due-heading">"Check-ins due"</h2>
                    <Due due=week.due no_cycle changed/>
                </section>
                {week.reviews_proposals.then(|| view! { <Proposals proposals=week.proposals/> })}
                <Closing to_close=week.to_close/>
            </div>
            <div class="home-side">
                <section class="panel" aria-labelledby="meetings-heading">
                    <h2 id="meetings-heading">"Your next meetings"</h2>
                    {if week.meetings.is_empty() {
                        view! {
                            <p class="muted">"No OKR meeting is planned for you yet. The cycle page shows the communication plan."</p>
                        }
                            .into_any()
                    } else {
                        view! {
                            <ul class="home-meetings" aria-label="Your next meetings">
                                {week
                                    .meetings
                                    .into_iter()
                                    .map(|m| {
                                        let link = m.agenda.map(|href| view! { <a href=href>"Agenda"</a> });
                                        view! {
                                            <li>
                                                <span class="home-meeting-day">{short_day(&m.on)}</span>
                                                <span>
                                                    <strong>{m.name}</strong>
                                                    <span class="muted small">" " {m.format}</span>
                                                </span>
                                                {link}
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                        }
                            .into_any()
                    }}
                </section>
                <Places places=week.places/>
            </div>
        </div>
    }
}

#[component]
fn Due(due: Vec<DueKeyResult>, no_cycle: bool, changed: RwSignal<u32>) -> impl IntoView {
    if due.is_empty() {
        let message = if no_cycle {
            "No cycle is running. When one starts, your key results show up here each week."
        } else {
            "You are up to date: every key result you own has a check-in this week."
        };
        return view! { <p class="muted">{message}</p> }.into_any();
    }
    view! {
        <ul class="home-due-list" aria-label="Key results to check in">
            {due
                .into_iter()
                .map(|d| {
                    let title = d.key_result.title.clone();
                    let proxy = d.key_result.proxy().map(|p| format!(" · measured by a proxy: {p}"));
                    let on_saved = Callback::new(move |_| changed.update(|n| *n += 1));
                    let label = format!("Check in on {title}");
                    view! {
                        <li class="home-due-item">
                            <div class="home-due-head">
                                <div>
                                    <strong>{title.clone()}</strong>
                                    {d.overdue.then(|| view! { <span class="overdue-badge">"Overdue"</span> })}
                                    <p class="muted small">
                                        <a href=format!("/objectives/{}", d.objective_id)>{d.objective_title}</a>
                                        {d.key_result.last_check_in.as_deref().map(|day| format!(" · last check-in {}", short_day(day)))}
                                        {proxy}
                                    </p>
                                </div>
                            </div>
                            <details class="home-check-in">
                                <summary class="button button-primary" aria-label=label>"Check in"</summary>
                                <CheckInForm key_result=d.key_result on_saved/>
                            </details>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
    .into_any()
}

#[component]
fn Places(places: Vec<UnitPlace>) -> impl IntoView {
    let body = if places.is_empty() {
        view! {
            <p class="muted">"Your units are not on the leaderboard yet: an active objective with a key result puts them there."</p>
        }
        .into_any()
    } else {
        view! {
            <ul class="home-places">
                {places
                    .into_iter()
                    .map(|p| {
                        let behind = p.progress + 0.05 < p.expected;
                        view! {
                            <li>
                                <span class="home-rank">{format!("#{}", p.rank)}</span>
                                <span><strong>{p.name}</strong> <span class="muted small">{format!(" of {}", p.of)}</span></span>
                                <span class:pace-behind=behind>
                                    {format_percent(p.progress)} <span class="muted small">{format!(" / {} expected", format_percent(p.expected))}</span>
                                </span>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        }
        .into_any()
    };
    view! {
        <section class="panel" aria-labelledby="places-heading">
            <h2 id="places-heading">"On the leaderboard"</h2>
            {body}
            <a href="/leaderboard">"The whole leaderboard"</a>
        </section>
    }
}

#[component]
fn Proposals(proposals: Vec<WaitingProposal>) -> impl IntoView {
    let body = if proposals.is_empty() {
        view! { <p class="muted">"No proposal is waiting for you."</p> }.into_any()
    } else {
        view! {
            <ul class="link-list" aria-label="Proposals waiting for you">
                {proposals
                    .into_iter()
                    .map(|p| view! {
                        <li>
                            <a href=format!("/objectives/{}", p.objective_id)>{p.title}</a>
                            <span class="muted">" · " {p.unit} " · "</span>
                            <a href=format!("/cycles/{}/board", p.cycle_id)>{p.cycle}</a>
                        </li>
                    })
                    .collect_view()}
            </ul>
        }
        .into_any()
    };
    view! {
        <section class="panel" aria-labelledby="proposals-heading">
            <h2 id="proposals-heading">"Proposals waiting for you"</h2>
            {body}
        </section>
    }
}

#[component]
fn Closing(to_close: Vec<ToClose>) -> impl IntoView {
    (!to_close.is_empty()).then(|| {
        view! {
            <section class="panel" aria-labelledby="close-heading">
                <h2 id="close-heading">"Objectives to close"</h2>
                <p class="muted">"The retrospective window is open: close each objective with a note of what you learned."</p>
                <ul class="link-list" aria-label="Objectives to close">
                    {to_close
                        .into_iter()
                        .map(|c| view! {
                            <li>
                                <a href=format!("/objectives/{}", c.objective_id)>{c.title}</a>
                                <span class="muted">{format!(" · {} · {} · {} days left", c.unit, c.cycle, c.days_left)}</span>
                            </li>
                        })
                        .collect_view()}
                </ul>
            </section>
        }
    })
}

#[component]
fn YourUnits(user: CurrentUser) -> impl IntoView {
    let body = if user.units.is_empty() {
        view! { <p class="muted">"You do not belong to a unit yet. Your ambassador can add you to one."</p> }.into_any()
    } else {
        view! {
            <ul class="unit-list" aria-label="Your units">
                {user
                    .units
                    .into_iter()
                    .map(|u| view! {
                        <li>
                            {u.display()} " · "
                            <a href=format!("/units/{}/review", u.id)>"Weekly review"</a> " · "
                            <a href=format!("/agendas/weekly/{}", u.id)>"Team weekly agenda"</a>
                        </li>
                    })
                    .collect_view()}
            </ul>
        }
        .into_any()
    };
    let one_on_one = format!("/agendas/one-on-one/{}", user.id);
    view! {
        <section class="panel" aria-labelledby="units-heading">
            <h2 id="units-heading">"Your units"</h2>
            {body}
            <p class="muted small">
                <a href=one_on_one>"Your one-on-one agenda"</a> " · "
                <a href="/agendas/all-hands">"All-hands agenda"</a>
            </p>
        </section>
    }
}

/// "1 person", "3 people".
pub fn people_count(n: i64) -> String {
    if n == 1 {
        "1 person".into()
    } else {
        format!("{n} people")
    }
}
