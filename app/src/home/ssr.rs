//! What needs the signed-in person this week, read from the database.

use super::{DueKeyResult, NextMeeting, ToClose, UnitPlace, WaitingProposal, Week};
use crate::cycles::Cycle;
use crate::cycles::ssr::{fetch_cycle, today};
use crate::domain::cadence::in_week;
use crate::domain::cycles::Phase;
use crate::domain::okr::Status;
use crate::domain::permissions::Actor;
use crate::domain::rhythm::{self, Level};
use crate::domain::roles::Role;
use crate::domain::units::UnitTree;
use crate::error::AppError;
use crate::objectives::ssr::fetch_objectives;
use crate::rhythm::ssr::meetings_of;
use crate::sql::Conn;
use crate::state::{app_state, pool};
use time::{Date, Duration};

/// Meetings home lists, and how far ahead it looks for a cycle's start.
const MEETINGS: usize = 5;
const LOOK_AHEAD_DAYS: i64 = 14;

pub async fn week() -> Result<Week, AppError> {
    let mut db = pool()?.acquire().await?;
    let (caller, tree, actor) = crate::objectives::ssr::asking(&mut db).await?;
    let today = today();
    let cycles = open_cycles(&mut db, today).await?;
    let current = crate::cycles::ssr::current_cycle(&mut db, today).await?;
    let mut due_now = Vec::new();
    for cycle in cycles
        .iter()
        .filter(|c| !matches!(c.phase, Phase::Upcoming | Phase::Closed))
    {
        due_now.extend(due(&mut db, cycle, caller.id, today).await?);
    }
    // Overdue first.
    due_now.sort_by_key(|d| !d.overdue);
    let reviews_proposals = matches!(actor.role, Role::Lead | Role::Ambassador);
    let proposals = if reviews_proposals {
        proposals(&mut db, &actor, today).await?
    } else {
        Vec::new()
    };
    let retro: Vec<&Cycle> = cycles
        .iter()
        .filter(|c| c.phase == Phase::Retrospective)
        .collect();
    let to_close = to_close(&mut db, &actor, &retro).await?;
    let meetings = meetings(&mut db, &tree, &actor, &cycles, today).await?;
    drop(db);
    let leaderboard = crate::leaderboard::ssr::latest(&app_state()?).await?;
    let rows = &leaderboard.standings.rows;
    let places = rows
        .iter()
        .filter(|row| actor.units.contains(&row.unit_id))
        .map(|row| UnitPlace {
            name: row.name.clone(),
            rank: row.rank,
            of: rows.len(),
            progress: row.progress,
            expected: leaderboard.standings.expected,
        })
        .collect();
    Ok(Week {
        cycle: current,
        due: due_now,
        reviews_proposals,
        proposals,
        to_close,
        meetings,
        places,
    })
}

/// Cycles not over yet that have begun or begin within [`LOOK_AHEAD_DAYS`].
async fn open_cycles(db: &mut Conn, today: Date) -> Result<Vec<Cycle>, AppError> {
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM cycles WHERE end_date >= $1 AND start_date <= $2 ORDER BY start_date, id",
    )
    .bind(today.to_string())
    .bind((today + Duration::days(LOOK_AHEAD_DAYS)).to_string())
    .fetch_all(&mut *db)
    .await?;
    let mut cycles = Vec::with_capacity(ids.len());
    for id in ids {
        cycles.push(fetch_cycle(&mut *db, id).await?);
    }
    Ok(cycles)
}

/// The person's key results of active objectives with no check-in in the
/// last seven days.
async fn due(
    db: &mut Conn,
    cycle: &Cycle,
    person: i64,
    today: Date,
) -> Result<Vec<DueKeyResult>, AppError> {
    let objectives = fetch_objectives(
        db,
        &format!(
            "o.cycle_id = {} AND o.status = 'active' AND o.id IN \
             (SELECT objective_id FROM key_results WHERE owner_id = $1)",
            cycle.id
        ),
        person,
    )
    .await?;
    let day = today.to_string();
    let mut due = Vec::new();
    for objective in objectives {
        for key_result in &objective.key_results {
            let checked_in = key_result
                .last_check_in
                .as_deref()
                .and_then(|d| crate::cycles::parse_date("day", d).ok())
                .is_some_and(|d| in_week(d, today, 0));
            if key_result.owner_id != person || checked_in || key_result.is_delayed() {
                continue;
            }
            due.push(DueKeyResult {
                overdue: key_result.is_overdue(cycle, Status::Active, &day),
                key_result: key_result.clone(),
                objective_id: objective.id.clone(),
                objective_title: objective.title.clone(),
            });
        }
    }
    Ok(due)
}

/// Objectives proposed in units the person leads (every one, for the
/// ambassador), in cycles not over yet.
async fn proposals(
    db: &mut Conn,
    actor: &Actor,
    today: Date,
) -> Result<Vec<WaitingProposal>, AppError> {
    let rows: Vec<(String, String, i64, String, i64, String)> = sqlx::query_as(
        "SELECT o.id, o.title, o.unit_id, u.name, c.id, c.name FROM objectives o \
         JOIN units u ON u.id = o.unit_id JOIN cycles c ON c.id = o.cycle_id \
         WHERE o.status = 'proposed' AND c.end_date >= $1 ORDER BY c.start_date, o.created_at, o.id",
    )
    .bind(today.to_string())
    .fetch_all(&mut *db)
    .await?;
    Ok(rows
        .into_iter()
        .filter(|row| actor.role == Role::Ambassador || actor.led.contains(&row.2))
        .map(
            |(objective_id, title, _, unit, cycle_id, cycle)| WaitingProposal {
                objective_id,
                title,
                unit,
                cycle_id,
                cycle,
            },
        )
        .collect())
}

/// Active objectives owned or shared by the person's units (or units they
/// lead) in cycles whose retrospective window is open.
async fn to_close(
    db: &mut Conn,
    actor: &Actor,
    retro: &[&Cycle],
) -> Result<Vec<ToClose>, AppError> {
    let mut open = Vec::new();
    for cycle in retro {
        let rows: Vec<(String, String, i64, String)> = sqlx::query_as(
            "SELECT o.id, o.title, o.unit_id, u.name FROM objectives o JOIN units u ON u.id = o.unit_id \
             WHERE o.cycle_id = $1 AND o.status = 'active' ORDER BY o.created_at, o.id",
        )
        .bind(cycle.id)
        .fetch_all(&mut *db)
        .await?;
        let shares: Vec<(String, i64)> = sqlx::query_as(
            "SELECT ou.objective_id, ou.unit_id FROM objective_units ou \
             JOIN objectives o ON o.id = ou.objective_id \
             WHERE o.cycle_id = $1 AND o.status = 'active' AND ou.state = 'accepted'",
        )
        .bind(cycle.id)
        .fetch_all(&mut *db)
        .await?;
        let mut shared_by: std::collections::HashMap<String, Vec<i64>> = Default::default();
        for (objective, unit) in shares {
            shared_by.entry(objective).or_default().push(unit);
        }
        for (objective_id, title, unit_id, unit) in rows {
            let shared = shared_by.remove(&objective_id).unwrap_or_default();
            if actor.acts_in(unit_id) || shared.iter().any(|u| actor.acts_in(*u)) {
                open.push(ToClose {
                    objective_id,
                    title,
                    unit,
                    cycle: cycle.name.clone(),
                    days_left: cycle.days_left,
                });
            }
        }
    }
    Ok(open)
}

/// The person's next meetings in the open cycles' plans: those held for
/// everyone or for one of their units or a unit above, soonest first.
async fn meetings(
    db: &mut Conn,
    tree: &UnitTree,
    actor: &Actor,
    cycles: &[Cycle],
    today: Date,
) -> Result<Vec<NextMeeting>, AppError> {
    let mine: Vec<i64> = actor
        .units
        .iter()
        .flat_map(|unit| tree.unit_and_above(*unit))
        .collect();
    let home_unit = actor.units.first().copied();
    let mut next = Vec::new();
    for cycle in cycles {
        let calendar = cycle.calendar()?;
        for meeting in meetings_of(db, cycle.id).await? {
            if meeting
                .row
                .unit_id
                .is_some_and(|unit| !mine.contains(&unit))
            {
                continue;
            }
            let Some(on) =
                rhythm::next_occurrence(meeting.frequency, meeting.weekday, &calendar, today)
            else {
                continue;
            };
            let unit = meeting
                .row
                .unit_id
                .or(home_unit.map(|unit| match meeting.level {
                    Level::Department => tree.department_of(unit),
                    _ => unit,
                }));
            let agenda = rhythm::agenda_for(meeting.kind, meeting.level, unit, actor.id)
                .map(|key| key.href())
                .or_else(|| Some(format!("/cycles/{}", cycle.id)));
            next.push(NextMeeting {
                name: meeting.name(),
                on: on.to_string(),
                format: meeting.row.format.clone(),
                agenda,
            });
        }
    }
    next.sort_by(|a, b| a.on.cmp(&b.on));
    // Overlapping cycles plan the same meetings: each once, soonest.
    let mut seen = std::collections::HashSet::new();
    next.retain(|m| seen.insert((m.name.clone(), m.agenda.clone())));
    next.truncate(MEETINGS);
    Ok(next)
}
