//! Alignment links: which objectives an objective supports. A link is a
//! change to the supporting objective (its editors decide what it
//! contributes to); adding one that exists, or removing one that does not,
//! changes nothing, so a retried request is applied once.

use super::record;
use crate::board::OutsideObjective;
use crate::cycles::Cycle;
use crate::domain::links::{self, LinkError, MAX_SUPPORTED};
use crate::domain::okr::Status;
use crate::domain::permissions::{self, Change};
use crate::domain::validation::client_id;
use crate::error::AppError;
use crate::objectives::Objective;
use crate::objectives::ssr::{
    Editing, editing, fetch_objective, fetch_objectives, finish, forbidden,
};
use crate::sql::Conn;
use std::collections::HashMap;

/// Objectives of the cycles enclosing `cycle` (a year around its quarter):
/// what its objectives may support beyond their own cycle.
pub async fn enclosing_objectives(
    db: &mut Conn,
    cycle: &Cycle,
) -> Result<Vec<OutsideObjective>, AppError> {
    let objectives = fetch_objectives(
        db,
        "o.cycle_id IN (SELECT c.id FROM cycles c JOIN cycles me ON me.id = $1 \
         WHERE c.start_date <= me.start_date AND c.end_date >= me.end_date \
         AND (c.start_date < me.start_date OR c.end_date > me.end_date))",
        cycle.id,
    )
    .await?;
    let names: HashMap<i64, String> = sqlx::query_as("SELECT id, name FROM cycles")
        .fetch_all(&mut *db)
        .await?
        .into_iter()
        .collect();
    Ok(objectives
        .into_iter()
        .map(|o| OutsideObjective {
            progress: o.progress(),
            cycle_name: names.get(&o.cycle_id).cloned().unwrap_or_default(),
            id: o.id,
            unit_id: o.unit_id,
            title: o.title,
            status: o.status,
        })
        .collect())
}

#[tracing::instrument]
pub async fn link_objective(id: &str, supports_id: &str) -> Result<Objective, AppError> {
    let Editing {
        caller,
        actor,
        mut tx,
        objective,
        ..
    } = editing(id).await?;
    let supports_id = client_id("supports", supports_id)?;
    permissions::check(&actor, Change::Edit, &objective.scope()).map_err(forbidden)?;
    if objective.supports.contains(&supports_id) {
        return Ok(objective);
    }
    if objective.supports.len() >= MAX_SUPPORTED {
        return Err(AppError::invalid(
            "supports",
            format!(
                "An objective supports at most {MAX_SUPPORTED} others: remove one before adding another."
            ),
        ));
    }
    let target = fetch_objective(&mut tx, &supports_id)
        .await?
        .ok_or_else(|| {
            AppError::invalid(
                "supports",
                "That objective no longer exists; reload the page.",
            )
        })?;
    if target.status == Status::Closed {
        return Err(AppError::invalid(
            "supports",
            "That objective is closed; support one that is still open.",
        ));
    }
    if target.cycle_id != objective.cycle_id {
        let dates: Vec<(i64, String, String)> =
            sqlx::query_as("SELECT id, start_date, end_date FROM cycles WHERE id IN ($1, $2)")
                .bind(objective.cycle_id)
                .bind(target.cycle_id)
                .fetch_all(&mut *tx)
                .await?;
        let of = |cycle: i64| dates.iter().find(|d| d.0 == cycle);
        let encloses = match (of(target.cycle_id), of(objective.cycle_id)) {
            (Some(outer), Some(inner)) => links::encloses(&outer.1, &outer.2, &inner.1, &inner.2),
            _ => false,
        };
        if !encloses {
            return Err(AppError::invalid(
                "supports",
                "Support an objective of this cycle or of a cycle around it (its year), not of another cycle.",
            ));
        }
    }
    // Every link reachable upwards from the target: a circle would come
    // back to this objective.
    let reachable: Vec<(String, String)> = sqlx::query_as(
        "WITH RECURSIVE up(id) AS (SELECT $1 UNION \
         SELECT l.supports_id FROM objective_links l JOIN up ON l.objective_id = up.id) \
         SELECT l.objective_id, l.supports_id FROM objective_links l JOIN up ON l.objective_id = up.id",
    )
    .bind(&supports_id)
    .fetch_all(&mut *tx)
    .await?;
    match links::check_link(&objective.id, &supports_id, &reachable) {
        Ok(()) => {}
        Err(LinkError::Itself) => {
            return Err(AppError::invalid("supports", LinkError::Itself.to_string()));
        }
        Err(LinkError::Circle(circle)) => {
            let titles: HashMap<String, String> = sqlx::query_as(&format!(
                "SELECT id, title FROM objectives WHERE {}",
                crate::sql::in_text_list(&tx, "id", 1)
            ))
            .bind(crate::sql::list(&circle))
            .fetch_all(&mut *tx)
            .await?
            .into_iter()
            .collect();
            let sentence = links::describe_circle(&circle, |id| {
                titles
                    .get(id)
                    .cloned()
                    .unwrap_or_else(|| "an objective".into())
            });
            return Err(AppError::invalid("supports", sentence));
        }
    }
    sqlx::query(
        "INSERT INTO objective_links (objective_id, supports_id, created_by) VALUES ($1, $2, $3)",
    )
    .bind(&objective.id)
    .bind(&supports_id)
    .bind(caller.id)
    .execute(&mut *tx)
    .await?;
    finish(tx, &objective.id, &caller).await
}

#[tracing::instrument]
pub async fn unlink_objective(id: &str, supports_id: &str) -> Result<Objective, AppError> {
    let Editing {
        caller,
        actor,
        mut tx,
        objective,
        ..
    } = editing(id).await?;
    let supports_id = client_id("supports", supports_id)?;
    permissions::check(&actor, Change::Edit, &objective.scope()).map_err(forbidden)?;
    if !objective.supports.contains(&supports_id) {
        return Ok(objective);
    }
    sqlx::query("DELETE FROM objective_links WHERE objective_id = $1 AND supports_id = $2")
        .bind(&objective.id)
        .bind(&supports_id)
        .execute(&mut *tx)
        .await?;
    let title: String = sqlx::query_scalar("SELECT title FROM objectives WHERE id = $1")
        .bind(&supports_id)
        .fetch_optional(&mut *tx)
        .await?
        .unwrap_or_else(|| "an objective".into());
    let line = format!(
        "{} removed a link: it no longer supports “{title}”.",
        caller.name
    );
    record(&mut tx, &objective.id, caller.id, &line, &crate::sql::now()).await?;
    finish(tx, &objective.id, &caller).await
}
