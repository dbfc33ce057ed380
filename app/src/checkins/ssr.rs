//! Check-ins in the database. A check-in and the key result's new current
//! value are written in one transaction, which also bumps the objective and
//! board versions and logs the board event (see `objectives::ssr::finish`).

use super::{
    CheckIn, CheckInSaved, HistoryLine, MAX_REFLECTION, ObjectiveLink, ObjectiveView, ReviewItem,
    ShareRow, ShareState, SilentKeyResult, Track, UnitReview, parse_confidence,
};
use crate::auth::ssr::require_caller;
use crate::board::Viewer;
use crate::cycles::ssr::{fetch_cycle, today};
use crate::domain::cadence::{ReviewKey, WEEK_DAYS, review_order};
use crate::domain::okr::MetricKind;
use crate::domain::permissions::{self, Change};
use crate::domain::units::UnitTree;
use crate::domain::validation::{client_id, parse_number, text};
use crate::error::{AppError, ssr::internal};
use crate::objectives::Objective;
use crate::objectives::ssr::{actor_of, fetch_objective, finish, forbidden};
use crate::org::load_tree;
use crate::sql::Conn;
use crate::state::{begin_write, pool};
use std::collections::HashMap;

/// A check-in as the form sends it.
pub struct CheckInInput {
    pub id: String,
    pub key_result_id: String,
    pub value: String,
    pub confidence: String,
    pub progress: String,
    pub problems: String,
    pub plans: String,
}

#[derive(sqlx::FromRow)]
struct CheckInRow {
    id: String,
    key_result_id: String,
    author: String,
    value: f64,
    confidence: i64,
    progress: String,
    problems: String,
    plans: String,
    checked_in_on: String,
}

impl From<CheckInRow> for CheckIn {
    fn from(row: CheckInRow) -> Self {
        CheckIn {
            id: row.id,
            key_result_id: row.key_result_id,
            author: row.author,
            value: row.value,
            confidence: row.confidence.clamp(0, 10) as u8,
            progress: row.progress,
            problems: row.problems,
            plans: row.plans,
            on: row.checked_in_on,
        }
    }
}

const SELECT_CHECK_INS: &str = "SELECT c.id, c.key_result_id, p.name AS author, c.value, c.confidence, \
     c.progress, c.problems, c.plans, c.checked_in_on FROM check_ins c JOIN people p ON p.id = c.author_id";

pub async fn check_in(input: CheckInInput) -> Result<CheckInSaved, AppError> {
    let caller = require_caller().await?;
    let id = client_id("id", &input.id)?;
    let tree = load_tree(&pool()?).await?;
    let mut tx = begin_write().await?;

    // A retried check-in: answer with what the first attempt saved.
    let existing = sqlx::query_as::<_, CheckInRow>(&format!("{SELECT_CHECK_INS} WHERE c.id = $1"))
        .bind(&id)
        .fetch_optional(&mut *tx)
        .await?;
    if let Some(existing) = existing {
        if existing.key_result_id != input.key_result_id.trim() {
            return Err(AppError::Conflict(
                "This check-in id was already used; reload the page.".into(),
            ));
        }
        let objective_id: String =
            sqlx::query_scalar("SELECT objective_id FROM key_results WHERE id = $1")
                .bind(&existing.key_result_id)
                .fetch_one(&mut *tx)
                .await?;
        let objective = fetch_objective(&mut tx, &objective_id)
            .await?
            .ok_or_else(|| internal("objective of a check-in vanished"))?;
        return Ok(CheckInSaved {
            check_in: existing.into(),
            objective,
        });
    }

    let (objective_id, metric, owner_id): (String, String, i64) =
        sqlx::query_as("SELECT objective_id, metric, owner_id FROM key_results WHERE id = $1")
            .bind(input.key_result_id.trim())
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| AppError::NotFound("That key result".into()))?;
    let objective = fetch_objective(&mut tx, &objective_id)
        .await?
        .ok_or_else(|| internal("key result without objective"))?;
    let actor = actor_of(&mut tx, &caller, &tree).await?;
    permissions::check(
        &actor,
        Change::CheckIn { owner: owner_id },
        &objective.scope(),
    )
    .map_err(forbidden)?;

    let metric: MetricKind = metric.parse().map_err(internal)?;
    let value = if metric == MetricKind::Milestone {
        match input.value.trim() {
            "1" => 1.0,
            "0" => 0.0,
            _ => return Err(AppError::invalid("value", "Choose done or not done.")),
        }
    } else {
        parse_number("value", &input.value)?
    };
    let confidence = parse_confidence(&input.confidence)?;
    let progress = text("progress", &input.progress, MAX_REFLECTION, false)?;
    let problems = text("problems", &input.problems, MAX_REFLECTION, false)?;
    let plans = text("plans", &input.plans, MAX_REFLECTION, false)?;
    let day = today().to_string();

    sqlx::query(
        "INSERT INTO check_ins (id, key_result_id, author_id, value, confidence, progress, problems, plans, checked_in_on) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(&id)
    .bind(input.key_result_id.trim())
    .bind(caller.id)
    .bind(value)
    .bind(i64::from(confidence))
    .bind(&progress)
    .bind(&problems)
    .bind(&plans)
    .bind(&day)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "UPDATE key_results SET current_value = $1, version = version + 1, updated_at = $2 WHERE id = $3",
    )
    .bind(value)
    .bind(crate::sql::now())
    .bind(input.key_result_id.trim())
    .execute(&mut *tx)
    .await?;
    let objective = finish(tx, &objective_id, &caller).await?;
    Ok(CheckInSaved {
        check_in: CheckIn {
            id,
            key_result_id: input.key_result_id.trim().to_owned(),
            author: caller.name,
            value,
            confidence,
            progress,
            problems,
            plans,
            on: day,
        },
        objective,
    })
}

/// Objectives matching `filter`, where `$1` is the objective whose page
/// this is, as links (naming their cycle when it is another).
async fn link_rows(
    db: &mut Conn,
    tree: &UnitTree,
    filter: &str,
    objective: &Objective,
) -> Result<Vec<ObjectiveLink>, AppError> {
    let rows: Vec<(String, String, i64, i64, String)> = sqlx::query_as(&format!(
        "SELECT o.id, o.title, o.unit_id, o.cycle_id, c.name FROM objectives o \
         JOIN cycles c ON c.id = o.cycle_id WHERE {filter} ORDER BY c.start_date, o.created_at, o.id"
    ))
    .bind(&objective.id)
    .fetch_all(&mut *db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, title, unit, cycle_id, cycle)| ObjectiveLink {
            id,
            title,
            unit: tree.path(unit).join(" › "),
            cycle: (cycle_id != objective.cycle_id).then_some(cycle),
        })
        .collect())
}

pub async fn objective_view(id: &str) -> Result<ObjectiveView, AppError> {
    let caller = require_caller().await?;
    let pool = pool()?;
    let tree = load_tree(&pool).await?;
    let mut tx = crate::sql::read_tx(&pool).await?;
    // An objective merged into another leads to it.
    let (objective, merged_note) = match fetch_objective(&mut tx, id).await? {
        Some(objective) => (objective, None),
        None => {
            let merged: Option<(String, String, String, String)> = sqlx::query_as(
                "SELECT m.into_id, m.old_title, p.name, substr(m.merged_at, 1, 10) \
                 FROM merged_objectives m JOIN people p ON p.id = m.merged_by WHERE m.old_id = $1",
            )
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
            let (into, title, by, on) =
                merged.ok_or_else(|| AppError::NotFound("That objective".into()))?;
            let objective = fetch_objective(&mut tx, &into)
                .await?
                .ok_or_else(|| AppError::NotFound("That objective".into()))?;
            let note = format!("“{title}” was merged into this objective by {by} on {on}.");
            (objective, Some(note))
        }
    };
    let id = objective.id.clone();
    let id = id.as_str();
    let cycle = fetch_cycle(&mut *tx, objective.cycle_id).await?;
    let history: Vec<HistoryLine> = sqlx::query_as::<_, (String, String)>(
        "SELECT substr(created_at, 1, 10), text FROM objective_history \
         WHERE objective_id = $1 ORDER BY id DESC LIMIT 50",
    )
    .bind(id)
    .fetch_all(&mut *tx)
    .await?
    .into_iter()
    .map(|(on, text)| HistoryLine { on, text })
    .collect();
    let supports = link_rows(
        &mut tx,
        &tree,
        "o.id IN (SELECT supports_id FROM objective_links WHERE objective_id = $1)",
        &objective,
    )
    .await?;
    let children = link_rows(
        &mut tx,
        &tree,
        "o.id IN (SELECT objective_id FROM objective_links WHERE supports_id = $1)",
        &objective,
    )
    .await?;
    let candidates = link_rows(
        &mut tx,
        &tree,
        "o.status <> 'closed' AND o.id <> $1 \
         AND o.id NOT IN (SELECT supports_id FROM objective_links WHERE objective_id = $1) \
         AND o.cycle_id IN (SELECT c2.id FROM cycles c2 JOIN cycles me \
             ON me.id = (SELECT cycle_id FROM objectives WHERE id = $1) \
             WHERE c2.id = me.id OR (c2.start_date <= me.start_date AND c2.end_date >= me.end_date \
             AND (c2.start_date < me.start_date OR c2.end_date > me.end_date)))",
        &objective,
    )
    .await?;
    let decision_owner: Option<String> = match objective.decision_owner_id {
        Some(person) => {
            sqlx::query_scalar("SELECT name FROM people WHERE id = $1")
                .bind(person)
                .fetch_optional(&mut *tx)
                .await?
        }
        None => None,
    };
    let rows = sqlx::query_as::<_, CheckInRow>(&format!(
        "{SELECT_CHECK_INS} JOIN key_results k ON k.id = c.key_result_id \
         WHERE k.objective_id = $1 ORDER BY c.checked_in_on, c.created_at"
    ))
    .bind(id)
    .fetch_all(&mut *tx)
    .await?;
    let owners: HashMap<i64, String> = sqlx::query_as(
        "SELECT p.id, p.name FROM people p JOIN key_results k ON k.owner_id = p.id WHERE k.objective_id = $1",
    )
    .bind(id)
    .fetch_all(&mut *tx)
    .await?
    .into_iter()
    .collect();
    let actor = actor_of(&mut tx, &caller, &tree).await?;
    let closing = crate::lessons::ssr::note_of(&mut tx, id).await?;
    let carry = crate::retro::ssr::carry_of(&mut tx, &objective, &actor).await?;
    tx.commit().await?;

    let mut by_key_result: HashMap<String, Vec<CheckIn>> = HashMap::new();
    for row in rows {
        by_key_result
            .entry(row.key_result_id.clone())
            .or_default()
            .push(row.into());
    }
    let tracks = objective
        .key_results
        .iter()
        .map(|kr| Track {
            key_result_id: kr.id.clone(),
            owner: owners.get(&kr.owner_id).cloned().unwrap_or_default(),
            check_ins: by_key_result.remove(&kr.id).unwrap_or_default(),
        })
        .collect();
    Ok(ObjectiveView {
        unit_path: tree.path(objective.unit_id).join(" › "),
        shares: share_rows(&tree, &objective),
        decision_owner,
        history,
        merged_note,
        supports,
        children,
        candidates,
        tracks,
        closing,
        carry,
        cycle,
        today: today().to_string(),
        viewer: Viewer::from(actor),
        objective,
    })
}

/// The units of a shared objective, the owner first; none when it is not
/// shared.
fn share_rows(tree: &UnitTree, objective: &Objective) -> Vec<ShareRow> {
    if !objective.is_shared() {
        return Vec::new();
    }
    let row = |unit_id: i64, state| ShareRow {
        unit_id,
        path: tree.path(unit_id).join(" › "),
        state,
        commitment: objective.commitment(unit_id).map(str::to_owned),
    };
    std::iter::once(row(objective.unit_id, ShareState::Owner))
        .chain(
            objective
                .shared_unit_ids
                .iter()
                .map(|u| row(*u, ShareState::Sharing)),
        )
        .chain(
            objective
                .invited_unit_ids
                .iter()
                .map(|u| row(*u, ShareState::Invited)),
        )
        .collect()
}

/// The unit and every unit below it.
fn unit_and_below(tree: &UnitTree, unit: i64) -> Vec<i64> {
    tree.ordered()
        .into_iter()
        .map(|(node, _)| node.id)
        .filter(|&id| {
            let mut current = Some(id);
            let mut steps = 0;
            while let Some(at) = current {
                if at == unit {
                    return true;
                }
                steps += 1;
                if steps > 64 {
                    break;
                }
                current = tree.get(at).and_then(|n| n.parent_id);
            }
            false
        })
        .collect()
}

pub async fn unit_review(unit_id: i64) -> Result<UnitReview, AppError> {
    require_caller().await?;
    let pool = pool()?;
    let tree = load_tree(&pool).await?;
    if tree.get(unit_id).is_none() {
        return Err(AppError::NotFound("That unit".into()));
    }
    let units = unit_and_below(&tree, unit_id);
    let today = today();
    let from = (today - time::Duration::days(WEEK_DAYS - 1)).to_string();
    let to = today.to_string();
    let mut tx = crate::sql::read_tx(&pool).await?;
    let Some(cycle_id) = crate::cycles::ssr::current_cycle_id(&mut tx, &to).await? else {
        return Ok(UnitReview {
            unit_id,
            unit_path: tree.path(unit_id).join(" › "),
            cycle: None,
            from,
            to,
            items: Vec::new(),
            silent: Vec::new(),
        });
    };
    let cycle = fetch_cycle(&mut *tx, cycle_id).await?;
    // The unit's objectives, owned or shared, as a JSON list of unit ids.
    let units_json = crate::sql::list(&units);
    let in_units = format!(
        "o.cycle_id = $1 AND ({} OR o.id IN (SELECT objective_id FROM objective_units WHERE {}))",
        crate::sql::in_list(&tx, "o.unit_id", 2),
        crate::sql::in_list(&tx, "unit_id", 2)
    );
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        check_in: CheckInRow,
        objective_id: String,
        objective_title: String,
        key_result_title: String,
        unit_label: String,
        metric: String,
        start_value: f64,
        target_value: f64,
        current_value: f64,
        proxy: Option<String>,
    }
    let proxy = crate::objectives::ssr::PROXY;
    let rows = sqlx::query_as::<_, Row>(&format!(
        "SELECT c.id, c.key_result_id, p.name AS author, c.value, c.confidence, c.progress, c.problems, \
         c.plans, c.checked_in_on, o.id AS objective_id, o.title AS objective_title, \
         k.title AS key_result_title, k.unit_label, k.metric, k.start_value, k.target_value, k.current_value, \
         {proxy} AS proxy FROM check_ins c JOIN people p ON p.id = c.author_id \
         JOIN key_results k ON k.id = c.key_result_id JOIN objectives o ON o.id = k.objective_id \
         WHERE {in_units} AND c.checked_in_on BETWEEN $3 AND $4 ORDER BY c.created_at"
    ))
    .bind(cycle_id)
    .bind(&units_json)
    .bind(&from)
    .bind(&to)
    .fetch_all(&mut *tx)
    .await?;
    let delayed = crate::objectives::ssr::DELAYED;
    let silent: Vec<(String, String, String)> = sqlx::query_as(&format!(
        "SELECT o.id, k.title, o.title FROM key_results k JOIN objectives o ON o.id = k.objective_id \
         WHERE {in_units} AND o.status = 'active' AND NOT {delayed} AND NOT EXISTS (SELECT 1 FROM check_ins c \
         WHERE c.key_result_id = k.id AND c.checked_in_on BETWEEN $3 AND $4) ORDER BY o.created_at, k.position"
    ))
    .bind(cycle_id)
    .bind(&units_json)
    .bind(&from)
    .bind(&to)
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;

    let mut keyed = Vec::with_capacity(rows.len());
    // Rows come oldest first, so the position orders them in time.
    for (position, row) in rows.into_iter().enumerate() {
        let measure = crate::domain::progress::Measure {
            metric: row.metric.parse().map_err(internal)?,
            start: row.start_value,
            target: row.target_value,
            current: row.current_value,
        };
        let check_in: CheckIn = row.check_in.into();
        let key = ReviewKey {
            confidence: check_in.confidence,
            reports_problems: !check_in.problems.is_empty(),
            at: position as i64,
        };
        keyed.push((
            key,
            ReviewItem {
                check_in,
                objective_id: row.objective_id,
                objective_title: row.objective_title,
                key_result_title: row.key_result_title,
                unit_label: row.unit_label,
                progress: measure.progress(),
                proxy: row.proxy,
            },
        ));
    }
    keyed.sort_by(|(a, _), (b, _)| review_order(a, b));
    Ok(UnitReview {
        unit_id,
        unit_path: tree.path(unit_id).join(" › "),
        cycle: Some(cycle),
        from,
        to,
        items: keyed.into_iter().map(|(_, item)| item).collect(),
        silent: silent
            .into_iter()
            .map(
                |(objective_id, key_result_title, objective_title)| SilentKeyResult {
                    objective_id,
                    objective_title,
                    key_result_title,
                },
            )
            .collect(),
    })
}
