//! A person's own account: their name and password on the profile page,
//! and the one-time links with which the ambassador lets someone who has
//! forgotten their password set a new one. Changing or resetting a
//! password ends the person's other sessions (and closes their sockets).

mod page;
#[cfg(feature = "ssr")]
pub mod ssr;

pub use page::{ProfilePage, ResetPage};

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// How long a reset link works.
pub const RESET_HOURS: i64 = 24;

/// A reset link, shown once to the ambassador who made it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordReset {
    /// `/reset/<token>`: the only time the token leaves the server.
    pub path: String,
    pub person_name: String,
    /// When it stops working (UTC, `YYYY-MM-DD HH:MM`).
    pub expires: String,
}

/// Renames the signed-in person.
#[server(endpoint = "change_my_name")]
pub async fn change_my_name(name: String) -> Result<String, AppError> {
    use crate::error::ssr::reply;
    ssr::change_my_name(&name).await.map_err(reply)
}

/// Changes the signed-in person's password; the current one is required.
/// Every other session of theirs ends.
#[server(endpoint = "change_my_password")]
pub async fn change_my_password(
    current_password: String,
    new_password: String,
    repeat_password: String,
) -> Result<(), AppError> {
    use crate::error::ssr::reply;
    ssr::change_my_password(&current_password, &new_password, &repeat_password)
        .await
        .map_err(reply)
}

/// The ambassador makes a one-time link with which `person_id` sets a new
/// password within [`RESET_HOURS`] hours.
#[server(endpoint = "create_password_reset")]
pub async fn create_password_reset(person_id: i64) -> Result<PasswordReset, AppError> {
    use crate::error::ssr::reply;
    ssr::create_password_reset(person_id).await.map_err(reply)
}

/// Whose link `token` is, if it still works (for the reset page's greeting).
#[server(endpoint = "check_password_reset")]
pub async fn check_password_reset(token: String) -> Result<String, AppError> {
    use crate::error::ssr::reply;
    ssr::check_password_reset(&token).await.map_err(reply)
}

/// Sets a new password with a reset link; the link is used up and every
/// session of the person ends.
#[server(endpoint = "reset_password")]
pub async fn reset_password(
    token: String,
    new_password: String,
    repeat_password: String,
) -> Result<(), AppError> {
    use crate::error::ssr::reply;
    ssr::reset_password(&token, &new_password, &repeat_password)
        .await
        .map_err(reply)
}
