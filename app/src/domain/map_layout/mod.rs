//! The alignment map's layout: objectives as boxes in rows and unit bands,
//! links from an objective up to each objective it supports.
//!
//! A layered ("Sugiyama") layout, computed on the server and sent to the
//! browser as numbers:
//! - **Rows.** An objective sits at least one row below everything it
//!   supports, and no higher than its unit's depth in the unit tree, so
//!   the organisation's objectives are on top, a department's below, its
//!   teams' below that, and an objective that supports nothing still sits
//!   at its unit's level.
//! - **Bands.** Every unit is a vertical band; a department's band holds a
//!   column of its own objectives and then its teams' bands, so units are
//!   laid out along the unit tree.
//! - **Order.** Within a band's row, and among sibling units, the order
//!   comes from barycentre sweeps (each box moves towards the mean position
//!   of what it links to, down then up, a few times); the ordering with the
//!   fewest crossing links wins.
//!
//! Every tie is broken by the objective's or unit's id, so the same graph
//! gives the same picture whatever order it arrives in.

use serde::{Deserialize, Serialize};
use std::collections::HashMap;

#[cfg(test)]
mod tests;

/// Generated organisations, for the tests and the benchmark.
#[doc(hidden)]
pub mod sample {
    use super::{LinkIn, NodeIn, UnitIn};

    /// A generated organisation: `units` units (each under an earlier one),
    /// `nodes` objectives, each supporting up to two objectives of a unit
    /// above its own (so there are no circles), from a fixed seed.
    pub fn generated(
        units: usize,
        nodes: usize,
        seed: u64,
    ) -> (Vec<UnitIn>, Vec<NodeIn>, Vec<LinkIn>) {
        let mut state = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let mut next = move |below: usize| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((state >> 33) as usize) % below.max(1)
        };
        let unit = |id: i64, parent_id: Option<i64>, name: &str| UnitIn {
            id,
            parent_id,
            name: name.to_owned(),
        };
        let link = |from: usize, to: usize| LinkIn { from, to };
        let mut unit_list = vec![unit(0, None, "Unit 0")];
        for u in 1..units {
            let parent = next(u.min(8)) as i64;
            unit_list.push(unit(u as i64, Some(parent), &format!("Unit {u}")));
        }
        let mut node_list: Vec<NodeIn> = Vec::new();
        let mut link_list = Vec::new();
        for n in 0..nodes {
            let u = next(units) as i64;
            node_list.push(NodeIn {
                id: format!("o{n:04}"),
                unit_id: u,
            });
            // Supports objectives of its parent unit (created earlier).
            let parent_unit = unit_list[u as usize].parent_id;
            let candidates: Vec<usize> = (0..n)
                .filter(|&m| Some(node_list[m].unit_id) == parent_unit)
                .collect();
            for _ in 0..next(3) {
                if !candidates.is_empty() {
                    let to = candidates[next(candidates.len())];
                    if !link_list.contains(&link(n, to)) {
                        link_list.push(link(n, to));
                    }
                }
            }
        }
        (unit_list, node_list, link_list)
    }
}

/// A box's size and the space around it, in SVG user units (pixels at 1×).
pub const NODE_WIDTH: f64 = 208.0;
pub const NODE_HEIGHT: f64 = 84.0;
const COLUMN_GAP: f64 = 16.0;
const ROW_GAP: f64 = 72.0;
/// Inside a band, around its boxes and nested bands.
const BAND_PADDING: f64 = 12.0;
/// The strip at the top of a band that holds its name.
const LABEL_HEIGHT: f64 = 28.0;
/// The width of a band with no objectives (a gap to see, not to hide).
const EMPTY_BAND: f64 = 120.0;
/// Barycentre sweeps (one down and one up each).
const SWEEPS: usize = 6;

/// A unit of the organisation, as the map needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitIn {
    pub id: i64,
    pub parent_id: Option<i64>,
    /// Orders siblings before the sweeps do.
    pub name: String,
}

/// An objective, as the layout needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeIn {
    /// Breaks ties, so the picture does not depend on the input's order.
    pub id: String,
    pub unit_id: i64,
}

/// A link: the objective at `from` supports the one at `to` (indices into
/// the nodes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LinkIn {
    pub from: usize,
    pub to: usize,
}

/// Where one objective's box is: its top-left corner and its row.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Placed {
    pub x: f64,
    pub y: f64,
    pub row: usize,
}

/// A unit's band: a rectangle nested in its parent's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Band {
    pub unit_id: i64,
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
    /// 0 for a unit at the top of the tree.
    pub depth: usize,
}

/// The whole picture. `nodes` follows the order of the input.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Layout {
    pub width: f64,
    pub height: f64,
    pub nodes: Vec<Placed>,
    pub bands: Vec<Band>,
    /// How many pairs of links cross, as drawn (straight, centre to centre).
    pub crossings: usize,
}

impl Placed {
    /// Where a link leaves this box (the middle of its top edge)…
    pub fn top(&self) -> (f64, f64) {
        (self.x + NODE_WIDTH / 2.0, self.y)
    }

    /// …and where a link arrives (the middle of its bottom edge).
    pub fn bottom(&self) -> (f64, f64) {
        (self.x + NODE_WIDTH / 2.0, self.y + NODE_HEIGHT)
    }
}

/// Lays out `nodes` in the bands of `units`, with `links` pointing up.
/// Objectives of units not in `units` go in a band of their own at the top
/// level; links out of range are ignored.
pub fn layout(units: &[UnitIn], nodes: &[NodeIn], links: &[LinkIn]) -> Layout {
    let tree = UnitTree::new(units, nodes);
    let links: Vec<LinkIn> = links
        .iter()
        .copied()
        .filter(|l| l.from < nodes.len() && l.to < nodes.len() && l.from != l.to)
        .collect();
    let rows = rows(nodes, &links, &tree);
    let mut order = Order::initial(nodes, &rows, &tree);
    let mut placed = order.place(&tree, &rows);
    let mut best = (crossings(&placed, &links), order.clone());
    for sweep in 0..SWEEPS * 2 {
        let downwards = sweep % 2 == 0;
        order.sweep(&placed, &links, &rows, downwards, &tree);
        placed = order.place(&tree, &rows);
        let count = crossings(&placed, &links);
        if count < best.0 {
            best = (count, order.clone());
        }
        if best.0 == 0 {
            break;
        }
    }
    let (crossings, order) = best;
    let mut placed = order.place(&tree, &rows);
    // Outer bands first, so they are drawn under the bands they hold.
    placed
        .bands
        .sort_by(|a, b| a.depth.cmp(&b.depth).then(a.x.total_cmp(&b.x)));
    Layout {
        width: placed.width,
        height: placed.height,
        nodes: placed.nodes,
        bands: placed.bands,
        crossings,
    }
}

/// Units as a tree, in a fixed order: index 0.. are the units given, and
/// one more (`orphans`) holds objectives whose unit is unknown.
struct UnitTree {
    ids: Vec<i64>,
    children: Vec<Vec<usize>>,
    roots: Vec<usize>,
    depth: Vec<usize>,
    /// The band of each node.
    unit_of: Vec<usize>,
    max_depth: usize,
}

impl UnitTree {
    fn new(units: &[UnitIn], nodes: &[NodeIn]) -> Self {
        // Sorted by (name, id), so siblings start in a stable order.
        let mut sorted: Vec<&UnitIn> = units.iter().collect();
        sorted.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
        sorted.dedup_by_key(|u| u.id);
        let index: HashMap<i64, usize> =
            sorted.iter().enumerate().map(|(i, u)| (u.id, i)).collect();
        let count = sorted.len();
        let mut children = vec![Vec::new(); count];
        let mut roots = Vec::new();
        for (i, unit) in sorted.iter().enumerate() {
            match unit.parent_id.and_then(|p| index.get(&p)) {
                // A parent that would make a circle is ignored below.
                Some(&parent) if parent != i => children[parent].push(i),
                _ => roots.push(i),
            }
        }
        let unit_of: Vec<usize> = nodes
            .iter()
            .map(|n| index.get(&n.unit_id).copied().unwrap_or(count))
            .collect();
        let mut tree = UnitTree {
            ids: sorted.iter().map(|u| u.id).chain([i64::MIN]).collect(),
            children,
            roots,
            depth: vec![0; count + 1],
            unit_of,
            max_depth: 0,
        };
        if tree.unit_of.contains(&count) {
            tree.children.push(Vec::new());
            tree.roots.push(count);
        }
        // Depths from the roots; a unit in a circle of parents is never
        // reached and becomes a root.
        let mut seen = vec![false; tree.ids.len()];
        let mut stack: Vec<(usize, usize)> = tree.roots.iter().map(|&r| (r, 0)).collect();
        while let Some((unit, depth)) = stack.pop() {
            if std::mem::replace(&mut seen[unit], true) {
                continue;
            }
            tree.depth[unit] = depth;
            tree.max_depth = tree.max_depth.max(depth);
            stack.extend(
                tree.children
                    .get(unit)
                    .into_iter()
                    .flatten()
                    .map(|&c| (c, depth + 1)),
            );
        }
        let unreached: Vec<usize> = (0..count).filter(|&u| !seen[u]).collect();
        for unit in unreached {
            tree.roots.push(unit);
            for list in &mut tree.children {
                list.retain(|&c| c != unit);
            }
        }
        tree
    }
}

/// Each node's row: below everything it supports, and not above its
/// unit's level. Links that would close a circle are ignored.
fn rows(nodes: &[NodeIn], links: &[LinkIn], tree: &UnitTree) -> Vec<usize> {
    let count = nodes.len();
    let mut parents: Vec<Vec<usize>> = vec![Vec::new(); count];
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); count];
    for link in links {
        parents[link.from].push(link.to);
        children[link.to].push(link.from);
    }
    let mut waiting: Vec<usize> = parents.iter().map(Vec::len).collect();
    let mut row: Vec<usize> = (0..count).map(|n| tree.depth[tree.unit_of[n]]).collect();
    let mut done = vec![false; count];
    // Ready nodes in id order, so the result never depends on input order.
    let mut ready: std::collections::BTreeSet<(&str, usize)> = (0..count)
        .filter(|&n| waiting[n] == 0)
        .map(|n| (nodes[n].id.as_str(), n))
        .collect();
    let mut finished = 0;
    while finished < count {
        let next = match ready.pop_first() {
            Some((_, n)) => n,
            // A circle: release its first node, as if its open links were not there.
            None => match (0..count)
                .filter(|&n| !done[n])
                .min_by(|&a, &b| nodes[a].id.cmp(&nodes[b].id))
            {
                Some(n) => n,
                None => break,
            },
        };
        if std::mem::replace(&mut done[next], true) {
            continue;
        }
        finished += 1;
        for &parent in &parents[next] {
            if done[parent] {
                row[next] = row[next].max(row[parent] + 1);
            }
        }
        for &child in &children[next] {
            waiting[child] = waiting[child].saturating_sub(1);
            if waiting[child] == 0 && !done[child] {
                ready.insert((nodes[child].id.as_str(), child));
            }
        }
    }
    row
}

/// The order of units among their siblings, and of nodes within each
/// (unit, row) cell.
#[derive(Clone)]
struct Order {
    children: Vec<Vec<usize>>,
    roots: Vec<usize>,
    /// cells[unit][row] = nodes, left to right.
    cells: Vec<Vec<Vec<usize>>>,
}

/// Positions for one order.
struct Positions {
    nodes: Vec<Placed>,
    bands: Vec<Band>,
    width: f64,
    height: f64,
}

impl Order {
    fn initial(nodes: &[NodeIn], rows: &[usize], tree: &UnitTree) -> Self {
        let row_count = rows
            .iter()
            .max()
            .map_or(0, |r| r + 1)
            .max(tree.max_depth + 1);
        let mut cells = vec![vec![Vec::new(); row_count]; tree.ids.len()];
        let mut by_id: Vec<usize> = (0..nodes.len()).collect();
        by_id.sort_by(|&a, &b| nodes[a].id.cmp(&nodes[b].id));
        for n in by_id {
            cells[tree.unit_of[n]][rows[n]].push(n);
        }
        Order {
            children: tree.children.clone(),
            roots: tree.roots.clone(),
            cells,
        }
    }

    fn place(&self, tree: &UnitTree, rows: &[usize]) -> Positions {
        let row_count = self.cells.first().map_or(1, Vec::len);
        let top = (tree.max_depth + 1) as f64 * LABEL_HEIGHT + BAND_PADDING;
        let height =
            top + row_count as f64 * (NODE_HEIGHT + ROW_GAP) - ROW_GAP + BAND_PADDING * 2.0;
        let mut positions = Positions {
            nodes: vec![
                Placed {
                    x: 0.0,
                    y: 0.0,
                    row: 0
                };
                rows.len()
            ],
            bands: Vec::with_capacity(tree.ids.len()),
            width: 0.0,
            height: height + (tree.max_depth as f64) * BAND_PADDING,
        };
        let mut x = 0.0;
        for &root in &self.roots {
            x += self.place_band(root, x, tree, &mut positions) + COLUMN_GAP;
        }
        positions.width = (x - COLUMN_GAP).max(0.0);
        for (n, placed) in positions.nodes.iter_mut().enumerate() {
            placed.row = rows[n];
            placed.y = top + rows[n] as f64 * (NODE_HEIGHT + ROW_GAP);
        }
        positions
    }

    /// Places `unit`'s band from `left`; returns its width.
    fn place_band(&self, unit: usize, left: f64, tree: &UnitTree, out: &mut Positions) -> f64 {
        let own = self.cells[unit].iter().map(Vec::len).max().unwrap_or(0);
        let mut x = left + BAND_PADDING;
        for cell in &self.cells[unit] {
            for (i, &n) in cell.iter().enumerate() {
                out.nodes[n].x = x + i as f64 * (NODE_WIDTH + COLUMN_GAP);
            }
        }
        if own > 0 {
            x += own as f64 * (NODE_WIDTH + COLUMN_GAP);
        }
        for &child in &self.children[unit] {
            x += self.place_band(child, x, tree, out) + COLUMN_GAP;
        }
        let width = (x - left - COLUMN_GAP + BAND_PADDING).max(EMPTY_BAND);
        let depth = tree.depth[unit];
        // Nested bands start below their parent's name and end inside it.
        let y = depth as f64 * LABEL_HEIGHT;
        out.bands.push(Band {
            unit_id: tree.ids[unit],
            x: left,
            y,
            width,
            height: out.height - y - depth as f64 * BAND_PADDING,
            depth,
        });
        width
    }

    /// One barycentre sweep: each node moves towards the mean centre of
    /// its links in the row above (downwards) or below (upwards); sibling
    /// units towards the mean of their nodes' links leaving them.
    fn sweep(
        &mut self,
        placed: &Positions,
        links: &[LinkIn],
        rows: &[usize],
        downwards: bool,
        tree: &UnitTree,
    ) {
        let centre = |n: usize| placed.nodes[n].x + NODE_WIDTH / 2.0;
        let mut pull: Vec<(f64, usize)> = vec![(0.0, 0); placed.nodes.len()];
        for link in links {
            // `from` is below `to`.
            let (moving, anchor) = if downwards {
                (link.from, link.to)
            } else {
                (link.to, link.from)
            };
            if rows[moving] != rows[anchor] {
                pull[moving].0 += centre(anchor);
                pull[moving].1 += 1;
            }
        }
        let target = |n: usize| match pull[n] {
            (_, 0) => centre(n),
            (sum, count) => sum / count as f64,
        };
        for unit_cells in &mut self.cells {
            for cell in unit_cells {
                cell.sort_by(|&a, &b| {
                    target(a)
                        .total_cmp(&target(b))
                        .then(centre(a).total_cmp(&centre(b)))
                });
            }
        }
        // Sibling units: by the mean target of everything in their subtree.
        let mut mean = vec![(0.0, 0usize); tree.ids.len()];
        for (n, &unit) in tree.unit_of.iter().enumerate() {
            mean[unit].0 += target(n);
            mean[unit].1 += 1;
        }
        let subtree = |unit: usize| -> Option<f64> {
            let mut stack = vec![unit];
            let (mut sum, mut count) = (0.0, 0usize);
            while let Some(u) = stack.pop() {
                sum += mean[u].0;
                count += mean[u].1;
                stack.extend(self.children[u].iter().copied());
            }
            (count > 0).then(|| sum / count as f64)
        };
        let band_centre: HashMap<i64, f64> = placed
            .bands
            .iter()
            .map(|b| (b.unit_id, b.x + b.width / 2.0))
            .collect();
        let key = |unit: usize| {
            subtree(unit)
                .unwrap_or_else(|| band_centre.get(&tree.ids[unit]).copied().unwrap_or(0.0))
        };
        let mut sorted_children = self.children.clone();
        for list in &mut sorted_children {
            let keys: HashMap<usize, f64> = list.iter().map(|&u| (u, key(u))).collect();
            list.sort_by(|a, b| {
                keys[a]
                    .total_cmp(&keys[b])
                    .then(tree.ids[*a].cmp(&tree.ids[*b]))
            });
        }
        let root_keys: HashMap<usize, f64> = self.roots.iter().map(|&u| (u, key(u))).collect();
        self.roots.sort_by(|a, b| {
            root_keys[a]
                .total_cmp(&root_keys[b])
                .then(tree.ids[*a].cmp(&tree.ids[*b]))
        });
        self.children = sorted_children;
    }
}

/// Pairs of links that cross, each drawn straight from the supporting box's
/// top to the supported box's bottom. Links sharing an end do not count.
fn crossings(placed: &Positions, links: &[LinkIn]) -> usize {
    // From, to, and the two nodes.
    type Segment = ((f64, f64), (f64, f64), [usize; 2]);
    let segments: Vec<Segment> = links
        .iter()
        .map(|l| {
            (
                placed.nodes[l.from].top(),
                placed.nodes[l.to].bottom(),
                [l.from, l.to],
            )
        })
        .collect();
    let mut count = 0;
    for (i, a) in segments.iter().enumerate() {
        for b in &segments[i + 1..] {
            if a.2.iter().any(|end| b.2.contains(end)) {
                continue;
            }
            // Only links whose heights overlap can cross.
            if a.1.1.max(b.1.1) >= a.0.1.min(b.0.1) {
                continue;
            }
            if segments_cross(a.0, a.1, b.0, b.1) {
                count += 1;
            }
        }
    }
    count
}

fn segments_cross(p1: (f64, f64), p2: (f64, f64), p3: (f64, f64), p4: (f64, f64)) -> bool {
    let side = |a: (f64, f64), b: (f64, f64), c: (f64, f64)| {
        (b.0 - a.0) * (c.1 - a.1) - (b.1 - a.1) * (c.0 - a.0)
    };
    let (d1, d2) = (side(p3, p4, p1), side(p3, p4, p2));
    let (d3, d4) = (side(p1, p2, p3), side(p1, p2, p4));
    d1 * d2 < 0.0 && d3 * d4 < 0.0
}
