//! Cycles and settings in the database.

use super::{Cycle, CycleOverview, calendar_from_form};
use crate::auth::ssr::{require_ambassador, require_caller};
use crate::domain::cycles::Calendar;
use crate::domain::okr::StretchPhase;
use crate::error::{AppError, ssr::internal};
use crate::state::{begin_write, pool};
use time::Date;

mod plan;

pub(crate) use plan::insert_meeting;
pub use plan::{start_missing_plans, start_plan};

/// Today, for phases: the server's UTC date.
pub fn today() -> Date {
    time::OffsetDateTime::now_utc().date()
}

#[derive(sqlx::FromRow)]
struct CycleRow {
    id: i64,
    name: String,
    start_date: String,
    end_date: String,
    planning_days: i64,
    retro_days: i64,
    completed_on: Option<String>,
    completed_by: Option<String>,
}

impl CycleRow {
    fn into_cycle(self, today: Date) -> Result<Cycle, AppError> {
        let calendar = Calendar {
            start: super::parse_date("start", &self.start_date).map_err(internal)?,
            end: super::parse_date("end", &self.end_date).map_err(internal)?,
            planning_days: self.planning_days,
            retro_days: self.retro_days,
        };
        Ok(Cycle {
            id: self.id,
            name: self.name,
            start: self.start_date,
            end: self.end_date,
            planning_days: self.planning_days,
            retro_days: self.retro_days,
            phase: calendar.phase(today),
            days_left: calendar.days_left(today),
            completed: self
                .completed_on
                .zip(self.completed_by)
                .map(|(on, by)| super::Completion { on, by }),
        })
    }
}

const SELECT_CYCLES: &str = "SELECT c.id, c.name, c.start_date, c.end_date, c.planning_days, c.retro_days, \
     substr(c.completed_at, 1, 10) AS completed_on, p.name AS completed_by \
     FROM cycles c LEFT JOIN people p ON p.id = c.completed_by";

pub async fn fetch_cycle<'e, E: sqlx::Executor<'e, Database = crate::sql::Db>>(
    db: E,
    id: i64,
) -> Result<Cycle, AppError> {
    sqlx::query_as::<_, CycleRow>(&format!("{SELECT_CYCLES} WHERE c.id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await?
        .ok_or_else(|| AppError::NotFound("That cycle".into()))?
        .into_cycle(today())
}

pub async fn stretch_phase(db: &mut crate::sql::Conn) -> Result<StretchPhase, AppError> {
    let value: String =
        sqlx::query_scalar("SELECT value FROM settings WHERE key = 'stretch_phase'")
            .fetch_one(&mut *db)
            .await?;
    value.parse().map_err(internal)
}

pub async fn list_cycles() -> Result<CycleOverview, AppError> {
    require_caller().await?;
    let mut db = pool()?.acquire().await?;
    let today = today();
    let cycles = sqlx::query_as::<_, CycleRow>(&format!(
        "{SELECT_CYCLES} ORDER BY c.start_date DESC, c.id DESC"
    ))
    .fetch_all(&mut *db)
    .await?
    .into_iter()
    .map(|row| row.into_cycle(today))
    .collect::<Result<_, _>>()?;
    Ok(CycleOverview {
        cycles,
        stretch_phase: stretch_phase(&mut db).await?,
    })
}

#[tracing::instrument]
pub async fn save_cycle(
    id: Option<i64>,
    name: &str,
    start: &str,
    end: &str,
    planning_days: &str,
    retro_days: &str,
) -> Result<Cycle, AppError> {
    let caller = require_ambassador().await?;
    let name =
        crate::domain::validation::cycle_name(name).map_err(|m| AppError::invalid("name", m))?;
    let calendar = calendar_from_form(start, end, planning_days, retro_days)?;
    let mut tx = begin_write().await?;
    let taken: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM cycles WHERE lower(name) = lower($1) AND id IS DISTINCT FROM $2",
    )
    .bind(&name)
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    if taken.is_some() {
        return Err(AppError::invalid(
            "name",
            format!("There is already a cycle called “{name}”."),
        ));
    }
    let start = calendar.start.to_string();
    let end = calendar.end.to_string();
    let before = match id {
        Some(id) => Some(fetch_cycle(&mut *tx, id).await?),
        None => None,
    };
    let id = match id {
        None => {
            sqlx::query_scalar(
                "INSERT INTO cycles (name, start_date, end_date, planning_days, retro_days) \
                 VALUES ($1, $2, $3, $4, $5) RETURNING id",
            )
            .bind(&name)
            .bind(&start)
            .bind(&end)
            .bind(calendar.planning_days)
            .bind(calendar.retro_days)
            .fetch_one(&mut *tx)
            .await?
        }
        Some(id) => {
            let updated = sqlx::query(
                "UPDATE cycles SET name = $1, start_date = $2, end_date = $3, planning_days = $4, retro_days = $5 \
                 WHERE id = $6",
            )
            .bind(&name)
            .bind(&start)
            .bind(&end)
            .bind(calendar.planning_days)
            .bind(calendar.retro_days)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            if updated.rows_affected() == 0 {
                return Err(AppError::NotFound("That cycle".into()));
            }
            id
        }
    };
    // A new cycle's communication plan starts from the previous cycle's.
    start_plan(&mut tx, id, caller.id).await?;
    let cycle = fetch_cycle(&mut *tx, id).await?;
    // Open boards, the leaderboard and the screens hear of new dates: the
    // phase (a retrospective view, a late badge) may have changed with them.
    // A retried save changes nothing and tells no one.
    let event = match before {
        Some(before) if before != cycle => Some(
            crate::objectives::ssr::record_cycle_event(&mut tx, id, |version| {
                crate::objectives::BoardEvent::CycleChanged {
                    version,
                    by: caller.name.clone(),
                    cycle: Box::new(cycle.clone()),
                }
            })
            .await?,
        ),
        _ => None,
    };
    tx.commit().await?;
    tracing::info!(cycle = id, "cycle saved");
    if let (Some(event), Ok(state)) = (event, crate::state::app_state()) {
        crate::live::ssr::after_commit(&state, id, vec![event]);
    }
    Ok(cycle)
}

/// The cycle a leaderboard shows on `day`: the one running that day (the
/// latest to start, if several overlap), else the last one to have started.
pub async fn current_cycle_id(
    db: &mut crate::sql::Conn,
    day: &str,
) -> Result<Option<i64>, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM cycles WHERE start_date <= $1 \
         ORDER BY end_date >= $1 DESC, start_date DESC, id DESC LIMIT 1",
    )
    .bind(day)
    .fetch_optional(&mut *db)
    .await?)
}

/// The current cycle, if one is running today (begun and not over: the
/// leaderboard keeps showing the last cycle after it ends; agendas and home
/// do not).
pub async fn current_cycle(
    db: &mut crate::sql::Conn,
    today: Date,
) -> Result<Option<Cycle>, AppError> {
    let Some(id) = current_cycle_id(db, &today.to_string()).await? else {
        return Ok(None);
    };
    let cycle = fetch_cycle(&mut *db, id).await?;
    let running = !matches!(
        cycle.phase,
        crate::domain::cycles::Phase::Upcoming | crate::domain::cycles::Phase::Closed
    );
    Ok(running.then_some(cycle))
}

/// Whether the cycle exists (for the websocket, before it upgrades).
pub async fn cycle_exists(pool: &crate::sql::Pool, cycle_id: i64) -> Result<bool, AppError> {
    let found: Option<i64> = sqlx::query_scalar("SELECT id FROM cycles WHERE id = $1")
        .bind(cycle_id)
        .fetch_optional(pool)
        .await?;
    Ok(found.is_some())
}

#[tracing::instrument]
pub async fn set_stretch_phase(phase: StretchPhase) -> Result<(), AppError> {
    require_ambassador().await?;
    let mut tx = begin_write().await?;
    sqlx::query("UPDATE settings SET value = $1 WHERE key = 'stretch_phase'")
        .bind(phase.as_str())
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}
