//! The check-in form of one key result: the new value (done / not done for
//! a milestone), a confidence from 0 to 10 and three short texts. Used on the
//! objective page and inside a board card. A refused check-in keeps what was
//! typed and names the field at fault; a retried one is recorded once.

use super::{CheckIn, CheckInSaved, MAX_REFLECTION};
use crate::components::{FieldError, FormAlert, last_error};
use crate::domain::okr::MetricKind;
use crate::domain::progress::format_number;
use crate::objectives::{KeyResult, new_client_id};
use leptos::prelude::*;

#[component]
pub fn CheckInForm(
    key_result: KeyResult,
    /// Called with what was saved, before the form empties itself.
    on_saved: Callback<CheckInSaved>,
    /// Shown as a "Cancel" button when given.
    #[prop(optional)]
    on_cancel: Option<Callback<()>>,
    /// What is typed, when it is kept outside the form (a board card keeps
    /// it so the form survives the card moving column); started by the
    /// caller. Made and started here when not given.
    #[prop(optional)]
    draft: Option<CheckInDraft>,
) -> impl IntoView {
    let action = ServerAction::<super::SaveCheckIn>::new();
    let error = last_error(action);
    let draft = draft.unwrap_or_else(|| {
        let draft = CheckInDraft::new();
        draft.start(&key_result);
        draft
    });
    let CheckInDraft {
        client_id,
        value,
        confidence,
        progress,
        problems,
        plans,
    } = draft;
    Effect::new(move |_| {
        if let Some(Ok(saved)) = action.value().get() {
            let now = saved
                .objective
                .key_results
                .iter()
                .find(|k| k.id == saved.check_in.key_result_id)
                .cloned();
            on_saved.run(saved);
            if let Some(now) = now {
                draft.start(&now);
            }
        }
    });
    let prefix = StoredValue::new(format!("checkin-{}", key_result.id));
    let id = move |f: &str| format!("{}-{f}", prefix.get_value());
    let err = move |f: &str| format!("{}-{f}-error", prefix.get_value());
    let value_field = if key_result.metric == MetricKind::Milestone {
        let done = move || value.get() == "1";
        view! {
            <div class="field">
                <label for=id("value")>"Status"</label>
                <select id=id("value") name="value" aria-describedby=err("value")
                    prop:value=move || value.get() on:change=move |ev| value.set(event_target_value(&ev))>
                    <option value="0" selected=move || !done()>"Not done yet"</option>
                    <option value="1" selected=done>"Done"</option>
                </select>
                <FieldError error field="value" id=err("value")/>
            </div>
        }
        .into_any()
    } else {
        let hint = format!(
            "Now {}{}, target {}{}{}",
            format_number(key_result.current),
            unit_suffix(&key_result.unit_label),
            format_number(key_result.target),
            unit_suffix(&key_result.unit_label),
            key_result
                .proxy()
                .map(|p| format!(" · read from the proxy: {p}"))
                .unwrap_or_default()
        );
        view! {
            <div class="field">
                <label for=id("value")>"New value"</label>
                <input id=id("value") name="value" inputmode="decimal" required
                    value=value.get_untracked()
                    prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev))
                    aria-describedby=format!("{} {}", err("value"), id("value-hint"))/>
                <p class="field-hint" id=id("value-hint")>{hint}</p>
                <FieldError error field="value" id=err("value")/>
            </div>
        }
        .into_any()
    };
    let reflection = move |field: &'static str,
                           label: &'static str,
                           placeholder: &'static str,
                           text: RwSignal<String>| {
        view! {
            <div class="field">
                <label for=id(field)>{label}</label>
                <textarea id=id(field) name=field rows="2" maxlength=MAX_REFLECTION.to_string()
                    placeholder=placeholder aria-describedby=err(field)
                    prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev))>
                    {text.get_untracked()}
                </textarea>
                <FieldError error field=field id=err(field)/>
            </div>
        }
    };
    view! {
        <ActionForm action attr:class="check-in-form">
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
            {reflection("progress", "Progress", "What moved since last week?", progress)}
            {reflection("problems", "Problems", "What is in the way?", problems)}
            {reflection("plans", "Plans", "What happens next week?", plans)}
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

/// A check-in as typed. Its id is new for each check-in: a resubmission
/// of the same one (a retry after a dropped reply) is recorded once.
#[derive(Clone, Copy)]
pub struct CheckInDraft {
    pub client_id: RwSignal<String>,
    pub value: RwSignal<String>,
    pub confidence: RwSignal<u8>,
    pub progress: RwSignal<String>,
    pub problems: RwSignal<String>,
    pub plans: RwSignal<String>,
}

/// The confidence a new check-in starts from.
const START_CONFIDENCE: u8 = 7;

impl CheckInDraft {
    pub fn new() -> Self {
        CheckInDraft {
            client_id: RwSignal::new(String::new()),
            value: RwSignal::new(String::new()),
            confidence: RwSignal::new(START_CONFIDENCE),
            progress: RwSignal::new(String::new()),
            problems: RwSignal::new(String::new()),
            plans: RwSignal::new(String::new()),
        }
    }

    /// A fresh check-in of `key_result`, starting from its current value.
    pub fn start(&self, key_result: &KeyResult) {
        self.client_id.set(new_client_id());
        self.value
            .set(if key_result.metric == MetricKind::Milestone {
                if key_result.current >= 1.0 { "1" } else { "0" }.to_owned()
            } else {
                format_number(key_result.current)
            });
        self.confidence.set(START_CONFIDENCE);
        self.progress.set(String::new());
        self.problems.set(String::new());
        self.plans.set(String::new());
    }

    /// What is typed, labelled, for showing it back.
    pub fn typed(&self) -> Vec<(&'static str, String)> {
        [
            ("Value", self.value.get_untracked()),
            (
                "Confidence",
                format!("{} / 10", self.confidence.get_untracked()),
            ),
            ("Progress", self.progress.get_untracked()),
            ("Problems", self.problems.get_untracked()),
            ("Plans", self.plans.get_untracked()),
        ]
        .into_iter()
        .filter(|(_, text)| !text.trim().is_empty())
        .collect()
    }
}

impl Default for CheckInDraft {
    fn default() -> Self {
        CheckInDraft::new()
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
