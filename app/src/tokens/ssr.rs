//! API tokens in the database. A token is `ns_` and 64 hex digits; only
//! its SHA-256 digest is stored.

use super::{ApiToken, CreatedToken, Scope, TokenList};
use crate::auth::secret::{digest, new_token};
use crate::auth::ssr::require_ambassador;
use crate::error::{AppError, ssr::internal};
use crate::kpis::Choice;
use crate::sql::Pool;
use crate::state::{begin_write, pool};

/// Most characters of a token's name.
pub const MAX_NAME: usize = 80;
const PREFIX: &str = "ns_";

/// A token presented on the API, found and still valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenAccess {
    pub id: i64,
    pub name: String,
    pub scope: Scope,
}

/// Why a presented token opens nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// No such token (or not a token at all).
    Unknown,
    Revoked,
}

type TokenRow = (
    i64,
    String,
    String,
    Option<i64>,
    Option<String>,
    String,
    String,
    Option<String>,
    Option<String>,
);

const SELECT_TOKENS: &str = "SELECT t.id, t.name, t.scope, t.kpi_id, k.name, p.name, t.created_at, \
     t.revoked_at, t.last_used_at FROM api_tokens t JOIN people p ON p.id = t.created_by \
     LEFT JOIN kpis k ON k.id = t.kpi_id";

fn scope_of(scope: &str, kpi_id: Option<i64>) -> Result<Scope, AppError> {
    match scope {
        "read" => Ok(Scope::Read),
        "kpi:write" => Ok(Scope::KpiWrite(kpi_id)),
        other => Err(internal(format!("unknown token scope {other}"))),
    }
}

fn token_of(row: TokenRow) -> Result<ApiToken, AppError> {
    let (id, name, scope, kpi_id, kpi, created_by, created_at, revoked_at, last_used_at) = row;
    Ok(ApiToken {
        id,
        name,
        scope: scope_of(&scope, kpi_id)?,
        kpi,
        created_by,
        created_at,
        revoked_at,
        last_used_at,
    })
}

pub async fn list() -> Result<TokenList, AppError> {
    require_ambassador().await?;
    let pool = pool()?;
    let rows: Vec<TokenRow> = sqlx::query_as(&format!(
        "{SELECT_TOKENS} ORDER BY t.revoked_at IS NOT NULL, lower(t.name), t.id"
    ))
    .fetch_all(&pool)
    .await?;
    let kpis: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, name FROM kpis ORDER BY lower(name), id")
            .fetch_all(&pool)
            .await?;
    Ok(TokenList {
        tokens: rows.into_iter().map(token_of).collect::<Result<_, _>>()?,
        kpis: kpis
            .into_iter()
            .map(|(id, label)| Choice { id, label })
            .collect(),
    })
}

pub async fn create(name: &str, scope: &str) -> Result<CreatedToken, AppError> {
    let caller = require_ambassador().await?;
    let name = name.trim();
    if name.is_empty() {
        return Err(AppError::invalid(
            "name",
            "Name the system that will use it.",
        ));
    }
    if name.chars().count() > MAX_NAME {
        return Err(AppError::invalid(
            "name",
            format!("Keep it to {MAX_NAME} characters."),
        ));
    }
    let scope = Scope::parse(scope)?;
    let mut tx = begin_write().await?;
    let (scope_text, kpi_id) = match scope {
        Scope::Read => ("read", None),
        Scope::KpiWrite(kpi) => ("kpi:write", kpi),
    };
    if let Some(kpi) = kpi_id {
        let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM kpis WHERE id = $1")
            .bind(kpi)
            .fetch_optional(&mut *tx)
            .await?;
        if exists.is_none() {
            return Err(AppError::invalid("scope", "That KPI no longer exists."));
        }
    }
    let secret = format!("{PREFIX}{}", new_token());
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO api_tokens (name, token_hash, scope, kpi_id, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(name)
    .bind(digest(&secret))
    .bind(scope_text)
    .bind(kpi_id)
    .bind(caller.id)
    .bind(crate::sql::now())
    .fetch_one(&mut *tx)
    .await?;
    let row: TokenRow = sqlx::query_as(&format!("{SELECT_TOKENS} WHERE t.id = $1"))
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(CreatedToken {
        token: token_of(row)?,
        secret,
    })
}

pub async fn revoke(id: i64) -> Result<(), AppError> {
    require_ambassador().await?;
    let mut tx = begin_write().await?;
    let found: Option<Option<String>> =
        sqlx::query_scalar("SELECT revoked_at FROM api_tokens WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
    match found {
        None => return Err(AppError::NotFound("That token".into())),
        // Revoking twice is the same as once.
        Some(Some(_)) => return Ok(()),
        Some(None) => {}
    }
    sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2")
        .bind(crate::sql::now())
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// The token behind `presented` (the part after `Bearer `), noting its use.
/// At most one write a minute per token records the last use.
pub async fn authenticate(pool: &Pool, presented: &str) -> Result<TokenAccess, Refused> {
    // Anything but `ns_` and 64 hex digits cannot match: skip the query.
    let Some(hex) = presented
        .trim()
        .strip_prefix(PREFIX)
        .filter(|hex| hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()))
    else {
        return Err(Refused::Unknown);
    };
    type Row = (i64, String, String, Option<i64>, Option<String>);
    let row: Option<Row> = sqlx::query_as(
        "SELECT id, name, scope, kpi_id, revoked_at FROM api_tokens WHERE token_hash = $1",
    )
    .bind(digest(&format!("{PREFIX}{}", hex.to_ascii_lowercase())))
    .fetch_optional(pool)
    .await
    .map_err(|error| {
        tracing::error!(%error, "could not look up an API token");
        Refused::Unknown
    })?;
    let Some((id, name, scope, kpi_id, revoked_at)) = row else {
        return Err(Refused::Unknown);
    };
    if revoked_at.is_some() {
        return Err(Refused::Revoked);
    }
    let scope = scope_of(&scope, kpi_id).map_err(|_| Refused::Unknown)?;
    let now = crate::sql::now();
    let cutoff = crate::sql::at(time::OffsetDateTime::now_utc() - time::Duration::minutes(1));
    if let Err(error) = sqlx::query(
        "UPDATE api_tokens SET last_used_at = $1 WHERE id = $2 \
         AND (last_used_at IS NULL OR last_used_at < $3)",
    )
    .bind(&now)
    .bind(id)
    .bind(cutoff)
    .execute(pool)
    .await
    {
        tracing::warn!(%error, "could not note an API token's use");
    }
    Ok(TokenAccess { id, name, scope })
}

/// A cycle's objectives as the read API returns them.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ApiCycle {
    pub id: i64,
    pub name: String,
    pub start: String,
    pub end: String,
    pub objectives: Vec<ApiObjective>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct ApiObjective {
    pub id: String,
    pub title: String,
    /// The owning unit's path, "Engineering › Platform".
    pub unit: String,
    pub shared_with: Vec<String>,
    pub status: &'static str,
    pub kind: &'static str,
    /// 0.0–1.0: the mean progress of its key results.
    pub progress: f64,
    pub supports: Vec<String>,
    pub key_results: Vec<ApiKeyResult>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct ApiKeyResult {
    pub id: String,
    pub title: String,
    pub unit_label: String,
    pub start: f64,
    pub target: f64,
    pub current: f64,
    pub progress: f64,
    pub last_check_in: Option<String>,
}

/// Cycle `cycle_id` with its objectives, key results and progress; `None`
/// when there is no such cycle.
pub async fn cycle_objectives(pool: &Pool, cycle_id: i64) -> Result<Option<ApiCycle>, AppError> {
    let mut db = pool.acquire().await?;
    let cycle: Option<(String, String, String)> =
        sqlx::query_as("SELECT name, start_date, end_date FROM cycles WHERE id = $1")
            .bind(cycle_id)
            .fetch_optional(&mut *db)
            .await?;
    let Some((name, start, end)) = cycle else {
        return Ok(None);
    };
    let tree = crate::org::load_tree(pool).await?;
    let path = |unit: i64| tree.path(unit).join(" › ");
    let objectives =
        crate::objectives::ssr::fetch_objectives(&mut db, "o.cycle_id = $1", cycle_id).await?;
    Ok(Some(ApiCycle {
        id: cycle_id,
        name,
        start,
        end,
        objectives: objectives
            .into_iter()
            .map(|o| ApiObjective {
                progress: o.progress(),
                unit: path(o.unit_id),
                shared_with: o.shared_unit_ids.iter().map(|u| path(*u)).collect(),
                status: o.status.as_str(),
                kind: o.kind.as_str(),
                supports: o.supports,
                key_results: o
                    .key_results
                    .into_iter()
                    .map(|kr| ApiKeyResult {
                        progress: kr.progress(),
                        id: kr.id,
                        title: kr.title,
                        unit_label: kr.unit_label,
                        start: kr.start,
                        target: kr.target,
                        current: kr.current,
                        last_check_in: kr.last_check_in,
                    })
                    .collect(),
                id: o.id,
                title: o.title,
            })
            .collect(),
    }))
}
