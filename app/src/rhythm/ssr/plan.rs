//! A cycle's communication plan: reading it, adding, changing and removing
//! meetings. A new cycle's plan is started with the cycle, from the previous
//! cycle's (see `cycles::ssr::plan`).

use super::super::{
    CyclePlan, MAX_CUSTOM_NAME, MAX_FORMAT, MAX_OWNER, MAX_POINTS, PlanMeeting, Planning,
    ScopeUnit, UnitChoice, UnitPlanning,
};
use super::{Meeting, meetings_of};
use crate::auth::ssr::require_caller;
use crate::cycles::ssr::{fetch_cycle, insert_meeting, today};
use crate::domain::cycles::{Calendar, Phase};
use crate::domain::permissions::{self, Actor};
use crate::domain::rhythm::planning::{PlannedObjective, checklist};
use crate::domain::rhythm::{self, Level, MeetingDraft, MeetingKind};
use crate::domain::roles::Role;
use crate::domain::units::UnitTree;
use crate::domain::warnings::KeyResultFacts;
use crate::error::AppError;
use crate::objectives::ssr::{actor_of, fetch_objectives, forbidden};
use crate::org::load_tree;
use crate::sql::Conn;
use crate::state::{begin_write, pool};

/// A meeting as its form posts it.
pub struct MeetingInput {
    pub kind: String,
    pub custom_name: String,
    pub level: String,
    pub unit_id: String,
    pub frequency: String,
    pub weekday: String,
    pub format: String,
    pub owner: String,
    pub points: String,
}

impl MeetingInput {
    /// The meeting, or the first field at fault.
    fn parse(self) -> Result<(MeetingDraft, Option<i64>), AppError> {
        let kind: MeetingKind = self
            .kind
            .parse()
            .map_err(|m| AppError::invalid("kind", m))?;
        let custom_name = self.custom_name.trim().to_owned();
        if kind == MeetingKind::Custom && custom_name.is_empty() {
            return Err(AppError::invalid("custom_name", "Name the meeting."));
        }
        let level = self
            .level
            .parse()
            .map_err(|m| AppError::invalid("level", m))?;
        let unit_id = crate::units::parse_optional_id("unit_id", &self.unit_id)?;
        let frequency = self
            .frequency
            .parse()
            .map_err(|m| AppError::invalid("frequency", m))?;
        let weekday = self
            .weekday
            .trim()
            .parse::<u8>()
            .ok()
            .filter(|day| (1..=7).contains(day))
            .ok_or_else(|| AppError::invalid("weekday", "Choose a day of the week."))?;
        let text = |field: &'static str, raw: String, max: usize| {
            let trimmed = raw.trim().to_owned();
            if trimmed.chars().count() > max {
                Err(AppError::invalid(
                    field,
                    format!("Keep it under {max} characters."),
                ))
            } else {
                Ok(trimmed)
            }
        };
        let draft = MeetingDraft {
            kind,
            custom_name: text("custom_name", custom_name, MAX_CUSTOM_NAME)?,
            level,
            frequency,
            weekday,
            format: text("format", self.format, MAX_FORMAT)?,
            owner: text("owner", self.owner, MAX_OWNER)?,
            points: text("points", self.points, MAX_POINTS)?,
        };
        Ok((draft, unit_id))
    }
}

pub async fn cycle_plan(cycle_id: i64) -> Result<CyclePlan, AppError> {
    let caller = require_caller().await?;
    let pool = pool()?;
    let tree = load_tree(&pool).await?;
    let mut db = pool.acquire().await?;
    let cycle = fetch_cycle(&mut *db, cycle_id).await?;
    let actor = actor_of(&mut db, &caller, &tree).await?;
    let calendar = cycle.calendar()?;
    let today = today();
    let meetings = meetings_of(&mut db, cycle_id)
        .await?
        .into_iter()
        .map(|meeting| view_of(meeting, &tree, &actor, &calendar, today))
        .collect();
    let may_add_for = tree
        .ordered()
        .into_iter()
        .filter(|(node, _)| permissions::check_plan(&actor, Some(node.id)).is_ok())
        .map(|(node, _)| UnitChoice {
            id: node.id,
            label: tree.path(node.id).join(" › "),
        })
        .collect();
    let out = crate::objectives::ssr::units_out(&mut db, cycle_id).await?;
    let scope = tree
        .ordered()
        .into_iter()
        .map(|(node, depth)| ScopeUnit {
            unit_id: node.id,
            unit_path: tree.path(node.id).join(" › "),
            depth,
            taking_part: !out.contains(&node.id),
        })
        .collect();
    let planning = match cycle.phase {
        Phase::Upcoming | Phase::Planning => {
            Some(planning(&mut db, &tree, &out, &calendar, cycle.id, today).await?)
        }
        _ => None,
    };
    Ok(CyclePlan {
        cycle,
        scope,
        may_set_scope: actor.role == Role::Ambassador,
        planning,
        meetings,
        may_add_for_everyone: permissions::check_plan(&actor, None).is_ok(),
        may_add_for,
    })
}

/// Lets `unit_id` take part in `cycle_id` or leaves it out: the
/// ambassador's call. The board hears it as an event (its map drops the
/// unit's gaps) and the leaderboard is recomputed without it. Returns the
/// units left out now.
#[tracing::instrument]
pub async fn set_taking_part(
    cycle_id: i64,
    unit_id: i64,
    taking_part: bool,
) -> Result<Vec<i64>, AppError> {
    let caller = crate::auth::ssr::require_ambassador().await?;
    let tree = load_tree(&pool()?).await?;
    if tree.get(unit_id).is_none() {
        return Err(AppError::NotFound("That unit".into()));
    }
    let mut tx = begin_write().await?;
    fetch_cycle(&mut *tx, cycle_id).await?;
    let changed = if taking_part {
        sqlx::query("DELETE FROM cycle_units_out WHERE cycle_id = $1 AND unit_id = $2")
    } else {
        sqlx::query(
            "INSERT INTO cycle_units_out (cycle_id, unit_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        )
    }
    .bind(cycle_id)
    .bind(unit_id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    let out = crate::objectives::ssr::units_out(&mut tx, cycle_id).await?;
    if changed == 0 {
        // Already so (a retried request): nothing to tell anyone.
        return Ok(out);
    }
    let event = crate::objectives::ssr::record_cycle_event(&mut tx, cycle_id, |version| {
        crate::objectives::BoardEvent::ScopeChanged {
            version,
            by: caller.name.clone(),
            units_out: out.clone(),
        }
    })
    .await?;
    tx.commit().await?;
    tracing::info!(
        cycle = cycle_id,
        unit = unit_id,
        taking_part,
        "cycle scope changed"
    );
    if let Ok(state) = crate::state::app_state() {
        crate::live::ssr::after_commit(&state, cycle_id, vec![event]);
    }
    Ok(out)
}

/// Every unit's planning checklist for the cycle, in tree order, and the
/// days of planning left.
async fn planning(
    db: &mut Conn,
    tree: &UnitTree,
    out: &[i64],
    calendar: &Calendar,
    cycle_id: i64,
    today: time::Date,
) -> Result<Planning, AppError> {
    let objectives = fetch_objectives(db, "o.cycle_id = $1", cycle_id).await?;
    let units = tree
        .ordered()
        .into_iter()
        .filter(|(node, _)| !out.contains(&node.id))
        .map(|(node, _)| {
            let planned: Vec<PlannedObjective<'_>> = objectives
                .iter()
                .filter(|o| o.unit_id == node.id)
                .map(|o| PlannedObjective {
                    status: o.status,
                    why_important: &o.why_important,
                    why_urgent: &o.why_urgent,
                    key_results: o
                        .key_results
                        .iter()
                        .map(|k| KeyResultFacts {
                            title: &k.title,
                            readiness: k.readiness,
                            fallback: k.fallback,
                            proxy_name: &k.proxy_name,
                        })
                        .collect(),
                })
                .collect();
            UnitPlanning {
                unit_id: node.id,
                unit_path: tree.path(node.id).join(" › "),
                checklist: checklist(&planned),
            }
        })
        .collect();
    let from = today.max(calendar.start);
    Ok(Planning {
        days_left: (calendar.execution_start() - from).whole_days().max(0),
        units,
    })
}

/// A stored meeting as the person `actor` sees it on `today`.
fn view_of(
    meeting: Meeting,
    tree: &UnitTree,
    actor: &Actor,
    calendar: &Calendar,
    today: time::Date,
) -> PlanMeeting {
    // The agenda opens for the unit it is held for, else for the person's
    // own unit (or its department, for a department meeting).
    let unit = meeting.row.unit_id.or_else(|| {
        actor.units.first().map(|unit| match meeting.level {
            Level::Department => tree.department_of(*unit),
            _ => *unit,
        })
    });
    let agenda =
        rhythm::agenda_for(meeting.kind, meeting.level, unit, actor.id).map(|key| key.href());
    PlanMeeting {
        id: meeting.row.id,
        kind: meeting.kind,
        custom_name: meeting.row.custom_name,
        level: meeting.level,
        unit_id: meeting.row.unit_id,
        held_for: meeting
            .row
            .unit_id
            .map_or_else(|| "Everyone".to_owned(), |unit| tree.path(unit).join(" › ")),
        frequency: meeting.frequency,
        weekday: meeting.weekday,
        format: meeting.row.format,
        owner: meeting.row.owner,
        points: meeting.row.points,
        version: meeting.row.version,
        next_on: rhythm::next_occurrence(meeting.frequency, meeting.weekday, calendar, today)
            .map(|day| day.to_string()),
        agenda,
        may_edit: may_hold(actor, meeting.row.unit_id, meeting.level).is_ok(),
    }
}

/// Whether `actor` may hold a meeting of the plan at `level` for `unit`
/// (add, change or remove it).
fn may_hold(actor: &Actor, unit: Option<i64>, level: Level) -> Result<(), AppError> {
    permissions::check_plan(actor, unit).map_err(forbidden)?;
    permissions::check_plan_level(actor, level).map_err(forbidden)
}

/// Adds a meeting (`id` empty) or changes one read at `version`.
#[tracing::instrument(skip(input))]
pub async fn save(
    cycle_id: i64,
    id: &str,
    version: &str,
    client_id: Option<&str>,
    input: MeetingInput,
) -> Result<PlanMeeting, AppError> {
    let caller = require_caller().await?;
    let id = crate::units::parse_optional_id("id", id)?;
    let version = crate::units::parse_optional_id("version", version)?;
    let (draft, unit_id) = input.parse()?;
    let tree = load_tree(&pool()?).await?;
    let mut tx = begin_write().await?;
    let actor = actor_of(&mut tx, &caller, &tree).await?;
    if unit_id.is_some_and(|unit| tree.get(unit).is_none()) {
        return Err(AppError::invalid("unit_id", "That unit no longer exists."));
    }
    permissions::check_plan(&actor, unit_id).map_err(forbidden)?;
    // The level is a choice of the form: said next to it.
    permissions::check_plan_level(&actor, draft.level)
        .map_err(|denied| AppError::invalid("level", denied.to_string()))?;
    let cycle = fetch_cycle(&mut *tx, cycle_id).await?;
    let now = crate::sql::now();
    let client_id = client_id
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(|c| crate::domain::validation::client_id("client_id", c))
        .transpose()?;
    // A retried add: the meeting it made the first time.
    if id.is_none()
        && let Some(client_id) = &client_id
    {
        let made: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM plan_meetings WHERE client_id = $1 AND cycle_id = $2",
        )
        .bind(client_id)
        .bind(cycle_id)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(made) = made {
            let meeting = meetings_of(&mut tx, cycle_id)
                .await?
                .into_iter()
                .find(|m| m.row.id == made)
                .ok_or(AppError::Internal)?;
            return Ok(view_of(meeting, &tree, &actor, &cycle.calendar()?, today()));
        }
    }
    let id = match id {
        None => {
            let position: i64 = sqlx::query_scalar(
                "SELECT COALESCE(MAX(position), 0) + 1 FROM plan_meetings WHERE cycle_id = $1",
            )
            .bind(cycle_id)
            .fetch_one(&mut *tx)
            .await?;
            let id = insert_meeting(
                &mut tx, cycle_id, &draft, unit_id, position, caller.id, &now,
            )
            .await?;
            sqlx::query("UPDATE plan_meetings SET client_id = $1 WHERE id = $2")
                .bind(&client_id)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            id
        }
        Some(id) => {
            let (stored_cycle, stored_unit, stored_level, current): (
                i64,
                Option<i64>,
                String,
                i64,
            ) = sqlx::query_as(
                "SELECT cycle_id, unit_id, level, version FROM plan_meetings WHERE id = $1",
            )
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?
            .filter(|(stored_cycle, _, _, _)| *stored_cycle == cycle_id)
            .ok_or_else(|| AppError::NotFound("That meeting".into()))?;
            let _ = stored_cycle;
            // Moving a meeting away from a unit, or from the organisation's
            // level, needs rights there too.
            let stored_level = stored_level.parse().map_err(crate::error::ssr::internal)?;
            may_hold(&actor, stored_unit, stored_level)?;
            if version != Some(current) {
                // A retry of this very change, already applied: its result.
                let stored = meetings_of(&mut tx, cycle_id)
                    .await?
                    .into_iter()
                    .find(|m| m.row.id == id)
                    .ok_or(AppError::Internal)?;
                let by: i64 =
                    sqlx::query_scalar("SELECT updated_by FROM plan_meetings WHERE id = $1")
                        .bind(id)
                        .fetch_one(&mut *tx)
                        .await?;
                if by == caller.id && version == Some(current - 1) && same(&stored, &draft, unit_id)
                {
                    return Ok(view_of(stored, &tree, &actor, &cycle.calendar()?, today()));
                }
                return Err(changed_since());
            }
            sqlx::query(
                "UPDATE plan_meetings SET kind = $1, custom_name = $2, level = $3, unit_id = $4, \
                 frequency = $5, weekday = $6, format = $7, owner = $8, points = $9, \
                 version = version + 1, updated_by = $10, updated_at = $11 WHERE id = $12",
            )
            .bind(draft.kind.as_str())
            .bind(&draft.custom_name)
            .bind(draft.level.as_str())
            .bind(unit_id)
            .bind(draft.frequency.as_str())
            .bind(i64::from(draft.weekday))
            .bind(&draft.format)
            .bind(&draft.owner)
            .bind(&draft.points)
            .bind(caller.id)
            .bind(&now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            id
        }
    };
    sqlx::query("UPDATE cycles SET plan_started = TRUE WHERE id = $1")
        .bind(cycle_id)
        .execute(&mut *tx)
        .await?;
    let meeting = meetings_of(&mut tx, cycle_id)
        .await?
        .into_iter()
        .find(|meeting| meeting.row.id == id)
        .ok_or(AppError::Internal)?;
    tx.commit().await?;
    tracing::info!(meeting = id, cycle = cycle_id, "plan meeting saved");
    Ok(view_of(meeting, &tree, &actor, &cycle.calendar()?, today()))
}

/// Whether the stored meeting already says what `draft` says.
fn same(stored: &Meeting, draft: &MeetingDraft, unit_id: Option<i64>) -> bool {
    stored.kind == draft.kind
        && stored.row.custom_name == draft.custom_name
        && stored.level == draft.level
        && stored.row.unit_id == unit_id
        && stored.frequency == draft.frequency
        && stored.weekday == draft.weekday
        && stored.row.format == draft.format
        && stored.row.owner == draft.owner
        && stored.row.points == draft.points
}

fn changed_since() -> AppError {
    AppError::Conflict(
        "Someone changed this meeting since you opened it. Reload to see their change, then make yours."
            .into(),
    )
}

/// Removes a meeting read at `version`.
#[tracing::instrument]
pub async fn delete(id: i64, version: i64) -> Result<(), AppError> {
    let caller = require_caller().await?;
    let tree = load_tree(&pool()?).await?;
    let mut tx = begin_write().await?;
    let actor = actor_of(&mut tx, &caller, &tree).await?;
    let stored: Option<(Option<i64>, String, i64)> =
        sqlx::query_as("SELECT unit_id, level, version FROM plan_meetings WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
    let Some((unit, level, current)) = stored else {
        // Gone already (a retried removal): what was asked is so.
        return Ok(());
    };
    may_hold(
        &actor,
        unit,
        level.parse().map_err(crate::error::ssr::internal)?,
    )?;
    if version != current {
        return Err(changed_since());
    }
    sqlx::query("DELETE FROM plan_meetings WHERE id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}
