//! The end of a cycle on the page: the cycle's completion panel, the form
//! that closes an objective without a retrospective and the notice that
//! says why on the objective, and carrying an objective over.

use super::{
    CarriedFrom, Carry, CarryOver, CloseWithoutRetrospective, CompleteCycle as CompleteAction,
    cycle_completion,
};
use crate::components::{ErrorPanel, FieldError, FormAlert, last_error};
use crate::domain::retro::MAX_NO_RETRO_REASON;
use crate::objectives::Objective;
use leptos::prelude::*;

/// Whether the cycle can be marked complete, what stands in the way, and
/// the button for the ambassador.
#[component]
pub fn CompleteCycle(
    cycle_id: i64,
    ambassador: bool,
    /// Raised when an objective of the cycle closes on the same page.
    refresh: RwSignal<u32>,
) -> impl IntoView {
    let action = ServerAction::<CompleteAction>::new();
    // Loaded in the browser: the cycle page's own resource is still
    // hydrating around it (a nested resource raced it elsewhere).
    let data = LocalResource::new(move || {
        action.version().track();
        refresh.track();
        cycle_completion(cycle_id)
    });
    let error = last_error(action);
    view! {
        <section class="panel completion" aria-labelledby="completion-heading">
            <h2 id="completion-heading">"Completing the cycle"</h2>
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {crate::components::suspended(move || Suspend::new(async move {
                    match data.await {
                        Err(error) => view! { <ErrorPanel error/> }.into_any(),
                        Ok(c) => {
                            let counts = format!(
                                "{} closed with a note · {} without a retrospective · {} still open",
                                c.closed_with_note, c.closed_without_retro, c.open
                            );
                            if let Some(done) = c.cycle.completed.clone() {
                                return view! {
                                    <p class="completion-done" role="status">
                                        <strong>"Complete."</strong>
                                        {format!(" Marked complete by {} on {}.", done.by, done.on)}
                                    </p>
                                    <p class="muted">{counts}</p>
                                }.into_any();
                            }
                            let blocked = c.blocked.clone();
                            view! {
                                <p class="muted">{counts}</p>
                                {match blocked {
                                    Some(why) => view! { <p class="completion-blocked">{why}</p> }.into_any(),
                                    None => view! {
                                        <p>"Every objective is closed: the cycle can be marked complete."</p>
                                    }.into_any(),
                                }}
                                {(ambassador && c.blocked.is_none()).then(|| view! {
                                    <ActionForm action>
                                        <input type="hidden" name="cycle_id" value=cycle_id.to_string()/>
                                        <button type="submit" class="button button-primary"
                                            disabled=move || action.pending().get()>"Mark cycle complete"</button>
                                    </ActionForm>
                                })}
                                <FormAlert error/>
                            }.into_any()
                        }
                    }
                }))}
            </Transition>
        </section>
    }
}

/// The reason form that closes an objective without a retrospective.
#[component]
pub fn NoRetroForm(
    objective: Objective,
    on_closed: Callback<Objective>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let action = ServerAction::<CloseWithoutRetrospective>::new();
    Effect::new(move |_| {
        if let Some(Ok(closed)) = action.value().get() {
            on_closed.run(closed);
        }
    });
    let error = last_error(action);
    let field = format!("no-retro-{}", objective.id);
    let described = format!("{field}-error");
    view! {
        <ActionForm action attr:class="no-retro-form"
            attr:aria-label=format!("Close {} without a retrospective", objective.title)>
            <input type="hidden" name="id" value=objective.id.clone()/>
            <div class="field">
                <label for=field.clone()>"Why does it get no retrospective?"</label>
                <textarea id=field name="reason" rows="2" maxlength=MAX_NO_RETRO_REASON.to_string()
                    aria-describedby=described.clone()
                    placeholder="It never started: the team was merged into Platform in August."></textarea>
                <FieldError error field="reason" id=described/>
                <p class="hint">"The reason stays on the objective for everyone to read. Without a closing note it adds nothing to the lessons learned."</p>
            </div>
            <FormAlert error/>
            <div class="form-actions">
                <button type="submit" class="button button-small" disabled=move || action.pending().get()>
                    "Close without a retrospective"
                </button>
                <button type="button" class="button button-small" on:click=move |_| on_cancel.run(())>"Cancel"</button>
            </div>
        </ActionForm>
    }
}

/// On an objective closed without a retrospective: why.
#[component]
pub fn NoRetroNotice(reason: String, by: String) -> impl IntoView {
    view! {
        <section class="panel no-retro" aria-labelledby="no-retro-heading">
            <h2 id="no-retro-heading">"Closed without a retrospective"</h2>
            <p class="no-retro-reason">{reason}</p>
            <p class="muted">{format!("Closed by {by}. There is no closing note, so no lessons from it.")}</p>
        </section>
    }
}

/// Across cycles: the lessons a carried-over draft starts from, and, on a
/// closed unfinished objective, "carry into the next cycle".
#[component]
pub fn CarryPanel(objective_id: String, carry: Carry) -> impl IntoView {
    let Carry {
        from,
        into,
        next_cycle,
        blocked,
        reached,
        may_carry,
    } = carry;
    let next_cycle = next_cycle.filter(|_| may_carry);
    view! {
        {from.map(|from| view! { <CarriedLessons from/> })}
        {into.map(|into| view! {
            <p class="panel carried-into" role="status">
                "Carried into " {into.cycle.clone()} ": "
                <a href=format!("/objectives/{}", into.objective_id)>"its draft there"</a>
            </p>
        })}
        {next_cycle.map(|cycle| view! { <CarryOffer objective_id cycle reached/> })}
        {blocked.map(|why| view! { <p class="panel muted carry-blocked">{why}</p> })}
    }
}

#[component]
fn CarryOffer(objective_id: String, cycle: String, reached: Vec<String>) -> impl IntoView {
    let action = ServerAction::<CarryOver>::new();
    let error = last_error(action);
    let navigate = leptos_router::hooks::use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(draft)) = action.value().get() {
            navigate(&format!("/objectives/{}", draft.id), Default::default());
        }
    });
    // Chosen once per offer: a double click or a retried request carries
    // the objective once.
    let new_id = crate::objectives::new_client_id();
    let stays = (!reached.is_empty()).then(|| {
        format!(
            "Reached already, so staying behind: {}.",
            reached
                .iter()
                .map(|t| format!("“{t}”"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    });
    view! {
        <section class="panel carry-offer" aria-labelledby="carry-heading">
            <h2 id="carry-heading">"Not finished?"</h2>
            <p>"Carry it into " <strong>{cycle.clone()}</strong>
                " as a draft with the same whys and its unfinished key results, starting from today's values. Its closing note's lessons go with it."</p>
            {stays.map(|s| view! { <p class="muted">{s}</p> })}
            <ActionForm action>
                <input type="hidden" name="id" value=objective_id/>
                <input type="hidden" name="new_id" value=new_id/>
                <button type="submit" class="button button-primary" disabled=move || action.pending().get()>
                    {format!("Carry into {cycle}")}
                </button>
            </ActionForm>
            <FormAlert error/>
        </section>
    }
}

/// On a carried-over draft: where it comes from and what was learned there.
#[component]
fn CarriedLessons(from: CarriedFrom) -> impl IntoView {
    let CarriedFrom {
        objective_id,
        title,
        cycle,
        note,
        no_retro_reason,
    } = from;
    let body = match (note, no_retro_reason) {
        (Some(note), _) => {
            let part = |label: &'static str, text: String| {
                (!text.trim().is_empty()).then(|| {
                    view! {
                        <div class="why"><h3>{label}</h3><p>{text}</p></div>
                    }
                })
            };
            view! {
                <p class=crate::lessons::score_class(note.kind, note.score)>
                    <span class="score-number">{crate::domain::closing::format_score(note.score)}</span>
                    <span class="score-words">{note.verdict_words()}</span>
                </p>
                {part("Lessons learned", note.lessons)}
                {part("What did not go well", note.went_badly)}
                {part("What went well", note.went_well)}
            }
            .into_any()
        }
        (None, Some(reason)) => view! {
            <p class="muted">"It was closed without a retrospective: " {reason}</p>
        }
        .into_any(),
        (None, None) => view! { <p class="muted">"It has no closing note."</p> }.into_any(),
    };
    view! {
        <section class="panel carried-from" aria-labelledby="carried-heading">
            <h2 id="carried-heading">"Lessons from " {cycle}</h2>
            <p>"Carried over from "
                <a href=format!("/objectives/{objective_id}")>{title}</a>
                ". Plan this cycle with what its closing taught:"</p>
            {body}
        </section>
    }
}
