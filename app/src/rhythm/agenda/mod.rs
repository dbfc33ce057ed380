//! The agenda pages: OKRs inside the meetings people already hold. Each is
//! built from live data, prints cleanly (see the print rules in
//! `style/main.css`) and can be presented full-screen.

mod one_on_one;
mod review;
mod weekly;

pub use one_on_one::OneOnOnePage;
pub use review::{AllHandsPage, ReviewPage};
pub use weekly::WeeklyPage;

use super::PlannedPoints;
use crate::cycles::Cycle;
use leptos::prelude::*;

use crate::components::id_param;

/// Print and present the agenda: the page is printed without navigation
/// and forms, and presented with its `<main>` full-screen in larger type.
#[component]
fn AgendaTools() -> impl IntoView {
    let print = move |_| {
        let _ = window().print();
    };
    let present = move |ev: leptos::ev::MouseEvent| {
        let button: web_sys::Element = event_target(&ev);
        if let Ok(Some(main)) = button.closest("main") {
            let _ = main.request_fullscreen();
        }
    };
    view! {
        <div class="agenda-tools">
            <button type="button" class="button" on:click=print>"Print"</button>
            <button type="button" class="button" on:click=present>"Present"</button>
        </div>
    }
}

/// The heading of an agenda: what meeting, for whom, in which cycle.
#[component]
fn AgendaHeader(title: String, cycle: Option<Cycle>, #[prop(into)] about: String) -> impl IntoView {
    let cycle = cycle.map_or_else(
        || "No cycle is running.".to_owned(),
        |c| format!("{} · {}", c.name, c.phase.label()),
    );
    view! {
        <header class="page-header agenda-header">
            <div>
                <p class="agenda-kicker">"Agenda"</p>
                <h1>{title}</h1>
                <p class="muted">{cycle} " · " {about}</p>
            </div>
            <AgendaTools/>
        </header>
    }
}

/// What the communication plan says this meeting discusses.
#[component]
fn Planned(plan: Vec<PlannedPoints>, cycle_id: Option<i64>) -> impl IntoView {
    let link = cycle_id.map(|id| {
        view! { <a href=format!("/cycles/{id}")>"the communication plan"</a> }
    });
    if plan.is_empty() {
        return view! {
            <section class="panel agenda-plan" aria-labelledby="plan-points-heading">
                <h2 id="plan-points-heading">"Discussion points"</h2>
                <p class="muted">"The communication plan names no such meeting for this cycle yet: see " {link} "."</p>
            </section>
        }
        .into_any();
    }
    let meetings = plan
        .into_iter()
        .map(|meeting| {
            view! {
                <div class="agenda-plan-meeting">
                    <h3>{meeting.meeting} <span class="muted">" · " {meeting.format}</span></h3>
                    <ol class="plan-points">
                        {meeting.points.into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}
                    </ol>
                </div>
            }
        })
        .collect_view();
    view! {
        <section class="panel agenda-plan" aria-labelledby="plan-points-heading">
            <h2 id="plan-points-heading">"Discussion points"</h2>
            {meetings}
            <p class="muted small">"From " {link} "."</p>
        </section>
    }
    .into_any()
}
