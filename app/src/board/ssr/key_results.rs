//! Creating and changing key results.

use super::{Fresh, check_fresh};
use crate::auth::ssr::require_caller;
use crate::domain::okr::{Fallback, MetricKind};
use crate::domain::permissions::{self, Change};
use crate::domain::progress::{direction, format_number};
use crate::domain::validation::{client_id, parse_number, text};
use crate::error::{AppError, ssr::internal};
use crate::objectives::ssr::{actor_of, fetch_key_result, fetch_objective, finish, forbidden};
use crate::objectives::{KeyResult, MAX_TITLE};
use crate::org::load_tree;
use crate::state::{begin_write, pool};

/// What the add-key-result form sends, before validation.
#[derive(Debug)]
pub struct NewKeyResult {
    pub id: String,
    pub objective_id: String,
    pub title: String,
    pub metric: MetricKind,
    pub unit_label: String,
    pub start: String,
    pub target: String,
    pub owner_id: String,
}

#[tracing::instrument(skip(new), fields(objective = %new.objective_id))]
pub async fn create_key_result(new: NewKeyResult) -> Result<KeyResult, AppError> {
    let caller = require_caller().await?;
    let id = client_id("id", &new.id)?;
    let title = text("title", &new.title, MAX_TITLE, true)?;
    let unit_label = text("unit_label", &new.unit_label, 20, false)?;
    let (start, target) = if new.metric == MetricKind::Milestone {
        (0.0, 1.0)
    } else {
        let start = parse_number("start", &new.start)?;
        let target = parse_number("target", &new.target)?;
        direction(new.metric, start, target)
            .map_err(|e| AppError::invalid("target", e.to_string()))?;
        (start, target)
    };
    let pool = pool()?;
    let tree = load_tree(&pool).await?;
    let mut tx = begin_write().await?;
    if let Some(existing) = fetch_key_result(&mut tx, &id).await? {
        return Ok(existing);
    }
    let objective = fetch_objective(&mut tx, &new.objective_id)
        .await?
        .ok_or_else(|| AppError::NotFound("That objective".into()))?;
    let actor = actor_of(&mut tx, &caller, &tree).await?;
    permissions::check(&actor, Change::Edit, &objective.scope()).map_err(forbidden)?;
    let owner = match new.owner_id.trim() {
        "" => caller.id,
        raw => raw
            .parse::<i64>()
            .map_err(|_| AppError::invalid("owner_id", "Choose an owner from the list."))?,
    };
    ensure_active_person(&mut tx, owner).await?;
    sqlx::query(
        "INSERT INTO key_results (id, objective_id, title, metric, unit_label, start_value, target_value, \
         current_value, owner_id, position) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, (SELECT COUNT(*) FROM key_results WHERE objective_id = $10))",
    )
    .bind(&id)
    .bind(&objective.id)
    .bind(&title)
    .bind(new.metric.as_str())
    .bind(&unit_label)
    .bind(start)
    .bind(target)
    .bind(start)
    .bind(owner)
    .bind(&objective.id)
    .execute(&mut *tx)
    .await?;
    let objective = finish(tx, &objective.id, &caller).await?;
    objective
        .key_results
        .into_iter()
        .find(|kr| kr.id == id)
        .ok_or_else(|| internal("key result vanished"))
}

async fn ensure_active_person(db: &mut crate::sql::Conn, id: i64) -> Result<(), AppError> {
    let active: Option<crate::sql::Flag> =
        sqlx::query_scalar("SELECT active FROM people WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *db)
            .await?;
    match active {
        Some(crate::sql::Flag(true)) => Ok(()),
        _ => Err(AppError::invalid(
            "owner_id",
            "Choose an active person as the owner.",
        )),
    }
}

fn kr_field_value(kr: &KeyResult, field: &str) -> Option<String> {
    let flag = |b: bool| b.to_string();
    Some(match field {
        "title" => kr.title.clone(),
        "unit_label" => kr.unit_label.clone(),
        "start" => format_number(kr.start),
        "target" => format_number(kr.target),
        "current" => format_number(kr.current),
        "owner_id" => kr.owner_id.to_string(),
        "source_identified" => flag(kr.readiness.source_identified),
        "baseline_known" => flag(kr.readiness.baseline_known),
        "data_owner" => flag(kr.readiness.data_owner),
        "update_frequency" => flag(kr.readiness.update_frequency),
        "reliable" => flag(kr.readiness.reliable),
        "fallback" => kr
            .fallback
            .map(|f| f.as_str().to_owned())
            .unwrap_or_default(),
        "proxy_name" => kr.proxy_name.clone(),
        _ => return None,
    })
}

#[tracing::instrument(skip(previous, value))]
pub async fn update_key_result(
    id: &str,
    version: i64,
    field: &str,
    previous: &str,
    value: &str,
) -> Result<KeyResult, AppError> {
    let caller = require_caller().await?;
    let pool = pool()?;
    let tree = load_tree(&pool).await?;
    let mut tx = begin_write().await?;
    let kr = fetch_key_result(&mut tx, id)
        .await?
        .ok_or_else(|| AppError::NotFound("That key result".into()))?;
    let objective = fetch_objective(&mut tx, &kr.objective_id)
        .await?
        .ok_or_else(|| internal("orphan key result"))?;
    let current = kr_field_value(&kr, field)
        .ok_or_else(|| AppError::BadRequest(format!("unknown field {field}")))?;
    let actor = actor_of(&mut tx, &caller, &tree).await?;
    // The current value is the owner's to report; everything else defines the key result.
    let change = if field == "current" {
        Change::UpdateKeyResult { owner: kr.owner_id }
    } else {
        Change::Edit
    };
    permissions::check(&actor, change, &objective.scope()).map_err(forbidden)?;
    if check_fresh(
        kr.version,
        version,
        &current,
        previous,
        value,
        &objective.updated_by,
    )? == Fresh::AlreadySo
    {
        return Ok(kr);
    }

    let number_column = match field {
        "start" => Some("start_value"),
        "target" => Some("target_value"),
        "current" => Some("current_value"),
        _ => None,
    };
    if let Some(column) = number_column {
        let n = if kr.metric == MetricKind::Milestone && field == "current" {
            match value.trim() {
                "1" | "true" | "done" => 1.0,
                "0" | "false" | "" => 0.0,
                _ => {
                    return Err(AppError::invalid(
                        "current",
                        "Mark the milestone done or not done.",
                    ));
                }
            }
        } else {
            parse_number(field, value)?
        };
        let (start, target) = match field {
            "start" => (n, kr.target),
            "target" => (kr.start, n),
            _ => (kr.start, kr.target),
        };
        direction(kr.metric, start, target).map_err(|e| AppError::invalid(field, e.to_string()))?;
        set_kr(&mut tx, id, column, n).await?;
    } else {
        match field {
            "title" => set_kr(&mut tx, id, "title", text("title", value, MAX_TITLE, true)?).await?,
            "unit_label" => {
                set_kr(
                    &mut tx,
                    id,
                    "unit_label",
                    text("unit_label", value, 20, false)?,
                )
                .await?
            }
            "proxy_name" => {
                set_kr(
                    &mut tx,
                    id,
                    "proxy_name",
                    text("proxy_name", value, 120, false)?,
                )
                .await?
            }
            "owner_id" => {
                let owner = value
                    .trim()
                    .parse::<i64>()
                    .map_err(|_| AppError::invalid("owner_id", "Choose an owner."))?;
                ensure_active_person(&mut tx, owner).await?;
                set_kr(&mut tx, id, "owner_id", owner).await?
            }
            "fallback" => {
                let fallback: Option<Fallback> = match value.trim() {
                    "" => None,
                    other => Some(
                        other
                            .parse()
                            .map_err(|_| AppError::invalid("fallback", "Choose a fallback."))?,
                    ),
                };
                set_kr(
                    &mut tx,
                    id,
                    "fallback",
                    fallback.map(|f| f.as_str().to_owned()),
                )
                .await?;
                if fallback == Some(Fallback::TrackingAsKeyResult) {
                    add_tracking_milestone(&mut tx, &kr).await?;
                }
            }
            "source_identified" | "baseline_known" | "data_owner" | "update_frequency"
            | "reliable" => {
                let flag = matches!(value.trim(), "true" | "on" | "1");
                set_kr(&mut tx, id, field_column(field), flag).await?
            }
            _ => return Err(AppError::BadRequest(format!("unknown field {field}"))),
        }
    }
    sqlx::query("UPDATE key_results SET version = version + 1, updated_at = $1 WHERE id = $2")
        .bind(crate::sql::now())
        .bind(id)
        .execute(&mut *tx)
        .await?;
    let objective = finish(tx, &objective.id, &caller).await?;
    objective
        .key_results
        .into_iter()
        .find(|k| k.id == id)
        .ok_or_else(|| internal("key result vanished"))
}

/// "Tracking is itself a key result": the milestone that makes it one, in
/// the same objective, owned by the same person, measurable from day one;
/// added once (choosing the fallback again adds nothing).
async fn add_tracking_milestone(tx: &mut crate::sql::Conn, kr: &KeyResult) -> Result<(), AppError> {
    let title = crate::domain::okr::tracking_title(&kr.title, MAX_TITLE);
    let exists: Option<i64> =
        sqlx::query_scalar("SELECT 1 FROM key_results WHERE objective_id = $1 AND title = $2")
            .bind(&kr.objective_id)
            .bind(&title)
            .fetch_optional(&mut *tx)
            .await?;
    if exists.is_some() {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO key_results (id, objective_id, title, metric, unit_label, start_value, target_value, \
         current_value, owner_id, source_identified, baseline_known, data_owner, update_frequency, reliable, \
         position) VALUES ($1, $2, $3, 'milestone', '', 0, 1, 0, $4, TRUE, TRUE, TRUE, TRUE, TRUE, \
         (SELECT COUNT(*) FROM key_results WHERE objective_id = $5))",
    )
    .bind(crate::objectives::new_client_id())
    .bind(&kr.objective_id)
    .bind(&title)
    .bind(kr.owner_id)
    .bind(&kr.objective_id)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// The column of a readiness field (the same names, checked against a fixed list).
fn field_column(field: &str) -> &'static str {
    match field {
        "source_identified" => "source_identified",
        "baseline_known" => "baseline_known",
        "data_owner" => "data_owner",
        "update_frequency" => "update_frequency",
        _ => "reliable",
    }
}

async fn set_kr<T>(
    tx: &mut crate::sql::Conn,
    id: &str,
    column: &'static str,
    value: T,
) -> Result<(), AppError>
where
    T: for<'q> sqlx::Encode<'q, crate::sql::Db> + sqlx::Type<crate::sql::Db> + Send,
{
    // `column` is one of a fixed set of names, never input.
    sqlx::query(&format!(
        "UPDATE key_results SET {column} = $1 WHERE id = $2"
    ))
    .bind(value)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    Ok(())
}
