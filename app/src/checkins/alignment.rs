//! The objective page's alignment and governance: what it supports (add and
//! remove links), what supports it, and for a shared objective who decides,
//! which units share it or are invited, and what each commits.

use super::{ObjectiveLink, ObjectiveView, ShareRow, ShareState};
use crate::board::MAX_COMMITMENT;
use crate::board::alignment::{
    answer_invitation, link_objective, set_commitment, unlink_objective,
};
use crate::domain::permissions::{self, Change};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// An error's sentence, for beside the field it belongs to.
fn sentence(error: AppError) -> String {
    match error {
        AppError::Invalid { message, .. } => message,
        other => other.to_string(),
    }
}

fn link_item(link: &ObjectiveLink) -> impl IntoView + use<> {
    let place = match &link.cycle {
        Some(cycle) => format!(" · {} · {cycle}", link.unit),
        None => format!(" · {}", link.unit),
    };
    view! {
        <a href=format!("/objectives/{}", link.id)>{link.title.clone()}</a>
        <span class="muted">{place}</span>
    }
}

/// What the objective supports and what supports it; its editors add and
/// remove links here, as on the board.
#[component]
pub fn AlignmentPanel(view: ObjectiveView, reload: Callback<()>) -> impl IntoView {
    let may_edit =
        permissions::check(&view.viewer.actor(), Change::Edit, &view.objective.scope()).is_ok();
    let id = StoredValue::new(view.objective.id.clone());
    let title = view.objective.title.clone();
    let error = RwSignal::new(None::<String>);
    let choice = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let change = move |target: String, add: bool| {
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let id = id.get_value();
            let done = if add {
                link_objective(id, target).await
            } else {
                unlink_objective(id, target).await
            };
            busy.set(false);
            match done {
                Ok(_) => reload.run(()),
                Err(e) => error.set(Some(sentence(e))),
            }
        });
    };
    let supports = view
        .supports
        .iter()
        .map(|link| {
            let target = link.id.clone();
            let label = format!("{title} no longer supports {}", link.title);
            view! {
                <li>
                    {link_item(link)}
                    {may_edit.then(|| view! {
                        <button type="button" class="button-link" aria-label=label
                            on:click=move |_| change(target.clone(), false)>"Remove"</button>
                    })}
                </li>
            }
        })
        .collect_view();
    let children = view
        .children
        .iter()
        .map(|link| view! { <li>{link_item(link)}</li> })
        .collect_view();
    let options = view
        .candidates
        .iter()
        .map(|c| {
            let label = match &c.cycle {
                Some(cycle) => format!("{} ({cycle})", c.title),
                None => c.title.clone(),
            };
            view! { <option value=c.id.clone()>{label}</option> }
        })
        .collect_view();
    let nothing = view.supports.is_empty() && view.children.is_empty();
    view! {
        {(!view.supports.is_empty()).then(|| view! {
            <p>"Supports:"</p>
            <ul class="link-list" aria-label="Objectives it supports">{supports}</ul>
        })}
        {(!view.children.is_empty()).then(|| view! {
            <p>"Supported by:"</p>
            <ul class="link-list" aria-label="Objectives supporting it">{children}</ul>
        })}
        {nothing.then(|| view! { <p class="muted">"Not aligned to another objective yet."</p> })}
        {(may_edit && !view.candidates.is_empty()).then(|| view! {
            <div class="field">
                <label for="link-choice">"Also supports"</label>
                <div class="inline-form">
                    <select id="link-choice" prop:value=move || choice.get()
                        on:change=move |ev| choice.set(event_target_value(&ev))>
                        <option value="">"Choose an objective…"</option>
                        {options}
                    </select>
                    <button type="button" class="button button-small" disabled=move || busy.get()
                        on:click=move |_| {
                            let target = choice.get_untracked();
                            if target.is_empty() {
                                error.set(Some("Choose the objective it supports.".into()));
                            } else {
                                change(target, true);
                            }
                        }>"Add link"</button>
                </div>
                <p class="field-error" role="alert" hidden=move || error.with(Option::is_none)>{move || error.get()}</p>
            </div>
        })}
    }
}

/// Who decides for a shared objective, and each unit's place in it: the
/// owner, units that accepted, units invited (a lead of theirs answers
/// here), and what each commits.
#[component]
pub fn SharedPanel(view: ObjectiveView, reload: Callback<()>) -> impl IntoView {
    if view.shares.is_empty() {
        return ().into_any();
    }
    let actor = view.viewer.actor();
    let status = view.objective.status;
    let id = StoredValue::new(view.objective.id.clone());
    let decider = match view.decision_owner.clone() {
        Some(name) => view! { <p>"Who decides: " <strong>{name}</strong></p> }.into_any(),
        None => view! {
            <p class="warning-text">"Nobody is named to decide yet. Name the decision owner in the objective's details on the board: it cannot be activated before."</p>
        }
        .into_any(),
    };
    let rows = view
        .shares
        .into_iter()
        .map(|row| {
            let may_answer = row.state == ShareState::Invited
                && permissions::check_answer(&actor, row.unit_id, status).is_ok();
            let may_commit = permissions::check_commit(&actor, row.unit_id, status).is_ok();
            view! { <ShareLine row id=id.get_value() may_answer may_commit reload/> }
        })
        .collect_view();
    view! {
        <section class="panel shared-panel" aria-labelledby="shared-heading">
            <h2 id="shared-heading">"Shared objective"</h2>
            {decider}
            <ul class="share-list">{rows}</ul>
        </section>
    }
    .into_any()
}

#[component]
fn ShareLine(
    row: ShareRow,
    id: String,
    may_answer: bool,
    may_commit: bool,
    reload: Callback<()>,
) -> impl IntoView {
    let ShareRow {
        unit_id,
        path,
        state,
        commitment,
    } = row;
    let id = StoredValue::new(id);
    let previous = StoredValue::new(commitment.clone().unwrap_or_default());
    let typed = RwSignal::new(commitment.clone().unwrap_or_default());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let (badge, badge_class) = match state {
        ShareState::Owner => ("owner", "badge"),
        ShareState::Sharing => ("sharing", "badge badge-sharing"),
        ShareState::Invited => ("invited", "badge badge-invited"),
    };
    let answer = move |accept: bool| {
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let done = answer_invitation(id.get_value(), unit_id, accept).await;
            busy.set(false);
            match done {
                Ok(_) => reload.run(()),
                Err(e) => error.set(Some(sentence(e))),
            }
        });
    };
    let commit = move || {
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let done = set_commitment(
                id.get_value(),
                unit_id,
                previous.get_value(),
                typed.get_untracked(),
            )
            .await;
            busy.set(false);
            match done {
                Ok(_) => reload.run(()),
                Err(e) => error.set(Some(sentence(e))),
            }
        });
    };
    let field = format!("commitment-{unit_id}");
    let shown = match commitment {
        Some(text) => view! { <p class="commitment">"Commits: " {text}</p> }.into_any(),
        None => {
            view! { <p class="commitment muted">"Has not said what it commits."</p> }.into_any()
        }
    };
    view! {
        <li class="share-line" data-unit=unit_id>
            <p class="share-unit"><strong>{path.clone()}</strong> " " <span class=badge_class>{badge}</span></p>
            {shown}
            {may_answer.then(|| view! {
                <div class="inline-form">
                    <button type="button" class="button button-small button-primary" disabled=move || busy.get()
                        aria-label=format!("Accept for {path}") on:click=move |_| answer(true)>"Accept"</button>
                    <button type="button" class="button button-small" disabled=move || busy.get()
                        on:click=move |_| answer(false)>"Decline"</button>
                </div>
            })}
            {may_commit.then(|| view! {
                <form class="inline-form" on:submit=move |ev| {
                    ev.prevent_default();
                    commit();
                }>
                    <label class="sr-only" for=field.clone()>"What this unit commits"</label>
                    <input id=field type="text" maxlength=MAX_COMMITMENT.to_string()
                        placeholder="e.g. two engineers for six weeks"
                        prop:value=move || typed.get() on:input=move |ev| typed.set(event_target_value(&ev))/>
                    <button type="submit" class="button button-small" disabled=move || busy.get()>"Save commitment"</button>
                </form>
            })}
            <p class="field-error" role="alert" hidden=move || error.with(Option::is_none)>{move || error.get()}</p>
        </li>
    }
}

/// What happened to the objective beyond its fields: links, invitations
/// and their answers, merges; newest first.
#[component]
pub fn HistoryPanel(lines: Vec<super::HistoryLine>) -> impl IntoView {
    (!lines.is_empty()).then(|| {
        view! {
            <section class="panel history-panel" aria-labelledby="history-heading">
                <h2 id="history-heading">"History"</h2>
                <ul class="history">
                    {lines
                        .into_iter()
                        .map(|line| view! { <li><span class="muted">{line.on}</span> " " {line.text}</li> })
                        .collect_view()}
                </ul>
            </section>
        }
    })
}
