//! The leaderboard from the database, and its publication: computed after
//! committed changes of the current cycle — at most once per
//! [`MIN_INTERVAL`] under a burst, and never later than two intervals after
//! a change ([`Refresher`]) — encoded once, and fanned out to every open
//! leaderboard and office screen by the hub.

use super::ticker::{TICKER_ITEMS, newest};
use super::{
    Leaderboard, LeaderboardMessage, RetroBoard, RetroUnit, Success, TickerEvent, TickerItem,
};
use crate::cycles::ssr::{current_cycle_id, fetch_cycle, today};
use crate::domain::cycles::Phase;
use crate::domain::leaderboard::{
    CheckInPoint, Standings, TrackedKeyResult, TrackedObjective, UnitOkrs, rank,
};
use crate::domain::progress::Measure;
use crate::error::{AppError, ssr::internal};
use crate::metrics::Published;
use crate::objectives::ssr::{DELAYED, units_out};
use crate::state::AppState;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use time::Date;

/// Which objectives count on the leaderboard, as SQL.
const COUNTED: &str = "o.cycle_id = $1 AND o.status IN ('active', 'closed')";

/// The leaderboard of the current cycle on `today`, in one read transaction.
pub async fn compute(pool: &crate::sql::Pool, today: Date) -> Result<Leaderboard, AppError> {
    let day = today.to_string();
    let mut tx = crate::sql::read_tx(pool).await?;
    let Some(cycle_id) = current_cycle_id(&mut tx, &day).await? else {
        return Ok(Leaderboard {
            cycle: None,
            version: 0,
            day,
            standings: Standings {
                expected: 0.0,
                rows: Vec::new(),
                biggest_gain: None,
                longest_streak: None,
            },
            recoveries: Vec::new(),
            kpis_version: 0,
            retro: None,
            ticker: Vec::new(),
        });
    };
    let cycle = fetch_cycle(&mut *tx, cycle_id).await?;
    let calendar = cycle.calendar().map_err(internal)?;
    let version: i64 = sqlx::query_scalar("SELECT board_version FROM cycles WHERE id = $1")
        .bind(cycle_id)
        .fetch_one(&mut *tx)
        .await?;
    let objectives: Vec<(String, i64, String)> = sqlx::query_as(&format!(
        "SELECT o.id, o.unit_id, o.status FROM objectives o WHERE {COUNTED} ORDER BY o.created_at, o.id"
    ))
    .bind(cycle_id)
    .fetch_all(&mut *tx)
    .await?;
    let shared: Vec<(String, i64)> = sqlx::query_as(&format!(
        "SELECT ou.objective_id, ou.unit_id FROM objective_units ou \
         JOIN objectives o ON o.id = ou.objective_id WHERE {COUNTED} AND ou.state = 'accepted'"
    ))
    .bind(cycle_id)
    .fetch_all(&mut *tx)
    .await?;
    let key_results: Vec<(String, String, String, f64, f64, f64, String)> =
        sqlx::query_as(&format!(
            "SELECT k.id, k.objective_id, k.metric, k.start_value, k.target_value, k.current_value, \
             substr(k.created_at, 1, 10) FROM key_results k \
             JOIN objectives o ON o.id = k.objective_id WHERE {COUNTED} AND NOT {DELAYED} \
             ORDER BY k.position, k.created_at"
        ))
        .bind(cycle_id)
        .fetch_all(&mut *tx)
        .await?;
    let check_ins: Vec<(String, String, f64, i64)> = sqlx::query_as(&format!(
        "SELECT c.key_result_id, c.checked_in_on, c.value, c.confidence FROM check_ins c \
         JOIN key_results k ON k.id = c.key_result_id JOIN objectives o ON o.id = k.objective_id \
         WHERE {COUNTED} AND NOT {DELAYED} ORDER BY c.checked_in_on, c.created_at"
    ))
    .bind(cycle_id)
    .fetch_all(&mut *tx)
    .await?;
    let names: HashMap<i64, String> = sqlx::query_as("SELECT id, name FROM units")
        .fetch_all(&mut *tx)
        .await?
        .into_iter()
        .collect();
    // Units the ambassador left out of the cycle are not ranked.
    let out = units_out(&mut tx, cycle_id).await?;
    let (recoveries, kpis_version) = recoveries(&mut tx, today, &names).await?;
    let retro = if matches!(cycle.phase, Phase::Retrospective | Phase::Closed)
        || cycle.completed.is_some()
    {
        Some(retro_board(&mut tx, &cycle, &names, &out).await?)
    } else {
        None
    };
    let ticker = ticker(&mut tx, cycle_id, &names).await?;
    tx.commit().await?;

    let mut points: HashMap<String, Vec<CheckInPoint>> = HashMap::new();
    for (key_result, on, value, confidence) in check_ins {
        points.entry(key_result).or_default().push(CheckInPoint {
            on: parse_day(&on)?,
            value,
            confidence: confidence.clamp(0, 10) as u8,
        });
    }
    let mut tracked: HashMap<String, Vec<TrackedKeyResult>> = HashMap::new();
    for (id, objective, metric, start, target, current, created_on) in key_results {
        tracked
            .entry(objective)
            .or_default()
            .push(TrackedKeyResult {
                measure: Measure {
                    metric: metric.parse().map_err(internal)?,
                    start,
                    target,
                    current,
                },
                created_on: parse_day(&created_on)?,
                check_ins: points.remove(&id).unwrap_or_default(),
            });
    }
    let mut units_of: HashMap<String, Vec<i64>> = HashMap::new();
    for (objective, unit) in shared {
        units_of.entry(objective).or_default().push(unit);
    }
    // A shared objective counts for each unit that shares it.
    let mut by_unit: BTreeMap<i64, Vec<TrackedObjective>> = BTreeMap::new();
    for (id, owner, status) in objectives {
        let objective = TrackedObjective {
            status: status.parse().map_err(internal)?,
            key_results: tracked.remove(&id).unwrap_or_default(),
        };
        let mut units = units_of.remove(&id).unwrap_or_default();
        units.push(owner);
        units.sort_unstable();
        units.dedup();
        for unit in units.into_iter().filter(|unit| !out.contains(unit)) {
            by_unit.entry(unit).or_default().push(objective.clone());
        }
    }
    let units: Vec<UnitOkrs> = by_unit
        .into_iter()
        .map(|(unit_id, objectives)| UnitOkrs {
            unit_id,
            name: names.get(&unit_id).cloned().unwrap_or_default(),
            objectives,
        })
        .collect();
    Ok(Leaderboard {
        standings: rank(&calendar, today, &units),
        cycle: Some(cycle),
        version,
        day,
        recoveries,
        kpis_version,
        retro,
        ticker,
    })
}

/// The cycle's latest check-ins and closings for the screens' ticker: of
/// the objectives the leaderboard counts, in the units taking part. Only
/// what a screen may show is read: no author, no reflection, no value.
async fn ticker(
    db: &mut crate::sql::Conn,
    cycle_id: i64,
    names: &HashMap<i64, String>,
) -> Result<Vec<TickerItem>, AppError> {
    const TAKING_PART: &str =
        "o.unit_id NOT IN (SELECT unit_id FROM cycle_units_out WHERE cycle_id = $1)";
    let limit = TICKER_ITEMS as i64;
    let check_ins: Vec<(String, String, i64, String)> = sqlx::query_as(&format!(
        "SELECT c.id, c.created_at, o.unit_id, k.title FROM check_ins c \
         JOIN key_results k ON k.id = c.key_result_id JOIN objectives o ON o.id = k.objective_id \
         WHERE {COUNTED} AND NOT {DELAYED} AND {TAKING_PART} \
         ORDER BY c.created_at DESC, c.id DESC LIMIT $2"
    ))
    .bind(cycle_id)
    .bind(limit)
    .fetch_all(&mut *db)
    .await?;
    let closings: Vec<(i64, String, i64, String, f64)> = sqlx::query_as(&format!(
        "SELECT n.id, n.created_at, o.unit_id, n.title, n.score FROM closing_notes n \
         JOIN objectives o ON o.id = n.objective_id WHERE o.cycle_id = $1 AND {TAKING_PART} \
         ORDER BY n.created_at DESC, n.id DESC LIMIT $2"
    ))
    .bind(cycle_id)
    .bind(limit)
    .fetch_all(&mut *db)
    .await?;
    let unit = |id: i64| names.get(&id).cloned().unwrap_or_default();
    let check_ins = check_ins
        .into_iter()
        .map(|(id, at, unit_id, key_result)| TickerItem {
            id: format!("check-in:{id}"),
            at,
            unit: unit(unit_id),
            event: TickerEvent::CheckIn { key_result },
        });
    let closings = closings
        .into_iter()
        .map(|(id, at, unit_id, objective, score)| TickerItem {
            id: format!("closing:{id}"),
            at,
            unit: unit(unit_id),
            event: TickerEvent::Closing { objective, score },
        });
    Ok(newest(check_ins.chain(closings).collect()))
}

/// Successes shown in the retrospective view.
const SUCCESSES: usize = 6;

/// A cycle's retrospective view: per unit taking part, its objectives
/// closed and still open (a shared objective counts for each accepted
/// unit), the most finished first; and the cycle's best-scored successes.
async fn retro_board(
    db: &mut crate::sql::Conn,
    cycle: &crate::cycles::Cycle,
    names: &HashMap<i64, String>,
    out: &[i64],
) -> Result<RetroBoard, AppError> {
    let rows: Vec<(String, i64, crate::sql::Flag)> = sqlx::query_as(
        "SELECT o.id, o.unit_id, o.status = 'closed' FROM objectives o WHERE o.cycle_id = $1 \
         UNION ALL SELECT o.id, ou.unit_id, o.status = 'closed' FROM objective_units ou \
         JOIN objectives o ON o.id = ou.objective_id WHERE o.cycle_id = $1 AND ou.state = 'accepted'",
    )
    .bind(cycle.id)
    .fetch_all(&mut *db)
    .await?;
    let mut by_unit: BTreeMap<i64, (u32, u32)> = BTreeMap::new();
    let mut counted: HashMap<String, bool> = HashMap::new();
    for (objective, unit, crate::sql::Flag(closed)) in
        rows.into_iter().filter(|(_, unit, _)| !out.contains(unit))
    {
        let counts = by_unit.entry(unit).or_default();
        if closed {
            counts.0 += 1;
        } else {
            counts.1 += 1;
        }
        counted.insert(objective, closed);
    }
    let mut units: Vec<RetroUnit> = by_unit
        .into_iter()
        .map(|(unit_id, (closed, open))| RetroUnit {
            unit_id,
            name: names.get(&unit_id).cloned().unwrap_or_default(),
            closed,
            open,
        })
        .collect();
    // The most finished first: closed share, then more closed, then name.
    units.sort_by(|a, b| {
        let share =
            |u: &RetroUnit| u64::from(u.closed) * 1000 / u64::from((u.closed + u.open).max(1));
        share(b)
            .cmp(&share(a))
            .then(b.closed.cmp(&a.closed))
            .then(a.name.cmp(&b.name))
    });
    // Objectives of units taking part (by their owner), best first.
    let successes: Vec<(String, i64, f64, String)> = sqlx::query_as(
        "SELECT n.title, o.unit_id, n.score, o.kind FROM closing_notes n \
         JOIN objectives o ON o.id = n.objective_id \
         WHERE o.cycle_id = $1 AND n.achieved = TRUE ORDER BY n.score DESC, n.created_at",
    )
    .bind(cycle.id)
    .fetch_all(&mut *db)
    .await?;
    Ok(RetroBoard {
        units,
        closed_objectives: counted.values().filter(|closed| **closed).count() as u32,
        objectives: counted.len() as u32,
        successes: successes
            .into_iter()
            .filter(|(_, unit, _, _)| !out.contains(unit))
            .take(SUCCESSES)
            .map(|(title, unit, score, kind)| {
                Ok(Success {
                    title,
                    unit: names.get(&unit).cloned().unwrap_or_default(),
                    score,
                    kind: kind.parse().map_err(internal)?,
                })
            })
            .collect::<Result<_, AppError>>()?,
        complete: cycle.completed.is_some(),
    })
}

/// How many days a KPI's recovery stays on the celebrations.
const RECOVERY_DAYS: i64 = 7;

/// KPIs brought back to healthy in the past week and healthy still, newest
/// first; and the sum of the KPIs' versions (see [`Leaderboard::kpis_version`]).
async fn recoveries(
    db: &mut crate::sql::Conn,
    today: Date,
    names: &HashMap<i64, String>,
) -> Result<(Vec<super::Recovery>, i64), AppError> {
    use crate::domain::kpi::{Direction, Health, Thresholds};
    let since = (today - time::Duration::days(RECOVERY_DAYS)).to_string();
    // Name, unit, day recovered, direction, healthy, critical, latest value.
    type Row = (String, i64, String, String, f64, f64, Option<f64>);
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT k.name, k.unit_id, max(r.read_on), k.direction, k.healthy, k.critical, \
         (SELECT l.value FROM kpi_readings l WHERE l.kpi_id = k.id ORDER BY l.read_on DESC LIMIT 1) \
         FROM kpi_recoveries r JOIN kpis k ON k.id = r.kpi_id WHERE r.read_on >= $1 \
         GROUP BY k.id ORDER BY max(r.read_on) DESC, k.name",
    )
    .bind(since)
    .fetch_all(&mut *db)
    .await?;
    let mut recovered = Vec::new();
    for (kpi, unit_id, on, direction, healthy, critical, latest) in rows {
        let thresholds = Thresholds {
            direction: Direction::parse(&direction).ok_or_else(|| internal("KPI direction"))?,
            healthy,
            critical,
        };
        if latest.is_some_and(|value| thresholds.health(value) == Health::Healthy) {
            recovered.push(super::Recovery {
                kpi,
                unit_id,
                unit: names.get(&unit_id).cloned().unwrap_or_default(),
                on,
            });
        }
    }
    let version: i64 =
        sqlx::query_scalar("SELECT CAST(COALESCE(SUM(version), 0) AS BIGINT) FROM kpis")
            .fetch_one(&mut *db)
            .await?;
    Ok((recovered, version))
}

fn parse_day(raw: &str) -> Result<Date, AppError> {
    crate::cycles::parse_date("day", raw).map_err(internal)
}

/// The latest leaderboard for today: the hub's copy, or a fresh one (which
/// is then published, so a new day reaches every screen too).
pub async fn latest(state: &AppState) -> Result<Leaderboard, AppError> {
    let today = today();
    if let Some(cached) = state.hub.latest_leaderboard(&today.to_string()) {
        return Ok(cached);
    }
    recompute(state, today).await
}

/// Computes the leaderboard of `today`, encodes it for pages and screens
/// and offers it to the hub; counted in the metrics.
async fn recompute(state: &AppState, today: Date) -> Result<Leaderboard, AppError> {
    let started = std::time::Instant::now();
    let computed = compute(&state.pool, today).await.map(|leaderboard| {
        let (text, frame) = (encode(&leaderboard), encode_frame(&leaderboard));
        (leaderboard, text, frame)
    });
    state
        .metrics
        .leaderboard_recomputed(started.elapsed(), computed.is_ok());
    let (leaderboard, text, frame) = computed?;
    if state
        .hub
        .offer_leaderboard(leaderboard.clone(), text, frame)
    {
        state.metrics.published(Published::Leaderboard, 1);
    }
    Ok(leaderboard)
}

/// The shortest time between two recomputations of the leaderboard.
pub const MIN_INTERVAL: std::time::Duration = std::time::Duration::from_millis(50);

/// Coalesces requests to recompute the leaderboard. The first change after
/// a quiet spell is computed at once; changes that arrive while one is
/// computed (or within [`MIN_INTERVAL`] of its start) are computed together
/// when that interval is up: so a change waits at most one interval plus
/// one computation, and a burst of a thousand changes costs one computation
/// per interval instead of a thousand.
#[derive(Default)]
pub struct Refresher {
    /// Cycles changed since the last computation.
    pending: std::sync::Mutex<std::collections::BTreeSet<i64>>,
    wake: tokio::sync::Notify,
}

impl Refresher {
    /// Asks for a recomputation after a change to `cycle_id`'s board.
    pub fn request(&self, cycle_id: i64) {
        self.lock().insert(cycle_id);
        self.wake.notify_one();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, std::collections::BTreeSet<i64>> {
        self.pending
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Serves requests for ever with `compute` (given the changed cycles).
    pub async fn run<F, Fut>(&self, mut compute: F)
    where
        F: FnMut(Vec<i64>) -> Fut,
        Fut: std::future::Future<Output = ()>,
    {
        loop {
            self.wake.notified().await;
            let started = tokio::time::Instant::now();
            let cycles: Vec<i64> = std::mem::take(&mut *self.lock()).into_iter().collect();
            if !cycles.is_empty() {
                compute(cycles).await;
            }
            tokio::time::sleep_until(started + MIN_INTERVAL).await;
        }
    }

    /// Serves the app's requests: each changed cycle that is the current
    /// one is recomputed and published.
    pub async fn serve(&self, state: AppState) {
        self.run(|cycles| {
            let state = state.clone();
            async move {
                for cycle in cycles {
                    if let Err(error) = refresh(&state, cycle).await {
                        tracing::warn!(%error, "the leaderboard could not be refreshed");
                    }
                }
            }
        })
        .await;
    }
}

/// After a committed change on `cycle_id`'s board: if that is the current
/// cycle, compute the leaderboard and publish it (once per version).
pub async fn refresh(state: &AppState, cycle_id: i64) -> Result<(), AppError> {
    let today = today();
    let mut db = state.pool.acquire().await?;
    // The current cycle, or the one screens show while it stops being
    // current (its dates changed).
    let shown = state
        .hub
        .latest_leaderboard(&today.to_string())
        .and_then(|l| l.cycle.map(|c| c.id));
    if current_cycle_id(&mut db, &today.to_string()).await? != Some(cycle_id)
        && shown != Some(cycle_id)
    {
        return Ok(());
    }
    drop(db);
    recompute(state, today).await.map(drop)
}

/// An office screen's frame: the rows, celebrations and ticker rendered to HTML by
/// the same components the page uses, as JSON once for every screen.
pub fn encode_frame(leaderboard: &Leaderboard) -> Arc<str> {
    use leptos::prelude::*;
    let owner = Owner::new();
    let html = owner.with(|| {
        let board = RwSignal::new(leaderboard.clone());
        view! {
            <super::LeaderboardRows board/>
            <super::Celebrations board/>
            <super::Ticker board/>
        }
        .to_html()
    });
    message_text(&LeaderboardMessage::Frame {
        cycle_id: leaderboard.cycle.as_ref().map(|c| c.id),
        version: leaderboard.version,
        kpis_version: leaderboard.kpis_version,
        day: leaderboard.day.clone(),
        cycle_name: leaderboard
            .cycle
            .as_ref()
            .map(|c| c.name.clone())
            .unwrap_or_default(),
        expected: crate::domain::progress::format_percent(leaderboard.standings.expected),
        headline: leaderboard.headline(),
        html,
    })
}

/// The snapshot message, as JSON once for every subscriber.
pub fn encode(leaderboard: &Leaderboard) -> Arc<str> {
    message_text(&LeaderboardMessage::Snapshot {
        leaderboard: Box::new(leaderboard.clone()),
    })
}

pub fn message_text(message: &LeaderboardMessage) -> Arc<str> {
    serde_json::to_string(message).unwrap_or_default().into()
}

#[cfg(test)]
mod refresher_tests {
    use super::*;
    use std::sync::Mutex;
    use std::time::Duration;
    use tokio::time::Instant;

    /// When each computation started, and for which cycles.
    type Runs = Arc<Mutex<Vec<(Instant, Vec<i64>)>>>;

    /// A burst of changes, on a paused clock: few computations, none late.
    #[tokio::test(start_paused = true)]
    async fn a_burst_is_coalesced_and_no_change_waits_long() {
        let refresher = Arc::new(Refresher::default());
        let runs: Runs = Arc::default();
        let serving = {
            let (refresher, runs) = (refresher.clone(), runs.clone());
            tokio::spawn(async move {
                refresher
                    .run(|cycles| {
                        let runs = runs.clone();
                        async move {
                            runs.lock().unwrap().push((Instant::now(), cycles));
                            // A computation takes 10 ms.
                            tokio::time::sleep(Duration::from_millis(10)).await;
                        }
                    })
                    .await;
            })
        };
        let start = Instant::now();
        let mut asked = Vec::new();
        // 200 changes, one every millisecond, on two boards.
        for n in 0..200_i64 {
            asked.push(Instant::now());
            refresher.request(n % 2);
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
        let runs = runs.lock().unwrap().clone();
        serving.abort();
        // Once per 50 ms at most: about 200 / 50 + 1 computations, not 200.
        assert!(runs.len() <= 6, "{} computations", runs.len());
        for pair in runs.windows(2) {
            assert!(pair[1].0 - pair[0].0 >= MIN_INTERVAL);
        }
        // The first change is computed at once.
        assert_eq!(runs[0].0, start);
        // Every change is covered by a computation starting within 100 ms.
        for at in asked {
            let served = runs.iter().find(|(ran, _)| *ran >= at).map(|(ran, _)| *ran);
            let served = served.expect("a later computation");
            assert!(
                served - at <= Duration::from_millis(100),
                "{:?}",
                served - at
            );
        }
        assert!(runs.iter().all(|(_, cycles)| !cycles.is_empty()));
    }
}
