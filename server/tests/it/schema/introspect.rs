//! What each database says it holds, in the shape [`super::Schema`]
//! compares: SQLite's pragmas, PostgreSQL's catalogs.

use super::{BOOLEANS, Column, ForeignKey, Index, Schema, Table};
use super::{key, normalised, postgres_kind, sqlite_index_sql, sqlite_kind};
use sqlx::{PgPool, SqlitePool};

/// Tables, not the FTS5 table or its shadow tables, nor sqlx's own.
const SQLITE_TABLES: &str = "SELECT name, wr FROM pragma_table_list \
     WHERE schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite_%' \
     AND name <> '_sqlx_migrations' ORDER BY name";

pub(super) async fn sqlite_schema(pool: &SqlitePool) -> Schema {
    let tables: Vec<(String, bool)> = sqlx::query_as(SQLITE_TABLES).fetch_all(pool).await.unwrap();
    let mut schema = Schema::new();
    for (name, without_rowid) in tables {
        let mut table = Table::default();
        let columns: Vec<(String, String, bool, Option<String>, i64)> = sqlx::query_as(
            "SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info($1) ORDER BY cid",
        )
        .bind(&name)
        .fetch_all(pool)
        .await
        .unwrap();
        let mut key_columns: Vec<(i64, String)> = columns
            .iter()
            .filter(|(.., pk)| *pk > 0)
            .map(|(column, .., pk)| (*pk, column.clone()))
            .collect();
        key_columns.sort();
        // A rowid table's one INTEGER PRIMARY KEY is the rowid: numbered by SQLite.
        let rowid_key = !without_rowid && key_columns.len() == 1;
        for (column, declared, not_null, default, pk) in columns {
            let mut kind = sqlite_kind(&declared).to_owned();
            if kind == "integer" && BOOLEANS.contains(&(name.as_str(), column.as_str())) {
                kind = "boolean".to_owned();
            }
            let generated_id = rowid_key && pk > 0 && declared.eq_ignore_ascii_case("INTEGER");
            let column_shape = Column {
                kind,
                // A key column holds no NULL: SQLite would let a TEXT key be
                // NULL (an old quirk), which the app never writes.
                not_null: not_null || pk > 0,
                default: default.as_deref().map(normalised),
                generated_id,
            };
            table.columns.insert(column, column_shape);
        }
        table.primary_key = key_columns.into_iter().map(|(_, column)| column).collect();
        sqlite_indexes(pool, &name, &mut table).await;
        sqlite_foreign_keys(pool, &name, &mut table).await;
        schema.insert(name, table);
    }
    schema
}

async fn sqlite_indexes(pool: &SqlitePool, table_name: &str, table: &mut Table) {
    let indexes: Vec<(String, bool, String)> =
        sqlx::query_as("SELECT name, \"unique\", origin FROM pragma_index_list($1)")
            .bind(table_name)
            .fetch_all(pool)
            .await
            .unwrap();
    for (index, unique, origin) in indexes {
        if origin == "pk" {
            continue; // compared as the primary key
        }
        let keys: Vec<(Option<String>, Option<String>)> = sqlx::query_as(
            "SELECT name, coll FROM pragma_index_xinfo($1) WHERE key = 1 ORDER BY seqno",
        )
        .bind(&index)
        .fetch_all(pool)
        .await
        .unwrap();
        let sql: Option<String> =
            sqlx::query_scalar("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = $1")
                .bind(&index)
                .fetch_optional(pool)
                .await
                .unwrap()
                .flatten();
        let (written, predicate) = sql.as_deref().map(sqlite_index_sql).unwrap_or_default();
        let keys = keys
            .into_iter()
            .enumerate()
            .map(|(at, (column, collation))| {
                // An expression has no name: take it as the index writes it.
                let column = column.unwrap_or_else(|| expression(&written[at]));
                key(column, collation.as_deref().unwrap_or_default())
            })
            .collect();
        let shape = Index { keys, predicate };
        if unique {
            table.unique.insert(shape);
        } else {
            table.indexes.insert(shape);
        }
    }
}

/// An expression key without its collation (told apart) and order.
fn expression(written: &str) -> String {
    let mut words: Vec<&str> = written.split_whitespace().collect();
    if words
        .last()
        .is_some_and(|w| w.eq_ignore_ascii_case("ASC") || w.eq_ignore_ascii_case("DESC"))
    {
        words.pop();
    }
    if words.len() >= 2 && words[words.len() - 2].eq_ignore_ascii_case("COLLATE") {
        words.truncate(words.len() - 2);
    }
    normalised(&words.join(" "))
}

async fn sqlite_foreign_keys(pool: &SqlitePool, table_name: &str, table: &mut Table) {
    let rows: Vec<(i64, String, String, Option<String>, String, String)> = sqlx::query_as(
        "SELECT id, \"table\", \"from\", \"to\", on_delete, on_update \
         FROM pragma_foreign_key_list($1) ORDER BY id, seq",
    )
    .bind(table_name)
    .fetch_all(pool)
    .await
    .unwrap();
    let mut current: Option<(i64, ForeignKey)> = None;
    for (id, target, from, to, on_delete, on_update) in rows {
        if current.as_ref().is_none_or(|(at, _)| *at != id) {
            if let Some((_, done)) = current.take() {
                table.foreign_keys.insert(done);
            }
            current = Some((
                id,
                ForeignKey {
                    columns: Vec::new(),
                    table: target.clone(),
                    references: Vec::new(),
                    on_delete,
                    on_update,
                },
            ));
        }
        if let Some((_, key)) = current.as_mut() {
            key.columns.push(from);
            // No column named: the referenced table's primary key.
            key.references
                .push(to.unwrap_or_else(|| format!("primary key of {target}")));
        }
    }
    if let Some((_, done)) = current {
        table.foreign_keys.insert(done);
    }
}

const POSTGRES_TABLES: &str = "SELECT table_name::text FROM information_schema.tables \
     WHERE table_schema = 'public' AND table_type = 'BASE TABLE' \
     AND table_name <> '_sqlx_migrations' ORDER BY 1";

const POSTGRES_COLUMNS: &str = "SELECT column_name::text, data_type::text, is_nullable::text, \
     column_default::text, is_identity::text FROM information_schema.columns \
     WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position";

/// Each index: primary, unique, keys (as CREATE INDEX would write them),
/// their collations, the condition of a partial index.
const POSTGRES_INDEXES: &str = "SELECT i.indisprimary, i.indisunique, \
       ARRAY(SELECT pg_get_indexdef(i.indexrelid, k, true) \
             FROM generate_series(1, i.indnkeyatts::int) AS k ORDER BY k), \
       ARRAY(SELECT coalesce(c.collname::text, '') FROM generate_series(1, i.indnkeyatts::int) AS k \
             LEFT JOIN pg_collation c ON c.oid = i.indcollation[k - 1] ORDER BY k), \
       pg_get_expr(i.indpred, i.indrelid) \
     FROM pg_index i WHERE i.indrelid = $1::regclass";

const POSTGRES_FOREIGN_KEYS: &str = "SELECT \
       ARRAY(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY AS k(num, pos) \
             JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.num ORDER BY k.pos), \
       c.confrelid::regclass::text, \
       ARRAY(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY AS k(num, pos) \
             JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.num ORDER BY k.pos), \
       (CASE c.confdeltype WHEN 'a' THEN 'NO ACTION' WHEN 'r' THEN 'RESTRICT' WHEN 'c' THEN 'CASCADE' \
        WHEN 'n' THEN 'SET NULL' ELSE 'SET DEFAULT' END), \
       (CASE c.confupdtype WHEN 'a' THEN 'NO ACTION' WHEN 'r' THEN 'RESTRICT' WHEN 'c' THEN 'CASCADE' \
        WHEN 'n' THEN 'SET NULL' ELSE 'SET DEFAULT' END) \
     FROM pg_constraint c WHERE c.contype = 'f' AND c.conrelid = $1::regclass";

/// Primary, unique, keys, collations, condition.
type IndexRow = (bool, bool, Vec<String>, Vec<String>, Option<String>);
/// Columns, referenced table, referenced columns, on delete, on update.
type ForeignKeyRow = (Vec<String>, String, Vec<String>, String, String);

pub(super) async fn postgres_schema(pool: &PgPool) -> Schema {
    let tables: Vec<String> = sqlx::query_scalar(POSTGRES_TABLES)
        .fetch_all(pool)
        .await
        .unwrap();
    let mut schema = Schema::new();
    for name in tables {
        let mut table = Table::default();
        let columns: Vec<(String, String, String, Option<String>, String)> =
            sqlx::query_as(POSTGRES_COLUMNS)
                .bind(&name)
                .fetch_all(pool)
                .await
                .unwrap();
        for (column, data_type, nullable, default, identity) in columns {
            let column_shape = Column {
                kind: postgres_kind(&data_type),
                not_null: nullable == "NO",
                default: default.as_deref().map(normalised),
                generated_id: identity == "YES",
            };
            table.columns.insert(column, column_shape);
        }
        let indexes: Vec<IndexRow> = sqlx::query_as(POSTGRES_INDEXES)
            .bind(&name)
            .fetch_all(pool)
            .await
            .unwrap();
        for (primary, unique, keys, collations, predicate) in indexes {
            if primary {
                table.primary_key = keys.iter().map(|k| normalised(k)).collect();
                continue;
            }
            let keys = keys
                .iter()
                .zip(&collations)
                .map(|(k, collation)| key(normalised(k), collation))
                .collect();
            let shape = Index {
                keys,
                predicate: predicate.as_deref().map(normalised),
            };
            if unique {
                table.unique.insert(shape);
            } else {
                table.indexes.insert(shape);
            }
        }
        let foreign_keys: Vec<ForeignKeyRow> = sqlx::query_as(POSTGRES_FOREIGN_KEYS)
            .bind(&name)
            .fetch_all(pool)
            .await
            .unwrap();
        for (columns, target, references, on_delete, on_update) in foreign_keys {
            table.foreign_keys.insert(ForeignKey {
                columns,
                table: target,
                references,
                on_delete,
                on_update,
            });
        }
        schema.insert(name, table);
    }
    schema
}
