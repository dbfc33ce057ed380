//! The planning checklist on a cycle's page, while the cycle plans: for
//! each unit, an objective drafted, whys answered, key results measurable,
//! proposals reviewed — and how many days of planning are left.

use super::Planning;
use crate::domain::rhythm::planning::Checklist;
use leptos::prelude::*;

#[component]
pub fn PlanningChecklist(planning: Planning, cycle_id: i64) -> impl IntoView {
    let days = match planning.days_left {
        0 => "Planning ends today.".to_owned(),
        1 => "1 day of planning left.".to_owned(),
        n => format!("{n} days of planning left."),
    };
    let ready = planning
        .units
        .iter()
        .filter(|u| u.checklist.done() == 4)
        .count();
    let total = planning.units.len();
    let rows = planning
        .units
        .into_iter()
        .map(|unit| {
            let c = unit.checklist;
            view! {
                <tr data-unit=unit.unit_path.clone()>
                    <th scope="row">
                        <a href=format!("/cycles/{cycle_id}/board")>{unit.unit_path.clone()}</a>
                    </th>
                    <Tick done=c.drafted() detail=drafted(&c)/>
                    <Tick done=c.whys_answered() detail=format!("{} of {}", c.with_whys, c.objectives)/>
                    <Tick done=c.data_ready() detail=format!("{} of {}", c.measurable, c.objectives)/>
                    <Tick done=c.reviewed() detail=reviewed(&c)/>
                    <td class="planning-done">{format!("{} / 4", c.done())}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="panel planning" aria-labelledby="planning-heading">
            <h2 id="planning-heading">"Planning checklist"</h2>
            <p class="muted">{days} " " {format!("{ready} of {total} units are ready to execute.")}</p>
            <div class="table-scroll">
                <table class="planning-table">
                    <thead>
                        <tr>
                            <th scope="col">"Unit"</th>
                            <th scope="col">"Objective drafted"</th>
                            <th scope="col">"Whys answered"</th>
                            <th scope="col">"Measurable"</th>
                            <th scope="col">"Reviewed by a lead"</th>
                            <th scope="col">"Done"</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
    }
}

fn drafted(c: &Checklist) -> String {
    match c.objectives {
        0 => "none yet".to_owned(),
        1 => "1 objective".to_owned(),
        n => format!("{n} objectives"),
    }
}

fn reviewed(c: &Checklist) -> String {
    match (c.waiting, c.drafts) {
        (0, 0) if c.objectives > 0 => "all reviewed".to_owned(),
        (0, 0) => "nothing to review".to_owned(),
        (0, d) => format!("{d} still drafts"),
        (w, _) => format!("{w} waiting"),
    }
}

#[component]
fn Tick(done: bool, detail: String) -> impl IntoView {
    let (mark, words) = if done {
        ("✓", "done")
    } else {
        ("○", "not yet")
    };
    view! {
        <td class=if done { "tick tick-done" } else { "tick" }>
            <span aria-hidden="true">{mark}</span>
            <span class="sr-only">{words} ", "</span>
            " " {detail}
        </td>
    }
}
