//! The check-in form of one key result: the new value (done / not done for
//! a milestone), a confidence from 0 to 10 and three short texts. Used on the
//! objective page and inside a board card. A refused check-in keeps what was
//! typed and names the field at fault; a retried one is recorded once.

use super::{CheckIn, CheckInSaved, MAX_REFLECTION};
use crate::board::{KeyResult, format_number, new_client_id};
use crate::components::{FieldError, FormAlert, last_error};
use crate::domain::okr::MetricKind;
use leptos::prelude::*;

#[component]
pub fn CheckInForm(
    key_result: KeyResult,
    /// Called with what was saved, before the form empties itself.
    on_saved: Callback<CheckInSaved>,
    /// Shown as a "Cancel" button when given.
    #[prop(optional)]
    on_cancel: Option<Callback<()>>,
) -> impl IntoView {
    let action = ServerAction::<super::SaveCheckIn>::new();
    let error = last_error(action);
    let form = NodeRef::<leptos::html::Form>::new();
    // A new id after each saved check-in; a resubmission of the same one
    // (a retry after a dropped reply) is recorded once by the server.
    let client_id = RwSignal::new(new_client_id());
    let confidence = RwSignal::new(7u8);
    Effect::new(move |_| {
        if let Some(Ok(saved)) = action.value().get() {
            on_saved.run(saved);
            client_id.set(new_client_id());
            confidence.set(7);
            if let Some(form) = form.get_untracked() {
                form.reset();
            }
        }
    });
    let prefix = StoredValue::new(format!("checkin-{}", key_result.id));
    let id = move |f: &str| format!("{}-{f}", prefix.get_value());
    let err = move |f: &str| format!("{}-{f}-error", prefix.get_value());
    let value_field = if key_result.metric == MetricKind::Milestone {
        let done = key_result.current >= 1.0;
        view! {
            <div class="field">
                <label for=id("value")>"Status"</label>
                <select id=id("value") name="value" aria-describedby=err("value")>
                    <option value="0" selected=!done>"Not done yet"</option>
                    <option value="1" selected=done>"Done"</option>
                </select>
                <FieldError error field="value" id=err("value")/>
            </div>
        }
        .into_any()
    } else {
        let hint = format!(
            "Now {}{}, target {}{}",
            format_number(key_result.current),
            unit_suffix(&key_result.unit_label),
            format_number(key_result.target),
            unit_suffix(&key_result.unit_label)
        );
        view! {
            <div class="field">
                <label for=id("value")>"New value"</label>
                <input id=id("value") name="value" inputmode="decimal" required
                    value=format_number(key_result.current)
                    aria-describedby=format!("{} {}", err("value"), id("value-hint"))/>
                <p class="field-hint" id=id("value-hint")>{hint}</p>
                <FieldError error field="value" id=err("value")/>
            </div>
        }
        .into_any()
    };
    let reflection = move |field: &'static str, label: &'static str, placeholder: &'static str| {
        view! {
            <div class="field">
                <label for=id(field)>{label}</label>
                <textarea id=id(field) name=field rows="2" maxlength=MAX_REFLECTION.to_string()
                    placeholder=placeholder aria-describedby=err(field)></textarea>
                <FieldError error field=field id=err(field)/>
            </div>
        }
    };
    view! {
        <ActionForm action node_ref=form attr:class="check-in-form">
            <input type="hidden" name="id" value=move || client_id.get()/>
            <input type="hidden" name="key_result_id" value=key_result.id.clone()/>
            <div class="form-grid form-grid-tight">
                {value_field}
                <div class="field">
                    <label for=id("confidence")>
                        "Confidence " <output class="confidence-output" for=id("confidence")>{move || confidence.get()} " / 10"</output>
                    </label>
                    <input id=id("confidence") name="confidence" type="range" min="0" max="10" step="1"
                        prop:value=move || confidence.get().to_string()
                        on:input=move |ev| {
                            if let Ok(value) = event_target_value(&ev).parse() {
                                confidence.set(value);
                            }
                        }
                        aria-describedby=err("confidence")/>
                    <FieldError error field="confidence" id=err("confidence")/>
                </div>
            </div>
            {reflection("progress", "Progress", "What moved since last week?")}
            {reflection("problems", "Problems", "What is in the way?")}
            {reflection("plans", "Plans", "What happens next week?")}
            <FormAlert error fields=&["id", "key_result_id"]/>
            <div class="form-actions">
                <button type="submit" class="button button-primary button-small" disabled=move || action.pending().get()>
                    {move || if action.pending().get() { "Saving…" } else { "Save check-in" }}
                </button>
                {on_cancel.map(|cancel| view! {
                    <button type="button" class="button button-small" on:click=move |_| cancel.run(())>"Cancel"</button>
                })}
            </div>
        </ActionForm>
    }
}

fn unit_suffix(label: &str) -> String {
    if label.is_empty() {
        String::new()
    } else {
        format!(" {label}")
    }
}

/// "8 / 10 · Priya Shah · 12 Nov".
pub fn byline(check_in: &CheckIn) -> String {
    format!(
        "Confidence {} / 10 · {} · {}",
        check_in.confidence,
        check_in.author,
        short_day(&check_in.on)
    )
}

/// "12 Nov" from `2026-11-12`.
pub fn short_day(day: &str) -> String {
    crate::cycles::parse_date("day", day)
        .map(|d| format!("{} {}", d.day(), &d.month().to_string()[..3]))
        .unwrap_or_else(|_| day.to_owned())
}
