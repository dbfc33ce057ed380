//! `/cycles/:id`: one cycle — its dates and phase, the way to its board and
//! map, and its communication plan.

use super::get_cycle_plan;
use super::plan::CommunicationPlan;
use super::planning::PlanningChecklist;
use super::scope::CycleScope;
use crate::auth::SignedIn;
use crate::components::ErrorPanel;
use crate::cycles::PhaseBadge;
use crate::domain::cycles::Phase;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn CyclePage() -> impl IntoView {
    let cycle = crate::components::id_param();
    view! {
        <SignedIn render=move |_| {
            let changed = RwSignal::new(0u32);
            let scope_open = RwSignal::new(false);
            let plan = Resource::new(move || (cycle(), changed.get()), |(id, _)| get_cycle_plan(id));
            view! {
                <Transition fallback=|| view! { <p class="loading page">"Loading the cycle…"</p> }>
                    {crate::components::suspended(move || Suspend::new(async move {
                        match plan.await {
                            Err(error) => view! { <main class="page"><ErrorPanel error/></main> }.into_any(),
                            Ok(plan) => {
                                let cycle = plan.cycle.clone();
                                let days = match cycle.phase {
                                    Phase::Closed => "Finished".to_owned(),
                                    Phase::Upcoming => "Starts soon".to_owned(),
                                    _ => format!("{} days left", cycle.days_left),
                                };
                                view! {
                                    <Title text=format!("{} · Northstar", cycle.name)/>
                                    <main class="page cycle-page">
                                        <header class="page-header cycle-header">
                                            <div>
                                                <h1>{cycle.name.clone()}</h1>
                                                <p class="muted">{cycle.span()} " · " {days}</p>
                                            </div>
                                            <PhaseBadge phase=cycle.phase/>
                                            <a class="button" href=format!("/cycles/{}/map", cycle.id)>"Alignment map"</a>
                                            <a class="button button-primary" href=format!("/cycles/{}/board", cycle.id)>"Open board"</a>
                                        </header>
                                        <CycleScope scope=plan.scope.clone() cycle_id=cycle.id may_set=plan.may_set_scope changed open=scope_open/>
                                        {plan.planning.clone().map(|planning| view! { <PlanningChecklist planning cycle_id=cycle.id/> })}
                                        {(matches!(cycle.phase, Phase::Retrospective | Phase::Closed) || cycle.completed.is_some())
                                            .then(|| view! { <Retrospective cycle_id=cycle.id ambassador=plan.may_set_scope/> })}
                                        <CommunicationPlan plan changed/>
                                    </main>
                                }
                                    .into_any()
                            }
                        }
                    }))}
                </Transition>
            }
        }/>
    }
}

/// In the retrospective window and after: what is still open, closed right
/// there, and whether the cycle can be marked complete.
#[component]
fn Retrospective(cycle_id: i64, ambassador: bool) -> impl IntoView {
    let closings = RwSignal::new(0u32);
    view! {
        <section class="panel cycle-retro" aria-labelledby="cycle-retro-heading">
            <h2 id="cycle-retro-heading">"Retrospective"</h2>
            <p class="muted">"Every objective closes with a closing note: what went well, what did not, and the lessons for the next cycle."</p>
            <crate::components::ClientOnly>
                <crate::lessons::RetroOpenObjectives cycle_id
                    on_closed=Callback::new(move |_| closings.update(|n| *n += 1))/>
            </crate::components::ClientOnly>
        </section>
        <crate::retro::CompleteCycle cycle_id ambassador refresh=closings/>
    }
}
