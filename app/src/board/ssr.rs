//! The board in the database. Every change runs in one write transaction:
//! permission and version checks, the change, the objective's new version,
//! the board's new version and its event — all or nothing. The event is
//! handed to the live hub only after the commit.

use super::{
    Board, BoardEvent, KeyResult, Objective, PersonChoice, UnitChoice, Viewer, format_number,
    parse_number,
};
use crate::auth::ssr::{Caller, require_caller};
use crate::cycles::ssr::{fetch_cycle, stretch_phase};
use crate::domain::okr::{Fallback, MetricKind, ObjectiveKind, Status};
use crate::domain::permissions::{self, Actor, Change};
use crate::domain::progress::direction;
use crate::domain::units::UnitTree;
use crate::domain::warnings::Readiness;
use crate::error::{AppError, ssr::internal};
use crate::state::{begin_write, pool};
use crate::units::ssr::load_tree;
use sqlx::{Sqlite, SqliteConnection, Transaction};
use std::collections::HashMap;

/// Longest objective or key-result title.
pub const MAX_TITLE: usize = 200;
/// Longest description.
pub const MAX_DESCRIPTION: usize = 4000;
/// Longest "why important" / "why urgent".
pub const MAX_WHY: usize = 2000;

#[derive(sqlx::FromRow)]
struct ObjectiveRow {
    id: String,
    cycle_id: i64,
    unit_id: i64,
    parent_id: Option<String>,
    title: String,
    description: String,
    why_important: String,
    why_urgent: String,
    kind: String,
    status: String,
    version: i64,
    updated_by: String,
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
        })
    }
}

const SELECT_OBJECTIVES: &str = "SELECT o.id, o.cycle_id, o.unit_id, o.parent_id, o.title, o.description, \
     o.why_important, o.why_urgent, o.kind, o.status, o.version, p.name AS updated_by \
     FROM objectives o JOIN people p ON p.id = o.updated_by";

const SELECT_KEY_RESULTS: &str = "SELECT k.id, k.objective_id, k.title, k.metric, k.unit_label, k.start_value, \
     k.target_value, k.current_value, k.owner_id, k.source_identified, k.baseline_known, k.data_owner, \
     k.update_frequency, k.reliable, k.fallback, k.proxy_name, k.version FROM key_results k";

/// Objectives matching `filter` (`o.cycle_id = ?` or `o.id = ?`), with their
/// shared units and key results: three queries, whatever the count.
async fn fetch_objectives(
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
    let shared: Vec<(String, i64)> = sqlx::query_as(&format!(
        "SELECT ou.objective_id, ou.unit_id FROM objective_units ou \
         JOIN objectives o ON o.id = ou.objective_id WHERE {filter}"
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
    for (objective, unit) in shared {
        shared_by.entry(objective).or_default().push(unit);
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
                key_results: krs_by.remove(&row.id).unwrap_or_default(),
                id: row.id,
                cycle_id: row.cycle_id,
                unit_id: row.unit_id,
                parent_id: row.parent_id,
                title: row.title,
                description: row.description,
                why_important: row.why_important,
                why_urgent: row.why_urgent,
                kind: row.kind.parse().map_err(internal)?,
                status: row.status.parse().map_err(internal)?,
                version: row.version,
                updated_by: row.updated_by,
            })
        })
        .collect()
}

async fn fetch_objective(
    db: &mut SqliteConnection,
    id: &str,
) -> Result<Option<Objective>, AppError> {
    Ok(fetch_objectives(db, "o.id = ?", id).await?.pop())
}

/// The caller as permissions see them: their units and every unit above.
async fn actor_of(
    db: &mut SqliteConnection,
    caller: &Caller,
    tree: &UnitTree,
) -> Result<Actor, AppError> {
    let direct: Vec<i64> =
        sqlx::query_scalar("SELECT unit_id FROM memberships WHERE person_id = ?")
            .bind(caller.id)
            .fetch_all(&mut *db)
            .await?;
    let mut units = Vec::new();
    for unit in direct {
        let mut current = Some(unit);
        while let Some(id) = current.filter(|id| !units.contains(id)) {
            units.push(id);
            current = tree.get(id).and_then(|node| node.parent_id);
        }
    }
    Ok(Actor {
        id: caller.id,
        role: caller.role,
        units,
    })
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
    tx.commit().await?;
    Ok(Board {
        cycle,
        version,
        stretch_phase,
        units: tree
            .ordered()
            .into_iter()
            .map(|(n, _)| UnitChoice {
                id: n.id,
                path: tree.path(n.id).join(" › "),
            })
            .collect(),
        people,
        objectives,
        viewer: Viewer {
            id: actor.id,
            role: actor.role,
            units: actor.units,
        },
    })
}

/// A client-chosen id: a UUID in its usual text form.
fn client_id(field: &str, raw: &str) -> Result<String, AppError> {
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

fn text(field: &str, raw: &str, max: usize, required: bool) -> Result<String, AppError> {
    let value = raw.trim();
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

/// After a change: new objective version, new board version, the event,
/// the commit; then the event goes to the live hub.
async fn finish(
    mut tx: Transaction<'static, Sqlite>,
    objective_id: &str,
    caller: &Caller,
) -> Result<Objective, AppError> {
    sqlx::query(
        "UPDATE objectives SET version = version + 1, updated_by = ?, \
         updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?",
    )
    .bind(caller.id)
    .bind(objective_id)
    .execute(&mut *tx)
    .await?;
    let objective = fetch_objective(&mut tx, objective_id)
        .await?
        .ok_or_else(|| internal("objective vanished"))?;
    let version: i64 = sqlx::query_scalar(
        "UPDATE cycles SET board_version = board_version + 1 WHERE id = ? RETURNING board_version",
    )
    .bind(objective.cycle_id)
    .fetch_one(&mut *tx)
    .await?;
    let event = BoardEvent::ObjectiveSaved {
        version,
        by: caller.name.clone(),
        objective: objective.clone(),
    };
    sqlx::query("INSERT INTO board_events (cycle_id, version, event) VALUES (?, ?, ?)")
        .bind(objective.cycle_id)
        .bind(version)
        .bind(serde_json::to_string(&event).map_err(internal)?)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    crate::live::ssr::publish_board(objective.cycle_id, event);
    Ok(objective)
}

fn forbidden(denied: permissions::Denied) -> AppError {
    AppError::forbidden(denied.to_string())
}

#[tracing::instrument(skip(title))]
pub async fn create_objective(
    id: &str,
    cycle_id: i64,
    unit_id: &str,
    title: &str,
    kind: ObjectiveKind,
) -> Result<Objective, AppError> {
    let caller = require_caller().await?;
    let id = client_id("id", id)?;
    let title = text("title", title, MAX_TITLE, true)?;
    let Some(unit_id) = crate::units::parse_optional_id("unit_id", unit_id)? else {
        return Err(AppError::invalid(
            "unit_id",
            "Choose the unit that owns this objective.",
        ));
    };
    let pool = pool()?;
    let tree = load_tree(&pool).await?;
    let mut tx = begin_write().await?;
    // A retried create finds what the first attempt stored.
    if let Some(existing) = fetch_objective(&mut tx, &id).await? {
        return if existing.cycle_id == cycle_id {
            Ok(existing)
        } else {
            Err(AppError::Conflict("That id is taken.".into()))
        };
    }
    fetch_cycle(&mut *tx, cycle_id).await?;
    if tree.get(unit_id).is_none() {
        return Err(AppError::invalid(
            "unit_id",
            "That unit no longer exists; reload the page.",
        ));
    }
    let actor = actor_of(&mut tx, &caller, &tree).await?;
    let scope = permissions::Scope {
        status: Status::Draft,
        owner_unit: unit_id,
        shared_units: vec![],
    };
    permissions::check(&actor, Change::Edit, &scope)
        .map_err(|_| AppError::forbidden("You can add objectives to your own units only."))?;
    sqlx::query(
        "INSERT INTO objectives (id, cycle_id, unit_id, title, kind, created_by, updated_by, version) \
         VALUES (?, ?, ?, ?, ?, ?, ?, 0)",
    )
    .bind(&id)
    .bind(cycle_id)
    .bind(unit_id)
    .bind(&title)
    .bind(kind.as_str())
    .bind(caller.id)
    .bind(caller.id)
    .execute(&mut *tx)
    .await?;
    finish(tx, &id, &caller).await
}

/// The objective's current value of `field`, as the client sends it.
fn field_value(objective: &Objective, field: &str) -> Option<String> {
    Some(match field {
        "title" => objective.title.clone(),
        "description" => objective.description.clone(),
        "why_important" => objective.why_important.clone(),
        "why_urgent" => objective.why_urgent.clone(),
        "kind" => objective.kind.as_str().to_owned(),
        "status" => objective.status.as_str().to_owned(),
        "unit_id" => objective.unit_id.to_string(),
        "parent_id" => objective.parent_id.clone().unwrap_or_default(),
        _ => return None,
    })
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

#[tracing::instrument(skip(previous, value))]
pub async fn update_objective(
    id: &str,
    version: i64,
    field: &str,
    previous: &str,
    value: &str,
) -> Result<Objective, AppError> {
    let caller = require_caller().await?;
    let pool = pool()?;
    let tree = load_tree(&pool).await?;
    let mut tx = begin_write().await?;
    let objective = fetch_objective(&mut tx, id)
        .await?
        .ok_or_else(|| AppError::NotFound("That objective".into()))?;
    let current = field_value(&objective, field)
        .ok_or_else(|| AppError::BadRequest(format!("unknown field {field}")))?;
    let actor = actor_of(&mut tx, &caller, &tree).await?;
    let change = match field {
        "status" => Change::SetStatus(
            value
                .parse()
                .map_err(|_| AppError::invalid("status", "Unknown status."))?,
        ),
        "unit_id" => Change::SetOwner,
        _ => Change::Edit,
    };
    permissions::check(&actor, change, &objective.scope()).map_err(forbidden)?;
    check_fresh(
        objective.version,
        version,
        &current,
        previous,
        &objective.updated_by,
    )?;

    match field {
        "title" => set_text(&mut tx, id, "title", text("title", value, MAX_TITLE, true)?).await?,
        "description" => {
            set_text(
                &mut tx,
                id,
                "description",
                text("description", value, MAX_DESCRIPTION, false)?,
            )
            .await?
        }
        "why_important" => {
            set_text(
                &mut tx,
                id,
                "why_important",
                text("why_important", value, MAX_WHY, false)?,
            )
            .await?
        }
        "why_urgent" => {
            set_text(
                &mut tx,
                id,
                "why_urgent",
                text("why_urgent", value, MAX_WHY, false)?,
            )
            .await?
        }
        "kind" => {
            let kind: ObjectiveKind = value
                .parse()
                .map_err(|_| AppError::invalid("kind", "Choose committed or aspirational."))?;
            set_text(&mut tx, id, "kind", kind.as_str().to_owned()).await?
        }
        "status" => {
            let Change::SetStatus(status) = change else {
                return Err(internal("status change expected"));
            };
            set_text(&mut tx, id, "status", status.as_str().to_owned()).await?
        }
        "unit_id" => {
            let unit = value
                .trim()
                .parse::<i64>()
                .ok()
                .filter(|u| tree.get(*u).is_some());
            let unit =
                unit.ok_or_else(|| AppError::invalid("unit_id", "Choose a unit from the list."))?;
            sqlx::query("UPDATE objectives SET unit_id = ? WHERE id = ?")
                .bind(unit)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            // A unit does not share its own objective with itself.
            sqlx::query("DELETE FROM objective_units WHERE objective_id = ? AND unit_id = ?")
                .bind(id)
                .bind(unit)
                .execute(&mut *tx)
                .await?;
        }
        "parent_id" => {
            let parent = value.trim();
            if parent.is_empty() {
                sqlx::query("UPDATE objectives SET parent_id = NULL WHERE id = ?")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
            } else {
                let parent = client_id("parent_id", parent)?;
                check_parent(&mut tx, &objective, &parent).await?;
                sqlx::query("UPDATE objectives SET parent_id = ? WHERE id = ?")
                    .bind(&parent)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        _ => return Err(AppError::BadRequest(format!("unknown field {field}"))),
    }
    finish(tx, id, &caller).await
}

async fn set_text(
    tx: &mut SqliteConnection,
    id: &str,
    column: &'static str,
    value: String,
) -> Result<(), AppError> {
    // `column` is one of a fixed set of names, never input.
    sqlx::query(&format!("UPDATE objectives SET {column} = ? WHERE id = ?"))
        .bind(value)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// A parent must be another objective of the same cycle, and the chain of
/// parents above it must not lead back to the objective.
async fn check_parent(
    db: &mut SqliteConnection,
    objective: &Objective,
    parent: &str,
) -> Result<(), AppError> {
    if parent == objective.id {
        return Err(AppError::invalid(
            "parent_id",
            "An objective cannot support itself.",
        ));
    }
    let mut current = Some(parent.to_owned());
    let mut steps = 0;
    while let Some(id) = current {
        let row: Option<(i64, Option<String>)> =
            sqlx::query_as("SELECT cycle_id, parent_id FROM objectives WHERE id = ?")
                .bind(&id)
                .fetch_optional(&mut *db)
                .await?;
        let Some((cycle, next)) = row else {
            return Err(AppError::invalid(
                "parent_id",
                "That objective no longer exists; reload the board.",
            ));
        };
        if steps == 0 && cycle != objective.cycle_id {
            return Err(AppError::invalid(
                "parent_id",
                "Align with an objective of the same cycle.",
            ));
        }
        if next.as_deref() == Some(objective.id.as_str()) {
            return Err(AppError::invalid(
                "parent_id",
                "That would make the objectives support each other in a circle.",
            ));
        }
        steps += 1;
        if steps > 1000 {
            return Err(internal("parent chain too long"));
        }
        current = next;
    }
    Ok(())
}

/// What the add-key-result form sends, before validation.
#[derive(Debug)]
pub struct NewKeyResult {
    pub id: String,
    pub objective_id: String,
    pub title: String,
    pub metric: MetricKind,
    pub unit_label: String,
    pub start: String,
    pub target: String,
    pub owner_id: String,
}

#[tracing::instrument(skip(new), fields(objective = %new.objective_id))]
pub async fn create_key_result(new: NewKeyResult) -> Result<KeyResult, AppError> {
    let caller = require_caller().await?;
    let id = client_id("id", &new.id)?;
    let title = text("title", &new.title, MAX_TITLE, true)?;
    let unit_label = text("unit_label", &new.unit_label, 20, false)?;
    let (start, target) = if new.metric == MetricKind::Milestone {
        (0.0, 1.0)
    } else {
        let start = parse_number("start", &new.start)?;
        let target = parse_number("target", &new.target)?;
        direction(new.metric, start, target)
            .map_err(|e| AppError::invalid("target", e.to_string()))?;
        (start, target)
    };
    let pool = pool()?;
    let tree = load_tree(&pool).await?;
    let mut tx = begin_write().await?;
    if let Some(existing) = fetch_key_result(&mut tx, &id).await? {
        return Ok(existing);
    }
    let objective = fetch_objective(&mut tx, &new.objective_id)
        .await?
        .ok_or_else(|| AppError::NotFound("That objective".into()))?;
    let actor = actor_of(&mut tx, &caller, &tree).await?;
    permissions::check(&actor, Change::Edit, &objective.scope()).map_err(forbidden)?;
    let owner = match new.owner_id.trim() {
        "" => caller.id,
        raw => raw
            .parse::<i64>()
            .map_err(|_| AppError::invalid("owner_id", "Choose an owner from the list."))?,
    };
    ensure_active_person(&mut tx, owner).await?;
    sqlx::query(
        "INSERT INTO key_results (id, objective_id, title, metric, unit_label, start_value, target_value, \
         current_value, owner_id, position) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, (SELECT COUNT(*) FROM key_results WHERE objective_id = ?))",
    )
    .bind(&id)
    .bind(&objective.id)
    .bind(&title)
    .bind(new.metric.as_str())
    .bind(&unit_label)
    .bind(start)
    .bind(target)
    .bind(start)
    .bind(owner)
    .bind(&objective.id)
    .execute(&mut *tx)
    .await?;
    let objective = finish(tx, &objective.id, &caller).await?;
    objective
        .key_results
        .into_iter()
        .find(|kr| kr.id == id)
        .ok_or_else(|| internal("key result vanished"))
}

async fn fetch_key_result(
    db: &mut SqliteConnection,
    id: &str,
) -> Result<Option<KeyResult>, AppError> {
    sqlx::query_as::<_, KeyResultRow>(&format!("{SELECT_KEY_RESULTS} WHERE k.id = ?"))
        .bind(id)
        .fetch_optional(&mut *db)
        .await?
        .map(KeyResultRow::into_key_result)
        .transpose()
}

async fn ensure_active_person(db: &mut SqliteConnection, id: i64) -> Result<(), AppError> {
    let active: Option<bool> = sqlx::query_scalar("SELECT active FROM people WHERE id = ?")
        .bind(id)
        .fetch_optional(&mut *db)
        .await?;
    match active {
        Some(true) => Ok(()),
        _ => Err(AppError::invalid(
            "owner_id",
            "Choose an active person as the owner.",
        )),
    }
}

fn kr_field_value(kr: &KeyResult, field: &str) -> Option<String> {
    let flag = |b: bool| b.to_string();
    Some(match field {
        "title" => kr.title.clone(),
        "unit_label" => kr.unit_label.clone(),
        "start" => format_number(kr.start),
        "target" => format_number(kr.target),
        "current" => format_number(kr.current),
        "owner_id" => kr.owner_id.to_string(),
        "source_identified" => flag(kr.readiness.source_identified),
        "baseline_known" => flag(kr.readiness.baseline_known),
        "data_owner" => flag(kr.readiness.data_owner),
        "update_frequency" => flag(kr.readiness.update_frequency),
        "reliable" => flag(kr.readiness.reliable),
        "fallback" => kr
            .fallback
            .map(|f| f.as_str().to_owned())
            .unwrap_or_default(),
        "proxy_name" => kr.proxy_name.clone(),
        _ => return None,
    })
}

#[tracing::instrument(skip(previous, value))]
pub async fn update_key_result(
    id: &str,
    version: i64,
    field: &str,
    previous: &str,
    value: &str,
) -> Result<KeyResult, AppError> {
    let caller = require_caller().await?;
    let pool = pool()?;
    let tree = load_tree(&pool).await?;
    let mut tx = begin_write().await?;
    let kr = fetch_key_result(&mut tx, id)
        .await?
        .ok_or_else(|| AppError::NotFound("That key result".into()))?;
    let objective = fetch_objective(&mut tx, &kr.objective_id)
        .await?
        .ok_or_else(|| internal("orphan key result"))?;
    let current = kr_field_value(&kr, field)
        .ok_or_else(|| AppError::BadRequest(format!("unknown field {field}")))?;
    let actor = actor_of(&mut tx, &caller, &tree).await?;
    // The current value is the owner's to report; everything else defines the key result.
    let change = if field == "current" {
        Change::UpdateKeyResult { owner: kr.owner_id }
    } else {
        Change::Edit
    };
    permissions::check(&actor, change, &objective.scope()).map_err(forbidden)?;
    check_fresh(
        kr.version,
        version,
        &current,
        previous,
        &objective.updated_by,
    )?;

    let number_column = match field {
        "start" => Some("start_value"),
        "target" => Some("target_value"),
        "current" => Some("current_value"),
        _ => None,
    };
    if let Some(column) = number_column {
        let n = if kr.metric == MetricKind::Milestone && field == "current" {
            match value.trim() {
                "1" | "true" | "done" => 1.0,
                "0" | "false" | "" => 0.0,
                _ => {
                    return Err(AppError::invalid(
                        "current",
                        "Mark the milestone done or not done.",
                    ));
                }
            }
        } else {
            parse_number(field, value)?
        };
        let (start, target) = match field {
            "start" => (n, kr.target),
            "target" => (kr.start, n),
            _ => (kr.start, kr.target),
        };
        direction(kr.metric, start, target).map_err(|e| AppError::invalid(field, e.to_string()))?;
        set_kr(&mut tx, id, column, n).await?;
    } else {
        match field {
            "title" => set_kr(&mut tx, id, "title", text("title", value, MAX_TITLE, true)?).await?,
            "unit_label" => {
                set_kr(
                    &mut tx,
                    id,
                    "unit_label",
                    text("unit_label", value, 20, false)?,
                )
                .await?
            }
            "proxy_name" => {
                set_kr(
                    &mut tx,
                    id,
                    "proxy_name",
                    text("proxy_name", value, 120, false)?,
                )
                .await?
            }
            "owner_id" => {
                let owner = value
                    .trim()
                    .parse::<i64>()
                    .map_err(|_| AppError::invalid("owner_id", "Choose an owner."))?;
                ensure_active_person(&mut tx, owner).await?;
                set_kr(&mut tx, id, "owner_id", owner).await?
            }
            "fallback" => {
                let fallback: Option<Fallback> = match value.trim() {
                    "" => None,
                    other => Some(
                        other
                            .parse()
                            .map_err(|_| AppError::invalid("fallback", "Choose a fallback."))?,
                    ),
                };
                set_kr(
                    &mut tx,
                    id,
                    "fallback",
                    fallback.map(|f| f.as_str().to_owned()),
                )
                .await?
            }
            "source_identified" | "baseline_known" | "data_owner" | "update_frequency"
            | "reliable" => {
                let flag = matches!(value.trim(), "true" | "on" | "1");
                set_kr(&mut tx, id, field_column(field), flag).await?
            }
            _ => return Err(AppError::BadRequest(format!("unknown field {field}"))),
        }
    }
    sqlx::query(
        "UPDATE key_results SET version = version + 1, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?",
    )
    .bind(id)
    .execute(&mut *tx)
    .await?;
    let objective = finish(tx, &objective.id, &caller).await?;
    objective
        .key_results
        .into_iter()
        .find(|k| k.id == id)
        .ok_or_else(|| internal("key result vanished"))
}

/// The column of a readiness field (the same names, checked against a fixed list).
fn field_column(field: &str) -> &'static str {
    match field {
        "source_identified" => "source_identified",
        "baseline_known" => "baseline_known",
        "data_owner" => "data_owner",
        "update_frequency" => "update_frequency",
        _ => "reliable",
    }
}

async fn set_kr<T>(
    tx: &mut SqliteConnection,
    id: &str,
    column: &'static str,
    value: T,
) -> Result<(), AppError>
where
    T: for<'q> sqlx::Encode<'q, Sqlite> + sqlx::Type<Sqlite> + Send,
{
    // `column` is one of a fixed set of names, never input.
    sqlx::query(&format!("UPDATE key_results SET {column} = ? WHERE id = ?"))
        .bind(value)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// Events after `version` on a cycle's board, for a client catching up;
/// `None` when the log does not reach back that far (it must reload).
pub async fn events_after(
    pool: &sqlx::SqlitePool,
    cycle_id: i64,
    version: i64,
) -> Result<Option<Vec<BoardEvent>>, AppError> {
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

/// Whether the cycle exists (for the websocket, before it upgrades).
pub async fn cycle_exists(pool: &sqlx::SqlitePool, cycle_id: i64) -> Result<bool, AppError> {
    let found: Option<i64> = sqlx::query_scalar("SELECT id FROM cycles WHERE id = ?")
        .bind(cycle_id)
        .fetch_optional(pool)
        .await?;
    Ok(found.is_some())
}
