//! The KPI form: define a KPI or change one. It keeps what was typed when
//! the server refuses it, with the reason under the field.

use super::{Choice, Kpi, MAX_DESCRIPTION, MAX_NAME, MAX_UNIT_LABEL, SaveKpi};
use crate::components::{FieldError, FormAlert, last_error};
use crate::domain::kpi::{Cadence, Direction};
use crate::domain::progress::format_number;
use leptos::prelude::*;

/// `kpi` `None` defines a new one (for `unit`, if given).
#[component]
pub fn KpiForm(
    action: ServerAction<SaveKpi>,
    kpi: Option<Kpi>,
    units: Vec<Choice>,
    people: Vec<Choice>,
    #[prop(optional)] unit: Option<i64>,
    #[prop(into)] on_cancel: Callback<()>,
) -> impl IntoView {
    let error = last_error(action);
    let prefix = kpi
        .as_ref()
        .map_or_else(|| "kpi-new".to_owned(), |k| format!("kpi-{}", k.id));
    let id = {
        let prefix = prefix.clone();
        move |field: &str| format!("{prefix}-{field}")
    };
    let err = move |field: &str| format!("{prefix}-{field}-error");
    let value = {
        let kpi = kpi.clone();
        move |f: fn(&Kpi) -> String| kpi.as_ref().map(f).unwrap_or_default()
    };
    let chosen_unit = kpi.as_ref().map(|k| k.unit_id).or(unit);
    let chosen_owner = kpi.as_ref().map(|k| k.owner_id);
    let direction = kpi
        .as_ref()
        .map_or(Direction::LowerIsBetter, |k| k.direction);
    let cadence = kpi.as_ref().map_or(Cadence::Weekly, |k| k.cadence);
    let editing = kpi.is_some();
    let unit_options = units
        .into_iter()
        .map(|u| view! { <option value=u.id.to_string() selected=Some(u.id) == chosen_unit>{u.label}</option> })
        .collect_view();
    let owner_options = people
        .into_iter()
        .map(|p| view! { <option value=p.id.to_string() selected=Some(p.id) == chosen_owner>{p.label}</option> })
        .collect_view();
    let cadence_options = Cadence::ALL
        .into_iter()
        .map(|c| {
            let label = match c {
                Cadence::Daily => "Daily",
                Cadence::Weekly => "Weekly",
                Cadence::Monthly => "Monthly",
            };
            view! { <option value=c.as_str() selected=c == cadence>{label}</option> }
        })
        .collect_view();
    view! {
        <ActionForm action attr:class="kpi-form">
            <input type="hidden" name="id" value=value(|k| k.id.to_string())/>
            <input type="hidden" name="version" value=value(|k| k.version.to_string())/>
            <div class="form-grid">
                <div class="field field-wide">
                    <label for=id("name")>"Name"</label>
                    <input id=id("name") name="name" required maxlength=MAX_NAME.to_string()
                        value=value(|k| k.name.clone()) placeholder="Average reply time"
                        aria-describedby=err("name")/>
                    <FieldError error field="name" id=err("name")/>
                </div>
                <div class="field field-wide">
                    <label for=id("description")>"What it measures"</label>
                    <textarea id=id("description") name="description" rows="2" maxlength=MAX_DESCRIPTION.to_string()
                        aria-describedby=err("description")>{value(|k| k.description.clone())}</textarea>
                    <FieldError error field="description" id=err("description")/>
                </div>
                <div class="field">
                    <label for=id("unit")>"Owning unit"</label>
                    <select id=id("unit") name="unit_id" aria-describedby=err("unit_id")>{unit_options}</select>
                    <FieldError error field="unit_id" id=err("unit_id")/>
                </div>
                <div class="field">
                    <label for=id("owner")>"Owner"</label>
                    <select id=id("owner") name="owner_id" aria-describedby=err("owner_id")>
                        {(!editing).then(|| view! { <option value="">"Choose…"</option> })}
                        {owner_options}
                    </select>
                    <FieldError error field="owner_id" id=err("owner_id")/>
                </div>
                <div class="field">
                    <label for=id("unit-label")>"Measured in"</label>
                    <input id=id("unit-label") name="unit_label" maxlength=MAX_UNIT_LABEL.to_string()
                        value=value(|k| k.unit_label.clone()) placeholder="h, %, €"
                        aria-describedby=err("unit_label")/>
                    <FieldError error field="unit_label" id=err("unit_label")/>
                </div>
                <div class="field">
                    <label for=id("direction")>"Direction"</label>
                    <select id=id("direction") name="direction" aria-describedby=err("direction")>
                        <option value="higher" selected=direction == Direction::HigherIsBetter>"Higher is better"</option>
                        <option value="lower" selected=direction == Direction::LowerIsBetter>"Lower is better"</option>
                    </select>
                    <FieldError error field="direction" id=err("direction")/>
                </div>
                <div class="field">
                    <label for=id("healthy")>"Healthy from"</label>
                    <input id=id("healthy") name="healthy" inputmode="decimal" required
                        value=value(|k| format_number(k.healthy)) aria-describedby=err("healthy")/>
                    <FieldError error field="healthy" id=err("healthy")/>
                </div>
                <div class="field">
                    <label for=id("critical")>"Critical from"</label>
                    <input id=id("critical") name="critical" inputmode="decimal" required
                        value=value(|k| format_number(k.critical)) aria-describedby=err("critical")/>
                    <FieldError error field="critical" id=err("critical")/>
                </div>
                <div class="field">
                    <label for=id("cadence")>"Read"</label>
                    <select id=id("cadence") name="cadence" aria-describedby=err("cadence")>{cadence_options}</select>
                    <FieldError error field="cadence" id=err("cadence")/>
                </div>
            </div>
            <p class="hint">"Between the two thresholds a reading is a warning. Two warnings in a row, one critical reading, or no reading for twice the cadence flags the KPI."</p>
            <FormAlert error fields=&["id", "version"]/>
            <div class="form-actions">
                <button type="submit" class="button button-primary" disabled=move || action.pending().get()>
                    {if editing { "Save KPI" } else { "Add KPI" }}
                </button>
                <button type="button" class="button" on:click=move |_| on_cancel.run(())>"Cancel"</button>
            </div>
        </ActionForm>
    }
}
