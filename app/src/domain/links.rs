//! Alignment links: an objective supports ("contributes to") any number of
//! others. Links never form a circle — an objective that, through the
//! objectives it supports, ends up supporting itself says nothing about
//! what matters — so a new link is checked here before it is stored.

use std::collections::{HashMap, HashSet, VecDeque};

/// Most objectives one objective may support: more says it supports
/// nothing in particular.
pub const MAX_SUPPORTED: usize = 6;

/// Why a link cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    #[error("An objective cannot support itself.")]
    Itself,
    /// The circle the link would close, as ids: the new link's objective
    /// first, then each objective it would reach, back to the first.
    #[error("That would make objectives support each other in a circle.")]
    Circle(Vec<String>),
}

/// Whether `objective` may support `target`, given the existing links as
/// (supporting, supported) pairs: refused when `target` already supports
/// `objective`, directly or through others.
pub fn check_link(
    objective: &str,
    target: &str,
    links: &[(String, String)],
) -> Result<(), LinkError> {
    if objective == target {
        return Err(LinkError::Itself);
    }
    let mut up: HashMap<&str, Vec<&str>> = HashMap::new();
    for (from, to) in links {
        up.entry(from.as_str()).or_default().push(to.as_str());
    }
    for targets in up.values_mut() {
        // The shortest circle, found the same way every time.
        targets.sort_unstable();
    }
    // Breadth first from the target, up the links, remembering the way.
    let mut came_from: HashMap<&str, &str> = HashMap::new();
    let mut seen: HashSet<&str> = HashSet::from([target]);
    let mut queue = VecDeque::from([target]);
    while let Some(at) = queue.pop_front() {
        for &next in up.get(at).map(Vec::as_slice).unwrap_or_default() {
            if !seen.insert(next) {
                continue;
            }
            came_from.insert(next, at);
            if next == objective {
                let mut way = vec![objective.to_owned()];
                let mut step = objective;
                while let Some(&before) = came_from.get(step) {
                    way.push(before.to_owned());
                    step = before;
                }
                // way: objective ← … ← target; the circle reads objective →
                // target → … → objective.
                way.reverse();
                let mut circle = vec![objective.to_owned()];
                circle.extend(way);
                return Err(LinkError::Circle(circle));
            }
            queue.push_back(next);
        }
    }
    Ok(())
}

/// The sentence that names a circle, given each objective's title.
pub fn describe_circle(circle: &[String], title: impl Fn(&str) -> String) -> String {
    let names: Vec<String> = circle.iter().map(|id| format!("“{}”", title(id))).collect();
    match names.as_slice() {
        [first, rest @ ..] if !rest.is_empty() => {
            let mut sentence = format!(
                "That would close a circle: {first} would support {}",
                rest[0]
            );
            for name in &rest[1..] {
                sentence.push_str(&format!(", which supports {name}"));
            }
            sentence.push('.');
            sentence
        }
        _ => LinkError::Circle(circle.to_vec()).to_string(),
    }
}

/// Whether a cycle from `start` to `end` (`YYYY-MM-DD`, inclusive) encloses
/// the other cycle from `inner_start` to `inner_end`: an objective may
/// support one of its own cycle or of an enclosing one (a year around its
/// quarter), never of a cycle inside, beside or after its own — nor of
/// another cycle over the very same days, which runs beside it.
pub fn encloses(start: &str, end: &str, inner_start: &str, inner_end: &str) -> bool {
    start <= inner_start && inner_end <= end && (start, end) != (inner_start, inner_end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn links(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
            .collect()
    }

    #[test]
    fn an_objective_may_support_several_others() {
        let existing = links(&[("team", "dept"), ("dept", "org")]);
        assert_eq!(check_link("team", "org", &existing), Ok(()));
        assert_eq!(check_link("team", "other", &existing), Ok(()));
        // Two objectives supporting the same one is no circle.
        assert_eq!(check_link("sibling", "dept", &existing), Ok(()));
    }

    #[test]
    fn itself_is_refused() {
        assert_eq!(check_link("a", "a", &[]), Err(LinkError::Itself));
    }

    #[test]
    fn a_direct_circle_is_refused_and_named() {
        let existing = links(&[("a", "b")]);
        assert_eq!(
            check_link("b", "a", &existing),
            Err(LinkError::Circle(vec!["b".into(), "a".into(), "b".into()]))
        );
    }

    #[test]
    fn a_circle_through_several_objectives_is_refused_along_its_shortest_way() {
        // a → b → c → d, and a → d directly: d supporting a closes a circle,
        // named along the shortest way back.
        let existing = links(&[("a", "b"), ("b", "c"), ("c", "d"), ("a", "d")]);
        assert_eq!(
            check_link("d", "a", &existing),
            Err(LinkError::Circle(vec!["d".into(), "a".into(), "d".into()]))
        );
        let existing = links(&[("a", "b"), ("b", "c"), ("c", "d")]);
        assert_eq!(
            check_link("d", "a", &existing),
            Err(LinkError::Circle(vec![
                "d".into(),
                "a".into(),
                "b".into(),
                "c".into(),
                "d".into()
            ]))
        );
    }

    #[test]
    fn an_existing_circle_elsewhere_does_not_hang_the_check() {
        // Data written by hand may hold a circle; the walk still ends.
        let existing = links(&[("x", "y"), ("y", "x"), ("a", "x")]);
        assert_eq!(check_link("b", "a", &existing), Ok(()));
    }

    #[test]
    fn the_refusal_names_the_loop_in_words() {
        let title = |id: &str| id.to_uppercase();
        assert_eq!(
            describe_circle(&["d".into(), "a".into(), "b".into(), "d".into()], title),
            "That would close a circle: “D” would support “A”, which supports “B”, which supports “D”."
        );
    }

    #[test]
    fn only_an_enclosing_cycle_is_reachable() {
        let quarter = ("2026-10-01", "2026-12-31");
        assert!(encloses("2026-01-01", "2026-12-31", quarter.0, quarter.1));
        assert!(encloses("2026-10-01", "2027-01-31", quarter.0, quarter.1));
        assert!(
            !encloses(quarter.0, quarter.1, quarter.0, quarter.1),
            "another cycle over the same days runs beside it"
        );
        assert!(!encloses("2027-01-01", "2027-12-31", quarter.0, quarter.1));
        assert!(!encloses("2026-11-01", "2026-11-30", quarter.0, quarter.1));
        assert!(!encloses("2026-07-01", "2026-12-30", quarter.0, quarter.1));
    }
}
