//! One objective on the board: its key results with progress, its
//! warnings, inline editing, drag and drop, and the keyboard menu that does
//! everything a drag does.

use super::page::{BoardContext, DropTarget, notice_error, use_board};
use super::{
    CreateKeyResult, KeyResult, Objective, format_number, update_key_result, update_objective,
};
use crate::components::{FieldError, FormAlert, last_error};
use crate::domain::okr::{MetricKind, ObjectiveKind, Status};
use crate::domain::permissions::{Change, next_statuses};
use crate::domain::progress::format_percent;
use crate::error::AppError;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Asks the server to move `id` to `target`; the board changes only when
/// the server agrees, so a refused move simply stays (snaps back) with a message.
pub fn move_objective(ctx: BoardContext, id: &str, target: DropTarget) {
    let Some(objective) = ctx
        .board
        .with_untracked(|b| b.objectives.iter().find(|o| o.id == id).cloned())
    else {
        return;
    };
    let (field, previous, value) = match target {
        DropTarget::Status(status) if status != objective.status => (
            "status",
            objective.status.as_str().to_owned(),
            status.as_str().to_owned(),
        ),
        DropTarget::Unit(unit) if unit != objective.unit_id => {
            ("unit_id", objective.unit_id.to_string(), unit.to_string())
        }
        _ => return,
    };
    save_objective(ctx, &objective, field, previous, value, move |error| {
        notice_error(ctx, &error)
    });
}

/// Aligns `child` under `parent` (or under nothing, with an empty parent).
pub fn align(ctx: BoardContext, child: &str, parent: &str) {
    let Some(objective) = ctx
        .board
        .with_untracked(|b| b.objectives.iter().find(|o| o.id == child).cloned())
    else {
        return;
    };
    if objective.id == parent || objective.parent_id.as_deref().unwrap_or("") == parent {
        return;
    }
    let previous = objective.parent_id.clone().unwrap_or_default();
    save_objective(
        ctx,
        &objective,
        "parent_id",
        previous,
        parent.to_owned(),
        move |error| notice_error(ctx, &error),
    );
}

/// Saves one field of an objective; `on_error` hears a refusal.
fn save_objective(
    ctx: BoardContext,
    objective: &Objective,
    field: &'static str,
    previous: String,
    value: String,
    on_error: impl Fn(AppError) + 'static,
) {
    let (id, version) = (objective.id.clone(), objective.version);
    spawn_local(async move {
        match update_objective(id, version, field.to_owned(), previous, value).await {
            Ok(saved) => {
                ctx.notice.set(None);
                ctx.saved(saved);
            }
            Err(error) => on_error(error),
        }
    });
}

/// Puts a saved key result into its objective on the board.
fn saved_key_result(ctx: BoardContext, kr: KeyResult) {
    ctx.board.update(|b| {
        if let Some(objective) = b.objectives.iter_mut().find(|o| o.id == kr.objective_id) {
            match objective.key_results.iter_mut().find(|k| k.id == kr.id) {
                Some(existing) if existing.version <= kr.version => *existing = kr,
                Some(_) => {}
                None => objective.key_results.push(kr),
            }
        }
    });
}

/// The editing state of one inline field.
#[derive(Clone, Copy)]
pub struct Inline {
    pub editing: RwSignal<bool>,
    pub error: RwSignal<Option<String>>,
}

impl Inline {
    fn fail(&self, error: AppError) {
        self.error.set(Some(match error {
            AppError::Invalid { message, .. } => message,
            other => other.to_string(),
        }));
    }
}

/// Text that becomes an input on click: Enter saves, Escape cancels. A
/// refused value stays in the input with the message beside it.
#[component]
fn InlineText(
    value: String,
    /// What the value is, for screen readers ("title of …").
    label: String,
    #[prop(into)] editable: Signal<bool>,
    save: Callback<(String, Inline)>,
    #[prop(optional)] class: &'static str,
    #[prop(optional)] input_mode: &'static str,
) -> impl IntoView {
    let state = Inline {
        editing: RwSignal::new(false),
        error: RwSignal::new(None),
    };
    let draft = RwSignal::new(value.clone());
    let shown = value.clone();
    let edit_label = format!("Edit {label}");
    let input_label = label.clone();
    let start = move |_| {
        draft.set(value.clone());
        state.error.set(None);
        state.editing.set(true);
    };
    let input_ref = NodeRef::<leptos::html::Input>::new();
    Effect::new(move |_| {
        if state.editing.get()
            && let Some(input) = input_ref.get()
        {
            let _ = input.focus();
            input.select();
        }
    });
    let on_key = move |ev: leptos::ev::KeyboardEvent| match ev.key().as_str() {
        "Enter" => {
            ev.prevent_default();
            save.run((draft.get_untracked(), state));
        }
        "Escape" => {
            state.editing.set(false);
            state.error.set(None);
        }
        _ => {}
    };
    let error_id = super::new_client_id();
    let error_ref = error_id.clone();
    view! {
        <span class=format!("inline {class}")>
            <Show
                when=move || state.editing.get()
                fallback=move || {
                    let shown = shown.clone();
                    if editable.get() {
                        view! {
                            <button type="button" class="inline-value" aria-label=edit_label.clone() on:click=start.clone()>
                                {shown}
                            </button>
                        }
                            .into_any()
                    } else {
                        view! { <span class="inline-value">{shown}</span> }.into_any()
                    }
                }
            >
                <input
                    node_ref=input_ref
                    class="inline-input"
                    aria-label=input_label.clone()
                    aria-describedby=error_ref.clone()
                    aria-invalid=move || state.error.with(Option::is_some).to_string()
                    inputmode=input_mode
                    prop:value=move || draft.get()
                    on:input=move |ev| draft.set(event_target_value(&ev))
                    on:keydown=on_key
                />
                <span class="inline-hint">"Enter saves · Esc cancels"</span>
            </Show>
            <span class="field-error" id=error_id role="alert" hidden=move || state.error.with(Option::is_none)>
                {move || state.error.get()}
            </span>
        </span>
    }
}

/// One objective, looked up by id: the card stays (with its open menu and
/// half-typed forms) while live changes to the objective flow into it.
#[component]
pub fn Card(id: String) -> impl IntoView {
    let ctx = use_board();
    let board = ctx.board;
    let objective = Memo::new({
        let id = id.clone();
        move |_| board.with(|b| b.objectives.iter().find(|o| o.id == id).cloned())
    });
    let title = move || objective.with(|o| o.as_ref().map(|o| o.title.clone()).unwrap_or_default());
    let may_edit = Signal::derive(move || {
        objective.with(|o| {
            o.as_ref()
                .is_some_and(|o| board.with(|b| b.may(Change::Edit, o)))
        })
    });

    let header = move || {
        objective.get().map(|o| {
            let save_title = {
                let objective = o.clone();
                Callback::new(move |(value, state): (String, Inline)| {
                    let previous = objective.title.clone();
                    save_objective(ctx, &objective, "title", previous, value, move |e| state.fail(e));
                })
            };
            let kind_class = match o.kind {
                ObjectiveKind::Committed => "kind kind-committed",
                ObjectiveKind::Aspirational => "kind kind-aspirational",
            };
            view! {
                <header class="card-header">
                    <InlineText value=o.title.clone() label=format!("title of {}", o.title) editable=may_edit
                        save=save_title class="card-title"/>
                    <span class=kind_class>{o.kind.label()}</span>
                </header>
            }
        })
    };
    let meta = move || {
        objective.get().map(|o| {
            let (unit, parent) = board.with(|b| {
                let parent = o.parent_id.as_ref().and_then(|p| {
                    b.objectives
                        .iter()
                        .find(|x| &x.id == p)
                        .map(|x| x.title.clone())
                });
                (b.unit_path(o.unit_id), parent)
            });
            view! {
                <p class="card-meta">
                    <span>{unit}</span>
                    {parent.map(|p| view! { <span class="supports">"Supports: " {p}</span> })}
                </p>
                <ProgressBar progress=o.progress() label=format!("Progress of {}", o.title)/>
            }
        })
    };
    let warnings = move || {
        let warnings = objective.with(|o| {
            o.as_ref()
                .map(|o| board.with(|b| b.warnings(o)))
                .unwrap_or_default()
        });
        (!warnings.is_empty()).then(|| {
            let items = warnings
                .iter()
                .map(|w| {
                    let explanation = w.explanation();
                    let tip = explanation.clone();
                    view! {
                        <li class="warning" tabindex="0" data-tip=tip>
                            {w.badge()}
                            <span class="sr-only">": " {explanation}</span>
                        </li>
                    }
                })
                .collect_view();
            view! { <ul class="warnings" aria-label="Warnings">{items}</ul> }
        })
    };
    let key_results = move || {
        objective.with(|o| {
            o.as_ref()
                .map(|o| o.key_results.clone())
                .unwrap_or_default()
        })
    };

    let drag_id = id.clone();
    let zone_id = id.clone();
    let data_id = id.clone();
    let start_id = id.clone();
    let align_id = id;
    let over_zone = RwSignal::new(false);
    view! {
        <article
            class="card"
            class:dragging=move || ctx.dragging.get().as_deref() == Some(drag_id.as_str())
            draggable="true"
            aria-label=move || format!("Objective: {}", title())
            data-objective=data_id
            on:dragstart={
                let id = start_id;
                move |ev: leptos::ev::DragEvent| {
                    if let Some(dt) = ev.data_transfer() {
                        let _ = dt.set_data("text/plain", &id);
                        dt.set_effect_allowed("move");
                    }
                    ctx.dragging.set(Some(id.clone()));
                }
            }
            on:dragend=move |_| ctx.dragging.set(None)
        >
            {header}
            {meta}
            <ul class="key-results" aria-label="Key results">
                <For
                    each=key_results
                    key=|kr| (kr.id.clone(), kr.version)
                    children=move |kr| view! { <KeyResultRow kr objective/> }
                />
            </ul>
            {warnings}
            // While another card is dragged, this zone aligns it under this objective.
            {move || {
                let shown = ctx.dragging.get().is_some_and(|d| d != zone_id);
                let id = align_id.clone();
                shown.then(move || view! {
                    <div
                        class="align-zone"
                        class:drop-over=move || over_zone.get()
                        on:dragover=move |ev: leptos::ev::DragEvent| {
                            ev.prevent_default();
                            ev.stop_propagation();
                            over_zone.set(true);
                        }
                        on:dragleave=move |_| over_zone.set(false)
                        on:drop=move |ev: leptos::ev::DragEvent| {
                            ev.prevent_default();
                            ev.stop_propagation();
                            over_zone.set(false);
                            let dragged = ev.data_transfer().and_then(|dt| dt.get_data("text/plain").ok()).filter(|d| !d.is_empty());
                            if let Some(dragged) = dragged.or_else(|| ctx.dragging.get_untracked()) {
                                align(ctx, &dragged, &id);
                            }
                            ctx.dragging.set(None);
                        }
                    >
                        "Drop here to align under this objective"
                    </div>
                })
            }}
            <CardMenu objective/>
        </article>
    }
}

#[component]
fn ProgressBar(progress: f64, label: String) -> impl IntoView {
    let percent = (progress.clamp(0.0, 1.0) * 100.0).round();
    view! {
        <div class="progress-line">
            <div class="progress" role="progressbar" aria-label=label aria-valuemin="0" aria-valuemax="100"
                aria-valuenow=percent.to_string()>
                <span style=format!("width: {percent}%")></span>
            </div>
            <span class="progress-value">{format_percent(progress)}</span>
        </div>
    }
}

#[component]
fn KeyResultRow(kr: KeyResult, objective: Memo<Option<Objective>>) -> impl IntoView {
    let ctx = use_board();
    let board = ctx.board;
    let owner_id = kr.owner_id;
    let may = move |change: Change| {
        objective.with(|o| o.as_ref().is_some_and(|o| board.with(|b| b.may(change, o))))
    };
    let may_define = Signal::derive(move || may(Change::Edit));
    let may_update = Signal::derive(move || may(Change::UpdateKeyResult { owner: owner_id }));
    let owner = board.with_untracked(|b| b.person_name(kr.owner_id));
    let save = |field: &'static str, kr: &KeyResult| {
        let kr = kr.clone();
        Callback::new(move |(value, state): (String, Inline)| {
            let previous = match field {
                "title" => kr.title.clone(),
                "target" => format_number(kr.target),
                _ => format_number(kr.current),
            };
            let (id, version) = (kr.id.clone(), kr.version);
            spawn_local(async move {
                match update_key_result(id, version, field.to_owned(), previous, value).await {
                    Ok(saved) => saved_key_result(ctx, saved),
                    Err(error) => state.fail(error),
                }
            });
        })
    };
    let unit = if kr.unit_label.is_empty() {
        String::new()
    } else {
        format!(" {}", kr.unit_label)
    };
    let numbers = if kr.metric == MetricKind::Milestone {
        let done = kr.current >= 1.0;
        let (id, version) = (kr.id.clone(), kr.version);
        let label = format!("{} done", kr.title);
        view! {
            <label class="milestone">
                <input type="checkbox" checked=done disabled=move || !may_update.get() aria-label=label
                    on:change=move |ev| {
                        let value = if event_target_checked(&ev) { "1" } else { "0" };
                        let previous = if done { "1" } else { "0" };
                        let (id, version) = (id.clone(), version);
                        spawn_local(async move {
                            match update_key_result(id, version, "current".into(), previous.into(), value.into()).await {
                                Ok(saved) => saved_key_result(ctx, saved),
                                Err(error) => notice_error(ctx, &error),
                            }
                        });
                    }/>
                {if done { "Done" } else { "Not done" }}
            </label>
        }
            .into_any()
    } else {
        view! {
            <span class="kr-numbers">
                <InlineText value=format_number(kr.current) label=format!("current value of {}", kr.title)
                    editable=may_update save=save("current", &kr) input_mode="decimal"/>
                " / "
                <InlineText value=format_number(kr.target) label=format!("target of {}", kr.title)
                    editable=may_define save=save("target", &kr) input_mode="decimal"/>
                {unit}
            </span>
        }
            .into_any()
    };
    let not_ready = !kr.readiness.is_ready();
    view! {
        <li class="key-result">
            <div class="kr-line">
                <InlineText value=kr.title.clone() label=format!("key result {}", kr.title) editable=may_define
                    save=save("title", &kr) class="kr-title"/>
                {numbers}
            </div>
            <div class="kr-bar">
                <div class="progress progress-small" role="progressbar" aria-label=format!("Progress of {}", kr.title)
                    aria-valuemin="0" aria-valuemax="100" aria-valuenow=(kr.progress() * 100.0).round().to_string()>
                    <span style=format!("width: {}%", (kr.progress() * 100.0).round())></span>
                </div>
            </div>
            <p class="kr-meta">
                {owner}
                {not_ready.then(|| view! {
                    <span class="readiness">
                        {kr.fallback.map_or("· not data-ready".to_owned(), |f| format!("· fallback: {}", f.label().to_lowercase()))}
                    </span>
                })}
            </p>
        </li>
    }
}

/// Everything a drag does, from the keyboard: status, unit, alignment; and
/// the form that adds a key result.
#[component]
fn CardMenu(objective: Memo<Option<Objective>>) -> impl IntoView {
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
