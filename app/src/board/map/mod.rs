//! `/cycles/:id/map`: the alignment map. Every objective of the cycle as a
//! box in its unit's band, a link from each objective up to what it
//! supports. The picture is laid out in Rust (`domain::map_layout`): on the
//! server for the first paint, and again in the browser when a live board
//! event changes what is drawn, so a node moves without a reload.
//!
//! Pan with a drag or the arrow keys, zoom with the wheel, a pinch or
//! `+`/`-`; "Fit" shows everything, "Focus" the selected objective with
//! what it supports and what supports it (the rest dims). Every box is a
//! link to its objective; Tab walks them in reading order.

mod findings;
mod graph;
mod link_drag;
mod text;
mod viewport;

use super::Board;
use super::page::BoardLoader;
use super::page::{BoardContext, BoardNotice, LiveState};
use crate::auth::SignedIn;
use crate::domain::map_layout::{NODE_HEIGHT, NODE_WIDTH};
use crate::domain::okr::Status;
use crate::domain::permissions::Change;
use findings::{Findings, Lit};
use graph::{MapGraph, MapNode};
use leptos::prelude::*;
use leptos_meta::Title;
use link_drag::LinkDrag;
use std::collections::HashSet;
use viewport::Viewport;

#[component]
pub fn MapPage() -> impl IntoView {
    let cycle_id = super::page::cycle_param();
    view! {
        <SignedIn render=move |_| {
            crate::components::suspended(move || view! { <BoardLoader cycle_id=cycle_id() map=true/> })
        }/>
    }
}

#[component]
pub(super) fn LiveMap(initial: Board) -> impl IntoView {
    let ctx = BoardContext::new(initial);
    let wake = ctx
        .board
        .with_untracked(|board| super::page::Wake::of(board, ctx.live));
    provide_context(ctx);
    #[cfg(feature = "hydrate")]
    super::live_client::connect(ctx);

    let filter = RwSignal::new(None::<i64>);
    let graph = Memo::new(move |_| ctx.board.with(|b| graph::build(b, filter.get())));
    let selected = RwSignal::new(None::<String>);
    // The finding picked in a list: its objectives and units are lit.
    let picked = RwSignal::new(None::<Lit>);
    let drag = LinkDrag::new();
    let viewport = Viewport::new(graph.with_untracked(|g| (g.width, g.height)));
    // A new filter shows its whole part.
    Effect::new(move |previous: Option<Option<i64>>| {
        let now = filter.get();
        if previous.is_some_and(|p| p != now) {
            viewport.fit(graph.with_untracked(|g| (g.width, g.height)));
        }
        now
    });
    let cycle = move || ctx.board.with(|b| (b.cycle.id, b.cycle.name.clone()));
    let departments = ctx.board.with_untracked(|b| {
        b.units
            .iter()
            .filter(|u| b.units.iter().any(|c| c.parent_id == Some(u.id)))
            .map(|u| (u.id, u.path.clone()))
            .collect::<Vec<_>>()
    });
    // Focus: the picked gap's objectives, or the selected objective's chain.
    let focus = move |_| {
        graph.with_untracked(|g| {
            let lit: Vec<usize> = match picked.get_untracked() {
                Some(finding) => (0..g.nodes.len())
                    .filter(|&n| finding.objectives.contains(&g.nodes[n].id))
                    .collect(),
                None => selected
                    .get_untracked()
                    .and_then(|id| g.nodes.iter().position(|n| n.id == id))
                    .map(|n| g.related(n).into_iter().collect())
                    .unwrap_or_default(),
            };
            let corners: Vec<(f64, f64)> = lit
                .iter()
                .map(|&n| (g.nodes[n].at.x, g.nodes[n].at.y))
                .collect();
            viewport.show(&corners, (NODE_WIDTH, NODE_HEIGHT));
        });
    };
    let svg_ref = NodeRef::<leptos::svg::Svg>::new();
    // Once the page runs, open at a readable size.
    Effect::new(move |done: Option<bool>| {
        if done == Some(true) || svg_ref.get().is_none() {
            return done.unwrap_or(false);
        }
        // After the next frame, when the frame has its size.
        request_animation_frame(move || {
            viewport.readable(svg_ref, graph.with_untracked(|g| (g.width, g.height)));
        });
        true
    });
    view! {
        <Title text=move || format!("{} alignment map · Northstar", cycle().1)/>
        <main
            class="page page-wide map-page"
            data-wake-socket=wake.socket
            data-wake-version=wake.version
            node_ref=wake.page
        >
            <header class="page-header map-header">
                <div>
                    <p class="eyebrow"><a href=move || format!("/cycles/{}/board", cycle().0)>"← Board"</a></p>
                    <h1>"Alignment map"</h1>
                    <p class="muted">{move || cycle().1} " · how every unit's objectives support one another"</p>
                </div>
                <LiveBadge live=ctx.live/>
            </header>
            <div class="map-toolbar" role="toolbar" aria-label="Map controls">
                <label class="map-filter">
                    "Show "
                    <select aria-label="Unit filter" on:change=move |ev| filter.set(event_target_value(&ev).parse().ok())>
                        <option value="">"Every unit"</option>
                        {departments.into_iter().map(|(id, path)| view! { <option value=id.to_string()>{path}</option> }).collect_view()}
                    </select>
                </label>
                <button type="button" class="button button-small" on:click=move |_| viewport.zoom_by(1.25)>"Zoom in"</button>
                <button type="button" class="button button-small" on:click=move |_| viewport.zoom_by(0.8)>"Zoom out"</button>
                <button type="button" class="button button-small" on:click=move |_| viewport.fit(graph.with_untracked(|g| (g.width, g.height)))>"Fit"</button>
                <button type="button" class="button button-small" on:click=focus
                    disabled=move || selected.with(Option::is_none) && picked.with(Option::is_none)>"Focus"</button>
                <a class="button button-small" href="#" download=move || format!("alignment-map-{}.svg", cycle().0)
                    on:click=move |ev| viewport::download(&ev, svg_ref, graph.with_untracked(|g| (g.width, g.height)))>"Download SVG"</a>
                <span class="map-hint">"Drag or arrow keys to pan · wheel, pinch or +/− to zoom"</span>
            </div>
            <Legend/>
            <BoardNotice/>
            <div class="map-body">
            <div class="map-frame" tabindex="0" aria-label="Alignment map: arrow keys pan, plus and minus zoom"
                on:keydown=move |ev| viewport.key(&ev)>
                <svg node_ref=svg_ref class="map" xmlns="http://www.w3.org/2000/svg" role="group"
                    aria-label=move || format!("Alignment map of {}", cycle().1)
                    viewBox=move || viewport.view_box()
                    font-family="system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', sans-serif"
                    on:pointerdown=move |ev| viewport.pointer_down(&ev)
                    on:pointermove=move |ev| if drag.active() { drag.moved(&ev, viewport, svg_ref) } else { viewport.pointer_move(&ev, svg_ref) }
                    on:pointerup=move |ev| if drag.active() { drag.end(&ev, ctx, graph, viewport, svg_ref) } else { viewport.pointer_up(&ev) }
                    on:pointercancel=move |ev| { drag.cancel(); viewport.pointer_up(&ev) }
                    on:pointerleave=move |_| drag.cancel()
                    on:wheel=move |ev| viewport.wheel(&ev, svg_ref)
                    on:click=move |ev| viewport.click(&ev)>
                    <Drawing graph selected picked drag/>
                </svg>
            </div>
            <Findings graph picked selected/>
            </div>
        </main>
    }
}

#[component]
fn LiveBadge(live: RwSignal<LiveState>) -> impl IntoView {
    view! {
        <p class="presence">
            <span class=move || live.get().dot_class()></span>
            <span class="live-label">{move || live.get().label()}</span>
            <super::page::WakeLabels/>
        </p>
        {move || match live.get() {
            LiveState::Ended(reason) => Some(view! { <crate::live::SessionEndedNotice reason/> }),
            _ => None,
        }}
    }
}

#[component]
fn Legend() -> impl IntoView {
    use graph::Pace;
    let item = |pace: Pace, words: &'static str| {
        view! { <li><span class="swatch" style=format!("background: {}", pace.colour())></span>{words}</li> }
    };
    view! {
        <ul class="map-legend" aria-label="Colours">
            {item(Pace::OnTrack, "On track for today")}
            {item(Pace::Behind, "Behind")}
            {item(Pace::AtRisk, "At risk")}
            {item(Pace::NotJudged, "Not started or closed")}
            <li><span class="swatch swatch-link"></span>"Supports (points up)"</li>
        </ul>
    }
}

/// The bands, links and boxes. Boxes are drawn last, in reading order, so
/// Tab walks them left to right, top to bottom.
#[component]
fn Drawing(
    graph: Memo<MapGraph>,
    selected: RwSignal<Option<String>>,
    picked: RwSignal<Option<Lit>>,
    drag: LinkDrag,
) -> impl IntoView {
    // What is lit: a picked finding's objectives, or the selected objective's chain.
    let related = Memo::new(move |_| {
        graph.with(|g| {
            if let Some(finding) = picked.get() {
                let lit: HashSet<usize> = (0..g.nodes.len())
                    .filter(|&n| finding.objectives.contains(&g.nodes[n].id))
                    .collect();
                return Some(lit);
            }
            let id = selected.get()?;
            g.nodes
                .iter()
                .position(|n| n.id == id)
                .map(|n| g.related(n))
        })
    });
    let gap_units = Memo::new(move |_| {
        picked.with(|p| p.as_ref().map(|f| f.units.clone()).unwrap_or_default())
    });
    let lit = move |n: usize| related.with(|r| r.as_ref().is_none_or(|r| r.contains(&n)));
    let bands = move || {
        graph.with(|g| {
            g.bands
                .iter()
                .map(|b| {
                    let band = &b.band;
                    let fill = if band.depth % 2 == 0 { "#f4f6f9" } else { "#ffffff" };
                    let unit = band.unit_id;
                    let flagged = move || gap_units.with(|u| u.contains(&unit));
                    view! {
                        <g class="map-band" data-unit=band.unit_id>
                            <rect x=band.x y=band.y width=band.width height=band.height rx="10"
                                fill=fill stroke=move || if flagged() { "#b7791f" } else { "#dde2e9" }
                                stroke-width=move || if flagged() { "3" } else { "1" }/>
                            <text x=band.x + 10.0 y=band.y + 19.0 font-size="13" font-weight="600" fill="#5a6472">{b.name.clone()}</text>
                        </g>
                    }
                })
                .collect_view()
        })
    };
    let links = move || {
        graph.with(|g| {
            g.links
                .iter()
                .map(|&(from, to)| {
                    let (a, b) = (g.nodes[from].at.top(), g.nodes[to].at.bottom());
                    let bend = ((a.1 - b.1) / 2.0).max(24.0);
                    let d = format!(
                        "M{:.1} {:.1} C{:.1} {:.1} {:.1} {:.1} {:.1} {:.1}",
                        a.0, a.1, a.0, a.1 - bend, b.0, b.1 + bend, b.0, b.1
                    );
                    let on = move || lit(from) && lit(to);
                    view! {
                        <path d=d fill="none" stroke=move || if on() { "#2f5bd3" } else { "#c9d0da" }
                            stroke-width=move || if on() && related.with(Option::is_some) { "2.5" } else { "1.5" }
                            marker-end="url(#map-arrow)" data-link=format!("{} {}", g.nodes[from].id, g.nodes[to].id)/>
                    }
                })
                .collect_view()
        })
    };
    let nodes = move || {
        graph.with(|g| {
            g.reading_order()
                .into_iter()
                .map(|n| view! { <Node node=g.nodes[n].clone() lit=Signal::derive(move || lit(n)) selected drag/> })
                .collect_view()
        })
    };
    view! {
        <defs>
            <marker id="map-arrow" viewBox="0 0 10 10" refX="5" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                <path d="M0 0 L10 5 L0 10 z" fill="#7b8594"/>
            </marker>
        </defs>
        <g class="map-bands">{bands}</g>
        <g class="map-links">{links}</g>
        <g class="map-nodes">{nodes}</g>
        {drag.line()}
    }
}

/// The progress bar's full width: the rest of its line holds the numbers.
const BAR: f64 = NODE_WIDTH - 104.0;

#[component]
fn Node(
    node: MapNode,
    lit: Signal<bool>,
    selected: RwSignal<Option<String>>,
    drag: LinkDrag,
) -> impl IntoView {
    let MapNode {
        id,
        lines,
        title,
        owner,
        status,
        progress,
        pace,
        outside,
        at,
    } = node;
    let (x, y) = (at.x, at.y);
    let bar = BAR * progress.clamp(0.0, 1.0);
    let percent = format!("{}%", (progress.clamp(0.0, 1.0) * 100.0).round() as i64);
    let status_words = match status {
        Status::Active => pace.words(),
        other => other.label(),
    };
    let label = format!(
        "{title}, {owner}, {}, {percent}{}",
        status.label().to_lowercase(),
        if pace.words().is_empty() {
            String::new()
        } else {
            format!(", {}", pace.words())
        }
    );
    let is_selected = Memo::new({
        let id = id.clone();
        move |_| selected.with(|s| s.as_deref() == Some(id.as_str()))
    });
    let select = {
        let id = id.clone();
        move || selected.set(Some(id.clone()))
    };
    let select_too = select.clone();
    // Its editors draw links from the handle on its top edge.
    let ctx = expect_context::<BoardContext>();
    let may_link = !outside
        && ctx.board.with_untracked(|b| {
            b.objectives
                .iter()
                .find(|o| o.id == id)
                .is_some_and(|o| b.may(Change::Edit, o))
        });
    let handle_at = (x + NODE_WIDTH / 2.0, y);
    let handle = may_link.then(|| {
        let id = id.clone();
        view! {
            <g class="map-link-handle" data-objective=id.clone() on:pointerdown=move |ev| drag.start(&ev, id.clone(), handle_at)>
                <circle cx=handle_at.0 cy=handle_at.1 r="7" fill="#ffffff" stroke="#2f5bd3" stroke-width="1.5">
                    <title>"Drag onto the objective this one supports"</title>
                </circle>
                <circle cx=handle_at.0 cy=handle_at.1 r="2.5" fill="#2f5bd3"/>
            </g>
        }
    });
    let title_lines = lines
        .into_iter()
        .enumerate()
        .map(|(i, line)| view! { <tspan x=x + 12.0 y=y + 20.0 + i as f64 * 16.0>{line}</tspan> })
        .collect_view();
    // `<a>` and `<title>` are SVG elements only as the *only* child of an
    // SVG element in the same macro: leptos's view macro forgets the parent
    // among several children and makes them HTML (invisible inside an SVG).
    // Hence the inner <g> around the <a>, and the titles inside shapes.
    view! {
        <g style:opacity=move || if lit.get() { "1" } else { "0.28" }>
        <g>
        <a href=format!("/objectives/{id}") class="map-node" data-objective=id.clone() aria-label=label
            on:focus=move |_| select() on:pointerenter=move |_| select_too()>
            <rect x=x y=y width=NODE_WIDTH height=NODE_HEIGHT rx="8"
                fill=if outside { "#fafbfc" } else { "#ffffff" }
                stroke=move || if is_selected.get() { "#2f5bd3" } else { "#c9d0da" }
                stroke-width=move || if is_selected.get() { "2.5" } else { "1" }
                stroke-dasharray=if outside { "5 4" } else { "" }>
                <title>{title.clone()}</title>
            </rect>
            <text font-size="13" font-weight="600" fill="#1c2430">{title_lines}</text>
            <text x=x + 12.0 y=y + 55.0 font-size="11" fill="#5a6472">{text::wrap(&owner, 30, 1).join("")}</text>
            <rect x=x + 12.0 y=y + 65.0 width=BAR height="6" rx="3" fill="#e7ebf0"/>
            <rect x=x + 12.0 y=y + 65.0 width=bar height="6" rx="3" fill=pace.colour()/>
            <text x=x + NODE_WIDTH - 12.0 y=y + 71.0 font-size="11" text-anchor="end" fill="#1c2430">
                {percent.clone()} {(!status_words.is_empty()).then(|| format!(" · {status_words}"))}
            </text>
        </a>
        </g>
        {handle}
        </g>
    }
}
