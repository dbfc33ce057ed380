//! The export: every table read in one read transaction (one moment of the
//! database), rows sorted by key in Rust, so the order is byte order on
//! both engines whatever PostgreSQL's collation.

use super::Document;
use super::rows::Table;
use app::sql::{Conn, Pool};

/// The organisation in `pool`, password hashes only `with_passwords`.
pub async fn export(pool: &Pool, with_passwords: bool) -> Result<Document, sqlx::Error> {
    let mut tx = app::sql::read_tx(pool).await?;
    let mut document = Document::read_all(&mut tx).await?;
    tx.commit().await?;
    if !with_passwords {
        for person in &mut document.people {
            person.password_hash = None;
        }
    }
    Ok(document)
}

/// Every row of `T`'s table, in the document's order.
pub(super) async fn rows<T: Table>(db: &mut Conn) -> Result<Vec<T>, sqlx::Error> {
    let sql = format!("SELECT {} FROM {}", T::COLUMNS.join(", "), T::NAME);
    let mut rows: Vec<T> = sqlx::query_as(&sql).fetch_all(&mut *db).await?;
    rows.sort_by(T::order);
    Ok(rows)
}
