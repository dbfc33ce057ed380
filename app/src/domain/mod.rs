//! Pure rules of the organisation and its OKR program: no I/O, no Leptos,
//! so every rule is unit-tested here and shared by the server and the browser.

pub mod cadence;
pub mod closing;
pub mod cycles;
pub mod gaps;
pub mod kpi;
pub mod leaderboard;
pub mod links;
pub mod map_layout;
pub mod okr;
pub mod opportunities;
#[cfg(feature = "ssr")]
pub mod overlaps;
pub mod permissions;
pub mod progress;
pub mod retro;
pub mod rhythm;
pub mod roles;
pub mod search;
pub mod units;
pub mod validation;
pub mod warnings;
