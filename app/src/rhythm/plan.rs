//! The communication plan on a cycle's page: which meetings discuss OKRs,
//! at which level, how often, in which format, who runs them and what they
//! discuss — each with its next date and its agenda. The ambassador edits
//! every row in place; a lead adds and edits rows for their own units.

use super::{
    CyclePlan, DeletePlanMeeting, MAX_CUSTOM_NAME, MAX_FORMAT, MAX_OWNER, MAX_POINTS, PlanMeeting,
    SavePlanMeeting, UnitChoice,
};
use crate::checkins::short_day;
use crate::components::{FieldError, FormAlert, last_error};
use crate::domain::rhythm::{Frequency, Level, MeetingKind, WEEKDAYS, weekday_name};
use leptos::prelude::*;

/// The plan, with the forms the person may use. `changed` is raised after
/// every saved change, so the page reloads the plan.
#[component]
pub fn CommunicationPlan(plan: CyclePlan, changed: RwSignal<u32>) -> impl IntoView {
    let cycle_id = plan.cycle.id;
    let mut choices = Vec::new();
    if plan.may_add_for_everyone {
        choices.push(UnitChoice {
            id: 0,
            label: "Everyone".into(),
        });
    }
    choices.extend(plan.may_add_for.iter().cloned());
    let may_add = !choices.is_empty();
    let empty = plan.meetings.is_empty();
    let rows = plan
        .meetings
        .into_iter()
        .map(|meeting| {
            let choices = choices.clone();
            view! { <MeetingRow meeting cycle_id choices changed/> }
        })
        .collect_view();
    view! {
        <section class="panel plan" aria-labelledby="plan-heading">
            <h2 id="plan-heading">"Communication plan"</h2>
            <p class="muted">
                "Where OKRs are discussed this cycle: inside the meetings people already hold, at every level."
            </p>
            {if empty {
                view! {
                    <p class="empty">
                        {if may_add {
                            "No meetings in this plan yet. Add the first one below: start with the team weekly."
                        } else {
                            "No meetings in this plan yet. Your OKR ambassador sets it up."
                        }}
                    </p>
                }
                    .into_any()
            } else {
                view! { <ul class="plan-meetings" aria-label="Meetings">{rows}</ul> }.into_any()
            }}
            {may_add
                .then(|| {
                    view! {
                        <details class="plan-add">
                            <summary class="button">"Add a meeting"</summary>
                            <MeetingForm cycle_id meeting=None choices changed/>
                        </details>
                    }
                })}
        </section>
    }
}

#[component]
fn MeetingRow(
    meeting: PlanMeeting,
    cycle_id: i64,
    choices: Vec<UnitChoice>,
    changed: RwSignal<u32>,
) -> impl IntoView {
    let name = meeting.name();
    let when = format!(
        "{}, {}",
        meeting.frequency.label(),
        weekday_name(meeting.weekday)
    );
    let next = meeting.next_on.as_deref().map_or_else(
        || "no more this cycle".to_owned(),
        |day| format!("next {}", short_day(day)),
    );
    let points: Vec<String> = meeting
        .points
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(str::to_owned)
        .collect();
    let agenda = meeting.agenda.clone().map(|href| {
        let label = format!("Agenda of {name}");
        view! { <a class="button" href=href aria-label=label>"Agenda"</a> }
    });
    let editing = meeting.may_edit.then(|| {
        let label = format!("Edit {name}");
        view! {
            <details class="plan-edit">
                <summary aria-label=label>"Edit"</summary>
                <MeetingForm cycle_id meeting=Some(meeting.clone()) choices changed/>
                <RemoveMeeting meeting=meeting.clone() changed/>
            </details>
        }
    });
    view! {
        <li class="plan-meeting" data-meeting=name.clone()>
            <div class="plan-meeting-head">
                <h3>{name.clone()}</h3>
                <span class="tag">{meeting.level.label()}</span>
                <span class="muted">{meeting.held_for.clone()}</span>
                <span class="plan-when">{when} " · " {next}</span>
                {agenda}
            </div>
            <p class="plan-format">
                {meeting.format.clone()}
                {(!meeting.owner.is_empty()).then(|| view! { <span class="muted">" · run by " {meeting.owner.clone()}</span> })}
            </p>
            {(!points.is_empty())
                .then(|| {
                    view! {
                        <ul class="plan-points">
                            {points.into_iter().map(|point| view! { <li>{point}</li> }).collect_view()}
                        </ul>
                    }
                })}
            {editing}
        </li>
    }
}

#[component]
fn RemoveMeeting(meeting: PlanMeeting, changed: RwSignal<u32>) -> impl IntoView {
    let remove = ServerAction::<DeletePlanMeeting>::new();
    crate::components::reload_after(remove, changed);
    let error = last_error(remove);
    let label = format!("Remove {}", meeting.name());
    view! {
        <ActionForm action=remove attr:class="plan-remove">
            <input type="hidden" name="id" value=meeting.id.to_string()/>
            <input type="hidden" name="version" value=meeting.version.to_string()/>
            <button type="submit" class="button button-danger" aria-label=label>"Remove"</button>
            <FormAlert error/>
        </ActionForm>
    }
}

/// Adds a meeting (`meeting` `None`) or edits one; keeps what was typed
/// when the server refuses it, with the reason under the field.
#[component]
fn MeetingForm(
    cycle_id: i64,
    meeting: Option<PlanMeeting>,
    choices: Vec<UnitChoice>,
    changed: RwSignal<u32>,
) -> impl IntoView {
    let save = ServerAction::<SavePlanMeeting>::new();
    crate::components::reload_after(save, changed);
    let error = last_error(save);
    let prefix = meeting
        .as_ref()
        .map_or_else(|| "meeting-new".to_owned(), |m| format!("meeting-{}", m.id));
    let id = {
        let prefix = prefix.clone();
        move |field: &str| format!("{prefix}-{field}")
    };
    let err = move |field: &str| format!("{prefix}-{field}-error");
    let kind = meeting.as_ref().map_or(MeetingKind::TeamWeekly, |m| m.kind);
    let level = meeting.as_ref().map_or(Level::Team, |m| m.level);
    let frequency = meeting.as_ref().map_or(Frequency::Weekly, |m| m.frequency);
    let weekday = meeting.as_ref().map_or(1, |m| m.weekday);
    let unit = meeting.as_ref().and_then(|m| m.unit_id).unwrap_or(0);
    let text = {
        let meeting = meeting.clone();
        move |f: fn(&PlanMeeting) -> String| meeting.as_ref().map(f).unwrap_or_default()
    };
    let kind_options = MeetingKind::ALL
        .into_iter()
        .map(|k| view! { <option value=k.as_str() selected=k == kind>{k.label()}</option> })
        .collect_view();
    let level_options = Level::ALL
        .into_iter()
        .map(|l| view! { <option value=l.as_str() selected=l == level>{l.label()}</option> })
        .collect_view();
    let frequency_options = Frequency::ALL
        .into_iter()
        .map(|f| view! { <option value=f.as_str() selected=f == frequency>{f.label()}</option> })
        .collect_view();
    let weekday_options = WEEKDAYS
        .into_iter()
        .map(
            |(n, name)| view! { <option value=n.to_string() selected=n == weekday>{name}</option> },
        )
        .collect_view();
    let unit_options = choices
        .into_iter()
        .map(|c| {
            let value = if c.id == 0 {
                String::new()
            } else {
                c.id.to_string()
            };
            view! { <option value=value selected=c.id == unit>{c.label}</option> }
        })
        .collect_view();
    let editing = meeting.is_some();
    view! {
        <ActionForm action=save attr:class="plan-form">
            <input type="hidden" name="cycle_id" value=cycle_id.to_string()/>
            <input type="hidden" name="id" value=text(|m| m.id.to_string())/>
            <input type="hidden" name="version" value=text(|m| m.version.to_string())/>
            // A new meeting's id for this form: a retried add is applied once.
            {(!editing).then(|| view! { <input type="hidden" name="client_id" value=crate::objectives::new_client_id()/> })}
            <div class="form-grid">
                <div class="field">
                    <label for=id("kind")>"Meeting"</label>
                    <select id=id("kind") name="kind" aria-describedby=err("kind")>{kind_options}</select>
                    <FieldError error field="kind" id=err("kind")/>
                </div>
                <div class="field">
                    <label for=id("custom-name")>"Its name, for another meeting"</label>
                    <input id=id("custom-name") name="custom_name" maxlength=MAX_CUSTOM_NAME.to_string()
                        value=text(|m| m.custom_name.clone()) placeholder="Sales pipeline review"
                        aria-describedby=err("custom_name")/>
                    <FieldError error field="custom_name" id=err("custom_name")/>
                </div>
                <div class="field">
                    <label for=id("level")>"Level"</label>
                    <select id=id("level") name="level" aria-describedby=err("level")>{level_options}</select>
                    <FieldError error field="level" id=err("level")/>
                </div>
                <div class="field">
                    <label for=id("unit")>"Held for"</label>
                    <select id=id("unit") name="unit_id" aria-describedby=err("unit_id")>{unit_options}</select>
                    <FieldError error field="unit_id" id=err("unit_id")/>
                </div>
                <div class="field">
                    <label for=id("frequency")>"How often"</label>
                    <select id=id("frequency") name="frequency" aria-describedby=err("frequency")>{frequency_options}</select>
                    <FieldError error field="frequency" id=err("frequency")/>
                </div>
                <div class="field">
                    <label for=id("weekday")>"On"</label>
                    <select id=id("weekday") name="weekday" aria-describedby=err("weekday")>{weekday_options}</select>
                    <FieldError error field="weekday" id=err("weekday")/>
                </div>
                <div class="field field-wide">
                    <label for=id("format")>"Format"</label>
                    <input id=id("format") name="format" maxlength=MAX_FORMAT.to_string()
                        value=text(|m| m.format.clone())
                        placeholder="15 minutes at the start of the Monday stand-up"
                        aria-describedby=err("format")/>
                    <FieldError error field="format" id=err("format")/>
                </div>
                <div class="field">
                    <label for=id("owner")>"Run by"</label>
                    <input id=id("owner") name="owner" maxlength=MAX_OWNER.to_string()
                        value=text(|m| m.owner.clone()) placeholder="Team lead"
                        aria-describedby=err("owner")/>
                    <FieldError error field="owner" id=err("owner")/>
                </div>
                <div class="field field-wide">
                    <label for=id("points")>"Discussion points, one per line"</label>
                    <textarea id=id("points") name="points" rows="4" maxlength=MAX_POINTS.to_string()
                        aria-describedby=err("points")>{text(|m| m.points.clone())}</textarea>
                    <FieldError error field="points" id=err("points")/>
                </div>
            </div>
            <FormAlert error fields=&["id", "version"]/>
            <button type="submit" class="button button-primary" disabled=move || save.pending().get()>
                {if editing { "Save meeting" } else { "Add meeting" }}
            </button>
        </ActionForm>
    }
}
