//! One objective on the board: its key results with progress, its
//! warnings, inline editing, a grip to drag it by (see `drag`), and the
//! keyboard menu that does everything a drag does.

use super::alignment::{link_objective, unlink_objective};
use super::drag::DropSpot;
use super::inline::{Edit, Inline, InlineText};
use super::menu::CardMenu;
use super::page::{BoardContext, DropTarget, notice_error, use_board};
use super::readiness::ReadinessEditor;
use super::{update_key_result, update_objective};
use crate::checkins::{CheckInDraft, CheckInForm, CheckInSaved};
use crate::components::{KeptText, kept};
use crate::domain::okr::{Fallback, MetricKind, ObjectiveKind, Status};
use crate::domain::permissions::Change;
use crate::domain::progress::format_number;
use crate::domain::progress::format_percent;
use crate::error::AppError;
use crate::objectives::{KeyResult, Objective};
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

/// Lets `child` support `target` (`add`) or no longer support it. The
/// board changes when the server agrees; a refusal (a circle, a cycle that
/// does not enclose this one) is said in the board's notice.
pub fn link(ctx: BoardContext, child: &str, target: &str, add: bool) {
    let linked = ctx.board.with_untracked(|b| {
        b.objectives
            .iter()
            .find(|o| o.id == child)
            .map(|o| o.supports.iter().any(|s| s == target))
    });
    if linked.is_none_or(|linked| linked == add) || child == target || target.is_empty() {
        return;
    }
    let (child, target) = (child.to_owned(), target.to_owned());
    spawn_local(async move {
        let saved = if add {
            link_objective(child, target).await
        } else {
            unlink_objective(child, target).await
        };
        match saved {
            Ok(saved) => {
                ctx.notice.set(None);
                ctx.saved(saved);
            }
            Err(error) => notice_error(ctx, &error),
        }
    });
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
        let keep = format!("title:{id}");
        let id = id.clone();
        let save_title = Callback::new(move |(edit, state): (Edit, Inline)| {
            save_edit(ctx, &id, "title", edit, state);
        });
        let kind = move || objective.with(|o| o.as_ref().map(|o| o.kind));
        // A draft made after the planning window is marked, not refused.
        let late = move || {
            objective.with(|o| {
                o.as_ref()
                    .is_some_and(|o| board.with(|b| o.drafted_late(&b.cycle)))
            })
        };
        let carried = move || {
            objective.with(|o| {
                o.as_ref()
                    .is_some_and(|o| o.status == Status::Draft && o.carried_from.is_some())
            })
        };
        let kind_class = move || match kind() {
            Some(ObjectiveKind::Aspirational) => "kind kind-aspirational",
            _ => "kind kind-committed",
        };
        view! {
            <header class="card-header">
                // A finger drags the card by its grip, and scrolls the board anywhere else.
                <span class="card-grip" aria-hidden="true" title="Drag to move"></span>
                <InlineText value=Signal::derive(title) version=Signal::derive(version) by=Signal::derive(by)
                    label=Signal::derive(move || format!("title of {}", title())) editable=may_edit
                    save=save_title class="card-title" keep/>
                <span class=kind_class>{move || kind().map(ObjectiveKind::label)}</span>
                {move || late().then(|| view! {
                    <LateBadge/>
                })}
                {move || carried().then(|| view! {
                    <span class="badge badge-carried" title="Carried over from the last cycle: its lessons are on its page.">"Carried over"</span>
                })}
                <a class="card-open" href=href
                    aria-label=move || format!("Open {}", title()) title="Open the objective page">"↗"</a>
            </header>
        }
    };
    let meta = move || {
        objective.get().map(|o| {
            let (unit, supports, shared, invited) = board.with(|b| {
                let supports: Vec<String> = o.supports.iter().map(|s| b.objective_title(s)).collect();
                let names = |units: &[i64]| units.iter().map(|u| b.unit_path(*u)).collect::<Vec<_>>();
                (b.unit_path(o.unit_id), supports, names(&o.shared_unit_ids), names(&o.invited_unit_ids))
            });
            view! {
                <p class="card-meta">
                    <span>{unit}</span>
                    {(!shared.is_empty()).then(|| view! { <span class="shared-with">"Shared with " {shared.join(", ")}</span> })}
                    {(!invited.is_empty()).then(|| view! { <span class="shared-with invited">"Invited: " {invited.join(", ")}</span> })}
                    {(!supports.is_empty()).then(|| view! { <span class="supports">"Supports: " {supports.join("; ")}</span> })}
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

    let drag = ctx.drag;
    let drag_id = id.clone();
    let data_id = id.clone();
    let press_id = id.clone();
    let align_id = id;
    view! {
        <article
            class="card"
            class:dragging=move || drag.card.with(|d| d.as_deref() == Some(drag_id.as_str()))
            aria-label=move || format!("Objective: {}", title())
            data-objective=data_id
            on:pointerdown=move |ev| drag.press(&ev, &press_id)
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
            // While another card is dragged, this zone links it to this objective (it supports this one).
            {move || {
                let shown = drag.card.with(|d| d.as_ref().is_some_and(|d| *d != align_id));
                let spot = DropSpot::Align(align_id.clone());
                let attr = spot.attr();
                shown.then(move || view! {
                    <div class="align-zone" data-drop=attr
                        class:drop-over=move || drag.over.with(|over| over.as_ref() == Some(&spot))>
                        "Drop here: it supports this objective"
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
    // The check-in form, kept by the board with what is typed and the value
    // it opened over (a colleague's check-in meanwhile is said beside it).
    let (checking_in, checking_from, draft) = kept(Some(format!("check-in:{id}")), || {
        (
            RwSignal::new(false),
            RwSignal::new(None::<f64>),
            CheckInDraft::new(),
        )
    });
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
                <input type="checkbox" checked=done prop:checked=done disabled=move || !may_update.get()
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
                    editable=may_update save=save("current") input_mode="decimal" keep=format!("kr:{id}:current")/>
                " / "
                <InlineText value=text(|k| format_number(k.target)) version by
                    label=Signal::derive(move || format!("target of {}", title.get()))
                    editable=may_define save=save("target") input_mode="decimal" keep=format!("kr:{id}:target")/>
                {unit}
            </span>
        }
        .into_any()
    };
    let readiness_note = move || {
        kr.with(|k| {
            k.as_ref()
                .filter(|k| !k.readiness.is_ready())
                .map(|k| match k.fallback {
                    None => "· not data-ready".to_owned(),
                    Some(Fallback::Delay) => {
                        "· delayed until the data exists: not counted in progress".to_owned()
                    }
                    Some(Fallback::Proxy) if !k.proxy_name.trim().is_empty() => {
                        format!("· measured by a proxy: {}", k.proxy_name.trim())
                    }
                    Some(f) => format!("· fallback: {}", f.label().to_lowercase()),
                })
        })
    };
    let closed_meanwhile = move || {
        objective.with(|o| {
            o.as_ref()
                .filter(|o| o.status == Status::Closed)
                .map(|o| {
                    format!(
                        "{} closed this objective meanwhile, so its check-ins have ended. What you wrote is kept here.",
                        o.updated_by
                    )
                })
        })
    };
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
                    editable=may_define save=save("title") class="kr-title" keep=format!("kr:{id}:title")/>
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
                    <button type="button" class="button-link"
                        aria-label=move || format!("Check in on {}", title.get())
                        on:click=move |_| {
                            if let Some(now) = kr.get_untracked() {
                                checking_from.set(Some(now.current));
                                draft.start(&now);
                            }
                            checking_in.set(true);
                        }>"Check in"</button>
                })}
            </p>
            {move || (checking_in.get() && closed_meanwhile().is_none()).then(|| view! {
                <div class="card-check-in">
                    {move || moved_meanwhile().map(|note| view! { <p class="inline-conflict" role="status">{note}</p> })}
                    <CheckInForm key_result=kr.get_untracked().unwrap_or_else(|| first.clone()) draft
                        on_saved=Callback::new(move |saved: CheckInSaved| {
                            checking_in.set(false);
                            ctx.saved(saved.objective);
                        })
                        on_cancel=Callback::new(move |_| checking_in.set(false))/>
                </div>
            })}
            {move || checking_in.get().then(closed_meanwhile).flatten().map(|note| {
                view! {
                    <div class="card-check-in" role="group" aria-label="Your check-in">
                        <p class="inline-conflict" role="status">{note}</p>
                        <KeptText typed=draft.typed()/>
                        <div class="form-actions">
                            <button type="button" class="button button-small"
                                on:click=move |_| checking_in.set(false)>"Discard mine"</button>
                        </div>
                    </div>
                }
            })}
            {move || may_define.get().then(|| view! { <ReadinessEditor kr by/> })}
        </li>
    }
    .into_any()
}

/// The mark of a draft made after the planning window (see
/// [`crate::objectives::Objective::drafted_late`]).
#[component]
pub fn LateBadge() -> impl IntoView {
    view! {
        <span class="badge badge-late" title="Drafted after the planning window closed. It can still be activated.">"Late"</span>
    }
}
