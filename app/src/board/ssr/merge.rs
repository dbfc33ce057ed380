//! Overlaps: objectives of different units that look like one goal, the
//! pairs told apart, and the merge that makes two of them one shared
//! objective — in one transaction, so a failure leaves both as they were.

use crate::auth::ssr::require_caller;
use crate::board::OverlapPair;
use crate::domain::okr::Status;
use crate::domain::overlaps::{self, ObjectiveText};
use crate::domain::permissions::{self, Change};
use crate::domain::validation::client_id;
use crate::error::AppError;
use crate::objectives::Objective;
use crate::objectives::ssr::{actor_of, fetch_objective, fetch_objectives, finish_all};
use crate::org::load_tree;
use crate::sql::Conn;
use crate::state::{begin_write, pool};
use std::collections::{HashMap, HashSet};

/// The overlaps of a cycle's open objectives, strongest first, except
/// pairs linked to each other, sharing, or told apart before.
pub async fn overlaps_of(cycle_id: i64) -> Result<Vec<OverlapPair>, AppError> {
    require_caller().await?;
    let pool = pool()?;
    let mut tx = crate::sql::read_tx(&pool).await?;
    let objectives: Vec<Objective> = fetch_objectives(&mut tx, "o.cycle_id = $1", cycle_id)
        .await?
        .into_iter()
        .filter(|o| o.status != Status::Closed)
        .collect();
    let dismissed: HashSet<(String, String)> = sqlx::query_as(
        "SELECT d.first_id, d.second_id FROM overlap_dismissals d \
         JOIN objectives o ON o.id = d.first_id WHERE o.cycle_id = $1",
    )
    .bind(cycle_id)
    .fetch_all(&mut *tx)
    .await?
    .into_iter()
    .collect();
    tx.commit().await?;
    let texts: Vec<ObjectiveText> = objectives
        .iter()
        .map(|o| ObjectiveText {
            id: &o.id,
            unit_id: o.unit_id,
            title: &o.title,
            description: &o.description,
            key_results: o.key_results.iter().map(|k| k.title.as_str()).collect(),
        })
        .collect();
    let by_id: HashMap<&str, &Objective> = objectives.iter().map(|o| (o.id.as_str(), o)).collect();
    // Pairs already working together, or told apart, are not suggested.
    let known = |a: &str, b: &str| {
        let (x, y) = ordered(a, b);
        let related = match (by_id.get(a), by_id.get(b)) {
            (Some(a), Some(b)) => {
                a.supports.contains(&b.id)
                    || b.supports.contains(&a.id)
                    || a.units().iter().any(|u| b.units().contains(u))
            }
            _ => true,
        };
        related || dismissed.contains(&(x.to_owned(), y.to_owned()))
    };
    Ok(overlaps::find(&texts, known)
        .into_iter()
        .map(|o| OverlapPair {
            first: o.first,
            second: o.second,
            score: o.score,
        })
        .collect())
}

fn ordered<'a>(a: &'a str, b: &'a str) -> (&'a str, &'a str) {
    if a < b { (a, b) } else { (b, a) }
}

/// Records that `first` and `second` are different goals: the pair is not
/// suggested again. Anyone who may edit either objective says so; saying
/// it twice changes nothing.
#[tracing::instrument]
pub async fn dismiss_overlap(first: &str, second: &str) -> Result<(), AppError> {
    let caller = require_caller().await?;
    let (first, second) = (client_id("first", first)?, client_id("second", second)?);
    let tree = load_tree(&pool()?).await?;
    let mut tx = begin_write().await?;
    let (a, b) = both(&mut tx, &first, &second).await?;
    let actor = actor_of(&mut tx, &caller, &tree).await?;
    let may = |o: &Objective| permissions::check(&actor, Change::Edit, &o.scope()).is_ok();
    if !may(&a) && !may(&b) {
        return Err(AppError::forbidden(
            "Only people who may change one of the two objectives can tell them apart.",
        ));
    }
    let (x, y) = ordered(&first, &second);
    sqlx::query(
        "INSERT INTO overlap_dismissals (first_id, second_id, dismissed_by, created_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (first_id, second_id) DO NOTHING",
    )
    .bind(x)
    .bind(y)
    .bind(caller.id)
    .bind(crate::sql::now())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

async fn both(
    tx: &mut Conn,
    first: &str,
    second: &str,
) -> Result<(Objective, Objective), AppError> {
    let found = |o: Option<Objective>| {
        o.ok_or_else(|| AppError::NotFound("One of the two objectives".into()))
    };
    let a = found(fetch_objective(tx, first).await?)?;
    let b = found(fetch_objective(tx, second).await?)?;
    if a.id == b.id {
        return Err(AppError::BadRequest("an objective overlaps itself".into()));
    }
    Ok((a, b))
}

/// Makes `second` part of `first`: one objective, owned by the first's
/// unit and shared with the second's (and with every unit either shared
/// with), both units' key results (with their check-ins), what each
/// supported and what supported each. `second`'s address leads to `first`
/// from now on, and both histories say what happened.
#[tracing::instrument]
pub async fn merge_objectives(first: &str, second: &str) -> Result<Objective, AppError> {
    let caller = require_caller().await?;
    let (first, second) = (client_id("first", first)?, client_id("second", second)?);
    let tree = load_tree(&pool()?).await?;
    let mut tx = begin_write().await?;
    let (a, b) = both(&mut tx, &first, &second).await?;
    let actor = actor_of(&mut tx, &caller, &tree).await?;
    for o in [&a, &b] {
        permissions::check(&actor, Change::Edit, &o.scope()).map_err(|_| {
            AppError::forbidden(format!(
                "Merging changes both objectives: you may not change “{}”. A lead of both units or the ambassador can merge them.",
                o.title
            ))
        })?;
    }
    if a.cycle_id != b.cycle_id {
        return Err(AppError::invalid(
            "merge",
            "Only objectives of the same cycle can become one.",
        ));
    }
    let now = crate::sql::now();
    // The second's units share the first: its owner and the units that
    // shared it (they already agreed to share this goal); its invitations
    // stay invitations.
    let mut sharing: Vec<(i64, &str)> = vec![(b.unit_id, "accepted")];
    sharing.extend(b.shared_unit_ids.iter().map(|u| (*u, "accepted")));
    sharing.extend(b.invited_unit_ids.iter().map(|u| (*u, "invited")));
    for (unit, state) in sharing.into_iter().filter(|(u, _)| *u != a.unit_id) {
        sqlx::query(
            "INSERT INTO objective_units (objective_id, unit_id, state, invited_by, answered_by) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (objective_id, unit_id) DO UPDATE SET state = CASE \
             WHEN excluded.state = 'accepted' THEN 'accepted' ELSE objective_units.state END",
        )
        .bind(&a.id)
        .bind(unit)
        .bind(state)
        .bind(caller.id)
        .bind((state == "accepted").then_some(caller.id))
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query(
        "INSERT INTO objective_commitments (objective_id, unit_id, text, updated_by) \
         SELECT $1, unit_id, text, updated_by FROM objective_commitments WHERE objective_id = $2 \
         ON CONFLICT (objective_id, unit_id) DO NOTHING",
    )
    .bind(&a.id)
    .bind(&b.id)
    .execute(&mut *tx)
    .await?;
    // Key results (and with them their check-ins) move, after the first's own.
    let moved = sqlx::query(
        "UPDATE key_results SET objective_id = $1, \
         position = position + 1 + (SELECT coalesce(max(position), -1) FROM key_results WHERE objective_id = $1) \
         WHERE objective_id = $2",
    )
    .bind(&a.id)
    .bind(&b.id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    // Links: what the second supported, the first supports; what supported
    // the second supports the first.
    sqlx::query(
        "INSERT INTO objective_links (objective_id, supports_id, created_by) \
         SELECT $1, supports_id, $3 FROM objective_links WHERE objective_id = $2 AND supports_id <> $1 \
         ON CONFLICT (objective_id, supports_id) DO NOTHING",
    )
    .bind(&a.id)
    .bind(&b.id)
    .bind(caller.id)
    .execute(&mut *tx)
    .await?;
    let children: Vec<String> = sqlx::query_scalar(
        "SELECT objective_id FROM objective_links WHERE supports_id = $2 AND objective_id <> $1",
    )
    .bind(&a.id)
    .bind(&b.id)
    .fetch_all(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO objective_links (objective_id, supports_id, created_by) \
         SELECT objective_id, $1, $3 FROM objective_links WHERE supports_id = $2 AND objective_id <> $1 \
         ON CONFLICT (objective_id, supports_id) DO NOTHING",
    )
    .bind(&a.id)
    .bind(&b.id)
    .bind(caller.id)
    .execute(&mut *tx)
    .await?;
    // One supporting the other through a third would now be a circle.
    let circle: Option<String> = sqlx::query_scalar(
        "WITH RECURSIVE up(id) AS (SELECT supports_id FROM objective_links WHERE objective_id = $1 UNION \
         SELECT l.supports_id FROM objective_links l JOIN up ON l.objective_id = up.id) \
         SELECT id FROM up WHERE id = $1",
    )
    .bind(&a.id)
    .fetch_optional(&mut *tx)
    .await?;
    if circle.is_some() {
        return Err(AppError::invalid(
            "merge",
            "As one objective, these two would support themselves through the objectives between them: remove the link between them first.",
        ));
    }
    // The first keeps what it says; what it left empty, the second fills.
    sqlx::query(
        "UPDATE objectives SET \
         description = CASE WHEN description = '' THEN $2 ELSE description END, \
         why_important = CASE WHEN why_important = '' THEN $3 ELSE why_important END, \
         why_urgent = CASE WHEN why_urgent = '' THEN $4 ELSE why_urgent END, \
         decision_owner_id = coalesce(decision_owner_id, $5) WHERE id = $1",
    )
    .bind(&a.id)
    .bind(&b.description)
    .bind(&b.why_important)
    .bind(&b.why_urgent)
    .bind(b.decision_owner_id)
    .execute(&mut *tx)
    .await?;
    let unit = |id: i64| tree.path(id).join(" › ");
    let into_a = format!(
        "{} merged “{}” ({}) into this objective: {} key result{} and the links came along; {} shares it now.",
        caller.name,
        b.title,
        unit(b.unit_id),
        moved,
        if moved == 1 { "" } else { "s" },
        unit(b.unit_id),
    );
    let into_b = format!(
        "{} merged this objective into “{}” ({}): one shared objective now.",
        caller.name,
        a.title,
        unit(a.unit_id)
    );
    for (objective, text) in [(&a.id, into_a), (&b.id, into_b)] {
        record(&mut tx, objective, caller.id, &text, &now).await?;
    }
    sqlx::query(
        "INSERT INTO merged_objectives (old_id, into_id, old_title, merged_by, merged_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&b.id)
    .bind(&a.id)
    .bind(&b.title)
    .bind(caller.id)
    .bind(&now)
    .execute(&mut *tx)
    .await?;
    // Earlier merges into the second lead to the first now.
    sqlx::query("UPDATE merged_objectives SET into_id = $1 WHERE into_id = $2")
        .bind(&a.id)
        .bind(&b.id)
        .execute(&mut *tx)
        .await?;
    // A carried-over draft merged away hands its origin (and the lessons
    // shown with it) to the objective that stays, unless that has one.
    if let Some(origin) = b
        .carried_from
        .as_deref()
        .filter(|_| a.carried_from.is_none())
    {
        sqlx::query("UPDATE objectives SET carried_from = NULL WHERE id = $1")
            .bind(&b.id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE objectives SET carried_from = $1 WHERE id = $2")
            .bind(origin)
            .bind(&a.id)
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query("DELETE FROM objectives WHERE id = $1")
        .bind(&b.id)
        .execute(&mut *tx)
        .await?;
    let mut saved = vec![a.id.clone()];
    saved.extend(children);
    let mut objectives = finish_all(tx, a.cycle_id, &caller, Some((b.id, a.id)), &saved).await?;
    Ok(objectives.swap_remove(0))
}

/// One line of an objective's history.
pub(crate) async fn record(
    tx: &mut Conn,
    objective: &str,
    person: i64,
    text: &str,
    now: &str,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO objective_history (objective_id, person_id, text, created_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(objective)
    .bind(person)
    .bind(text)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    Ok(())
}
