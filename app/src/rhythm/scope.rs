//! Who takes part in a cycle: every unit unless the ambassador leaves it
//! out. A unit left out is not ranked on the leaderboard, not a gap on the
//! map and not in the planning checklist.

use super::{ScopeUnit, SetTakingPart};
use crate::components::{FormAlert, last_error, reload_after};
use leptos::prelude::*;

#[component]
pub fn CycleScope(
    scope: Vec<ScopeUnit>,
    cycle_id: i64,
    may_set: bool,
    changed: RwSignal<u32>,
    /// Whether the choices are open: kept by the page, so a change (which
    /// reloads the plan) leaves them open.
    open: RwSignal<bool>,
) -> impl IntoView {
    let out: Vec<String> = scope
        .iter()
        .filter(|u| !u.taking_part)
        .map(|u| u.unit_path.clone())
        .collect();
    let summary = if out.is_empty() {
        "Every unit takes part in this cycle.".to_owned()
    } else {
        format!("Not taking part this cycle: {}.", out.join(", "))
    };
    let choices = may_set.then(|| {
        let set = ServerAction::<SetTakingPart>::new();
        reload_after(set, changed);
        let error = last_error(set);
        let boxes = scope
            .into_iter()
            .map(|unit| {
                let id = format!("scope-{}", unit.unit_id);
                let unit_id = unit.unit_id;
                view! {
                    <li style=format!("--depth: {}", unit.depth)>
                        <input type="checkbox" id=id.clone() checked=unit.taking_part
                            disabled=move || set.pending().get()
                            on:change=move |ev| {
                                set.dispatch(SetTakingPart {
                                    cycle_id,
                                    unit_id,
                                    taking_part: event_target_checked(&ev),
                                });
                            }/>
                        <label for=id>{unit.unit_path}</label>
                    </li>
                }
            })
            .collect_view();
        view! {
            <details class="scope-edit" prop:open=move || open.get()
                on:toggle=move |ev| {
                    use leptos::wasm_bindgen::JsCast;
                    if let Some(details) = ev
                        .target()
                        .and_then(|t| t.dyn_into::<web_sys::HtmlDetailsElement>().ok())
                    {
                        open.set(details.open());
                    }
                }>
                <summary>"Choose who takes part"</summary>
                <ul class="scope-list" aria-label="Units taking part">{boxes}</ul>
                <FormAlert error/>
            </details>
        }
    });
    view! {
        <section class="panel scope" aria-labelledby="scope-heading">
            <h2 id="scope-heading">"Who takes part"</h2>
            <p>{summary}</p>
            <p class="muted small">"A unit left out is not ranked on the leaderboard, not flagged as a gap on the map, and not in the planning checklist. "
                "Leaving out a department leaves its teams in: choose each unit that sits out."</p>
            {choices}
        </section>
    }
}
