//! A closed objective's closing note on its page: the score judged against
//! the objective's kind, what went well and what did not, the lessons, the
//! tags — editable by its author and the ambassador, with every earlier
//! version kept and shown.

use super::closing_form::{Closing, ClosingForm};
use super::{ClosingNote, Revision, score_class};
use crate::domain::closing::{format_score, judgement};
use crate::domain::okr::ObjectiveKind;
use leptos::prelude::*;

#[component]
pub fn ClosingNotePanel(note: ClosingNote, may_edit: bool) -> impl IntoView {
    let note = RwSignal::new(note);
    let editing = RwSignal::new(false);
    let body = move || {
        let n = note.get();
        let edited = (n.version > 1).then(|| {
            format!(
                " · edited by {} on {}",
                n.updated_by,
                crate::checkins::short_day(&n.updated_on)
            )
        });
        view! {
            <p class=score_class(n.kind, n.score)>
                <span class="score-number">{format_score(n.score)}</span>
                <span class="score-words">{n.verdict_words()}</span>
            </p>
            <p class="muted">
                {format!("Closed by {} on {}", n.author, crate::checkins::short_day(&n.closed_on))}
                {edited}
            </p>
            <NoteTexts went_well=n.went_well.clone() went_badly=n.went_badly.clone() lessons=n.lessons.clone()/>
            <Tags tags=n.tags.clone()/>
            {(!n.revisions.is_empty()).then(|| view! { <History kind=n.kind revisions=n.revisions.clone()/> })}
        }
    };
    view! {
        <section class="panel closing-note" aria-labelledby="closing-heading">
            <header class="section-head">
                <h2 id="closing-heading">"Closing note"</h2>
                {move || (may_edit && !editing.get()).then(|| view! {
                    <button type="button" class="button button-small" on:click=move |_| editing.set(true)>
                        "Edit the note"
                    </button>
                })}
            </header>
            <Show when=move || editing.get() fallback=body>
                <ClosingForm closing=Closing::Edit(note.get_untracked())
                    on_edited=Callback::new(move |saved| {
                        note.set(saved);
                        editing.set(false);
                    })
                    on_cancel=Callback::new(move |_| editing.set(false))/>
            </Show>
        </section>
    }
}

#[component]
fn NoteTexts(went_well: String, went_badly: String, lessons: String) -> impl IntoView {
    let parts = [
        ("What went well", went_well),
        ("What did not go well", went_badly),
        ("Lessons learned", lessons),
    ];
    view! {
        <dl class="note-texts">
            {parts.into_iter().filter(|(_, t)| !t.is_empty()).map(|(label, text)| view! {
                <dt>{label}</dt>
                <dd>{text}</dd>
            }).collect_view()}
        </dl>
    }
}

/// Tags as links to the lessons with that tag.
#[component]
pub fn Tags(tags: Vec<String>) -> impl IntoView {
    (!tags.is_empty()).then(|| {
        view! {
            <ul class="tag-list" aria-label="Tags">
                {tags.into_iter().map(|tag| view! {
                    <li><a class="tag" href=format!("/lessons?tag={tag}")>{format!("#{tag}")}</a></li>
                }).collect_view()}
            </ul>
        }
    })
}

#[component]
fn History(kind: ObjectiveKind, revisions: Vec<Revision>) -> impl IntoView {
    let count = revisions.len();
    view! {
        <details class="note-history">
            <summary>{format!("Earlier versions ({count})")}</summary>
            <ol class="revisions">
                {revisions.into_iter().map(|r| view! {
                    <li class="revision">
                        <p class="muted">
                            {format!("Version {} · {} · {}", r.version, r.written_by, crate::checkins::short_day(&r.written_on))}
                        </p>
                        <p class=score_class(kind, r.score)>{judgement(kind, r.score)}</p>
                        <NoteTexts went_well=r.went_well went_badly=r.went_badly lessons=r.lessons/>
                        <Tags tags=r.tags/>
                    </li>
                }).collect_view()}
            </ol>
        </details>
    }
}
