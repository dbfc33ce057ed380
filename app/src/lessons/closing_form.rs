//! The closing-note form, shown inline where an objective is closed (a
//! board card, the objective page, the cycle's retrospective list) and
//! where a note is edited. The score is prefilled with the objective's
//! progress and judged against its kind as it is typed. A refused note
//! keeps everything typed and names the field at fault.

use super::{CloseObjective, ClosingNote, EditClosingNote, lesson_filters};
use crate::components::{FieldError, FormAlert, last_error};
use crate::domain::closing::{self, MAX_NOTE_TEXT, MAX_TAGS, normalise_tag, parse_score};
use crate::domain::okr::ObjectiveKind;
use crate::error::AppError;
use crate::objectives::Objective;
use leptos::prelude::*;

/// What the form starts from: an objective to close, or a note to edit.
#[derive(Clone)]
pub enum Closing {
    New(Objective),
    Edit(ClosingNote),
}

#[component]
pub fn ClosingForm(
    closing: Closing,
    /// Called with the closed objective (closing) …
    #[prop(optional)]
    on_closed: Option<Callback<Objective>>,
    /// … or with the saved note (editing).
    #[prop(optional)]
    on_edited: Option<Callback<ClosingNote>>,
    on_cancel: Callback<()>,
    /// What is typed, when it is kept outside the form (a board card keeps
    /// it so the form survives the card moving column). Filled by the
    /// caller; made and filled here when not given.
    #[prop(optional)]
    draft: Option<NoteDraft>,
) -> impl IntoView {
    match closing {
        Closing::New(objective) => {
            let action = ServerAction::<CloseObjective>::new();
            Effect::new(move |_| {
                if let (Some(Ok(closed)), Some(on_closed)) = (action.value().get(), on_closed) {
                    on_closed.run(closed);
                }
            });
            let error = last_error(action);
            let prefix = format!("close-{}", objective.id);
            let draft = draft.unwrap_or_else(|| {
                let draft = NoteDraft::new();
                draft.start_closing(&objective);
                draft
            });
            view! {
                <ActionForm action attr:class="closing-form" attr:aria-label=format!("Close {}", objective.title)>
                    <input type="hidden" name="id" value=objective.id.clone()/>
                    <NoteFields error prefix kind=objective.kind draft/>
                    <Buttons pending=action.pending() label="Close with this note" on_cancel/>
                </ActionForm>
            }
            .into_any()
        }
        Closing::Edit(note) => {
            let action = ServerAction::<EditClosingNote>::new();
            Effect::new(move |_| {
                if let (Some(Ok(saved)), Some(on_edited)) = (action.value().get(), on_edited) {
                    on_edited.run(saved);
                }
            });
            let error = last_error(action);
            let prefix = format!("note-{}", note.objective_id);
            let draft = draft.unwrap_or_else(|| {
                let draft = NoteDraft::new();
                draft.start_editing(&note);
                draft
            });
            view! {
                <ActionForm action attr:class="closing-form" attr:aria-label="Edit the closing note">
                    <input type="hidden" name="objective_id" value=note.objective_id.clone()/>
                    <input type="hidden" name="version" value=note.version.to_string()/>
                    <NoteFields error prefix kind=note.kind draft/>
                    <Buttons pending=action.pending() label="Save the note" on_cancel/>
                </ActionForm>
            }
            .into_any()
        }
    }
}

/// The fields of a closing note as typed: the score, the three texts, the
/// tags (and the tag being typed).
#[derive(Clone, Copy)]
pub struct NoteDraft {
    pub score: RwSignal<String>,
    pub went_well: RwSignal<String>,
    pub went_badly: RwSignal<String>,
    pub lessons: RwSignal<String>,
    pub tags: RwSignal<Vec<String>>,
    pub typing_tag: RwSignal<String>,
}

impl NoteDraft {
    pub fn new() -> Self {
        NoteDraft {
            score: RwSignal::new(String::new()),
            went_well: RwSignal::new(String::new()),
            went_badly: RwSignal::new(String::new()),
            lessons: RwSignal::new(String::new()),
            tags: RwSignal::new(Vec::new()),
            typing_tag: RwSignal::new(String::new()),
        }
    }

    /// Empty, with the score prefilled from the objective's progress.
    pub fn start_closing(&self, objective: &Objective) {
        self.fill(
            closing::format_score(objective.progress()),
            "",
            "",
            "",
            Vec::new(),
        );
    }

    pub fn start_editing(&self, note: &ClosingNote) {
        self.fill(
            closing::format_score(note.score),
            &note.went_well,
            &note.went_badly,
            &note.lessons,
            note.tags.clone(),
        );
    }

    fn fill(&self, score: String, well: &str, badly: &str, lessons: &str, tags: Vec<String>) {
        self.score.set(score);
        self.went_well.set(well.to_owned());
        self.went_badly.set(badly.to_owned());
        self.lessons.set(lessons.to_owned());
        self.tags.set(tags);
        self.typing_tag.set(String::new());
    }

    /// What is typed, labelled, for showing it back ("Lessons learned: …").
    pub fn typed(&self) -> Vec<(&'static str, String)> {
        let mut tags = self.tags.get_untracked();
        tags.extend(
            Some(normalise_tag(&self.typing_tag.get_untracked())).filter(|t| !t.is_empty()),
        );
        [
            ("Final score", self.score.get_untracked()),
            ("What went well", self.went_well.get_untracked()),
            ("What did not go well", self.went_badly.get_untracked()),
            ("Lessons learned", self.lessons.get_untracked()),
            (
                "Tags",
                tags.iter()
                    .map(|t| format!("#{t}"))
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
        ]
        .into_iter()
        .filter(|(_, text)| !text.trim().is_empty())
        .collect()
    }
}

impl Default for NoteDraft {
    fn default() -> Self {
        NoteDraft::new()
    }
}

#[component]
fn Buttons(pending: Memo<bool>, label: &'static str, on_cancel: Callback<()>) -> impl IntoView {
    view! {
        <div class="form-actions">
            <button type="submit" class="button button-primary button-small" disabled=move || pending.get()>
                {move || if pending.get() { "Saving…" } else { label }}
            </button>
            <button type="button" class="button button-small" on:click=move |_| on_cancel.run(())>"Cancel"</button>
        </div>
    }
}

#[component]
fn NoteFields(
    error: Signal<Option<AppError>>,
    prefix: String,
    kind: ObjectiveKind,
    draft: NoteDraft,
) -> impl IntoView {
    let prefix = StoredValue::new(prefix);
    let id = move |f: &str| format!("{}-{f}", prefix.get_value());
    let err = move |f: &str| format!("{}-{f}-error", prefix.get_value());
    let score = draft.score;
    let judgement = move || {
        score.with(|raw| match parse_score(raw) {
            Ok(value) => (
                super::score_class(kind, value),
                closing::judgement(kind, value),
            ),
            Err(message) => ("score".to_owned(), message.to_owned()),
        })
    };
    let expectation = match kind {
        ObjectiveKind::Aspirational => "Aspirational: 0.7 counts as success.",
        ObjectiveKind::Committed => "Committed: 1.0 counts as success.",
    };
    let text = move |field: &'static str,
                     label: &'static str,
                     placeholder: &'static str,
                     value: RwSignal<String>| {
        view! {
            <div class="field field-wide">
                <label for=id(field)>{label}</label>
                <textarea id=id(field) name=field rows="3" maxlength=MAX_NOTE_TEXT.to_string()
                    placeholder=placeholder aria-describedby=err(field)
                    prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev))>
                    {value.get_untracked()}
                </textarea>
                <FieldError error field=field id=err(field)/>
            </div>
        }
    };
    view! {
        <div class="form-grid form-grid-tight">
            <div class="field">
                <label for=id("score")>"Final score (0.0–1.0)"</label>
                <input id=id("score") name="score" inputmode="decimal" autocomplete="off" class="score-input"
                    prop:value=move || score.get() on:input=move |ev| score.set(event_target_value(&ev))
                    aria-describedby=format!("{} {}", err("score"), id("judgement"))/>
                <FieldError error field="score" id=err("score")/>
            </div>
            <p class="field judgement" id=id("judgement") aria-live="polite">
                <span class=move || judgement().0>{move || judgement().1}</span>
                <span class="field-hint">{expectation} " Prefilled with the current progress."</span>
            </p>
        </div>
        {text("went_well", "What went well", "What worked, and why?", draft.went_well)}
        {text("went_badly", "What did not go well", "What got in the way?", draft.went_badly)}
        {text("lessons", "Lessons learned", "What should the next team know before a goal like this?", draft.lessons)}
        <TagInput error id=id("tags") error_id=err("tags") tags=draft.tags draft=draft.typing_tag/>
        <FormAlert error fields=&["id", "objective_id", "version"]/>
    }
}

/// Free tags as chips: Enter or a comma adds the tag being typed,
/// Backspace in an empty box removes the last. Suggestions are the tags
/// already in use. The form sends them comma-separated in `tags`.
#[component]
fn TagInput(
    error: Signal<Option<AppError>>,
    id: String,
    error_id: String,
    tags: RwSignal<Vec<String>>,
    /// The tag being typed.
    draft: RwSignal<String>,
) -> impl IntoView {
    let known = LocalResource::new(lesson_filters);
    let list_id = format!("{id}-known");
    let add = move || {
        let tag = normalise_tag(&draft.get_untracked());
        if !tag.is_empty() {
            tags.update(|t| {
                if !t.contains(&tag) && t.len() < MAX_TAGS {
                    t.push(tag);
                }
            });
        }
        draft.set(String::new());
    };
    let value = move || {
        let mut all = tags.get();
        all.push(draft.get());
        all.join(",")
    };
    let suggestions = move || {
        known.get().and_then(Result::ok).map(|filters| {
            filters
                .tags
                .into_iter()
                .filter(|t| !tags.with(|mine| mine.contains(t)))
                .map(|t| view! { <option value=t.clone()></option> })
                .collect_view()
        })
    };
    view! {
        <div class="field field-wide">
            <label for=id.clone()>"Tags"</label>
            <div class="tag-input">
                <ul class="tag-list" aria-label="Tags of this note">
                    {move || tags.get().into_iter().map(|tag| {
                        let remove = tag.clone();
                        view! {
                            <li class="tag">
                                {format!("#{tag}")}
                                <button type="button" class="tag-remove" aria-label=format!("Remove tag {tag}")
                                    on:click=move |_| tags.update(|t| t.retain(|x| *x != remove))>"×"</button>
                            </li>
                        }
                    }).collect_view()}
                </ul>
                <input id=id list=list_id.clone() autocomplete="off" placeholder="Add a tag, then Enter"
                    aria-describedby=error_id.clone()
                    prop:value=move || draft.get()
                    on:input=move |ev| {
                        let typed = event_target_value(&ev);
                        if typed.contains(',') {
                            draft.set(typed.replace(',', ""));
                            add();
                        } else {
                            draft.set(typed);
                        }
                    }
                    on:change=move |_| {
                        // A suggestion picked from the list is added at once.
                        let picked = known.get().and_then(Result::ok).is_some_and(|f| f.tags.contains(&draft.get_untracked()));
                        if picked {
                            add();
                        }
                    }
                    on:keydown=move |ev| match ev.key().as_str() {
                        "Enter" => {
                            ev.prevent_default();
                            add();
                        }
                        "Backspace" if draft.with_untracked(String::is_empty) => {
                            tags.update(|t| {
                                t.pop();
                            });
                        }
                        _ => {}
                    }/>
                <datalist id=list_id>{suggestions}</datalist>
            </div>
            <input type="hidden" name="tags" prop:value=value/>
            <FieldError error field="tags" id=error_id/>
        </div>
    }
}
