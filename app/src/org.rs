//! The organisation's tree of units as stored: read by every rights check
//! (sign-in's own included), so it belongs to no feature. The units feature
//! changes the tree; everyone reads it here.

use crate::domain::units::{Node, UnitTree};
use crate::error::AppError;

/// The whole tree, for paths, rights and moves.
pub async fn load_tree<'e, E: sqlx::Executor<'e, Database = crate::sql::Db>>(
    db: E,
) -> Result<UnitTree, AppError> {
    let rows: Vec<(i64, Option<i64>, String)> =
        sqlx::query_as("SELECT id, parent_id, name FROM units")
            .fetch_all(db)
            .await?;
    Ok(UnitTree::new(rows.into_iter().map(
        |(id, parent_id, name)| Node {
            id,
            parent_id,
            name,
        },
    )))
}
