//! The planning window's checklist for one unit: at least one objective
//! drafted, every objective's whys answered, every key result data-ready or
//! with a fallback, and the proposals reviewed by a lead. Clear
//! expectations while planning, in four boxes.

use super::super::okr::Status;
use super::super::warnings::KeyResultFacts;
use serde::{Deserialize, Serialize};

/// What the checklist needs to know of one objective of the unit.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedObjective<'a> {
    pub status: Status,
    pub why_important: &'a str,
    pub why_urgent: &'a str,
    pub key_results: Vec<KeyResultFacts<'a>>,
}

/// How far a unit's planning is, counted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checklist {
    /// The unit's objectives in the cycle (closed ones left out).
    pub objectives: usize,
    /// Of those, how many answer why important and why urgent.
    pub with_whys: usize,
    /// Of those, how many have key results, each measurable now or with a
    /// fallback.
    pub measurable: usize,
    /// Proposed and waiting for a lead.
    pub waiting: usize,
    /// Still drafts.
    pub drafts: usize,
}

impl Checklist {
    pub fn drafted(&self) -> bool {
        self.objectives > 0
    }

    pub fn whys_answered(&self) -> bool {
        self.drafted() && self.with_whys == self.objectives
    }

    pub fn data_ready(&self) -> bool {
        self.drafted() && self.measurable == self.objectives
    }

    /// Every objective went past a lead: none is a draft, none waits.
    pub fn reviewed(&self) -> bool {
        self.drafted() && self.waiting == 0 && self.drafts == 0
    }

    /// Boxes ticked, of four.
    pub fn done(&self) -> usize {
        [
            self.drafted(),
            self.whys_answered(),
            self.data_ready(),
            self.reviewed(),
        ]
        .into_iter()
        .filter(|ticked| *ticked)
        .count()
    }
}

/// The checklist of a unit with `objectives` in the cycle.
pub fn checklist(objectives: &[PlannedObjective<'_>]) -> Checklist {
    let open: Vec<&PlannedObjective<'_>> = objectives
        .iter()
        .filter(|o| o.status != Status::Closed)
        .collect();
    Checklist {
        objectives: open.len(),
        with_whys: open
            .iter()
            .filter(|o| !o.why_important.trim().is_empty() && !o.why_urgent.trim().is_empty())
            .count(),
        measurable: open
            .iter()
            .filter(|o| {
                !o.key_results.is_empty()
                    && o.key_results
                        .iter()
                        .all(KeyResultFacts::has_measurement_plan)
            })
            .count(),
        waiting: open.iter().filter(|o| o.status == Status::Proposed).count(),
        drafts: open.iter().filter(|o| o.status == Status::Draft).count(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::okr::Fallback;
    use crate::domain::warnings::Readiness;

    const READY: Readiness = Readiness {
        source_identified: true,
        baseline_known: true,
        data_owner: true,
        update_frequency: true,
        reliable: true,
    };

    fn kr(readiness: Readiness, fallback: Option<Fallback>) -> KeyResultFacts<'static> {
        KeyResultFacts {
            title: "Churn",
            readiness,
            fallback,
            proxy_name: "",
        }
    }

    fn objective(
        status: Status,
        whys: bool,
        krs: Vec<KeyResultFacts<'static>>,
    ) -> PlannedObjective<'static> {
        PlannedObjective {
            status,
            why_important: if whys { "Customers leave" } else { "" },
            why_urgent: if whys { "Renewals in May" } else { " " },
            key_results: krs,
        }
    }

    #[test]
    fn an_empty_unit_has_nothing_ticked() {
        let list = checklist(&[]);
        assert_eq!(list.done(), 0);
        assert!(!list.drafted() && !list.whys_answered() && !list.data_ready() && !list.reviewed());
    }

    #[test]
    fn each_box_ticks_on_its_own_rule() {
        // A draft with whys but an unmeasurable key result.
        let draft = objective(Status::Draft, true, vec![kr(Readiness::default(), None)]);
        let list = checklist(&[draft]);
        assert!(list.drafted() && list.whys_answered());
        assert!(!list.data_ready() && !list.reviewed());
        assert_eq!(list.done(), 2);
        // A fallback makes it measurable enough; a proxy needs its name.
        let delayed = objective(
            Status::Draft,
            true,
            vec![kr(Readiness::default(), Some(Fallback::Delay))],
        );
        assert!(checklist(&[delayed]).data_ready());
        let proxy = objective(
            Status::Draft,
            true,
            vec![kr(Readiness::default(), Some(Fallback::Proxy))],
        );
        assert!(!checklist(&[proxy]).data_ready());
        // No key result at all is not measurable.
        assert!(!checklist(&[objective(Status::Draft, true, vec![])]).data_ready());
        // A missing why unticks the box for the whole unit.
        let list = checklist(&[
            objective(Status::Active, true, vec![kr(READY, None)]),
            objective(Status::Active, false, vec![kr(READY, None)]),
        ]);
        assert_eq!((list.objectives, list.with_whys), (2, 1));
        assert!(!list.whys_answered() && list.data_ready() && list.reviewed());
    }

    #[test]
    fn reviewed_means_no_draft_and_no_proposal_waiting() {
        let active = objective(Status::Active, true, vec![kr(READY, None)]);
        let proposed = objective(Status::Proposed, true, vec![kr(READY, None)]);
        assert!(checklist(std::slice::from_ref(&active)).reviewed());
        assert_eq!(checklist(std::slice::from_ref(&active)).done(), 4);
        let list = checklist(&[active.clone(), proposed]);
        assert_eq!(list.waiting, 1);
        assert!(!list.reviewed());
        // Closed objectives are out of planning altogether.
        let closed = objective(Status::Closed, false, vec![]);
        assert_eq!(checklist(&[active, closed]).done(), 4);
    }
}
