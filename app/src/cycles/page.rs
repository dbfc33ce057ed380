//! `/cycles`: every cycle with its phase and a way to its board; the
//! ambassador also creates and edits cycles and sets the stretch phase.

use super::{CreateCycle, Cycle, SetStretchPhase, UpdateCycle, list_cycles};
use crate::auth::{CurrentUser, SignedIn};
use crate::components::{ErrorPanel, FieldError, FormAlert, last_error, reload_after, reset_after};
use crate::domain::cycles::{DEFAULT_PLANNING_DAYS, DEFAULT_RETRO_DAYS, Phase};
use crate::domain::okr::StretchPhase;
use crate::domain::validation;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn CyclesPage() -> impl IntoView {
    view! {
        <Title text="Cycles · Northstar"/>
        <SignedIn render=|user| view! { <Cycles user/> }/>
    }
}

#[component]
fn Cycles(user: CurrentUser) -> impl IntoView {
    let admin = user.role.may_administer();
    let create = ServerAction::<CreateCycle>::new();
    let update = ServerAction::<UpdateCycle>::new();
    let stretch = ServerAction::<SetStretchPhase>::new();
    let changes = RwSignal::new(0u32);
    reload_after(create, changes);
    reload_after(update, changes);
    reload_after(stretch, changes);
    let overview = Resource::new(move || changes.get(), |_| list_cycles());
    view! {
        <main class="page">
            <h1>"Cycles"</h1>
            {admin.then(|| view! { <CreateCycleForm action=create/> })}
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {crate::components::suspended(move || Suspend::new(async move {
                    match overview.await {
                        Err(error) => view! { <ErrorPanel error/> }.into_any(),
                        Ok(overview) => {
                            let list = if overview.cycles.is_empty() {
                                view! {
                                    <p class="muted">
                                        {if admin {
                                            "No cycles yet. Create the first one above: usually a quarter."
                                        } else {
                                            "No cycles yet. Your OKR ambassador creates them."
                                        }}
                                    </p>
                                }
                                    .into_any()
                            } else {
                                view! {
                                    <ul class="cycle-list" aria-label="Cycles">
                                        {overview
                                            .cycles
                                            .into_iter()
                                            .map(|cycle| view! { <CycleRow cycle admin update/> })
                                            .collect_view()}
                                    </ul>
                                }
                                    .into_any()
                            };
                            view! {
                                {list}
                                {admin.then(|| view! { <StretchPhaseForm action=stretch current=overview.stretch_phase/> })}
                            }
                                .into_any()
                        }
                    }
                }))}
            </Transition>
        </main>
    }
}

/// The badge of a phase, coloured by what it asks of people.
#[component]
pub fn PhaseBadge(phase: Phase) -> impl IntoView {
    let class = format!("phase phase-{}", phase.label().to_lowercase());
    view! { <span class=class>{phase.label()}</span> }
}

#[component]
fn CycleRow(cycle: Cycle, admin: bool, update: ServerAction<UpdateCycle>) -> impl IntoView {
    let board = format!("/cycles/{}/board", cycle.id);
    let days = match cycle.phase {
        Phase::Closed => String::new(),
        Phase::Upcoming => "starts soon".to_owned(),
        _ => format!("{} days left", cycle.days_left),
    };
    let edit = admin.then(|| {
        let edit_label = format!("Edit {}", cycle.name);
        view! {
            <details class="cycle-edit">
                <summary aria-label=edit_label>"Edit"</summary>
                <CycleFields action=update cycle=cycle.clone()/>
            </details>
        }
    });
    view! {
        <li class="cycle-row panel">
            <div class="cycle-summary">
                <div>
                    <h2 class="cycle-name"><a href=format!("/cycles/{}", cycle.id)>{cycle.name.clone()}</a></h2>
                    <p class="muted">{cycle.span()} " · " {days}</p>
                </div>
                <PhaseBadge phase=cycle.phase/>
                <a class="button" href=format!("/cycles/{}/map", cycle.id)>"Alignment map"</a>
                <a class="button button-primary" href=board>"Open board"</a>
            </div>
            {matches!(cycle.phase, Phase::Retrospective | Phase::Closed)
                .then(|| {
                    let id = cycle.id;
                    view! { <crate::components::ClientOnly><crate::lessons::RetroOpenObjectives cycle_id=id/></crate::components::ClientOnly> }
                })}
            {edit}
        </li>
    }
}

#[component]
fn CreateCycleForm(action: ServerAction<CreateCycle>) -> impl IntoView {
    let error = last_error(action);
    let form = NodeRef::<leptos::html::Form>::new();
    reset_after(action, form);
    view! {
        <section class="panel" aria-labelledby="create-cycle-heading">
            <h2 id="create-cycle-heading">"New cycle"</h2>
            <ActionForm action node_ref=form>
                <CycleInputs error prefix="new-cycle" cycle=None/>
                <FormAlert error/>
                <button type="submit" class="button button-primary" disabled=move || action.pending().get()>
                    "Create cycle"
                </button>
            </ActionForm>
        </section>
    }
}

#[component]
fn CycleFields(action: ServerAction<UpdateCycle>, cycle: Cycle) -> impl IntoView {
    let error = last_error(action);
    let prefix = format!("cycle-{}", cycle.id);
    let id = cycle.id.to_string();
    view! {
        <ActionForm action>
            <input type="hidden" name="cycle_id" value=id/>
            <CycleInputs error prefix cycle=Some(cycle)/>
            <FormAlert error/>
            <button type="submit" class="button">"Save cycle"</button>
        </ActionForm>
    }
}

/// The inputs a cycle form has, new or existing.
#[component]
fn CycleInputs(
    error: Signal<Option<crate::error::AppError>>,
    #[prop(into)] prefix: String,
    cycle: Option<Cycle>,
) -> impl IntoView {
    let id = |field: &str| format!("{prefix}-{field}");
    let err = |field: &str| format!("{prefix}-{field}-error");
    let (name, start, end, planning, retro) = match &cycle {
        Some(c) => (
            c.name.clone(),
            c.start.clone(),
            c.end.clone(),
            c.planning_days,
            c.retro_days,
        ),
        None => (
            String::new(),
            String::new(),
            String::new(),
            DEFAULT_PLANNING_DAYS,
            DEFAULT_RETRO_DAYS,
        ),
    };
    view! {
        <div class="form-grid">
            <div class="field">
                <label for=id("name")>"Name"</label>
                <input id=id("name") name="name" value=name required maxlength=validation::MAX_CYCLE_NAME
                    placeholder="Q3 2026" aria-describedby=err("name")/>
                <FieldError error field="name" id=err("name")/>
            </div>
            <div class="field">
                <label for=id("start")>"First day"</label>
                <input id=id("start") name="start" type="date" value=start required aria-describedby=err("start")/>
                <FieldError error field="start" id=err("start")/>
            </div>
            <div class="field">
                <label for=id("end")>"Last day"</label>
                <input id=id("end") name="end" type="date" value=end required aria-describedby=err("end")/>
                <FieldError error field="end" id=err("end")/>
            </div>
            <div class="field">
                <label for=id("planning")>"Planning days"</label>
                <input id=id("planning") name="planning_days" type="number" min="0" max="60" value=planning
                    required aria-describedby=err("planning_days")/>
                <FieldError error field="planning_days" id=err("planning_days")/>
            </div>
            <div class="field">
                <label for=id("retro")>"Retrospective days"</label>
                <input id=id("retro") name="retro_days" type="number" min="0" max="60" value=retro
                    required aria-describedby=err("retro_days")/>
                <FieldError error field="retro_days" id=err("retro_days")/>
            </div>
        </div>
    }
}

#[component]
fn StretchPhaseForm(action: ServerAction<SetStretchPhase>, current: StretchPhase) -> impl IntoView {
    let error = last_error(action);
    let explain = |phase: StretchPhase| match phase {
        StretchPhase::Foundation => "Foundation: aspirational objectives are discouraged",
        StretchPhase::Intermediate => "Intermediate: one aspirational objective per unit and cycle",
        StretchPhase::Advanced => "Advanced: stretch goals without a limit",
    };
    view! {
        <section class="panel" aria-labelledby="stretch-heading">
            <h2 id="stretch-heading">"Stretch goals"</h2>
            <p class="muted">
                "How far the organisation is with aspirational objectives. The board warns when a plan goes beyond it."
            </p>
            <ActionForm action>
                <div class="inline-form">
                    <select name="phase" aria-label="Stretch phase">
                        {StretchPhase::ALL
                            .iter()
                            .map(|phase| {
                                view! { <option value=phase.as_str() selected=*phase == current>{explain(*phase)}</option> }
                            })
                            .collect_view()}
                    </select>
                    <button type="submit" class="button">"Save"</button>
                </div>
                <FormAlert error/>
            </ActionForm>
        </section>
    }
}
