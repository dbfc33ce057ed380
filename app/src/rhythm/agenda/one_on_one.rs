//! `/agendas/one-on-one/:id`: a person's one-on-one with their lead —
//! coaching and problem-solving, not a status report. Questions chosen
//! from what the check-ins say come first, then each key result's last
//! check-ins with the problems and plans written, and confidence over the
//! last weeks.

use super::super::notes::NotesPanel;
use super::super::{CoachedKeyResult, OneOnOneAgenda, get_one_on_one_agenda};
use super::{AgendaHeader, Planned, id_param};
use crate::auth::SignedIn;
use crate::checkins::short_day;
use crate::components::ErrorPanel;
use crate::domain::cadence::LOW_CONFIDENCE;
use crate::domain::progress::format_percent;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn OneOnOnePage() -> impl IntoView {
    let person = id_param();
    view! {
        <SignedIn render=move |_| {
            let agenda = Resource::new(person, get_one_on_one_agenda);
            view! {
                <Suspense fallback=|| view! { <p class="loading page">"Loading the agenda…"</p> }>
                    {crate::components::suspended(move || Suspend::new(async move {
                        match agenda.await {
                            Ok(agenda) => view! { <OneOnOne agenda/> }.into_any(),
                            Err(error) => view! { <main class="page"><ErrorPanel error/></main> }.into_any(),
                        }
                    }))}
                </Suspense>
            }
        }/>
    }
}

#[component]
fn OneOnOne(agenda: OneOnOneAgenda) -> impl IntoView {
    let title = format!("One-on-one · {}", agenda.person_name);
    let cycle_id = agenda.cycle.as_ref().map(|c| c.id);
    let first_name = agenda
        .person_name
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_owned();
    let key_results = if agenda.key_results.is_empty() {
        let message = if agenda.cycle.is_some() {
            format!("{first_name} owns no key result of an active objective this cycle.")
        } else {
            "No cycle is running.".to_owned()
        };
        view! { <p class="panel muted">{message}</p> }.into_any()
    } else {
        agenda
            .key_results
            .into_iter()
            .map(|key_result| view! { <Coached key_result/> })
            .collect_view()
            .into_any()
    };
    view! {
        <Title text=format!("{title} · Northstar")/>
        <main class="page agenda-page">
            <AgendaHeader title cycle=agenda.cycle.clone() about="Coaching, not a status report"/>
            <Planned plan=agenda.plan cycle_id/>
            <section aria-labelledby="coached-heading" class="coached">
                <h2 id="coached-heading">"Key results"</h2>
                {key_results}
            </section>
            <NotesPanel notes=agenda.notes/>
        </main>
    }
}

#[component]
fn Coached(key_result: CoachedKeyResult) -> impl IntoView {
    let k = key_result;
    let questions = (!k.questions.is_empty()).then(|| {
        view! {
            <ul class="coaching-questions" aria-label=format!("Questions about {}", k.key_result_title)>
                {k.questions.iter().map(|q| view! { <li class=format!("cue-{:?}", q.cue).to_lowercase()>{q.text.clone()}</li> }).collect_view()}
            </ul>
        }
    });
    let trail = (!k.confidence.is_empty()).then(|| {
        view! {
            <ol class="confidence-trail" aria-label="Confidence at each check-in, oldest first">
                {k.confidence
                    .iter()
                    .map(|(on, c)| {
                        let low = *c <= LOW_CONFIDENCE;
                        view! {
                            <li class:low=low style=format!("--c: {c}") title=format!("{}: {c} / 10", short_day(on))>
                                <span>{c.to_string()}</span>
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
        }
    });
    let check_ins = if k.check_ins.is_empty() {
        view! { <p class="muted">"No check-in yet."</p> }.into_any()
    } else {
        view! {
            <ol class="coached-check-ins">
                {k.check_ins
                    .into_iter()
                    .map(|c| {
                        let texts = [("Progress", c.progress), ("Problems", c.problems), ("Plans", c.plans)];
                        view! {
                            <li>
                                <p class="muted small">{short_day(&c.on)} " · confidence " {c.confidence} " / 10"</p>
                                <dl class="reflection">
                                    {texts
                                        .into_iter()
                                        .map(|(label, text)| {
                                            let missing = text.trim().is_empty();
                                            view! {
                                                <dt>{label}</dt>
                                                <dd class:missing=missing>{if missing { "—".to_owned() } else { text }}</dd>
                                            }
                                        })
                                        .collect_view()}
                                </dl>
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
        }
        .into_any()
    };
    view! {
        <article class="panel coached-key-result">
            <header class="review-item-head">
                <div>
                    <h3>{k.key_result_title.clone()}</h3>
                    <p class="muted">
                        <a href=format!("/objectives/{}", k.objective_id)>{k.objective_title}</a>
                    </p>
                </div>
                <div class="review-numbers">
                    {k.overdue.then(|| view! { <span class="overdue-badge">"Overdue"</span> })}
                    <span class="muted">{format_percent(k.progress)}</span>
                    {k.proxy.map(|p| view! { <span class="proxy-name">"measured by a proxy: " {p}</span> })}
                    {trail}
                </div>
            </header>
            {questions}
            {check_ins}
        </article>
    }
}
