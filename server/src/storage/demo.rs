//! The demo organisation `--demo` seeds into an empty database: a few
//! departments and teams, people in every role (all with one password), and
//! this quarter's plan in several states, and KPIs beside it.

use app::auth::password;
use app::domain::roles::Role;
use app::error::AppError;
use app::people::ssr::{insert_membership, insert_person};
use app::sql::Pool;

/// The password of every demo account (also in the README).
pub const DEMO_PASSWORD: &str = "northstar-demo";
/// The demo ambassador, who can open the administration.
pub const DEMO_AMBASSADOR: &str = "maya@northstar.demo";

/// Departments and their teams.
const UNITS: &[(&str, &[&str])] = &[
    ("Product", &["Discovery", "Design"]),
    ("Engineering", &["Platform", "Web"]),
    ("Customer Success", &["Support"]),
];

/// Name, email, role, units.
const PEOPLE: &[(&str, &str, Role, &[&str])] = &[
    (
        "Maya Lindqvist",
        DEMO_AMBASSADOR,
        Role::Ambassador,
        &["Product"],
    ),
    (
        "Jonas Berg",
        "jonas@northstar.demo",
        Role::Lead,
        &["Platform"],
    ),
    (
        "Priya Nair",
        "priya@northstar.demo",
        Role::Member,
        &["Platform"],
    ),
    ("Tomás Ortega", "tomas@northstar.demo", Role::Lead, &["Web"]),
    (
        "Lea Fischer",
        "lea@northstar.demo",
        Role::Member,
        &["Web", "Design"],
    ),
    ("Sam Okafor", "sam@northstar.demo", Role::Lead, &["Support"]),
    (
        "Noor Haddad",
        "noor@northstar.demo",
        Role::Member,
        &["Discovery"],
    ),
];

/// Seeds the demo organisation if the database holds no people and no
/// units; returns whether it did. Never touches a database with data.
pub async fn seed_if_empty(pool: &Pool, demo_password: &str) -> Result<bool, AppError> {
    let mut tx = app::sql::write_tx(pool).await?;
    let existing: i64 =
        sqlx::query_scalar("SELECT (SELECT COUNT(*) FROM people) + (SELECT COUNT(*) FROM units)")
            .fetch_one(&mut *tx)
            .await?;
    if existing > 0 {
        return Ok(false);
    }
    let mut unit_ids = std::collections::HashMap::new();
    for (department, teams) in UNITS {
        let id: i64 = sqlx::query_scalar("INSERT INTO units (name) VALUES ($1) RETURNING id")
            .bind(department)
            .fetch_one(&mut *tx)
            .await?;
        unit_ids.insert(*department, id);
        for team in *teams {
            let team_id: i64 = sqlx::query_scalar(
                "INSERT INTO units (name, parent_id) VALUES ($1, $2) RETURNING id",
            )
            .bind(team)
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
            unit_ids.insert(*team, team_id);
        }
    }
    for (name, email, role, units) in PEOPLE {
        let hash = password::hash(demo_password.to_owned()).await?;
        let person = insert_person(&mut tx, name, email, *role, &hash).await?;
        for unit in *units {
            if let Some(unit_id) = unit_ids.get(unit) {
                insert_membership(&mut tx, person, *unit_id, "unit_id").await?;
            }
        }
    }
    seed_cycle(&mut tx, &unit_ids).await?;
    super::demo_kpis::seed(&mut tx, &unit_ids, time::OffsetDateTime::now_utc().date()).await?;
    tx.commit().await?;
    Ok(true)
}

/// A key result of the demo: title, metric, unit, start, target, current, owner, data-ready, fallback.
type DemoKeyResult = (
    &'static str,
    &'static str,
    &'static str,
    f64,
    f64,
    f64,
    &'static str,
    bool,
    Option<&'static str>,
);

/// Objectives of the demo cycle: unit, status, kind, title, why important,
/// why urgent, the indices (in this list) of the objectives it supports,
/// key results.
type DemoObjective = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static [usize],
    &'static [DemoKeyResult],
);

const OBJECTIVES: &[DemoObjective] = &[
    (
        "Engineering",
        "active",
        "committed",
        "Engineering ships something customers notice every week",
        "Customers renew when they see the product move.",
        "Two large renewals are due next quarter.",
        &[],
        &[(
            "Weeks with a customer-visible release",
            "number",
            "weeks",
            4.0,
            12.0,
            7.0,
            "jonas@northstar.demo",
            true,
            None,
        )],
    ),
    (
        "Platform",
        "active",
        "committed",
        "Deploys are boring",
        "Fear of deploying slows every team down.",
        "Incidents after the last three releases.",
        &[0],
        &[
            (
                "Deploy time",
                "number",
                "min",
                45.0,
                10.0,
                22.0,
                "priya@northstar.demo",
                true,
                None,
            ),
            (
                "Rollbacks per month",
                "number",
                "",
                6.0,
                1.0,
                3.0,
                "jonas@northstar.demo",
                true,
                None,
            ),
        ],
    ),
    (
        "Web",
        "proposed",
        "aspirational",
        "The web app feels instant",
        "Slow pages are the top complaint in every survey.",
        "",
        &[0],
        &[(
            "p95 page load",
            "number",
            "s",
            2.4,
            0.8,
            2.4,
            "lea@northstar.demo",
            false,
            Some("proxy"),
        )],
    ),
    (
        "Support",
        "active",
        "committed",
        "Customers get answers the same day",
        "Waiting is the main reason for churn in our exit surveys.",
        "The holiday peak starts in four weeks.",
        &[],
        &[
            (
                "Median first reply",
                "number",
                "h",
                26.0,
                4.0,
                9.0,
                "sam@northstar.demo",
                true,
                None,
            ),
            (
                "Customer satisfaction",
                "percent",
                "%",
                78.0,
                90.0,
                84.0,
                "sam@northstar.demo",
                true,
                None,
            ),
        ],
    ),
    (
        "Discovery",
        "draft",
        "committed",
        "We know why trials stall",
        "",
        "",
        &[],
        &[(
            "Interview 20 trial users",
            "milestone",
            "",
            0.0,
            1.0,
            0.0,
            "noor@northstar.demo",
            false,
            None,
        )],
    ),
];

/// Seeds the cycle of this quarter with a plan in several states, so the
/// board has something to show on the first start.
pub async fn seed_cycle(
    tx: &mut app::sql::Conn,
    unit_ids: &std::collections::HashMap<&str, i64>,
) -> Result<(), AppError> {
    let today = time::OffsetDateTime::now_utc().date();
    let quarter = (u8::from(today.month()) - 1) / 3;
    let first = time::Month::try_from(quarter * 3 + 1).map_err(app::error::ssr::internal)?;
    let start = time::Date::from_calendar_date(today.year(), first, 1)
        .map_err(app::error::ssr::internal)?;
    let next = if quarter == 3 {
        time::Date::from_calendar_date(today.year() + 1, time::Month::January, 1)
    } else {
        time::Date::from_calendar_date(today.year(), first.nth_next(3), 1)
    }
    .map_err(app::error::ssr::internal)?;
    let end = next
        .previous_day()
        .ok_or_else(|| app::error::ssr::internal("no day before"))?;
    let cycle: i64 = sqlx::query_scalar(
        "INSERT INTO cycles (name, start_date, end_date) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(format!("Q{} {}", quarter + 1, today.year()))
    .bind(start.to_string())
    .bind(end.to_string())
    .fetch_one(&mut *tx)
    .await?;
    let last_start = if quarter == 0 {
        time::Date::from_calendar_date(today.year() - 1, time::Month::October, 1)
    } else {
        time::Date::from_calendar_date(today.year(), first.nth_prev(3), 1)
    }
    .map_err(app::error::ssr::internal)?;
    let last_name = format!(
        "Q{} {}",
        (u8::from(last_start.month()) - 1) / 3 + 1,
        last_start.year()
    );
    let start_day = start.to_string();
    let execution_start = start + time::Duration::days(app::domain::cycles::DEFAULT_PLANNING_DAYS);
    let ambassador: i64 = sqlx::query_scalar("SELECT id FROM people WHERE email = $1")
        .bind(DEMO_AMBASSADOR)
        .fetch_one(&mut *tx)
        .await?;
    super::demo_lessons::seed_last_quarter(
        tx,
        unit_ids,
        &last_name,
        last_start,
        start
            .previous_day()
            .ok_or_else(|| app::error::ssr::internal("no day before"))?,
        ambassador,
    )
    .await?;
    let mut ids = Vec::new();
    // Drafted in the planning window (a draft made later is "late"), a
    // minute apart so the board keeps this order.
    let drafted_on = start + time::Duration::days(2);
    for (n, (unit, status, kind, title, why_important, why_urgent, supports, key_results)) in
        OBJECTIVES.iter().enumerate()
    {
        let id = app::objectives::new_client_id();
        let unit = unit_ids
            .get(unit)
            .copied()
            .ok_or_else(|| app::error::ssr::internal("demo unit missing"))?;
        sqlx::query(
            "INSERT INTO objectives (id, cycle_id, unit_id, title, why_important, why_urgent, kind, status, \
             created_by, updated_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(&id)
        .bind(cycle)
        .bind(unit)
        .bind(title)
        .bind(why_important)
        .bind(why_urgent)
        .bind(kind)
        .bind(status)
        .bind(ambassador)
        .bind(ambassador)
        .bind(format!("{drafted_on}T09:{:02}:00.000Z", n % 60))
        .execute(&mut *tx)
        .await?;
        for (position, (kr_title, metric, label, start, target, current, owner, ready, fallback)) in
            key_results.iter().enumerate()
        {
            let owner: i64 = sqlx::query_scalar("SELECT id FROM people WHERE email = $1")
                .bind(owner)
                .fetch_one(&mut *tx)
                .await?;
            let kr_id = app::objectives::new_client_id();
            sqlx::query(
                "INSERT INTO key_results (id, objective_id, title, metric, unit_label, start_value, target_value, \
                 current_value, owner_id, source_identified, baseline_known, data_owner, update_frequency, reliable, \
                 fallback, proxy_name, position, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, TRUE, $10, TRUE, TRUE, $11, $12, $13, $14, $15)",
            )
            .bind(&kr_id)
            .bind(&id)
            .bind(kr_title)
            .bind(metric)
            .bind(label)
            .bind(start)
            .bind(target)
            .bind(current)
            .bind(owner)
            .bind(ready)
            .bind(ready)
            .bind(fallback)
            .bind(if fallback == &Some("proxy") { "Lighthouse score on the five busiest pages" } else { "" })
            .bind(position as i64)
            .bind(format!("{start_day}T09:00:00.000Z"))
            .execute(&mut *tx)
            .await?;
            if *status == "active" {
                let history = History {
                    key_result: &kr_id,
                    owner,
                    start: *start,
                    current: *current,
                    // One key result fell silent two weeks ago: it shows as overdue.
                    silent_weeks: if *kr_title == "Rollbacks per month" {
                        2
                    } else {
                        0
                    },
                    confidence: 5 + (position as u8 + kr_title.len() as u8) % 4,
                };
                seed_check_ins(tx, &history, execution_start, today).await?;
            }
        }
        for supported in supports.iter().filter_map(|i| ids.get(*i)) {
            sqlx::query(
                "INSERT INTO objective_links (objective_id, supports_id, created_by) VALUES ($1, $2, $3)",
            )
            .bind(&id)
            .bind(supported)
            .bind(ambassador)
            .execute(&mut *tx)
            .await?;
        }
        ids.push(id);
    }
    Ok(())
}

/// The check-in history of one demo key result.
struct History<'a> {
    key_result: &'a str,
    owner: i64,
    start: f64,
    current: f64,
    /// Weeks at the end with no check-in.
    silent_weeks: i64,
    /// Its usual confidence.
    confidence: u8,
}

/// Weekly check-ins from the first week of execution until today, moving
/// steadily from the start value to the current one.
async fn seed_check_ins(
    tx: &mut app::sql::Conn,
    history: &History<'_>,
    execution_start: time::Date,
    today: time::Date,
) -> Result<(), AppError> {
    let days: Vec<time::Date> = (0..)
        .map(|week| execution_start + time::Duration::days(3 + 7 * week))
        .take_while(|day| *day <= today)
        .collect();
    let weeks = days.len() as i64 - history.silent_weeks;
    for (week, day) in days.into_iter().take(weeks.max(0) as usize).enumerate() {
        let share = (week + 1) as f64 / weeks as f64;
        let value = history.start + (history.current - history.start) * share;
        // Confidence wobbles a little from week to week.
        let confidence = (i64::from(history.confidence) + [0, 1, -1, 0][week % 4]).clamp(0, 10);
        let (progress, problems, plans) = DEMO_REFLECTIONS[week % DEMO_REFLECTIONS.len()];
        sqlx::query(
            "INSERT INTO check_ins (id, key_result_id, author_id, value, confidence, progress, problems, plans, \
             checked_in_on, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(app::objectives::new_client_id())
        .bind(history.key_result)
        .bind(history.owner)
        .bind((value * 10.0).round() / 10.0)
        .bind(confidence)
        .bind(progress)
        .bind(problems)
        .bind(plans)
        .bind(day.to_string())
        .bind(format!("{day}T10:00:00.000Z"))
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}

/// Progress, problems and plans of the demo check-ins.
const DEMO_REFLECTIONS: &[(&str, &str, &str)] = &[
    (
        "First measurements are in and match the baseline.",
        "",
        "Automate the weekly number.",
    ),
    (
        "Steady week; the change from last sprint is paying off.",
        "Two people were out sick.",
        "Pair on the remaining work.",
    ),
    (
        "A good jump after the release on Tuesday.",
        "",
        "Keep the same rhythm.",
    ),
    (
        "Slower than hoped.",
        "Waiting on another team's review.",
        "Raise it in the weekly sync.",
    ),
];
