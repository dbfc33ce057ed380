//! Recording KPI readings — typed, pasted or pushed through the API — in
//! one transaction with everything that follows from them: a replaced
//! reading kept in history, a recovery noted for the celebrations, and each
//! key result that follows the KPI checked in with the reading, so the
//! board and the leaderboard move.

use super::{one, who_is};
use crate::auth::ssr::Caller;
use crate::auth::ssr::require_caller;
use crate::cycles::ssr::today;
use crate::domain::kpi::{self, Direction, LineError, Reading, Thresholds};
use crate::domain::permissions;
use crate::domain::roles::Role;
use crate::error::{AppError, ssr::internal};
use crate::kpis::{Kpi, MAX_NOTE, parse_reading};
use crate::objectives::BoardEvent;
use crate::objectives::ssr::{forbidden, stage};
use crate::state::{AppState, app_state, begin_write};
use std::collections::BTreeMap;
use time::Date;

/// Most characters of one pasted CSV.
pub const MAX_CSV_BYTES: usize = 64 * 1024;
/// The confidence a check-in made from a reading carries when the key
/// result has none yet: a reading measures, it does not judge.
const DEFAULT_CONFIDENCE: i64 = 5;

/// One reading to record.
#[derive(Debug, Clone, PartialEq)]
pub struct NewReading {
    pub on: Date,
    pub value: f64,
    pub note: String,
}

/// Who records readings.
#[derive(Debug, Clone)]
pub enum RecordedBy {
    /// A person, through the form (`csv` false) or a pasted CSV.
    Person { caller: Caller, csv: bool },
    /// Another system, through an API token.
    Token { id: i64, name: String },
}

/// What recording changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Recorded {
    /// Readings new or changed (a reading sent again unchanged is not).
    pub changed: usize,
    /// The KPI came back to healthy with these readings.
    pub recovered: bool,
    pub version: i64,
}

/// Whether `on` may carry a reading: not after today.
fn check_date(on: Date) -> Result<(), String> {
    if on > today() {
        Err(format!(
            "{on} is in the future: a reading records what was measured."
        ))
    } else {
        Ok(())
    }
}

/// The inline form: one reading.
pub async fn add_one(kpi_id: i64, on: &str, value: &str, note: &str) -> Result<Kpi, AppError> {
    let reading = parse_reading(on, value, note)?;
    check_date(reading.on).map_err(|m| AppError::invalid("on", m))?;
    let reading = NewReading {
        on: reading.on,
        value: reading.value,
        note: note.trim().to_owned(),
    };
    by_person(kpi_id, vec![reading], false).await
}

/// A pasted CSV: every line valid, or nothing stored.
pub async fn paste(kpi_id: i64, csv: &str) -> Result<Kpi, AppError> {
    if csv.len() > MAX_CSV_BYTES {
        return Err(AppError::invalid(
            "csv",
            format!("Paste at most {} KB at once.", MAX_CSV_BYTES / 1024),
        ));
    }
    let lines = |errors: Vec<LineError>| {
        AppError::invalid(
            "csv",
            errors
                .iter()
                .map(|e| format!("Line {}: {}", e.line, e.message))
                .collect::<Vec<_>>()
                .join("\n"),
        )
    };
    let readings = kpi::parse_csv(csv).map_err(lines)?;
    if readings.is_empty() {
        return Err(AppError::invalid(
            "csv",
            "Paste at least one line: date,value.",
        ));
    }
    // Future dates are named by line too: find each one's line again.
    let future: Vec<LineError> = csv
        .lines()
        .enumerate()
        .filter_map(|(index, line)| {
            let date = line
                .split([',', ';', '\t'])
                .next()?
                .trim()
                .trim_matches('"');
            let on = crate::cycles::parse_date("on", date).ok()?;
            check_date(on).err().map(|message| LineError {
                line: index + 1,
                message,
            })
        })
        .collect();
    if !future.is_empty() {
        return Err(lines(future));
    }
    let readings = readings
        .into_iter()
        .map(|Reading { on, value }| NewReading {
            on,
            value,
            note: String::new(),
        })
        .collect();
    by_person(kpi_id, readings, true).await
}

async fn by_person(kpi_id: i64, readings: Vec<NewReading>, csv: bool) -> Result<Kpi, AppError> {
    let state = app_state()?;
    // Who is asking before the write lock is taken: it reads the session.
    let caller = require_caller().await?;
    let mut tx = begin_write().await?;
    let (caller, tree, actor) = who_is(&mut tx, caller).await?;
    let (unit_id, owner_id): (i64, i64) =
        sqlx::query_as("SELECT unit_id, owner_id FROM kpis WHERE id = $1")
            .bind(kpi_id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| AppError::NotFound("That KPI".into()))?;
    permissions::check_kpi_reading(&actor, unit_id, owner_id).map_err(forbidden)?;
    let by = RecordedBy::Person { caller, csv };
    let (tx, recorded, staged) = record_in(tx, kpi_id, &readings, &by).await?;
    let mut tx = tx;
    let kpi = one(&mut tx, &tree, &actor, kpi_id).await?;
    tx.commit().await?;
    after_commit(&state, kpi_id, recorded, staged);
    Ok(kpi)
}

/// Records readings pushed by API token `by` (whose scope the caller has
/// checked) in a transaction left open: the caller may write more in it
/// (the API keeps its answer for retries there), then
/// [`Recording::commit`]s, which publishes what changed.
pub async fn record(
    state: &AppState,
    kpi_id: i64,
    readings: &[NewReading],
    by: RecordedBy,
) -> Result<Recording, AppError> {
    for reading in readings {
        check_date(reading.on).map_err(|m| AppError::invalid("date", m))?;
        if reading.note.chars().count() > MAX_NOTE {
            return Err(AppError::invalid(
                "note",
                format!("Keep a note to {MAX_NOTE} characters."),
            ));
        }
    }
    let tx = crate::sql::write_tx(&state.pool).await?;
    let (tx, recorded, staged) = record_in(tx, kpi_id, readings, &by).await?;
    Ok(Recording {
        tx,
        recorded,
        staged,
        kpi_id,
    })
}

/// Readings recorded in a transaction not yet committed: what else is
/// written in [`tx`](Self::tx) stands or falls with them, a crash
/// included.
pub struct Recording {
    pub tx: crate::sql::WriteTx,
    pub recorded: Recorded,
    staged: Staged,
    kpi_id: i64,
}

impl Recording {
    /// Commits, then tells open boards, KPI pages and the leaderboard.
    pub async fn commit(self, state: &AppState) -> Result<Recorded, AppError> {
        self.tx.commit().await?;
        after_commit(state, self.kpi_id, self.recorded, self.staged);
        Ok(self.recorded)
    }
}

/// Board events staged for publication, by cycle.
type Staged = Vec<(i64, Vec<BoardEvent>)>;

fn after_commit(state: &AppState, kpi_id: i64, recorded: Recorded, staged: Staged) {
    for (cycle_id, events) in staged {
        crate::live::ssr::after_commit(state, cycle_id, events);
    }
    state.fanout.kpi_changed(kpi_id, recorded.version);
    if recorded.changed > 0 {
        // The celebrations follow the KPIs (a recovery, or a relapse that
        // ends one): recompute the current leaderboard.
        let day = today().to_string();
        let pool = state.pool.clone();
        let refresh = state.leaderboard_refresh.clone();
        tokio::spawn(async move {
            let Ok(mut db) = pool.acquire().await else {
                return;
            };
            if let Ok(Some(cycle)) = crate::cycles::ssr::current_cycle_id(&mut db, &day).await {
                refresh.request(cycle);
            }
        });
    }
}

/// Tells open KPI pages and lists about a changed definition.
pub fn announce(kpi: &Kpi) {
    if let Ok(state) = app_state() {
        state.fanout.kpi_changed(kpi.id, kpi.version);
    }
}

/// Everything recording does inside the transaction.
async fn record_in(
    mut tx: crate::sql::WriteTx,
    kpi_id: i64,
    readings: &[NewReading],
    by: &RecordedBy,
) -> Result<(crate::sql::WriteTx, Recorded, Staged), AppError> {
    let (name, direction, healthy, critical, owner_id, created_by): (
        String,
        String,
        f64,
        f64,
        i64,
        i64,
    ) = sqlx::query_as(
        "SELECT name, direction, healthy, critical, owner_id, created_by FROM kpis WHERE id = $1",
    )
    .bind(kpi_id)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::NotFound("That KPI".into()))?;
    let thresholds = Thresholds {
        direction: Direction::parse(&direction).ok_or_else(|| internal("KPI direction"))?,
        healthy,
        critical,
    };
    let stored: Vec<(String, f64, String)> = sqlx::query_as(
        "SELECT read_on, value, note FROM kpi_readings WHERE kpi_id = $1 ORDER BY read_on",
    )
    .bind(kpi_id)
    .fetch_all(&mut *tx)
    .await?;
    let mut all: BTreeMap<Date, f64> = BTreeMap::new();
    let mut notes: BTreeMap<Date, String> = BTreeMap::new();
    for (on, value, note) in stored {
        let on = crate::cycles::parse_date("read_on", &on).map_err(internal)?;
        all.insert(on, value);
        notes.insert(on, note);
    }
    let (source, person_id, token_id) = match by {
        RecordedBy::Person { caller, csv } => {
            (if *csv { "csv" } else { "form" }, Some(caller.id), None)
        }
        RecordedBy::Token { id, .. } => ("api", None, Some(*id)),
    };
    let now = crate::sql::now();
    let mut sorted: Vec<&NewReading> = readings.iter().collect();
    sorted.sort_by_key(|r| r.on);
    let mut changed = Vec::new();
    let mut recovered = false;
    for reading in sorted {
        let same = all.get(&reading.on) == Some(&reading.value)
            && notes.get(&reading.on).map(String::as_str) == Some(reading.note.as_str());
        if same {
            continue;
        }
        if all.contains_key(&reading.on) {
            sqlx::query(
                "INSERT INTO kpi_reading_history (kpi_id, read_on, value, note, source, person_id, \
                 token_id, recorded_at, replaced_at) SELECT kpi_id, read_on, value, note, source, \
                 person_id, token_id, recorded_at, $1 FROM kpi_readings WHERE kpi_id = $2 AND read_on = $3",
            )
            .bind(&now)
            .bind(kpi_id)
            .bind(reading.on.to_string())
            .execute(&mut *tx)
            .await?;
        }
        // Only the newest reading can be a recovery (a new one, or the
        // newest replaced), judged against the readings before its date.
        if all
            .keys()
            .next_back()
            .is_none_or(|last| *last <= reading.on)
        {
            let before: Vec<Reading> = all
                .iter()
                .map(|(on, value)| Reading {
                    on: *on,
                    value: *value,
                })
                .collect();
            let next = Reading {
                on: reading.on,
                value: reading.value,
            };
            if kpi::recovers(&thresholds, &before, next) {
                recovered = true;
                sqlx::query(
                    "INSERT INTO kpi_recoveries (kpi_id, read_on, recovered_at) VALUES ($1, $2, $3) \
                     ON CONFLICT DO NOTHING",
                )
                .bind(kpi_id)
                .bind(reading.on.to_string())
                .bind(&now)
                .execute(&mut *tx)
                .await?;
            }
        }
        sqlx::query(
            "INSERT INTO kpi_readings (kpi_id, read_on, value, note, source, person_id, token_id, recorded_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (kpi_id, read_on) DO UPDATE SET \
             value = excluded.value, note = excluded.note, source = excluded.source, \
             person_id = excluded.person_id, token_id = excluded.token_id, recorded_at = excluded.recorded_at",
        )
        .bind(kpi_id)
        .bind(reading.on.to_string())
        .bind(reading.value)
        .bind(&reading.note)
        .bind(source)
        .bind(person_id)
        .bind(token_id)
        .bind(&now)
        .execute(&mut *tx)
        .await?;
        all.insert(reading.on, reading.value);
        notes.insert(reading.on, reading.note.clone());
        changed.push(reading);
    }
    let version: i64 = if changed.is_empty() {
        sqlx::query_scalar("SELECT version FROM kpis WHERE id = $1")
            .bind(kpi_id)
            .fetch_one(&mut *tx)
            .await?
    } else {
        sqlx::query_scalar(
            "UPDATE kpis SET version = version + 1, updated_at = $1 WHERE id = $2 RETURNING version",
        )
        .bind(&now)
        .bind(kpi_id)
        .fetch_one(&mut *tx)
        .await?
    };
    let actor = match by {
        RecordedBy::Person { caller, .. } => caller.clone(),
        // The board names the token; its changes are made in the name of
        // the ambassador who created it.
        RecordedBy::Token { name, .. } => Caller {
            id: created_by,
            name: format!("{name} (API)"),
            role: Role::Ambassador,
            epoch: 0,
        },
    };
    let author = person_id.unwrap_or(owner_id);
    let staged = check_in_followers(&mut tx, kpi_id, &name, &changed, &all, author, &actor).await?;
    Ok((
        tx,
        Recorded {
            changed: changed.len(),
            recovered,
            version,
        },
        staged,
    ))
}

/// Each key result of an active objective that follows the KPI gets a
/// check-in per changed reading in its cycle (the reading's note as its
/// progress; replacing a reading replaces its check-in), and the KPI's
/// latest value in its cycle as its current value.
async fn check_in_followers(
    tx: &mut crate::sql::WriteTx,
    kpi_id: i64,
    kpi_name: &str,
    changed: &[&NewReading],
    all: &BTreeMap<Date, f64>,
    author: i64,
    actor: &Caller,
) -> Result<Staged, AppError> {
    if changed.is_empty() {
        return Ok(Vec::new());
    }
    let followers: Vec<(String, String, i64, String, String)> = sqlx::query_as(
        "SELECT kr.id, kr.objective_id, o.cycle_id, c.start_date, c.end_date FROM key_results kr \
         JOIN objectives o ON o.id = kr.objective_id JOIN cycles c ON c.id = o.cycle_id \
         WHERE kr.kpi_id = $1 AND o.status = 'active' ORDER BY o.cycle_id, kr.objective_id",
    )
    .bind(kpi_id)
    .fetch_all(&mut **tx)
    .await?;
    let mut touched: BTreeMap<i64, Vec<String>> = BTreeMap::new();
    for (key_result, objective, cycle_id, start, end) in followers {
        let (start, end) = (
            crate::cycles::parse_date("start", &start).map_err(internal)?,
            crate::cycles::parse_date("end", &end).map_err(internal)?,
        );
        let inside: Vec<&&NewReading> = changed
            .iter()
            .filter(|r| r.on >= start && r.on <= end)
            .collect();
        if inside.is_empty() {
            continue;
        }
        let confidence: i64 = sqlx::query_scalar(
            "SELECT confidence FROM check_ins WHERE key_result_id = $1 \
             ORDER BY checked_in_on DESC, created_at DESC LIMIT 1",
        )
        .bind(&key_result)
        .fetch_optional(&mut **tx)
        .await?
        .unwrap_or(DEFAULT_CONFIDENCE);
        for reading in inside {
            let note = if reading.note.is_empty() {
                format!("Reading of the KPI “{kpi_name}”.")
            } else {
                reading.note.clone()
            };
            sqlx::query(
                "INSERT INTO check_ins (id, key_result_id, author_id, value, confidence, progress, checked_in_on) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO UPDATE SET \
                 value = excluded.value, progress = excluded.progress, author_id = excluded.author_id",
            )
            .bind(format!("kpi-{kpi_id}-{key_result}-{}", reading.on))
            .bind(&key_result)
            .bind(author)
            .bind(reading.value)
            .bind(confidence)
            .bind(note)
            .bind(reading.on.to_string())
            .execute(&mut **tx)
            .await?;
        }
        let latest = all
            .range(start..=end)
            .next_back()
            .map(|(_, value)| *value)
            .ok_or_else(|| internal("a reading inside the cycle vanished"))?;
        sqlx::query(
            "UPDATE key_results SET current_value = $1, version = version + 1, updated_at = $2 WHERE id = $3",
        )
        .bind(latest)
        .bind(crate::sql::now())
        .bind(&key_result)
        .execute(&mut **tx)
        .await?;
        let objectives = touched.entry(cycle_id).or_default();
        if !objectives.contains(&objective) {
            objectives.push(objective);
        }
    }
    let mut staged = Vec::new();
    for (cycle_id, objectives) in touched {
        let (_, events) = stage(tx, cycle_id, actor, None, &objectives).await?;
        staged.push((cycle_id, events));
    }
    Ok(staged)
}
