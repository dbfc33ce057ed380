//! Drawing a link on the map: drag from a box's handle (the dot on its top
//! edge) onto the objective it supports. The line follows the pointer; on
//! release over another box the link is asked for, as from the card's
//! menu, and drawn once the server agrees (a circle is refused with a
//! sentence in the board's notice). The card menu does the same from the
//! keyboard.

use super::graph::MapGraph;
use super::viewport::Viewport;
use crate::board::card::link;
use crate::board::page::BoardContext;
use crate::domain::map_layout::{NODE_HEIGHT, NODE_WIDTH};
use leptos::prelude::*;

#[derive(Clone, Copy)]
pub struct LinkDrag {
    /// The supporting objective and where its line starts (map units).
    from: RwSignal<Option<(String, (f64, f64))>>,
    /// Where the pointer is (map units).
    to: RwSignal<(f64, f64)>,
}

impl LinkDrag {
    pub fn new() -> Self {
        LinkDrag {
            from: RwSignal::new(None),
            to: RwSignal::new((0.0, 0.0)),
        }
    }

    /// A press on `id`'s handle at map point `at`: the drag begins (the
    /// map does not pan).
    pub fn start(&self, ev: &leptos::ev::PointerEvent, id: String, at: (f64, f64)) {
        ev.stop_propagation();
        ev.prevent_default();
        self.to.set(at);
        self.from.set(Some((id, at)));
    }

    pub fn active(&self) -> bool {
        self.from.with_untracked(Option::is_some)
    }

    pub fn moved(
        &self,
        ev: &leptos::ev::PointerEvent,
        viewport: Viewport,
        svg: NodeRef<leptos::svg::Svg>,
    ) {
        if let Some(at) = viewport.map_point(svg, ev.client_x() as f64, ev.client_y() as f64) {
            self.to.set(at);
        }
    }

    /// The release: links to the box under the pointer, if any.
    pub fn end(
        &self,
        ev: &leptos::ev::PointerEvent,
        ctx: BoardContext,
        graph: Memo<MapGraph>,
        viewport: Viewport,
        svg: NodeRef<leptos::svg::Svg>,
    ) {
        let Some((from, _)) = self.from.get_untracked() else {
            return;
        };
        self.from.set(None);
        let Some((x, y)) = viewport.map_point(svg, ev.client_x() as f64, ev.client_y() as f64)
        else {
            return;
        };
        let target = graph.with_untracked(|g| {
            g.nodes
                .iter()
                .find(|n| {
                    x >= n.at.x
                        && x <= n.at.x + NODE_WIDTH
                        && y >= n.at.y
                        && y <= n.at.y + NODE_HEIGHT
                })
                .map(|n| n.id.clone())
        });
        if let Some(target) = target.filter(|t| *t != from) {
            link(ctx, &from, &target, true);
        }
    }

    pub fn cancel(&self) {
        self.from.set(None);
    }

    /// The line being drawn, while a drag lasts.
    pub fn line(&self) -> impl IntoView + use<> {
        let (from, to) = (self.from, self.to);
        move || {
            from.with(|f| {
                f.as_ref().map(|(_, (x, y))| {
                    let (tx, ty) = to.get();
                    view! {
                        <path class="map-drawing" d=format!("M{x:.1} {y:.1} L{tx:.1} {ty:.1}") fill="none"
                            stroke="#2f5bd3" stroke-width="2" stroke-dasharray="6 4" marker-end="url(#map-arrow)"/>
                    }
                })
            })
        }
    }
}
