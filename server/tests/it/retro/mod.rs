//! The end of a cycle: who may close without a retrospective (from every
//! level of the tree), when a cycle can be marked complete and by whom, the
//! leaderboard's retrospective view, and what carrying an objective into
//! the next cycle copies — and what it leaves behind.

mod carry;
mod closing;

use crate::common::board::{WEB_LEAD, WEB_MEMBER, create_objective, update, uuid};
use crate::common::lessons::{NOTE, Note, close};
use crate::common::{AMBASSADOR, DEPARTMENT_LEAD, LEAD, MEMBER, TestApp, add_department_lead};
use reqwest::{Client, StatusCode};
use serde_json::Value;
use time::{Duration, OffsetDateTime};

/// A cycle in its retrospective window today (it starts today, so it is
/// the leaderboard's current cycle whatever the demo's dates), and the
/// cycle after it.
pub(super) async fn retro_and_next(app: &TestApp) -> (String, String) {
    let today = OffsetDateTime::now_utc().date();
    let insert = |name: &'static str, start: time::Date, end: time::Date, retro: i64| {
        sqlx::query_scalar::<_, i64>(
            "INSERT INTO cycles (name, start_date, end_date, planning_days, retro_days) \
             VALUES ($1, $2, $3, 0, $4) RETURNING id",
        )
        .bind(name)
        .bind(start.to_string())
        .bind(end.to_string())
        .bind(retro)
        .fetch_one(&app.pool)
    };
    let end = today + Duration::days(20);
    let retro = insert("Ending", today, end, 21).await.unwrap();
    let next = insert(
        "Following",
        end + Duration::days(1),
        end + Duration::days(91),
        7,
    )
    .await
    .unwrap();
    (retro.to_string(), next.to_string())
}

/// An objective of `unit` in `cycle`, created and moved to `status` by the
/// ambassador.
pub(super) async fn objective(
    app: &TestApp,
    cycle: &str,
    n: u32,
    unit: &str,
    status: &str,
) -> String {
    let ambassador = app.signed_in(AMBASSADOR).await;
    let id = uuid(n);
    let (code, mut o) =
        create_objective(app, &ambassador, cycle, &id, unit, &format!("Goal {n}")).await;
    assert_eq!(code, StatusCode::OK, "{o}");
    for step in ["proposed", "active"] {
        if status == "draft" || (status == "proposed" && step == "active") {
            break;
        }
        let (code, next) = update(app, &ambassador, &o, "status", step).await;
        assert_eq!(code, StatusCode::OK, "{next}");
        o = next;
    }
    id
}

/// A key result of `objective`, written straight to the database.
#[allow(clippy::too_many_arguments)]
pub(super) async fn key_result(
    app: &TestApp,
    objective: &str,
    n: u32,
    metric: &str,
    (start, target, current): (f64, f64, f64),
    ready: bool,
    fallback: Option<&str>,
    proxy: &str,
) -> String {
    let id = uuid(9000 + n);
    let owner = app.person_id(MEMBER).await;
    sqlx::query(
        "INSERT INTO key_results (id, objective_id, title, metric, unit_label, start_value, target_value, \
         current_value, owner_id, source_identified, baseline_known, data_owner, update_frequency, reliable, \
         fallback, proxy_name, position) VALUES ($1, $2, $3, $4, 'pts', $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
    )
    .bind(&id)
    .bind(objective)
    .bind(format!("Result {n}"))
    .bind(metric)
    .bind(start)
    .bind(target)
    .bind(current)
    .bind(owner)
    .bind(ready)
    .bind(ready)
    .bind(ready)
    .bind(ready)
    .bind(ready)
    .bind(fallback)
    .bind(proxy)
    .bind(i64::from(n))
    .execute(&app.pool)
    .await
    .unwrap();
    id
}

pub(super) async fn skip(
    app: &TestApp,
    client: &Client,
    id: &str,
    reason: &str,
) -> (StatusCode, Value) {
    app.call_json(
        client,
        "close_without_retrospective",
        &[("id", id), ("reason", reason)],
    )
    .await
}

pub(super) async fn complete(app: &TestApp, client: &Client, cycle: &str) -> (StatusCode, Value) {
    app.call_json(client, "complete_cycle", &[("cycle_id", cycle)])
        .await
}

pub(super) async fn carry(
    app: &TestApp,
    client: &Client,
    id: &str,
    new_id: &str,
) -> (StatusCode, Value) {
    app.call_json(client, "carry_over", &[("id", id), ("new_id", new_id)])
        .await
}

pub(super) async fn view(app: &TestApp, client: &Client, id: &str) -> Value {
    let (status, view) = app
        .call_json(client, "get_objective_view", &[("id", id)])
        .await;
    assert_eq!(status, StatusCode::OK, "{view}");
    view
}

pub(super) fn message(body: &Value) -> &str {
    body["detail"]
        .as_str()
        .or_else(|| body["detail"]["message"].as_str())
        .unwrap_or_default()
}
