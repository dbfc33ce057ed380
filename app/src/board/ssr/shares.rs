//! The governance of shared objectives: an invited unit's answer, and what
//! each unit commits. Both are changes to the objective (a new version, an
//! event on its board), made in one transaction.

use super::record;
use crate::board::MAX_COMMITMENT;
use crate::domain::permissions;
use crate::domain::validation::text;
use crate::error::AppError;
use crate::objectives::Objective;
use crate::objectives::ssr::{Editing, editing, finish, forbidden};

/// Accepts (the unit now shares the objective, with its rights) or declines
/// (the invitation goes) an invitation for `unit_id`. Answering again the
/// same way changes nothing; an invitation already withdrawn or declined
/// says so.
#[tracing::instrument]
pub async fn answer_invitation(
    id: &str,
    unit_id: i64,
    accept: bool,
) -> Result<Objective, AppError> {
    let Editing {
        caller,
        tree,
        actor,
        mut tx,
        objective,
    } = editing(id).await?;
    permissions::check_answer(&actor, unit_id, objective.status).map_err(forbidden)?;
    let invited = objective.invited_unit_ids.contains(&unit_id);
    if !invited {
        return if accept && objective.shared_unit_ids.contains(&unit_id) {
            Ok(objective)
        } else {
            Err(AppError::Conflict(
                "This invitation is no longer open: it was withdrawn or answered meanwhile.".into(),
            ))
        };
    }
    let unit = tree.path(unit_id).join(" › ");
    let line = if accept {
        format!("{} accepted for {unit}: {unit} shares it now.", caller.name)
    } else {
        format!("{} declined for {unit}.", caller.name)
    };
    record(&mut tx, id, caller.id, &line, &crate::sql::now()).await?;
    if accept {
        sqlx::query(
            "UPDATE objective_units SET state = 'accepted', answered_by = $1 \
             WHERE objective_id = $2 AND unit_id = $3",
        )
        .bind(caller.id)
        .bind(id)
        .bind(unit_id)
        .execute(&mut *tx)
        .await?;
    } else {
        sqlx::query("DELETE FROM objective_units WHERE objective_id = $1 AND unit_id = $2")
            .bind(id)
            .bind(unit_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM objective_commitments WHERE objective_id = $1 AND unit_id = $2")
            .bind(id)
            .bind(unit_id)
            .execute(&mut *tx)
            .await?;
    }
    finish(tx, id, &caller).await
}

/// Says what `unit_id` (the owning unit or a sharing or invited one)
/// commits to the objective; an empty text withdraws it. `previous` is the
/// text the change was based on: when someone changed it meanwhile, the
/// change is refused rather than overwriting theirs.
#[tracing::instrument(skip(previous, commitment))]
pub async fn set_commitment(
    id: &str,
    unit_id: i64,
    previous: &str,
    commitment: &str,
) -> Result<Objective, AppError> {
    let commitment = text("commitment", commitment, MAX_COMMITMENT, false)?;
    let Editing {
        caller,
        actor,
        mut tx,
        objective,
        ..
    } = editing(id).await?;
    permissions::check_commit(&actor, unit_id, objective.status).map_err(forbidden)?;
    let of_objective = unit_id == objective.unit_id
        || objective.shared_unit_ids.contains(&unit_id)
        || objective.invited_unit_ids.contains(&unit_id);
    if !of_objective {
        return Err(AppError::invalid(
            "commitment",
            "That unit does not share this objective.",
        ));
    }
    let current = objective.commitment(unit_id).unwrap_or("");
    if current == commitment {
        return Ok(objective);
    }
    if current != previous.trim() {
        let shown = if current.is_empty() {
            "withdrawn".to_owned()
        } else {
            format!("“{current}”")
        };
        return Err(AppError::Conflict(format!(
            "{} changed this meanwhile; it is now {shown}. Your change was not saved.",
            objective.updated_by
        )));
    }
    if commitment.is_empty() {
        sqlx::query("DELETE FROM objective_commitments WHERE objective_id = $1 AND unit_id = $2")
            .bind(id)
            .bind(unit_id)
            .execute(&mut *tx)
            .await?;
    } else {
        sqlx::query(
            "INSERT INTO objective_commitments (objective_id, unit_id, text, updated_by) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (objective_id, unit_id) DO UPDATE SET text = excluded.text, updated_by = excluded.updated_by",
        )
        .bind(id)
        .bind(unit_id)
        .bind(&commitment)
        .bind(caller.id)
        .execute(&mut *tx)
        .await?;
    }
    finish(tx, id, &caller).await
}
