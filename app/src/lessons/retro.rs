//! A cycle's retrospective: the objectives still open, per unit, each with
//! a way to close it with its closing note right there (or, for a lead,
//! without a retrospective and a reason).

use super::closing_form::{Closing, ClosingForm};
use super::{RetroObjective, open_objectives_of_cycle};
use crate::components::ErrorPanel;
use crate::domain::progress::format_percent;
use crate::retro::NoRetroForm;
use leptos::prelude::*;

#[component]
pub fn RetroOpenObjectives(
    cycle_id: i64,
    /// Told after each objective closed here.
    #[prop(optional)]
    on_closed: Option<Callback<()>>,
) -> impl IntoView {
    // Loaded in the browser only: a resource created inside the cycles
    // list's own Suspense is a nested resource, and hydrating it raced the
    // outer one (a hydration panic on some loads of /cycles). Not reloaded
    // after a close: the closed item stays, saying so, with the way on.
    let groups = LocalResource::new(move || open_objectives_of_cycle(cycle_id));
    let heading = format!("retro-{cycle_id}-heading");
    let labelled_by = heading.clone();
    // Closed here since the list loaded: once every item is, say so.
    let closed_here = RwSignal::new(0usize);
    let on_closed = Callback::new(move |_| {
        closed_here.update(|n| *n += 1);
        if let Some(on_closed) = on_closed {
            on_closed.run(());
        }
    });
    let all_closed = move || {
        view! {
            <p class="muted">"Every objective of this cycle is closed. Its lessons are in "
                <a href=format!("/lessons?cycle={cycle_id}")>"Lessons learned"</a>"."</p>
        }
    };
    view! {
        <section class="retro" aria-labelledby=labelled_by>
            <h3 id=heading>"Still open"</h3>
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {crate::components::suspended(move || Suspend::new(async move {
                    match groups.await {
                        Err(error) => view! { <ErrorPanel error/> }.into_any(),
                        Ok(retro) if retro.open.is_empty() && retro.closed == 0 => view! {
                            <p class="muted">"This cycle has no objectives."</p>
                        }.into_any(),
                        Ok(retro) if retro.open.is_empty() => all_closed().into_any(),
                        Ok(retro) => {
                            let open: usize = retro.open.iter().map(|g| g.objectives.len()).sum();
                            view! {
                                {retro.open.into_iter().map(|group| view! {
                                    <div class="retro-unit">
                                        <h4>{group.unit}</h4>
                                        <ul class="retro-list">
                                            {group.objectives.into_iter().map(|item| view! {
                                                <RetroItem item on_closed/>
                                            }).collect_view()}
                                        </ul>
                                    </div>
                                }).collect_view()}
                                {move || (closed_here.get() >= open).then(all_closed)}
                            }
                            .into_any()
                        }
                    }
                }))}
            </Transition>
        </section>
    }
}

/// Which form an open item shows.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Form {
    None,
    Note,
    NoRetro,
}

#[component]
fn RetroItem(item: RetroObjective, on_closed: Callback<()>) -> impl IntoView {
    let form = RwSignal::new(Form::None);
    let closed = RwSignal::new(None::<crate::objectives::Objective>);
    let o = item.objective;
    let progress = format_percent(o.progress());
    let label = format!("Close {}", o.title);
    let skip_label = format!("Close {} without a retrospective", o.title);
    let href = format!("/objectives/{}", o.id);
    let objective = StoredValue::new(o.clone());
    let done = Callback::new(move |objective: crate::objectives::Objective| {
        closed.set(Some(objective));
        form.set(Form::None);
        on_closed.run(());
    });
    let cancel = Callback::new(move |_| form.set(Form::None));
    let idle = move || form.get() == Form::None && closed.with(Option::is_none);
    view! {
        <li class="retro-item">
            <div class="retro-line">
                <a href=href.clone()>{o.title.clone()}</a>
                {move || match closed.get() {
                    None => view! {
                        <span class=format!("status-badge status-{}", o.status.as_str())>{o.status.label()}</span>
                        <span class="muted">{progress.clone()} " progress"</span>
                    }.into_any(),
                    Some(_) => view! { <span class="status-badge status-closed">"Closed"</span> }.into_any(),
                }}
                {item.may_skip.then(|| view! {
                    <button type="button" class="button button-small button-quiet" aria-label=skip_label hidden=move || !idle()
                        on:click=move |_| form.set(Form::NoRetro)>"Without retrospective…"</button>
                })}
                {item.may_close.then(|| view! {
                    <button type="button" class="button button-small" aria-label=label hidden=move || !idle()
                        on:click=move |_| form.set(Form::Note)>"Close"</button>
                })}
            </div>
            {move || closed.get().map(|c| {
                let unfinished = crate::domain::retro::unfinished(
                    &c.key_results.iter().map(|k| k.measure()).collect::<Vec<_>>(),
                );
                view! {
                    <p class="retro-closed" role="status">
                        {if c.no_retro_reason.is_some() { "Closed without a retrospective." } else { "Closed with its note." }}
                        {unfinished.then(|| view! {
                            " Not finished? " <a href=href.clone()>"Carry it into the next cycle from its page"</a> "."
                        })}
                    </p>
                }
            })}
            {move || match form.get() {
                Form::None => None,
                Form::Note => Some(view! {
                    <ClosingForm closing=Closing::New(objective.get_value()) on_closed=done on_cancel=cancel/>
                }.into_any()),
                Form::NoRetro => Some(view! {
                    <NoRetroForm objective=objective.get_value() on_closed=done on_cancel=cancel/>
                }.into_any()),
            }}
        </li>
    }
}
