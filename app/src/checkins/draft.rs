//! A draft on its objective page: its title and description, editable by
//! the people who may edit the draft, with lessons of similar earlier
//! objectives beside the form, following the title as it is typed.

use crate::board::update_objective;
use crate::components::{ClientOnly, FieldError, FormAlert};
use crate::error::AppError;
use crate::lessons::RelatedLessons;
use crate::objectives::{MAX_DESCRIPTION, Objective};
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub fn DraftEditor(objective: Objective, may_edit: bool, reload: Callback<()>) -> impl IntoView {
    let title = RwSignal::new(objective.title.clone());
    let description = RwSignal::new(objective.description.clone());
    let about = Signal::derive(move || format!("{} {}", title.get(), description.get()));
    let error = RwSignal::new(None::<AppError>);
    let saving = RwSignal::new(false);
    let base = StoredValue::new(objective);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let base = base.get_value();
        let changes: Vec<(&'static str, String, String)> = [
            ("title", base.title.clone(), title.get_untracked()),
            (
                "description",
                base.description.clone(),
                description.get_untracked(),
            ),
        ]
        .into_iter()
        .filter(|(_, before, now)| before.trim() != now.trim())
        .collect();
        saving.set(true);
        error.set(None);
        spawn_local(async move {
            let mut version = base.version;
            for (field, previous, value) in changes {
                match update_objective(base.id.clone(), version, field.to_owned(), previous, value)
                    .await
                {
                    Ok(saved) => version = saved.version,
                    Err(e) => {
                        error.set(Some(e));
                        saving.set(false);
                        return;
                    }
                }
            }
            saving.set(false);
            reload.run(());
        });
    };
    let error_signal: Signal<Option<AppError>> = error.into();
    let form = may_edit.then(|| {
        view! {
            <form class="draft-form" on:submit=save aria-label="Edit the draft">
                <div class="field">
                    <label for="draft-title">"Title"</label>
                    <input id="draft-title" maxlength="200" required aria-describedby="draft-title-error"
                        prop:value=move || title.get() on:input=move |ev| title.set(event_target_value(&ev))/>
                    <FieldError error=error_signal field="title" id="draft-title-error"/>
                </div>
                <div class="field">
                    <label for="draft-description">"Description"</label>
                    <textarea id="draft-description" rows="4" maxlength=MAX_DESCRIPTION.to_string()
                        aria-describedby="draft-description-error"
                        on:input=move |ev| description.set(event_target_value(&ev))>
                        {description.get_untracked()}
                    </textarea>
                    <FieldError error=error_signal field="description" id="draft-description-error"/>
                </div>
                <FormAlert error=error_signal/>
                <button type="submit" class="button button-primary button-small" disabled=move || saving.get()>
                    {move || if saving.get() { "Saving…" } else { "Save the draft" }}
                </button>
            </form>
        }
    });
    view! {
        <section class="panel draft-editor" aria-labelledby="draft-heading">
            <h2 id="draft-heading">"Draft"</h2>
            <div class="new-objective-body">
                <div>
                    {form}
                    {(!may_edit).then(|| view! {
                        <p class="muted">"Members of the owning unit shape this draft; lessons of similar objectives are beside it."</p>
                    })}
                </div>
                <ClientOnly><RelatedLessons text=about/></ClientOnly>
            </div>
        </section>
    }
}
