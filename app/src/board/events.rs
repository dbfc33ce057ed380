//! What happened on a board, as the live hub sends it to every open board.
//! Each event carries the board version it created, so a client applies
//! them in order and knows when it has missed one.

use super::{Board, Objective};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum BoardEvent {
    /// An objective was created or changed (its key results included).
    ObjectiveSaved {
        version: i64,
        /// Who made the change, for "changed by … meanwhile".
        by: String,
        objective: Box<Objective>,
    },
    /// An objective is gone: merged `into` another.
    ObjectiveRemoved {
        version: i64,
        by: String,
        id: String,
        into: Option<String>,
    },
    /// The units taking part in the cycle changed: `units_out` are left out.
    ScopeChanged {
        version: i64,
        by: String,
        units_out: Vec<i64>,
    },
    /// The cycle itself changed: its dates (so its phase) or its completion.
    CycleChanged {
        version: i64,
        by: String,
        cycle: Box<crate::cycles::Cycle>,
    },
}

impl BoardEvent {
    pub fn version(&self) -> i64 {
        match self {
            BoardEvent::ObjectiveSaved { version, .. }
            | BoardEvent::ObjectiveRemoved { version, .. }
            | BoardEvent::ScopeChanged { version, .. }
            | BoardEvent::CycleChanged { version, .. } => *version,
        }
    }

    pub(super) fn apply_to(&self, board: &mut Board) {
        match self {
            BoardEvent::ObjectiveSaved { objective, .. } => {
                match board.objectives.iter_mut().find(|o| o.id == objective.id) {
                    Some(existing) => *existing = (**objective).clone(),
                    None => board.objectives.push((**objective).clone()),
                }
            }
            BoardEvent::ObjectiveRemoved { id, .. } => board.objectives.retain(|o| &o.id != id),
            BoardEvent::ScopeChanged { units_out, .. } => board.units_out = units_out.clone(),
            BoardEvent::CycleChanged { cycle, .. } => board.cycle = (**cycle).clone(),
        }
    }
}
