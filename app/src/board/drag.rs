//! Moving a card by pointer: a mouse drags the card itself, a finger (or a
//! pen) the card's grip, so a finger anywhere else still scrolls the board.
//! Pointer events rather than the browser's drag and drop: a native drag is
//! cancelled when the page scrolls under it and never starts from a finger,
//! while this one scrolls the page and the columns itself while the pointer
//! rests near an edge. A drop does what the card's menu does
//! ([`move_objective`], [`link`]): the server decides, and a refused move
//! leaves the card where it was.

use super::card::{link, move_objective};
use super::page::{BoardContext, DropTarget, use_board};
use crate::domain::okr::Status;
use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;
use web_sys::{Element, PointerEvent};

/// How far (CSS pixels) a pressed pointer moves before the press is a drag:
/// a click, or a tap on the grip, moves nothing.
const START_DISTANCE: f64 = 6.0;
/// Where a press may not start a drag with the mouse: it types, chooses,
/// selects text or follows a link there (a finger drags only by the grip).
const NOT_FROM: &str = "input, select, textarea, label, a, form, [contenteditable], [data-no-drag]";

/// Where a dragged card would land: a column, or another card's align zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DropSpot {
    Column(DropTarget),
    /// The dragged card would support this objective.
    Align(String),
}

impl DropSpot {
    /// The `data-drop` value of the element that takes this drop.
    pub fn attr(&self) -> String {
        match self {
            DropSpot::Column(DropTarget::Status(status)) => format!("status:{}", status.as_str()),
            DropSpot::Column(DropTarget::Unit(unit)) => format!("unit:{unit}"),
            DropSpot::Align(id) => format!("align:{id}"),
        }
    }

    /// The spot a `data-drop` value names.
    pub fn parse(attr: &str) -> Option<Self> {
        let (kind, value) = attr.split_once(':')?;
        match kind {
            "status" => value
                .parse::<Status>()
                .ok()
                .map(|s| DropSpot::Column(DropTarget::Status(s))),
            "unit" => value
                .parse()
                .ok()
                .map(|u| DropSpot::Column(DropTarget::Unit(u))),
            "align" if !value.is_empty() => Some(DropSpot::Align(value.to_owned())),
            _ => None,
        }
    }
}

/// The edge bands that scroll: an eighth of the visible span, within these.
const MIN_BAND: f64 = 24.0;
const MAX_BAND: f64 = 64.0;
/// Pixels a frame at a band's inner border and at the edge (about 120 and
/// 1,100 pixels a second at 60 frames).
const MIN_STEP: f64 = 2.0;
const MAX_STEP: f64 = 18.0;

/// How far to scroll in one frame along an axis whose visible part runs
/// from `start` to `end` while the pointer is at `at`: nothing in the
/// middle, more the deeper the pointer is in an edge band, and the most at
/// or beyond the edge (a mouse outside the window still means "further").
pub fn edge_step(at: f64, start: f64, end: f64) -> f64 {
    let band = ((end - start) / 8.0).clamp(MIN_BAND, MAX_BAND);
    if end - start < 3.0 * band {
        return 0.0;
    }
    let depth = if at < start + band {
        at - (start + band)
    } else if at > end - band {
        at - (end - band)
    } else {
        return 0.0;
    };
    let share = (depth.abs() / band).min(1.0);
    depth.signum() * (MIN_STEP + (MAX_STEP - MIN_STEP) * share).round()
}

/// A pointer pressed on a card, which becomes a drag once it moves.
#[derive(Clone)]
struct Press {
    id: String,
    pointer: i32,
    from: (f64, f64),
}

/// The board's one card drag (there is one pointer that drags).
#[derive(Clone, Copy)]
pub struct CardDrag {
    /// The card being dragged, once the pressed pointer has moved.
    pub card: RwSignal<Option<String>>,
    /// Where it would land now.
    pub over: RwSignal<Option<DropSpot>>,
    /// The pointer, in viewport pixels: the ghost follows it, the edges
    /// scroll under it.
    pub at: RwSignal<(f64, f64)>,
    press: StoredValue<Option<Press>>,
}

impl CardDrag {
    pub fn new() -> Self {
        CardDrag {
            card: RwSignal::new(None),
            over: RwSignal::new(None),
            at: RwSignal::new((0.0, 0.0)),
            press: StoredValue::new(None),
        }
    }

    /// A press on card `id`: a drag if the pointer then moves, when it
    /// began where a drag may begin.
    pub fn press(&self, ev: &PointerEvent, id: &str) {
        if !ev.is_primary() || ev.button() != 0 || self.card.with_untracked(Option::is_some) {
            return;
        }
        let Some(target) = ev.target().and_then(|t| t.dyn_into::<Element>().ok()) else {
            return;
        };
        let within = |selector: &str| target.closest(selector).ok().flatten().is_some();
        let grip = within(".card-grip");
        if !grip && (ev.pointer_type() != "mouse" || within(NOT_FROM)) {
            return;
        }
        if grip || !within("button, summary") {
            // No text selection from a drag's start (a button keeps its click).
            ev.prevent_default();
        }
        self.press.set_value(Some(Press {
            id: id.to_owned(),
            pointer: ev.pointer_id(),
            from: point(ev),
        }));
    }

    /// The pressed pointer moved: the drag starts, or goes on.
    fn moved(&self, ev: &PointerEvent) {
        let Some(press) = self.pressed(ev) else {
            return;
        };
        if ev.buttons() == 0 {
            // Let go where the window did not hear it (outside it, say).
            self.stop();
            return;
        }
        let at = point(ev);
        if self.card.with_untracked(Option::is_none) {
            let (dx, dy) = (at.0 - press.from.0, at.1 - press.from.1);
            if dx.hypot(dy) < START_DISTANCE {
                return;
            }
            self.at.set(at);
            self.card.set(Some(press.id));
            scroll_while_dragging(*self);
        }
        self.at.set(at);
        self.hover();
    }

    /// The pressed pointer let go: a drag lands where it is.
    fn released(&self, ev: &PointerEvent, ctx: BoardContext) {
        if self.pressed(ev).is_none() {
            return;
        }
        let dragged = self.card.get_untracked();
        let spot = dragged.as_ref().and_then(|_| spot_at(point(ev)));
        self.stop();
        match (dragged, spot) {
            (Some(id), Some(DropSpot::Column(target))) => move_objective(ctx, &id, target),
            (Some(id), Some(DropSpot::Align(target))) => link(ctx, &id, &target, true),
            _ => {}
        }
    }

    /// Ends the drag (or the press) without a drop.
    fn stop(&self) {
        self.press.set_value(None);
        self.card.set(None);
        self.over.set(None);
    }

    fn pressed(&self, ev: &PointerEvent) -> Option<Press> {
        self.press
            .with_value(|p| p.as_ref().filter(|p| p.pointer == ev.pointer_id()).cloned())
    }

    /// Marks what is under the pointer, if it changed.
    fn hover(&self) {
        let spot = spot_at(self.at.get_untracked());
        if self.over.with_untracked(|over| *over != spot) {
            self.over.set(spot);
        }
    }

    /// One frame of scrolling under a pointer near an edge: the page up or
    /// down, the columns sideways. Returns whether anything moved.
    fn scroll_edges(&self) -> bool {
        let (x, y) = self.at.get_untracked();
        let window = window();
        let size = |v: Result<leptos::wasm_bindgen::JsValue, _>| {
            v.ok().and_then(|v| v.as_f64()).unwrap_or(0.0)
        };
        let (width, height) = (size(window.inner_width()), size(window.inner_height()));
        let mut moved = false;
        let dy = edge_step(y, 0.0, height);
        if dy != 0.0 {
            let before = window.scroll_y().unwrap_or_default();
            window.scroll_by_with_x_and_y(0.0, dy);
            moved |= window.scroll_y().unwrap_or_default() != before;
        }
        if let Some(columns) = document()
            .query_selector(".board-page .columns")
            .ok()
            .flatten()
        {
            let rect = columns.get_bounding_client_rect();
            let dx = edge_step(x, rect.left().max(0.0), rect.right().min(width));
            if dx != 0.0 {
                let before = columns.scroll_left();
                columns.scroll_by_with_x_and_y(dx, 0.0);
                moved |= columns.scroll_left() != before;
            }
        }
        moved
    }
}

impl Default for CardDrag {
    fn default() -> Self {
        Self::new()
    }
}

fn point(ev: &PointerEvent) -> (f64, f64) {
    (f64::from(ev.client_x()), f64::from(ev.client_y()))
}

/// The drop spot under a viewport point: the nearest element marked
/// `data-drop` (the ghost lets the pointer through), or below a short
/// column, the column whose lane it is.
fn spot_at((x, y): (f64, f64)) -> Option<DropSpot> {
    let element = document().element_from_point(x as f32, y as f32)?;
    let zone = match element.closest("[data-drop]").ok()? {
        Some(zone) => zone,
        None => lane_at(&element.closest(".columns").ok()??, x)?,
    };
    DropSpot::parse(&zone.get_attribute("data-drop")?)
}

/// The column of `columns` that spans `x`.
fn lane_at(columns: &Element, x: f64) -> Option<Element> {
    let children = columns.children();
    (0..children.length())
        .filter_map(|i| children.item(i))
        .find(|column| {
            let rect = column.get_bounding_client_rect();
            rect.left() <= x && x <= rect.right()
        })
}

/// Scrolls a frame at a time for as long as the drag lasts, so a pointer
/// resting at an edge keeps the board moving, and what is under it is
/// marked as it passes.
fn scroll_while_dragging(drag: CardDrag) {
    request_animation_frame(move || {
        if drag.card.with_untracked(Option::is_none) {
            return;
        }
        if drag.scroll_edges() {
            drag.hover();
        }
        scroll_while_dragging(drag);
    });
}

/// Follows the board's pointers from the window, so a drag goes on over
/// anything and outside the board; Escape or a lost pointer ends it
/// without a drop.
pub fn listen(ctx: BoardContext) {
    // An effect: it runs in the browser only, once the board is there.
    Effect::new(move |_| {
        let drag = ctx.drag;
        let handles = [
            window_event_listener(leptos::ev::pointermove, move |ev| drag.moved(&ev)),
            window_event_listener(leptos::ev::pointerup, move |ev| drag.released(&ev, ctx)),
            window_event_listener(leptos::ev::pointercancel, move |ev| {
                if drag.pressed(&ev).is_some() {
                    drag.stop();
                }
            }),
            window_event_listener(leptos::ev::keydown, move |ev| {
                if ev.key() == "Escape" && drag.card.with_untracked(Option::is_some) {
                    drag.stop();
                }
            }),
        ];
        on_cleanup(move || handles.into_iter().for_each(|h| h.remove()));
    });
}

/// The dragged card's title beside the pointer. It lets the pointer
/// through, so what is under the pointer is the drop spot.
#[component]
pub fn DragGhost() -> impl IntoView {
    let ctx = use_board();
    let drag = ctx.drag;
    let title = move || {
        let id = drag.card.get()?;
        ctx.board.with(|b| {
            b.objectives
                .iter()
                .find(|o| o.id == id)
                .map(|o| o.title.clone())
        })
    };
    move || {
        title().map(|title| {
            let style = move || {
                let (x, y) = drag.at.get();
                // Above the pointer (a finger would hide it), inside the window.
                format!(
                    "transform: translate(clamp(8px, {x}px - 50%, 100vw - 100% - 8px), max(8px, {y}px - 100% - 16px))"
                )
            };
            view! { <div class="drag-ghost" aria-hidden="true" style=style>{title}</div> }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drop_spots_read_back_what_they_write() {
        for spot in [
            DropSpot::Column(DropTarget::Status(Status::Proposed)),
            DropSpot::Column(DropTarget::Unit(42)),
            DropSpot::Align("0190f0a2-objective".into()),
        ] {
            assert_eq!(DropSpot::parse(&spot.attr()), Some(spot));
        }
        for bad in ["", "status", "status:later", "unit:x", "align:", "column:1"] {
            assert_eq!(DropSpot::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn edges_scroll_faster_the_closer_the_pointer() {
        // A 768-pixel window: 64-pixel bands.
        let cases = [
            (384.0, 0.0),
            (64.0, 0.0),
            (704.0, 0.0),
            (63.0, -2.0),
            (32.0, -10.0),
            (0.0, -18.0),
            (-50.0, -18.0),
            (705.0, 2.0),
            (736.0, 10.0),
            (768.0, 18.0),
            (900.0, 18.0),
        ];
        for (at, step) in cases {
            assert_eq!(edge_step(at, 0.0, 768.0), step, "at {at}");
        }
    }

    #[test]
    fn a_phone_has_narrower_bands_and_a_sliver_none() {
        // 358 pixels of columns on a phone: 44.75-pixel bands.
        assert_eq!(edge_step(16.0 + 50.0, 16.0, 374.0), 0.0);
        assert_eq!(edge_step(16.0 + 44.0, 16.0, 374.0), -2.0);
        assert_eq!(edge_step(374.0, 16.0, 374.0), 18.0);
        // Columns scrolled nearly out of sight: no band to rest in.
        assert_eq!(edge_step(10.0, 0.0, 60.0), 0.0);
    }
}
