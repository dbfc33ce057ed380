//! One objective on the board: its key results with progress, its
//! warnings, inline editing, drag and drop, and the keyboard menu that does
//! everything a drag does.

use super::inline::{ConflictNote, Edit, FormField, Inline, InlineText};
use super::menu::CardMenu;
use super::page::{BoardContext, DropTarget, notice_error, use_board};
use super::{KeyResult, Objective, format_number, update_key_result, update_objective};
use crate::checkins::{CheckInForm, CheckInSaved};
use crate::domain::okr::{Fallback, MetricKind, ObjectiveKind};
use crate::domain::permissions::Change;
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

/// Saves one field of objective `id` from an inline editor, closing it on success.
fn save_edit(ctx: BoardContext, id: &str, field: &'static str, edit: Edit, state: Inline) {
    let id = id.to_owned();
    spawn_local(async move {
        match update_objective(
            id,
            edit.version,
            field.to_owned(),
            edit.previous,
            edit.value,
        )
        .await
        {
            Ok(saved) => {
                ctx.notice.set(None);
                ctx.saved(saved);
                state.done();
            }
            Err(error) => state.fail(error),
        }
    });
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
pub(super) fn saved_key_result(ctx: BoardContext, kr: KeyResult) {
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
    let version = move || objective.with(|o| o.as_ref().map_or(0, |o| o.version));
    let by =
        move || objective.with(|o| o.as_ref().map(|o| o.updated_by.clone()).unwrap_or_default());
    let may_edit = Memo::new(move |_| {
        objective.with(|o| {
            o.as_ref()
                .is_some_and(|o| board.with(|b| b.may(Change::Edit, o)))
        })
    });

    // Built once: the title's editor stays open (with what is typed) while
    // live changes to this objective flow in.
    let header = {
        let href = format!("/objectives/{id}");
        let id = id.clone();
        let save_title = Callback::new(move |(edit, state): (Edit, Inline)| {
            save_edit(ctx, &id, "title", edit, state);
        });
        let kind = move || objective.with(|o| o.as_ref().map(|o| o.kind));
        let kind_class = move || match kind() {
            Some(ObjectiveKind::Aspirational) => "kind kind-aspirational",
            _ => "kind kind-committed",
        };
        view! {
            <header class="card-header">
                <InlineText value=Signal::derive(title) version=Signal::derive(version) by=Signal::derive(by)
                    label=Signal::derive(move || format!("title of {}", title())) editable=may_edit
                    save=save_title class="card-title"/>
                <span class=kind_class>{move || kind().map(ObjectiveKind::label)}</span>
                <a class="card-open" href=href draggable="false"
                    aria-label=move || format!("Open {}", title()) title="Open the objective page">"↗"</a>
            </header>
        }
    };
    let meta = move || {
        objective.get().map(|o| {
            let (unit, parent, shared) = board.with(|b| {
                let parent = o.parent_id.as_ref().and_then(|p| {
                    b.objectives
                        .iter()
                        .find(|x| &x.id == p)
                        .map(|x| x.title.clone())
                });
                let shared: Vec<String> = o.shared_unit_ids.iter().map(|u| b.unit_path(*u)).collect();
                (b.unit_path(o.unit_id), parent, shared)
            });
            view! {
                <p class="card-meta">
                    <span>{unit}</span>
                    {(!shared.is_empty()).then(|| view! { <span class="shared-with">"Shared with " {shared.join(", ")}</span> })}
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
                .map(|o| {
                    o.key_results
                        .iter()
                        .map(|kr| kr.id.clone())
                        .collect::<Vec<_>>()
                })
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
                // Keyed by id alone: a row (and any editor open in it) stays
                // while the key result changes.
                <For
                    each=key_results
                    key=|id| id.clone()
                    children=move |id| view! { <KeyResultRow id objective/> }
                />
            </ul>
            {warnings}
            <super::closing::CardClosing objective/>
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
    .into_any()
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
fn KeyResultRow(id: String, objective: Memo<Option<Objective>>) -> impl IntoView {
    let ctx = use_board();
    let board = ctx.board;
    let kr = Memo::new({
        let id = id.clone();
        move |_| {
            objective.with(|o| {
                o.as_ref()
                    .and_then(|o| o.key_results.iter().find(|k| k.id == id).cloned())
            })
        }
    });
    let Some(first) = kr.get_untracked() else {
        return ().into_any();
    };
    let owner_id = move || kr.with(|k| k.as_ref().map_or(first.owner_id, |k| k.owner_id));
    let may = move |change: Change| {
        objective.with(|o| o.as_ref().is_some_and(|o| board.with(|b| b.may(change, o))))
    };
    // Memos, not derived signals: what reads them re-renders only when the
    // permission changes, not on every live update.
    let may_define = Memo::new(move |_| may(Change::Edit));
    let may_update = Memo::new(move |_| may(Change::UpdateKeyResult { owner: owner_id() }));
    let may_check_in = Memo::new(move |_| may(Change::CheckIn { owner: owner_id() }));
    let checking_in = RwSignal::new(false);
    let overdue = Memo::new(move |_| {
        objective.with(|o| {
            o.as_ref().is_some_and(|o| {
                kr.with(|k| {
                    k.as_ref()
                        .is_some_and(|k| board.with(|b| k.is_overdue(&b.cycle, o.status, &b.today)))
                })
            })
        })
    });
    let text = move |read: fn(&KeyResult) -> String| {
        Signal::derive(move || kr.with(|k| k.as_ref().map(read).unwrap_or_default()))
    };
    let title = text(|k| k.title.clone());
    let version = Signal::derive(move || kr.with(|k| k.as_ref().map_or(0, |k| k.version)));
    let by = Signal::derive(move || {
        objective.with(|o| o.as_ref().map(|o| o.updated_by.clone()).unwrap_or_default())
    });
    let progress = move || kr.with(|k| k.as_ref().map_or(0.0, KeyResult::progress));
    let owner = move || board.with(|b| b.person_name(owner_id()));
    let save = {
        let id = id.clone();
        move |field: &'static str| {
            let id = id.clone();
            Callback::new(move |(edit, state): (Edit, Inline)| {
                let id = id.clone();
                spawn_local(async move {
                    match update_key_result(
                        id,
                        edit.version,
                        field.to_owned(),
                        edit.previous,
                        edit.value,
                    )
                    .await
                    {
                        Ok(saved) => {
                            saved_key_result(ctx, saved);
                            state.done();
                        }
                        Err(error) => state.fail(error),
                    }
                });
            })
        }
    };
    let unit = if first.unit_label.is_empty() {
        String::new()
    } else {
        format!(" {}", first.unit_label)
    };
    let numbers = if first.metric == MetricKind::Milestone {
        let done = move || kr.with(|k| k.as_ref().is_some_and(|k| k.current >= 1.0));
        let id = id.clone();
        view! {
            <label class="milestone">
                <input type="checkbox" prop:checked=done disabled=move || !may_update.get()
                    aria-label=move || format!("{} done", title.get())
                    on:change=move |ev| {
                        let value = if event_target_checked(&ev) { "1" } else { "0" };
                        let previous = if done() { "1" } else { "0" };
                        let (id, version) = (id.clone(), version.get_untracked());
                        spawn_local(async move {
                            match update_key_result(id, version, "current".into(), previous.into(), value.into()).await {
                                Ok(saved) => saved_key_result(ctx, saved),
                                Err(error) => notice_error(ctx, &error),
                            }
                        });
                    }/>
                {move || if done() { "Done" } else { "Not done" }}
            </label>
        }
            .into_any()
    } else {
        view! {
            <span class="kr-numbers">
                <InlineText value=text(|k| format_number(k.current)) version by
                    label=Signal::derive(move || format!("current value of {}", title.get()))
                    editable=may_update save=save("current") input_mode="decimal"/>
                " / "
                <InlineText value=text(|k| format_number(k.target)) version by
                    label=Signal::derive(move || format!("target of {}", title.get()))
                    editable=may_define save=save("target") input_mode="decimal"/>
                {unit}
            </span>
        }
        .into_any()
    };
    let readiness_note = move || {
        kr.with(|k| {
            k.as_ref().filter(|k| !k.readiness.is_ready()).map(|k| {
                k.fallback.map_or("· not data-ready".to_owned(), |f| {
                    format!("· fallback: {}", f.label().to_lowercase())
                })
            })
        })
    };
    // The value when a check-in form opened: a colleague's check-in while it
    // is open is said beside it.
    let checking_from = RwSignal::new(None::<f64>);
    let moved_meanwhile = move || {
        let from = checking_from.get()?;
        let now = kr.with(|k| k.as_ref().map(|k| k.current))?;
        (now != from).then(|| {
            format!(
                "{} changed the value to {} meanwhile.",
                by.get(),
                format_number(now)
            )
        })
    };
    view! {
        <li class="key-result">
            <div class="kr-line">
                <InlineText value=title version by
                    label=Signal::derive(move || format!("key result {}", title.get()))
                    editable=may_define save=save("title") class="kr-title"/>
                {numbers}
            </div>
            <div class="kr-bar">
                <div class="progress progress-small" role="progressbar"
                    aria-label=move || format!("Progress of {}", title.get())
                    aria-valuemin="0" aria-valuemax="100" aria-valuenow=move || (progress() * 100.0).round().to_string()>
                    <span style=move || format!("width: {}%", (progress() * 100.0).round())></span>
                </div>
            </div>
            <p class="kr-meta">
                {owner}
                {move || readiness_note().map(|note| view! { <span class="readiness">{note}</span> })}
                {move || overdue.get().then(|| view! {
                    <span class="overdue-badge" title="No check-in for more than 7 days">"Overdue"</span>
                })}
                {move || (may_check_in.get() && !checking_in.get()).then(|| view! {
                    <button type="button" class="button-link" draggable="false"
                        aria-label=move || format!("Check in on {}", title.get())
                        on:click=move |_| {
                            checking_from.set(kr.with_untracked(|k| k.as_ref().map(|k| k.current)));
                            checking_in.set(true);
                        }>"Check in"</button>
                })}
            </p>
            {move || checking_in.get().then(|| view! {
                <div class="card-check-in">
                    {move || moved_meanwhile().map(|note| view! { <p class="inline-conflict" role="status">{note}</p> })}
                    <CheckInForm key_result=kr.get_untracked().unwrap_or_else(|| first.clone())
                        on_saved=Callback::new(move |saved: CheckInSaved| {
                            ctx.saved(saved.objective);
                            checking_in.set(false);
                        })
                        on_cancel=Callback::new(move |_| checking_in.set(false))/>
                </div>
            })}
            {move || may_define.get().then(|| view! { <ReadinessEditor kr by/> })}
        </li>
    }
    .into_any()
}

/// The data-readiness checklist of a key result, and its fallback while it
/// is not ready. Each box, the fallback and the proxy is a [`FormField`]:
/// untouched ones follow the board; saving sends only the touched ones,
/// each against the value it started from, so a colleague's change to
/// another box stays and a change to the same box is shown, not overwritten.
#[component]
fn ReadinessEditor(kr: Memo<Option<KeyResult>>, by: Signal<String>) -> impl IntoView {
    let ctx = use_board();
    const BOXES: [(&str, &str); 5] = [
        ("source_identified", "The data source is identified"),
        ("baseline_known", "The baseline is known"),
        ("data_owner", "Someone owns the data"),
        ("update_frequency", "It is updated often enough"),
        ("reliable", "The data is reliable"),
    ];
    let Some(initial) = kr.get_untracked() else {
        return ().into_any();
    };
    fn value_of(kr: &KeyResult, field: &str) -> String {
        match field {
            "source_identified" => kr.readiness.source_identified.to_string(),
            "baseline_known" => kr.readiness.baseline_known.to_string(),
            "data_owner" => kr.readiness.data_owner.to_string(),
            "update_frequency" => kr.readiness.update_frequency.to_string(),
            "reliable" => kr.readiness.reliable.to_string(),
            "fallback" => kr
                .fallback
                .map(|f| f.as_str().to_owned())
                .unwrap_or_default(),
            _ => kr.proxy_name.clone(),
        }
    }
    let field = |name: &'static str| {
        (
            name,
            FormField::follow(move || kr.with(|k| k.as_ref().map(|k| value_of(k, name)))),
        )
    };
    let fields: [(&'static str, FormField); 7] = [
        field(BOXES[0].0),
        field(BOXES[1].0),
        field(BOXES[2].0),
        field(BOXES[3].0),
        field(BOXES[4].0),
        field("fallback"),
        field("proxy_name"),
    ];
    let (fallback, proxy) = (fields[5].1, fields[6].1);
    let error = RwSignal::new(None::<String>);
    let saving = RwSignal::new(false);
    let (id, opened_at) = (initial.id.clone(), initial.version);
    let save = {
        let id = id.clone();
        move || {
            let changes: Vec<(&'static str, FormField, String, String)> = fields
                .iter()
                .map(|(name, f)| (*name, *f, f.base.get_untracked(), f.mine.get_untracked()))
                .filter(|(_, _, previous, value)| previous.trim() != value.trim())
                .collect();
            saving.set(true);
            error.set(None);
            let id = id.clone();
            spawn_local(async move {
                for (name, field, previous, value) in changes {
                    match update_key_result(
                        id.clone(),
                        opened_at,
                        name.to_owned(),
                        previous,
                        value.clone(),
                    )
                    .await
                    {
                        Ok(saved) => {
                            field.base.set(value);
                            saved_key_result(ctx, saved);
                        }
                        Err(e) => {
                            error.set(Some(match e {
                                AppError::Invalid { message, .. } => message,
                                other => other.to_string(),
                            }));
                            break;
                        }
                    }
                }
                saving.set(false);
            });
        }
    };
    let conflicted = move || fields.iter().any(|(_, f)| f.theirs().is_some());
    let keep_mine = {
        let save = save.clone();
        move |()| {
            for (_, f) in &fields {
                if f.theirs().is_some() {
                    f.keep_mine();
                }
            }
            save();
        }
    };
    let take_theirs = move |()| {
        for (_, f) in &fields {
            if f.theirs().is_some() {
                f.take_theirs();
            }
        }
    };
    let boxes = BOXES
        .iter()
        .zip(fields)
        .map(|((_, label), (_, on))| {
            view! {
                <label class="check">
                    <input type="checkbox" prop:checked=move || on.mine.get() == "true"
                        on:change=move |ev| on.mine.set(event_target_checked(&ev).to_string())/>
                    {*label}
                </label>
            }
        })
        .collect_view();
    let title = initial.title.clone();
    view! {
        <details class="kr-readiness">
            <summary aria-label=format!("Data readiness of {title}")>"Data readiness"</summary>
            <fieldset class="readiness-form">
                <legend class="sr-only">{format!("Data readiness of {title}")}</legend>
                {boxes}
                <label class="field-label" for=format!("fallback-{id}")>"Until it is ready"</label>
                <select id=format!("fallback-{id}") prop:value=move || fallback.mine.get()
                    on:change=move |ev| fallback.mine.set(event_target_value(&ev))>
                    <option value="">"No fallback chosen"</option>
                    {Fallback::ALL
                        .iter()
                        .map(|f| view! { <option value=f.as_str()>{f.label()}</option> })
                        .collect_view()}
                </select>
                <label class="field-label" for=format!("proxy-{id}")>"Proxy metric (when using one)"</label>
                <input id=format!("proxy-{id}") maxlength="120" prop:value=move || proxy.mine.get()
                    on:input=move |ev| proxy.mine.set(event_target_value(&ev))/>
                <ConflictNote
                    message=Signal::derive(move || {
                        conflicted().then(|| format!("{} changed the readiness meanwhile.", by.get()))
                    })
                    keep=Callback::new(keep_mine) take=Callback::new(take_theirs)/>
                <p class="field-error" role="alert" hidden=move || error.with(Option::is_none)>{move || error.get()}</p>
                <button type="button" class="button button-small" on:click=move |_| save() disabled=move || saving.get()>
                    "Save readiness"
                </button>
            </fieldset>
        </details>
    }
    .into_any()
}
