//! Units in the database. Every change is one transaction, so a refused
//! change leaves nothing half-written.

use super::{Unit, parse_optional_id, tree_of};
use crate::auth::ssr::{require_ambassador, require_caller};
use crate::domain::units::MoveError;
use crate::domain::validation;
use crate::error::AppError;
use crate::state::{begin_write, pool};

const SELECT_UNITS: &str = "SELECT u.id, u.name, u.parent_id, \
     (SELECT COUNT(*) FROM memberships m WHERE m.unit_id = u.id) AS member_count \
     FROM units u";

pub async fn fetch_units<'e, E: sqlx::Executor<'e, Database = crate::sql::Db>>(
    db: E,
) -> Result<Vec<Unit>, AppError> {
    Ok(sqlx::query_as::<_, Unit>(SELECT_UNITS)
        .fetch_all(db)
        .await?)
}

pub use crate::org::load_tree;

pub async fn list_units() -> Result<Vec<Unit>, AppError> {
    require_caller().await?;
    fetch_units(&pool()?).await
}

#[tracing::instrument]
pub async fn create_unit(name: &str, parent_id: &str) -> Result<Unit, AppError> {
    require_ambassador().await?;
    let name = validation::unit_name(name).map_err(|m| AppError::invalid("name", m))?;
    let parent_id = parse_optional_id("parent_id", parent_id)?;
    let mut tx = begin_write().await?;
    if let Some(parent) = parent_id {
        ensure_exists(&mut tx, parent, "parent_id").await?;
    }
    ensure_name_free(&mut tx, &name, parent_id, None).await?;
    let id: i64 =
        sqlx::query_scalar("INSERT INTO units (name, parent_id) VALUES ($1, $2) RETURNING id")
            .bind(&name)
            .bind(parent_id)
            .fetch_one(&mut *tx)
            .await?;
    tx.commit().await?;
    tracing::info!(unit = id, "unit created");
    Ok(Unit {
        id,
        name,
        parent_id,
        member_count: 0,
    })
}

#[tracing::instrument]
pub async fn rename_unit(unit_id: i64, name: &str) -> Result<(), AppError> {
    require_ambassador().await?;
    let name = validation::unit_name(name).map_err(|m| AppError::invalid("name", m))?;
    let mut tx = begin_write().await?;
    let parent_id = ensure_exists(&mut tx, unit_id, "unit_id").await?;
    ensure_name_free(&mut tx, &name, parent_id, Some(unit_id)).await?;
    sqlx::query("UPDATE units SET name = $1 WHERE id = $2")
        .bind(&name)
        .bind(unit_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

#[tracing::instrument]
pub async fn move_unit(unit_id: i64, parent_id: &str) -> Result<(), AppError> {
    require_ambassador().await?;
    let parent_id = parse_optional_id("parent_id", parent_id)?;
    let mut tx = begin_write().await?;
    let tree = tree_of(&fetch_units(&mut *tx).await?);
    tree.check_move(unit_id, parent_id)
        .map_err(|error| match error {
            MoveError::UnknownUnit => AppError::NotFound("That unit".into()),
            other => AppError::invalid("parent_id", other.to_string()),
        })?;
    let name = tree
        .get(unit_id)
        .map(|n| n.name.clone())
        .unwrap_or_default();
    ensure_name_free(&mut tx, &name, parent_id, Some(unit_id)).await?;
    sqlx::query("UPDATE units SET parent_id = $1 WHERE id = $2")
        .bind(parent_id)
        .bind(unit_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

#[tracing::instrument]
pub async fn delete_unit(unit_id: i64) -> Result<(), AppError> {
    require_ambassador().await?;
    let mut tx = begin_write().await?;
    ensure_exists(&mut tx, unit_id, "unit_id").await?;
    let (children, members, objectives, kpis): (i64, i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM units WHERE parent_id = $1), \
                (SELECT COUNT(*) FROM memberships WHERE unit_id = $1), \
                (SELECT COUNT(*) FROM objectives WHERE unit_id = $1) \
                + (SELECT COUNT(*) FROM objective_units WHERE unit_id = $1), \
                (SELECT COUNT(*) FROM kpis WHERE unit_id = $1)",
    )
    .bind(unit_id)
    .fetch_one(&mut *tx)
    .await?;
    if children > 0 {
        return Err(AppError::Conflict(format!(
            "This unit still has {children} sub-unit{}: move or delete them first.",
            plural(children)
        )));
    }
    if members > 0 {
        return Err(AppError::Conflict(format!(
            "This unit still has {members} member{}: move them to another unit first.",
            plural(members)
        )));
    }
    // Objectives (closed ones too: their closing notes are the record)
    // keep their unit.
    if objectives > 0 {
        return Err(AppError::Conflict(format!(
            "This unit owns or shares {objectives} objective{}, closed ones included: give them to another unit first.",
            plural(objectives)
        )));
    }
    if kpis > 0 {
        return Err(AppError::Conflict(format!(
            "This unit owns {kpis} KPI{}: give them to another unit first.",
            plural(kpis)
        )));
    }
    sqlx::query("DELETE FROM units WHERE id = $1")
        .bind(unit_id)
        .execute(&mut *tx)
        .await?;
    // Its agendas' notes go with it: a unit made later may reuse its id.
    sqlx::query("DELETE FROM agenda_notes WHERE agenda IN ($1, $2)")
        .bind(crate::domain::rhythm::AgendaKey::Weekly(unit_id).to_string())
        .bind(crate::domain::rhythm::AgendaKey::Review(Some(unit_id)).to_string())
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    tracing::info!(unit = unit_id, "unit deleted");
    Ok(())
}

fn plural(n: i64) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Checks the unit exists and returns its parent.
async fn ensure_exists(
    db: &mut crate::sql::Conn,
    unit_id: i64,
    field: &str,
) -> Result<Option<i64>, AppError> {
    let row: Option<(Option<i64>,)> = sqlx::query_as("SELECT parent_id FROM units WHERE id = $1")
        .bind(unit_id)
        .fetch_optional(&mut *db)
        .await?;
    match row {
        Some((parent,)) => Ok(parent),
        None if field == "unit_id" => Err(AppError::NotFound("That unit".into())),
        None => Err(AppError::invalid(
            field,
            "That unit no longer exists; reload the page.",
        )),
    }
}

/// Siblings need distinct names, or nobody could tell them apart. This also
/// makes a retried "create" harmless: the second one is refused.
async fn ensure_name_free(
    db: &mut crate::sql::Conn,
    name: &str,
    parent_id: Option<i64>,
    except: Option<i64>,
) -> Result<(), AppError> {
    let taken: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM units WHERE parent_id IS NOT DISTINCT FROM $1 AND lower(name) = lower($2) AND id IS DISTINCT FROM $3",
    )
    .bind(parent_id)
    .bind(name)
    .bind(except)
    .fetch_optional(&mut *db)
    .await?;
    match taken {
        Some(_) => Err(AppError::invalid(
            "name",
            format!("There is already a unit called “{name}” here."),
        )),
        None => Ok(()),
    }
}
