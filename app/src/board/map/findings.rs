//! What the map finds for you, beside the picture: gaps, overlaps (with the
//! merge and "different goals"), and units that could plan together. Each
//! finding lights what it is about on the map.

use super::graph::MapGraph;
use crate::board::OverlapPair;
use crate::board::alignment::{dismiss_overlap, get_overlaps, merge_objectives};
use crate::board::page::BoardContext;
use crate::domain::permissions::Change;
use crate::error::AppError;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// A finding picked in a list: what the map lights.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Lit {
    /// Which finding ("gap-3", "overlap-<a>-<b>"), to unpick it again.
    pub key: String,
    pub objectives: Vec<String>,
    pub units: Vec<i64>,
}

/// A finding's button: lights its objectives (and units), or unlights them.
fn pick(picked: RwSignal<Option<Lit>>, selected: RwSignal<Option<String>>, lit: Lit) {
    selected.set(None);
    picked.update(|p| {
        *p = if p.as_ref().is_some_and(|p| p.key == lit.key) {
            None
        } else {
            Some(lit)
        }
    });
}

fn pressed(picked: RwSignal<Option<Lit>>, key: &str) -> String {
    picked
        .with(|p| p.as_ref().is_some_and(|p| p.key == key))
        .to_string()
}

#[component]
pub fn Findings(
    graph: Memo<MapGraph>,
    picked: RwSignal<Option<Lit>>,
    selected: RwSignal<Option<String>>,
) -> impl IntoView {
    view! {
        <aside class="map-gaps" aria-label="Findings">
            <GapList graph picked selected/>
            <OverlapList picked selected/>
            <OpportunityList graph picked selected/>
        </aside>
    }
}

/// The gaps: each lights its objectives and units.
#[component]
fn GapList(
    graph: Memo<MapGraph>,
    picked: RwSignal<Option<Lit>>,
    selected: RwSignal<Option<String>>,
) -> impl IntoView {
    let count = move || graph.with(|g| g.gaps.len());
    let items = move || {
        graph.with(|g| {
            g.gaps
                .iter()
                .enumerate()
                .map(|(i, gap)| {
                    let key = format!("gap-{i}");
                    let lit = Lit {
                        key: key.clone(),
                        objectives: gap.objectives.clone(),
                        units: gap.units.clone(),
                    };
                    view! {
                        <li>
                            <button type="button" class="gap" aria-pressed=move || pressed(picked, &key)
                                on:click=move |_| pick(picked, selected, lit.clone())>
                                {gap.sentence.clone()}
                            </button>
                        </li>
                    }
                })
                .collect_view()
        })
    };
    view! {
        <section aria-labelledby="gaps-heading">
            <h2 id="gaps-heading">"Gaps " <span class="count">{count}</span></h2>
            {move || (count() == 0).then(|| view! { <p class="muted">"Every unit's objectives connect: no gaps found."</p> })}
            <ul aria-label="Gaps">{items}</ul>
        </section>
    }
}

/// Units supporting one objective apart: each lights both units' objectives.
#[component]
fn OpportunityList(
    graph: Memo<MapGraph>,
    picked: RwSignal<Option<Lit>>,
    selected: RwSignal<Option<String>>,
) -> impl IntoView {
    let count = move || graph.with(|g| g.opportunities.len());
    let items = move || {
        graph.with(|g| {
            g.opportunities
                .iter()
                .map(|o| {
                    let key = format!("together-{}-{}-{}", o.objective, o.units.0, o.units.1);
                    let lit = Lit {
                        key: key.clone(),
                        objectives: o.objectives.clone(),
                        units: vec![o.units.0, o.units.1],
                    };
                    view! {
                        <li>
                            <button type="button" class="gap" aria-pressed=move || pressed(picked, &key)
                                on:click=move |_| pick(picked, selected, lit.clone())>
                                {o.sentence.clone()}
                            </button>
                        </li>
                    }
                })
                .collect_view()
        })
    };
    view! {
        <section aria-labelledby="together-heading">
            <h2 id="together-heading">"Could plan together " <span class="count">{count}</span></h2>
            {move || (count() == 0).then(|| view! { <p class="muted">"No two units work towards one objective apart."</p> })}
            <ul aria-label="Could plan together">{items}</ul>
        </section>
    }
}

/// Objectives of different units that look like one goal, from the server
/// (it compares their words), asked again whenever the board changes.
#[component]
fn OverlapList(picked: RwSignal<Option<Lit>>, selected: RwSignal<Option<String>>) -> impl IntoView {
    let ctx = expect_context::<BoardContext>();
    let asked = RwSignal::new(0u32);
    let overlaps = Resource::new(
        move || (ctx.board.with(|b| (b.cycle.id, b.version)), asked.get()),
        |((cycle, _), _)| get_overlaps(cycle),
    );
    let refresh = Callback::new(move |()| asked.update(|n| *n += 1));
    view! {
        <section aria-labelledby="overlaps-heading">
            <Transition fallback=|| view! { <h2 id="overlaps-heading">"Overlaps"</h2><p class="muted">"Comparing objectives…"</p> }>
                {crate::components::suspended(move || Suspend::new(async move {
                    match overlaps.await {
                        Ok(found) => {
                            let count = found.len();
                            view! {
                                <h2 id="overlaps-heading">"Overlaps " <span class="count">{count}</span></h2>
                                {(count == 0).then(|| view! { <p class="muted">"No two units' objectives look like the same goal."</p> })}
                                <ul aria-label="Overlaps">
                                    {found.into_iter().map(|pair| view! { <OverlapItem pair picked selected refresh/> }).collect_view()}
                                </ul>
                            }
                            .into_any()
                        }
                        Err(error) => view! {
                            <h2 id="overlaps-heading">"Overlaps"</h2>
                            <p class="field-error" role="alert">{error.to_string()}</p>
                        }
                        .into_any(),
                    }
                }))}
            </Transition>
        </section>
    }
}

#[component]
fn OverlapItem(
    pair: OverlapPair,
    picked: RwSignal<Option<Lit>>,
    selected: RwSignal<Option<String>>,
    refresh: Callback<()>,
) -> impl IntoView {
    let ctx = expect_context::<BoardContext>();
    let (first, second) = ctx.board.with_untracked(|b| {
        let find = |id: &str| b.objectives.iter().find(|o| o.id == id).cloned();
        (find(&pair.first), find(&pair.second))
    });
    let (Some(first), Some(second)) = (first, second) else {
        return ().into_any();
    };
    let (may_merge, may_dismiss, first_unit, second_unit) = ctx.board.with_untracked(|b| {
        let (a, c) = (b.may(Change::Edit, &first), b.may(Change::Edit, &second));
        (
            a && c,
            a || c,
            b.unit_name(first.unit_id),
            b.unit_name(second.unit_id),
        )
    });
    let key = format!("overlap-{}-{}", first.id, second.id);
    let lit = Lit {
        key: key.clone(),
        objectives: vec![first.id.clone(), second.id.clone()],
        units: vec![first.unit_id, second.unit_id],
    };
    let confirming = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let ids = StoredValue::new((first.id.clone(), second.id.clone()));
    let done = move |result: Result<(), AppError>| {
        busy.set(false);
        match result {
            Ok(()) => {
                picked.set(None);
                refresh.run(());
            }
            Err(AppError::Invalid { message, .. }) => error.set(Some(message)),
            Err(other) => error.set(Some(other.to_string())),
        }
    };
    let merge = move |_| {
        busy.set(true);
        error.set(None);
        let (a, b) = ids.get_value();
        spawn_local(async move {
            let result = merge_objectives(a, b).await.map(|saved| ctx.saved(saved));
            done(result);
        });
    };
    let dismiss = move |_| {
        busy.set(true);
        error.set(None);
        let (a, b) = ids.get_value();
        spawn_local(async move { done(dismiss_overlap(a, b).await) });
    };
    let sentence = format!(
        "“{}” ({first_unit}) and “{}” ({second_unit}) look like the same goal",
        first.title, second.title
    );
    let question = format!(
        "Make “{}” part of “{}”? One objective, owned by {first_unit} and shared with {second_unit}; both units' key results and links are kept.",
        second.title, first.title
    );
    view! {
        <li class="overlap">
            <button type="button" class="gap" aria-pressed=move || pressed(picked, &key)
                on:click=move |_| pick(picked, selected, lit.clone())>
                {sentence} <span class="overlap-score">{pair.alike()}</span>
            </button>
            {(may_merge || may_dismiss).then(|| view! {
                <div class="inline-form overlap-actions" hidden=move || confirming.get()>
                    {may_merge.then(|| view! {
                        <button type="button" class="button button-small" disabled=move || busy.get()
                            on:click=move |_| confirming.set(true)>"Make it one shared objective"</button>
                    })}
                    <button type="button" class="button button-small" disabled=move || busy.get()
                        on:click=dismiss>"Different goals"</button>
                </div>
            })}
            <Show when=move || confirming.get()>
                <div class="overlap-confirm" role="group" aria-label="Merge the two objectives">
                    <p>{question.clone()}</p>
                    <div class="inline-form">
                        <button type="button" class="button button-small button-primary" disabled=move || busy.get()
                            on:click=merge>"Merge"</button>
                        <button type="button" class="button button-small" on:click=move |_| confirming.set(false)>"Cancel"</button>
                    </div>
                </div>
            </Show>
            <p class="field-error" role="alert" hidden=move || error.with(Option::is_none)>{move || error.get()}</p>
        </li>
    }
    .into_any()
}
