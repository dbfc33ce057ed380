//! The planning board in the database: the board of a cycle, and the
//! changes planners make on it. Each change is one write transaction ending
//! in the objectives store's `finish` (see `objectives::ssr`).

use super::{Board, PersonChoice, UnitChoice, Viewer};
use crate::auth::ssr::require_caller;
use crate::cycles::ssr::{fetch_cycle, stretch_phase};
use crate::error::AppError;
use crate::objectives::ssr::{actor_of, fetch_objectives, units_out};
use crate::org::load_tree;
use crate::state::pool;

mod key_results;
mod links;
mod merge;
mod objectives;
mod shares;

pub use key_results::{NewKeyResult, create_key_result, update_key_result};
pub use links::{enclosing_objectives, link_objective, unlink_objective};
use merge::record;

pub use merge::{dismiss_overlap, merge_objectives, overlaps_of};
pub use objectives::{create_objective, update_objective};
pub use shares::{answer_invitation, set_commitment};

/// The board of a cycle, at one board version, as the caller sees it.
pub async fn get_board(cycle_id: i64) -> Result<Board, AppError> {
    let caller = require_caller().await?;
    let pool = pool()?;
    let tree = load_tree(&pool).await?;
    // One read transaction: the objectives and the version belong together.
    let mut tx = crate::sql::read_tx(&pool).await?;
    let cycle = fetch_cycle(&mut *tx, cycle_id).await?;
    let version: i64 = sqlx::query_scalar("SELECT board_version FROM cycles WHERE id = $1")
        .bind(cycle_id)
        .fetch_one(&mut *tx)
        .await?;
    let objectives = fetch_objectives(&mut tx, "o.cycle_id = $1", cycle_id).await?;
    let outside = enclosing_objectives(&mut tx, &cycle).await?;
    let people = sqlx::query_as::<_, (i64, String)>(
        "SELECT id, name FROM people WHERE active = TRUE ORDER BY lower(name)",
    )
    .fetch_all(&mut *tx)
    .await?
    .into_iter()
    .map(|(id, name)| PersonChoice { id, name })
    .collect();
    let actor = actor_of(&mut tx, &caller, &tree).await?;
    let stretch_phase = stretch_phase(&mut tx).await?;
    let units_out = units_out(&mut tx, cycle_id).await?;
    tx.commit().await?;
    Ok(Board {
        units_out,
        today: crate::cycles::ssr::today().to_string(),
        cycle,
        version,
        stretch_phase,
        units: tree
            .ordered()
            .into_iter()
            .map(|(n, _)| UnitChoice {
                id: n.id,
                name: n.name.clone(),
                parent_id: n.parent_id,
                path: tree.path(n.id).join(" › "),
            })
            .collect(),
        people,
        objectives,
        outside,
        viewer: Viewer::from(actor),
    })
}

/// Whether a change based on a version goes ahead.
#[derive(Debug, PartialEq, Eq)]
enum Fresh {
    Apply,
    /// Based on an old version, and the field already holds the value
    /// asked for: a retry of this very change whose answer was lost (the
    /// server was stopped after the commit), or the same change by someone
    /// else. Nothing to do; the answer is the thing as it is.
    AlreadySo,
}

/// Refuses a change based on an old version when the field itself has
/// changed since to something else: the person sees who changed it and its
/// fresh value.
fn check_fresh(
    current_version: i64,
    version: i64,
    current: &str,
    previous: &str,
    value: &str,
    by: &str,
) -> Result<Fresh, AppError> {
    if current_version == version {
        return Ok(Fresh::Apply);
    }
    if current == value.trim() {
        return Ok(Fresh::AlreadySo);
    }
    if current == previous {
        return Ok(Fresh::Apply);
    }
    let shown = if current.is_empty() {
        "empty".to_owned()
    } else {
        format!("“{current}”")
    };
    Err(AppError::Conflict(format!(
        "{by} changed this meanwhile; it is now {shown}. Your change was not saved."
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stale_change_to_the_same_field_is_refused() {
        assert_eq!(
            check_fresh(3, 3, "new", "old", "newer", "Jonas"),
            Ok(Fresh::Apply)
        );
        assert_eq!(
            check_fresh(4, 3, "same", "same", "mine", "Jonas"),
            Ok(Fresh::Apply),
            "another field changed meanwhile"
        );
        assert_eq!(
            check_fresh(4, 3, "Mine", "Before", " Mine ", "Jonas"),
            Ok(Fresh::AlreadySo),
            "a retry of a change that was saved"
        );
        let error = check_fresh(4, 3, "Theirs", "Mine before", "Mine", "Jonas Berg").unwrap_err();
        assert_eq!(
            error,
            AppError::Conflict(
                "Jonas Berg changed this meanwhile; it is now “Theirs”. Your change was not saved."
                    .into()
            )
        );
    }
}
