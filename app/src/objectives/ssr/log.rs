//! The board event log: every event [`stage`](super::stage) and
//! [`record_cycle_event`](super::record_cycle_event) record, for a client
//! that reconnects and catches up, kept only as far back as that is worth it.

use crate::error::{AppError, ssr::internal};
use crate::objectives::BoardEvent;

/// How many events back a client may catch up by events: a client further
/// behind reloads the board (one query) instead of replaying the log, and
/// the log keeps no more than this per board ([`prune_board_events`]).
pub const MAX_CATCH_UP: i64 = 500;

/// Events after `version` on a cycle's board, for a client catching up;
/// `None` when the log does not reach back that far, or the client is more
/// than [`MAX_CATCH_UP`] events behind or claims a future version: it must
/// reload.
pub async fn events_after(
    pool: &crate::sql::Pool,
    cycle_id: i64,
    version: i64,
) -> Result<Option<Vec<BoardEvent>>, AppError> {
    let current: Option<i64> = sqlx::query_scalar("SELECT board_version FROM cycles WHERE id = $1")
        .bind(cycle_id)
        .fetch_optional(pool)
        .await?;
    let Some(current) = current else {
        return Ok(None);
    };
    if version > current || current - version > MAX_CATCH_UP {
        return Ok(None);
    }
    let rows: Vec<(i64, String)> =
        sqlx::query_as("SELECT version, event FROM board_events WHERE cycle_id = $1 AND version > $2 ORDER BY version")
            .bind(cycle_id)
            .bind(version)
            .fetch_all(pool)
            .await?;
    if rows.first().is_some_and(|(first, _)| *first != version + 1) {
        return Ok(None);
    }
    rows.into_iter()
        .map(|(_, json)| serde_json::from_str(&json).map_err(internal))
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

/// Deletes board events more than [`MAX_CATCH_UP`] versions behind their
/// board: nobody resumes from there. Returns how many went.
pub async fn prune_board_events(pool: &crate::sql::Pool) -> Result<u64, AppError> {
    let done = sqlx::query(
        "DELETE FROM board_events WHERE version <= \
         (SELECT c.board_version FROM cycles c WHERE c.id = board_events.cycle_id) - $1",
    )
    .bind(MAX_CATCH_UP)
    .execute(pool)
    .await?;
    Ok(done.rows_affected())
}
