//! Creating and changing objectives.

use super::{Fresh, check_fresh, record};
use crate::auth::ssr::require_caller;
use crate::cycles::ssr::fetch_cycle;
use crate::domain::okr::{ObjectiveKind, Status};
use crate::domain::permissions::{self, Change};
use crate::domain::validation::{client_id, shared_units_text, text};
use crate::error::{AppError, ssr::internal};
use crate::objectives::ssr::{actor_of, fetch_objective, finish, forbidden, may_create_in};
use crate::objectives::{MAX_DESCRIPTION, MAX_TITLE, MAX_WHY, Objective};
use crate::org::load_tree;
use crate::sql::Conn;
use crate::state::{begin_write, pool};

#[tracing::instrument(skip(title))]
pub async fn create_objective(
    id: &str,
    cycle_id: i64,
    unit_id: &str,
    title: &str,
    kind: ObjectiveKind,
) -> Result<Objective, AppError> {
    let caller = require_caller().await?;
    let id = client_id("id", id)?;
    let title = text("title", title, MAX_TITLE, true)?;
    let Some(unit_id) = crate::units::parse_optional_id("unit_id", unit_id)? else {
        return Err(AppError::invalid(
            "unit_id",
            "Choose the unit that owns this objective.",
        ));
    };
    let pool = pool()?;
    let tree = load_tree(&pool).await?;
    let mut tx = begin_write().await?;
    // A retried create finds what the first attempt stored.
    if let Some(existing) = fetch_objective(&mut tx, &id).await? {
        return if existing.cycle_id == cycle_id {
            Ok(existing)
        } else {
            Err(AppError::Conflict("That id is taken.".into()))
        };
    }
    if fetch_cycle(&mut *tx, cycle_id).await?.completed.is_some() {
        return Err(AppError::Conflict(
            "This cycle is complete: every objective in it is closed. Add this one to the next cycle."
                .into(),
        ));
    }
    may_create_in(&mut tx, &caller, &tree, unit_id).await?;
    sqlx::query(
        "INSERT INTO objectives (id, cycle_id, unit_id, title, kind, created_by, updated_by, version) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, 0)",
    )
    .bind(&id)
    .bind(cycle_id)
    .bind(unit_id)
    .bind(&title)
    .bind(kind.as_str())
    .bind(caller.id)
    .bind(caller.id)
    .execute(&mut *tx)
    .await?;
    finish(tx, &id, &caller).await
}

/// The objective's current value of `field`, as the client sends it.
fn field_value(objective: &Objective, field: &str) -> Option<String> {
    Some(match field {
        "title" => objective.title.clone(),
        "description" => objective.description.clone(),
        "why_important" => objective.why_important.clone(),
        "why_urgent" => objective.why_urgent.clone(),
        "kind" => objective.kind.as_str().to_owned(),
        "status" => objective.status.as_str().to_owned(),
        "unit_id" => objective.unit_id.to_string(),
        "decision_owner_id" => objective
            .decision_owner_id
            .map(|p| p.to_string())
            .unwrap_or_default(),
        "shared_units" => {
            let mut units = objective.shared_unit_ids.clone();
            units.extend(&objective.invited_unit_ids);
            shared_units_text(&units)
        }
        _ => return None,
    })
}

#[tracing::instrument(skip(previous, value))]
pub async fn update_objective(
    id: &str,
    version: i64,
    field: &str,
    previous: &str,
    value: &str,
) -> Result<Objective, AppError> {
    let caller = require_caller().await?;
    let pool = pool()?;
    let tree = load_tree(&pool).await?;
    let mut tx = begin_write().await?;
    let objective = fetch_objective(&mut tx, id)
        .await?
        .ok_or_else(|| AppError::NotFound("That objective".into()))?;
    let current = field_value(&objective, field)
        .ok_or_else(|| AppError::BadRequest(format!("unknown field {field}")))?;
    let actor = actor_of(&mut tx, &caller, &tree).await?;
    let change = match field {
        "status" => Change::SetStatus(
            value
                .parse()
                .map_err(|_| AppError::invalid("status", "Unknown status."))?,
        ),
        "unit_id" => Change::SetOwner,
        _ => Change::Edit,
    };
    permissions::check(&actor, change, &objective.scope()).map_err(forbidden)?;
    if check_fresh(
        objective.version,
        version,
        &current,
        previous,
        value,
        &objective.updated_by,
    )? == Fresh::AlreadySo
    {
        return Ok(objective);
    }

    match field {
        "title" => set_text(&mut tx, id, "title", text("title", value, MAX_TITLE, true)?).await?,
        "description" => {
            set_text(
                &mut tx,
                id,
                "description",
                text("description", value, MAX_DESCRIPTION, false)?,
            )
            .await?
        }
        "why_important" => {
            set_text(
                &mut tx,
                id,
                "why_important",
                text("why_important", value, MAX_WHY, false)?,
            )
            .await?
        }
        "why_urgent" => {
            set_text(
                &mut tx,
                id,
                "why_urgent",
                text("why_urgent", value, MAX_WHY, false)?,
            )
            .await?
        }
        "kind" => {
            let kind: ObjectiveKind = value
                .parse()
                .map_err(|_| AppError::invalid("kind", "Choose committed or aspirational."))?;
            set_text(&mut tx, id, "kind", kind.as_str().to_owned()).await?
        }
        "status" => {
            let Change::SetStatus(status) = change else {
                return Err(internal("status change expected"));
            };
            if status == Status::Active
                && objective.is_shared()
                && objective.decision_owner_id.is_none()
            {
                return Err(AppError::invalid(
                    "status",
                    "Name who decides for this shared objective (its decision owner) before activating it.",
                ));
            }
            set_text(&mut tx, id, "status", status.as_str().to_owned()).await?
        }
        "unit_id" => {
            let unit = value
                .trim()
                .parse::<i64>()
                .ok()
                .filter(|u| tree.get(*u).is_some());
            let unit =
                unit.ok_or_else(|| AppError::invalid("unit_id", "Choose a unit from the list."))?;
            permissions::check_give(&actor, unit).map_err(forbidden)?;
            sqlx::query("UPDATE objectives SET unit_id = $1 WHERE id = $2")
                .bind(unit)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            // A unit does not share its own objective with itself.
            sqlx::query("DELETE FROM objective_units WHERE objective_id = $1 AND unit_id = $2")
                .bind(id)
                .bind(unit)
                .execute(&mut *tx)
                .await?;
        }
        "decision_owner_id" => {
            let person: Option<(i64, String)> = match value.trim() {
                "" => None,
                raw => {
                    let active = match raw.parse::<i64>() {
                        Ok(p) => {
                            sqlx::query_as(
                                "SELECT id, name FROM people WHERE id = $1 AND active = TRUE",
                            )
                            .bind(p)
                            .fetch_optional(&mut *tx)
                            .await?
                        }
                        Err(_) => None,
                    };
                    Some(active.ok_or_else(|| {
                        AppError::invalid("decision_owner_id", "Choose a person from the list.")
                    })?)
                }
            };
            sqlx::query("UPDATE objectives SET decision_owner_id = $1 WHERE id = $2")
                .bind(person.as_ref().map(|(p, _)| *p))
                .bind(id)
                .execute(&mut *tx)
                .await?;
            let line = match &person {
                Some((_, name)) => format!("{} named {name} to decide for it.", caller.name),
                None => format!("{} left nobody named to decide for it.", caller.name),
            };
            record(&mut tx, id, caller.id, &line, &crate::sql::now()).await?;
        }
        "shared_units" => {
            let mut units = Vec::new();
            for raw in value.split(',').map(str::trim).filter(|r| !r.is_empty()) {
                let unit = raw.parse::<i64>().ok().filter(|u| tree.get(*u).is_some());
                let unit = unit.ok_or_else(|| {
                    AppError::invalid("shared_units", "Choose units from the list.")
                })?;
                // The owner does not share with itself; duplicates count once.
                if unit != objective.unit_id && !units.contains(&unit) {
                    units.push(unit);
                }
            }
            let before: Vec<i64> = objective
                .shared_unit_ids
                .iter()
                .chain(&objective.invited_unit_ids)
                .copied()
                .collect();
            let path = |u: &i64| tree.path(*u).join(" › ");
            let now = crate::sql::now();
            for unit in units.iter().filter(|u| !before.contains(u)) {
                let line = format!("{} invited {} to share it.", caller.name, path(unit));
                record(&mut tx, id, caller.id, &line, &now).await?;
            }
            for unit in before.iter().filter(|u| !units.contains(u)) {
                let line = format!("{} took {} off it.", caller.name, path(unit));
                record(&mut tx, id, caller.id, &line, &now).await?;
            }
            // Units no longer named go, with what they committed; units
            // newly named are invited, and gain nothing until a lead of
            // theirs accepts. Units already sharing or invited stay as they are.
            let kept = crate::sql::list(&units);
            sqlx::query(&format!(
                "DELETE FROM objective_units WHERE objective_id = $1 AND NOT {}",
                crate::sql::in_list(&tx, "unit_id", 2)
            ))
            .bind(id)
            .bind(&kept)
            .execute(&mut *tx)
            .await?;
            sqlx::query(&format!(
                "DELETE FROM objective_commitments WHERE objective_id = $1 AND unit_id <> $2 AND NOT {}",
                crate::sql::in_list(&tx, "unit_id", 3)
            ))
            .bind(id)
            .bind(objective.unit_id)
            .bind(&kept)
            .execute(&mut *tx)
            .await?;
            for unit in units {
                sqlx::query(
                    "INSERT INTO objective_units (objective_id, unit_id, state, invited_by) \
                     VALUES ($1, $2, 'invited', $3) ON CONFLICT (objective_id, unit_id) DO NOTHING",
                )
                .bind(id)
                .bind(unit)
                .bind(caller.id)
                .execute(&mut *tx)
                .await?;
            }
        }
        _ => return Err(AppError::BadRequest(format!("unknown field {field}"))),
    }
    finish(tx, id, &caller).await
}

async fn set_text(
    tx: &mut Conn,
    id: &str,
    column: &'static str,
    value: String,
) -> Result<(), AppError> {
    // `column` is one of a fixed set of names, never input.
    sqlx::query(&format!(
        "UPDATE objectives SET {column} = $1 WHERE id = $2"
    ))
    .bind(value)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    Ok(())
}
