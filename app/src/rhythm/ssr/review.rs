//! The all-hands (the organisation) and a department's review: progress
//! against the expected line per unit, the week's biggest movers, the
//! celebrations, KPIs flagged or recovered, and lessons closed recently.

use super::super::{FlaggedKpi, Mover, RecentLesson, ReviewAgenda};
use super::notes::{load, may_write};
use super::planned;
use crate::cycles::ssr::today;
use crate::domain::progress::Measure;
use crate::domain::rhythm::AgendaKey;
use crate::error::{AppError, ssr::internal};
use crate::objectives::ssr::asking;
use crate::sql::Conn;
use crate::state::{app_state, pool};
use std::collections::HashSet;
use time::{Date, Duration};

/// Movers a review lists, and how far back its lessons reach.
const MOVERS: usize = 5;
const LESSON_DAYS: i64 = 30;
const LESSONS: i64 = 5;

pub async fn agenda(unit_id: Option<i64>) -> Result<ReviewAgenda, AppError> {
    let mut db = pool()?.acquire().await?;
    let (_, tree, actor) = asking(&mut db).await?;
    if unit_id.is_some_and(|unit| tree.get(unit).is_none()) {
        return Err(AppError::NotFound("That unit".into()));
    }
    let scope: HashSet<i64> = match unit_id {
        Some(unit) => tree.subtree(unit).into_iter().collect(),
        None => tree
            .ordered()
            .into_iter()
            .map(|(node, _)| node.id)
            .collect(),
    };
    let today = today();
    let leaderboard = crate::leaderboard::ssr::latest(&app_state()?).await?;
    let key = AgendaKey::Review(unit_id);
    let above = unit_id
        .map(|unit| tree.unit_and_above(unit))
        .unwrap_or_default();
    let (plan, day) = planned(&mut db, leaderboard.cycle.as_ref(), key, &above, today).await?;
    let notes = load(&mut db, key, day, may_write(&actor, key, None, &tree)).await?;
    let standings = leaderboard.standings;
    let in_scope = |unit: &i64| scope.contains(unit);
    let movers = match &leaderboard.cycle {
        Some(cycle) => movers(&mut db, cycle.id, &scope, today).await?,
        None => Vec::new(),
    };
    let lessons = lessons(&mut db, &scope, today).await?;
    drop(db);
    let flagged = crate::kpis::ssr::list()
        .await?
        .kpis
        .into_iter()
        .filter(|kpi| in_scope(&kpi.unit_id))
        .filter_map(|kpi| {
            kpi.flag.map(|flag| FlaggedKpi {
                id: kpi.id,
                name: kpi.name,
                unit: kpi.unit,
                reason: flag.words().to_owned(),
            })
        })
        .collect();
    // The highlights of the units in scope: a department celebrates its
    // own best, not only the organisation's when it happens to be theirs.
    let units: Vec<_> = standings
        .rows
        .into_iter()
        .filter(|row| in_scope(&row.unit_id))
        .collect();
    Ok(ReviewAgenda {
        unit_id,
        scope: unit_id.map_or_else(|| "Everyone".to_owned(), |unit| tree.path(unit).join(" › ")),
        cycle: leaderboard.cycle,
        plan,
        expected: standings.expected,
        biggest_gain: crate::domain::leaderboard::biggest_gain(&units),
        longest_streak: crate::domain::leaderboard::longest_streak(&units),
        units,
        movers,
        // By the unit, not its name: names repeat in other departments.
        recoveries: leaderboard
            .recoveries
            .into_iter()
            .filter(|r| in_scope(&r.unit_id))
            .collect(),
        flagged,
        lessons,
        notes,
    })
}

type MoverRow = (
    String,
    String,
    String,
    String,
    String,
    f64,
    f64,
    f64,
    Option<f64>,
    String,
    i64,
    Option<String>,
);

/// The key results of active objectives owned in `scope` that moved most
/// this week: progress now against progress seven days ago (the value
/// checked in by then, else the start).
async fn movers(
    db: &mut Conn,
    cycle_id: i64,
    scope: &HashSet<i64>,
    today: Date,
) -> Result<Vec<Mover>, AppError> {
    let week_ago = (today - Duration::days(7)).to_string();
    let proxy = crate::objectives::ssr::PROXY;
    // A key result waiting for its data counts nowhere, so it moves nowhere.
    let delayed = crate::objectives::ssr::DELAYED;
    let rows: Vec<MoverRow> = sqlx::query_as(&format!(
        "SELECT o.id, o.title, k.title, u.name, k.metric, k.start_value, k.target_value, k.current_value, \
         (SELECT c.value FROM check_ins c WHERE c.key_result_id = k.id AND c.checked_in_on <= $2 \
          ORDER BY c.checked_in_on DESC, c.created_at DESC LIMIT 1), \
         k.id, o.unit_id, {proxy} FROM key_results k JOIN objectives o ON o.id = k.objective_id \
         JOIN units u ON u.id = o.unit_id WHERE o.cycle_id = $1 AND o.status = 'active' \
         AND NOT {delayed} AND EXISTS (SELECT 1 FROM check_ins c WHERE c.key_result_id = k.id AND c.checked_in_on > $2)"
    ))
    .bind(cycle_id)
    .bind(&week_ago)
    .fetch_all(&mut *db)
    .await?;
    let mut movers = Vec::new();
    for (
        objective_id,
        objective_title,
        title,
        unit,
        metric,
        start,
        target,
        current,
        then,
        _,
        owner,
        proxy,
    ) in rows
    {
        if !scope.contains(&owner) {
            continue;
        }
        let metric = metric.parse().map_err(internal)?;
        let progress = |value| {
            Measure {
                metric,
                start,
                target,
                current: value,
            }
            .progress()
        };
        let (from, to) = (progress(then.unwrap_or(start)), progress(current));
        if (to - from).abs() > f64::EPSILON {
            movers.push(Mover {
                objective_id,
                objective_title,
                key_result_title: title,
                unit,
                proxy,
                from,
                to,
            });
        }
    }
    movers.sort_by(|a, b| (b.to - b.from).abs().total_cmp(&(a.to - a.from).abs()));
    movers.truncate(MOVERS);
    Ok(movers)
}

/// Objectives owned in `scope` closed in the last [`LESSON_DAYS`] days,
/// newest first, with their lessons.
async fn lessons(
    db: &mut Conn,
    scope: &HashSet<i64>,
    today: Date,
) -> Result<Vec<RecentLesson>, AppError> {
    let since = (today - Duration::days(LESSON_DAYS)).to_string();
    let units = crate::sql::list(&scope.iter().collect::<Vec<_>>());
    let rows: Vec<(String, String, String, f64, String, String)> = sqlx::query_as(&format!(
        "SELECT n.objective_id, n.title, u.name, n.score, n.lessons, substr(n.created_at, 1, 10) \
         FROM closing_notes n JOIN objectives o ON o.id = n.objective_id JOIN units u ON u.id = o.unit_id \
         WHERE substr(n.created_at, 1, 10) >= $1 AND {} ORDER BY n.created_at DESC LIMIT $3",
        crate::sql::in_list(db, "o.unit_id", 2)
    ))
    .bind(&since)
    .bind(&units)
    .bind(LESSONS)
    .fetch_all(&mut *db)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(objective_id, title, unit, score, lessons, closed_on)| RecentLesson {
                objective_id,
                title,
                unit,
                score,
                lessons,
                closed_on,
            },
        )
        .collect())
}
