//! How forms report back: a message next to the field it is about, or one
//! alert for the whole form. Both read the last result of a server action.

use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

/// The error of the action's last submission, if it failed.
pub fn last_error<S>(action: ServerAction<S>) -> Signal<Option<AppError>>
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Send + Sync + 'static,
{
    Signal::derive(move || {
        action
            .value()
            .with(|v| v.as_ref().and_then(|r| r.as_ref().err().cloned()))
    })
}

/// Raises `counter` each time the action succeeds. A resource keyed on the
/// counter reloads after successful changes only, so a refused change never
/// re-renders (and empties) the form that is showing its error.
pub fn reload_after<S>(action: ServerAction<S>, counter: RwSignal<u32>)
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Send + Sync + 'static,
{
    Effect::new(move |_| {
        if action.value().with(|v| matches!(v, Some(Ok(_)))) {
            counter.update(|n| *n += 1);
        }
    });
}

/// The message for the input named `field`, shown under it while the last
/// submission's error is about that field. The input points at `id` with
/// `aria-describedby`.
#[component]
pub fn FieldError(
    error: Signal<Option<AppError>>,
    field: &'static str,
    #[prop(into)] id: String,
) -> impl IntoView {
    let message = move || {
        error.with(|e| {
            e.as_ref()
                .and_then(|e| e.field_message(field))
                .map(str::to_owned)
        })
    };
    view! {
        <p class="field-error" id=id role="alert" hidden=move || message().is_none()>
            {message}
        </p>
    }
}

/// One alert for errors about the form as a whole rather than one of its
/// fields; errors about the fields named in `fields` are shown here too.
#[component]
pub fn FormAlert(
    error: Signal<Option<AppError>>,
    #[prop(optional)] fields: &'static [&'static str],
) -> impl IntoView {
    let message = move || {
        error.with(|e| match e {
            Some(AppError::Invalid { field, message }) if fields.contains(&field.as_str()) => {
                Some(message.clone())
            }
            Some(AppError::Invalid { .. }) | None => None,
            Some(other) => Some(other.to_string()),
        })
    };
    view! {
        <p class="form-alert" role="alert" hidden=move || message().is_none()>
            {message}
        </p>
    }
}

/// Shown where a page's data could not be loaded.
#[component]
pub fn ErrorPanel(error: AppError) -> impl IntoView {
    view! {
        <div class="panel panel-error" role="alert">
            <h2>"Could not load this"</h2>
            <p>{error.to_string()}</p>
        </div>
    }
}

/// Keeps `target` on the error of the action's latest outcome (cleared by a
/// success), so several small forms can share one alert.
pub fn report_errors<S>(action: ServerAction<S>, target: RwSignal<Option<AppError>>)
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Send + Sync + 'static,
{
    Effect::new(move |_| {
        if let Some(outcome) = action
            .value()
            .with(|v| v.as_ref().map(|r| r.as_ref().err().cloned()))
        {
            target.set(outcome);
        }
    });
}

/// Empties the form after the action succeeds, ready for the next entry; a
/// refused submission keeps every field as typed.
pub fn reset_after<S>(action: ServerAction<S>, form: NodeRef<leptos::html::Form>)
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Send + Sync + 'static,
{
    Effect::new(move |_| {
        if action.value().with(|v| matches!(v, Some(Ok(_))))
            && let Some(form) = form.get_untracked()
        {
            form.reset();
        }
    });
}

/// The error of the last row action, shown in the row it came from: `focus`
/// holds the id of the row whose button was pressed last.
#[component]
pub fn RowError(
    error: Signal<Option<AppError>>,
    focus: RwSignal<Option<i64>>,
    id: i64,
) -> impl IntoView {
    let message = move || {
        if focus.get() != Some(id) {
            return None;
        }
        error.with(|e| {
            e.as_ref().map(|e| match e {
                AppError::Invalid { message, .. } => message.clone(),
                other => other.to_string(),
            })
        })
    };
    view! {
        <p class="field-error row-error" role="alert" hidden=move || message().is_none()>
            {message}
        </p>
    }
}
