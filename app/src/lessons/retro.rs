//! A cycle's retrospective: the objectives still open, per unit, each with
//! a way to close it with its closing note right there.

use super::closing_form::{Closing, ClosingForm};
use super::{RetroObjective, open_objectives_of_cycle};
use crate::components::ErrorPanel;
use crate::domain::progress::format_percent;
use leptos::prelude::*;

#[component]
pub fn RetroOpenObjectives(cycle_id: i64) -> impl IntoView {
    let closed = RwSignal::new(0u32);
    // Loaded in the browser only: a resource created inside the cycles
    // list's own Suspense is a nested resource, and hydrating it raced the
    // outer one (a hydration panic on some loads of /cycles).
    let groups = LocalResource::new(move || {
        closed.track();
        open_objectives_of_cycle(cycle_id)
    });
    let heading = format!("retro-{cycle_id}-heading");
    let labelled_by = heading.clone();
    view! {
        <section class="retro" aria-labelledby=labelled_by>
            <h3 id=heading>"Still open"</h3>
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match groups.await {
                        Err(error) => view! { <ErrorPanel error/> }.into_any(),
                        Ok(retro) if retro.open.is_empty() && retro.closed == 0 => view! {
                            <p class="muted">"This cycle has no objectives."</p>
                        }.into_any(),
                        Ok(retro) if retro.open.is_empty() => view! {
                            <p class="muted">"Every objective of this cycle is closed. Its lessons are in "
                                <a href=format!("/lessons?cycle={cycle_id}")>"Lessons learned"</a>"."</p>
                        }.into_any(),
                        Ok(retro) => retro.open.into_iter().map(|group| view! {
                            <div class="retro-unit">
                                <h4>{group.unit}</h4>
                                <ul class="retro-list">
                                    {group.objectives.into_iter().map(|item| view! {
                                        <RetroItem item on_closed=Callback::new(move |_| closed.update(|n| *n += 1))/>
                                    }).collect_view()}
                                </ul>
                            </div>
                        }).collect_view().into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn RetroItem(item: RetroObjective, on_closed: Callback<()>) -> impl IntoView {
    let closing = RwSignal::new(false);
    let o = item.objective;
    let progress = format_percent(o.progress());
    let label = format!("Close {}", o.title);
    let objective = StoredValue::new(o.clone());
    view! {
        <li class="retro-item">
            <div class="retro-line">
                <a href=format!("/objectives/{}", o.id)>{o.title.clone()}</a>
                <span class=format!("status-badge status-{}", o.status.as_str())>{o.status.label()}</span>
                <span class="muted">{progress} " progress"</span>
                {(item.may_close).then(|| view! {
                    <button type="button" class="button button-small" aria-label=label hidden=move || closing.get()
                        on:click=move |_| closing.set(true)>"Close"</button>
                })}
            </div>
            {move || closing.get().then(|| view! {
                <ClosingForm closing=Closing::New(objective.get_value())
                    on_closed=Callback::new(move |_| on_closed.run(()))
                    on_cancel=Callback::new(move |_| closing.set(false))/>
            })}
        </li>
    }
}
