//! `/agendas/weekly/:id`: a team's weekly — the plan's discussion points,
//! the unit's weekly review, the key results whose confidence dropped since
//! last week, and the shared notes.

use super::super::notes::NotesPanel;
use super::super::{ConfidenceDrop, PersonLink, WeeklyAgenda, get_weekly_agenda};
use super::{AgendaHeader, Planned, id_param};
use crate::auth::SignedIn;
use crate::checkins::{ReviewSections, short_day};
use crate::components::ErrorPanel;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn WeeklyPage() -> impl IntoView {
    let unit = id_param();
    view! {
        <SignedIn render=move |_| {
            let agenda = Resource::new(unit, get_weekly_agenda);
            view! {
                <Suspense fallback=|| view! { <p class="loading page">"Loading the agenda…"</p> }>
                    {crate::components::suspended(move || Suspend::new(async move {
                        match agenda.await {
                            Ok(agenda) => view! { <Weekly agenda/> }.into_any(),
                            Err(error) => view! { <main class="page"><ErrorPanel error/></main> }.into_any(),
                        }
                    }))}
                </Suspense>
            }
        }/>
    }
}

#[component]
fn Weekly(agenda: WeeklyAgenda) -> impl IntoView {
    let review = agenda.review;
    let title = format!("Team weekly · {}", review.unit_path);
    let about = format!(
        "Check-ins from {} – {}",
        short_day(&review.from),
        short_day(&review.to)
    );
    let cycle_id = review.cycle.as_ref().map(|c| c.id);
    view! {
        <Title text=format!("{title} · Northstar")/>
        <main class="page agenda-page">
            <AgendaHeader title cycle=review.cycle.clone() about/>
            <Planned plan=agenda.plan cycle_id/>
            <Dropped dropped=agenda.dropped/>
            <ReviewSections review/>
            <NotesPanel notes=agenda.notes/>
            <OneOnOnes people=agenda.one_on_ones/>
        </main>
    }
}

/// The one-on-one agendas the viewer may open from here.
#[component]
fn OneOnOnes(people: Vec<PersonLink>) -> impl IntoView {
    (!people.is_empty()).then(|| {
        view! {
            <section class="panel agenda-people" aria-labelledby="one-on-ones-heading">
                <h2 id="one-on-ones-heading">"One-on-ones"</h2>
                <ul class="inline-links">
                    {people
                        .into_iter()
                        .map(|p| {
                            let label = format!("One-on-one with {}", p.name);
                            view! { <li><a href=format!("/agendas/one-on-one/{}", p.id) aria-label=label>{p.name}</a></li> }
                        })
                        .collect_view()}
                </ul>
            </section>
        }
    })
}

#[component]
fn Dropped(dropped: Vec<ConfidenceDrop>) -> impl IntoView {
    let body = if dropped.is_empty() {
        view! { <p class="muted">"No key result lost confidence since last week."</p> }.into_any()
    } else {
        view! {
            <ul class="link-list">
                {dropped
                    .into_iter()
                    .map(|d| {
                        view! {
                            <li>
                                <a href=format!("/objectives/{}", d.objective_id)>{d.key_result_title}</a>
                                <span class="muted">" · " {d.objective_title}</span>
                                <span class="confidence-drop">{format!("{} → {} / 10", d.from, d.to)}</span>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        }
        .into_any()
    };
    view! {
        <section class="panel" aria-labelledby="dropped-heading">
            <h2 id="dropped-heading">"Confidence dropped since last week"</h2>
            {body}
        </section>
    }
}
