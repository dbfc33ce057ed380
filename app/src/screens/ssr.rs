//! Office screens in the database. A token is 32 random bytes in hex; only
//! its SHA-256 digest is stored, so a copy of the database opens no screen.

use super::{CreatedScreen, Screen, ScreenView, parse_rotation};
use crate::auth::secret::{digest, new_token};
use crate::auth::ssr::require_ambassador;
use crate::domain::validation;
use crate::error::{AppError, ssr::internal};
use crate::sql::Pool;
use crate::state::{app_state, begin_write, pool};

/// A screen found by its token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScreenAccess {
    pub id: i64,
    pub name: String,
    pub rotate_seconds: i64,
    pub revoked: bool,
}

/// Whether screen `id` has been revoked (or no longer exists).
pub async fn is_revoked(pool: &Pool, id: i64) -> Result<bool, AppError> {
    let live: Option<i64> =
        sqlx::query_scalar("SELECT id FROM office_screens WHERE id = $1 AND revoked_at IS NULL")
            .bind(id)
            .fetch_optional(pool)
            .await?;
    Ok(live.is_none())
}

/// The screen with this token, revoked or not; `None` if there is none.
pub async fn find(pool: &Pool, token: &str) -> Result<Option<ScreenAccess>, AppError> {
    // Tokens are 64 hex digits: anything else cannot match, so skip the query.
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(None);
    }
    let row: Option<(i64, String, i64, Option<String>)> = sqlx::query_as(
        "SELECT id, name, rotate_seconds, revoked_at FROM office_screens WHERE token_hash = $1",
    )
    .bind(digest(&token.to_ascii_lowercase()))
    .fetch_optional(pool)
    .await?;
    Ok(
        row.map(|(id, name, rotate_seconds, revoked_at)| ScreenAccess {
            id,
            name,
            rotate_seconds,
            revoked: revoked_at.is_some(),
        }),
    )
}

/// Notes that a screen connected. At most one write a minute per screen, so
/// a wall of screens reconnecting at once does not queue writes.
pub async fn touch(pool: &Pool, id: i64) -> Result<(), AppError> {
    let now = time::OffsetDateTime::now_utc();
    sqlx::query(
        "UPDATE office_screens SET last_connected_at = $1 \
         WHERE id = $2 AND (last_connected_at IS NULL OR last_connected_at < $3)",
    )
    .bind(crate::sql::at(now))
    .bind(id)
    .bind(crate::sql::at(now - time::Duration::seconds(60)))
    .execute(pool)
    .await?;
    Ok(())
}

pub async fn view(token: &str) -> Result<ScreenView, AppError> {
    let state = app_state()?;
    let screen = find(&state.pool, token)
        .await?
        .ok_or_else(|| AppError::NotFound("That screen".into()))?;
    if screen.revoked {
        return Ok(ScreenView::Disconnected);
    }
    touch(&state.pool, screen.id).await?;
    Ok(ScreenView::Live {
        name: screen.name,
        rotate_seconds: screen.rotate_seconds,
        leaderboard: Box::new(crate::leaderboard::ssr::latest(&state).await?),
    })
}

const SELECT_SCREENS: &str = "SELECT id, name, rotate_seconds, created_at, revoked_at, last_connected_at FROM office_screens";

type ScreenRow = (i64, String, i64, String, Option<String>, Option<String>);

fn screen_of(row: ScreenRow) -> Screen {
    let (id, name, rotate_seconds, created_at, revoked_at, last_connected_at) = row;
    Screen {
        id,
        name,
        rotate_seconds,
        created_at,
        revoked_at,
        last_connected_at,
    }
}

pub async fn list() -> Result<Vec<Screen>, AppError> {
    require_ambassador().await?;
    let rows: Vec<ScreenRow> = sqlx::query_as(&format!(
        "{SELECT_SCREENS} ORDER BY revoked_at IS NOT NULL, lower(name), id"
    ))
    .fetch_all(&pool()?)
    .await?;
    Ok(rows.into_iter().map(screen_of).collect())
}

pub async fn create(name: &str, rotate_seconds: &str) -> Result<CreatedScreen, AppError> {
    let caller = require_ambassador().await?;
    let name = validation::screen_name(name).map_err(|m| AppError::invalid("name", m))?;
    let rotate_seconds = parse_rotation(rotate_seconds)?;
    let token = new_token();
    let mut tx = begin_write().await?;
    let row: ScreenRow = sqlx::query_as(&format!(
        "INSERT INTO office_screens (name, token_hash, rotate_seconds, created_by) VALUES ($1, $2, $3, $4) \
         RETURNING {}",
        SELECT_SCREENS
            .trim_start_matches("SELECT ")
            .trim_end_matches(" FROM office_screens")
    ))
    .bind(&name)
    .bind(digest(&token))
    .bind(rotate_seconds)
    .bind(caller.id)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(CreatedScreen {
        screen: screen_of(row),
        path: format!("/screen/{token}"),
    })
}

pub async fn revoke(id: i64) -> Result<(), AppError> {
    require_ambassador().await?;
    let state = app_state()?;
    let mut tx = begin_write().await?;
    let revoked = sqlx::query(
        "UPDATE office_screens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL",
    )
    .bind(crate::sql::now())
    .bind(id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if revoked == 0 {
        let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM office_screens WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
        // Revoking twice is the same as once.
        if exists.is_none() {
            return Err(AppError::NotFound("That screen".into()));
        }
    }
    tx.commit().await.map_err(internal)?;
    state.fanout.revoke_screen(id);
    Ok(())
}
