//! A team's weekly: the plan's discussion points, the unit's weekly review
//! (low confidence and problems first, silent key results), the key results
//! whose confidence dropped since last week, and the shared notes.

use super::super::{ConfidenceDrop, PersonLink, WeeklyAgenda};
use super::notes::{load, may_write};
use super::planned;
use crate::cycles::ssr::today;
use crate::domain::permissions::{self, Actor};
use crate::domain::rhythm::AgendaKey;
use crate::domain::rhythm::coaching::dropped_this_week;
use crate::domain::units::UnitTree;
use crate::error::{AppError, ssr::internal};
use crate::objectives::ssr::asking;
use crate::sql::Conn;
use crate::state::pool;
use std::collections::BTreeMap;
use time::{Date, Duration};

/// A key result's objective id and title, its title, and its (day,
/// confidence) points.
type Tracked = (String, String, String, Vec<(Date, u8)>);

pub async fn agenda(unit_id: i64) -> Result<WeeklyAgenda, AppError> {
    // Checks the caller and the unit.
    let review = crate::checkins::ssr::unit_review(unit_id).await?;
    let mut db = pool()?.acquire().await?;
    let (_, tree, actor) = asking(&mut db).await?;
    let today = today();
    let key = AgendaKey::Weekly(unit_id);
    let (plan, day) = planned(
        &mut db,
        review.cycle.as_ref(),
        key,
        &tree.unit_and_above(unit_id),
        today,
    )
    .await?;
    let dropped = match &review.cycle {
        Some(cycle) => drops(&mut db, cycle.id, &tree.subtree(unit_id), today).await?,
        None => Vec::new(),
    };
    let notes = load(&mut db, key, day, may_write(&actor, key, None, &tree)).await?;
    let one_on_ones = one_on_ones(&mut db, &tree, &tree.subtree(unit_id), &actor).await?;
    Ok(WeeklyAgenda {
        plan,
        one_on_ones,
        review,
        dropped,
        notes,
    })
}

/// The active people of `units` whose one-on-ones `actor` may open, by name.
async fn one_on_ones(
    db: &mut Conn,
    tree: &UnitTree,
    units: &[i64],
    actor: &Actor,
) -> Result<Vec<PersonLink>, AppError> {
    let units_json = crate::sql::list(units);
    let members = format!(
        "SELECT person_id FROM memberships WHERE {}",
        crate::sql::in_list(db, "unit_id", 1)
    );
    // Two queries whatever the count: the people, then all their units.
    let rows: Vec<(i64, String, String)> = sqlx::query_as(&format!(
        "SELECT p.id, p.name, p.role FROM people p WHERE p.active = TRUE AND p.id IN ({members}) \
         ORDER BY p.name"
    ))
    .bind(&units_json)
    .fetch_all(&mut *db)
    .await?;
    let memberships: Vec<(i64, i64)> = sqlx::query_as(&format!(
        "SELECT person_id, unit_id FROM memberships WHERE person_id IN ({members})"
    ))
    .bind(&units_json)
    .fetch_all(&mut *db)
    .await?;
    let mut units_of: std::collections::HashMap<i64, Vec<i64>> = Default::default();
    for (person, unit) in memberships {
        units_of.entry(person).or_default().push(unit);
    }
    let mut people = Vec::new();
    for (id, name, role) in rows {
        let own = units_of.remove(&id).unwrap_or_default();
        let person = Actor::new(id, role.parse().map_err(internal)?, own, tree);
        if permissions::check_one_on_one(actor, &person, tree).is_ok() {
            people.push(PersonLink { id, name });
        }
    }
    Ok(people)
}

/// Key results of `units`' active objectives (owned or shared) in `cycle_id`
/// whose confidence this week is below last week's, biggest drop first.
async fn drops(
    db: &mut Conn,
    cycle_id: i64,
    units: &[i64],
    today: Date,
) -> Result<Vec<ConfidenceDrop>, AppError> {
    let units_json = crate::sql::list(units);
    let since = (today - Duration::days(60)).to_string();
    let rows: Vec<(String, String, String, String, String, i64)> = sqlx::query_as(&format!(
        "SELECT k.id, o.id, o.title, k.title, c.checked_in_on, c.confidence FROM check_ins c \
         JOIN key_results k ON k.id = c.key_result_id JOIN objectives o ON o.id = k.objective_id \
         WHERE o.cycle_id = $1 AND o.status = 'active' AND c.checked_in_on >= $3 \
         AND ({} OR o.id IN (SELECT objective_id FROM objective_units WHERE {})) \
         ORDER BY c.checked_in_on, c.created_at",
        crate::sql::in_list(db, "o.unit_id", 2),
        crate::sql::in_list(db, "unit_id", 2)
    ))
    .bind(cycle_id)
    .bind(&units_json)
    .bind(&since)
    .fetch_all(&mut *db)
    .await?;
    let mut by_key_result: BTreeMap<String, Tracked> = BTreeMap::new();
    for (key_result, objective_id, objective_title, title, on, confidence) in rows {
        let on = crate::cycles::parse_date("checked_in_on", &on).map_err(internal)?;
        by_key_result
            .entry(key_result)
            .or_insert_with(|| (objective_id, objective_title, title, Vec::new()))
            .3
            .push((on, confidence.clamp(0, 10) as u8));
    }
    let mut dropped: Vec<ConfidenceDrop> = by_key_result
        .into_values()
        .filter_map(
            |(objective_id, objective_title, key_result_title, points)| {
                dropped_this_week(&points, today).map(|(from, to)| ConfidenceDrop {
                    objective_id,
                    objective_title,
                    key_result_title,
                    from,
                    to,
                })
            },
        )
        .collect();
    dropped.sort_by_key(|drop| std::cmp::Reverse(drop.from - drop.to));
    Ok(dropped)
}
