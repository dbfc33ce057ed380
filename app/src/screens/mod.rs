//! Office screens: TVs that show the leaderboard without anyone signed in.
//! The ambassador creates one (name, rotation), sees its secret address
//! once, and can revoke it; `/screen/:token` shows the leaderboard and the
//! celebrations in turn, live, in large type on a dark background.

mod admin;
mod page;
#[cfg(feature = "ssr")]
pub mod ssr;

pub use admin::ScreensAdmin;
pub use page::ScreenPage;

use crate::error::AppError;
use crate::leaderboard::Leaderboard;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Fewest and most seconds between the leaderboard and the celebrations.
pub const ROTATE_SECONDS: std::ops::RangeInclusive<i64> = 5..=600;

/// An office screen as the administration lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Screen {
    pub id: i64,
    pub name: String,
    pub rotate_seconds: i64,
    /// When it was created / revoked / last connected (RFC 3339, UTC).
    pub created_at: String,
    pub revoked_at: Option<String>,
    pub last_connected_at: Option<String>,
}

/// A screen just created: the only time its token is shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedScreen {
    pub screen: Screen,
    /// The path to open on the TV: `/screen/<token>`.
    pub path: String,
}

/// What a screen shows when it loads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ScreenView {
    Live {
        name: String,
        rotate_seconds: i64,
        leaderboard: Box<Leaderboard>,
    },
    /// The token was revoked.
    Disconnected,
}

#[server(endpoint = "list_screens")]
pub async fn list_screens() -> Result<Vec<Screen>, AppError> {
    use crate::error::ssr::reply;
    ssr::list().await.map_err(reply)
}

#[server(endpoint = "create_screen")]
pub async fn create_screen(
    name: String,
    rotate_seconds: String,
) -> Result<CreatedScreen, AppError> {
    use crate::error::ssr::reply;
    ssr::create(&name, &rotate_seconds).await.map_err(reply)
}

#[server(endpoint = "revoke_screen")]
pub async fn revoke_screen(id: i64) -> Result<(), AppError> {
    use crate::error::ssr::reply;
    ssr::revoke(id).await.map_err(reply)
}

/// The screen behind `token`, with no sign-in: `NotFound` for a token that
/// never existed.
#[server(endpoint = "get_screen")]
pub async fn get_screen(token: String) -> Result<ScreenView, AppError> {
    use crate::error::ssr::reply;
    ssr::view(&token).await.map_err(reply)
}

/// Parses the rotation from a form field.
pub fn parse_rotation(raw: &str) -> Result<i64, AppError> {
    raw.trim()
        .parse::<i64>()
        .ok()
        .filter(|s| ROTATE_SECONDS.contains(s))
        .ok_or_else(|| {
            AppError::invalid(
                "rotate_seconds",
                format!(
                    "Use a whole number of seconds from {} to {}.",
                    ROTATE_SECONDS.start(),
                    ROTATE_SECONDS.end()
                ),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rotation_is_bounded() {
        assert_eq!(parse_rotation("20"), Ok(20));
        assert_eq!(parse_rotation(" 5 "), Ok(5));
        assert_eq!(parse_rotation("600"), Ok(600));
        for bad in ["", "4", "601", "ten", "2.5"] {
            assert!(parse_rotation(bad).is_err(), "{bad:?}");
        }
    }
}
