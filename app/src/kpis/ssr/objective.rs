//! "Create an objective from this KPI": a draft objective for the KPI's
//! unit with its why, and one key result from the latest value to the
//! healthy threshold that follows the KPI — all in one transaction.

use crate::auth::ssr::require_caller;
use crate::domain::okr::ObjectiveKind;
use crate::domain::validation::{client_id, parse_number, text};
use crate::error::AppError;
use crate::objectives::ssr::{fetch_objective, finish, may_create_in};
use crate::objectives::{MAX_TITLE, MAX_WHY, Objective};
use crate::org::load_tree;
use crate::state::{begin_write, pool};

/// What the prefilled form sends back, as typed.
pub struct FromKpi<'a> {
    pub id: &'a str,
    pub cycle_id: i64,
    pub kpi_id: i64,
    pub unit_id: &'a str,
    pub title: &'a str,
    pub why_important: &'a str,
    pub key_result_title: &'a str,
    pub start: &'a str,
    pub target: &'a str,
}

pub async fn create(input: FromKpi<'_>) -> Result<Objective, AppError> {
    let caller = require_caller().await?;
    let id = client_id("id", input.id)?;
    let title = text("title", input.title, MAX_TITLE, true)?;
    let why_important = text("why_important", input.why_important, MAX_WHY, false)?;
    let key_result_title = text("key_result_title", input.key_result_title, MAX_TITLE, true)?;
    let start = parse_number("start", input.start)?;
    let target = parse_number("target", input.target)?;
    if start == target {
        return Err(AppError::invalid(
            "target",
            "The target must differ from the start: the KPI is already there.",
        ));
    }
    let Some(unit_id) = crate::units::parse_optional_id("unit_id", input.unit_id)? else {
        return Err(AppError::invalid(
            "unit_id",
            "Choose the unit that owns this objective.",
        ));
    };
    let tree = load_tree(&pool()?).await?;
    let mut tx = begin_write().await?;
    // A retried submission finds what the first one stored.
    if let Some(existing) = fetch_objective(&mut tx, &id).await? {
        return if existing.cycle_id == input.cycle_id {
            Ok(existing)
        } else {
            Err(AppError::Conflict("That id is taken.".into()))
        };
    }
    crate::cycles::ssr::fetch_cycle(&mut *tx, input.cycle_id).await?;
    let (owner_id, unit_label): (i64, String) =
        sqlx::query_as("SELECT owner_id, unit_label FROM kpis WHERE id = $1")
            .bind(input.kpi_id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| AppError::NotFound("That KPI".into()))?;
    may_create_in(&mut tx, &caller, &tree, unit_id).await?;
    sqlx::query(
        "INSERT INTO objectives (id, cycle_id, unit_id, title, kind, why_important, created_by, updated_by, version) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0)",
    )
    .bind(&id)
    .bind(input.cycle_id)
    .bind(unit_id)
    .bind(&title)
    .bind(ObjectiveKind::Committed.as_str())
    .bind(&why_important)
    .bind(caller.id)
    .bind(caller.id)
    .execute(&mut *tx)
    .await?;
    // The KPI is the data source: the readiness checklist is complete.
    sqlx::query(
        "INSERT INTO key_results (id, objective_id, title, metric, unit_label, start_value, target_value, \
         current_value, owner_id, source_identified, baseline_known, data_owner, update_frequency, \
         reliable, position, kpi_id) VALUES ($1, $2, $3, 'number', $4, $5, $6, $7, $8, TRUE, TRUE, TRUE, TRUE, TRUE, 0, $9)",
    )
    .bind(format!("{id}-kr"))
    .bind(&id)
    .bind(&key_result_title)
    .bind(unit_label.chars().take(20).collect::<String>())
    .bind(start)
    .bind(target)
    .bind(start)
    .bind(owner_id)
    .bind(input.kpi_id)
    .execute(&mut *tx)
    .await?;
    finish(tx, &id, &caller).await
}
