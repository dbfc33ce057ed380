//! A card's menu: everything a drag does, from the keyboard, and the form
//! that adds a key result.

use super::card::{align, move_objective, saved_key_result};
use super::page::{DropTarget, use_board};
use super::{CreateKeyResult, Objective};
use crate::components::{FieldError, FormAlert, last_error};
use crate::domain::okr::{MetricKind, Status};
use crate::domain::permissions::{Change, next_statuses};
use leptos::prelude::*;

/// Everything a drag does, from the keyboard: status, unit, alignment; and
/// the form that adds a key result.
#[component]
pub fn CardMenu(objective: Memo<Option<Objective>>) -> impl IntoView {
    let ctx = use_board();
    let board = ctx.board;
    let Some(initial) = objective.get_untracked() else {
        return ().into_any();
    };
    let id = initial.id.clone();
    let title = move || objective.with(|o| o.as_ref().map(|o| o.title.clone()).unwrap_or_default());
    let status_buttons = {
        let id = id.clone();
        move || {
            let Some(o) = objective.get() else {
                return Vec::new();
            };
            next_statuses(o.status)
                .iter()
                .map(|status| {
                    let status = *status;
                    let id = id.clone();
                    let verb = match (o.status, status) {
                        (Status::Proposed, Status::Draft) => "Send back to draft".to_owned(),
                        (_, to) => format!("Move to {}", to.label()),
                    };
                    let label = format!("{verb}: {}", o.title);
                    view! {
                        <button type="button" class="button button-small" aria-label=label
                            on:click=move |_| move_objective(ctx, &id, DropTarget::Status(status))>
                            {verb}
                        </button>
                    }
                })
                .collect::<Vec<_>>()
        }
    };
    let unit_choice = RwSignal::new(initial.unit_id.to_string());
    let parent_choice = RwSignal::new(initial.parent_id.clone().unwrap_or_default());
    let unit_options = move || {
        let current = objective.with(|o| o.as_ref().map(|o| o.unit_id));
        board.with(|b| {
            b.units
                .iter()
                .map(|u| view! { <option value=u.id.to_string() selected=Some(u.id) == current>{u.path.clone()}</option> })
                .collect::<Vec<_>>()
        })
    };
    let parent_options = {
        let id = id.clone();
        move || {
            let current = objective
                .with(|o| o.as_ref().and_then(|o| o.parent_id.clone()))
                .unwrap_or_default();
            let mut options = vec![
                view! { <option value="" selected=current.is_empty()>"Supports no other objective"</option> }.into_any(),
            ];
            board.with(|b| {
                options.extend(b.objectives.iter().filter(|o| o.id != id).map(|o| {
                    view! { <option value=o.id.clone() selected=o.id == current>{o.title.clone()}</option> }.into_any()
                }));
            });
            options
        }
    };
    let may_edit = board.with_untracked(|b| b.may(Change::Edit, &initial));
    let id_for_unit = id.clone();
    let id_for_parent = id.clone();
    view! {
        <details class="card-menu">
            <summary aria-label=move || format!("Actions for {}", title())>"Actions"</summary>
            <div class="card-menu-body">
                <div class="menu-row">{status_buttons}</div>
                <div class="inline-form">
                    <select aria-label=move || format!("Unit for {}", title()) on:change=move |ev| unit_choice.set(event_target_value(&ev))>
                        {unit_options}
                    </select>
                    <button type="button" class="button button-small" aria-label=move || format!("Give {} to this unit", title())
                        on:click=move |_| {
                            if let Ok(unit) = unit_choice.get_untracked().parse() {
                                move_objective(ctx, &id_for_unit, DropTarget::Unit(unit));
                            }
                        }>
                        "Give to unit"
                    </button>
                </div>
                <div class="inline-form">
                    <select aria-label=move || format!("Objective that {} supports", title())
                        on:change=move |ev| parent_choice.set(event_target_value(&ev))>
                        {parent_options}
                    </select>
                    <button type="button" class="button button-small" aria-label=move || format!("Align {}", title())
                        on:click=move |_| align(ctx, &id_for_parent, &parent_choice.get_untracked())>
                        "Align"
                    </button>
                </div>
                {may_edit.then(|| view! { <NewKeyResult objective_id=id.clone() title=initial.title.clone()/> })}
            </div>
        </details>
    }
    .into_any()
}

#[component]
fn NewKeyResult(objective_id: String, title: String) -> impl IntoView {
    let ctx = use_board();
    let create = ServerAction::<CreateKeyResult>::new();
    let error = last_error(create);
    let form = NodeRef::<leptos::html::Form>::new();
    let client_id = RwSignal::new(super::new_client_id());
    Effect::new(move |_| {
        if let Some(Ok(kr)) = create.value().get() {
            saved_key_result(ctx, kr);
            client_id.set(super::new_client_id());
            if let Some(form) = form.get_untracked() {
                form.reset();
            }
        }
    });
    let people = ctx.board.with_untracked(|b| b.people.clone());
    let me = ctx.board.with_untracked(|b| b.viewer.id);
    let prefix = format!("kr-{objective_id}");
    let id = {
        let prefix = prefix.clone();
        move |f: &str| format!("{prefix}-{f}")
    };
    let err = move |f: &str| format!("{prefix}-{f}-error");
    view! {
        <ActionForm action=create node_ref=form>
            <fieldset class="new-kr">
                <legend>"Add a key result to " {title}</legend>
                <input type="hidden" name="id" value=move || client_id.get()/>
                <input type="hidden" name="objective_id" value=objective_id.clone()/>
                <div class="field">
                    <label for=id("title")>"Key result"</label>
                    <input id=id("title") name="title" required maxlength="200" placeholder="Reply time under 4 hours"
                        aria-describedby=err("title")/>
                    <FieldError error field="title" id=err("title")/>
                </div>
                <div class="form-grid form-grid-tight">
                    <div class="field">
                        <label for=id("metric")>"Measured as"</label>
                        <select id=id("metric") name="metric">
                            {MetricKind::ALL.iter().map(|m| view! { <option value=m.as_str()>{metric_label(*m)}</option> }).collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label for=id("start")>"Start"</label>
                        <input id=id("start") name="start" inputmode="decimal" value="0" aria-describedby=err("start")/>
                        <FieldError error field="start" id=err("start")/>
                    </div>
                    <div class="field">
                        <label for=id("target")>"Target"</label>
                        <input id=id("target") name="target" inputmode="decimal" aria-describedby=err("target")/>
                        <FieldError error field="target" id=err("target")/>
                    </div>
                    <div class="field">
                        <label for=id("unit_label")>"Unit"</label>
                        <input id=id("unit_label") name="unit_label" maxlength="20" placeholder="h, %, €"/>
                    </div>
                    <div class="field">
                        <label for=id("owner")>"Owner"</label>
                        <select id=id("owner") name="owner_id">
                            {people
                                .into_iter()
                                .map(|p| view! { <option value=p.id.to_string() selected=p.id == me>{p.name}</option> })
                                .collect_view()}
                        </select>
                    </div>
                </div>
                <FormAlert error fields=&["id", "owner_id"]/>
                <button type="submit" class="button button-small button-primary" disabled=move || create.pending().get()>
                    "Add key result"
                </button>
            </fieldset>
        </ActionForm>
    }
}

fn metric_label(metric: MetricKind) -> &'static str {
    match metric {
        MetricKind::Number => "Number",
        MetricKind::Percent => "Percent",
        MetricKind::Currency => "Currency",
        MetricKind::Milestone => "Milestone (done or not)",
    }
}
