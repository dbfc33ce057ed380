//! A card's menu: everything a drag does, from the keyboard, and the form
//! that adds a key result.

use super::card::{link, move_objective, saved_key_result};
use super::inline::{ConflictNote, FormField, changed_to};
use super::page::{DropTarget, use_board};
use super::{CreateKeyResult, update_objective};
use crate::components::{FieldError, FormAlert, details_open, kept, last_error, opened_once};
use crate::domain::okr::ObjectiveKind;
use crate::domain::okr::{MetricKind, Status};
use crate::domain::permissions::{self, Change, next_statuses};
use crate::domain::validation::shared_units_text;
use crate::error::AppError;
use crate::objectives::{Objective, new_client_id};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Everything a drag does, from the keyboard: status, unit, alignment; and
/// the form that adds a key result. Its body is built when it is first
/// opened: a board's closed menus were most of its page (its selects of
/// units and objectives, its forms), and of the work of hydrating it.
#[component]
pub fn CardMenu(objective: Memo<Option<Objective>>) -> impl IntoView {
    let Some(id) = objective.with_untracked(|o| o.as_ref().map(|o| o.id.clone())) else {
        return ().into_any();
    };
    let title = move || objective.with(|o| o.as_ref().map(|o| o.title.clone()).unwrap_or_default());
    let open = kept(Some(format!("menu:{id}")), || RwSignal::new(false));
    // Once built, kept while the card lives: closing it keeps what is typed.
    let built = opened_once(open);
    view! {
        <details class="card-menu" prop:open=move || open.get() on:toggle=move |ev| open.set(details_open(&ev))>
            <summary aria-label=move || format!("Actions for {}", title())>"Actions"</summary>
            {move || built.get().then(|| view! { <CardMenuBody objective/> })}
        </details>
    }
    .into_any()
}

#[component]
fn CardMenuBody(objective: Memo<Option<Objective>>) -> impl IntoView {
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
    let link_choice = RwSignal::new(String::new());
    let unit_options = move || {
        let current = objective.with(|o| o.as_ref().map(|o| o.unit_id));
        // The current unit, and the units the viewer may give it to.
        board.with(|b| {
            let actor = b.viewer.actor();
            b.units
                .iter()
                .filter(|u| Some(u.id) == current || permissions::check_give(&actor, u.id).is_ok())
                .map(|u| view! { <option value=u.id.to_string() selected=Some(u.id) == current>{u.path.clone()}</option> })
                .collect::<Vec<_>>()
        })
    };
    let link_options =
        {
            let id = id.clone();
            move || {
                let linked = objective
                    .with(|o| o.as_ref().map(|o| o.supports.clone()))
                    .unwrap_or_default();
                let open = |candidate: &str, status: Status| {
                    candidate != id
                        && status != Status::Closed
                        && !linked.iter().any(|l| l == candidate)
                };
                board.with(|b| {
                    let mut options = vec![
                        view! { <option value="" selected=true>"Choose an objective…"</option> }
                            .into_any(),
                    ];
                    options.extend(b.objectives.iter().filter(|o| open(&o.id, o.status)).map(
                        |o| {
                            view! { <option value=o.id.clone()>{o.title.clone()}</option> }
                                .into_any()
                        },
                    ));
                    options.extend(b.outside.iter().filter(|o| open(&o.id, o.status)).map(|o| {
                        let label = format!("{} ({})", o.title, o.cycle_name);
                        view! { <option value=o.id.clone()>{label}</option> }.into_any()
                    }));
                    options
                })
            }
        };
    let linked = {
        let id = id.clone();
        move || {
            let supports = objective
                .with(|o| o.as_ref().map(|o| o.supports.clone()))
                .unwrap_or_default();
            supports
                .into_iter()
                .map(|target| {
                    let name = board.with(|b| b.objective_title(&target));
                    let label = format!("{} no longer supports {name}", title());
                    let id = id.clone();
                    view! {
                        <li>
                            <span>{name}</span>
                            <button type="button" class="button-link" aria-label=label
                                on:click=move |_| link(ctx, &id, &target, false)>"Remove"</button>
                        </li>
                    }
                })
                .collect_view()
        }
    };
    let may_edit = board.with_untracked(|b| b.may(Change::Edit, &initial));
    let id_for_unit = id.clone();
    let id_for_link = id.clone();
    view! {
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
                {may_edit.then(|| view! {
                    <div class="menu-links">
                        <p class="menu-label">"Supports"</p>
                        <ul class="menu-linked">{linked}</ul>
                        <div class="inline-form">
                            <select aria-label=move || format!("Objective that {} supports", title())
                                prop:value=move || link_choice.get()
                                on:change=move |ev| link_choice.set(event_target_value(&ev))>
                                {link_options}
                            </select>
                            <button type="button" class="button button-small" aria-label=move || format!("Link {}", title())
                                on:click=move |_| {
                                    link(ctx, &id_for_link, &link_choice.get_untracked(), true);
                                    link_choice.set(String::new());
                                }>
                                "Add link"
                            </button>
                        </div>
                    </div>
                })}
                {may_edit.then(|| view! { <ObjectiveDetails objective/> })}
                {may_edit.then(|| view! { <NewKeyResult objective_id=id.clone() title=initial.title.clone()/> })}
            </div>
    }
    .into_any()
}

#[component]
fn NewKeyResult(objective_id: String, title: String) -> impl IntoView {
    let ctx = use_board();
    let create = ServerAction::<CreateKeyResult>::new();
    let error = last_error(create);
    let form = NodeRef::<leptos::html::Form>::new();
    let client_id = RwSignal::new(new_client_id());
    Effect::new(move |_| {
        if let Some(Ok(kr)) = create.value().get() {
            saved_key_result(ctx, kr);
            client_id.set(new_client_id());
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

/// The units sharing an objective or invited to: what the boxes show.
fn sharing(objective: &Objective) -> Vec<i64> {
    let mut units = objective.shared_unit_ids.clone();
    units.extend(&objective.invited_unit_ids);
    units
}

/// The details form's state, kept by the board.
#[derive(Clone, Copy)]
struct DetailsForm {
    why_important: FormField,
    why_urgent: FormField,
    description: FormField,
    kind: FormField,
    shared_text: FormField,
    shared: RwSignal<Vec<i64>>,
    decision_owner: FormField,
    /// The objective's version when the form first opened.
    opened_at: RwSignal<i64>,
    /// A refused field and why.
    error: RwSignal<Option<(String, String)>>,
    saving: RwSignal<bool>,
    saved: RwSignal<bool>,
}

/// The objective's why, description and kind: what the warnings ask for.
/// Saving sends each changed field in turn, each against the value it was
/// changed from (and the version the form opened at), so a colleague's
/// change to another field goes through and a change to the same field is
/// never overwritten unknowingly: the form says who changed it and to what.
#[component]
fn ObjectiveDetails(objective: Memo<Option<Objective>>) -> impl IntoView {
    let ctx = use_board();
    let Some(initial) = objective.get_untracked() else {
        return ().into_any();
    };
    // Kept by the board (the form survives its card moving column), so it
    // follows the objective through the board, not through the card.
    let board = ctx.board;
    let live = {
        let id = initial.id.clone();
        move |read: fn(&Objective) -> String| {
            let id = id.clone();
            move || board.with(|b| b.objectives.iter().find(|o| o.id == id).map(read))
        }
    };
    let DetailsForm {
        why_important,
        why_urgent,
        description,
        kind,
        shared_text,
        shared,
        decision_owner,
        opened_at,
        error,
        saving,
        saved,
    } = kept(Some(format!("details:{}", initial.id)), || DetailsForm {
        why_important: FormField::follow(live(|o| o.why_important.clone())),
        why_urgent: FormField::follow(live(|o| o.why_urgent.clone())),
        description: FormField::follow(live(|o| o.description.clone())),
        kind: FormField::follow(live(|o| o.kind.as_str().to_owned())),
        shared_text: FormField::follow(live(|o| shared_units_text(&sharing(o)))),
        shared: RwSignal::new(sharing(&initial)),
        decision_owner: FormField::follow(live(|o| {
            o.decision_owner_id
                .map(|p| p.to_string())
                .unwrap_or_default()
        })),
        opened_at: RwSignal::new(initial.version),
        error: RwSignal::new(None),
        saving: RwSignal::new(false),
        saved: RwSignal::new(false),
    });
    // The boxes follow the text form of the shared units.
    Effect::new(move |_| {
        let text = shared_text.mine.get();
        let units: Vec<i64> = text
            .split(',')
            .filter_map(|u| u.trim().parse().ok())
            .collect();
        if untrack(|| shared_units_text(&shared.get())) != text {
            shared.set(units);
        }
    });
    let (units, people) = ctx
        .board
        .with_untracked(|b| (b.units.clone(), b.people.clone()));
    let invited = move |unit: i64| {
        objective.with(|o| {
            o.as_ref()
                .is_some_and(|o| o.invited_unit_ids.contains(&unit))
        })
    };
    let owner_unit = initial.unit_id;
    let by =
        move || objective.with(|o| o.as_ref().map(|o| o.updated_by.clone()).unwrap_or_default());
    let prefix = format!("details-{}", initial.id);
    let id = move |f: &str| format!("{prefix}-{f}");
    let fields = [
        ("why_important", why_important),
        ("why_urgent", why_urgent),
        ("description", description),
        ("kind", kind),
        ("shared_units", shared_text),
        ("decision_owner_id", decision_owner),
    ];
    let save = move || {
        let Some(current) = objective.get_untracked() else {
            return;
        };
        shared_text
            .mine
            .set(shared_units_text(&shared.get_untracked()));
        let changes: Vec<(&'static str, FormField, String, String)> = fields
            .iter()
            .map(|(name, field)| {
                (
                    *name,
                    *field,
                    field.base.get_untracked(),
                    field.mine.get_untracked(),
                )
            })
            .filter(|(_, _, previous, value)| previous.trim() != value.trim())
            .collect();
        saving.set(true);
        saved.set(false);
        error.set(None);
        spawn_local(async move {
            for (name, field, previous, value) in changes {
                match update_objective(
                    current.id.clone(),
                    opened_at.get_untracked(),
                    name.to_owned(),
                    previous,
                    value.clone(),
                )
                .await
                {
                    Ok(next) => {
                        // This field now starts from what was saved (not from
                        // what may have been typed since).
                        field.base.set(value);
                        ctx.saved(next);
                    }
                    Err(e) => {
                        let message = match e {
                            AppError::Invalid { message, .. } => message,
                            other => other.to_string(),
                        };
                        error.set(Some((name.to_owned(), message)));
                        saving.set(false);
                        return;
                    }
                }
            }
            saving.set(false);
            saved.set(true);
        });
    };
    let field_error = move |field: &'static str| {
        move || {
            error.with(|e| {
                e.as_ref()
                    .filter(|(f, _)| f == field)
                    .map(|(_, m)| m.clone())
            })
        }
    };
    // Beside a field a colleague changed while it was being edited here.
    let conflict = move |field: FormField| {
        view! {
            <ConflictNote
                message=Signal::derive(move || field.theirs().map(|now| changed_to(&by(), &now)))
                keep=Callback::new(move |()| {
                    field.keep_mine();
                    save();
                })
                take=Callback::new(move |()| field.take_theirs())/>
        }
    };
    view! {
        <fieldset class="details">
            <legend>"Why this objective"</legend>
            <div class="field">
                <label for=id("why_important")>"Why it is important"</label>
                <textarea id=id("why_important") rows="2" maxlength="2000"
                    prop:value=move || why_important.mine.get() on:input=move |ev| why_important.mine.set(event_target_value(&ev))></textarea>
                {conflict(why_important)}
                <p class="field-error" role="alert" hidden=move || field_error("why_important")().is_none()>{field_error("why_important")}</p>
            </div>
            <div class="field">
                <label for=id("why_urgent")>"Why it is urgent now"</label>
                <textarea id=id("why_urgent") rows="2" maxlength="2000"
                    prop:value=move || why_urgent.mine.get() on:input=move |ev| why_urgent.mine.set(event_target_value(&ev))></textarea>
                {conflict(why_urgent)}
                <p class="field-error" role="alert" hidden=move || field_error("why_urgent")().is_none()>{field_error("why_urgent")}</p>
            </div>
            <div class="field">
                <label for=id("description")>"Description"</label>
                <textarea id=id("description") rows="2" maxlength="4000"
                    prop:value=move || description.mine.get() on:input=move |ev| description.mine.set(event_target_value(&ev))></textarea>
                {conflict(description)}
                <p class="field-error" role="alert" hidden=move || field_error("description")().is_none()>{field_error("description")}</p>
            </div>
            <div class="field">
                <label for=id("kind")>"Kind"</label>
                <select id=id("kind") prop:value=move || kind.mine.get() on:change=move |ev| kind.mine.set(event_target_value(&ev))>
                    {ObjectiveKind::ALL
                        .iter()
                        .map(|k| view! { <option value=k.as_str()>{k.label()}</option> })
                        .collect_view()}
                </select>
                {conflict(kind)}
                <p class="field-error" role="alert" hidden=move || field_error("kind")().is_none()>{field_error("kind")}</p>
            </div>
            <fieldset class="shared-units">
                <legend>"Shared with (a cross-functional objective)"</legend>
                <p class="hint">"A unit you tick is invited: it shares the objective once one of its leads accepts."</p>
                {units
                    .into_iter()
                    .filter(|u| u.id != owner_unit)
                    .map(|u| {
                        let unit = u.id;
                        view! {
                            <label class="check">
                                <input type="checkbox" prop:checked=move || shared.with(|s| s.contains(&unit))
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        shared.update(|s| {
                                            s.retain(|x| *x != unit);
                                            if on {
                                                s.push(unit);
                                            }
                                        });
                                        shared_text.mine.set(shared_units_text(&shared.get_untracked()));
                                    }/>
                                {u.path}
                                {move || invited(unit).then(|| view! { <span class="badge badge-invited">"invited"</span> })}
                            </label>
                        }
                    })
                    .collect_view()}
                {conflict(shared_text)}
                <p class="field-error" role="alert" hidden=move || field_error("shared_units")().is_none()>{field_error("shared_units")}</p>
            </fieldset>
            <div class="field">
                <label for=id("decision_owner_id")>"Who decides (for a shared objective)"</label>
                <select id=id("decision_owner_id") prop:value=move || decision_owner.mine.get()
                    on:change=move |ev| decision_owner.mine.set(event_target_value(&ev))>
                    <option value="">"Nobody named yet"</option>
                    {people
                        .into_iter()
                        .map(|p| view! { <option value=p.id.to_string()>{p.name}</option> })
                        .collect_view()}
                </select>
                {conflict(decision_owner)}
                <p class="field-error" role="alert" hidden=move || field_error("decision_owner_id")().is_none()>{field_error("decision_owner_id")}</p>
            </div>
            <div class="inline-form">
                <button type="button" class="button button-small button-primary" on:click=move |_| save() disabled=move || saving.get()>
                    "Save details"
                </button>
                <span class="hint" role="status">{move || saved.get().then_some("Saved.")}</span>
            </div>
        </fieldset>
    }
    .into_any()
}
