//! The classic ways OKRs fail, caught while planning. A warning explains
//! its rule and never blocks saving: the conversation is the point.

use super::okr::{Fallback, ObjectiveKind, StretchPhase};
use serde::{Deserialize, Serialize};

/// More key results than this on one objective loses focus.
pub const MAX_KEY_RESULTS: usize = 5;
/// More objectives than this for one unit in one cycle loses focus.
pub const MAX_OBJECTIVES_PER_UNIT: usize = 5;

/// The data-readiness checklist of a key result.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Readiness {
    pub source_identified: bool,
    pub baseline_known: bool,
    pub data_owner: bool,
    pub update_frequency: bool,
    pub reliable: bool,
}

impl Readiness {
    /// Every box ticked: the key result can be measured from day one.
    pub fn is_ready(&self) -> bool {
        self.source_identified
            && self.baseline_known
            && self.data_owner
            && self.update_frequency
            && self.reliable
    }
}

/// What the warnings need to know of one key result.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyResultFacts<'a> {
    pub title: &'a str,
    pub readiness: Readiness,
    pub fallback: Option<Fallback>,
    /// The proxy metric's name, when the fallback is a proxy.
    pub proxy_name: &'a str,
}

impl KeyResultFacts<'_> {
    /// Measurable now, or honest about how it copes until it is.
    pub fn has_measurement_plan(&self) -> bool {
        self.readiness.is_ready()
            || match self.fallback {
                Some(Fallback::Proxy) => !self.proxy_name.trim().is_empty(),
                Some(_) => true,
                None => false,
            }
    }
}

/// What the warnings need to know of one objective and its surroundings.
#[derive(Debug, Clone, PartialEq)]
pub struct ObjectiveFacts<'a> {
    pub kind: ObjectiveKind,
    pub why_important: &'a str,
    pub why_urgent: &'a str,
    pub key_results: Vec<KeyResultFacts<'a>>,
    /// Objectives (this one included) the owning unit has in this cycle.
    pub unit_objectives: usize,
    /// Aspirational objectives (this one included, if it is one) of the owning unit in this cycle.
    pub unit_aspirational: usize,
    pub stretch_phase: StretchPhase,
    /// Closed: its planning is over, and so is advice about it.
    pub closed: bool,
    /// How it is governed, when it is shared with (or invites) other units.
    pub shared: Option<SharedFacts>,
}

/// What the warnings need to know of a shared objective's governance.
#[derive(Debug, Clone, PartialEq)]
pub struct SharedFacts {
    pub has_decision_owner: bool,
    /// Units of the objective (the owner, accepted sharers) that have not
    /// said what they commit, by name.
    pub without_commitment: Vec<String>,
}

/// One thing to talk about before the objective goes live.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum Warning {
    TooManyKeyResults { count: usize },
    TooManyObjectives { count: usize },
    MissingWhyImportant,
    MissingWhyUrgent,
    NotDataReady { key_result: String },
    StretchDiscouraged,
    StretchLimit { count: usize },
    NoDecisionOwner,
    NoCommitment { unit: String },
}

impl Warning {
    /// The badge: a few words.
    pub fn badge(&self) -> String {
        match self {
            Warning::TooManyKeyResults { count } => format!("{count} key results"),
            Warning::TooManyObjectives { count } => format!("{count} objectives in unit"),
            Warning::MissingWhyImportant => "Why important?".into(),
            Warning::MissingWhyUrgent => "Why now?".into(),
            Warning::NotDataReady { .. } => "Not measurable yet".into(),
            Warning::StretchDiscouraged => "Stretch goal too early".into(),
            Warning::StretchLimit { .. } => "Many stretch goals".into(),
            Warning::NoDecisionOwner => "Who decides?".into(),
            Warning::NoCommitment { unit } => format!("{unit} commits?"),
        }
    }

    /// The tooltip: the rule, and why it exists.
    pub fn explanation(&self) -> String {
        match self {
            Warning::TooManyKeyResults { count } => format!(
                "{count} key results: more than {MAX_KEY_RESULTS} on one objective splits attention. Keep the ones that prove the objective."
            ),
            Warning::TooManyObjectives { count } => format!(
                "This unit has {count} objectives this cycle: more than {MAX_OBJECTIVES_PER_UNIT} means nothing is a priority."
            ),
            Warning::MissingWhyImportant => {
                "Say why this objective matters: people commit to a reason, not to a title.".into()
            }
            Warning::MissingWhyUrgent => {
                "Say why it has to be this cycle: without urgency it will slip behind daily work.".into()
            }
            Warning::NotDataReady { key_result } => format!(
                "“{key_result}” cannot be measured yet and names no fallback: delay it, use a proxy metric, or make the tracking itself the key result."
            ),
            Warning::StretchDiscouraged => "The organisation is in its foundation phase: start with committed objectives, and stretch once OKRs are a habit.".into(),
            Warning::StretchLimit { count } => format!(
                "{count} aspirational objectives in this unit this cycle: in the intermediate phase, one at a time keeps stretch goals motivating."
            ),
            Warning::NoDecisionOwner => "A shared objective needs one person who decides when the units disagree; name them before it is activated.".into(),
            Warning::NoCommitment { unit } => format!(
                "{unit} shares this objective but has not said what it commits (people, time, budget): shared goals fail when nobody owns the work."
            ),
        }
    }
}

/// Every warning that applies, in the order a planner would address them.
pub fn warnings(facts: &ObjectiveFacts<'_>) -> Vec<Warning> {
    let mut out = Vec::new();
    if facts.closed {
        return out;
    }
    if facts.why_important.trim().is_empty() {
        out.push(Warning::MissingWhyImportant);
    }
    if facts.why_urgent.trim().is_empty() {
        out.push(Warning::MissingWhyUrgent);
    }
    if facts.key_results.len() > MAX_KEY_RESULTS {
        out.push(Warning::TooManyKeyResults {
            count: facts.key_results.len(),
        });
    }
    if facts.unit_objectives > MAX_OBJECTIVES_PER_UNIT {
        out.push(Warning::TooManyObjectives {
            count: facts.unit_objectives,
        });
    }
    for kr in &facts.key_results {
        if !kr.has_measurement_plan() {
            out.push(Warning::NotDataReady {
                key_result: kr.title.to_owned(),
            });
        }
    }
    if facts.kind == ObjectiveKind::Aspirational {
        match facts.stretch_phase {
            StretchPhase::Foundation => out.push(Warning::StretchDiscouraged),
            StretchPhase::Intermediate if facts.unit_aspirational > 1 => {
                out.push(Warning::StretchLimit {
                    count: facts.unit_aspirational,
                })
            }
            StretchPhase::Intermediate | StretchPhase::Advanced => {}
        }
    }
    if let Some(shared) = &facts.shared {
        if !shared.has_decision_owner {
            out.push(Warning::NoDecisionOwner);
        }
        for unit in &shared.without_commitment {
            out.push(Warning::NoCommitment { unit: unit.clone() });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const READY: Readiness = Readiness {
        source_identified: true,
        baseline_known: true,
        data_owner: true,
        update_frequency: true,
        reliable: true,
    };

    fn kr(title: &str) -> KeyResultFacts<'_> {
        KeyResultFacts {
            title,
            readiness: READY,
            fallback: None,
            proxy_name: "",
        }
    }

    fn calm() -> ObjectiveFacts<'static> {
        ObjectiveFacts {
            kind: ObjectiveKind::Committed,
            why_important: "Customers churn",
            why_urgent: "Renewals in Q3",
            key_results: vec![kr("a"), kr("b")],
            unit_objectives: 3,
            unit_aspirational: 0,
            stretch_phase: StretchPhase::Intermediate,
            closed: false,
            shared: None,
        }
    }

    #[test]
    fn a_shared_objective_needs_a_decision_owner_and_every_units_commitment() {
        let mut shared = calm();
        shared.shared = Some(SharedFacts {
            has_decision_owner: false,
            without_commitment: vec!["Web".into()],
        });
        assert_eq!(
            warnings(&shared),
            [
                Warning::NoDecisionOwner,
                Warning::NoCommitment { unit: "Web".into() }
            ]
        );
        shared.shared = Some(SharedFacts {
            has_decision_owner: true,
            without_commitment: vec![],
        });
        assert_eq!(warnings(&shared), []);
    }

    #[test]
    fn a_well_formed_objective_has_no_warnings() {
        assert!(warnings(&calm()).is_empty());
    }

    #[test]
    fn a_closed_objective_is_past_advice() {
        let mut facts = calm();
        facts.why_important = "";
        facts.kind = ObjectiveKind::Aspirational;
        facts.stretch_phase = StretchPhase::Foundation;
        assert_eq!(warnings(&facts).len(), 2);
        facts.closed = true;
        assert!(warnings(&facts).is_empty());
    }

    #[test]
    fn focus_warnings_start_above_five() {
        let mut facts = calm();
        facts.key_results = (0..5).map(|_| kr("k")).collect();
        facts.unit_objectives = 5;
        assert!(warnings(&facts).is_empty());
        facts.key_results.push(kr("sixth"));
        facts.unit_objectives = 6;
        assert_eq!(
            warnings(&facts),
            [
                Warning::TooManyKeyResults { count: 6 },
                Warning::TooManyObjectives { count: 6 }
            ]
        );
    }

    #[test]
    fn the_whys_must_say_something() {
        let mut facts = calm();
        facts.why_important = "  ";
        facts.why_urgent = "";
        assert_eq!(
            warnings(&facts),
            [Warning::MissingWhyImportant, Warning::MissingWhyUrgent]
        );
    }

    #[test]
    fn a_key_result_not_data_ready_needs_a_fallback() {
        let not_ready = Readiness {
            reliable: false,
            ..READY
        };
        let cases = [
            (None, "", false),
            (Some(Fallback::Delay), "", true),
            (Some(Fallback::TrackingAsKeyResult), "", true),
            (Some(Fallback::Proxy), "", false),
            (Some(Fallback::Proxy), " ", false),
            (Some(Fallback::Proxy), "Trial sign-ups", true),
        ];
        for (fallback, proxy_name, fine) in cases {
            let mut facts = calm();
            facts.key_results = vec![KeyResultFacts {
                title: "NPS 40",
                readiness: not_ready,
                fallback,
                proxy_name,
            }];
            let expected: Vec<Warning> = if fine {
                vec![]
            } else {
                vec![Warning::NotDataReady {
                    key_result: "NPS 40".into(),
                }]
            };
            assert_eq!(warnings(&facts), expected, "{fallback:?} {proxy_name:?}");
        }
        assert!(!Readiness::default().is_ready());
        assert!(READY.is_ready());
    }

    #[test]
    fn stretch_goals_follow_the_phase() {
        let mut facts = calm();
        facts.kind = ObjectiveKind::Aspirational;
        let cases = [
            (
                StretchPhase::Foundation,
                1,
                vec![Warning::StretchDiscouraged],
            ),
            (StretchPhase::Intermediate, 1, vec![]),
            (
                StretchPhase::Intermediate,
                2,
                vec![Warning::StretchLimit { count: 2 }],
            ),
            (StretchPhase::Advanced, 9, vec![]),
        ];
        for (phase, count, expected) in cases {
            facts.stretch_phase = phase;
            facts.unit_aspirational = count;
            assert_eq!(warnings(&facts), expected, "{phase:?} with {count}");
        }
        // A committed objective never gets a stretch warning.
        facts.kind = ObjectiveKind::Committed;
        facts.stretch_phase = StretchPhase::Foundation;
        assert!(warnings(&facts).is_empty());
    }

    #[test]
    fn every_warning_explains_itself() {
        let all = [
            Warning::TooManyKeyResults { count: 6 },
            Warning::TooManyObjectives { count: 7 },
            Warning::MissingWhyImportant,
            Warning::MissingWhyUrgent,
            Warning::NotDataReady {
                key_result: "x".into(),
            },
            Warning::StretchDiscouraged,
            Warning::StretchLimit { count: 2 },
            Warning::NoDecisionOwner,
            Warning::NoCommitment { unit: "Web".into() },
        ];
        for warning in all {
            assert!(!warning.badge().is_empty());
            assert!(warning.explanation().len() > 40, "{warning:?}");
        }
    }
}
