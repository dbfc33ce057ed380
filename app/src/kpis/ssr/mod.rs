//! KPIs in the database: loading them with their status, defining and
//! changing them. Readings are in [`readings`].

pub mod objective;
pub mod readings;

use super::{
    Choice, Kpi, KpiDetail, KpiInput, KpiList, KpiReading, LinkedKeyResult, ReplacedReading,
    SPARKLINE_READINGS, Suggestion,
};
use crate::auth::ssr::{Caller, require_caller};
use crate::cycles::ssr::today;
use crate::domain::kpi::{self, Cadence, Direction, Reading, Thresholds};
use crate::domain::permissions::{self, Actor};
use crate::domain::units::UnitTree;
use crate::error::{AppError, ssr::internal};
use crate::objectives::ssr::{actor_of, forbidden};
use crate::org::load_tree;
use crate::sql::Conn;
use crate::state::{begin_write, pool};
use time::Date;

type KpiRow = (
    i64,
    String,
    String,
    String,
    i64,
    i64,
    String,
    String,
    f64,
    f64,
    String,
    i64,
    String,
);

const SELECT_KPIS: &str = "SELECT k.id, k.name, k.description, k.unit_label, k.unit_id, k.owner_id, \
     p.name, k.direction, k.healthy, k.critical, k.cadence, k.version, k.made_on \
     FROM kpis k JOIN people p ON p.id = k.owner_id";

/// Who recorded a reading, as pages name them.
const READING_BY: &str = "COALESCE(p.name, t.name || ' (API)', '')";

type ReadingRow = (i64, String, f64, String, String);

/// Readings of the KPIs `filter` selects (on `k`), the last `limit` of
/// each (all with `None`), oldest first.
async fn readings_of(
    db: &mut Conn,
    filter: &str,
    bind: Option<i64>,
    limit: Option<usize>,
) -> Result<Vec<ReadingRow>, AppError> {
    let limit = limit.map_or(String::new(), |n| format!("WHERE n <= {n}"));
    let sql = format!(
        "SELECT kpi_id, read_on, value, note, by FROM (\
           SELECT r.kpi_id, r.read_on, r.value, r.note, {READING_BY} AS by, \
             ROW_NUMBER() OVER (PARTITION BY r.kpi_id ORDER BY r.read_on DESC) AS n \
           FROM kpi_readings r JOIN kpis k ON k.id = r.kpi_id \
           LEFT JOIN people p ON p.id = r.person_id LEFT JOIN api_tokens t ON t.id = r.token_id \
           WHERE {filter}) AS latest {limit} ORDER BY kpi_id, read_on"
    );
    let mut query = sqlx::query_as(&sql);
    if let Some(value) = bind {
        query = query.bind(value);
    }
    Ok(query.fetch_all(&mut *db).await?)
}

fn direction_of(raw: &str) -> Result<Direction, AppError> {
    Direction::parse(raw).ok_or_else(|| internal(format!("unknown KPI direction {raw}")))
}

fn cadence_of(raw: &str) -> Result<Cadence, AppError> {
    Cadence::parse(raw).ok_or_else(|| internal(format!("unknown KPI cadence {raw}")))
}

/// KPIs with their readings and status on `today`, as `actor` may act on them.
fn assemble(
    rows: Vec<KpiRow>,
    readings: Vec<ReadingRow>,
    tree: &UnitTree,
    actor: &Actor,
    today: Date,
) -> Result<Vec<Kpi>, AppError> {
    let mut kpis = Vec::with_capacity(rows.len());
    for row in rows {
        let (id, name, description, unit_label, unit_id, owner_id, owner, direction, healthy) = (
            row.0, row.1, row.2, row.3, row.4, row.5, row.6, row.7, row.8,
        );
        let (critical, cadence, version, made_on) = (row.9, row.10, row.11, row.12);
        let thresholds = Thresholds {
            direction: direction_of(&direction)?,
            healthy,
            critical,
        };
        let cadence = cadence_of(&cadence)?;
        let own: Vec<KpiReading> = readings
            .iter()
            .filter(|r| r.0 == id)
            .map(|(_, on, value, note, by)| KpiReading {
                on: on.clone(),
                value: *value,
                note: note.clone(),
                by: by.clone(),
                health: thresholds.health(*value),
            })
            .collect();
        let dated: Vec<Reading> = own
            .iter()
            .filter_map(|r| {
                crate::cycles::parse_date("on", &r.on)
                    .ok()
                    .map(|on| Reading { on, value: r.value })
            })
            .collect();
        let made_on = crate::cycles::parse_date("made_on", &made_on).map_err(internal)?;
        kpis.push(Kpi {
            id,
            name,
            description,
            unit_label,
            unit_id,
            unit: tree.path(unit_id).join(" › "),
            owner_id,
            owner,
            direction: thresholds.direction,
            healthy,
            critical,
            cadence,
            version,
            health: own.last().map(|r| r.health),
            flag: kpi::flag(&thresholds, cadence, &dated, made_on, today),
            readings: own,
            can_edit: permissions::check_kpi(actor, unit_id).is_ok(),
            can_record: permissions::check_kpi_reading(actor, unit_id, owner_id).is_ok(),
        });
    }
    Ok(kpis)
}

/// The caller, the unit tree and the caller's rights.
async fn who(db: &mut Conn) -> Result<(Caller, UnitTree, Actor), AppError> {
    who_is(db, require_caller().await?).await
}

/// The unit tree and `caller`'s rights, read on the connection already
/// held (a request holding the write lock never waits for a second one).
pub(super) async fn who_is(
    db: &mut Conn,
    caller: Caller,
) -> Result<(Caller, UnitTree, Actor), AppError> {
    let tree = load_tree(&mut *db).await?;
    let actor = actor_of(db, &caller, &tree).await?;
    Ok((caller, tree, actor))
}

/// KPIs on the `filter` (on `k`), ordered along the unit tree then by name.
async fn load(
    db: &mut Conn,
    tree: &UnitTree,
    actor: &Actor,
    filter: &str,
    bind: Option<i64>,
    limit: Option<usize>,
) -> Result<Vec<Kpi>, AppError> {
    let sql = format!("{SELECT_KPIS} WHERE {filter} ORDER BY lower(k.name), k.id");
    let mut query = sqlx::query_as::<_, KpiRow>(&sql);
    if let Some(value) = bind {
        query = query.bind(value);
    }
    let rows = query.fetch_all(&mut *db).await?;
    let readings = readings_of(db, filter, bind, limit).await?;
    let mut kpis = assemble(rows, readings, tree, actor, today())?;
    let order: Vec<i64> = tree.ordered().into_iter().map(|(n, _)| n.id).collect();
    kpis.sort_by_key(|k| order.iter().position(|u| *u == k.unit_id));
    Ok(kpis)
}

pub async fn list() -> Result<KpiList, AppError> {
    let mut db = pool()?.acquire().await?;
    let (_, tree, actor) = who(&mut db).await?;
    let kpis = load(
        &mut db,
        &tree,
        &actor,
        "1 = 1",
        None,
        Some(SPARKLINE_READINGS),
    )
    .await?;
    let (units, people) = choices(&mut db, &tree, &actor).await?;
    Ok(KpiList {
        kpis,
        units,
        people,
    })
}

/// The units `actor` may define KPIs for, and (when there are any) the
/// people who may own one.
async fn choices(
    db: &mut Conn,
    tree: &UnitTree,
    actor: &Actor,
) -> Result<(Vec<Choice>, Vec<Choice>), AppError> {
    let units: Vec<Choice> = tree
        .ordered()
        .into_iter()
        .filter(|(node, _)| permissions::check_kpi(actor, node.id).is_ok())
        .map(|(node, _)| Choice {
            id: node.id,
            label: tree.path(node.id).join(" › "),
        })
        .collect();
    let people = if units.is_empty() {
        Vec::new()
    } else {
        people(db).await?
    };
    Ok((units, people))
}

async fn people(db: &mut Conn) -> Result<Vec<Choice>, AppError> {
    let rows: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, name FROM people WHERE active = TRUE ORDER BY lower(name)")
            .fetch_all(&mut *db)
            .await?;
    Ok(rows
        .into_iter()
        .map(|(id, label)| Choice { id, label })
        .collect())
}

/// The KPIs of one unit, for its page.
pub async fn of_unit(unit_id: i64) -> Result<Vec<Kpi>, AppError> {
    let mut db = pool()?.acquire().await?;
    let (_, tree, actor) = who(&mut db).await?;
    if tree.get(unit_id).is_none() {
        return Err(AppError::NotFound("That unit".into()));
    }
    load(
        &mut db,
        &tree,
        &actor,
        "k.unit_id = $1",
        Some(unit_id),
        Some(SPARKLINE_READINGS),
    )
    .await
}

/// One KPI with every reading, as the caller sees it (`NotFound` if none).
pub(crate) async fn one(
    db: &mut Conn,
    tree: &UnitTree,
    actor: &Actor,
    id: i64,
) -> Result<Kpi, AppError> {
    load(db, tree, actor, "k.id = $1", Some(id), None)
        .await?
        .pop()
        .ok_or_else(|| AppError::NotFound("That KPI".into()))
}

pub async fn detail(id: i64) -> Result<KpiDetail, AppError> {
    let mut db = pool()?.acquire().await?;
    let (_, tree, actor) = who(&mut db).await?;
    let kpi = one(&mut db, &tree, &actor, id).await?;
    let replaced: Vec<(String, f64, String, String)> = sqlx::query_as(&format!(
        "SELECT r.read_on, r.value, {READING_BY}, r.replaced_at FROM kpi_reading_history r \
         LEFT JOIN people p ON p.id = r.person_id LEFT JOIN api_tokens t ON t.id = r.token_id \
         WHERE r.kpi_id = $1 ORDER BY r.read_on DESC, r.id DESC LIMIT 50"
    ))
    .bind(id)
    .fetch_all(&mut *db)
    .await?;
    let linked: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT o.id, o.title, kr.title, c.name FROM key_results kr \
         JOIN objectives o ON o.id = kr.objective_id JOIN cycles c ON c.id = o.cycle_id \
         WHERE kr.kpi_id = $1 ORDER BY c.start_date DESC, o.created_at, kr.position",
    )
    .bind(id)
    .fetch_all(&mut *db)
    .await?;
    let suggestion = suggestion(&mut db, &kpi).await?;
    let (units, people) = if kpi.can_edit {
        choices(&mut db, &tree, &actor).await?
    } else {
        (Vec::new(), Vec::new())
    };
    Ok(KpiDetail {
        units,
        people,
        today: today().to_string(),
        kpi,
        replaced: replaced
            .into_iter()
            .map(|(on, value, by, replaced_at)| ReplacedReading {
                on,
                value,
                by,
                replaced_at,
            })
            .collect(),
        linked: linked
            .into_iter()
            .map(
                |(objective_id, objective, key_result, cycle)| LinkedKeyResult {
                    objective_id,
                    objective,
                    key_result,
                    cycle,
                },
            )
            .collect(),
        suggestion,
    })
}

/// The objective a flagged KPI suggests, on the board of the cycle running
/// today; `None` for a KPI that is not flagged or when no cycle runs.
async fn suggestion(db: &mut Conn, kpi: &Kpi) -> Result<Option<Suggestion>, AppError> {
    let Some(flag) = kpi.flag else {
        return Ok(None);
    };
    let day = today().to_string();
    let cycle_id: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM cycles WHERE start_date <= $1 AND end_date >= $1 \
         ORDER BY start_date DESC, id DESC LIMIT 1",
    )
    .bind(&day)
    .fetch_optional(&mut *db)
    .await?;
    let Some(cycle_id) = cycle_id else {
        return Ok(None);
    };
    let readings: Vec<Reading> = kpi
        .readings
        .iter()
        .filter_map(|r| {
            crate::cycles::parse_date("on", &r.on)
                .ok()
                .map(|on| Reading { on, value: r.value })
        })
        .collect();
    let proposal = kpi::objective_from(
        &kpi.name,
        &kpi.unit_label,
        &kpi.thresholds(),
        &readings,
        flag,
    );
    Ok(Some(Suggestion {
        cycle_id,
        title: proposal.title,
        why_important: proposal.why_important,
        key_result_title: proposal.key_result_title,
        start: proposal.start,
        target: proposal.target,
    }))
}

/// Creates or changes a KPI. A change names the version it was made on:
/// someone else's change since is refused, not overwritten.
pub async fn save(
    id: Option<i64>,
    version: Option<i64>,
    input: KpiInput,
) -> Result<super::Kpi, AppError> {
    let caller = require_caller().await?;
    let definition = input.parse()?;
    let tree = load_tree(&pool()?).await?;
    let mut tx = begin_write().await?;
    let actor = actor_of(&mut tx, &caller, &tree).await?;
    if tree.get(definition.unit_id).is_none() {
        return Err(AppError::invalid("unit_id", "That unit no longer exists."));
    }
    permissions::check_kpi(&actor, definition.unit_id).map_err(forbidden)?;
    let owner: Option<i64> =
        sqlx::query_scalar("SELECT id FROM people WHERE id = $1 AND active = TRUE")
            .bind(definition.owner_id)
            .fetch_optional(&mut *tx)
            .await?;
    if owner.is_none() {
        return Err(AppError::invalid(
            "owner_id",
            "Choose someone who is still here.",
        ));
    }
    let duplicate: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM kpis WHERE unit_id = $1 AND lower(name) = lower($2) AND id IS DISTINCT FROM $3",
    )
    .bind(definition.unit_id)
    .bind(&definition.name)
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    if duplicate.is_some() {
        return Err(AppError::invalid(
            "name",
            "This unit already has a KPI with this name.",
        ));
    }
    let now = crate::sql::now();
    let t = definition.thresholds;
    let id = match id {
        None => {
            sqlx::query_scalar(
                "INSERT INTO kpis (name, description, unit_label, unit_id, owner_id, direction, \
                 healthy, critical, cadence, made_on, created_by, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
            )
            .bind(&definition.name)
            .bind(&definition.description)
            .bind(&definition.unit_label)
            .bind(definition.unit_id)
            .bind(definition.owner_id)
            .bind(t.direction.as_str())
            .bind(t.healthy)
            .bind(t.critical)
            .bind(definition.cadence.as_str())
            .bind(today().to_string())
            .bind(caller.id)
            .bind(&now)
            .bind(&now)
            .fetch_one(&mut *tx)
            .await?
        }
        Some(id) => {
            let (unit_id, current): (i64, i64) =
                sqlx::query_as("SELECT unit_id, version FROM kpis WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&mut *tx)
                    .await?
                    .ok_or_else(|| AppError::NotFound("That KPI".into()))?;
            // Taking a KPI away from a unit needs rights there too.
            permissions::check_kpi(&actor, unit_id).map_err(forbidden)?;
            if version != Some(current) {
                return Err(AppError::Conflict(
                    "Someone changed this KPI since you opened it. Reload to see their change, then make yours."
                        .into(),
                ));
            }
            sqlx::query(
                "UPDATE kpis SET name = $1, description = $2, unit_label = $3, unit_id = $4, \
                 owner_id = $5, direction = $6, healthy = $7, critical = $8, cadence = $9, \
                 version = version + 1, updated_at = $10 WHERE id = $11",
            )
            .bind(&definition.name)
            .bind(&definition.description)
            .bind(&definition.unit_label)
            .bind(definition.unit_id)
            .bind(definition.owner_id)
            .bind(t.direction.as_str())
            .bind(t.healthy)
            .bind(t.critical)
            .bind(definition.cadence.as_str())
            .bind(&now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            id
        }
    };
    let kpi = one(&mut tx, &tree, &actor, id).await?;
    tx.commit().await?;
    readings::announce(&kpi);
    Ok(kpi)
}
