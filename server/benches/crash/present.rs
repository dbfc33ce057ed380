//! Every write of the harness as the database holds it, found by the text
//! that names it (a check-in's progress, an objective's title, a note's
//! lessons, a reading's note), so that a write stored twice under two ids
//! is seen as twice; then checked against what was sent.

use crate::ledger::Write;
use std::collections::HashMap;

/// A stored row: where it belongs (an id, a key result, an objective, a
/// note), its value where it has one, and when it was written.
#[derive(Clone, Debug)]
struct Row {
    belongs: String,
    value: f64,
    at: String,
}

/// How a write is found in the database.
pub struct Found<'a> {
    /// How many times it is there.
    pub count: usize,
    /// Where it is stored as sent (the same id, key result, value…).
    pub as_sent: bool,
    /// When it was written, if that is known.
    pub at: Option<&'a str>,
}

#[derive(Default)]
pub struct Present {
    /// progress → check-ins (belongs: "id key result")
    check_ins: HashMap<String, Vec<Row>>,
    /// title → objectives (belongs: the id)
    objectives: HashMap<String, Vec<Row>>,
    /// lessons of a note's first version → notes (belongs: the objective)
    closed_with: HashMap<String, Vec<Row>>,
    /// lessons of a note's later versions, current or kept → notes
    edited_to: HashMap<String, Vec<Row>>,
    /// (KPI, day) → the reading (belongs: its note) and how many values
    /// the day had before it
    readings: HashMap<(i64, String), (Row, usize)>,
}

/// How a write is found among `rows`: as sent when each belongs where it
/// should and has the value sent.
fn among<'a>(rows: Option<&'a Vec<Row>>, belongs: &str, value: Option<f64>) -> Found<'a> {
    let rows = rows.map_or(&[][..], Vec::as_slice);
    Found {
        count: rows.len(),
        as_sent: rows
            .iter()
            .all(|r| r.belongs == belongs && value.is_none_or(|v| r.value == v)),
        at: rows.first().map(|r| r.at.as_str()),
    }
}

fn group(rows: Vec<(String, String, f64, String)>) -> HashMap<String, Vec<Row>> {
    let mut grouped: HashMap<String, Vec<Row>> = HashMap::new();
    for (name, belongs, value, at) in rows {
        grouped
            .entry(name)
            .or_default()
            .push(Row { belongs, value, at });
    }
    grouped
}

impl Present {
    pub async fn load(pool: &sqlx::AnyPool) -> Self {
        let query = |sql: &'static str| async move {
            sqlx::query_as::<_, (String, String, f64, String)>(sql)
                .fetch_all(pool)
                .await
                .unwrap()
        };
        let check_ins = query(
            "SELECT progress, id || ' ' || key_result_id, value, created_at FROM check_ins \
             WHERE progress LIKE 'crash check-in %'",
        )
        .await;
        let objectives = query(
            "SELECT title, id, CAST(0 AS DOUBLE PRECISION), created_at FROM objectives WHERE title LIKE 'crash objective %'",
        )
        .await;
        // A note's text at version 1 is the note itself until it is edited,
        // then its first kept revision.
        let closed_with = query(
            "SELECT lessons, objective_id, score, created_at FROM closing_notes \
             WHERE version = 1 AND lessons LIKE 'crash lesson %' \
             UNION ALL SELECT r.lessons, n.objective_id, r.score, n.created_at \
             FROM closing_note_revisions r JOIN closing_notes n ON n.id = r.note_id \
             WHERE r.version = 1 AND r.lessons LIKE 'crash lesson %'",
        )
        .await;
        let edited_to = query(
            "SELECT lessons, objective_id, score, updated_at FROM closing_notes \
             WHERE version > 1 AND lessons LIKE 'crash lesson %' \
             UNION ALL SELECT r.lessons, n.objective_id, r.score, r.written_at \
             FROM closing_note_revisions r JOIN closing_notes n ON n.id = r.note_id \
             WHERE r.version > 1 AND r.lessons LIKE 'crash lesson %'",
        )
        .await;
        let readings: Vec<(i64, String, f64, String, String, i64)> = sqlx::query_as(
            "SELECT r.kpi_id, r.read_on, r.value, r.note, r.recorded_at, (SELECT count(*) \
             FROM kpi_reading_history h WHERE h.kpi_id = r.kpi_id AND h.read_on = r.read_on) \
             FROM kpi_readings r WHERE r.note LIKE 'crash-w%'",
        )
        .fetch_all(pool)
        .await
        .unwrap();
        Present {
            check_ins: group(check_ins),
            objectives: group(objectives),
            closed_with: group(closed_with),
            edited_to: group(edited_to),
            readings: readings
                .into_iter()
                .map(|(kpi, day, value, note, at, before)| {
                    let row = Row {
                        belongs: note,
                        value,
                        at,
                    };
                    ((kpi, day), (row, usize::try_from(before).unwrap_or(0)))
                })
                .collect(),
        }
    }

    /// How `write` is in the database. An edit of a title is judged by its
    /// key result's version instead (see `verify::edits`): once, here.
    pub fn of(&self, write: &Write) -> Found<'_> {
        match write {
            Write::CheckIn {
                id,
                key_result,
                value,
                progress,
                ..
            } => among(
                self.check_ins.get(progress),
                &format!("{id} {key_result}"),
                Some(*value),
            ),
            Write::Edit { .. } => Found {
                count: 1,
                as_sent: true,
                at: None,
            },
            Write::Create { id, title } => among(self.objectives.get(title), id, None),
            Write::Close { objective, lessons } => {
                among(self.closed_with.get(lessons), objective, Some(0.6))
            }
            Write::NoteEdit { objective, lessons } => {
                among(self.edited_to.get(lessons), objective, Some(0.7))
            }
            Write::Reading {
                kpi,
                date,
                value,
                key,
            } => match self.readings.get(&(*kpi, date.clone())) {
                // A day read once: a second write of the same value changes
                // nothing, a different one keeps the first in the history.
                Some((row, before)) => Found {
                    count: 1 + before,
                    as_sent: row.value == *value && row.belongs == *key,
                    at: Some(&row.at),
                },
                None => Found {
                    count: 0,
                    as_sent: true,
                    at: None,
                },
            },
        }
    }

    /// How many check-ins are stored under `progress`.
    pub fn check_in(&self, progress: &str) -> usize {
        self.check_ins.get(progress).map_or(0, Vec::len)
    }
}
