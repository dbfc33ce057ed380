//! Editing in place: a value that becomes an input on click.

use crate::components::kept;
use crate::error::AppError;
use leptos::prelude::*;

/// The editing state of one inline field.
#[derive(Clone, Copy)]
pub struct Inline {
    pub editing: RwSignal<bool>,
    pub error: RwSignal<Option<String>>,
}

impl Inline {
    /// Closes the editor: saved, cancelled, or the new value taken.
    pub fn done(&self) {
        self.editing.set(false);
        self.error.set(None);
    }

    pub fn fail(&self, error: AppError) {
        self.error.set(Some(match error {
            AppError::Invalid { message, .. } => message,
            other => other.to_string(),
        }));
    }
}

/// An inline editor's own state: open or not, what is typed, and what it
/// was typed over.
#[derive(Clone, Copy)]
struct InlineState {
    state: Inline,
    draft: RwSignal<String>,
    /// What the open editor started from.
    base: RwSignal<String>,
    base_version: RwSignal<i64>,
}

impl InlineState {
    fn new() -> Self {
        InlineState {
            state: Inline {
                editing: RwSignal::new(false),
                error: RwSignal::new(None),
            },
            draft: RwSignal::new(String::new()),
            base: RwSignal::new(String::new()),
            base_version: RwSignal::new(0),
        }
    }
}

/// One save from an inline editor.
#[derive(Debug, Clone, PartialEq)]
pub struct Edit {
    /// What was typed.
    pub value: String,
    /// The value it was typed over: the server refuses the save if the
    /// field has changed since (unless the person chose to save over it).
    pub previous: String,
    /// The version of what holds the field, when the editor opened.
    pub version: i64,
}

/// Text that becomes an input on click: Enter saves, Escape cancels. A
/// refused value stays in the input with the message beside it.
///
/// The value is live: while the editor is closed it shows the latest; while
/// it is open, a colleague's save does not close it or touch what is typed.
/// It says who changed the value and to what, and offers to save over it
/// on purpose or to take the new value.
#[component]
pub fn InlineText(
    #[prop(into)] value: Signal<String>,
    /// The version of the objective or key result the value belongs to.
    #[prop(into)]
    version: Signal<i64>,
    /// Who made the latest change, for "… changed this meanwhile".
    #[prop(into)]
    by: Signal<String>,
    /// What the value is, for screen readers ("title of …").
    #[prop(into)]
    label: Signal<String>,
    #[prop(into)] editable: Signal<bool>,
    save: Callback<(Edit, Inline)>,
    #[prop(optional)] class: &'static str,
    #[prop(optional)] input_mode: &'static str,
    /// Names the field on the page, so an open editor comes back (with
    /// what was typed) when its card is rebuilt in another column.
    #[prop(optional, into)]
    keep: Option<String>,
) -> impl IntoView {
    let InlineState {
        state,
        draft,
        base,
        base_version,
    } = kept(keep, InlineState::new);
    let start = move |_| {
        let now = value.get_untracked();
        draft.set(now.clone());
        base.set(now);
        base_version.set(version.get_untracked());
        state.error.set(None);
        state.editing.set(true);
    };
    let submit = move || {
        save.run((
            Edit {
                value: draft.get_untracked(),
                previous: base.get_untracked(),
                version: base_version.get_untracked(),
            },
            state,
        ));
    };
    // Someone else's value, while this editor is open over an older one.
    let theirs = Memo::new(move |_| {
        if !state.editing.get() {
            return None;
        }
        let now = value.get();
        (now != base.get() && now != draft.get()).then_some(now)
    });
    let keep_mine = move |()| {
        base.set(value.get_untracked());
        base_version.set(version.get_untracked());
        submit();
    };
    let take_theirs = move |()| state.done();
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
            submit();
        }
        "Escape" => state.done(),
        _ => {}
    };
    let error_id = crate::objectives::new_client_id();
    let error_ref = error_id.clone();
    view! {
        <span class=format!("inline {class}")>
            <Show
                when=move || state.editing.get()
                fallback=move || {
                    if editable.get() {
                        view! {
                            <button type="button" class="inline-value" aria-label=move || edit_name(&label.get(), &value.get())
                                on:click=start>
                                {move || value.get()}
                            </button>
                        }
                            .into_any()
                    } else {
                        view! { <span class="inline-value">{move || value.get()}</span> }.into_any()
                    }
                }
            >
                <input
                    node_ref=input_ref
                    class="inline-input"
                    aria-label=move || label.get()
                    aria-describedby=error_ref.clone()
                    aria-invalid=move || state.error.with(Option::is_some).to_string()
                    inputmode=input_mode
                    prop:value=move || draft.get()
                    on:input=move |ev| draft.set(event_target_value(&ev))
                    on:keydown=on_key
                />
                <span class="inline-hint">"Enter saves · Esc cancels"</span>
            </Show>
            <ConflictNote
                message=Signal::derive(move || theirs.get().map(|now| changed_to(&by.get_untracked(), &now)))
                keep=Callback::new(keep_mine) take=Callback::new(take_theirs)/>
            <span class="field-error" id=error_id role="alert" hidden=move || state.error.with(Option::is_none)>
                {move || state.error.get()}
            </span>
        </span>
    }
}

/// "Maya Lindqvist changed this to “2” meanwhile."
pub fn changed_to(by: &str, now: &str) -> String {
    let shown = if now.is_empty() {
        "empty".to_owned()
    } else {
        format!("“{now}”")
    };
    format!("{by} changed this to {shown} meanwhile.")
}

/// Beside an open editor whose value a colleague changed: what they did,
/// and the two ways on — save mine over it on purpose, or take theirs.
/// What was typed stays until the person chooses.
#[component]
pub fn ConflictNote(
    #[prop(into)] message: Signal<Option<String>>,
    keep: Callback<()>,
    take: Callback<()>,
) -> impl IntoView {
    move || {
        message.get().map(|message| {
            view! {
                <span class="inline-conflict" role="status">
                    <span>{message}</span>
                    <button type="button" class="button-link" on:click=move |_| keep.run(())>"Save mine over it"</button>
                    <button type="button" class="button-link" on:click=move |_| take.run(())>"Take theirs"</button>
                </span>
            }
        })
    }
}

/// One field of a form on the board: what is typed here, and the value it
/// started from. While nothing is typed over it, it follows the board; once
/// something is, a colleague's change is a conflict to resolve, never a
/// silent loss of either side's words.
#[derive(Clone, Copy)]
pub struct FormField {
    pub mine: RwSignal<String>,
    pub base: RwSignal<String>,
    pub live: Signal<String>,
}

impl FormField {
    pub fn follow(live: impl Fn() -> Option<String> + Send + Sync + 'static) -> Self {
        let live = Signal::derive(move || live().unwrap_or_default());
        let start = live.get_untracked();
        let field = FormField {
            mine: RwSignal::new(start.clone()),
            base: RwSignal::new(start),
            live,
        };
        Effect::new(move |_| {
            let now = field.live.get();
            let (base, mine) = (field.base.get_untracked(), field.mine.get_untracked());
            if now != base && mine.trim() == base.trim() {
                field.take_theirs();
            }
        });
        field
    }

    /// A colleague's value, while something else is typed here over an older one.
    pub fn theirs(self) -> Option<String> {
        let now = self.live.get();
        let mine = self.mine.get();
        (now != self.base.get() && now.trim() != mine.trim()).then_some(now)
    }

    /// Mine is to be saved over theirs, on purpose.
    pub fn keep_mine(self) {
        self.base.set(self.live.get_untracked());
    }

    pub fn take_theirs(self) {
        let now = self.live.get_untracked();
        self.mine.set(now.clone());
        self.base.set(now);
    }
}

/// A value's edit button's accessible name: what pressing it edits, and the
/// value it shows when the name does not say it already (a number), so
/// that saying what is on screen reaches it (WCAG 2.5.3, label in name).
fn edit_name(label: &str, value: &str) -> String {
    let value = value.trim();
    if value.is_empty() || label.contains(value) {
        format!("Edit {label}")
    } else {
        format!("Edit {label}: {value}")
    }
}

#[cfg(test)]
mod tests {
    use super::edit_name;

    #[test]
    fn an_edit_button_is_named_with_what_it_shows() {
        assert_eq!(
            edit_name("current value of Deploy time", "18"),
            "Edit current value of Deploy time: 18"
        );
        assert_eq!(
            edit_name("title of Deploys are boring", "Deploys are boring"),
            "Edit title of Deploys are boring"
        );
        assert_eq!(edit_name("target of Uptime", " "), "Edit target of Uptime");
    }
}
