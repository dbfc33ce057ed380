//! The step every write to objectives ends with: new objective versions,
//! one board version per event, the events recorded (and, on PostgreSQL,
//! announced to every instance) in the transaction;
//! after the commit, `live::ssr::after_commit` hands the events on (the
//! live hub, the leaderboard).

use super::{fetch_objective, internal};
use crate::auth::ssr::Caller;
use crate::error::AppError;
use crate::objectives::{BoardEvent, Objective};

/// After a change: new objective version, new board version, the event,
/// the commit; then the event goes on (`live::ssr::after_commit`).
pub(crate) async fn finish(
    mut tx: crate::sql::WriteTx,
    objective_id: &str,
    caller: &Caller,
) -> Result<Objective, AppError> {
    let cycle_id: i64 = sqlx::query_scalar("SELECT cycle_id FROM objectives WHERE id = $1")
        .bind(objective_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| internal("objective vanished"))?;
    let mut saved = finish_all(tx, cycle_id, caller, None, &[objective_id.to_owned()]).await?;
    saved.pop().ok_or_else(|| internal("objective vanished"))
}

/// After a change to several objectives of one cycle (a merge): the
/// removed objective's event, then each saved objective's new version and
/// event, one board version each, all in the transaction; after the commit
/// the events go on in order (`live::ssr::after_commit`). Returns the saved
/// objectives.
pub(crate) async fn finish_all(
    mut tx: crate::sql::WriteTx,
    cycle_id: i64,
    caller: &Caller,
    removed: Option<(String, String)>,
    saved: &[String],
) -> Result<Vec<Objective>, AppError> {
    let (objectives, events) = stage(&mut tx, cycle_id, caller, removed, saved).await?;
    tx.commit().await?;
    if let Ok(state) = crate::state::app_state() {
        crate::live::ssr::after_commit(&state, cycle_id, events);
    }
    Ok(objectives)
}

/// The part of [`finish_all`] inside the transaction: new versions, the
/// events recorded. The caller commits, then hands the events to
/// `live::ssr::after_commit`.
pub(crate) async fn stage(
    tx: &mut crate::sql::WriteTx,
    cycle_id: i64,
    caller: &Caller,
    removed: Option<(String, String)>,
    saved: &[String],
) -> Result<(Vec<Objective>, Vec<BoardEvent>), AppError> {
    let mut events = Vec::new();
    if let Some((id, into)) = removed {
        let version = next_board_version(tx, cycle_id).await?;
        events.push(BoardEvent::ObjectiveRemoved {
            version,
            by: caller.name.clone(),
            id,
            into: Some(into),
        });
    }
    let mut objectives = Vec::with_capacity(saved.len());
    for objective_id in saved {
        sqlx::query(
            "UPDATE objectives SET version = version + 1, updated_by = $1, updated_at = $2 WHERE id = $3",
        )
        .bind(caller.id)
        .bind(crate::sql::now())
        .bind(objective_id)
        .execute(&mut **tx)
        .await?;
        let objective = fetch_objective(tx, objective_id)
            .await?
            .ok_or_else(|| internal("objective vanished"))?;
        let version = next_board_version(tx, cycle_id).await?;
        events.push(BoardEvent::ObjectiveSaved {
            version,
            by: caller.name.clone(),
            objective: Box::new(objective.clone()),
        });
        objectives.push(objective);
    }
    for event in &events {
        sqlx::query("INSERT INTO board_events (cycle_id, version, event) VALUES ($1, $2, $3)")
            .bind(cycle_id)
            .bind(event.version())
            .bind(serde_json::to_string(event).map_err(internal)?)
            .execute(&mut **tx)
            .await?;
    }
    if let Some(last) = events.last() {
        crate::live::ssr::announce_board(tx, cycle_id, last.version()).await?;
    }
    Ok((objectives, events))
}

/// A change to the cycle itself (its scope, its dates, its completion):
/// a new board version and its event, recorded in the transaction. The
/// caller commits, then hands the event to `live::ssr::after_commit`.
pub(crate) async fn record_cycle_event(
    tx: &mut crate::sql::Conn,
    cycle_id: i64,
    event: impl FnOnce(i64) -> BoardEvent,
) -> Result<BoardEvent, AppError> {
    let event = event(next_board_version(tx, cycle_id).await?);
    sqlx::query("INSERT INTO board_events (cycle_id, version, event) VALUES ($1, $2, $3)")
        .bind(cycle_id)
        .bind(event.version())
        .bind(serde_json::to_string(&event).map_err(internal)?)
        .execute(&mut *tx)
        .await?;
    crate::live::ssr::announce_board(tx, cycle_id, event.version()).await?;
    Ok(event)
}

pub(crate) async fn next_board_version(
    db: &mut crate::sql::Conn,
    cycle_id: i64,
) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar(
        "UPDATE cycles SET board_version = board_version + 1 WHERE id = $1 RETURNING board_version",
    )
    .bind(cycle_id)
    .fetch_one(&mut *db)
    .await?)
}
