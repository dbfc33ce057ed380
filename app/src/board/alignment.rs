//! Alignment and the governance of shared objectives, as the browser asks
//! for them: which objectives an objective supports, an invited unit's
//! answer, and what each unit of a shared objective commits.

use crate::error::AppError;
use crate::objectives::Objective;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Two objectives of different units that look like the same goal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OverlapPair {
    /// The earlier one: a merge keeps it.
    pub first: String,
    pub second: String,
    /// How alike their words are, 0–1.
    pub score: f64,
}

impl OverlapPair {
    /// The score as people read it: "72 % alike".
    pub fn alike(&self) -> String {
        format!("{:.0} % alike", (self.score * 100.0).clamp(0.0, 100.0))
    }
}

/// Longest commitment a unit states ("two engineers for six weeks").
pub const MAX_COMMITMENT: usize = 300;

/// Lets objective `id` support `supports_id` (of its cycle or an enclosing
/// one). Refused when it would close a circle, naming it.
#[server(endpoint = "link_objective")]
pub async fn link_objective(id: String, supports_id: String) -> Result<Objective, AppError> {
    use crate::error::ssr::reply;
    super::ssr::link_objective(&id, &supports_id)
        .await
        .map_err(reply)
}

/// Objective `id` no longer supports `supports_id`.
#[server(endpoint = "unlink_objective")]
pub async fn unlink_objective(id: String, supports_id: String) -> Result<Objective, AppError> {
    use crate::error::ssr::reply;
    super::ssr::unlink_objective(&id, &supports_id)
        .await
        .map_err(reply)
}

/// A lead of the invited unit (or the ambassador) accepts or declines the
/// invitation to share objective `id`.
#[server(endpoint = "answer_invitation")]
pub async fn answer_invitation(
    id: String,
    unit_id: i64,
    accept: bool,
) -> Result<Objective, AppError> {
    use crate::error::ssr::reply;
    super::ssr::answer_invitation(&id, unit_id, accept)
        .await
        .map_err(reply)
}

/// What `unit_id` commits to shared objective `id`; `previous` is the text
/// the change was based on.
#[server(endpoint = "set_commitment")]
pub async fn set_commitment(
    id: String,
    unit_id: i64,
    previous: String,
    commitment: String,
) -> Result<Objective, AppError> {
    use crate::error::ssr::reply;
    super::ssr::set_commitment(&id, unit_id, &previous, &commitment)
        .await
        .map_err(reply)
}

/// The overlaps of a cycle's open objectives, strongest first.
#[server(endpoint = "get_overlaps")]
pub async fn get_overlaps(cycle_id: i64) -> Result<Vec<OverlapPair>, AppError> {
    use crate::error::ssr::reply;
    super::ssr::overlaps_of(cycle_id).await.map_err(reply)
}

/// Makes `second` part of `first`: one objective owned by the first's unit
/// and shared with the second's, with both units' key results and links.
#[server(endpoint = "merge_objectives")]
pub async fn merge_objectives(first: String, second: String) -> Result<Objective, AppError> {
    use crate::error::ssr::reply;
    super::ssr::merge_objectives(&first, &second)
        .await
        .map_err(reply)
}

/// `first` and `second` are different goals: never suggested again.
#[server(endpoint = "dismiss_overlap")]
pub async fn dismiss_overlap(first: String, second: String) -> Result<(), AppError> {
    use crate::error::ssr::reply;
    super::ssr::dismiss_overlap(&first, &second)
        .await
        .map_err(reply)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_score_reads_as_a_share() {
        let pair = |score| OverlapPair {
            first: "a".into(),
            second: "b".into(),
            score,
        };
        assert_eq!(pair(0.724).alike(), "72 % alike");
        assert_eq!(pair(1.2).alike(), "100 % alike");
    }
}
