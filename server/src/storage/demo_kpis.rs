//! The demo's KPIs: business as usual beside the plan. One is critical
//! (reply time), one has been a warning twice (satisfaction), the rest are
//! healthy — so the first start shows a flagged KPI ready to become an
//! objective.

use app::error::AppError;
use std::collections::HashMap;

/// A demo KPI: unit, name, description, unit label, owner, direction,
/// healthy, critical, cadence, readings (oldest first, one per cadence step
/// ending today).
type DemoKpi = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    f64,
    f64,
    &'static str,
    &'static [f64],
);

const KPIS: &[DemoKpi] = &[
    (
        "Support",
        "Average reply time",
        "Hours from a customer's first message to our first human answer, averaged over the week.",
        "h",
        "sam@northstar.demo",
        "lower",
        4.0,
        8.0,
        "weekly",
        &[3.4, 3.6, 3.9, 4.8, 6.3, 8.6],
    ),
    (
        "Support",
        "Customer satisfaction",
        "Share of answered surveys rating the conversation good or great.",
        "%",
        "sam@northstar.demo",
        "higher",
        85.0,
        75.0,
        "weekly",
        &[89.0, 88.0, 87.5, 86.0, 83.5, 82.0],
    ),
    (
        "Platform",
        "Uptime",
        "Share of minutes the public API answered health checks.",
        "%",
        "jonas@northstar.demo",
        "higher",
        99.9,
        99.5,
        "daily",
        &[
            99.98, 99.95, 99.99, 99.97, 99.93, 99.99, 99.96, 99.98, 99.94, 99.99,
        ],
    ),
    (
        "Engineering",
        "Open bugs",
        "Bugs reported by customers and not yet fixed, counted at month end.",
        "",
        "jonas@northstar.demo",
        "lower",
        40.0,
        80.0,
        "monthly",
        &[34.0, 37.0, 36.0],
    ),
];

/// Seeds the demo KPIs with readings ending today.
pub async fn seed(
    tx: &mut app::sql::Conn,
    unit_ids: &HashMap<&str, i64>,
    today: time::Date,
) -> Result<(), AppError> {
    let now = app::sql::now();
    for (unit, name, description, label, owner, direction, healthy, critical, cadence, values) in
        KPIS
    {
        let Some(unit_id) = unit_ids.get(unit) else {
            continue;
        };
        let owner: i64 = sqlx::query_scalar("SELECT id FROM people WHERE email = $1")
            .bind(owner)
            .fetch_one(&mut *tx)
            .await?;
        let days = match *cadence {
            "daily" => 1,
            "weekly" => 7,
            _ => 30,
        };
        let step = time::Duration::days(days);
        let first = today - step * (values.len() as i32 - 1);
        let kpi: i64 = sqlx::query_scalar(
            "INSERT INTO kpis (name, description, unit_label, unit_id, owner_id, direction, healthy, \
             critical, cadence, made_on, created_by, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
        )
        .bind(name)
        .bind(description)
        .bind(label)
        .bind(unit_id)
        .bind(owner)
        .bind(direction)
        .bind(healthy)
        .bind(critical)
        .bind(cadence)
        .bind(first.to_string())
        .bind(owner)
        .bind(&now)
        .bind(&now)
        .fetch_one(&mut *tx)
        .await?;
        for (i, value) in values.iter().enumerate() {
            let on = first + step * i as i32;
            sqlx::query(
                "INSERT INTO kpi_readings (kpi_id, read_on, value, source, person_id, recorded_at) \
                 VALUES ($1, $2, $3, 'form', $4, $5)",
            )
            .bind(kpi)
            .bind(on.to_string())
            .bind(value)
            .bind(owner)
            .bind(app::sql::at(
                on.midnight().assume_utc() + time::Duration::hours(9),
            ))
            .execute(&mut *tx)
            .await?;
        }
    }
    Ok(())
}
