//! An agenda's shared notes: what was agreed last time, and this meeting's
//! notes. Two people writing at once do not overwrite each other: the
//! second save is refused, the first one's notes appear, and what the
//! second person typed stays in the box to merge.

use super::{AgendaNote, AgendaNotes, MAX_NOTES, SaveAgendaNotes, get_agenda_notes};
use crate::checkins::short_day;
use crate::components::{FieldError, FormAlert, last_error};
use crate::error::AppError;
use leptos::prelude::*;

#[component]
pub fn NotesPanel(notes: AgendaNotes) -> impl IntoView {
    let save = ServerAction::<SaveAgendaNotes>::new();
    let error = last_error(save);
    let version = RwSignal::new(
        notes
            .current
            .as_ref()
            .map(|n| n.version.to_string())
            .unwrap_or_default(),
    );
    let typed = RwSignal::new(
        notes
            .current
            .as_ref()
            .map(|n| n.body.clone())
            .unwrap_or_default(),
    );
    let saved_by = RwSignal::new(notes.current.as_ref().map(|n| n.by.clone()));
    let theirs = RwSignal::new(None::<AgendaNote>);
    let (agenda, meeting_on) = (notes.agenda.clone(), notes.meeting_on.clone());
    Effect::new(move |_| match save.value().get() {
        Some(Ok(note)) => {
            version.set(note.version.to_string());
            saved_by.set(Some(note.by));
            theirs.set(None);
        }
        Some(Err(AppError::Conflict(_))) => {
            let (agenda, meeting_on) = (agenda.clone(), meeting_on.clone());
            leptos::task::spawn_local(async move {
                if let Ok(fresh) = get_agenda_notes(agenda, meeting_on).await
                    && let Some(current) = fresh.current
                {
                    // Saving again now replaces theirs, knowingly.
                    version.set(current.version.to_string());
                    theirs.set(Some(current));
                }
            });
        }
        _ => {}
    });
    let day = short_day(&notes.meeting_on);
    let previous = match notes.previous {
        Some(note) => view! {
            <div class="notes-previous">
                <h3>"Agreed last time · " {short_day(&note.meeting_on)}</h3>
                <p class="notes-text">{note.body}</p>
                <p class="muted">"Written by " {note.by}</p>
            </div>
        }
        .into_any(),
        None => view! { <p class="muted">"No notes from an earlier meeting yet."</p> }.into_any(),
    };
    let current = if notes.may_write {
        view! {
            {move || {
                theirs
                    .get()
                    .map(|note| {
                        view! {
                            <div class="notes-theirs" role="status">
                                <h3>{note.by.clone()} " saved these notes meanwhile"</h3>
                                <p class="notes-text">{note.body.clone()}</p>
                            </div>
                        }
                    })
            }}
            <ActionForm action=save attr:class="notes-form">
                <input type="hidden" name="agenda" value=notes.agenda.clone()/>
                <input type="hidden" name="meeting_on" value=notes.meeting_on.clone()/>
                <input type="hidden" name="version" prop:value=move || version.get()/>
                <div class="field">
                    <label for="agenda-notes">"This meeting · " {day.clone()}</label>
                    <textarea id="agenda-notes" name="body" rows="5" maxlength=MAX_NOTES.to_string()
                        placeholder="What we agreed, who does what by when"
                        aria-describedby="agenda-notes-error"
                        prop:value=move || typed.get()
                        on:input=move |ev| typed.set(event_target_value(&ev))>
                        // The server's page holds the notes before the WebAssembly
                        // sets the value (and without it).
                        {typed.get_untracked()}
                    </textarea>
                    <FieldError error field="body" id="agenda-notes-error"/>
                </div>
                // Printed instead of the text area, which a printer cuts off.
                <p class="notes-text print-only">{move || typed.get()}</p>
                <FormAlert error fields=&["agenda", "meeting_on", "version"]/>
                <div class="form-actions">
                    <button type="submit" class="button button-primary" disabled=move || save.pending().get()>
                        "Save notes"
                    </button>
                    <span class="muted" role="status">
                        {move || {
                            let saved = save.value().with(|v| matches!(v, Some(Ok(_))));
                            match (saved, saved_by.get()) {
                                (true, _) => "Saved.".to_owned(),
                                (false, Some(by)) => format!("Last saved by {by}."),
                                (false, None) => String::new(),
                            }
                        }}
                    </span>
                </div>
            </ActionForm>
        }
        .into_any()
    } else {
        let body = notes.current.map(|n| n.body).unwrap_or_default();
        view! {
            <h3>"This meeting · " {day}</h3>
            {if body.is_empty() {
                view! { <p class="muted">"No notes for this meeting yet."</p> }.into_any()
            } else {
                view! { <p class="notes-text">{body}</p> }.into_any()
            }}
        }
        .into_any()
    };
    view! {
        <section class="panel agenda-notes" aria-labelledby="notes-heading">
            <h2 id="notes-heading">"Notes"</h2>
            {previous}
            {current}
        </section>
    }
}
