//! The end of a cycle in the database: completing it, closing without a
//! retrospective, carrying an objective over. Each is one write
//! transaction ending in the board's event, and each answers a retried
//! request with what the first attempt did.

use super::{CarriedFrom, CarriedInto, Carry, Completion};
use crate::auth::ssr::{require_ambassador, require_caller};
use crate::cycles::Cycle;
use crate::cycles::ssr::fetch_cycle;
use crate::domain::okr::Status;
use crate::domain::permissions::{self, Change};
use crate::domain::retro::{self, Ending, Incomplete, Span};
use crate::domain::validation::client_id;
use crate::error::{AppError, ssr::internal};
use crate::objectives::ssr::{
    actor_of, fetch_objective, finish, forbidden, may_create_in, record_cycle_event,
};
use crate::objectives::{BoardEvent, Objective};
use crate::org::load_tree;
use crate::sql::{Conn, Flag};
use crate::state::{begin_write, pool};

/// How each objective of the cycle ends: status, has a note, has a reason.
async fn endings(db: &mut Conn, cycle_id: i64) -> Result<Vec<Ending>, AppError> {
    let rows: Vec<(String, Flag, Flag)> = sqlx::query_as(
        "SELECT o.status, n.id IS NOT NULL, o.no_retro_reason IS NOT NULL FROM objectives o \
         LEFT JOIN closing_notes n ON n.objective_id = o.id WHERE o.cycle_id = $1",
    )
    .bind(cycle_id)
    .fetch_all(&mut *db)
    .await?;
    rows.into_iter()
        .map(|(status, Flag(note), Flag(reason))| {
            let status: Status = status.parse().map_err(internal)?;
            Ok(match (status, note, reason) {
                (Status::Closed, true, _) => Ending::Note,
                (Status::Closed, false, true) => Ending::WithoutRetro,
                (Status::Closed, false, false) => Ending::Bare,
                (open, _, _) => Ending::Open(open),
            })
        })
        .collect()
}

fn verdict(cycle: &Cycle, endings: &[Ending]) -> Result<(), Incomplete> {
    retro::check_complete(cycle.phase, cycle.completed.is_some(), endings)
}

pub async fn completion(cycle_id: i64) -> Result<Completion, AppError> {
    require_caller().await?;
    let mut db = pool()?.acquire().await?;
    let cycle = fetch_cycle(&mut *db, cycle_id).await?;
    let endings = endings(&mut db, cycle_id).await?;
    let count = |f: fn(&Ending) -> bool| endings.iter().filter(|e| f(e)).count();
    Ok(Completion {
        blocked: verdict(&cycle, &endings).err().map(|e| e.to_string()),
        closed_with_note: count(|e| *e == Ending::Note),
        closed_without_retro: count(|e| *e == Ending::WithoutRetro),
        open: count(|e| !matches!(e, Ending::Note | Ending::WithoutRetro)),
        cycle,
    })
}

#[tracing::instrument]
pub async fn complete_cycle(cycle_id: i64) -> Result<Cycle, AppError> {
    let caller = require_ambassador().await?;
    let mut tx = begin_write().await?;
    let cycle = fetch_cycle(&mut *tx, cycle_id).await?;
    if cycle.completed.is_some() {
        // A retried request, or someone else was quicker: it is complete.
        return Ok(cycle);
    }
    let endings = endings(&mut tx, cycle_id).await?;
    verdict(&cycle, &endings).map_err(|e| AppError::Conflict(e.to_string()))?;
    sqlx::query(
        "UPDATE cycles SET completed_at = $1, completed_by = $2 WHERE id = $3 AND completed_at IS NULL",
    )
    .bind(crate::sql::now())
    .bind(caller.id)
    .bind(cycle_id)
    .execute(&mut *tx)
    .await?;
    let cycle = fetch_cycle(&mut *tx, cycle_id).await?;
    let event = record_cycle_event(&mut tx, cycle_id, |version| BoardEvent::CycleChanged {
        version,
        by: caller.name.clone(),
        cycle: Box::new(cycle.clone()),
    })
    .await?;
    tx.commit().await?;
    tracing::info!(cycle = cycle_id, "cycle complete");
    if let Ok(state) = crate::state::app_state() {
        crate::live::ssr::after_commit(&state, cycle_id, vec![event]);
    }
    Ok(cycle)
}

#[tracing::instrument(skip(reason))]
pub async fn close_without_retro(id: &str, reason: &str) -> Result<Objective, AppError> {
    let caller = require_caller().await?;
    let tree = load_tree(&pool()?).await?;
    let mut tx = begin_write().await?;
    let objective = fetch_objective(&mut tx, id.trim())
        .await?
        .ok_or_else(|| AppError::NotFound("That objective".into()))?;
    let reason = retro::no_retro_reason(&crate::domain::search::clean_text(reason))
        .map_err(|message| AppError::invalid("reason", message))?;
    if objective.status == Status::Closed {
        let by: Option<i64> =
            sqlx::query_scalar("SELECT no_retro_by FROM objectives WHERE id = $1")
                .bind(&objective.id)
                .fetch_one(&mut *tx)
                .await?;
        return match &objective.no_retro_reason {
            // A retried request: the first attempt closed it so.
            Some(saved) if *saved == reason && by == Some(caller.id) => Ok(objective),
            _ => Err(AppError::Conflict(format!(
                "{} closed this objective meanwhile; reload to see how.",
                objective
                    .no_retro_by
                    .as_deref()
                    .unwrap_or(&objective.updated_by)
            ))),
        };
    }
    let actor = actor_of(&mut tx, &caller, &tree).await?;
    permissions::check(&actor, Change::CloseWithoutRetro, &objective.scope()).map_err(forbidden)?;
    sqlx::query(
        "UPDATE objectives SET status = 'closed', no_retro_reason = $1, no_retro_by = $2 WHERE id = $3",
    )
    .bind(&reason)
    .bind(caller.id)
    .bind(&objective.id)
        .execute(&mut *tx)
        .await?;
    finish(tx, &objective.id, &caller).await
}

async fn spans(db: &mut Conn) -> Result<Vec<Span>, AppError> {
    let rows: Vec<(i64, String, String, Flag)> =
        sqlx::query_as("SELECT id, start_date, end_date, completed_at IS NOT NULL FROM cycles")
            .fetch_all(&mut *db)
            .await?;
    rows.into_iter()
        .map(|(id, start, end, Flag(complete))| {
            Ok(Span {
                id,
                start: crate::cycles::parse_date("start", &start).map_err(internal)?,
                end: crate::cycles::parse_date("end", &end).map_err(internal)?,
                complete,
            })
        })
        .collect()
}

/// The cycle `cycle_id`'s objectives are carried into, if there is one.
async fn next_cycle_of(db: &mut Conn, cycle_id: i64) -> Result<Option<Cycle>, AppError> {
    let spans = spans(db).await?;
    let Some(from) = spans.iter().find(|s| s.id == cycle_id) else {
        return Ok(None);
    };
    match retro::next_cycle(from, &spans) {
        Some(next) => Ok(Some(fetch_cycle(&mut *db, next).await?)),
        None => Ok(None),
    }
}

/// The draft `objective` was carried into, if any.
async fn carried_into(
    db: &mut Conn,
    objective_id: &str,
) -> Result<Option<(String, i64)>, AppError> {
    Ok(
        sqlx::query_as("SELECT id, cycle_id FROM objectives WHERE carried_from = $1")
            .bind(objective_id)
            .fetch_optional(&mut *db)
            .await?,
    )
}

fn measures(objective: &Objective) -> Vec<crate::domain::progress::Measure> {
    objective.key_results.iter().map(|k| k.measure()).collect()
}

/// Where `objective` came from and where it went, for its page.
pub(crate) async fn carry_of(
    db: &mut Conn,
    objective: &Objective,
    viewer: &crate::domain::permissions::Actor,
) -> Result<Carry, AppError> {
    let draft_here = permissions::Scope {
        status: Status::Draft,
        owner_unit: objective.unit_id,
        shared_units: Vec::new(),
    };
    let mut carry = Carry {
        may_carry: permissions::check(viewer, Change::Edit, &draft_here).is_ok(),
        ..Carry::default()
    };
    if let Some(from_id) = &objective.carried_from
        && let Some(from) = fetch_objective(db, from_id).await?
    {
        carry.from = Some(CarriedFrom {
            cycle: fetch_cycle(&mut *db, from.cycle_id).await?.name,
            note: crate::lessons::ssr::note_of(db, &from.id).await?,
            objective_id: from.id,
            title: from.title,
            no_retro_reason: from.no_retro_reason,
        });
    }
    if objective.status != Status::Closed || !retro::unfinished(&measures(objective)) {
        return Ok(carry);
    }
    if let Some((id, cycle_id)) = carried_into(db, &objective.id).await? {
        carry.into = Some(CarriedInto {
            objective_id: id,
            cycle: fetch_cycle(&mut *db, cycle_id).await?.name,
        });
        return Ok(carry);
    }
    carry.reached = objective
        .key_results
        .iter()
        .filter(|k| retro::carried_measure(&k.measure()).is_none())
        .map(|k| k.title.clone())
        .collect();
    match next_cycle_of(db, objective.cycle_id).await? {
        Some(next) => carry.next_cycle = Some(next.name),
        None => {
            carry.blocked = Some(
                "There is no next cycle to carry it into yet: the ambassador creates it on the Cycles page."
                    .into(),
            )
        }
    }
    Ok(carry)
}

#[tracing::instrument]
pub async fn carry_over(id: &str, new_id: &str) -> Result<Objective, AppError> {
    let caller = require_caller().await?;
    let new_id = client_id("new_id", new_id)?;
    let tree = load_tree(&pool()?).await?;
    let mut tx = begin_write().await?;
    let source = fetch_objective(&mut tx, id.trim())
        .await?
        .ok_or_else(|| AppError::NotFound("That objective".into()))?;
    may_create_in(&mut tx, &caller, &tree, source.unit_id).await?;
    // Carried already (a retry, or someone else): the draft it has.
    if let Some((existing, _)) = carried_into(&mut tx, &source.id).await? {
        return fetch_objective(&mut tx, &existing)
            .await?
            .ok_or_else(|| internal("carried draft vanished"));
    }
    if fetch_objective(&mut tx, &new_id).await?.is_some() {
        return Err(AppError::Conflict("That id is taken.".into()));
    }
    if source.status != Status::Closed {
        return Err(AppError::Conflict(
            "Close the objective first: it is carried over with the lessons of its closing.".into(),
        ));
    }
    if !retro::unfinished(&measures(&source)) {
        return Err(AppError::Conflict(
            "Every key result of this objective was reached: there is nothing to carry over."
                .into(),
        ));
    }
    let next = next_cycle_of(&mut tx, source.cycle_id).await?.ok_or_else(|| {
        AppError::Conflict(
            "There is no next cycle to carry it into yet: the ambassador creates it on the Cycles page."
                .into(),
        )
    })?;
    // What carries over: the objective's words and its unfinished key
    // results. Not its shares (an invitation each unit answers again), not
    // its links (they point into the old cycle), not its check-ins.
    sqlx::query(
        "INSERT INTO objectives (id, cycle_id, unit_id, title, description, why_important, why_urgent, \
         kind, carried_from, created_by, updated_by, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 0)",
    )
    .bind(&new_id)
    .bind(next.id)
    .bind(source.unit_id)
    .bind(&source.title)
    .bind(&source.description)
    .bind(&source.why_important)
    .bind(&source.why_urgent)
    .bind(source.kind.as_str())
    .bind(&source.id)
    .bind(caller.id)
    .bind(caller.id)
    .execute(&mut *tx)
    .await?;
    let carried = source
        .key_results
        .iter()
        .filter_map(|kr| Some((kr, retro::carried_measure(&kr.measure())?)));
    for (position, (kr, measure)) in carried.enumerate() {
        sqlx::query(
            "INSERT INTO key_results (id, objective_id, title, metric, unit_label, start_value, target_value, \
             current_value, owner_id, source_identified, baseline_known, data_owner, update_frequency, \
             reliable, fallback, proxy_name, kpi_id, position) \
             SELECT $1, $2, title, metric, unit_label, $3, $4, $5, owner_id, source_identified, baseline_known, \
             data_owner, update_frequency, reliable, fallback, proxy_name, kpi_id, $6 \
             FROM key_results WHERE id = $7",
        )
        .bind(crate::objectives::new_client_id())
        .bind(&new_id)
        .bind(measure.start)
        .bind(measure.target)
        .bind(measure.current)
        .bind(position as i64)
        .bind(&kr.id)
        .execute(&mut *tx)
        .await?;
    }
    tracing::info!(from = %source.id, into = %new_id, cycle = next.id, "objective carried over");
    finish(tx, &new_id, &caller).await
}
