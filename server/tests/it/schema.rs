//! The PostgreSQL migrations against the SQLite ones: both run from empty,
//! then each database is asked what it holds (tables, columns with their
//! types, nullability and defaults, primary keys, unique and plain indexes,
//! foreign keys), and the two answers must be the same, so that one set of
//! queries runs on both. Check constraints and triggers are not compared:
//! neither database says enough about them without parsing SQL.

mod introspect;

use crate::common::postgres;
use introspect::{postgres_schema, sqlite_schema};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{PgPool, SqlitePool};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// SQLite INTEGER columns that hold 0/1 flags and are BOOLEAN in
/// PostgreSQL. A query that compares one of them with 0 or 1 must compare
/// with a bound bool (or true/false) to run on both.
const BOOLEANS: &[(&str, &str)] = &[
    ("people", "active"),
    ("key_results", "source_identified"),
    ("key_results", "baseline_known"),
    ("key_results", "data_owner"),
    ("key_results", "update_frequency"),
    ("key_results", "reliable"),
    ("closing_notes", "achieved"),
    ("cycles", "plan_started"),
];

/// PostgreSQL's stand-in for SQLite's `lessons_fts` (an FTS5 table and its
/// shadow tables): a generated tsvector on the notes, with a GIN index.
/// Left out of the comparison, and compared with the FTS5 table by
/// [`lessons_search_weighs_the_columns_as_fts5_does`].
const SEARCH: (&str, &str) = ("closing_notes", "search");

/// The weight of each class of the search column in the search's ranking,
/// `ts_rank('{0, 0.25, 0.5, 1}', …)` (the array lists D, C, B, A).
const RANK_WEIGHTS: [(char, f64); 4] = [('A', 1.0), ('B', 0.5), ('C', 0.25), ('D', 0.0)];

/// What the server binds as "now", and the defaults that write it (on
/// PostgreSQL the clock when the row is written, as SQLite's `'now'`, not
/// `now()`: the start of a transaction that may then wait for the write lock).
const SQLITE_NOW: &str = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";
const POSTGRES_NOW: &str =
    "to_char((clock_timestamp() AT TIME ZONE 'UTC'), 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')";
/// Either, as the comparison names it.
const NOW: &str = "now as YYYY-MM-DDTHH:MM:SS.mmmZ";

#[derive(Debug, Clone, PartialEq)]
struct Column {
    /// integer, real, text, blob or boolean; anything else as the database names it.
    kind: String,
    not_null: bool,
    default: Option<String>,
    /// Numbered by the database when an insert leaves it out (SQLite's
    /// INTEGER PRIMARY KEY, PostgreSQL's identity).
    generated_id: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Index {
    /// Columns or expressions, each with its collation unless binary.
    keys: Vec<String>,
    /// A partial index's condition.
    predicate: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct ForeignKey {
    columns: Vec<String>,
    table: String,
    references: Vec<String>,
    on_delete: String,
    on_update: String,
}

#[derive(Debug, Default)]
struct Table {
    columns: BTreeMap<String, Column>,
    primary_key: Vec<String>,
    unique: BTreeSet<Index>,
    indexes: BTreeSet<Index>,
    foreign_keys: BTreeSet<ForeignKey>,
}

type Schema = BTreeMap<String, Table>;

impl fmt::Display for Column {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.kind)?;
        if self.not_null {
            write!(f, " NOT NULL")?;
        }
        if let Some(default) = &self.default {
            write!(f, " DEFAULT {default}")?;
        }
        if self.generated_id {
            write!(f, " (generated id)")?;
        }
        Ok(())
    }
}

impl fmt::Display for Index {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "({})", self.keys.join(", "))?;
        if let Some(predicate) = &self.predicate {
            write!(f, " WHERE {predicate}")?;
        }
        Ok(())
    }
}

impl fmt::Display for ForeignKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "({}) → {} ({}) ON DELETE {} ON UPDATE {}",
            self.columns.join(", "),
            self.table,
            self.references.join(", "),
            self.on_delete,
            self.on_update
        )
    }
}

/// Both databases, migrated from empty.
async fn migrated(dir: &tempfile::TempDir) -> (SqlitePool, PgPool) {
    let sqlite = SqlitePool::connect_with(
        SqliteConnectOptions::new()
            .filename(dir.path().join("schema.db"))
            .create_if_missing(true),
    )
    .await
    .unwrap();
    sqlx::migrate!("../migrations/sqlite")
        .run(&sqlite)
        .await
        .unwrap();
    let postgres = sqlx::postgres::PgPoolOptions::new()
        .max_connections(2)
        .connect(&postgres::database().await)
        .await
        .unwrap();
    sqlx::migrate!("../migrations/postgres")
        .run(&postgres)
        .await
        .unwrap();
    (sqlite, postgres)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_migrations_make_the_schema_of_the_sqlite_ones() {
    let dir = tempfile::tempdir().unwrap();
    let (sqlite, postgres) = migrated(&dir).await;
    let sqlite = sqlite_schema(&sqlite).await;
    let mut postgres = postgres_schema(&postgres).await;
    let notes = postgres
        .get_mut(SEARCH.0)
        .expect("PostgreSQL has the notes");
    assert!(
        notes.columns.remove(SEARCH.1).is_some(),
        "PostgreSQL's notes have their search column"
    );
    let search_index = Index {
        keys: vec![SEARCH.1.to_owned()],
        predicate: None,
    };
    assert!(
        notes.indexes.remove(&search_index),
        "the search column is indexed"
    );

    let differences = differences(&sqlite, &postgres);
    assert!(
        differences.is_empty(),
        "the PostgreSQL migrations (migrations/postgres) make another schema than the SQLite ones \
         (migrations/sqlite):\n  {}",
        differences.join("\n  ")
    );
}

/// Each line a difference, in words.
fn differences(sqlite: &Schema, postgres: &Schema) -> Vec<String> {
    let mut lines = Vec::new();
    let names: BTreeSet<&String> = sqlite.keys().chain(postgres.keys()).collect();
    for name in names {
        let (s, p) = match (sqlite.get(name), postgres.get(name)) {
            (Some(s), Some(p)) => (s, p),
            (Some(_), None) => {
                lines.push(format!("table {name}: only in SQLite"));
                continue;
            }
            (None, _) => {
                lines.push(format!("table {name}: only in PostgreSQL"));
                continue;
            }
        };
        let columns: BTreeSet<&String> = s.columns.keys().chain(p.columns.keys()).collect();
        for column in columns {
            match (s.columns.get(column), p.columns.get(column)) {
                (Some(a), Some(b)) if a == b => {}
                (Some(a), Some(b)) => {
                    lines.push(format!("{name}.{column}: SQLite {a}, PostgreSQL {b}"))
                }
                (Some(a), None) => lines.push(format!("{name}.{column}: only in SQLite ({a})")),
                (None, Some(b)) => {
                    lines.push(format!("{name}.{column}: only in PostgreSQL ({b})"));
                }
                (None, None) => {}
            }
        }
        if s.primary_key != p.primary_key {
            lines.push(format!(
                "{name}: primary key ({}) in SQLite, ({}) in PostgreSQL",
                s.primary_key.join(", "),
                p.primary_key.join(", ")
            ));
        }
        one_sided(&mut lines, name, "unique index", &s.unique, &p.unique);
        one_sided(&mut lines, name, "index", &s.indexes, &p.indexes);
        one_sided(
            &mut lines,
            name,
            "foreign key",
            &s.foreign_keys,
            &p.foreign_keys,
        );
    }
    lines
}

fn one_sided<T: Ord + fmt::Display>(
    lines: &mut Vec<String>,
    table: &str,
    what: &str,
    sqlite: &BTreeSet<T>,
    postgres: &BTreeSet<T>,
) {
    for only in sqlite.difference(postgres) {
        lines.push(format!("{table}: {what} {only} only in SQLite"));
    }
    for only in postgres.difference(sqlite) {
        lines.push(format!("{table}: {what} {only} only in PostgreSQL"));
    }
}

/// The lessons search weighs the same columns of the notes as FTS5 does,
/// in the same proportions (FTS5: the bm25 weights of the migration;
/// PostgreSQL: the search column's weight classes, ranked by [`RANK_WEIGHTS`]).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lessons_search_weighs_the_columns_as_fts5_does() {
    let dir = tempfile::tempdir().unwrap();
    let (sqlite, postgres) = migrated(&dir).await;
    let indexed: Vec<String> =
        sqlx::query_scalar("SELECT name FROM pragma_table_info('lessons_fts') ORDER BY cid")
            .fetch_all(&sqlite)
            .await
            .unwrap();
    let rank: String = sqlx::query_scalar("SELECT v FROM lessons_fts_config WHERE k = 'rank'")
        .fetch_one(&sqlite)
        .await
        .unwrap();
    let bm25: Vec<f64> = rank
        .trim_start_matches("bm25(")
        .trim_end_matches(')')
        .split(',')
        .map(|weight| weight.trim().parse().unwrap())
        .collect();
    assert_eq!(
        bm25.len(),
        indexed.len(),
        "a bm25 weight per column: {rank}"
    );
    let heaviest = bm25.iter().copied().fold(0.0, f64::max);
    let expected: BTreeMap<String, f64> = indexed
        .into_iter()
        .zip(bm25.iter().map(|weight| weight / heaviest))
        .collect();

    let generated: String = sqlx::query_scalar(
        "SELECT generation_expression::text FROM information_schema.columns \
         WHERE table_name = $1 AND column_name = $2",
    )
    .bind(SEARCH.0)
    .bind(SEARCH.1)
    .fetch_one(&postgres)
    .await
    .unwrap();
    // setweight(lesson_words(title), 'A'::"char") || setweight(…(facets…), 'D'::"char")
    let weighed: BTreeMap<String, f64> = generated
        .split("setweight(")
        .skip(1)
        .map(|part| {
            let column = part
                .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .find(|word| expected.contains_key(*word))
                .unwrap_or_else(|| panic!("no column of lessons_fts in {part}"));
            let class = part
                .split_once("'::\"char\"")
                .and_then(|(before, _)| before.chars().last())
                .unwrap_or_else(|| panic!("no weight class in {part}"));
            let (_, weight) = RANK_WEIGHTS
                .iter()
                .find(|(letter, _)| *letter == class)
                .unwrap_or_else(|| panic!("weight class {class}"));
            (column.to_owned(), *weight)
        })
        .collect();
    assert_eq!(weighed, expected, "weights relative to the heaviest column");
}

/// The type a column's declared type gives it in SQLite (its affinity).
fn sqlite_kind(declared: &str) -> &'static str {
    let declared = declared.to_ascii_uppercase();
    if declared.contains("INT") {
        "integer"
    } else if ["CHAR", "CLOB", "TEXT"]
        .iter()
        .any(|t| declared.contains(t))
    {
        "text"
    } else if declared.is_empty() || declared.contains("BLOB") {
        "blob"
    } else if ["REAL", "FLOA", "DOUB"]
        .iter()
        .any(|t| declared.contains(t))
    {
        "real"
    } else if declared == "BOOLEAN" {
        "boolean"
    } else {
        "numeric"
    }
}

fn postgres_kind(data_type: &str) -> String {
    match data_type {
        "bigint" => "integer".to_owned(),
        "double precision" => "real".to_owned(),
        "text" => "text".to_owned(),
        "bytea" => "blob".to_owned(),
        "boolean" => "boolean".to_owned(),
        // int4, float4, varchar…: not what the app decodes.
        other => format!("{other} (PostgreSQL)"),
    }
}

/// A default, an index expression or condition as either database writes
/// it, in one spelling: PostgreSQL's casts gone, lower case, single spaces,
/// no parentheses around the whole, [`NOW`] for the server's timestamp form.
fn normalised(sql: &str) -> String {
    if sql == SQLITE_NOW {
        return NOW.to_owned();
    }
    let mut text = String::new();
    let mut rest = sql;
    while let Some(at) = rest.find("::") {
        text.push_str(&rest[..at]);
        rest =
            rest[at + 2..].trim_start_matches(|c: char| c.is_alphanumeric() || "_\"".contains(c));
    }
    text.push_str(rest);
    if text == POSTGRES_NOW {
        return NOW.to_owned();
    }
    let mut text = text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    while text.starts_with('(') && text.ends_with(')') && wrapped(&text) {
        text = text[1..text.len() - 1].to_owned();
    }
    match text.as_str() {
        "true" => "1".to_owned(),
        "false" => "0".to_owned(),
        _ => text.trim_matches('"').to_owned(),
    }
}

/// Whether the first parenthesis closes at the very end.
fn wrapped(text: &str) -> bool {
    let mut depth = 0;
    for (at, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            _ => {}
        }
        if depth == 0 {
            return at == text.len() - 1;
        }
    }
    false
}

/// An index key with its collation, unless it compares bytes.
fn key(column: String, collation: &str) -> String {
    match collation.to_ascii_lowercase().as_str() {
        "" | "binary" | "default" | "c" | "posix" => column,
        other => format!("{column} COLLATE {other}"),
    }
}

/// The keys and condition of a SQLite index from its CREATE INDEX, for the
/// keys that are expressions (SQLite names only the column keys).
fn sqlite_index_sql(sql: &str) -> (Vec<String>, Option<String>) {
    let open = sql.find('(').expect("an index lists its keys");
    let mut depth = 0;
    let mut keys = Vec::new();
    let mut start = open + 1;
    for (at, c) in sql.char_indices().skip_while(|(at, _)| *at <= open) {
        match c {
            '(' => depth += 1,
            ')' if depth == 0 => {
                keys.push(sql[start..at].trim().to_owned());
                let rest = sql[at + 1..].trim();
                let predicate = rest
                    .get(..5)
                    .filter(|word| word.eq_ignore_ascii_case("WHERE"))
                    .map(|_| normalised(rest[5..].trim()));
                return (keys, predicate);
            }
            ')' => depth -= 1,
            ',' if depth == 0 => {
                keys.push(sql[start..at].trim().to_owned());
                start = at + 1;
            }
            _ => {}
        }
    }
    panic!("unbalanced index: {sql}")
}
