//! `/kpis/:id`: one KPI — its status and why it is flagged, the full
//! history over the threshold bands, readings typed or pasted as CSV, the
//! key results that follow it, "Create an objective from this KPI" when it
//! is flagged, and its definition for those who may change it. Live.

use super::form::KpiForm;
use super::live::watch;
use super::page::HealthBadge;
use super::{AddKpiReading, KpiChart, KpiDetail, MAX_NOTE, PasteKpiReadings, SaveKpi, get_kpi};
use crate::auth::SignedIn;
use crate::components::{ErrorPanel, FieldError, FormAlert, last_error, reset_after};
use crate::live::SessionEndedNotice;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn KpiPage() -> impl IntoView {
    let id = crate::components::id_param();
    view! {
        <SignedIn render=move |_| {
            let live = watch(Signal::derive(move || Some(id())));
            // Changes made here reload the page's data too.
            let saved = RwSignal::new(0u32);
            let detail = Resource::new(
                move || (id(), live.changes.get(), saved.get()),
                |(id, _, _)| get_kpi(id),
            );
            view! {
                <main class="page kpi-page">
                    {move || live.ended.get().map(|reason| view! { <SessionEndedNotice reason/> })}
                    <Transition fallback=|| view! { <p class="loading">"Loading the KPI…"</p> }>
                        {crate::components::suspended(move || Suspend::new(async move {
                            match detail.await {
                                Ok(detail) => view! { <Detail detail saved/> }.into_any(),
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
fn Detail(detail: KpiDetail, saved: RwSignal<u32>) -> impl IntoView {
    let kpi = detail.kpi;
    let flag = kpi.flag.map(|f| format!("Flagged: {}", f.words()));
    let latest = kpi
        .latest()
        .map(|r| format!("{} on {}", kpi.with_unit(r.value), r.on));
    let editing = RwSignal::new(false);
    let edit = ServerAction::<SaveKpi>::new();
    Effect::new(move |_| {
        if let Some(Ok(_)) = edit.value().get() {
            editing.set(false);
            saved.update(|n| *n += 1);
        }
    });
    let suggestion = detail.suggestion.map(|s| {
        let href = format!("/cycles/{}/board?from_kpi={}", s.cycle_id, kpi.id);
        view! {
            <section class="panel kpi-suggestion" aria-labelledby="suggestion-heading">
                <h2 id="suggestion-heading">"Time for an objective?"</h2>
                <p>{s.why_important.clone()}</p>
                <p class="muted">"Suggested: “" {s.title.clone()} "”, with the key result “"
                    {s.key_result_title.clone()} "” following this KPI."</p>
                <a class="button button-primary" href=href>"Create an objective from this KPI"</a>
            </section>
        }
    });
    let readings_table = {
        let rows = kpi
            .readings
            .iter()
            .rev()
            .map(|r| {
                view! {
                    <tr>
                        <td>{r.on.clone()}</td>
                        <td><strong>{kpi.with_unit(r.value)}</strong></td>
                        <td><span class=format!("health-badge health-{}", r.health.as_str())>{r.health.words()}</span></td>
                        <td>{r.note.clone()}</td>
                        <td class="muted">{r.by.clone()}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <table class="table kpi-readings">
                <thead><tr><th>"Date"</th><th>"Value"</th><th>"Status"</th><th>"Note"</th><th>"Recorded by"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        }
    };
    let replaced = (!detail.replaced.is_empty()).then(|| {
        let items = detail
            .replaced
            .iter()
            .map(|r| {
                view! {
                    <li>{format!("{}: {} by {}, replaced {}", r.on, kpi.with_unit(r.value), r.by, &r.replaced_at[..r.replaced_at.len().min(10)])}</li>
                }
            })
            .collect_view();
        view! {
            <details class="kpi-replaced">
                <summary>{format!("Replaced readings ({})", detail.replaced.len())}</summary>
                <ul>{items}</ul>
            </details>
        }
    });
    let linked = (!detail.linked.is_empty()).then(|| {
        let items = detail
            .linked
            .iter()
            .map(|l| {
                view! {
                    <li>
                        <a href=format!("/objectives/{}", l.objective_id)>{l.key_result.clone()}</a>
                        <span class="muted">{format!(" · {} · {}", l.objective, l.cycle)}</span>
                    </li>
                }
            })
            .collect_view();
        view! {
            <section aria-labelledby="linked-heading">
                <h2 id="linked-heading">"Key results following this KPI"</h2>
                <p class="muted">"Each reading is a check-in on them."</p>
                <ul class="plain-list">{items}</ul>
            </section>
        }
    });
    let edit_form = kpi.can_edit.then(|| {
        let (units, people, current) = (detail.units, detail.people, kpi.clone());
        view! {
            <section aria-labelledby="definition-heading">
                <h2 id="definition-heading">"Definition"</h2>
                <Show when=move || editing.get()
                    fallback=move || view! {
                        <button type="button" class="button" on:click=move |_| editing.set(true)>"Edit KPI"</button>
                    }>
                    <div class="panel">
                        <KpiForm action=edit kpi=Some(current.clone()) units=units.clone() people=people.clone()
                            on_cancel=move |_| editing.set(false)/>
                    </div>
                </Show>
            </section>
        }
    });
    let record = kpi
        .can_record
        .then(|| view! { <Record kpi_id=kpi.id unit_label=kpi.unit_label.clone() today=detail.today.clone() saved/> });
    view! {
        <Title text=format!("{} · KPIs · Northstar", kpi.name)/>
        <header class="page-header">
            <p class="breadcrumb"><a href="/kpis">"KPIs"</a> " › "
                <a href=format!("/units/{}/review", kpi.unit_id)>{kpi.unit.clone()}</a></p>
            <h1>{kpi.name.clone()}</h1>
            <p class="kpi-status-line">
                <HealthBadge kpi=kpi.clone()/>
                {flag.map(|f| view! { <span class="flag-badge">{f}</span> })}
                <span class="muted">{latest.map_or_else(|| "No readings yet.".to_owned(), |l| format!("Latest: {l}"))}</span>
            </p>
            <p class="muted">{format!("{} · {} · read {} · owner {}", kpi.bands(), kpi.direction.words(), kpi.cadence.as_str(), kpi.owner)}</p>
            {(!kpi.description.is_empty()).then(|| view! { <p>{kpi.description.clone()}</p> })}
        </header>
        {suggestion}
        <section aria-labelledby="history-heading">
            <h2 id="history-heading">"History"</h2>
            <KpiChart kpi=kpi.clone()/>
        </section>
        {record}
        <section aria-labelledby="readings-heading">
            <h2 id="readings-heading">"Readings"</h2>
            {if kpi.readings.is_empty() {
                view! { <p class="muted">"None yet."</p> }.into_any()
            } else {
                readings_table.into_any()
            }}
            {replaced}
        </section>
        {linked}
        {edit_form}
    }
}

/// A reading typed in, or many pasted as CSV.
#[component]
fn Record(kpi_id: i64, unit_label: String, today: String, saved: RwSignal<u32>) -> impl IntoView {
    let add = ServerAction::<AddKpiReading>::new();
    let paste = ServerAction::<PasteKpiReadings>::new();
    let add_error = last_error(add);
    let paste_error = last_error(paste);
    let add_form = NodeRef::<leptos::html::Form>::new();
    let paste_form = NodeRef::<leptos::html::Form>::new();
    reset_after(add, add_form);
    reset_after(paste, paste_form);
    Effect::new(move |_| {
        if matches!(add.value().get(), Some(Ok(_))) || matches!(paste.value().get(), Some(Ok(_))) {
            saved.update(|n| *n += 1);
        }
    });
    let value_label = if unit_label.is_empty() {
        "Value".to_owned()
    } else {
        format!("Value ({unit_label})")
    };
    view! {
        <section class="panel kpi-record" aria-labelledby="record-heading">
            <h2 id="record-heading">"Add a reading"</h2>
            <ActionForm action=add node_ref=add_form attr:class="kpi-reading-form">
                <input type="hidden" name="kpi_id" value=kpi_id.to_string()/>
                <div class="form-grid form-grid-tight">
                    <div class="field">
                        <label for="reading-on">"Date"</label>
                        <input id="reading-on" name="on" type="date" value=today.clone() max=today
                            required aria-describedby="reading-on-error"/>
                        <FieldError error=add_error field="on" id="reading-on-error"/>
                    </div>
                    <div class="field">
                        <label for="reading-value">{value_label}</label>
                        <input id="reading-value" name="value" inputmode="decimal" required
                            aria-describedby="reading-value-error"/>
                        <FieldError error=add_error field="value" id="reading-value-error"/>
                    </div>
                    <div class="field field-wide">
                        <label for="reading-note">"Note"</label>
                        <input id="reading-note" name="note" maxlength=MAX_NOTE.to_string()
                            placeholder="What explains it" aria-describedby="reading-note-error"/>
                        <FieldError error=add_error field="note" id="reading-note-error"/>
                    </div>
                </div>
                <FormAlert error=add_error fields=&["kpi_id"]/>
                <button type="submit" class="button button-primary" disabled=move || add.pending().get()>"Add reading"</button>
            </ActionForm>
            <details class="kpi-paste">
                <summary>"Paste readings as CSV"</summary>
                <ActionForm action=paste node_ref=paste_form>
                    <input type="hidden" name="kpi_id" value=kpi_id.to_string()/>
                    <div class="field">
                        <label for="readings-csv">"One reading per line: date,value"</label>
                        <textarea id="readings-csv" name="csv" rows="6" class="mono"
                            placeholder="2026-11-02,5.1\n2026-11-09,4.6" aria-describedby="readings-csv-error"></textarea>
                        <FieldError error=paste_error field="csv" id="readings-csv-error"/>
                    </div>
                    <p class="hint">"Nothing is stored unless every line is right; a date already read is replaced and the old reading kept."</p>
                    <FormAlert error=paste_error fields=&["kpi_id"]/>
                    <button type="submit" class="button" disabled=move || paste.pending().get()>"Add these readings"</button>
                </ActionForm>
            </details>
        </section>
    }
}
