//! `/objectives/:id`: one objective in full — its whys, alignment, and each
//! key result with a progress bar, a history chart, the check-in form and
//! the check-ins so far.

use super::alignment::{AlignmentPanel, HistoryPanel, SharedPanel};
use super::form::{byline, short_day};
use super::{CheckInForm, CheckInSaved, HistoryChart, ObjectiveView, Track, get_objective_view};
use crate::auth::SignedIn;
use crate::components::ErrorPanel;
use crate::cycles::PhaseBadge;
use crate::domain::okr::{MetricKind, ObjectiveKind, Status};
use crate::domain::permissions::{self, Change};
use crate::domain::progress::format_number;
use crate::domain::progress::format_percent;
use crate::objectives::KeyResult;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn ObjectivePage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    // Keyed on the id: a link to another objective (alignment, a carried
    // draft and its origin) loads that one.
    move || {
        let id = id();
        view! { <SignedIn render=move |_| view! { <ObjectiveLoader id=id.clone()/> }/> }
    }
}

#[component]
fn ObjectiveLoader(id: String) -> impl IntoView {
    // Raised after a change that reshapes the page (closing it): reload.
    let reloads = RwSignal::new(0u32);
    let data = Resource::new(
        move || (id.clone(), reloads.get()),
        |(id, _)| get_objective_view(id),
    );
    let reload = Callback::new(move |_| reloads.update(|n| *n += 1));
    view! {
        <Suspense fallback=|| view! { <p class="loading page">"Loading the objective…"</p> }>
            {crate::components::suspended(move || Suspend::new(async move {
                match data.await {
                    Ok(view) => view! { <ObjectiveDetail initial=view reload/> }.into_any(),
                    Err(error) => view! { <main class="page"><ErrorPanel error/></main> }.into_any(),
                }
            }))}
        </Suspense>
    }
}

#[component]
fn ObjectiveDetail(initial: ObjectiveView, reload: Callback<()>) -> impl IntoView {
    let data = RwSignal::new(initial);
    let saved = Callback::new(move |saved: CheckInSaved| {
        data.update(|d| {
            if let Some(track) = d
                .tracks
                .iter_mut()
                .find(|t| t.key_result_id == saved.check_in.key_result_id)
                && !track.check_ins.iter().any(|c| c.id == saved.check_in.id)
            {
                track.check_ins.push(saved.check_in);
            }
            if saved.objective.version >= d.objective.version {
                d.objective = saved.objective;
            }
        })
    });
    let d = data.get_untracked();
    let o = &d.objective;
    let title = format!("{} · Northstar", o.title);
    let kind_note = match o.kind {
        ObjectiveKind::Committed => "Committed: 1.0 is success",
        ObjectiveKind::Aspirational => "Aspirational: 0.7 is success",
    };
    let why = |label: &'static str, text: &str| {
        let text = if text.trim().is_empty() {
            view! { <p class="muted">"Not written yet."</p> }.into_any()
        } else {
            view! { <p>{text.to_owned()}</p> }.into_any()
        };
        view! { <div class="why"><h3>{label}</h3>{text}</div> }
    };
    let key_results = move || {
        data.with(|d| {
            d.objective
                .key_results
                .iter()
                .map(|kr| {
                    let track = d
                        .tracks
                        .iter()
                        .find(|t| t.key_result_id == kr.id)
                        .cloned()
                        .unwrap_or_else(|| Track {
                            key_result_id: kr.id.clone(),
                            owner: String::new(),
                            check_ins: Vec::new(),
                        });
                    let may_check_in = permissions::check(
                        &d.viewer.actor(),
                        Change::CheckIn { owner: kr.owner_id },
                        &d.objective.scope(),
                    )
                    .is_ok();
                    let overdue = kr.is_overdue(&d.cycle, d.objective.status, &d.today);
                    view! {
                        <KeyResultPanel kr=kr.clone() track may_check_in overdue
                            cycle=d.cycle.clone() today=d.today.clone() on_saved=saved/>
                    }
                })
                .collect_view()
        })
    };
    view! {
        <Title text=title/>
        <main class="page objective-page">
            <p class="breadcrumb">
                <a href=format!("/cycles/{}/board", d.cycle.id)>"← " {d.cycle.name.clone()} " board"</a>
                " · "
                <a href=format!("/cycles/{}/map", d.cycle.id)>"Alignment map"</a>
            </p>
            {d.merged_note.clone().map(|note| view! { <p class="notice" role="status">{note}</p> })}
            <header class="objective-header">
                <div>
                    <h1>{o.title.clone()}</h1>
                    <p class="objective-facts">
                        <span class=format!("status-badge status-{}", o.status.as_str())>{o.status.label()}</span>
                        <span class="kind-badge" title=kind_note>{o.kind.label()}</span>
                        {o.drafted_late(&d.cycle).then(|| view! { <crate::board::LateBadge/> })}
                        <span>{d.unit_path.clone()}</span>
                        <PhaseBadge phase=d.cycle.phase/>
                    </p>
                </div>
                <div class="objective-score" aria-label="Objective progress">
                    <span class="score-number">{move || data.with(|d| format_percent(d.objective.progress()))}</span>
                    <span class="muted">"progress"</span>
                </div>
            </header>
            <div class="grid-two">
                <section class="panel" aria-labelledby="why-heading">
                    <h2 id="why-heading">"Why"</h2>
                    {why("Why it is important", &o.why_important)}
                    {why("Why it is urgent", &o.why_urgent)}
                    {(!o.description.is_empty()).then(|| view! { <p class="description">{o.description.clone()}</p> })}
                </section>
                <section class="panel" aria-labelledby="alignment-heading">
                    <h2 id="alignment-heading">"Alignment"</h2>
                    <AlignmentPanel view=d.clone() reload/>
                </section>
            </div>
            <SharedPanel view=d.clone() reload/>
            <Closing view=d.clone() reload/>
            <section aria-labelledby="krs-heading">
                <h2 id="krs-heading">"Key results"</h2>
                {move || if data.with(|d| d.objective.key_results.is_empty()) {
                    view! { <p class="panel muted">"No key results yet. Add them on the board."</p> }.into_any()
                } else {
                    view! { <div class="kr-panels">{key_results}</div> }.into_any()
                }}
            </section>
            <HistoryPanel lines=d.history.clone()/>
        </main>
    }
}

/// The closing note of a closed objective (or why it has none) and the
/// way to carry it over; the ways to close an open one; on a draft, the
/// lessons it was carried over with and those of similar objectives.
#[component]
fn Closing(view: ObjectiveView, reload: Callback<()>) -> impl IntoView {
    use super::draft::DraftEditor;
    use crate::lessons::ClosingNotePanel;
    use crate::lessons::closing_form::{Closing, ClosingForm};
    use crate::retro::{CarryPanel, NoRetroForm, NoRetroNotice};
    let actor = view.viewer.actor();
    let scope = view.objective.scope();
    let carry =
        view! { <CarryPanel objective_id=view.objective.id.clone() carry=view.carry.clone()/> };
    if let Some(note) = view.closing {
        let may_edit = permissions::check(
            &actor,
            Change::EditNote {
                author: note.author_id,
            },
            &scope,
        )
        .is_ok();
        return view! { <ClosingNotePanel note may_edit/> {carry} }.into_any();
    }
    if let Some(reason) = view.objective.no_retro_reason.clone() {
        let by = view
            .objective
            .no_retro_by
            .clone()
            .unwrap_or_else(|| view.objective.updated_by.clone());
        return view! { <NoRetroNotice reason by/> {carry} }.into_any();
    }
    let may_close = permissions::check(&actor, Change::Close, &scope).is_ok();
    let may_skip = permissions::check(&actor, Change::CloseWithoutRetro, &scope).is_ok();
    let draft = view.objective.status == Status::Draft;
    let may_edit = permissions::check(&actor, Change::Edit, &scope).is_ok();
    // Which form is open: none, the closing note, or the reason to skip it.
    let closing = RwSignal::new(None::<bool>);
    let objective = StoredValue::new(view.objective);
    view! {
        {carry}
        {draft.then(|| view! { <DraftEditor objective=objective.get_value() may_edit reload/> })}
        {may_close.then(|| view! {
            <section class="panel closing-box" aria-labelledby="close-heading">
                <header class="section-head">
                    <h2 id="close-heading">"Close this objective"</h2>
                    <div class="section-actions" hidden=move || closing.get().is_some()>
                        {may_skip.then(|| view! {
                            <button type="button" class="button button-small button-quiet"
                                on:click=move |_| closing.set(Some(false))>"Close without a retrospective…"</button>
                        })}
                        <button type="button" class="button button-small"
                            on:click=move |_| closing.set(Some(true))>"Close…"</button>
                    </div>
                </header>
                {move || match closing.get() {
                    None => view! {
                        <p class="muted">"Closing asks for a final score and a closing note: what went well, what did not, and the lessons for the next team."</p>
                    }.into_any(),
                    Some(true) => view! {
                        <ClosingForm closing=Closing::New(objective.get_value())
                            on_closed=Callback::new(move |_| reload.run(()))
                            on_cancel=Callback::new(move |_| closing.set(None))/>
                    }.into_any(),
                    Some(false) => view! {
                        <NoRetroForm objective=objective.get_value()
                            on_closed=Callback::new(move |_| reload.run(()))
                            on_cancel=Callback::new(move |_| closing.set(None))/>
                    }.into_any(),
                }}
            </section>
        })}
    }
    .into_any()
}

#[component]
fn KeyResultPanel(
    kr: KeyResult,
    track: Track,
    may_check_in: bool,
    overdue: bool,
    cycle: crate::cycles::Cycle,
    today: String,
    on_saved: Callback<CheckInSaved>,
) -> impl IntoView {
    let open = RwSignal::new(false);
    let heading = format!("kr-{}-heading", kr.id);
    let unit = if kr.unit_label.is_empty() {
        String::new()
    } else {
        format!(" {}", kr.unit_label)
    };
    let numbers = if kr.metric == MetricKind::Milestone {
        if kr.current >= 1.0 {
            "Done"
        } else {
            "Not done yet"
        }
        .to_owned()
    } else {
        format!(
            "{}{unit} of {}{unit} (from {})",
            format_number(kr.current),
            format_number(kr.target),
            format_number(kr.start)
        )
    };
    let percent = (kr.progress() * 100.0).round();
    let milestone = kr.metric == MetricKind::Milestone;
    let shown = move |value: f64| {
        if milestone {
            if value >= 1.0 { "Done" } else { "Not done" }.to_owned()
        } else {
            format!("{}{}", format_number(value), unit)
        }
    };
    let history = track
        .check_ins
        .iter()
        .rev()
        .map(|c| {
            let texts = [
                ("Progress", c.progress.clone()),
                ("Problems", c.problems.clone()),
                ("Plans", c.plans.clone()),
            ];
            view! {
                <li class="check-in">
                    <p class="check-in-head">
                        <strong>{shown(c.value)}</strong>
                        <span class="muted">{byline(c)}</span>
                    </p>
                    <dl class="reflection">
                        {texts.into_iter().filter(|(_, t)| !t.is_empty()).map(|(label, text)| view! {
                            <dt>{label}</dt><dd>{text}</dd>
                        }).collect_view()}
                    </dl>
                </li>
            }
        })
        .collect_view();
    let last = track.check_ins.last().map(|c| short_day(&c.on));
    let form_kr = kr.clone();
    let heading_ref = heading.clone();
    view! {
        <article class="panel kr-panel" aria-labelledby=heading_ref>
            <header class="kr-panel-head">
                <div>
                    <h3 id=heading>{kr.title.clone()}</h3>
                    <p class="muted">
                        {format!("Owner: {}", track.owner)}
                        {last.map_or_else(|| " · no check-in yet".to_owned(), |d| format!(" · last check-in {d}"))}
                        {kr.is_delayed().then_some(" · delayed until the data exists: not counted in progress")}
                        {(kr.fallback == Some(crate::domain::okr::Fallback::Proxy) && !kr.proxy_name.trim().is_empty())
                            .then(|| format!(" · measured by a proxy: {}", kr.proxy_name.trim()))}
                    </p>
                </div>
                {overdue.then(|| view! {
                    <span class="overdue-badge" title="No check-in for more than 7 days">"Overdue"</span>
                })}
            </header>
            <div class="progress-line">
                <div class="progress" role="progressbar" aria-label=format!("Progress of {}", kr.title)
                    aria-valuemin="0" aria-valuemax="100" aria-valuenow=percent.to_string()>
                    <span style=format!("width: {percent}%")></span>
                </div>
                <span class="progress-value">{format_percent(kr.progress())}</span>
            </div>
            <p class="kr-numbers-line">{numbers}</p>
            <HistoryChart key_result=kr.clone() check_ins=track.check_ins.clone() cycle today/>
            {may_check_in.then(|| view! {
                <div class="check-in-box">
                    <Show when=move || open.get() fallback=move || view! {
                        <button type="button" class="button button-primary button-small"
                            on:click=move |_| open.set(true)>"Check in"</button>
                    }>
                        <h4>"Check in on this key result"</h4>
                        <CheckInForm key_result=form_kr.clone()
                            on_saved=Callback::new(move |saved| { on_saved.run(saved); open.set(false); })
                            on_cancel=Callback::new(move |_| open.set(false))/>
                    </Show>
                </div>
            })}
            <h4>"Check-ins"</h4>
            {if track.check_ins.is_empty() {
                view! { <p class="muted">"None yet."</p> }.into_any()
            } else {
                view! { <ol class="check-ins">{history}</ol> }.into_any()
            }}
        </article>
    }
    .into_any()
}
