//! The part of the map in view: an SVG `viewBox` moved by drags, arrow
//! keys, the wheel, pinches and the toolbar. A drag starts only after the
//! pointer has moved a few pixels, so a click on a box still opens its
//! objective; the click that ends a drag is swallowed.

use crate::domain::map_layout::NODE_WIDTH;
use leptos::prelude::*;

/// Space around the picture when it is fitted.
const MARGIN: f64 = 24.0;
/// Pixels a pointer moves before a press becomes a drag.
const DRAG_START: f64 = 4.0;
/// The narrowest and widest view, in map units.
const MIN_WIDTH: f64 = 240.0;
const MAX_WIDTH: f64 = 60_000.0;
/// Screen pixels per map unit below which the boxes' text is too small to
/// read: a larger picture first opens at this size.
const MIN_READABLE_SCALE: f64 = 0.85;
/// A small picture is not blown up beyond this on a large screen…
const MAX_FIRST_SCALE: f64 = 2.5;
/// Share of the view one arrow key moves it.
const KEY_STEP: f64 = 0.1;

#[derive(Clone, Copy)]
pub struct Viewport {
    /// x, y, width, height.
    view: RwSignal<[f64; 4]>,
    /// Pressed pointers: id and last position (client pixels).
    pointers: StoredValue<Vec<(i32, f64, f64)>>,
    /// Where the first pointer went down, until the press becomes a drag.
    pressed_at: StoredValue<Option<(f64, f64)>>,
    dragging: StoredValue<bool>,
    swallow_click: StoredValue<bool>,
}

impl Viewport {
    pub fn new(size: (f64, f64)) -> Self {
        Viewport {
            view: RwSignal::new(fitted(size)),
            pointers: StoredValue::new(Vec::new()),
            pressed_at: StoredValue::new(None),
            dragging: StoredValue::new(false),
            swallow_click: StoredValue::new(false),
        }
    }

    pub fn view_box(&self) -> String {
        let [x, y, w, h] = self.view.get();
        format!("{x:.1} {y:.1} {w:.1} {h:.1}")
    }

    pub fn fit(&self, size: (f64, f64)) {
        self.view.set(fitted(size));
    }

    /// Shows the boxes at `corners` (top-left corners of boxes of `size`).
    pub fn show(&self, corners: &[(f64, f64)], size: (f64, f64)) {
        let Some(&(x0, y0)) = corners.first() else {
            return;
        };
        let (mut left, mut top, mut right, mut bottom) = (x0, y0, x0 + size.0, y0 + size.1);
        for &(x, y) in corners {
            left = left.min(x);
            top = top.min(y);
            right = right.max(x + size.0);
            bottom = bottom.max(y + size.1);
        }
        let width = (right - left + 2.0 * MARGIN).max(MIN_WIDTH * 2.0);
        let centre = (left + right) / 2.0;
        self.view.set([
            centre - width / 2.0,
            top - MARGIN,
            width,
            bottom - top + 2.0 * MARGIN,
        ]);
    }

    /// The first view in the browser: everything when it fits at a size
    /// that can be read, otherwise the top-left part at that size (the rest
    /// is a drag away). The server cannot know the window, so it sends the
    /// whole picture and this adjusts it once the page runs.
    pub fn readable(&self, svg: NodeRef<leptos::svg::Svg>, (width, height): (f64, f64)) {
        let Some(element) = svg.get_untracked() else {
            return;
        };
        let (cw, ch) = (
            element.client_width() as f64,
            element.client_height() as f64,
        );
        if cw <= 0.0 || ch <= 0.0 {
            return;
        }
        let [_, _, w, h] = fitted((width, height));
        let scale = (cw / w).min(ch / h).min(MAX_FIRST_SCALE);
        let (view_w, view_h) = (
            cw / scale.max(MIN_READABLE_SCALE),
            ch / scale.max(MIN_READABLE_SCALE),
        );
        // Centred where the picture is smaller than the view, from its
        // top-left corner where it is larger.
        let x = if w <= view_w {
            -MARGIN - (view_w - w) / 2.0
        } else {
            -MARGIN
        };
        let y = if h <= view_h {
            -MARGIN - (view_h - h) / 2.0
        } else {
            -MARGIN
        };
        self.view.set([x, y, view_w, view_h]);
    }

    pub fn zoom_by(&self, factor: f64) {
        let [x, y, w, h] = self.view.get_untracked();
        self.zoom_at(factor, (x + w / 2.0, y + h / 2.0));
    }

    /// Zooms by `factor` keeping the map point `at` where it is.
    fn zoom_at(&self, factor: f64, at: (f64, f64)) {
        self.view.update(|[x, y, w, h]| {
            let width = (*w / factor).clamp(MIN_WIDTH, MAX_WIDTH);
            let scale = width / *w;
            *x = at.0 - (at.0 - *x) * scale;
            *y = at.1 - (at.1 - *y) * scale;
            *w = width;
            *h *= scale;
        });
    }

    fn pan(&self, dx: f64, dy: f64) {
        self.view.update(|[x, y, _, _]| {
            *x += dx;
            *y += dy;
        });
    }

    /// Arrow keys pan, `+` and `-` zoom.
    pub fn key(&self, ev: &leptos::ev::KeyboardEvent) {
        let [_, _, w, h] = self.view.get_untracked();
        match ev.key().as_str() {
            "ArrowLeft" => self.pan(-w * KEY_STEP, 0.0),
            "ArrowRight" => self.pan(w * KEY_STEP, 0.0),
            "ArrowUp" => self.pan(0.0, -h * KEY_STEP),
            "ArrowDown" => self.pan(0.0, h * KEY_STEP),
            "+" | "=" => self.zoom_by(1.25),
            "-" | "_" => self.zoom_by(0.8),
            _ => return,
        }
        ev.prevent_default();
    }

    pub fn wheel(&self, ev: &leptos::ev::WheelEvent, svg: NodeRef<leptos::svg::Svg>) {
        ev.prevent_default();
        if let Some(at) = self.map_point(svg, ev.client_x() as f64, ev.client_y() as f64) {
            self.zoom_at((-ev.delta_y() * 0.0015).exp(), at);
        }
    }

    pub fn pointer_down(&self, ev: &leptos::ev::PointerEvent) {
        let (x, y) = (ev.client_x() as f64, ev.client_y() as f64);
        self.pointers.update_value(|p| {
            p.retain(|(id, _, _)| *id != ev.pointer_id());
            p.push((ev.pointer_id(), x, y));
        });
        if self.pointers.with_value(Vec::len) == 1 {
            self.pressed_at.set_value(Some((x, y)));
            self.dragging.set_value(false);
        }
    }

    pub fn pointer_move(&self, ev: &leptos::ev::PointerEvent, svg: NodeRef<leptos::svg::Svg>) {
        let (x, y) = (ev.client_x() as f64, ev.client_y() as f64);
        let Some(before) = self
            .pointers
            .with_value(|p| p.iter().find(|(id, _, _)| *id == ev.pointer_id()).copied())
        else {
            return;
        };
        let others: Vec<(i32, f64, f64)> = self.pointers.with_value(|p| {
            p.iter()
                .filter(|(id, _, _)| *id != ev.pointer_id())
                .copied()
                .collect()
        });
        self.pointers.update_value(|p| {
            if let Some(entry) = p.iter_mut().find(|(id, _, _)| *id == ev.pointer_id()) {
                *entry = (ev.pointer_id(), x, y);
            }
        });
        if !self.dragging.get_value() {
            let far = self
                .pressed_at
                .get_value()
                .is_some_and(|(x0, y0)| (x - x0).hypot(y - y0) > DRAG_START);
            if !far && others.is_empty() {
                return;
            }
            self.dragging.set_value(true);
            if let Some(svg) = svg.get_untracked() {
                let _ = svg.set_pointer_capture(ev.pointer_id());
            }
        }
        let Some(scale) = self.scale(svg) else {
            return;
        };
        match others.first() {
            // A pinch: zoom by how much the two fingers moved apart, about their middle.
            Some(&(_, ox, oy)) => {
                let (was, now) = ((before.1 - ox).hypot(before.2 - oy), (x - ox).hypot(y - oy));
                if was > 0.0
                    && let Some(at) = self.map_point(svg, (x + ox) / 2.0, (y + oy) / 2.0)
                {
                    self.zoom_at(now / was, at);
                }
            }
            None => self.pan(-(x - before.1) * scale, -(y - before.2) * scale),
        }
    }

    pub fn pointer_up(&self, ev: &leptos::ev::PointerEvent) {
        self.pointers
            .update_value(|p| p.retain(|(id, _, _)| *id != ev.pointer_id()));
        if self.pointers.with_value(Vec::is_empty) {
            if self.dragging.get_value() {
                self.swallow_click.set_value(true);
            }
            self.dragging.set_value(false);
            self.pressed_at.set_value(None);
        }
    }

    /// The click that ends a drag does not open the box under it.
    pub fn click(&self, ev: &leptos::ev::MouseEvent) {
        if self.swallow_click.get_value() {
            self.swallow_click.set_value(false);
            ev.prevent_default();
        }
    }

    /// Map units per screen pixel (the view is fitted inside the element,
    /// keeping its proportions).
    fn scale(&self, svg: NodeRef<leptos::svg::Svg>) -> Option<f64> {
        let svg = svg.get_untracked()?;
        let (cw, ch) = (svg.client_width() as f64, svg.client_height() as f64);
        let [_, _, w, h] = self.view.get_untracked();
        (cw > 0.0 && ch > 0.0).then(|| (w / cw).max(h / ch))
    }

    /// The map point under a screen point.
    pub fn map_point(
        &self,
        svg: NodeRef<leptos::svg::Svg>,
        client_x: f64,
        client_y: f64,
    ) -> Option<(f64, f64)> {
        let scale = self.scale(svg)?;
        let element = svg.get_untracked()?;
        let rect = element.get_bounding_client_rect();
        let [x, y, w, h] = self.view.get_untracked();
        let (cw, ch) = (
            element.client_width() as f64,
            element.client_height() as f64,
        );
        let (offset_x, offset_y) = ((cw - w / scale) / 2.0, (ch - h / scale) / 2.0);
        Some((
            x + (client_x - rect.left() - offset_x) * scale,
            y + (client_y - rect.top() - offset_y) * scale,
        ))
    }
}

fn fitted((width, height): (f64, f64)) -> [f64; 4] {
    [
        -MARGIN,
        -MARGIN,
        width.max(NODE_WIDTH) + 2.0 * MARGIN,
        height.max(1.0) + 2.0 * MARGIN,
    ]
}

/// "Download SVG": the whole picture (not only the part in view) as a
/// standalone file, through the link's own `href`.
pub fn download(ev: &leptos::ev::MouseEvent, svg: NodeRef<leptos::svg::Svg>, size: (f64, f64)) {
    #[cfg(feature = "hydrate")]
    {
        use leptos::wasm_bindgen::JsCast;
        let (Some(svg), Some(link)) = (
            svg.get_untracked(),
            ev.current_target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok()),
        ) else {
            return;
        };
        let Ok(copy) = svg.clone_node_with_deep(true) else {
            return;
        };
        let Ok(copy) = copy.dyn_into::<web_sys::Element>() else {
            return;
        };
        let [x, y, w, h] = fitted(size);
        let _ = copy.set_attribute("viewBox", &format!("{x} {y} {w} {h}"));
        let _ = copy.set_attribute("width", &w.to_string());
        let _ = copy.set_attribute("height", &h.to_string());
        let text = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{}",
            copy.outer_html()
        );
        let url = format!(
            "data:image/svg+xml;charset=utf-8,{}",
            String::from(js_sys::encode_uri_component(&text))
        );
        let _ = link.set_attribute("href", &url);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (ev, svg, size);
}
