//! A person's one-on-one with their lead: the key results they own, their
//! last check-ins with the problems and plans they wrote, confidence over
//! the last weeks, and coaching questions chosen from what those say.

use super::super::{CoachedKeyResult, OneOnOneAgenda};
use super::notes::{load, may_write, person_actor};
use super::planned;
use crate::checkins::CheckIn;
use crate::cycles::ssr::{current_cycle, today};
use crate::domain::cadence::is_overdue;
use crate::domain::permissions;
use crate::domain::progress::Measure;
use crate::domain::rhythm::AgendaKey;
use crate::domain::rhythm::coaching::{Said, questions};
use crate::error::{AppError, ssr::internal};
use crate::objectives::ssr::{asking, forbidden};
use crate::state::pool;
use std::collections::HashMap;

/// Check-ins a one-on-one shows per key result, and confidence points.
const SHOWN_CHECK_INS: usize = 3;
const CONFIDENCE_POINTS: usize = 8;

/// id, key result, author, value, confidence, progress, problems, plans, day.
type CheckInRow = (
    String,
    String,
    String,
    f64,
    i64,
    String,
    String,
    String,
    String,
);

type KeyResultRow = (
    String,
    String,
    String,
    String,
    String,
    f64,
    f64,
    f64,
    String,
    String,
    Option<String>,
);

pub async fn agenda(person_id: i64) -> Result<OneOnOneAgenda, AppError> {
    let mut db = pool()?.acquire().await?;
    let (_, tree, actor) = asking(&mut db).await?;
    let person = person_actor(&mut db, &tree, person_id).await?;
    permissions::check_one_on_one(&actor, &person, &tree).map_err(forbidden)?;
    let person_units = person.units.clone();
    let person_name: String = sqlx::query_scalar("SELECT name FROM people WHERE id = $1")
        .bind(person_id)
        .fetch_one(&mut *db)
        .await?;
    let today = today();
    let cycle = current_cycle(&mut db, today).await?;
    let key = AgendaKey::OneOnOne(person_id);
    let mut above: Vec<i64> = person_units
        .iter()
        .flat_map(|unit| tree.unit_and_above(*unit))
        .collect();
    above.sort_unstable();
    above.dedup();
    let (plan, day) = planned(&mut db, cycle.as_ref(), key, &above, today).await?;
    let notes = load(
        &mut db,
        key,
        day,
        may_write(&actor, key, Some(&person), &tree),
    )
    .await?;
    let Some(cycle) = cycle else {
        return Ok(OneOnOneAgenda {
            person_id,
            person_name,
            cycle: None,
            plan,
            key_results: Vec::new(),
            notes,
        });
    };
    let calendar = cycle.calendar()?;
    // A key result delayed until its data exists is never overdue: its
    // status reads "delayed" here, which no rule counts as active.
    let (delayed, proxy) = (
        crate::objectives::ssr::DELAYED,
        crate::objectives::ssr::PROXY,
    );
    let key_results: Vec<KeyResultRow> = sqlx::query_as(&format!(
        "SELECT k.id, o.id, o.title, k.title, k.metric, k.start_value, k.target_value, k.current_value, \
         substr(k.created_at, 1, 10), CASE WHEN {delayed} THEN 'delayed' ELSE o.status END, {proxy} \
         FROM key_results k JOIN objectives o ON o.id = k.objective_id \
         WHERE k.owner_id = $1 AND o.cycle_id = $2 AND o.status = 'active' ORDER BY o.created_at, o.id, k.position"
    ))
    .bind(person_id)
    .bind(cycle.id)
    .fetch_all(&mut *db)
    .await?;
    let check_ins: Vec<CheckInRow> = sqlx::query_as(
        "SELECT c.id, c.key_result_id, p.name, c.value, c.confidence, c.progress, c.problems, c.plans, \
         c.checked_in_on FROM check_ins c JOIN people p ON p.id = c.author_id \
         JOIN key_results k ON k.id = c.key_result_id JOIN objectives o ON o.id = k.objective_id \
         WHERE k.owner_id = $1 AND o.cycle_id = $2 AND o.status = 'active' \
         ORDER BY c.checked_in_on, c.created_at",
    )
    .bind(person_id)
    .bind(cycle.id)
    .fetch_all(&mut *db)
    .await?;
    let mut history: HashMap<String, Vec<CheckIn>> = HashMap::new();
    for (id, key_result_id, author, value, confidence, progress, problems, plans, on) in check_ins {
        history
            .entry(key_result_id.clone())
            .or_default()
            .push(CheckIn {
                id,
                key_result_id,
                author,
                value,
                confidence: confidence.clamp(0, 10) as u8,
                progress,
                problems,
                plans,
                on,
            });
    }
    let mut coached = Vec::with_capacity(key_results.len());
    for (
        id,
        objective_id,
        objective_title,
        title,
        metric,
        start,
        target,
        current,
        created_on,
        status,
        proxy,
    ) in key_results
    {
        let check_ins = history.remove(&id).unwrap_or_default();
        let said = check_ins
            .iter()
            .map(|c| {
                Ok(Said {
                    on: crate::cycles::parse_date("on", &c.on).map_err(internal)?,
                    confidence: c.confidence,
                    problems: c.problems.clone(),
                    plans: c.plans.clone(),
                })
            })
            .collect::<Result<Vec<_>, AppError>>()?;
        let created_on = crate::cycles::parse_date("created_on", &created_on).map_err(internal)?;
        let last = said.last().map(|s| s.on);
        let overdue = status != "delayed"
            && is_overdue(
                &calendar,
                today,
                status.parse().map_err(internal)?,
                created_on,
                last,
            );
        let since = last.unwrap_or(created_on).max(calendar.execution_start());
        let asked = questions(&title, &said, overdue, (today - since).whole_days());
        let measure = Measure {
            metric: metric.parse().map_err(internal)?,
            start,
            target,
            current,
        };
        let confidence = check_ins
            .iter()
            .rev()
            .take(CONFIDENCE_POINTS)
            .rev()
            .map(|c| (c.on.clone(), c.confidence))
            .collect();
        let shown = check_ins.into_iter().rev().take(SHOWN_CHECK_INS).collect();
        coached.push(CoachedKeyResult {
            objective_id,
            objective_title,
            key_result_title: title,
            proxy,
            progress: measure.progress(),
            overdue,
            confidence,
            check_ins: shown,
            questions: asked,
        });
    }
    // What there is to coach on comes first.
    coached.sort_by_key(|k| k.questions.is_empty());
    Ok(OneOnOneAgenda {
        person_id,
        person_name,
        cycle: Some(cycle),
        plan,
        key_results: coached,
        notes,
    })
}
