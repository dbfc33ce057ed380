//! What the map draws, from the board: the objectives in view (one unit's
//! part and its links out, or everything), their links, the laid-out
//! picture, and how each box is coloured and labelled.

use super::text::wrap;
use crate::board::Board;
use crate::domain::gaps::{self, Gap, ObjectiveFacts, UnitFacts};
use crate::domain::leaderboard::expected_progress;
use crate::domain::map_layout::{self, LinkIn, NodeIn, Placed, UnitIn};
use crate::domain::okr::Status;
use crate::domain::opportunities::{self, Opportunity};
use crate::domain::units::{Node as UnitNode, UnitTree};
use std::collections::{HashMap, HashSet};

/// One box of the map.
#[derive(Debug, Clone, PartialEq)]
pub struct MapNode {
    pub id: String,
    /// The title in at most two lines that fit the box.
    pub lines: Vec<String>,
    pub title: String,
    /// "Engineering › Platform", and "+ Sales" for each unit sharing it.
    pub owner: String,
    pub status: Status,
    pub progress: f64,
    pub pace: Pace,
    /// Outside the unit filter, shown because a link crosses into it.
    pub outside: bool,
    pub at: Placed,
}

/// Progress against the straight line from the cycle's start to its end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pace {
    /// At or ahead of the expected progress.
    OnTrack,
    /// Behind, but at least 70 % of the way to where it should be.
    Behind,
    /// Further behind than that.
    AtRisk,
    /// Drafts, proposals and closed objectives are not judged by pace.
    NotJudged,
}

impl Pace {
    /// Fill colour of the progress bar.
    pub fn colour(self) -> &'static str {
        match self {
            Pace::OnTrack => "#1f7a4d",
            Pace::Behind => "#b7791f",
            Pace::AtRisk => "#b3261e",
            Pace::NotJudged => "#7b8594",
        }
    }

    pub fn words(self) -> &'static str {
        match self {
            Pace::OnTrack => "on track",
            Pace::Behind => "behind",
            Pace::AtRisk => "at risk",
            Pace::NotJudged => "",
        }
    }
}

/// A unit's band, with its name.
#[derive(Debug, Clone, PartialEq)]
pub struct MapBand {
    pub name: String,
    pub band: map_layout::Band,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct MapGraph {
    pub nodes: Vec<MapNode>,
    /// Gaps in the alignment of the units in view.
    pub gaps: Vec<Gap>,
    /// Units in view that could plan together.
    pub opportunities: Vec<Opportunity>,
    /// (supporting, supported), as indices into `nodes`.
    pub links: Vec<(usize, usize)>,
    pub bands: Vec<MapBand>,
    pub width: f64,
    pub height: f64,
}

impl MapGraph {
    /// Node indices in reading order: row by row, left to right.
    pub fn reading_order(&self) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.nodes.len()).collect();
        order.sort_by(|&a, &b| {
            let (a, b) = (&self.nodes[a].at, &self.nodes[b].at);
            a.row.cmp(&b.row).then(a.x.total_cmp(&b.x))
        });
        order
    }

    /// `node`, everything it supports and everything that supports it,
    /// however far.
    pub fn related(&self, node: usize) -> HashSet<usize> {
        let mut seen = HashSet::from([node]);
        for upwards in [true, false] {
            let mut stack = vec![node];
            while let Some(at) = stack.pop() {
                for &(from, to) in &self.links {
                    let next = match upwards {
                        true if from == at => to,
                        false if to == at => from,
                        _ => continue,
                    };
                    if seen.insert(next) {
                        stack.push(next);
                    }
                }
            }
        }
        seen
    }
}

/// One objective as the map needs it: of the board, or of an enclosing
/// cycle.
struct Item<'a> {
    id: &'a str,
    title: String,
    unit_id: i64,
    shared: &'a [i64],
    status: Status,
    progress: f64,
    supports: &'a [String],
    /// Of an enclosing cycle: never inside a unit filter.
    enclosing: bool,
}

/// The map of `board`, or of the part of it in `unit` and the units below
/// (with the objectives its links reach outside).
pub fn build(board: &Board, unit: Option<i64>) -> MapGraph {
    let tree = UnitTree::new(board.units.iter().map(|u| UnitNode {
        id: u.id,
        parent_id: u.parent_id,
        name: u.name.clone(),
    }));
    let in_scope: HashSet<i64> = match unit {
        Some(unit) => tree.subtree(unit).into_iter().collect(),
        None => board.units.iter().map(|u| u.id).collect(),
    };
    // Every objective of the board, and those of enclosing cycles that one
    // of them supports (drawn apart, as outside).
    let empty: &[String] = &[];
    let mut items: Vec<Item> = board
        .objectives
        .iter()
        .map(|o| Item {
            id: &o.id,
            title: o.title.clone(),
            unit_id: o.unit_id,
            shared: &o.shared_unit_ids,
            status: o.status,
            progress: o.progress(),
            supports: &o.supports,
            enclosing: false,
        })
        .collect();
    let supported: HashSet<&str> = board
        .objectives
        .iter()
        .flat_map(|o| o.supports.iter().map(String::as_str))
        .collect();
    items.extend(
        board
            .outside
            .iter()
            .filter(|o| supported.contains(o.id.as_str()))
            .map(|o| Item {
                id: &o.id,
                title: format!("{} ({})", o.title, o.cycle_name),
                unit_id: o.unit_id,
                shared: &[],
                status: o.status,
                progress: o.progress,
                supports: empty,
                enclosing: true,
            }),
    );
    let inside = |o: &Item| {
        !o.enclosing
            && (in_scope.contains(&o.unit_id) || o.shared.iter().any(|u| in_scope.contains(u)))
    };
    let by_id: HashMap<&str, &Item> = items.iter().map(|o| (o.id, o)).collect();
    let mut shown: Vec<(&Item, bool)> = items
        .iter()
        .filter(|o| inside(o))
        .map(|o| (o, false))
        .collect();
    // Links out of the filtered part: what it supports, what supports it.
    let inside_ids: HashSet<&str> = shown.iter().map(|(o, _)| o.id).collect();
    let mut outside: Vec<&Item> = Vec::new();
    for o in &items {
        for target in o.supports {
            let linked = if inside_ids.contains(o.id) {
                by_id.get(target.as_str()).copied()
            } else if inside_ids.contains(target.as_str()) {
                Some(o)
            } else {
                None
            };
            if let Some(linked) = linked.filter(|l| !inside_ids.contains(l.id))
                && !outside.iter().any(|x| x.id == linked.id)
            {
                outside.push(linked);
            }
        }
    }
    shown.extend(outside.into_iter().map(|o| (o, true)));

    let index: HashMap<&str, usize> = shown
        .iter()
        .enumerate()
        .map(|(i, (o, _))| (o.id, i))
        .collect();
    let links: Vec<(usize, usize)> = shown
        .iter()
        .enumerate()
        .flat_map(|(i, (o, _))| {
            o.supports
                .iter()
                .filter_map(|target| index.get(target.as_str()).map(|&j| (i, j)))
                .collect::<Vec<_>>()
        })
        .collect();
    // The bands: the units of what is shown, and every unit above them
    // (a filter on a department still shows it as a department).
    let mut units: HashSet<i64> = if unit.is_some() {
        in_scope.clone()
    } else {
        board.units.iter().map(|u| u.id).collect()
    };
    for (o, _) in &shown {
        let mut at = Some(o.unit_id);
        while let Some(u) = at {
            units.insert(u);
            at = tree.get(u).and_then(|n| n.parent_id);
        }
    }
    let unit_list: Vec<UnitIn> = board
        .units
        .iter()
        .filter(|u| units.contains(&u.id))
        .map(|u| UnitIn {
            id: u.id,
            parent_id: u.parent_id.filter(|p| units.contains(p)),
            name: u.name.clone(),
        })
        .collect();
    let layout = map_layout::layout(
        &unit_list,
        &shown
            .iter()
            .map(|(o, _)| NodeIn {
                id: o.id.to_owned(),
                unit_id: o.unit_id,
            })
            .collect::<Vec<_>>(),
        &links
            .iter()
            .map(|&(from, to)| LinkIn { from, to })
            .collect::<Vec<_>>(),
    );
    let expected = board
        .cycle
        .calendar()
        .ok()
        .zip(crate::cycles::parse_date("today", &board.today).ok())
        .map(|(calendar, today)| expected_progress(&calendar, today));
    let nodes = shown
        .iter()
        .zip(layout.nodes)
        .map(|((o, outside), at)| {
            let progress = o.progress;
            let shared: Vec<String> = o.shared.iter().map(|u| board.unit_path(*u)).collect();
            let mut owner = board.unit_path(o.unit_id);
            if !shared.is_empty() {
                owner = format!("{owner} + {}", shared.join(", "));
            }
            MapNode {
                id: o.id.to_owned(),
                lines: wrap(&o.title, TITLE_LINE, 2),
                title: o.title.clone(),
                owner,
                status: o.status,
                progress,
                pace: pace(o.status, progress, expected),
                outside: *outside,
                at,
            }
        })
        .collect();
    let names: HashMap<i64, &str> = board
        .units
        .iter()
        .map(|u| (u.id, u.name.as_str()))
        .collect();
    let (unit_facts, objective_facts) = facts(board);
    // Units left out of the cycle are not gaps; a gap about them and a
    // unit taking part still is.
    let gaps = gaps::find(&unit_facts, &objective_facts)
        .into_iter()
        .filter(|g| {
            g.units
                .iter()
                .any(|u| in_scope.contains(u) && !board.units_out.contains(u))
        })
        .collect();
    let opportunities = opportunities::find(&unit_facts, &objective_facts)
        .into_iter()
        .filter(|o| in_scope.contains(&o.units.0) || in_scope.contains(&o.units.1))
        .collect();
    MapGraph {
        nodes,
        gaps,
        opportunities,
        links,
        bands: layout
            .bands
            .into_iter()
            .map(|band| MapBand {
                name: names
                    .get(&band.unit_id)
                    .copied()
                    .unwrap_or("Other")
                    .to_owned(),
                band,
            })
            .collect(),
        width: layout.width,
        height: layout.height,
    }
}

/// The board's units and objectives as the alignment rules read them.
fn facts(board: &Board) -> (Vec<UnitFacts>, Vec<ObjectiveFacts>) {
    let units: Vec<UnitFacts> = board
        .units
        .iter()
        .map(|u| UnitFacts {
            id: u.id,
            parent_id: u.parent_id,
            name: u.name.clone(),
        })
        .collect();
    let objectives: Vec<ObjectiveFacts> = board
        .objectives
        .iter()
        .map(|o| ObjectiveFacts {
            id: o.id.clone(),
            title: o.title.clone(),
            unit_id: o.unit_id,
            shared_unit_ids: o.shared_unit_ids.clone(),
            status: o.status,
            supports: o.supports.clone(),
        })
        .collect();
    (units, objectives)
}

/// Characters of a title that fit one line of a box.
const TITLE_LINE: usize = 23;

/// How an objective is doing against the expected progress of today.
pub fn pace(status: Status, progress: f64, expected: Option<f64>) -> Pace {
    match (status, expected) {
        (Status::Active, Some(expected)) if progress + 1e-9 >= expected => Pace::OnTrack,
        (Status::Active, Some(expected)) if progress >= expected * 0.7 => Pace::Behind,
        (Status::Active, Some(_)) => Pace::AtRisk,
        _ => Pace::NotJudged,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::board::{UnitChoice, Viewer};
    use crate::cycles::Cycle;
    use crate::domain::cycles::Phase;
    use crate::domain::okr::StretchPhase;
    use crate::objectives::Objective;

    fn objective(id: &str, unit: i64, supports: &[&str]) -> Objective {
        let mut objective = crate::objectives::tests::objective(id, unit);
        objective.supports = supports.iter().map(|s| (*s).to_owned()).collect();
        objective
    }

    /// Engineering › {Platform, Web}; Sales. Web's objective supports
    /// Engineering's; Sales' supports Platform's (a link across departments).
    fn board() -> Board {
        let unit = |id: i64, parent: Option<i64>, name: &str| UnitChoice {
            id,
            name: name.into(),
            parent_id: parent,
            path: name.into(),
        };
        Board {
            cycle: Cycle {
                id: 1,
                name: "Q4".into(),
                start: "2026-10-01".into(),
                end: "2026-12-31".into(),
                planning_days: 7,
                retro_days: 7,
                phase: Phase::Execution,
                days_left: 31,
                completed: None,
            },
            today: "2026-11-30".into(),
            version: 1,
            stretch_phase: StretchPhase::ALL[0],
            units: vec![
                unit(1, None, "Engineering"),
                unit(2, Some(1), "Platform"),
                unit(3, Some(1), "Web"),
                unit(4, None, "Sales"),
            ],
            people: Vec::new(),
            objectives: vec![
                objective("eng", 1, &[]),
                objective("platform", 2, &[]),
                objective("web", 3, &["eng"]),
                objective("sales", 4, &["platform"]),
            ],
            outside: Vec::new(),
            viewer: Viewer {
                id: 1,
                role: crate::domain::roles::Role::Ambassador,
                units: Vec::new(),
                led: Vec::new(),
            },
            units_out: Vec::new(),
        }
    }

    fn shown(graph: &MapGraph) -> Vec<(String, bool)> {
        let mut shown: Vec<(String, bool)> = graph
            .nodes
            .iter()
            .map(|n| (n.id.clone(), n.outside))
            .collect();
        shown.sort();
        shown
    }

    #[test]
    fn the_whole_board_draws_every_objective_and_link() {
        let graph = build(&board(), None);
        assert_eq!(graph.nodes.len(), 4);
        assert_eq!(graph.links.len(), 2);
        assert!(graph.nodes.iter().all(|n| !n.outside));
        assert_eq!(graph.bands.len(), 4);
    }

    #[test]
    fn a_unit_left_out_of_the_cycle_is_no_gap() {
        let disconnected = |graph: &MapGraph| {
            graph
                .gaps
                .iter()
                .any(|g| g.kind == gaps::GapKind::Disconnected && g.units == [2])
        };
        // Platform's objective supports nothing above it…
        assert!(disconnected(&build(&board(), None)));
        // …which does not matter when Platform sits this cycle out.
        let mut board = board();
        board.units_out = vec![2];
        assert!(!disconnected(&build(&board, None)));
    }

    #[test]
    fn a_department_filter_shows_its_units_and_the_objectives_its_links_reach() {
        let graph = build(&board(), Some(1));
        // Sales' objective supports Platform's: shown, marked as outside.
        assert_eq!(
            shown(&graph),
            vec![
                ("eng".into(), false),
                ("platform".into(), false),
                ("sales".into(), true),
                ("web".into(), false),
            ]
        );
        assert_eq!(graph.links.len(), 2);
        // Sales has objectives, so no "no objective" gap; gaps outside the
        // department are not listed.
        assert!(
            graph
                .gaps
                .iter()
                .all(|g| g.units.iter().all(|u| [1, 2, 3].contains(u)))
        );
        let graph = build(&board(), Some(4));
        assert_eq!(
            shown(&graph),
            vec![("platform".into(), true), ("sales".into(), false)]
        );
        assert_eq!(graph.links, vec![(0, 1)]);
    }

    #[test]
    fn an_objective_supporting_two_others_has_two_links_and_one_may_be_of_the_year() {
        let mut board = board();
        board.objectives[2].supports = vec!["eng".into(), "platform".into(), "year".into()];
        board.outside = vec![crate::board::OutsideObjective {
            id: "year".into(),
            cycle_name: "2026".into(),
            unit_id: 1,
            title: "Reliable everywhere".into(),
            status: Status::Active,
            progress: 0.5,
        }];
        let graph = build(&board, None);
        let at = |id: &str| graph.nodes.iter().position(|n| n.id == id).unwrap();
        let from_web: Vec<usize> = graph
            .links
            .iter()
            .filter(|(from, _)| *from == at("web"))
            .map(|(_, to)| *to)
            .collect();
        assert_eq!(from_web, [at("eng"), at("platform"), at("year")]);
        let year = &graph.nodes[at("year")];
        assert_eq!(year.title, "Reliable everywhere (2026)");
        assert!(year.outside, "drawn apart from this cycle's objectives");
        // Web is below everything it supports.
        let web_row = graph.nodes[at("web")].at.row;
        for target in from_web {
            assert!(graph.nodes[target].at.row < web_row);
        }
        // An objective of the year nobody here supports is not drawn.
        board.objectives[2].supports.pop();
        assert!(build(&board, None).nodes.iter().all(|n| n.id != "year"));
    }

    #[test]
    fn pace_is_judged_for_active_objectives_only() {
        assert_eq!(pace(Status::Active, 0.5, Some(0.5)), Pace::OnTrack);
        assert_eq!(pace(Status::Active, 0.36, Some(0.5)), Pace::Behind);
        assert_eq!(pace(Status::Active, 0.34, Some(0.5)), Pace::AtRisk);
        assert_eq!(pace(Status::Draft, 0.0, Some(0.5)), Pace::NotJudged);
        assert_eq!(pace(Status::Active, 0.0, None), Pace::NotJudged);
    }
}
