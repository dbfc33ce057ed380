//! The data-readiness checklist of a key result on its card: five boxes,
//! the fallback while it is not ready, and the proxy metric's name.

use super::card::saved_key_result;
use super::inline::{ConflictNote, FormField};
use super::page::use_board;
use super::update_key_result;
use crate::components::{details_open, kept, opened_once};
use crate::domain::okr::Fallback;
use crate::error::AppError;
use crate::objectives::KeyResult;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// The data-readiness checklist of a key result, and its fallback while it
/// is not ready, behind a disclosure. A board has one per key result: the
/// form and its fields are made when the checklist is first opened (see
/// [`ReadinessForm`]), and only whether it is open is kept until then.
#[component]
pub(super) fn ReadinessEditor(kr: Memo<Option<KeyResult>>, by: Signal<String>) -> impl IntoView {
    let Some((id, title)) =
        kr.with_untracked(|k| k.as_ref().map(|k| (k.id.clone(), k.title.clone())))
    else {
        return ().into_any();
    };
    // Kept by the board (the editor survives its card moving column).
    let open = kept(Some(format!("readiness-open:{id}")), || {
        RwSignal::new(false)
    });
    let built = opened_once(open);
    view! {
        <details class="kr-readiness" prop:open=move || open.get() on:toggle=move |ev| open.set(details_open(&ev))>
            <summary aria-label=format!("Data readiness of {title}")>"Data readiness"</summary>
            {move || built.get().then(|| view! { <ReadinessForm kr by/> })}
        </details>
    }
    .into_any()
}

const BOXES: [(&str, &str); 5] = [
    ("source_identified", "The data source is identified"),
    ("baseline_known", "The baseline is known"),
    ("data_owner", "Someone owns the data"),
    ("update_frequency", "It is updated often enough"),
    ("reliable", "The data is reliable"),
];

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

/// The checklist's form. Each box, the fallback and the proxy is a
/// [`FormField`]: untouched ones follow the board; saving sends only the
/// touched ones, each against the value it started from, so a colleague's
/// change to another box stays and a change to the same box is shown, not
/// overwritten.
#[component]
fn ReadinessForm(kr: Memo<Option<KeyResult>>, by: Signal<String>) -> impl IntoView {
    let ctx = use_board();
    let Some(initial) = kr.get_untracked() else {
        return ().into_any();
    };
    // Kept by the board, so it follows the key result through the board,
    // not through the card.
    let board = ctx.board;
    let kr_id = initial.id.clone();
    let field = move |name: &'static str| {
        let kr_id = kr_id.clone();
        let live = move || {
            board.with(|b| {
                b.objectives
                    .iter()
                    .flat_map(|o| &o.key_results)
                    .find(|k| k.id == kr_id)
                    .map(|k| value_of(k, name))
            })
        };
        (name, FormField::follow(live))
    };
    let (fields, opened_at, error, saving) =
        kept(Some(format!("readiness:{}", initial.id)), || {
            let fields: [(&'static str, FormField); 7] = [
                field(BOXES[0].0),
                field(BOXES[1].0),
                field(BOXES[2].0),
                field(BOXES[3].0),
                field(BOXES[4].0),
                field("fallback"),
                field("proxy_name"),
            ];
            (
                fields,
                RwSignal::new(initial.version),
                RwSignal::new(None::<String>),
                RwSignal::new(false),
            )
        });
    let (fallback, proxy) = (fields[5].1, fields[6].1);
    let id = initial.id.clone();
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
                        opened_at.get_untracked(),
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
    let title = initial.title;
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
    view! {
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
    }
    .into_any()
}
