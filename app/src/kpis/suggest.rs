//! The board's new-objective form, prefilled from a flagged KPI
//! (`/cycles/:id/board?from_kpi=<id>`): a title from the KPI, why it is
//! important (the readings that flagged it), and a key result from the
//! latest value to the healthy threshold that will follow the KPI.

use super::{Choice, CreateObjectiveFromKpi, get_kpi};
use crate::components::{ErrorPanel, FieldError, FormAlert, last_error};
use crate::domain::progress::format_number;
use crate::objectives::Objective;
use leptos::prelude::*;

#[component]
pub fn FromKpiForm(
    kpi_id: i64,
    cycle_id: i64,
    /// Units the viewer may add objectives to.
    units: Vec<Choice>,
    #[prop(into)] on_created: Callback<Objective>,
) -> impl IntoView {
    let detail = Resource::new(move || kpi_id, get_kpi);
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading the KPI…"</p> }>
            {move || {
                let units = units.clone();
                Suspend::new(async move {
                    match detail.await {
                        Err(error) => view! { <ErrorPanel error/> }.into_any(),
                        Ok(detail) => match detail.suggestion {
                            Some(s) if s.cycle_id == cycle_id => view! {
                                <Prefilled kpi_id kpi_unit=detail.kpi.unit_id kpi_name=detail.kpi.name
                                    cycle_id suggestion=s units on_created/>
                            }.into_any(),
                            Some(_) => view! {
                                <p class="panel muted">"This KPI suggests an objective for the cycle running today; open that cycle's board."</p>
                            }.into_any(),
                            None => view! {
                                <p class="panel muted">"“" {detail.kpi.name} "” is not flagged any more: no objective is needed for it."</p>
                            }.into_any(),
                        },
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn Prefilled(
    kpi_id: i64,
    kpi_unit: i64,
    kpi_name: String,
    cycle_id: i64,
    suggestion: super::Suggestion,
    units: Vec<Choice>,
    on_created: Callback<Objective>,
) -> impl IntoView {
    let create = ServerAction::<CreateObjectiveFromKpi>::new();
    let error = last_error(create);
    let client_id = crate::objectives::new_client_id();
    Effect::new(move |_| {
        if let Some(Ok(objective)) = create.value().get() {
            on_created.run(objective);
        }
    });
    let may = !units.is_empty();
    let options = units
        .into_iter()
        .map(|u| view! { <option value=u.id.to_string() selected=u.id == kpi_unit>{u.label}</option> })
        .collect_view();
    view! {
        <section class="panel from-kpi" aria-labelledby="from-kpi-heading">
            <h2 id="from-kpi-heading">"New objective from the KPI “" {kpi_name} "”"</h2>
            {(!may).then(|| view! {
                <p class="muted">"You cannot add objectives to any unit; ask a lead of the KPI's unit."</p>
            })}
            <ActionForm action=create>
                <input type="hidden" name="id" value=client_id/>
                <input type="hidden" name="cycle_id" value=cycle_id.to_string()/>
                <input type="hidden" name="kpi_id" value=kpi_id.to_string()/>
                <div class="form-grid">
                    <div class="field field-wide">
                        <label for="from-kpi-title">"Objective"</label>
                        <input id="from-kpi-title" name="title" required maxlength="200"
                            value=suggestion.title aria-describedby="from-kpi-title-error"/>
                        <FieldError error field="title" id="from-kpi-title-error"/>
                    </div>
                    <div class="field field-wide">
                        <label for="from-kpi-why">"Why it is important"</label>
                        <textarea id="from-kpi-why" name="why_important" rows="2" maxlength="2000"
                            aria-describedby="from-kpi-why-error">{suggestion.why_important}</textarea>
                        <FieldError error field="why_important" id="from-kpi-why-error"/>
                    </div>
                    <div class="field">
                        <label for="from-kpi-unit">"Owning unit"</label>
                        <select id="from-kpi-unit" name="unit_id" aria-describedby="from-kpi-unit-error">{options}</select>
                        <FieldError error field="unit_id" id="from-kpi-unit-error"/>
                    </div>
                    <div class="field field-wide">
                        <label for="from-kpi-kr">"Key result (follows the KPI)"</label>
                        <input id="from-kpi-kr" name="key_result_title" required maxlength="200"
                            value=suggestion.key_result_title aria-describedby="from-kpi-kr-error"/>
                        <FieldError error field="key_result_title" id="from-kpi-kr-error"/>
                    </div>
                    <div class="field">
                        <label for="from-kpi-start">"From (latest reading)"</label>
                        <input id="from-kpi-start" name="start" inputmode="decimal" required
                            value=format_number(suggestion.start) aria-describedby="from-kpi-start-error"/>
                        <FieldError error field="start" id="from-kpi-start-error"/>
                    </div>
                    <div class="field">
                        <label for="from-kpi-target">"To (healthy)"</label>
                        <input id="from-kpi-target" name="target" inputmode="decimal" required
                            value=format_number(suggestion.target) aria-describedby="from-kpi-target-error"/>
                        <FieldError error field="target" id="from-kpi-target-error"/>
                    </div>
                </div>
                <FormAlert error fields=&["id", "cycle_id", "kpi_id"]/>
                <button type="submit" class="button button-primary" disabled=move || !may || create.pending().get()>
                    "Add objective"
                </button>
            </ActionForm>
        </section>
    }
}
