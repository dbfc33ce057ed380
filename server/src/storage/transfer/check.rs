//! How a document is checked before anything is written: a [`Report`] of
//! every problem with its path, a [`Record`] of checks per row (lengths,
//! choices, ranges, dates, references), and [`rules`], which runs the
//! rules of the organisation's tables (`check_organisation`) and of the
//! OKRs (`check_okrs`).

use super::rows::Table;
use super::{Document, ImportError, check_okrs, check_organisation};
use serde_json::Value;
use std::borrow::Borrow;
use std::collections::{HashMap, HashSet};
use std::fmt::{Debug, Display};
use std::hash::Hash;

/// What a check found, and where each checked row stood in the document.
#[derive(Default)]
pub struct Report {
    problems: Vec<String>,
    /// Per table, the index in the document of each row read (records that
    /// did not fit their type are missing from the rows).
    positions: HashMap<&'static str, Vec<usize>>,
    /// Per table, the records that did not fit their type, so a reference
    /// to one of them is not reported a second time.
    unreadable: HashMap<&'static str, Vec<Value>>,
}

impl Report {
    pub fn problem(&mut self, path: String, message: String) {
        self.problems.push(format!("{path}: {message}"));
    }

    pub fn unreadable(&mut self, table: &'static str, item: &Value) {
        self.unreadable.entry(table).or_default().push(item.clone());
    }

    pub fn positions(&mut self, table: &'static str, positions: Vec<usize>) {
        self.positions.insert(table, positions);
    }

    /// `value` when nothing was found, otherwise every problem.
    pub fn into_result<T>(self, value: T) -> Result<T, ImportError> {
        if self.problems.is_empty() {
            Ok(value)
        } else {
            Err(ImportError::Invalid(self.problems))
        }
    }

    /// The path of the `index`th row read of `table`: its place in the document.
    fn path(&self, table: &'static str, index: usize) -> String {
        let at = self
            .positions
            .get(table)
            .and_then(|positions| positions.get(index))
            .copied()
            .unwrap_or(index);
        format!("{table}[{at}]")
    }

    /// Runs `check` on every row of `T`'s table, each with its path.
    pub fn each<T: Table>(
        &mut self,
        rows: &[T],
        known: &Known,
        check: impl Fn(&mut Record<'_>, &T),
    ) {
        for (index, row) in rows.iter().enumerate() {
            let path = self.path(T::NAME, index);
            check(
                &mut Record {
                    report: self,
                    known,
                    path,
                },
                row,
            );
        }
    }

    fn fail_at<T: Table>(&mut self, index: usize, field: &str, message: impl Display) {
        let path = self.path(T::NAME, index);
        self.problem(format!("{path}.{field}"), message.to_string());
    }

    /// The keys of `T`'s rows (`key` of each), with those of its unreadable
    /// records (their `field`), to check references against.
    pub fn keys<T: Table, K>(&self, rows: &[T], field: &str, key: impl Fn(&T) -> K) -> Keys<K>
    where
        K: Hash + Eq + serde::de::DeserializeOwned,
    {
        let unreadable = self.unreadable.get(T::NAME).into_iter().flatten();
        let set = rows
            .iter()
            .map(key)
            .chain(
                unreadable.filter_map(|item| serde_json::from_value(item.get(field)?.clone()).ok()),
            )
            .collect();
        Keys { set }
    }

    /// Reports every row of `T`'s table whose key (`label`: its columns)
    /// an earlier row already has.
    pub fn unique<T: Table, K: Hash + Eq + Debug>(
        &mut self,
        rows: &[T],
        label: &str,
        key: impl Fn(&T) -> K,
    ) {
        self.unique_set(rows, label, |row| Some(key(row)));
    }

    /// The same for a key that may be unset (a partial unique index):
    /// only set keys count.
    pub fn unique_set<T: Table, K: Hash + Eq + Debug>(
        &mut self,
        rows: &[T],
        label: &str,
        key: impl Fn(&T) -> Option<K>,
    ) {
        let mut seen = HashMap::new();
        for (index, row) in rows.iter().enumerate() {
            let Some(key) = key(row) else { continue };
            if let Some(&first) = seen.get(&key) {
                let first = self.path(T::NAME, first);
                let message = format!("{key:?} again, as in {first}");
                if label.contains(',') {
                    let path = self.path(T::NAME, index);
                    self.problem(path, format!("({label}) {message}"));
                } else {
                    self.fail_at::<T>(index, label, message);
                }
            } else {
                seen.insert(key, index);
            }
        }
    }

    /// Reports every row of `T`'s table that is its own ancestor through
    /// `parent` (`field`), which no order of inserts could satisfy.
    pub fn circles<T: Table, K: Hash + Eq + Clone + Debug>(
        &mut self,
        rows: &[T],
        field: &str,
        link: impl Fn(&T) -> (K, Option<K>),
    ) {
        let parents: HashMap<K, Option<K>> = rows.iter().map(&link).collect();
        for (index, row) in rows.iter().enumerate() {
            let (start, mut next) = link(row);
            for _ in 0..parents.len() {
                match next {
                    Some(at) if at == start => {
                        self.fail_at::<T>(
                            index,
                            field,
                            format!("{start:?} would be its own ancestor"),
                        );
                        break;
                    }
                    Some(at) => next = parents.get(&at).cloned().flatten(),
                    None => break,
                }
            }
        }
    }
}

/// Keys a reference may name.
pub struct Keys<K> {
    set: HashSet<K>,
}

impl<K: Hash + Eq> Keys<K> {
    pub fn has<Q: Hash + Eq + ?Sized>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
    {
        self.set.contains(key)
    }
}

/// What a reference names.
pub enum To<'a> {
    Unit(i64),
    Person(i64),
    Cycle(i64),
    Kpi(i64),
    Token(i64),
    Objective(&'a str),
    KeyResult(&'a str),
    Note(i64),
}

/// The checks of one row, reporting under its path.
pub struct Record<'a> {
    report: &'a mut Report,
    known: &'a Known,
    path: String,
}

impl Record<'_> {
    pub fn fail(&mut self, field: &str, message: impl Display) {
        self.report
            .problems
            .push(format!("{}.{field}: {message}", self.path));
    }

    /// Between `min` and `max` characters, as the database's `length()` counts.
    pub fn text(&mut self, field: &str, value: &str, min: usize, max: usize) {
        let length = value.chars().count();
        if length == 0 && min > 0 {
            self.fail(field, "empty");
        } else if length < min {
            self.fail(field, format!("at least {min} characters, not {length}"));
        } else if length > max {
            self.fail(field, format!("at most {max} characters, not {length}"));
        }
    }

    pub fn choice(&mut self, field: &str, value: &str, allowed: &[&str]) {
        if !allowed.contains(&value) {
            self.fail(
                field,
                format!("“{value}” is not one of {}", allowed.join(", ")),
            );
        }
    }

    pub fn at_least(&mut self, field: &str, value: i64, min: i64) {
        if value < min {
            self.fail(field, format!("{value} is below {min}"));
        }
    }

    pub fn between(&mut self, field: &str, value: i64, min: i64, max: i64) {
        if !(min..=max).contains(&value) {
            self.fail(field, format!("{value} is not between {min} and {max}"));
        }
    }

    /// An id chosen by the client (a UUID, or a KPI check-in's name).
    pub fn text_id(&mut self, value: &str) {
        if value.is_empty() {
            self.fail("id", "empty");
        }
    }

    /// An id the database numbers (PostgreSQL's sequences start at 1).
    pub fn id(&mut self, value: i64) {
        if value < 1 {
            self.fail("id", format!("{value}: ids start at 1"));
        }
    }

    pub fn finite(&mut self, field: &str, value: f64) {
        if !value.is_finite() {
            self.fail(field, format!("{value} is not a number"));
        }
    }

    /// A calendar day, `YYYY-MM-DD`.
    pub fn date(&mut self, field: &str, value: &str) {
        let day = time::macros::format_description!("[year]-[month]-[day]");
        if time::Date::parse(value, day).is_err() {
            self.fail(field, format!("“{value}” is not a date (YYYY-MM-DD)"));
        }
    }

    /// A moment, as stored: RFC 3339 in UTC (`2026-12-01T09:05:07.123Z`).
    pub fn moment(&mut self, field: &str, value: &str) {
        let rfc3339 = time::format_description::well_known::Rfc3339;
        if time::OffsetDateTime::parse(value, &rfc3339).is_err() {
            self.fail(
                field,
                format!("“{value}” is not a moment (YYYY-MM-DDTHH:MM:SS.mmmZ)"),
            );
        }
    }

    pub fn maybe_moment(&mut self, field: &str, value: Option<&String>) {
        if let Some(value) = value {
            self.moment(field, value);
        }
    }

    /// `field` names a row that exists (or one that did not fit its type,
    /// reported already).
    pub fn refers(&mut self, field: &str, to: To<'_>) {
        let k = self.known;
        let (found, what, key) = match to {
            To::Unit(id) => (k.units.has(&id), "unit", id.to_string()),
            To::Person(id) => (k.people.has(&id), "person", id.to_string()),
            To::Cycle(id) => (k.cycles.has(&id), "cycle", id.to_string()),
            To::Kpi(id) => (k.kpis.has(&id), "KPI", id.to_string()),
            To::Token(id) => (k.tokens.has(&id), "API token", id.to_string()),
            To::Objective(id) => (k.objectives.has(id), "objective", format!("{id:?}")),
            To::KeyResult(id) => (k.key_results.has(id), "key result", format!("{id:?}")),
            To::Note(id) => (k.notes.has(&id), "closing note", id.to_string()),
        };
        if !found {
            self.fail(field, format!("no {what} {key}"));
        }
    }

    pub fn maybe_refers(&mut self, field: &str, to: Option<To<'_>>) {
        if let Some(to) = to {
            self.refers(field, to);
        }
    }
}

/// The keys references name, gathered once.
pub struct Known {
    units: Keys<i64>,
    people: Keys<i64>,
    cycles: Keys<i64>,
    kpis: Keys<i64>,
    tokens: Keys<i64>,
    objectives: Keys<String>,
    key_results: Keys<String>,
    notes: Keys<i64>,
}

/// Checks every rule on `document`, into `report`.
pub fn rules(document: &Document, report: &mut Report) {
    let d = document;
    let known = Known {
        units: report.keys(&d.units, "id", |r| r.id),
        people: report.keys(&d.people, "id", |r| r.id),
        cycles: report.keys(&d.cycles, "id", |r| r.id),
        kpis: report.keys(&d.kpis, "id", |r| r.id),
        tokens: report.keys(&d.api_tokens, "id", |r| r.id),
        objectives: report.keys(&d.objectives, "id", |r| r.id.clone()),
        key_results: report.keys(&d.key_results, "id", |r| r.id.clone()),
        notes: report.keys(&d.closing_notes, "id", |r| r.id),
    };
    check_organisation::rules(d, &known, report);
    check_okrs::rules(d, &known, report);
}
