//! `/kpis`: the organisation's KPIs by unit, each with its latest reading,
//! its status, why it is flagged and a sparkline over the threshold bands;
//! and the same table as a section of each unit's page. Both stay live.

use super::form::KpiForm;
use super::live::watch;
use super::{Kpi, KpiList, SaveKpi, Sparkline, list_kpis, unit_kpis};
use crate::auth::SignedIn;
use crate::components::ErrorPanel;
use crate::live::SessionEndedNotice;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn KpiListPage() -> impl IntoView {
    view! {
        <SignedIn render=move |_| {
            let live = watch(Signal::stored(None));
            let kpis = Resource::new(move || live.changes.get(), |_| list_kpis());
            view! {
                <Title text="KPIs · Northstar"/>
                <main class="page kpis-page">
                    <header class="page-header">
                        <h1>"KPIs"</h1>
                        <p class="muted">"The health of business as usual. While a KPI is healthy, all is well; when one turns unhealthy, that is the moment for an objective."</p>
                    </header>
                    {move || live.ended.get().map(|reason| view! { <SessionEndedNotice reason/> })}
                    <Transition fallback=|| view! { <p class="loading">"Loading KPIs…"</p> }>
                        {crate::components::suspended(move || Suspend::new(async move {
                            match kpis.await {
                                Ok(list) => view! { <Listing list/> }.into_any(),
                                Err(error) => view! { <ErrorPanel error/> }.into_any(),
                            }
                        }))}
                    </Transition>
                </main>
            }
        }/>
    }
}

#[component]
fn Listing(list: KpiList) -> impl IntoView {
    let adding = RwSignal::new(false);
    let action = ServerAction::<SaveKpi>::new();
    let navigate = leptos_router::hooks::use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(kpi)) = action.value().get() {
            navigate(&format!("/kpis/{}", kpi.id), Default::default());
        }
    });
    let can_add = !list.units.is_empty();
    let (units, people) = (list.units, list.people);
    let flagged = list.kpis.iter().filter(|k| k.flag.is_some()).count();
    let total = list.kpis.len();
    // Group by unit, in the tree's order (the list comes sorted so).
    let mut groups: Vec<(String, i64, Vec<Kpi>)> = Vec::new();
    for kpi in list.kpis {
        match groups.last_mut() {
            Some((_, unit, kpis)) if *unit == kpi.unit_id => kpis.push(kpi),
            _ => groups.push((kpi.unit.clone(), kpi.unit_id, vec![kpi])),
        }
    }
    let summary = match (total, flagged) {
        (0, _) => "No KPIs yet.".to_owned(),
        (n, 0) => format!("{n} KPIs, none flagged."),
        (n, f) => format!("{n} KPIs, {f} flagged."),
    };
    view! {
        <div class="kpis-toolbar">
            <p class="kpis-summary" role="status">{summary}</p>
            {can_add.then(|| view! {
                <button type="button" class="button button-primary" on:click=move |_| adding.set(true)
                    hidden=move || adding.get()>"New KPI"</button>
            })}
        </div>
        {can_add.then(move || view! {
            <Show when=move || adding.get()>
                <section class="panel" aria-labelledby="new-kpi-heading">
                    <h2 id="new-kpi-heading">"New KPI"</h2>
                    <KpiForm action kpi=None units=units.clone() people=people.clone()
                        on_cancel=move |_| adding.set(false)/>
                </section>
            </Show>
        })}
        {(total == 0).then(|| view! {
            <p class="panel muted">
                {if can_add {
                    "Add the first KPI: a number your unit already watches, like average reply time or customer satisfaction."
                } else {
                    "No KPIs yet. Leads and the OKR ambassador add them."
                }}
            </p>
        })}
        {groups.into_iter().map(|(unit, unit_id, kpis)| view! {
            <section class="kpi-group" aria-label=format!("KPIs of {unit}")>
                <h2><a href=format!("/units/{unit_id}/review")>{unit.clone()}</a></h2>
                <KpiTable kpis/>
            </section>
        }).collect_view()}
    }
}

/// A status badge: healthy / warning / critical, or "No readings".
#[component]
pub fn HealthBadge(kpi: Kpi) -> impl IntoView {
    let (class, words) = match kpi.health {
        Some(health) => (health.as_str(), health.words()),
        None => ("none", "No readings"),
    };
    view! { <span class=format!("health-badge health-{class}")>{words}</span> }
}

#[component]
pub fn KpiTable(kpis: Vec<Kpi>) -> impl IntoView {
    view! {
        <table class="table kpi-table">
            <thead>
                <tr><th>"KPI"</th><th>"Latest"</th><th>"Status"</th><th>"Last readings"</th><th>"Owner"</th></tr>
            </thead>
            <tbody>
                {kpis.into_iter().map(|kpi| {
                    let latest = kpi.latest().map_or_else(
                        || "—".to_owned(),
                        |r| kpi.with_unit(r.value),
                    );
                    let on = kpi.latest().map(|r| r.on.clone()).unwrap_or_default();
                    let flag = kpi.flag.map(|f| format!("Flagged: {}", f.words()));
                    view! {
                        <tr class:row-flagged=kpi.flag.is_some() data-kpi=kpi.id.to_string()>
                            <td>
                                <a class="kpi-name" href=format!("/kpis/{}", kpi.id)>{kpi.name.clone()}</a>
                                <span class="muted kpi-cadence">{format!(" · {}", kpi.cadence.as_str())}</span>
                            </td>
                            <td class="kpi-latest"><strong>{latest}</strong><span class="muted kpi-date">{on}</span></td>
                            <td>
                                <HealthBadge kpi=kpi.clone()/>
                                {flag.map(|f| view! { <span class="flag-badge">{f}</span> })}
                            </td>
                            <td><Sparkline kpi=kpi.clone()/></td>
                            <td>{kpi.owner.clone()}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// The KPIs section of a unit's page.
#[component]
pub fn UnitKpis(unit_id: i64) -> impl IntoView {
    let live = watch(Signal::stored(None));
    let kpis = Resource::new(
        move || (unit_id, live.changes.get()),
        |(id, _)| unit_kpis(id),
    );
    view! {
        <section class="unit-kpis" aria-labelledby="unit-kpis-heading">
            <h2 id="unit-kpis-heading">"KPIs"</h2>
            <Transition fallback=|| view! { <p class="loading">"Loading KPIs…"</p> }>
                {crate::components::suspended(move || Suspend::new(async move {
                    match kpis.await {
                        Ok(list) if list.is_empty() => view! {
                            <p class="panel muted">"This unit has no KPIs. " <a href="/kpis">"All KPIs"</a></p>
                        }.into_any(),
                        Ok(kpis) => view! { <KpiTable kpis/> }.into_any(),
                        Err(error) => view! { <ErrorPanel error/> }.into_any(),
                    }
                }))}
            </Transition>
        </section>
    }
}
