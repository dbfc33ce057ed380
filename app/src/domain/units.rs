//! The organisation's tree of units (departments containing teams, any
//! depth): ordering for display, paths for breadcrumbs, and the rule that a
//! unit can never end up inside itself.

use std::collections::HashMap;

/// One unit as the tree sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub name: String,
}

/// Why a unit cannot move where it was asked to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MoveError {
    #[error("A unit cannot be placed under itself.")]
    OntoItself,
    #[error("A unit cannot be placed under one of its own sub-units.")]
    IntoDescendant,
    #[error("That unit does not exist.")]
    UnknownUnit,
}

/// An index over the flat list of units.
#[derive(Debug, Default, Clone)]
pub struct UnitTree {
    nodes: HashMap<i64, Node>,
    /// Children per parent (`None` = top level), sorted by name for display.
    children: HashMap<Option<i64>, Vec<i64>>,
}

impl UnitTree {
    pub fn new(nodes: impl IntoIterator<Item = Node>) -> Self {
        let nodes: HashMap<i64, Node> = nodes.into_iter().map(|n| (n.id, n)).collect();
        let mut children: HashMap<Option<i64>, Vec<i64>> = HashMap::new();
        for node in nodes.values() {
            // A parent that is missing from the list is treated as the root,
            // so a partial list still shows every unit once.
            let parent = node.parent_id.filter(|p| nodes.contains_key(p));
            children.entry(parent).or_default().push(node.id);
        }
        for ids in children.values_mut() {
            ids.sort_by_cached_key(|id| (nodes[id].name.to_lowercase(), *id));
        }
        Self { nodes, children }
    }

    pub fn get(&self, id: i64) -> Option<&Node> {
        self.nodes.get(&id)
    }

    /// Every unit once, depth first, siblings by name, with its depth (0 = top).
    pub fn ordered(&self) -> Vec<(&Node, usize)> {
        let mut out = Vec::with_capacity(self.nodes.len());
        let mut stack: Vec<(i64, usize)> = self
            .children
            .get(&None)
            .map(|ids| ids.iter().rev().map(|id| (*id, 0)).collect())
            .unwrap_or_default();
        while let Some((id, depth)) = stack.pop() {
            out.push((&self.nodes[&id], depth));
            if let Some(kids) = self.children.get(&Some(id)) {
                stack.extend(kids.iter().rev().map(|kid| (*kid, depth + 1)));
            }
        }
        out
    }

    /// Names from the top of the tree down to `id`, e.g. `["Engineering", "Platform"]`.
    pub fn path(&self, id: i64) -> Vec<&str> {
        let mut path = Vec::new();
        let mut current = self.nodes.get(&id);
        while let Some(node) = current {
            path.push(node.name.as_str());
            // The guard stops a corrupt, cyclic list from looping forever.
            if path.len() > self.nodes.len() {
                break;
            }
            current = node.parent_id.and_then(|p| self.nodes.get(&p));
        }
        path.reverse();
        path
    }

    /// `id` and everything below it.
    pub fn subtree(&self, id: i64) -> Vec<i64> {
        let mut out = Vec::new();
        let mut stack = vec![id];
        while let Some(current) = stack.pop() {
            if out.contains(&current) {
                continue;
            }
            out.push(current);
            if let Some(kids) = self.children.get(&Some(current)) {
                stack.extend(kids);
            }
        }
        out
    }

    /// Checks that `id` may be placed under `new_parent` (`None` = top level).
    pub fn check_move(&self, id: i64, new_parent: Option<i64>) -> Result<(), MoveError> {
        if !self.nodes.contains_key(&id) {
            return Err(MoveError::UnknownUnit);
        }
        let Some(parent) = new_parent else {
            return Ok(());
        };
        if !self.nodes.contains_key(&parent) {
            return Err(MoveError::UnknownUnit);
        }
        if parent == id {
            return Err(MoveError::OntoItself);
        }
        if self.subtree(id).contains(&parent) {
            return Err(MoveError::IntoDescendant);
        }
        Ok(())
    }

    /// How many units sit directly under `id`.
    pub fn child_count(&self, id: i64) -> usize {
        self.children.get(&Some(id)).map_or(0, Vec::len)
    }

    /// `unit` and every unit above it, nearest first.
    pub fn unit_and_above(&self, unit: i64) -> Vec<i64> {
        let mut chain = Vec::new();
        let mut at = Some(unit);
        while let Some(id) = at {
            if chain.contains(&id) || chain.len() > 64 {
                break;
            }
            chain.push(id);
            at = self.get(id).and_then(|node| node.parent_id);
        }
        chain
    }

    /// The department `unit` is in: its top-level unit.
    pub fn department_of(&self, unit: i64) -> i64 {
        self.unit_and_above(unit).last().copied().unwrap_or(unit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(id: i64, parent_id: Option<i64>, name: &str) -> Node {
        Node {
            id,
            parent_id,
            name: name.into(),
        }
    }

    /// Engineering(1) > Platform(2) > Storage(4); Engineering > Web(3); Sales(5)
    fn sample() -> UnitTree {
        UnitTree::new([
            node(3, Some(1), "Web"),
            node(5, None, "Sales"),
            node(1, None, "Engineering"),
            node(4, Some(2), "Storage"),
            node(2, Some(1), "Platform"),
        ])
    }

    #[test]
    fn a_unit_and_those_above_it_up_to_its_department() {
        let tree = sample();
        assert_eq!(tree.unit_and_above(4), vec![4, 2, 1]);
        assert_eq!(tree.unit_and_above(5), vec![5]);
        assert_eq!(tree.department_of(4), 1);
        assert_eq!(tree.department_of(1), 1);
        // An unknown unit is its own chain, and its own department.
        assert_eq!(tree.unit_and_above(9), vec![9]);
        assert_eq!(tree.department_of(9), 9);
    }

    #[test]
    fn ordered_is_depth_first_with_siblings_by_name() {
        let tree = sample();
        let order: Vec<(&str, usize)> = tree
            .ordered()
            .into_iter()
            .map(|(n, d)| (n.name.as_str(), d))
            .collect();
        assert_eq!(
            order,
            [
                ("Engineering", 0),
                ("Platform", 1),
                ("Storage", 2),
                ("Web", 1),
                ("Sales", 0)
            ]
        );
    }

    #[test]
    fn paths_run_from_the_top() {
        let tree = sample();
        assert_eq!(tree.path(4), ["Engineering", "Platform", "Storage"]);
        assert_eq!(tree.path(5), ["Sales"]);
        assert!(tree.path(99).is_empty());
    }

    #[test]
    fn moves_that_would_make_a_cycle_are_refused() {
        let tree = sample();
        let cases = [
            (2, None, Ok(())),
            (2, Some(5), Ok(())),
            (4, Some(3), Ok(())),
            (1, Some(1), Err(MoveError::OntoItself)),
            (1, Some(2), Err(MoveError::IntoDescendant)),
            (1, Some(4), Err(MoveError::IntoDescendant)),
            (2, Some(4), Err(MoveError::IntoDescendant)),
            (99, None, Err(MoveError::UnknownUnit)),
            (2, Some(99), Err(MoveError::UnknownUnit)),
        ];
        for (id, parent, expected) in cases {
            assert_eq!(
                tree.check_move(id, parent),
                expected,
                "move {id} under {parent:?}"
            );
        }
    }

    #[test]
    fn an_empty_tree_and_orphans() {
        assert!(UnitTree::default().ordered().is_empty());
        // A parent missing from the list: the child still shows, at the top.
        let tree = UnitTree::new([node(7, Some(42), "Orphan")]);
        assert_eq!(tree.ordered().len(), 1);
        assert_eq!(tree.ordered()[0].1, 0);
    }

    #[test]
    fn a_corrupt_cyclic_list_does_not_hang() {
        let tree = UnitTree::new([node(1, Some(2), "A"), node(2, Some(1), "B")]);
        assert!(tree.path(1).len() <= 3);
        assert_eq!(tree.subtree(1).len(), 2);
    }

    #[test]
    fn child_counts() {
        let tree = sample();
        assert_eq!(tree.child_count(1), 2);
        assert_eq!(tree.child_count(4), 0);
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// However a valid tree is shaped, every allowed move keeps it a tree.
        #[test]
        fn allowed_moves_never_create_cycles(
            parents in prop::collection::vec(prop::option::of(0usize..30), 1..30),
            mover in 0usize..30,
            target in prop::option::of(0usize..30),
        ) {
            // Parent indices point only backwards, so the input is a forest.
            let nodes: Vec<Node> = parents.iter().enumerate().map(|(i, p)| Node {
                id: i as i64,
                parent_id: p.filter(|p| *p < i).map(|p| p as i64),
                name: format!("u{i}"),
            }).collect();
            let count = nodes.len();
            let tree = UnitTree::new(nodes.clone());
            let mover = (mover % count) as i64;
            let target = target.map(|t| (t % count) as i64);
            if tree.check_move(mover, target).is_ok() {
                let moved = UnitTree::new(nodes.into_iter().map(|mut n| {
                    if n.id == mover { n.parent_id = target; }
                    n
                }));
                // In a tree, the depth-first walk from the top reaches every unit once.
                prop_assert_eq!(moved.ordered().len(), count);
            }
        }
    }
}
