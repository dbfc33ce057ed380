//! Gaps in a cycle's alignment, found for the map: the places where the
//! guide's seventh failure (silos) shows in the data. Each gap names what
//! to look at and says in one sentence why it matters.

use super::okr::Status;
use std::collections::{HashMap, HashSet};

/// A unit, as the rules need it.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitFacts {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub name: String,
}

/// An objective, as the rules need it.
#[derive(Debug, Clone, PartialEq)]
pub struct ObjectiveFacts {
    pub id: String,
    pub title: String,
    pub unit_id: i64,
    /// Further units that share it.
    pub shared_unit_ids: Vec<i64>,
    pub status: Status,
    /// Ids of the objectives it supports.
    pub supports: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum GapKind {
    /// An organisation or department objective that nothing supports.
    Unsupported,
    /// A unit below the top whose objectives support nothing above it.
    Disconnected,
    /// A unit with no objective in the cycle.
    NoObjectives,
    /// A unit shares an objective but none of its objectives supports it.
    SharedWithoutContribution,
    /// An objective supports a draft or a closed one.
    SupportsInactive,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Gap {
    pub kind: GapKind,
    pub sentence: String,
    /// What to highlight on the map.
    pub objectives: Vec<String>,
    pub units: Vec<i64>,
}

/// Every gap of one cycle, in the order of [`GapKind`], then by unit and
/// title as given.
pub fn find(units: &[UnitFacts], objectives: &[ObjectiveFacts]) -> Vec<Gap> {
    let name = |id: i64| {
        units
            .iter()
            .find(|u| u.id == id)
            .map_or("A unit", |u| u.name.as_str())
            .to_owned()
    };
    let has_children: HashSet<i64> = units.iter().filter_map(|u| u.parent_id).collect();
    let by_id: HashMap<&str, &ObjectiveFacts> =
        objectives.iter().map(|o| (o.id.as_str(), o)).collect();
    let supported: HashSet<&str> = objectives
        .iter()
        .flat_map(|o| o.supports.iter().map(String::as_str))
        .collect();
    let planned = |o: &&ObjectiveFacts| o.status != Status::Closed;
    let mut gaps = Vec::new();

    for o in objectives.iter().filter(planned) {
        if has_children.contains(&o.unit_id) && !supported.contains(o.id.as_str()) {
            gaps.push(Gap {
                kind: GapKind::Unsupported,
                sentence: format!(
                    "Nothing supports “{}” ({}): no team has said how it will move it.",
                    o.title,
                    name(o.unit_id)
                ),
                objectives: vec![o.id.clone()],
                units: vec![o.unit_id],
            });
        }
    }
    for unit in units.iter().filter(|u| u.parent_id.is_some()) {
        let own: Vec<&ObjectiveFacts> = objectives
            .iter()
            .filter(planned)
            .filter(|o| o.unit_id == unit.id)
            .collect();
        if !own.is_empty() && own.iter().all(|o| o.supports.is_empty()) {
            gaps.push(Gap {
                kind: GapKind::Disconnected,
                sentence: format!(
                    "None of {}'s objectives supports anything above it: its work does not show where it counts.",
                    unit.name
                ),
                objectives: own.iter().map(|o| o.id.clone()).collect(),
                units: vec![unit.id],
            });
        }
    }
    for unit in units {
        let any = objectives
            .iter()
            .any(|o| o.unit_id == unit.id || o.shared_unit_ids.contains(&unit.id));
        if !any {
            gaps.push(Gap {
                kind: GapKind::NoObjectives,
                sentence: format!("{} has no objective in this cycle.", unit.name),
                objectives: Vec::new(),
                units: vec![unit.id],
            });
        }
    }
    for o in objectives.iter().filter(planned) {
        for &unit in &o.shared_unit_ids {
            let contributes = objectives
                .iter()
                .any(|c| c.unit_id == unit && c.supports.contains(&o.id));
            if !contributes {
                gaps.push(Gap {
                    kind: GapKind::SharedWithoutContribution,
                    sentence: format!(
                        "{} shares “{}” but none of its objectives supports it: what does it commit?",
                        name(unit),
                        o.title
                    ),
                    objectives: vec![o.id.clone()],
                    units: vec![unit],
                });
            }
        }
    }
    for o in objectives.iter().filter(|o| o.status != Status::Closed) {
        for parent in o.supports.iter().filter_map(|p| by_id.get(p.as_str())) {
            if matches!(parent.status, Status::Draft | Status::Closed) {
                let state = if parent.status == Status::Draft {
                    "still a draft"
                } else {
                    "closed"
                };
                gaps.push(Gap {
                    kind: GapKind::SupportsInactive,
                    sentence: format!(
                        "“{}” supports “{}”, which is {state}.",
                        o.title, parent.title
                    ),
                    objectives: vec![o.id.clone(), parent.id.clone()],
                    units: vec![o.unit_id],
                });
            }
        }
    }
    gaps.sort_by_key(|g| g.kind);
    gaps
}

/// The organisation the alignment rules' tests share.
#[cfg(test)]
pub(crate) mod fixtures {
    use super::{ObjectiveFacts, Status, UnitFacts};

    pub fn unit(id: i64, parent: Option<i64>, name: &str) -> UnitFacts {
        UnitFacts {
            id,
            parent_id: parent,
            name: name.to_owned(),
        }
    }

    pub fn objective(id: &str, unit: i64, status: Status, supports: &[&str]) -> ObjectiveFacts {
        ObjectiveFacts {
            id: id.to_owned(),
            title: format!("Title {id}"),
            unit_id: unit,
            shared_unit_ids: Vec::new(),
            status,
            supports: supports.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    /// Company › Engineering › {Platform, Web}; Sales under Company.
    pub fn units() -> Vec<UnitFacts> {
        vec![
            unit(1, None, "Company"),
            unit(2, Some(1), "Engineering"),
            unit(3, Some(2), "Platform"),
            unit(4, Some(2), "Web"),
            unit(5, Some(1), "Sales"),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::fixtures::*;
    use super::*;

    fn kinds(gaps: &[Gap]) -> Vec<(GapKind, Vec<String>, Vec<i64>)> {
        gaps.iter()
            .map(|g| (g.kind, g.objectives.clone(), g.units.clone()))
            .collect()
    }

    #[test]
    fn an_aligned_organisation_has_no_gaps() {
        let objectives = vec![
            objective("c", 1, Status::Active, &[]),
            objective("e", 2, Status::Active, &["c"]),
            objective("p", 3, Status::Active, &["e"]),
            objective("w", 4, Status::Active, &["e"]),
            objective("s", 5, Status::Active, &["c"]),
        ];
        assert_eq!(find(&units(), &objectives), vec![]);
    }

    #[test]
    fn each_rule_names_what_to_look_at() {
        let mut shared = objective("e", 2, Status::Active, &["c"]);
        shared.shared_unit_ids = vec![5];
        let objectives = vec![
            objective("c", 1, Status::Draft, &[]),
            shared,
            // Platform supports nothing; Web has nothing; Sales supports
            // the company's draft but not the objective it shares.
            objective("p", 3, Status::Active, &[]),
            objective("s", 5, Status::Active, &["c"]),
        ];
        let gaps = find(&units(), &objectives);
        assert_eq!(
            kinds(&gaps),
            vec![
                // The draft has support, Engineering's has none.
                (GapKind::Unsupported, vec!["e".into()], vec![2]),
                (GapKind::Disconnected, vec!["p".into()], vec![3]),
                (GapKind::NoObjectives, vec![], vec![4]),
                (
                    GapKind::SharedWithoutContribution,
                    vec!["e".into()],
                    vec![5]
                ),
                (
                    GapKind::SupportsInactive,
                    vec!["e".into(), "c".into()],
                    vec![2]
                ),
                (
                    GapKind::SupportsInactive,
                    vec!["s".into(), "c".into()],
                    vec![5]
                ),
            ]
        );
        assert_eq!(
            gaps[0].sentence,
            "Nothing supports “Title e” (Engineering): no team has said how it will move it."
        );
        assert_eq!(gaps[2].sentence, "Web has no objective in this cycle.");
        assert_eq!(
            gaps[4].sentence,
            "“Title e” supports “Title c”, which is still a draft."
        );
    }

    #[test]
    fn closed_objectives_are_history_not_gaps() {
        let objectives = vec![
            objective("c", 1, Status::Closed, &[]),
            objective("old", 3, Status::Closed, &[]),
            objective("p", 3, Status::Active, &["e"]),
            objective("e", 2, Status::Active, &[]),
        ];
        let gaps = find(&units(), &objectives);
        // Engineering's own objective supports nothing above (the company's
        // is closed), and the closed ones are not listed.
        assert!(
            gaps.iter()
                .all(|g| !g.objectives.contains(&"old".to_owned()))
        );
        assert!(
            gaps.iter()
                .all(|g| g.kind != GapKind::Unsupported || g.objectives != vec!["c".to_owned()])
        );
        assert!(
            gaps.iter()
                .any(|g| g.kind == GapKind::Disconnected && g.units == vec![2])
        );
        // A unit whose only objective is closed still had one this cycle.
        assert!(
            !gaps
                .iter()
                .any(|g| g.kind == GapKind::NoObjectives && g.units == vec![1])
        );
    }

    #[test]
    fn a_shared_unit_that_supports_the_objective_contributes() {
        let mut shared = objective("e", 2, Status::Active, &["c"]);
        shared.shared_unit_ids = vec![5];
        let objectives = vec![
            objective("c", 1, Status::Active, &[]),
            shared,
            objective("s", 5, Status::Active, &["e"]),
            objective("p", 3, Status::Active, &["e"]),
            objective("w", 4, Status::Active, &["e"]),
        ];
        assert_eq!(find(&units(), &objectives), vec![]);
    }
}
