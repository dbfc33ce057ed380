//! The start of a cycle's communication plan, made with the cycle (in its
//! transaction): a copy of the previous cycle's plan, or the guide's
//! default for a first cycle. The plan is then rhythm's to edit
//! (`rhythm::ssr::plan`), through [`insert_meeting`] among others.

use crate::domain::rhythm::{self, MeetingDraft};
use crate::domain::roles::Role;
use crate::error::AppError;
use crate::sql::Conn;

/// The columns of a meeting that a new cycle's plan copies from the last.
const COPIED: &str =
    "kind, custom_name, level, unit_id, frequency, weekday, format, owner, points, position";

/// Adds a meeting to the plan of `cycle_id`; returns its id.
pub(crate) async fn insert_meeting(
    db: &mut Conn,
    cycle_id: i64,
    draft: &MeetingDraft,
    unit_id: Option<i64>,
    position: i64,
    by: i64,
    now: &str,
) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar(&format!(
        "INSERT INTO plan_meetings ({COPIED}, cycle_id, created_by, updated_by, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id"
    ))
    .bind(draft.kind.as_str())
    .bind(&draft.custom_name)
    .bind(draft.level.as_str())
    .bind(unit_id)
    .bind(draft.frequency.as_str())
    .bind(i64::from(draft.weekday))
    .bind(&draft.format)
    .bind(&draft.owner)
    .bind(&draft.points)
    .bind(position)
    .bind(cycle_id)
    .bind(by)
    .bind(by)
    .bind(now)
    .fetch_one(&mut *db)
    .await?)
}

/// Starts the plan of `cycle_id`, once: a copy of the previous cycle's
/// plan, or the guide's default when there is none. `by` is who
/// the rows are recorded as made by.
pub async fn start_plan(db: &mut Conn, cycle_id: i64, by: i64) -> Result<(), AppError> {
    let crate::sql::Flag(started) =
        sqlx::query_scalar("SELECT plan_started FROM cycles WHERE id = $1")
            .bind(cycle_id)
            .fetch_one(&mut *db)
            .await?;
    if started {
        return Ok(());
    }
    // The cycle just before this one; else (for a cycle placed before all
    // others) the latest.
    let previous: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM cycles WHERE plan_started = TRUE AND id <> $1 \
         ORDER BY start_date <= (SELECT start_date FROM cycles WHERE id = $1) DESC, start_date DESC, id DESC LIMIT 1",
    )
    .bind(cycle_id)
    .fetch_optional(&mut *db)
    .await?;
    let now = crate::sql::now();
    match previous {
        Some(previous) => {
            sqlx::query(
                &format!(
                    "INSERT INTO plan_meetings ({COPIED}, cycle_id, created_by, updated_by, updated_at) \
                     SELECT {COPIED}, $1, $2, $3, $4 FROM plan_meetings WHERE cycle_id = $5 ORDER BY position, id"
                ),
            )
            .bind(cycle_id)
            .bind(by)
            .bind(by)
            .bind(&now)
            .bind(previous)
            .execute(&mut *db)
            .await?;
        }
        None => {
            for (position, draft) in rhythm::default_plan().iter().enumerate() {
                insert_meeting(db, cycle_id, draft, None, position as i64 + 1, by, &now).await?;
            }
        }
    }
    sqlx::query("UPDATE cycles SET plan_started = TRUE WHERE id = $1")
        .bind(cycle_id)
        .execute(&mut *db)
        .await?;
    Ok(())
}

/// Starts the plan of every cycle that has none yet, oldest first (so each
/// copies the one before): run at start-up, for cycles made before plans
/// existed and for the demo's. Does nothing before there is an ambassador.
pub async fn start_missing_plans(pool: &crate::sql::Pool) -> Result<usize, AppError> {
    // Under the write lock: instances starting together on one database
    // would otherwise each copy the same plans.
    let mut tx = crate::sql::write_tx(pool).await?;
    let ambassador: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM people WHERE role = $1 AND active = TRUE ORDER BY id LIMIT 1",
    )
    .bind(Role::Ambassador.as_str())
    .fetch_optional(&mut *tx)
    .await?;
    let Some(ambassador) = ambassador else {
        return Ok(0);
    };
    let cycles: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM cycles WHERE plan_started = FALSE ORDER BY start_date, id",
    )
    .fetch_all(&mut *tx)
    .await?;
    for cycle in &cycles {
        start_plan(&mut tx, *cycle, ambassador).await?;
    }
    tx.commit().await?;
    Ok(cycles.len())
}
