//! Opportunities for alignment, found for the map: two units working
//! towards the same objective without a shared objective or a link between
//! them are planning side by side without knowing it. The guide's tip on
//! silos asks for exactly this: where could departments plan together?

use super::gaps::{ObjectiveFacts, UnitFacts};
use super::okr::Status;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Two units that could plan together.
#[derive(Debug, Clone, PartialEq)]
pub struct Opportunity {
    /// The objective both support.
    pub objective: String,
    pub units: (i64, i64),
    /// Each unit's objectives supporting it, then the objective itself:
    /// what the map lights up.
    pub objectives: Vec<String>,
    pub sentence: String,
}

/// Every pair of units (neither inside the other) whose open objectives
/// support the same objective, with no objective they share and no link
/// between their objectives; by the supported objective as given, then by
/// unit.
pub fn find(units: &[UnitFacts], objectives: &[ObjectiveFacts]) -> Vec<Opportunity> {
    let parent: HashMap<i64, Option<i64>> = units.iter().map(|u| (u.id, u.parent_id)).collect();
    let name = |id: i64| {
        units
            .iter()
            .find(|u| u.id == id)
            .map_or("A unit", |u| u.name.as_str())
    };
    let inside = |unit: i64, outer: i64| {
        let mut at = Some(unit);
        let mut steps = 0;
        while let Some(u) = at {
            if u == outer {
                return true;
            }
            steps += 1;
            if steps > units.len() {
                return false;
            }
            at = parent.get(&u).copied().flatten();
        }
        false
    };
    let open: Vec<&ObjectiveFacts> = objectives
        .iter()
        .filter(|o| o.status != Status::Closed)
        .collect();
    let unit_of: HashMap<&str, i64> = open.iter().map(|o| (o.id.as_str(), o.unit_id)).collect();
    // Units already working together: one shares the other's objective (or
    // both share one), or an objective of one supports one of the other.
    let mut together: BTreeSet<(i64, i64)> = BTreeSet::new();
    let mut meet = |a: i64, b: i64| {
        if a != b {
            together.insert((a.min(b), a.max(b)));
        }
    };
    for o in &open {
        let all: Vec<i64> = std::iter::once(o.unit_id)
            .chain(o.shared_unit_ids.iter().copied())
            .collect();
        for (i, &a) in all.iter().enumerate() {
            for &b in &all[i + 1..] {
                meet(a, b);
            }
        }
        for target in &o.supports {
            if let Some(&b) = unit_of.get(target.as_str()) {
                meet(o.unit_id, b);
            }
        }
    }
    let mut found = Vec::new();
    for target in &open {
        // The units supporting it, each with its supporting objectives.
        let mut by_unit: BTreeMap<i64, Vec<String>> = BTreeMap::new();
        for o in open.iter().filter(|o| o.supports.contains(&target.id)) {
            by_unit.entry(o.unit_id).or_default().push(o.id.clone());
        }
        let supporters: Vec<(i64, &Vec<String>)> = by_unit.iter().map(|(u, o)| (*u, o)).collect();
        for (i, &(a, from_a)) in supporters.iter().enumerate() {
            for &(b, from_b) in &supporters[i + 1..] {
                if together.contains(&(a.min(b), a.max(b))) || inside(a, b) || inside(b, a) {
                    continue;
                }
                let mut lit: Vec<String> = from_a.iter().chain(from_b.iter()).cloned().collect();
                lit.push(target.id.clone());
                found.push(Opportunity {
                    objective: target.id.clone(),
                    units: (a, b),
                    objectives: lit,
                    sentence: format!(
                        "{} and {} both support “{}” with no shared objective or link between them: they could plan together.",
                        name(a),
                        name(b),
                        target.title
                    ),
                });
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::super::gaps::fixtures::{self, units};
    use super::*;

    fn objective(id: &str, unit: i64, supports: &[&str]) -> ObjectiveFacts {
        fixtures::objective(id, unit, Status::Active, supports)
    }

    #[test]
    fn two_units_supporting_one_objective_apart_could_plan_together() {
        let objectives = vec![
            objective("top", 1, &[]),
            objective("web", 4, &["top"]),
            objective("sales", 5, &["top"]),
        ];
        let found = find(&units(), &objectives);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(found[0].units, (4, 5));
        assert_eq!(found[0].objectives, ["web", "sales", "top"]);
        assert_eq!(
            found[0].sentence,
            "Web and Sales both support “Title top” with no shared objective or link between them: they could plan together."
        );
    }

    #[test]
    fn units_already_together_are_not_suggested() {
        // A shared objective between Web and Sales.
        let mut objectives = vec![
            objective("top", 1, &[]),
            objective("web", 4, &["top"]),
            objective("sales", 5, &["top"]),
            objective("joint", 4, &[]),
        ];
        objectives[3].shared_unit_ids = vec![5];
        assert!(find(&units(), &objectives).is_empty());
        // A link between their objectives.
        objectives[3].shared_unit_ids.clear();
        objectives[2].supports.push("joint".into());
        assert!(find(&units(), &objectives).is_empty());
    }

    #[test]
    fn a_unit_and_the_department_around_it_are_not_suggested_nor_closed_work() {
        let mut objectives = vec![
            objective("top", 1, &[]),
            objective("engineering", 2, &["top"]),
            objective("web", 4, &["top"]),
        ];
        assert!(
            find(&units(), &objectives).is_empty(),
            "Web is inside Engineering"
        );
        objectives.push(objective("sales", 5, &["top"]));
        objectives[3].status = Status::Closed;
        assert!(
            find(&units(), &objectives).is_empty(),
            "closed work plans nothing"
        );
        objectives[3].status = Status::Draft;
        let found = find(&units(), &objectives);
        let pairs: Vec<(i64, i64)> = found.iter().map(|o| o.units).collect();
        assert_eq!(pairs, [(2, 5), (4, 5)]);
    }
}
