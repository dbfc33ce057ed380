//! Editing in place: a value that becomes an input on click.

use crate::error::AppError;
use leptos::prelude::*;

/// The editing state of one inline field.
#[derive(Clone, Copy)]
pub struct Inline {
    pub editing: RwSignal<bool>,
    pub error: RwSignal<Option<String>>,
}

impl Inline {
    pub fn fail(&self, error: AppError) {
        self.error.set(Some(match error {
            AppError::Invalid { message, .. } => message,
            other => other.to_string(),
        }));
    }
}

/// Text that becomes an input on click: Enter saves, Escape cancels. A
/// refused value stays in the input with the message beside it.
#[component]
pub fn InlineText(
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
