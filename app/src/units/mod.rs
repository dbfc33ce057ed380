//! The organisation's units: departments containing teams, any depth.
//! Everyone signed in sees them; only the ambassador changes them.

mod page;
#[cfg(feature = "ssr")]
pub mod ssr;

pub use page::UnitsAdmin;

use crate::domain::units::{Node, UnitTree};
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One unit with what the administration needs to know about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct Unit {
    pub id: i64,
    pub name: String,
    pub parent_id: Option<i64>,
    /// People who belong to this unit directly.
    pub member_count: i64,
}

/// The tree over a list of units.
pub fn tree_of(units: &[Unit]) -> UnitTree {
    UnitTree::new(units.iter().map(|u| Node {
        id: u.id,
        parent_id: u.parent_id,
        name: u.name.clone(),
    }))
}

/// Every unit of the organisation.
#[server(endpoint = "list_units")]
pub async fn list_units() -> Result<Vec<Unit>, AppError> {
    use crate::error::ssr::reply;
    ssr::list_units().await.map_err(reply)
}

/// Creates a unit at the top level (`parent_id` empty) or under another unit.
#[server(endpoint = "create_unit")]
pub async fn create_unit(name: String, parent_id: String) -> Result<Unit, AppError> {
    use crate::error::ssr::reply;
    ssr::create_unit(&name, &parent_id).await.map_err(reply)
}

#[server(endpoint = "rename_unit")]
pub async fn rename_unit(unit_id: i64, name: String) -> Result<(), AppError> {
    use crate::error::ssr::reply;
    ssr::rename_unit(unit_id, &name).await.map_err(reply)
}

/// Moves a unit (with everything below it) under another unit, or to the top (`parent_id` empty).
#[server(endpoint = "move_unit")]
pub async fn move_unit(unit_id: i64, parent_id: String) -> Result<(), AppError> {
    use crate::error::ssr::reply;
    ssr::move_unit(unit_id, &parent_id).await.map_err(reply)
}

/// Deletes a unit that has no sub-units and no members.
#[server(endpoint = "delete_unit")]
pub async fn delete_unit(unit_id: i64) -> Result<(), AppError> {
    use crate::error::ssr::reply;
    ssr::delete_unit(unit_id).await.map_err(reply)
}

/// Reads an optional unit id from a form field where empty means "none".
pub fn parse_optional_id(field: &str, raw: &str) -> Result<Option<i64>, AppError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    raw.parse()
        .map(Some)
        .map_err(|_| AppError::invalid(field, "Choose a unit from the list."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn optional_ids_from_forms() {
        assert_eq!(parse_optional_id("parent_id", ""), Ok(None));
        assert_eq!(parse_optional_id("parent_id", " 7 "), Ok(Some(7)));
        assert!(
            parse_optional_id("parent_id", "seven")
                .unwrap_err()
                .field_message("parent_id")
                .is_some()
        );
    }
}
