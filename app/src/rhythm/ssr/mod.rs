//! The plan and the agendas in the database.

pub mod notes;
pub mod one_on_one;
pub mod plan;
pub mod review;
pub mod weekly;

use super::PlannedPoints;
use crate::cycles::Cycle;
use crate::domain::rhythm::{self, AgendaKey, Frequency, Level, MeetingKind};
use crate::error::{AppError, ssr::internal};
use crate::sql::Conn;
use time::Date;

/// A meeting of a plan as stored.
#[derive(Debug, sqlx::FromRow)]
pub struct MeetingRow {
    pub id: i64,
    pub kind: String,
    pub custom_name: String,
    pub level: String,
    pub unit_id: Option<i64>,
    pub frequency: String,
    pub weekday: i64,
    pub format: String,
    pub owner: String,
    pub points: String,
    pub version: i64,
}

/// A stored meeting with its words parsed.
pub struct Meeting {
    pub row: MeetingRow,
    pub kind: MeetingKind,
    pub level: Level,
    pub frequency: Frequency,
    pub weekday: u8,
}

impl Meeting {
    pub fn name(&self) -> String {
        if self.kind == MeetingKind::Custom {
            self.row.custom_name.clone()
        } else {
            self.kind.label().to_owned()
        }
    }
}

pub async fn meetings_of(db: &mut Conn, cycle_id: i64) -> Result<Vec<Meeting>, AppError> {
    let rows = sqlx::query_as::<_, MeetingRow>(
        "SELECT id, kind, custom_name, level, unit_id, frequency, weekday, format, owner, points, version \
         FROM plan_meetings WHERE cycle_id = $1 ORDER BY position, id",
    )
    .bind(cycle_id)
    .fetch_all(&mut *db)
    .await?;
    rows.into_iter()
        .map(|row| {
            Ok(Meeting {
                kind: row.kind.parse().map_err(internal)?,
                level: row.level.parse().map_err(internal)?,
                frequency: row.frequency.parse().map_err(internal)?,
                weekday: u8::try_from(row.weekday).map_err(internal)?,
                row,
            })
        })
        .collect()
}

/// What the plan of `cycle` says the agenda `key` discusses — the meetings
/// that feed it and are held for everyone or for one of `units` (the
/// agenda's units and the units above them) — and the day whose notes are
/// being written (the latest meeting on or before today; today when the
/// plan names no such meeting).
pub async fn planned(
    db: &mut Conn,
    cycle: Option<&Cycle>,
    key: AgendaKey,
    units: &[i64],
    today: Date,
) -> Result<(Vec<PlannedPoints>, Date), AppError> {
    let Some(cycle) = cycle else {
        return Ok((Vec::new(), today));
    };
    let calendar = cycle.calendar()?;
    let mut points = Vec::new();
    let mut days = Vec::new();
    for meeting in meetings_of(db, cycle.id).await? {
        let held_here = meeting.row.unit_id.is_none_or(|unit| units.contains(&unit));
        if !held_here || !rhythm::feeds(meeting.kind, meeting.level, key) {
            continue;
        }
        days.extend(rhythm::occurrences(
            meeting.frequency,
            meeting.weekday,
            &calendar,
        ));
        points.push(PlannedPoints {
            meeting: meeting.name(),
            format: meeting.row.format.clone(),
            points: meeting
                .row
                .points
                .lines()
                .map(str::trim)
                .filter(|line| !line.is_empty())
                .map(str::to_owned)
                .collect(),
        });
    }
    days.sort_unstable();
    days.dedup();
    // Between cycles, notes belong to the day they are written on, not to
    // the ended cycle's last meeting.
    let running = !matches!(
        cycle.phase,
        crate::domain::cycles::Phase::Upcoming | crate::domain::cycles::Phase::Closed
    );
    let day = if running {
        rhythm::meeting_day(&days, today).unwrap_or(today)
    } else {
        today
    };
    Ok((points, day))
}
