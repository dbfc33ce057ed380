//! Accounts in the database: names, password changes, reset links. A reset
//! token is 32 random bytes in hex; only its SHA-256 digest is stored.

use super::{PasswordReset, RESET_HOURS};
use crate::auth::password;
use crate::auth::secret::{self, new_token};
use crate::auth::ssr::{
    after_sessions_ended, client_address, end_other_sessions, require_ambassador, require_caller,
    session,
};
use crate::domain::validation;
use crate::error::{AppError, ssr::internal};
use crate::state::{app_state, begin_write};
use time::OffsetDateTime;
use time::macros::format_description;

fn digest(token: &str) -> String {
    secret::digest(token.trim())
}

/// A new password typed twice, checked.
fn new_password(new: &str, repeat: &str) -> Result<String, AppError> {
    let password =
        validation::new_password(new).map_err(|m| AppError::invalid("new_password", m))?;
    if new != repeat {
        return Err(AppError::invalid(
            "repeat_password",
            "The two passwords differ; type the new one again.",
        ));
    }
    Ok(password)
}

#[tracing::instrument(skip_all)]
pub async fn change_my_name(raw: &str) -> Result<String, AppError> {
    let caller = require_caller().await?;
    let name = validation::person_name(&crate::domain::search::clean_text(raw))
        .map_err(|m| AppError::invalid("name", m))?;
    let mut tx = begin_write().await?;
    sqlx::query("UPDATE people SET name = $1 WHERE id = $2")
        .bind(&name)
        .bind(caller.id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(name)
}

#[tracing::instrument(skip_all)]
pub async fn change_my_password(current: &str, new: &str, repeat: &str) -> Result<(), AppError> {
    let caller = require_caller().await?;
    let state = app_state()?;
    if current.is_empty() {
        return Err(AppError::invalid(
            "current_password",
            "Enter your current password.",
        ));
    }
    let password = new_password(new, repeat)?;
    // A wrong current password counts like a failed sign-in, so an
    // unlocked laptop does not become a way to guess it.
    let email: String = sqlx::query_scalar("SELECT email FROM people WHERE id = $1")
        .bind(caller.id)
        .fetch_one(&state.pool)
        .await?;
    let address = std::net::IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED);
    let address =
        match leptos_axum::extract::<axum::Extension<crate::auth::ssr::ClientAddress>>().await {
            Ok(axum::Extension(crate::auth::ssr::ClientAddress(client))) => client,
            Err(_) => address,
        };
    crate::auth::ssr::reserve_attempt(&state, &email, address).await?;
    let stored: String = sqlx::query_scalar("SELECT password_hash FROM people WHERE id = $1")
        .bind(caller.id)
        .fetch_one(&state.pool)
        .await?;
    if !password::verify(current.to_owned(), Some(stored)).await? {
        return Err(AppError::invalid(
            "current_password",
            "That is not your current password.",
        ));
    }
    state.sign_in_limiter.succeeded(&email, address).await;
    let hash = password::hash(password).await?;
    let mut tx = begin_write().await?;
    sqlx::query("UPDATE people SET password_hash = $1 WHERE id = $2")
        .bind(&hash)
        .bind(caller.id)
        .execute(&mut *tx)
        .await?;
    let epoch = end_other_sessions(&mut tx, caller.id).await?;
    tx.commit().await?;
    let session = session().await?;
    after_sessions_ended(caller.id, epoch, Some(&session)).await?;
    tracing::info!(person = caller.id, "password changed; other sessions ended");
    Ok(())
}

#[tracing::instrument]
pub async fn create_password_reset(person_id: i64) -> Result<PasswordReset, AppError> {
    let caller = require_ambassador().await?;
    let token = new_token();
    let expires = OffsetDateTime::now_utc() + time::Duration::hours(RESET_HOURS);
    let mut tx = begin_write().await?;
    let name: Option<String> = sqlx::query_scalar("SELECT name FROM people WHERE id = $1")
        .bind(person_id)
        .fetch_optional(&mut *tx)
        .await?;
    let name = name.ok_or_else(|| AppError::NotFound("That person".into()))?;
    // One link at a time: a new one replaces any earlier, unused link.
    sqlx::query("DELETE FROM password_resets WHERE person_id = $1 AND used_at IS NULL")
        .bind(person_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO password_resets (token_hash, person_id, created_by, expires_at) \
         VALUES ($1, $2, $3, $4)",
    )
    .bind(digest(&token))
    .bind(person_id)
    .bind(caller.id)
    .bind(crate::sql::at(expires))
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    tracing::info!(
        person = person_id,
        by = caller.id,
        "password reset link made"
    );
    Ok(PasswordReset {
        path: format!("/reset/{token}"),
        person_name: name,
        expires: expires
            .format(format_description!("[year]-[month]-[day] [hour]:[minute]"))
            .map_err(internal)?,
    })
}

const EXPIRED: &str =
    "This link has expired or was already used. Ask your OKR ambassador for a new one.";

/// The person a working link belongs to: id and name.
async fn find_reset(db: &mut crate::sql::Conn, token: &str) -> Result<(i64, String), AppError> {
    let found: Option<(i64, String)> = sqlx::query_as(
        "SELECT r.person_id, p.name FROM password_resets r JOIN people p ON p.id = r.person_id \
         WHERE r.token_hash = $1 AND r.used_at IS NULL AND r.expires_at > $2 AND p.active = TRUE",
    )
    .bind(digest(token))
    .bind(crate::sql::at(OffsetDateTime::now_utc()))
    .fetch_optional(db)
    .await?;
    found.ok_or_else(|| AppError::Conflict(EXPIRED.into()))
}

pub async fn check_password_reset(token: &str) -> Result<String, AppError> {
    let pool = crate::state::pool()?;
    let mut db = pool.acquire().await?;
    find_reset(&mut db, token).await.map(|(_, name)| name)
}

#[tracing::instrument(skip_all)]
pub async fn reset_password(token: &str, new: &str, repeat: &str) -> Result<(), AppError> {
    let password = new_password(new, repeat)?;
    // Guessed tokens are wrong attempts from their address; the token is
    // looked at before the (slow, rationed) hashing, so a flood of bogus
    // links cannot hold up everyone's sign-in.
    let state = app_state()?;
    let address = client_address().await;
    crate::auth::ssr::reserve_attempt(&state, "password reset", address).await?;
    {
        let mut db = state.pool.acquire().await?;
        find_reset(&mut db, token).await?;
    }
    state
        .sign_in_limiter
        .succeeded("password reset", address)
        .await;
    let hash = password::hash(password).await?;
    let mut tx = begin_write().await?;
    let (person, _) = find_reset(&mut tx, token).await?;
    sqlx::query("UPDATE password_resets SET used_at = $1 WHERE token_hash = $2")
        .bind(crate::sql::at(OffsetDateTime::now_utc()))
        .bind(digest(token))
        .execute(&mut *tx)
        .await?;
    sqlx::query("UPDATE people SET password_hash = $1 WHERE id = $2")
        .bind(&hash)
        .bind(person)
        .execute(&mut *tx)
        .await?;
    let epoch = end_other_sessions(&mut tx, person).await?;
    tx.commit().await?;
    after_sessions_ended(person, epoch, None).await?;
    tracing::info!(
        person,
        "password set with a reset link; every session ended"
    );
    Ok(())
}

/// For `northstar admin set-password`: a new password for the account with
/// `email`, every session of it ended. Returns the person's id.
pub async fn set_password(
    pool: &crate::sql::Pool,
    email: &str,
    new: &str,
) -> Result<i64, AppError> {
    let password = validation::new_password(new).map_err(|m| AppError::invalid("password", m))?;
    let hash = password::hash_blocking(&password)?;
    let mut tx = crate::sql::write_tx(pool).await?;
    let person: Option<i64> = sqlx::query_scalar("SELECT id FROM people WHERE email = $1")
        .bind(email.trim().to_lowercase())
        .fetch_optional(&mut *tx)
        .await?;
    let person = person.ok_or_else(|| AppError::NotFound(format!("An account for {email}")))?;
    sqlx::query("UPDATE people SET password_hash = $1 WHERE id = $2")
        .bind(&hash)
        .bind(person)
        .execute(&mut *tx)
        .await?;
    end_other_sessions(&mut tx, person).await?;
    tx.commit().await?;
    Ok(person)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_sort_as_text_and_tokens_are_digested() {
        let earlier = OffsetDateTime::from_unix_timestamp(1_800_000_000).unwrap();
        let later = earlier + time::Duration::seconds(1);
        assert_eq!(crate::sql::at(earlier), "2027-01-15T08:00:00.000Z");
        assert!(crate::sql::at(earlier) < crate::sql::at(later));
        assert_eq!(digest("abc").len(), 64);
        assert_eq!(digest(" abc "), digest("abc"));
    }

    #[test]
    fn a_new_password_is_typed_twice() {
        assert!(new_password("long enough now", "long enough now").is_ok());
        assert_eq!(
            new_password("short", "short")
                .unwrap_err()
                .field_message("new_password"),
            Some("Use at least 10 characters.")
        );
        assert!(
            new_password("long enough now", "long enough no")
                .unwrap_err()
                .field_message("repeat_password")
                .is_some()
        );
    }
}
