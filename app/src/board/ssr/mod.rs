//! The board in the database. Every change runs in one write transaction:
//! permission and version checks, the change, the objective's new version,
//! the board's new version and its event — all or nothing. The event is
//! handed to the live hub only after the commit.

use super::{
    Board, BoardEvent, Commitment, KeyResult, Objective, PersonChoice, UnitChoice, Viewer,
};
use crate::auth::ssr::{Caller, require_caller};
use crate::cycles::ssr::{fetch_cycle, stretch_phase};
use crate::domain::permissions::{self, Actor};
use crate::domain::units::UnitTree;
use crate::domain::warnings::Readiness;
use crate::error::{AppError, ssr::internal};
use crate::state::pool;
use crate::units::ssr::load_tree;
use sqlx::{Sqlite, SqliteConnection, Transaction};
use std::collections::HashMap;

mod finish;
mod key_results;
mod links;
mod merge;
pub(crate) mod objectives;
mod shares;

pub(crate) use finish::{finish, finish_all, publish, record_cycle_event, stage};
pub use key_results::{NewKeyResult, create_key_result, update_key_result};
pub use links::{enclosing_objectives, link_objective, unlink_objective};
pub(crate) use merge::record;
pub use merge::{dismiss_overlap, merge_objectives, overlaps_of};
pub use objectives::{create_objective, update_objective};
pub use shares::{answer_invitation, set_commitment};

pub use super::{MAX_DESCRIPTION, MAX_TITLE, MAX_WHY};

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
    source_identified: bool,
    baseline_known: bool,
    data_owner: bool,
    update_frequency: bool,
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

/// Objectives matching `filter` (`o.cycle_id = ?` or `o.id = ?`), with their
/// shared units, commitments, links and key results: five queries, whatever
/// the count.
pub(crate) async fn fetch_objectives(
    db: &mut SqliteConnection,
    filter: &str,
    key: &str,
) -> Result<Vec<Objective>, AppError> {
    let rows = sqlx::query_as::<_, ObjectiveRow>(&format!(
        "{SELECT_OBJECTIVES} WHERE {filter} ORDER BY o.created_at, o.id"
    ))
    .bind(key)
    .fetch_all(&mut *db)
    .await?;
    let shared: Vec<(String, i64, String)> = sqlx::query_as(&format!(
        "SELECT ou.objective_id, ou.unit_id, ou.state FROM objective_units ou \
         JOIN objectives o ON o.id = ou.objective_id WHERE {filter} ORDER BY ou.unit_id"
    ))
    .bind(key)
    .fetch_all(&mut *db)
    .await?;
    let commitments: Vec<(String, i64, String)> = sqlx::query_as(&format!(
        "SELECT c.objective_id, c.unit_id, c.text FROM objective_commitments c \
         JOIN objectives o ON o.id = c.objective_id WHERE {filter} ORDER BY c.unit_id"
    ))
    .bind(key)
    .fetch_all(&mut *db)
    .await?;
    let links: Vec<(String, String)> = sqlx::query_as(&format!(
        "SELECT l.objective_id, l.supports_id FROM objective_links l \
         JOIN objectives o ON o.id = l.objective_id WHERE {filter} ORDER BY l.created_at, l.supports_id"
    ))
    .bind(key)
    .fetch_all(&mut *db)
    .await?;
    let key_results = sqlx::query_as::<_, KeyResultRow>(&format!(
        "{SELECT_KEY_RESULTS} JOIN objectives o ON o.id = k.objective_id WHERE {filter} ORDER BY k.position, k.created_at"
    ))
    .bind(key)
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
    db: &mut SqliteConnection,
    id: &str,
) -> Result<Option<Objective>, AppError> {
    Ok(fetch_objectives(db, "o.id = ?", id).await?.pop())
}

/// A change about to be made to one objective: who asks, as whom
/// permissions see them, the open write transaction, and the objective as
/// it is inside that transaction.
pub(crate) struct Editing {
    pub caller: Caller,
    pub tree: UnitTree,
    pub actor: Actor,
    pub tx: Transaction<'static, Sqlite>,
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
    db: &mut SqliteConnection,
    caller: &Caller,
    tree: &UnitTree,
) -> Result<Actor, AppError> {
    let own: Vec<i64> = sqlx::query_scalar("SELECT unit_id FROM memberships WHERE person_id = ?")
        .bind(caller.id)
        .fetch_all(&mut *db)
        .await?;
    Ok(Actor::new(caller.id, caller.role, own, tree))
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
    db: &mut SqliteConnection,
    cycle_id: i64,
) -> Result<Vec<i64>, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT unit_id FROM cycle_units_out WHERE cycle_id = ? ORDER BY unit_id",
    )
    .bind(cycle_id)
    .fetch_all(&mut *db)
    .await?)
}

pub async fn get_board(cycle_id: i64) -> Result<Board, AppError> {
    let caller = require_caller().await?;
    let pool = pool()?;
    let tree = load_tree(&pool).await?;
    // One read transaction: the objectives and the version belong together.
    let mut tx = pool.begin().await?;
    let cycle = fetch_cycle(&mut *tx, cycle_id).await?;
    let version: i64 = sqlx::query_scalar("SELECT board_version FROM cycles WHERE id = ?")
        .bind(cycle_id)
        .fetch_one(&mut *tx)
        .await?;
    let objectives = fetch_objectives(&mut tx, "o.cycle_id = ?", &cycle_id.to_string()).await?;
    let outside = enclosing_objectives(&mut tx, &cycle).await?;
    let people = sqlx::query_as::<_, (i64, String)>(
        "SELECT id, name FROM people WHERE active = 1 ORDER BY name COLLATE NOCASE",
    )
    .fetch_all(&mut *tx)
    .await?
    .into_iter()
    .map(|(id, name)| PersonChoice { id, name })
    .collect();
    let actor = actor_of(&mut tx, &caller, &tree).await?;
    let stretch_phase = stretch_phase(&mut tx).await?;
    let units_out = units_out(&mut tx, cycle_id).await?;
    tx.commit().await?;
    Ok(Board {
        units_out,
        today: crate::cycles::ssr::today().to_string(),
        cycle,
        version,
        stretch_phase,
        units: tree
            .ordered()
            .into_iter()
            .map(|(n, _)| UnitChoice {
                id: n.id,
                name: n.name.clone(),
                parent_id: n.parent_id,
                path: tree.path(n.id).join(" › "),
            })
            .collect(),
        people,
        objectives,
        outside,
        viewer: Viewer::from(actor),
    })
}

/// A client-chosen id: a UUID in its usual text form.
pub(crate) fn client_id(field: &str, raw: &str) -> Result<String, AppError> {
    let id = raw.trim().to_ascii_lowercase();
    let well_formed = id.len() == 36
        && id.char_indices().all(|(i, c)| {
            if [8, 13, 18, 23].contains(&i) {
                c == '-'
            } else {
                c.is_ascii_hexdigit()
            }
        });
    if well_formed {
        Ok(id)
    } else {
        Err(AppError::invalid(field, "A malformed id; reload the page."))
    }
}

/// Typed text, cleaned like closing notes (no control or direction
/// characters), trimmed, and checked against `max` characters.
pub(crate) fn text(field: &str, raw: &str, max: usize, required: bool) -> Result<String, AppError> {
    let cleaned = crate::domain::search::clean_text(raw);
    let value = cleaned.trim();
    if required && value.is_empty() {
        return Err(AppError::invalid(field, "This cannot be empty."));
    }
    if value.chars().count() > max {
        return Err(AppError::invalid(
            field,
            format!("Use at most {max} characters."),
        ));
    }
    Ok(value.to_owned())
}

pub(crate) fn forbidden(denied: permissions::Denied) -> AppError {
    AppError::forbidden(denied.to_string())
}

/// Refuses a change based on an old version when the field itself has
/// changed since: the person sees who changed it and its fresh value.
fn check_fresh(
    current_version: i64,
    version: i64,
    current: &str,
    previous: &str,
    by: &str,
) -> Result<(), AppError> {
    if current_version == version || current == previous {
        return Ok(());
    }
    let shown = if current.is_empty() {
        "empty".to_owned()
    } else {
        format!("“{current}”")
    };
    Err(AppError::Conflict(format!(
        "{by} changed this meanwhile; it is now {shown}. Your change was not saved."
    )))
}

/// How many events back a client may catch up by events: a client further
/// behind reloads the board (one query) instead of replaying the log, and
/// the log keeps no more than this per board ([`prune_board_events`]).
pub const MAX_CATCH_UP: i64 = 500;

/// Events after `version` on a cycle's board, for a client catching up;
/// `None` when the log does not reach back that far, or the client is more
/// than [`MAX_CATCH_UP`] events behind or claims a future version: it must
/// reload.
pub async fn events_after(
    pool: &sqlx::SqlitePool,
    cycle_id: i64,
    version: i64,
) -> Result<Option<Vec<BoardEvent>>, AppError> {
    let current: Option<i64> = sqlx::query_scalar("SELECT board_version FROM cycles WHERE id = ?")
        .bind(cycle_id)
        .fetch_optional(pool)
        .await?;
    let Some(current) = current else {
        return Ok(None);
    };
    if version > current || current - version > MAX_CATCH_UP {
        return Ok(None);
    }
    let rows: Vec<(i64, String)> =
        sqlx::query_as("SELECT version, event FROM board_events WHERE cycle_id = ? AND version > ? ORDER BY version")
            .bind(cycle_id)
            .bind(version)
            .fetch_all(pool)
            .await?;
    if rows.first().is_some_and(|(first, _)| *first != version + 1) {
        return Ok(None);
    }
    rows.into_iter()
        .map(|(_, json)| serde_json::from_str(&json).map_err(internal))
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

/// Deletes board events more than [`MAX_CATCH_UP`] versions behind their
/// board: nobody resumes from there. Returns how many went.
pub async fn prune_board_events(pool: &sqlx::SqlitePool) -> Result<u64, AppError> {
    let done = sqlx::query(
        "DELETE FROM board_events WHERE version <= \
         (SELECT c.board_version FROM cycles c WHERE c.id = board_events.cycle_id) - ?",
    )
    .bind(MAX_CATCH_UP)
    .execute(pool)
    .await?;
    Ok(done.rows_affected())
}

/// Whether the cycle exists (for the websocket, before it upgrades).
pub async fn cycle_exists(pool: &sqlx::SqlitePool, cycle_id: i64) -> Result<bool, AppError> {
    let found: Option<i64> = sqlx::query_scalar("SELECT id FROM cycles WHERE id = ?")
        .bind(cycle_id)
        .fetch_optional(pool)
        .await?;
    Ok(found.is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_ids_are_uuids() {
        assert!(client_id("id", "6f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f").is_ok());
        assert_eq!(
            client_id("id", " 6F1C2D3E-4B5A-4C6D-8E7F-0A1B2C3D4E5F ").unwrap(),
            "6f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f"
        );
        for bad in [
            "",
            "1",
            "6f1c2d3e4b5a4c6d8e7f0a1b2c3d4e5f",
            "6f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5g",
            "x; DROP TABLE objectives",
        ] {
            assert!(client_id("id", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_stale_change_to_the_same_field_is_refused() {
        assert!(check_fresh(3, 3, "new", "old", "Jonas").is_ok());
        assert!(
            check_fresh(4, 3, "same", "same", "Jonas").is_ok(),
            "another field changed meanwhile"
        );
        let error = check_fresh(4, 3, "Theirs", "Mine before", "Jonas Berg").unwrap_err();
        assert_eq!(
            error,
            AppError::Conflict(
                "Jonas Berg changed this meanwhile; it is now “Theirs”. Your change was not saved."
                    .into()
            )
        );
    }
}
