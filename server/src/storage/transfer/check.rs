//! The rules a document must keep before anything is written: what the
//! migrations' constraints say (lengths, choices, ranges, references,
//! unique keys) and what Northstar reads back (dates, moments, password
//! hashes). Every failure is reported with its path in the document; the
//! organisation's own tables are checked here, the OKRs in `check_okrs`.

use super::rows::*;
use super::{Document, ImportError, check_okrs};
use serde_json::Value;
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

    /// The checks of the `index`th row of `T`'s table.
    pub fn record<T: Table>(&mut self, index: usize) -> Record<'_> {
        let path = self.path(T::NAME, index);
        Record { report: self, path }
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
                    self.record::<T>(index).fail(label, message);
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
                        self.record::<T>(index)
                            .fail(field, format!("{start:?} would be its own ancestor"));
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
    pub fn has(&self, key: &K) -> bool {
        self.set.contains(key)
    }
}

/// The checks of one row, reporting under its path.
pub struct Record<'a> {
    report: &'a mut Report,
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

    /// `key` names a row of `keys` (a `what`, in the message).
    pub fn refers<K: Hash + Eq + Debug>(
        &mut self,
        field: &str,
        key: &K,
        keys: &Keys<K>,
        what: &str,
    ) {
        if !keys.has(key) {
            self.fail(field, format!("no {what} {key:?}"));
        }
    }

    pub fn maybe_refers<K: Hash + Eq + Debug>(
        &mut self,
        field: &str,
        key: Option<&K>,
        keys: &Keys<K>,
        what: &str,
    ) {
        if let Some(key) = key {
            self.refers(field, key, keys, what);
        }
    }
}

/// The keys references name, gathered once.
pub struct Known {
    pub units: Keys<i64>,
    pub people: Keys<i64>,
    pub cycles: Keys<i64>,
    pub kpis: Keys<i64>,
    pub tokens: Keys<i64>,
    pub objectives: Keys<String>,
    pub key_results: Keys<String>,
    pub notes: Keys<i64>,
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
    organisation(d, &known, report);
    rhythm(d, &known, report);
    kpis(d, &known, report);
    check_okrs::rules(d, &known, report);
}

/// The case-insensitive form of a name or email, as the unique indexes
/// compare them (`NOCASE`; ICU's case folding on PostgreSQL).
fn folded(text: &str) -> String {
    text.to_lowercase()
}

fn organisation(d: &Document, known: &Known, report: &mut Report) {
    report.unique(&d.settings, "key", |r| r.key.clone());
    report.unique(&d.units, "id", |r| r.id);
    report.unique(&d.units, "parent_id, name", |r| {
        (r.parent_id, folded(&r.name))
    });
    report.circles(&d.units, "parent_id", |r| (r.id, r.parent_id));
    for (i, r) in d.units.iter().enumerate() {
        let mut at = report.record::<Unit>(i);
        at.id(r.id);
        at.text("name", &r.name, 1, 80);
        at.maybe_refers("parent_id", r.parent_id.as_ref(), &known.units, "unit");
        at.moment("created_at", &r.created_at);
    }
    report.unique(&d.people, "id", |r| r.id);
    report.unique(&d.people, "email", |r| folded(&r.email));
    for (i, r) in d.people.iter().enumerate() {
        let mut at = report.record::<Person>(i);
        at.id(r.id);
        at.text("email", &r.email, 1, 254);
        at.text("name", &r.name, 1, 100);
        at.choice("role", &r.role, &["ambassador", "lead", "member"]);
        if let Some(hash) = &r.password_hash
            && hash != app::auth::password::NO_PASSWORD
            && argon2::PasswordHash::new(hash).is_err()
        {
            at.fail("password_hash", "not a password hash (a PHC string)");
        }
        if r.session_epoch < 0 {
            at.fail("session_epoch", "below 0");
        }
        at.moment("created_at", &r.created_at);
    }
    if !d.people.is_empty() && !d.people.iter().any(|p| p.role == "ambassador" && p.active) {
        report.problem(
            "people".into(),
            "no active ambassador: nobody could run the organisation after the import".into(),
        );
    }
    report.unique(&d.memberships, "person_id, unit_id", |r| {
        (r.person_id, r.unit_id)
    });
    for (i, r) in d.memberships.iter().enumerate() {
        let mut at = report.record::<Membership>(i);
        at.refers("person_id", &r.person_id, &known.people, "person");
        at.refers("unit_id", &r.unit_id, &known.units, "unit");
    }
    report.unique(&d.office_screens, "id", |r| r.id);
    for (i, r) in d.office_screens.iter().enumerate() {
        let mut at = report.record::<OfficeScreen>(i);
        at.id(r.id);
        at.text("name", &r.name, 1, 80);
        at.between("rotate_seconds", r.rotate_seconds, 5, 600);
        at.refers("created_by", &r.created_by, &known.people, "person");
        at.moment("created_at", &r.created_at);
        at.maybe_moment("revoked_at", r.revoked_at.as_ref());
        at.maybe_moment("last_connected_at", r.last_connected_at.as_ref());
    }
}

/// Cycles, their scope, communication plans and agenda notes.
fn rhythm(d: &Document, known: &Known, report: &mut Report) {
    report.unique(&d.cycles, "id", |r| r.id);
    for (i, r) in d.cycles.iter().enumerate() {
        let mut at = report.record::<Cycle>(i);
        at.id(r.id);
        at.text("name", &r.name, 1, 80);
        at.date("start_date", &r.start_date);
        at.date("end_date", &r.end_date);
        if r.end_date <= r.start_date {
            at.fail(
                "end_date",
                format!("{} is not after start_date {}", r.end_date, r.start_date),
            );
        }
        at.between("planning_days", r.planning_days, 0, 60);
        at.between("retro_days", r.retro_days, 0, 60);
        if r.board_version < 0 {
            at.fail("board_version", "below 0");
        }
        at.moment("created_at", &r.created_at);
        at.maybe_moment("completed_at", r.completed_at.as_ref());
        at.maybe_refers(
            "completed_by",
            r.completed_by.as_ref(),
            &known.people,
            "person",
        );
    }
    report.unique(&d.cycle_units_out, "cycle_id, unit_id", |r| {
        (r.cycle_id, r.unit_id)
    });
    for (i, r) in d.cycle_units_out.iter().enumerate() {
        let mut at = report.record::<CycleUnitOut>(i);
        at.refers("cycle_id", &r.cycle_id, &known.cycles, "cycle");
        at.refers("unit_id", &r.unit_id, &known.units, "unit");
    }
    report.unique(&d.plan_meetings, "id", |r| r.id);
    report.unique_set(&d.plan_meetings, "client_id", |r| r.client_id.clone());
    for (i, r) in d.plan_meetings.iter().enumerate() {
        let mut at = report.record::<PlanMeeting>(i);
        at.id(r.id);
        at.refers("cycle_id", &r.cycle_id, &known.cycles, "cycle");
        at.choice(
            "kind",
            &r.kind,
            &[
                "all_hands",
                "department_review",
                "team_weekly",
                "one_on_one",
                "planning_workshop",
                "retrospective",
                "custom",
            ],
        );
        let least = usize::from(r.kind == "custom");
        at.text("custom_name", &r.custom_name, least, 80);
        at.choice(
            "level",
            &r.level,
            &["organisation", "department", "team", "person"],
        );
        at.maybe_refers("unit_id", r.unit_id.as_ref(), &known.units, "unit");
        at.choice(
            "frequency",
            &r.frequency,
            &[
                "weekly",
                "fortnightly",
                "monthly",
                "planning",
                "retrospective",
            ],
        );
        at.between("weekday", r.weekday, 1, 7);
        at.text("format", &r.format, 0, 200);
        at.text("owner", &r.owner, 0, 80);
        at.text("points", &r.points, 0, 2000);
        at.refers("created_by", &r.created_by, &known.people, "person");
        at.refers("updated_by", &r.updated_by, &known.people, "person");
        at.moment("updated_at", &r.updated_at);
    }
    report.unique(&d.agenda_notes, "agenda, meeting_on", |r| {
        (r.agenda.clone(), r.meeting_on.clone())
    });
    for (i, r) in d.agenda_notes.iter().enumerate() {
        let mut at = report.record::<AgendaNote>(i);
        at.text("agenda", &r.agenda, 1, 40);
        at.date("meeting_on", &r.meeting_on);
        at.text("body", &r.body, 0, 2000);
        at.refers("updated_by", &r.updated_by, &known.people, "person");
        at.moment("updated_at", &r.updated_at);
    }
}

const SOURCES: &[&str] = &["form", "csv", "api"];

/// KPIs, the API tokens that push readings, readings and recoveries.
fn kpis(d: &Document, known: &Known, report: &mut Report) {
    report.unique(&d.kpis, "id", |r| r.id);
    report.unique(&d.kpis, "unit_id, name", |r| (r.unit_id, folded(&r.name)));
    for (i, r) in d.kpis.iter().enumerate() {
        let mut at = report.record::<Kpi>(i);
        at.id(r.id);
        at.text("name", &r.name, 1, 120);
        at.text("description", &r.description, 0, 2000);
        at.text("unit_label", &r.unit_label, 0, 20);
        at.refers("unit_id", &r.unit_id, &known.units, "unit");
        at.refers("owner_id", &r.owner_id, &known.people, "person");
        at.choice("direction", &r.direction, &["higher", "lower"]);
        at.finite("healthy", r.healthy);
        at.finite("critical", r.critical);
        let ordered = match r.direction.as_str() {
            "higher" => r.healthy > r.critical,
            "lower" => r.healthy < r.critical,
            _ => true,
        };
        if !ordered {
            at.fail(
                "critical",
                format!(
                    "{} is not beyond healthy {} in direction {}",
                    r.critical, r.healthy, r.direction
                ),
            );
        }
        at.choice("cadence", &r.cadence, &["daily", "weekly", "monthly"]);
        at.date("made_on", &r.made_on);
        at.refers("created_by", &r.created_by, &known.people, "person");
        at.moment("created_at", &r.created_at);
        at.moment("updated_at", &r.updated_at);
    }
    report.unique(&d.api_tokens, "id", |r| r.id);
    for (i, r) in d.api_tokens.iter().enumerate() {
        let mut at = report.record::<ApiToken>(i);
        at.id(r.id);
        at.text("name", &r.name, 1, 80);
        at.choice("scope", &r.scope, &["kpi:write", "read"]);
        at.maybe_refers("kpi_id", r.kpi_id.as_ref(), &known.kpis, "KPI");
        if r.scope == "read" && r.kpi_id.is_some() {
            at.fail("kpi_id", "a read token names no KPI");
        }
        at.refers("created_by", &r.created_by, &known.people, "person");
        at.moment("created_at", &r.created_at);
        at.maybe_moment("revoked_at", r.revoked_at.as_ref());
        at.maybe_moment("last_used_at", r.last_used_at.as_ref());
    }
    report.unique(&d.kpi_readings, "kpi_id, read_on", |r| {
        (r.kpi_id, r.read_on.clone())
    });
    for (i, r) in d.kpi_readings.iter().enumerate() {
        let mut at = report.record::<KpiReading>(i);
        at.refers("kpi_id", &r.kpi_id, &known.kpis, "KPI");
        at.date("read_on", &r.read_on);
        at.finite("value", r.value);
        at.text("note", &r.note, 0, 500);
        at.choice("source", &r.source, SOURCES);
        at.maybe_refers("person_id", r.person_id.as_ref(), &known.people, "person");
        at.maybe_refers("token_id", r.token_id.as_ref(), &known.tokens, "API token");
        at.moment("recorded_at", &r.recorded_at);
    }
    report.unique(&d.kpi_reading_history, "id", |r| r.id);
    for (i, r) in d.kpi_reading_history.iter().enumerate() {
        let mut at = report.record::<KpiReadingReplaced>(i);
        at.id(r.id);
        at.refers("kpi_id", &r.kpi_id, &known.kpis, "KPI");
        at.date("read_on", &r.read_on);
        at.finite("value", r.value);
        at.choice("source", &r.source, SOURCES);
        at.maybe_refers("person_id", r.person_id.as_ref(), &known.people, "person");
        at.maybe_refers("token_id", r.token_id.as_ref(), &known.tokens, "API token");
        at.moment("recorded_at", &r.recorded_at);
        at.moment("replaced_at", &r.replaced_at);
    }
    report.unique(&d.kpi_recoveries, "kpi_id, read_on", |r| {
        (r.kpi_id, r.read_on.clone())
    });
    for (i, r) in d.kpi_recoveries.iter().enumerate() {
        let mut at = report.record::<KpiRecovery>(i);
        at.refers("kpi_id", &r.kpi_id, &known.kpis, "KPI");
        at.date("read_on", &r.read_on);
        at.moment("recovered_at", &r.recovered_at);
    }
}
