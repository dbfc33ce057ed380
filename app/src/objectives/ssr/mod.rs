//! Objectives in the database, as every feature reads and changes them:
//! whole objectives in a few queries, who may change them, and the step
//! every change ends with ([`finish`]). Every change runs in one write
//! transaction: permission and version checks, the change, the objective's
//! new version, the board's new version and its event — all or nothing.
//! The event is handed on (`live::ssr::after_commit`) only after the commit.

use super::{Commitment, KeyResult, Objective};
use crate::auth::ssr::{Caller, require_caller};
use crate::domain::okr::Status;
use crate::domain::permissions::{self, Actor, Change};
use crate::domain::units::UnitTree;
use crate::domain::warnings::Readiness;
use crate::error::{AppError, ssr::internal};
use crate::org::load_tree;
use crate::state::pool;
use std::collections::HashMap;

mod finish;
mod log;

pub(crate) use finish::{finish, finish_all, record_cycle_event, stage};
pub use log::{MAX_CATCH_UP, events_after, prune_board_events};

#[derive(sqlx::FromRow)]
struct ObjectiveRow {
    id: String,
    cycle_id: i64,
    unit_id: i64,
    decision_owner_id: Option<i64>,
    title: String,
    description: String,
    why_important: String,
    why_urgent: String,
    kind: String,
    status: String,
    version: i64,
    updated_by: String,
    score: Option<f64>,
    created_on: String,
    no_retro_reason: Option<String>,
    no_retro_by: Option<String>,
    carried_from: Option<String>,
}

#[derive(sqlx::FromRow)]
struct KeyResultRow {
    id: String,
    objective_id: String,
    title: String,
    metric: String,
    unit_label: String,
    start_value: f64,
    target_value: f64,
    current_value: f64,
    owner_id: i64,
    #[sqlx(try_from = "crate::sql::Flag")]
    source_identified: bool,
    #[sqlx(try_from = "crate::sql::Flag")]
    baseline_known: bool,
    #[sqlx(try_from = "crate::sql::Flag")]
    data_owner: bool,
    #[sqlx(try_from = "crate::sql::Flag")]
    update_frequency: bool,
    #[sqlx(try_from = "crate::sql::Flag")]
    reliable: bool,
    fallback: Option<String>,
    proxy_name: String,
    version: i64,
    created_on: String,
    last_check_in: Option<String>,
}

impl KeyResultRow {
    fn into_key_result(self) -> Result<KeyResult, AppError> {
        Ok(KeyResult {
            id: self.id,
            objective_id: self.objective_id,
            title: self.title,
            metric: self.metric.parse().map_err(internal)?,
            unit_label: self.unit_label,
            start: self.start_value,
            target: self.target_value,
            current: self.current_value,
            owner_id: self.owner_id,
            readiness: Readiness {
                source_identified: self.source_identified,
                baseline_known: self.baseline_known,
                data_owner: self.data_owner,
                update_frequency: self.update_frequency,
                reliable: self.reliable,
            },
            fallback: self
                .fallback
                .map(|f| f.parse())
                .transpose()
                .map_err(internal)?,
            proxy_name: self.proxy_name,
            version: self.version,
            created_on: self.created_on,
            last_check_in: self.last_check_in,
        })
    }
}

const SELECT_OBJECTIVES: &str = "SELECT o.id, o.cycle_id, o.unit_id, o.decision_owner_id, o.title, o.description, \
     o.why_important, o.why_urgent, o.kind, o.status, o.version, p.name AS updated_by, n.score, \
     substr(o.created_at, 1, 10) AS created_on, o.no_retro_reason, \
     (SELECT r.name FROM people r WHERE r.id = o.no_retro_by) AS no_retro_by, o.carried_from \
     FROM objectives o JOIN people p ON p.id = o.updated_by LEFT JOIN closing_notes n ON n.objective_id = o.id";

const SELECT_KEY_RESULTS: &str = "SELECT k.id, k.objective_id, k.title, k.metric, k.unit_label, k.start_value, \
     k.target_value, k.current_value, k.owner_id, k.source_identified, k.baseline_known, k.data_owner, \
     k.update_frequency, k.reliable, k.fallback, k.proxy_name, k.version, \
     substr(k.created_at, 1, 10) AS created_on, \
     (SELECT max(c.checked_in_on) FROM check_ins c WHERE c.key_result_id = k.id) AS last_check_in \
     FROM key_results k";

/// Objectives matching `filter` (`o.cycle_id = $1` or `o.id = $1`), with their
/// shared units, commitments, links and key results: five queries, whatever
/// the count. `key` is bound as `$1` with its own type (a cycle's integer
/// id as an integer, an objective's id as text).
pub(crate) async fn fetch_objectives<K>(
    db: &mut crate::sql::Conn,
    filter: &str,
    key: K,
) -> Result<Vec<Objective>, AppError>
where
    K: for<'q> sqlx::Encode<'q, crate::sql::Db> + sqlx::Type<crate::sql::Db> + Clone + Send,
{
    let rows = sqlx::query_as::<_, ObjectiveRow>(&format!(
        "{SELECT_OBJECTIVES} WHERE {filter} ORDER BY o.created_at, o.id"
    ))
    .bind(key.clone())
    .fetch_all(&mut *db)
    .await?;
    let shared: Vec<(String, i64, String)> = sqlx::query_as(&format!(
        "SELECT ou.objective_id, ou.unit_id, ou.state FROM objective_units ou \
         JOIN objectives o ON o.id = ou.objective_id WHERE {filter} ORDER BY ou.unit_id"
    ))
    .bind(key.clone())
    .fetch_all(&mut *db)
    .await?;
    let commitments: Vec<(String, i64, String)> = sqlx::query_as(&format!(
        "SELECT c.objective_id, c.unit_id, c.text FROM objective_commitments c \
         JOIN objectives o ON o.id = c.objective_id WHERE {filter} ORDER BY c.unit_id"
    ))
    .bind(key.clone())
    .fetch_all(&mut *db)
    .await?;
    let links: Vec<(String, String)> = sqlx::query_as(&format!(
        "SELECT l.objective_id, l.supports_id FROM objective_links l \
         JOIN objectives o ON o.id = l.objective_id WHERE {filter} ORDER BY l.created_at, l.supports_id"
    ))
    .bind(key.clone())
    .fetch_all(&mut *db)
    .await?;
    let key_results = sqlx::query_as::<_, KeyResultRow>(&format!(
        "{SELECT_KEY_RESULTS} JOIN objectives o ON o.id = k.objective_id WHERE {filter} ORDER BY k.position, k.created_at"
    ))
    .bind(key.clone())
    .fetch_all(&mut *db)
    .await?;

    let mut shared_by: HashMap<String, Vec<i64>> = HashMap::new();
    let mut invited_by: HashMap<String, Vec<i64>> = HashMap::new();
    for (objective, unit, state) in shared {
        let by = if state == "invited" {
            &mut invited_by
        } else {
            &mut shared_by
        };
        by.entry(objective).or_default().push(unit);
    }
    let mut commitments_by: HashMap<String, Vec<Commitment>> = HashMap::new();
    for (objective, unit_id, text) in commitments {
        commitments_by
            .entry(objective)
            .or_default()
            .push(Commitment { unit_id, text });
    }
    let mut supports_by: HashMap<String, Vec<String>> = HashMap::new();
    for (objective, supports) in links {
        supports_by.entry(objective).or_default().push(supports);
    }
    let mut krs_by: HashMap<String, Vec<KeyResult>> = HashMap::new();
    for row in key_results {
        let kr = row.into_key_result()?;
        krs_by.entry(kr.objective_id.clone()).or_default().push(kr);
    }
    rows.into_iter()
        .map(|row| {
            Ok(Objective {
                shared_unit_ids: shared_by.remove(&row.id).unwrap_or_default(),
                invited_unit_ids: invited_by.remove(&row.id).unwrap_or_default(),
                commitments: commitments_by.remove(&row.id).unwrap_or_default(),
                supports: supports_by.remove(&row.id).unwrap_or_default(),
                key_results: krs_by.remove(&row.id).unwrap_or_default(),
                id: row.id,
                cycle_id: row.cycle_id,
                unit_id: row.unit_id,
                decision_owner_id: row.decision_owner_id,
                title: row.title,
                description: row.description,
                why_important: row.why_important,
                why_urgent: row.why_urgent,
                kind: row.kind.parse().map_err(internal)?,
                status: row.status.parse().map_err(internal)?,
                version: row.version,
                updated_by: row.updated_by,
                score: row.score,
                created_on: row.created_on,
                no_retro_reason: row.no_retro_reason,
                no_retro_by: row.no_retro_by,
                carried_from: row.carried_from,
            })
        })
        .collect()
}

pub(crate) async fn fetch_objective(
    db: &mut crate::sql::Conn,
    id: &str,
) -> Result<Option<Objective>, AppError> {
    Ok(fetch_objectives(db, "o.id = $1", id.to_owned())
        .await?
        .pop())
}

/// The key result `id`, as [`fetch_objectives`] reads it.
pub(crate) async fn fetch_key_result(
    db: &mut crate::sql::Conn,
    id: &str,
) -> Result<Option<KeyResult>, AppError> {
    sqlx::query_as::<_, KeyResultRow>(&format!("{SELECT_KEY_RESULTS} WHERE k.id = $1"))
        .bind(id)
        .fetch_optional(&mut *db)
        .await?
        .map(KeyResultRow::into_key_result)
        .transpose()
}

/// A change about to be made to one objective: who asks, as whom
/// permissions see them, the open write transaction, and the objective as
/// it is inside that transaction.
pub(crate) struct Editing {
    pub caller: Caller,
    pub tree: UnitTree,
    pub actor: Actor,
    pub tx: crate::sql::WriteTx,
    pub objective: Objective,
}

/// Opens a change to objective `id` (signed in, a write transaction, the
/// objective found); the caller then checks the right it needs.
pub(crate) async fn editing(id: &str) -> Result<Editing, AppError> {
    let caller = require_caller().await?;
    let tree = load_tree(&pool()?).await?;
    let mut tx = crate::state::begin_write().await?;
    let objective = fetch_objective(&mut tx, id)
        .await?
        .ok_or_else(|| AppError::NotFound("That objective".into()))?;
    let actor = actor_of(&mut tx, &caller, &tree).await?;
    Ok(Editing {
        caller,
        tree,
        actor,
        tx,
        objective,
    })
}

/// The caller as permissions see them: the units they belong to and, for
/// a lead, every unit below those (never above: see `domain::permissions`).
pub(crate) async fn actor_of(
    db: &mut crate::sql::Conn,
    caller: &Caller,
    tree: &UnitTree,
) -> Result<Actor, AppError> {
    let own: Vec<i64> = sqlx::query_scalar("SELECT unit_id FROM memberships WHERE person_id = $1")
        .bind(caller.id)
        .fetch_all(&mut *db)
        .await?;
    Ok(Actor::new(caller.id, caller.role, own, tree))
}

/// The caller, the unit tree and the caller as permissions see them: what
/// a page showing each person their own part asks first (agendas, home).
pub(crate) async fn asking(
    db: &mut crate::sql::Conn,
) -> Result<(Caller, UnitTree, Actor), AppError> {
    let caller = require_caller().await?;
    // On the connection already held: a request never waits for a second.
    let tree = load_tree(&mut *db).await?;
    let actor = actor_of(db, &caller, &tree).await?;
    Ok((caller, tree, actor))
}

/// SQL: the key result `k` is delayed until its data exists (not
/// data-ready, fallback "delay"): it counts in no progress and is never
/// overdue (see `KeyResult::is_delayed`). Never NULL, so `NOT` works.
pub(crate) const DELAYED: &str = "(COALESCE(k.fallback, '') = 'delay' AND NOT (k.source_identified AND k.baseline_known \
     AND k.data_owner AND k.update_frequency AND k.reliable))";

/// SQL: the proxy metric's name when the key result `k` is measured by a
/// proxy (see `KeyResult::proxy`), else NULL.
pub(crate) const PROXY: &str =
    "CASE WHEN k.fallback = 'proxy' AND trim(k.proxy_name) <> '' THEN trim(k.proxy_name) END";

/// The units left out of `cycle_id` (see `cycle_units_out`).
pub(crate) async fn units_out(
    db: &mut crate::sql::Conn,
    cycle_id: i64,
) -> Result<Vec<i64>, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT unit_id FROM cycle_units_out WHERE cycle_id = $1 ORDER BY unit_id",
    )
    .bind(cycle_id)
    .fetch_all(&mut *db)
    .await?)
}

pub(crate) fn forbidden(denied: permissions::Denied) -> AppError {
    AppError::forbidden(denied.to_string())
}

/// Refuses a new objective for `unit_id` unless the unit exists and the
/// caller may add objectives to it (their own units; a lead, those below).
pub(crate) async fn may_create_in(
    tx: &mut crate::sql::Conn,
    caller: &Caller,
    tree: &UnitTree,
    unit_id: i64,
) -> Result<(), AppError> {
    if tree.get(unit_id).is_none() {
        return Err(AppError::invalid(
            "unit_id",
            "That unit no longer exists; reload the page.",
        ));
    }
    let actor = actor_of(tx, caller, tree).await?;
    let scope = permissions::Scope {
        status: Status::Draft,
        owner_unit: unit_id,
        shared_units: vec![],
    };
    permissions::check(&actor, Change::Edit, &scope).map_err(|_| {
        AppError::forbidden(
            "You can add objectives to your own units, and a lead to the units below them, only.",
        )
    })
}
