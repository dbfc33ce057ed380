//! The live leaderboard of the current cycle: units ranked by progress
//! against the expected line, with check-in discipline, confidence trend and
//! celebrations. Signed-in people see it at `/leaderboard`; office screens
//! show it at `/screen/:token`. Both receive a fresh snapshot over a
//! websocket after every committed change on the current cycle's board.

#[cfg(feature = "hydrate")]
pub mod live_client;
pub mod page;
mod retro;
#[cfg(feature = "ssr")]
pub mod ssr;
pub mod ticker;

pub use page::{Celebrations, LeaderboardPage, LeaderboardRows};
pub use retro::{RetroCelebrations, RetroRows};
pub use ticker::{Ticker, TickerEvent, TickerItem};

use crate::cycles::Cycle;
use crate::domain::leaderboard::Standings;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The leaderboard at one board version of the current cycle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Leaderboard {
    /// The current cycle; `None` before the first cycle begins.
    pub cycle: Option<Cycle>,
    /// The cycle's board version this was computed at.
    pub version: i64,
    /// The day it was computed for (`YYYY-MM-DD`): expected progress moves daily.
    pub day: String,
    pub standings: Standings,
    /// KPIs back to healthy this past week, celebrated.
    #[serde(default)]
    pub recoveries: Vec<Recovery>,
    /// Sum of every KPI's version: a reading changes it, so a leaderboard
    /// whose celebrations moved supersedes one at the same board version.
    #[serde(default)]
    pub kpis_version: i64,
    /// In the cycle's retrospective window and after: what is closed and
    /// still open per unit, and the cycle's successes. The leaderboard and
    /// the office screens show this instead of the race.
    #[serde(default)]
    pub retro: Option<RetroBoard>,
    /// The cycle's latest check-ins and closings, newest first, for the
    /// office screens' ticker ([`ticker`]).
    #[serde(default)]
    pub ticker: Vec<TickerItem>,
}

/// The retrospective view of a cycle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RetroBoard {
    /// Units taking part with objectives, the most finished first.
    pub units: Vec<RetroUnit>,
    /// Objectives closed as successes for their kind, best score first.
    pub successes: Vec<Success>,
    /// Whether the ambassador marked the cycle complete.
    pub complete: bool,
    /// Objectives of the units taking part closed, and in all: each
    /// objective once, however many units share it.
    pub closed_objectives: u32,
    pub objectives: u32,
}

impl RetroBoard {
    pub fn closed(&self) -> u32 {
        self.closed_objectives
    }

    pub fn total(&self) -> u32 {
        self.objectives
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetroUnit {
    pub unit_id: i64,
    pub name: String,
    pub closed: u32,
    pub open: u32,
}

/// A celebrated success of the cycle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Success {
    pub title: String,
    pub unit: String,
    pub score: f64,
    pub kind: crate::domain::okr::ObjectiveKind,
}

/// A flagged KPI that is healthy again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recovery {
    pub kpi: String,
    /// The owning unit, and its name.
    pub unit_id: i64,
    pub unit: String,
    /// The day of the reading that brought it back.
    pub on: String,
}

impl Recovery {
    /// "Average reply time is healthy again — Support".
    pub fn sentence(&self) -> String {
        format!("{} is healthy again — {}", self.kpi, self.unit)
    }
}

impl Leaderboard {
    /// The line under the title: expected progress during the race, the
    /// count of closed objectives in the retrospective.
    pub fn headline(&self) -> String {
        match (&self.retro, &self.cycle) {
            (Some(retro), _) if retro.complete => format!(
                "Cycle complete · {} of {} objectives closed",
                retro.closed(),
                retro.total()
            ),
            (Some(retro), Some(cycle)) => {
                let left = match cycle.days_left {
                    0 => "cycle ended".to_owned(),
                    1 => "1 day left".to_owned(),
                    n => format!("{n} days left"),
                };
                format!(
                    "Retrospective · {} of {} objectives closed · {left}",
                    retro.closed(),
                    retro.total()
                )
            }
            _ => format!(
                "Expected today: {}",
                crate::domain::progress::format_percent(self.standings.expected)
            ),
        }
    }

    /// Whether `other` should replace this one: another cycle or day, or a
    /// later version of the same cycle (snapshots may arrive out of order).
    pub fn is_superseded_by(&self, other: &Leaderboard) -> bool {
        let cycle = |l: &Leaderboard| l.cycle.as_ref().map(|c| c.id);
        cycle(self) != cycle(other)
            || other.day > self.day
            || (other.day == self.day
                && (other.version, other.kpis_version) > (self.version, self.kpis_version))
    }
}

/// From the server to a leaderboard or office screen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum LeaderboardMessage {
    Snapshot {
        leaderboard: Box<Leaderboard>,
    },
    /// The client's snapshot is the latest: nothing to send.
    UpToDate,
    /// For office screens, which run no WebAssembly: the leaderboard as
    /// server-rendered HTML (the same components as the page), which the
    /// screen's small script merges into the page.
    Frame {
        cycle_id: Option<i64>,
        version: i64,
        #[serde(default)]
        kpis_version: i64,
        day: String,
        cycle_name: String,
        expected: String,
        /// The line under the title ([`Leaderboard::headline`]).
        #[serde(default)]
        headline: String,
        html: String,
    },
    /// The screen's token was revoked: show so, and stop reconnecting.
    Disconnected,
    /// The signed-in person's session ended: say why, stop reconnecting.
    SessionEnded {
        reason: crate::live::SessionEnd,
    },
}

/// From a leaderboard or office screen to the server: the only message a
/// screen may send. Anything else closes its socket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum LeaderboardRequest {
    /// "I show this cycle at this version, computed on this day."
    Resume {
        cycle_id: Option<i64>,
        version: i64,
        day: String,
        #[serde(default)]
        kpis_version: i64,
    },
}

#[server(endpoint = "get_leaderboard")]
pub async fn get_leaderboard() -> Result<Leaderboard, AppError> {
    use crate::error::ssr::reply;
    async {
        crate::auth::ssr::require_caller().await?;
        ssr::latest(&crate::state::app_state()?).await
    }
    .await
    .map_err(reply)
}

/// "+12 pts" / "−4 pts" / "on track": a pace or gain in percentage points.
pub fn format_points(value: f64) -> String {
    let points = (value * 100.0).round() as i64;
    match points {
        0 => "±0 pts".into(),
        p if p > 0 => format!("+{p} pts"),
        p => format!("−{} pts", -p),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::leaderboard::Standings;

    fn board(cycle: Option<i64>, day: &str, version: i64) -> Leaderboard {
        Leaderboard {
            cycle: cycle.map(|id| Cycle {
                id,
                name: "Q".into(),
                start: "2026-10-01".into(),
                end: "2026-12-31".into(),
                planning_days: 14,
                retro_days: 7,
                phase: crate::domain::cycles::Phase::Execution,
                days_left: 30,
                completed: None,
            }),
            version,
            day: day.into(),
            standings: Standings {
                expected: 0.5,
                rows: vec![],
                biggest_gain: None,
                longest_streak: None,
            },
            recoveries: vec![],
            kpis_version: 0,
            retro: None,
            ticker: vec![],
        }
    }

    #[test]
    fn later_snapshots_replace_earlier_ones_only() {
        let shown = board(Some(1), "2026-11-26", 5);
        assert!(shown.is_superseded_by(&board(Some(1), "2026-11-26", 6)));
        assert!(!shown.is_superseded_by(&board(Some(1), "2026-11-26", 5)));
        assert!(!shown.is_superseded_by(&board(Some(1), "2026-11-26", 4)));
        assert!(shown.is_superseded_by(&board(Some(1), "2026-11-27", 5)));
        // A new cycle starts from its own versions.
        assert!(shown.is_superseded_by(&board(Some(2), "2026-11-26", 1)));
        assert!(shown.is_superseded_by(&board(None, "2026-11-26", 0)));
        // A KPI reading moves the celebrations without a board change.
        let read = Leaderboard {
            kpis_version: 1,
            ..board(Some(1), "2026-11-26", 5)
        };
        assert!(shown.is_superseded_by(&read));
        assert!(!read.is_superseded_by(&shown));
        assert!(read.is_superseded_by(&board(Some(1), "2026-11-26", 6)));
    }

    #[test]
    fn points_read_as_ahead_or_behind() {
        assert_eq!(format_points(0.123), "+12 pts");
        assert_eq!(format_points(-0.04), "−4 pts");
        assert_eq!(format_points(0.001), "±0 pts");
    }
}
