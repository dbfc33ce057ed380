use super::sample::generated;
use super::*;
use proptest::prelude::*;

fn unit(id: i64, parent: Option<i64>, name: &str) -> UnitIn {
    UnitIn {
        id,
        parent_id: parent,
        name: name.to_owned(),
    }
}

fn node(id: &str, unit: i64) -> NodeIn {
    NodeIn {
        id: id.to_owned(),
        unit_id: unit,
    }
}

fn link(from: usize, to: usize) -> LinkIn {
    LinkIn { from, to }
}

/// Company › {Engineering › {Platform, Web}, Sales}.
fn organisation() -> Vec<UnitIn> {
    vec![
        unit(1, None, "Company"),
        unit(2, Some(1), "Engineering"),
        unit(3, Some(2), "Platform"),
        unit(4, Some(2), "Web"),
        unit(5, Some(1), "Sales"),
    ]
}

/// What every layout must be, whatever the graph.
fn assert_sound(units: &[UnitIn], nodes: &[NodeIn], links: &[LinkIn], layout: &Layout) {
    assert_eq!(layout.nodes.len(), nodes.len());
    // No two boxes overlap.
    for (i, a) in layout.nodes.iter().enumerate() {
        for b in &layout.nodes[i + 1..] {
            let apart = a.x + NODE_WIDTH <= b.x
                || b.x + NODE_WIDTH <= a.x
                || a.y + NODE_HEIGHT <= b.y
                || b.y + NODE_HEIGHT <= a.y;
            assert!(apart, "{a:?} overlaps {b:?}");
        }
    }
    // Every link points up a row (there are no circles in these graphs).
    for l in links {
        let (from, to) = (layout.nodes[l.from], layout.nodes[l.to]);
        assert!(from.row > to.row, "{l:?}: {from:?} is not below {to:?}");
        assert!(from.top().1 > to.bottom().1);
    }
    // Every box is inside its unit's band, and inside the picture.
    let band: HashMap<i64, &Band> = layout.bands.iter().map(|b| (b.unit_id, b)).collect();
    for (n, placed) in layout.nodes.iter().enumerate() {
        let b = band[&nodes[n].unit_id];
        assert!(
            b.x <= placed.x && placed.x + NODE_WIDTH <= b.x + b.width,
            "{placed:?} outside {b:?}"
        );
        assert!(
            b.y <= placed.y && placed.y + NODE_HEIGHT <= b.y + b.height,
            "{placed:?} outside {b:?}"
        );
        assert!(placed.x + NODE_WIDTH <= layout.width && placed.y + NODE_HEIGHT <= layout.height);
    }
    // A band sits inside its parent's; siblings side by side.
    for u in units {
        let b = band[&u.id];
        if let Some(parent) = u.parent_id.and_then(|p| band.get(&p)) {
            assert!(
                parent.x <= b.x && b.x + b.width <= parent.x + parent.width,
                "{b:?} outside {parent:?}"
            );
            assert!(parent.y < b.y && b.y + b.height <= parent.y + parent.height);
        }
        for v in units
            .iter()
            .filter(|v| v.id != u.id && v.parent_id == u.parent_id)
        {
            let c = band[&v.id];
            assert!(
                b.x + b.width <= c.x || c.x + c.width <= b.x,
                "{b:?} overlaps {c:?}"
            );
        }
    }
}

#[test]
fn rows_follow_the_links_and_the_unit_tree() {
    let nodes = vec![
        node("company", 1),
        node("engineering", 2),
        node("platform", 3),
        node("web-alone", 4),
        node("sales", 5),
    ];
    let links = vec![link(1, 0), link(2, 1), link(4, 0)];
    let layout = layout(&organisation(), &nodes, &links);
    let rows: Vec<usize> = layout.nodes.iter().map(|p| p.row).collect();
    // Web's objective supports nothing, and still sits at its team's level.
    assert_eq!(rows, vec![0, 1, 2, 2, 1]);
    assert_sound(&organisation(), &nodes, &links, &layout);
}

#[test]
fn an_objective_supporting_two_rows_sits_below_the_lower() {
    let nodes = vec![
        node("company", 1),
        node("engineering", 2),
        node("platform", 3),
    ];
    let links = vec![link(2, 0), link(2, 1), link(1, 0)];
    let layout = layout(&organisation(), &nodes, &links);
    assert_eq!(layout.nodes[2].row, 2);
    assert_sound(&organisation(), &nodes, &links, &layout);
}

#[test]
fn the_sweeps_uncross_what_the_first_order_crosses() {
    // Ids put "a" before "b" and "A" before "B", but a supports B and b
    // supports A: in id order the two links cross.
    let units = vec![unit(1, None, "Company"), unit(2, Some(1), "Team")];
    let nodes = vec![node("A", 1), node("B", 1), node("a", 2), node("b", 2)];
    let links = vec![link(2, 1), link(3, 0)];
    let layout = layout(&units, &nodes, &links);
    assert_eq!(layout.crossings, 0);
    assert!(layout.nodes[3].x < layout.nodes[2].x || layout.nodes[1].x < layout.nodes[0].x);
    assert_sound(&units, &nodes, &links, &layout);
}

#[test]
fn a_unit_without_objectives_keeps_a_band_and_an_unknown_unit_gets_one() {
    let nodes = vec![node("company", 1), node("stray", 99)];
    let layout = layout(&organisation(), &nodes, &[]);
    let bands: Vec<i64> = layout.bands.iter().map(|b| b.unit_id).collect();
    for id in 1..=5 {
        assert!(bands.contains(&id), "{bands:?}");
    }
    assert_eq!(layout.bands.len(), 6, "one more band for the unknown unit");
    let web = layout.bands.iter().find(|b| b.unit_id == 4).unwrap();
    assert!(web.width >= EMPTY_BAND);
}

#[test]
fn a_circle_of_links_is_laid_out_without_hanging() {
    let nodes = vec![node("a", 1), node("b", 1), node("c", 1)];
    let links = vec![link(0, 1), link(1, 2), link(2, 0)];
    let layout = layout(&organisation(), &nodes, &links);
    assert_eq!(layout.nodes.len(), 3);
    // The two links after the released node point up.
    let rows: Vec<usize> = layout.nodes.iter().map(|p| p.row).collect();
    assert_eq!(
        rows,
        vec![0, 2, 1],
        "a is released first; c below a, b below c"
    );
}

#[test]
fn the_same_graph_in_another_order_gives_the_same_picture() {
    let (units, nodes, links) = generated(12, 80, 7);
    let first = layout(&units, &nodes, &links);
    assert_eq!(first, layout(&units, &nodes, &links));
    // Reverse everything: units, nodes (and the links' indices with them).
    let count = nodes.len();
    let reversed_units: Vec<UnitIn> = units.iter().rev().cloned().collect();
    let reversed_nodes: Vec<NodeIn> = nodes.iter().rev().cloned().collect();
    let reversed_links: Vec<LinkIn> = links
        .iter()
        .rev()
        .map(|l| link(count - 1 - l.from, count - 1 - l.to))
        .collect();
    let second = layout(&reversed_units, &reversed_nodes, &reversed_links);
    for (n, placed) in first.nodes.iter().enumerate() {
        assert_eq!(*placed, second.nodes[count - 1 - n], "{}", nodes[n].id);
    }
    assert_eq!(first.crossings, second.crossings);
    assert_eq!((first.width, first.height), (second.width, second.height));
}

#[test]
fn five_hundred_objectives_in_sixty_units() {
    let (units, nodes, links) = generated(60, 500, 42);
    let layout = layout(&units, &nodes, &links);
    assert_sound(&units, &nodes, &links, &layout);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn every_generated_layout_is_sound(units in 1usize..20, nodes in 0usize..90, seed in any::<u64>()) {
        let (units, nodes, links) = generated(units, nodes, seed);
        let layout = layout(&units, &nodes, &links);
        assert_sound(&units, &nodes, &links, &layout);
    }
}
