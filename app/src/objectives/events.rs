//! What happened to the objectives of a cycle, as the live hub sends it to
//! every open board of that cycle (which applies it: `Board::apply`).
//! Each event carries the board version it created, so a client applies
//! them in order and knows when it has missed one.

use super::Objective;
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
}
