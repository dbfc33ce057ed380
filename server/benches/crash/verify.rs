//! The database after the last kill, held to the writers' books: how many
//! times each write is there (acknowledged ones exactly once), and the
//! rules the schema implies for what nobody was told about (a check-in's
//! key result carries its value, a closed objective has its note, a note's
//! versions and tags add up, the board's version has its events), and
//! SQLite's own checks of the file and of the lessons index.

use crate::ledger::{Fate, Record, Write};
use crate::present::Present;
use crate::setup::Desk;
use std::collections::HashMap;

/// What the database says about the writes and itself.
#[derive(Default)]
pub struct Verdict {
    /// Per record (in the order given): how many times it is present.
    pub present: Vec<usize>,
    /// Per record: saved by an attempt whose answer was lost (a retry
    /// was acknowledged, or told it conflicted).
    pub saved_unanswered: Vec<bool>,
    /// Acknowledged writes that are not there, in words.
    pub lost: Vec<String>,
    /// Writes that are there more than once, in words.
    pub duplicated: Vec<String>,
    /// Rules the data breaks, in words.
    pub violations: Vec<String>,
    /// `PRAGMA integrity_check` (SQLite), or why there is none.
    pub integrity: String,
    /// Of `lost` and `duplicated`: edits, judged by their key result's
    /// version rather than one by one.
    pub edits_lost: usize,
    pub edits_duplicated: usize,
}

type Pool = sqlx::AnyPool;

async fn rows<T>(pool: &Pool, sql: &str) -> Vec<T>
where
    T: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
{
    sqlx::query_as(sql).fetch_all(pool).await.unwrap()
}

/// Checks `records` (the writers' books) and `desks` against the database
/// at `database_url`; nothing else may be using it.
pub async fn check(database_url: &str, desks: &[Desk], records: &[Record]) -> Verdict {
    sqlx::any::install_default_drivers();
    let pool = sqlx::any::AnyPoolOptions::new()
        .max_connections(1)
        .connect(database_url)
        .await
        .unwrap();
    let mut verdict = Verdict::default();
    let sqlite = database_url.starts_with("sqlite:");
    verdict.integrity = if sqlite {
        file_checks(&pool, &mut verdict.violations).await
    } else {
        "n/a (PostgreSQL)".to_owned()
    };
    let counts = Present::load(&pool).await;
    for record in records {
        let found = counts.of(&record.write);
        // Acknowledged, or read back as saved after a refusal.
        let saved = !matches!(record.fate, Fate::Refused(_));
        if found.count > 1 {
            verdict
                .duplicated
                .push(format!("{} × {:?}", found.count, record.write));
        } else if found.count == 0 && saved {
            verdict.lost.push(format!("{:?}", record.write));
        }
        if !found.as_sent {
            verdict
                .violations
                .push(format!("stored otherwise than sent: {:?}", record.write));
        }
        let early = found.at.is_some_and(|at| at < record.last_sent.as_str());
        verdict.present.push(found.count);
        verdict
            .saved_unanswered
            .push(record.cut > 0 && (early || record.fate == Fate::ConflictButSaved));
    }
    for (w, desk) in desks.iter().enumerate() {
        let mine: Vec<&Record> = records.iter().filter(|r| r.writer == w).collect();
        check_ins(&pool, desk, &mine, &counts, &mut verdict).await;
        edits(&pool, desk, &mine, &mut verdict).await;
        readings(&pool, desk, &mine, &counts, &mut verdict.violations).await;
    }
    tags(&pool, &mut verdict.violations).await;
    rules(&pool, &mut verdict.violations).await;
    pool.close().await;
    verdict
}

/// The file's integrity, its foreign keys and the lessons index (FTS5's
/// own check of the index against the notes): "ok", or what was wrong.
async fn file_checks(pool: &Pool, violations: &mut Vec<String>) -> String {
    let said: Vec<(String,)> = rows(pool, "PRAGMA integrity_check").await;
    let integrity = said
        .into_iter()
        .map(|(line,)| line)
        .collect::<Vec<_>>()
        .join("; ");
    let (orphans,): (i64,) = sqlx::query_as("SELECT count(*) FROM pragma_foreign_key_check")
        .fetch_one(pool)
        .await
        .unwrap();
    if orphans > 0 {
        violations.push(format!("{orphans} rows break a foreign key"));
    }
    if let Err(error) =
        sqlx::query("INSERT INTO lessons_fts (lessons_fts, rank) VALUES ('integrity-check', 1)")
            .execute(pool)
            .await
    {
        violations.push(format!(
            "the lessons index does not match the notes: {error}"
        ));
    }
    integrity
}

/// The check-in key result carries the value of its latest check-in, and
/// its version rose once per check-in; each check-in is stored as sent.
async fn check_ins(
    pool: &Pool,
    desk: &Desk,
    mine: &[&Record],
    counts: &Present,
    verdict: &mut Verdict,
) {
    let (key_result, start_version) = &desk.check_in_key_result;
    let mut latest: Option<(u64, f64)> = None;
    let mut present = 0;
    for record in mine {
        let Write::CheckIn {
            seq,
            value,
            progress,
            ..
        } = &record.write
        else {
            continue;
        };
        let stored = counts.check_in(progress);
        present += stored as i64;
        if stored > 0 && latest.is_none_or(|(s, _)| *seq > s) {
            latest = Some((*seq, *value));
        }
    }
    let (current, version): (f64, i64) =
        sqlx::query_as("SELECT current_value, version FROM key_results WHERE id = $1")
            .bind(key_result)
            .fetch_one(pool)
            .await
            .unwrap();
    let expected = latest.map_or(0.0, |(_, value)| value);
    if current != expected {
        verdict.violations.push(format!(
            "key result {key_result} shows {current}, its latest check-in says {expected}"
        ));
    }
    if version != start_version + present {
        verdict.violations.push(format!(
            "key result {key_result} is at version {version} after {present} check-ins from {start_version}"
        ));
    }
}

/// The edited key result's title is the last edit that was saved, and its
/// version rose once per saved edit: one more is a duplicate, one fewer a
/// loss.
async fn edits(pool: &Pool, desk: &Desk, mine: &[&Record], verdict: &mut Verdict) {
    let (key_result, start_version, start_title) = &desk.edited_key_result;
    let saved: Vec<&str> = mine
        .iter()
        .filter(|r| !matches!(r.fate, Fate::Refused(_)))
        .filter_map(|r| match &r.write {
            Write::Edit { title, .. } => Some(title.as_str()),
            _ => None,
        })
        .collect();
    let (title, version): (String, i64) =
        sqlx::query_as("SELECT title, version FROM key_results WHERE id = $1")
            .bind(key_result)
            .fetch_one(pool)
            .await
            .unwrap();
    let expected = saved.last().copied().unwrap_or(start_title);
    let applied = version - start_version;
    let saved = saved.len() as i64;
    let duplicated = usize::try_from(applied - saved).unwrap_or(0);
    let lost = usize::try_from(saved - applied)
        .unwrap_or(0)
        .max(usize::from(title != expected));
    verdict.edits_lost += lost;
    verdict.edits_duplicated += duplicated;
    let said = format!(
        "{key_result}: “{title}” at version {version} after {saved} edits saved from {start_version}"
    );
    verdict.lost.extend(std::iter::repeat_n(
        format!("an edit of {said}, the last “{expected}”"),
        lost,
    ));
    verdict.duplicated.extend(std::iter::repeat_n(
        format!("an edit of {said}"),
        duplicated,
    ));
}

/// The KPI's version rose once per reading recorded (each names a new day).
async fn readings(
    pool: &Pool,
    desk: &Desk,
    mine: &[&Record],
    counts: &Present,
    violations: &mut Vec<String>,
) {
    let (kpi, start_version) = desk.kpi;
    let recorded = mine
        .iter()
        .filter(|r| matches!(r.write, Write::Reading { .. }) && counts.of(&r.write).count > 0)
        .count() as i64;
    let (version,): (i64,) = sqlx::query_as("SELECT version FROM kpis WHERE id = $1")
        .bind(kpi)
        .fetch_one(pool)
        .await
        .unwrap();
    if version != start_version + recorded {
        violations.push(format!(
            "KPI {kpi} is at version {version} after {recorded} readings from {start_version}"
        ));
    }
}

/// Rules of the whole database, for every row (the demo's and the
/// harness's): counted rows that break them.
async fn rules(pool: &Pool, violations: &mut Vec<String>) {
    const RULES: [(&str, &str); 4] = [
        (
            "objectives closed without a closing note or a reason, or open with a note",
            "SELECT count(*) FROM objectives o WHERE (o.status = 'closed') <> \
             (EXISTS (SELECT 1 FROM closing_notes n WHERE n.objective_id = o.id) OR o.no_retro_reason IS NOT NULL)",
        ),
        (
            "closing notes whose version does not match their kept revisions",
            "SELECT count(*) FROM closing_notes n WHERE n.version <> 1 + \
             (SELECT count(*) FROM closing_note_revisions r WHERE r.note_id = n.id AND r.version < n.version)",
        ),
        (
            "tags whose count of uses is not their notes",
            "SELECT count(*) FROM lesson_tags l WHERE l.uses <> \
             (SELECT count(*) FROM closing_note_tags t WHERE t.tag = l.tag)",
        ),
        (
            "boards whose version has no event, or whose events have gaps",
            "SELECT count(*) FROM cycles c WHERE EXISTS (SELECT 1 FROM board_events e WHERE e.cycle_id = c.id) \
             AND (c.board_version <> (SELECT max(e.version) FROM board_events e WHERE e.cycle_id = c.id) \
             OR (SELECT count(*) FROM board_events e WHERE e.cycle_id = c.id) <> \
             c.board_version - (SELECT min(e.version) FROM board_events e WHERE e.cycle_id = c.id) + 1)",
        ),
    ];
    for (rule, sql) in RULES {
        let (broken,): (i64,) = sqlx::query_as(sql).fetch_one(pool).await.unwrap();
        if broken > 0 {
            violations.push(format!("{broken} {rule}"));
        }
    }
}

/// Each closing note's tag rows are the tags it shows.
async fn tags(pool: &Pool, violations: &mut Vec<String>) {
    let notes: Vec<(i64, String)> = rows(pool, "SELECT id, tags FROM closing_notes").await;
    let rows: Vec<(i64, String)> = rows(pool, "SELECT note_id, tag FROM closing_note_tags").await;
    let mut stored: HashMap<i64, Vec<String>> = HashMap::new();
    for (note, tag) in rows {
        stored.entry(note).or_default().push(tag);
    }
    let broken = notes
        .into_iter()
        .filter(|(id, tags)| {
            let mut shown: Vec<&str> = tags.split_whitespace().collect();
            let mut kept: Vec<&str> = stored
                .get(id)
                .map_or(Vec::new(), |t| t.iter().map(String::as_str).collect());
            shown.sort_unstable();
            kept.sort_unstable();
            shown != kept
        })
        .count();
    if broken > 0 {
        violations.push(format!(
            "{broken} closing notes whose tag rows are not their tags"
        ));
    }
}
