//! The public JSON API, for other systems (documented in `docs/api.md`):
//!
//! - `POST /api/v1/kpis/{id}/readings` records readings (a token with
//!   `kpi:write` for that KPI or for all);
//! - `GET /api/v1/cycles/{id}/objectives` returns a cycle's objectives with
//!   their key results and progress (a token with `read`).
//!
//! Every request carries `Authorization: Bearer <token>`. Errors are JSON
//! naming the field; a retried POST with the same `Idempotency-Key` gets
//! the first answer and changes nothing; each token has a request budget.

use app::kpis::ssr::readings::{NewReading, RecordedBy, record};
use app::rate::{Buckets, Budget};
use app::state::AppState;
use app::tokens::Scope;
use app::tokens::ssr::{Refused, TokenAccess, authenticate, cycle_objectives};
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Requests per token: 60 at once, then one every half second.
pub const API_BUDGET: Budget = Budget {
    burst: 60,
    refill: Duration::from_millis(500),
};
/// Most readings in one request.
pub const MAX_READINGS: usize = 1000;
/// Largest request body.
const MAX_BODY: usize = 256 * 1024;
/// Longest `Idempotency-Key`.
const MAX_KEY: usize = 200;
/// How long an answer is kept for retries.
const KEEP_ANSWERS: time::Duration = time::Duration::days(1);

type Limiter = Arc<Buckets<i64>>;

pub fn routes() -> Router<AppState> {
    let limiter: Limiter = Arc::new(Buckets::new(API_BUDGET));
    Router::new()
        .route("/api/v1/kpis/{id}/readings", post(post_readings))
        .route("/api/v1/cycles/{id}/objectives", get(get_objectives))
        .layer(Extension(limiter))
        .layer(DefaultBodyLimit::max(MAX_BODY))
}

/// An API error: a status and a JSON body naming what is wrong.
#[derive(Debug)]
struct ApiError {
    status: StatusCode,
    code: &'static str,
    field: Option<String>,
    message: String,
}

impl ApiError {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            field: None,
            message: message.into(),
        }
    }

    fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        ApiError {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            code: "invalid",
            field: Some(field.into()),
            message: message.into(),
        }
    }

    fn body(&self) -> Value {
        let mut error = json!({ "code": self.code, "message": self.message });
        if let Some(field) = &self.field {
            error["field"] = json!(field);
        }
        json!({ "error": error })
    }
}

impl From<app::error::AppError> for ApiError {
    fn from(error: app::error::AppError) -> Self {
        use app::error::AppError as E;
        match error {
            E::Invalid { field, message } => ApiError::invalid(field, message),
            E::NotFound(what) => ApiError::new(
                StatusCode::NOT_FOUND,
                "not_found",
                format!("{what} was not found."),
            ),
            E::Conflict(message) => ApiError::new(StatusCode::CONFLICT, "conflict", message),
            other => {
                let status = StatusCode::from_u16(other.status())
                    .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
                ApiError::new(status, "error", other.to_string())
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, Json(self.body())).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        if self.status == StatusCode::TOO_MANY_REQUESTS {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        response
    }
}

/// The token of the request, within its budget.
async fn token(
    headers: &HeaderMap,
    state: &AppState,
    limiter: &Limiter,
) -> Result<TokenAccess, ApiError> {
    let presented = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::UNAUTHORIZED,
                "unauthenticated",
                "Send a token: Authorization: Bearer <token>.",
            )
        })?;
    let access = authenticate(&state.pool, presented)
        .await
        .map_err(|refused| {
            let message = match refused {
                Refused::Unknown => "This token is not valid.",
                Refused::Revoked => "This token has been revoked.",
            };
            ApiError::new(StatusCode::UNAUTHORIZED, "unauthenticated", message)
        })?;
    if !limiter.try_spend(access.id, Instant::now()) {
        tracing::warn!(token = access.id, "API rate limit reached");
        state.metrics.refused(app::metrics::Limiter::Api);
        return Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            "Too many requests with this token. Wait a moment and try again.",
        ));
    }
    Ok(access)
}

fn wrong_scope(message: &str) -> ApiError {
    ApiError::new(StatusCode::FORBIDDEN, "forbidden", message)
}

async fn post_readings(
    State(state): State<AppState>,
    Extension(limiter): Extension<Limiter>,
    Path(kpi_id): Path<i64>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    match readings(&state, &limiter, kpi_id, &headers, &body).await {
        Ok(response) | Err(response) => response,
    }
}

async fn readings(
    state: &AppState,
    limiter: &Limiter,
    kpi_id: i64,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Response, Response> {
    let access = token(headers, state, limiter)
        .await
        .map_err(IntoResponse::into_response)?;
    match access.scope {
        Scope::KpiWrite(None) => {}
        Scope::KpiWrite(Some(only)) if only == kpi_id => {}
        Scope::KpiWrite(Some(_)) => {
            return Err(wrong_scope("This token records readings of another KPI.").into_response());
        }
        Scope::Read => {
            return Err(wrong_scope("This token may only read.").into_response());
        }
    }
    let key = idempotency_key(headers).map_err(IntoResponse::into_response)?;
    let fingerprint = fingerprint(&format!("POST /api/v1/kpis/{kpi_id}/readings"), body);
    if let Some(key) = &key
        && let Some(answer) = replay(state, access.id, key, &fingerprint)
            .await
            .map_err(IntoResponse::into_response)?
    {
        return Ok(answer);
    }
    let parsed = parse_readings(body).map_err(IntoResponse::into_response)?;
    let count = parsed.len();
    let by = RecordedBy::Token {
        id: access.id,
        name: access.name.clone(),
    };
    let mut recording = record(state, kpi_id, &parsed, by)
        .await
        .map_err(|e| ApiError::from(e).into_response())?;
    let recorded = recording.recorded;
    let body = json!({
        "kpi_id": kpi_id,
        "received": count,
        "changed": recorded.changed,
        "recovered": recorded.recovered,
        "version": recorded.version,
    });
    // The answer is kept in the readings' own transaction: a crash between
    // the two would leave readings whose retry is answered anew (nothing
    // changed, not the first answer) and, had someone changed the reading
    // meanwhile, writes the first value again over theirs.
    if let Some(key) = &key {
        remember(
            &mut recording.tx,
            access.id,
            key,
            &fingerprint,
            StatusCode::OK,
            &body,
        )
        .await
        .map_err(|e| ApiError::from(e).into_response())?;
    }
    recording
        .commit(state)
        .await
        .map_err(|e| ApiError::from(e).into_response())?;
    Ok((StatusCode::OK, Json(body)).into_response())
}

fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    let Some(raw) = headers.get("idempotency-key") else {
        return Ok(None);
    };
    let key = raw.to_str().map(str::trim).unwrap_or_default();
    if key.is_empty() || key.len() > MAX_KEY {
        return Err(ApiError::invalid(
            "Idempotency-Key",
            format!("Use a key of 1 to {MAX_KEY} characters, new for each distinct request."),
        ));
    }
    Ok(Some(key.to_owned()))
}

fn fingerprint(request: &str, body: &[u8]) -> String {
    let mut hash = Sha256::new();
    hash.update(request.as_bytes());
    hash.update([0]);
    hash.update(body);
    hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// The answer stored for `key`, if this token sent it before.
async fn replay(
    state: &AppState,
    token: i64,
    key: &str,
    fingerprint: &str,
) -> Result<Option<Response>, ApiError> {
    let stored: Option<(String, i64, String)> = sqlx::query_as(
        "SELECT request_hash, status, body FROM api_idempotency WHERE token_id = $1 AND key = $2",
    )
    .bind(token)
    .bind(key)
    .fetch_optional(&state.pool)
    .await
    .map_err(|e| ApiError::from(app::error::AppError::from(e)))?;
    let Some((hash, status, body)) = stored else {
        return Ok(None);
    };
    if hash != fingerprint {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "idempotency_key_reused",
            "This Idempotency-Key was sent with another request. Use a new key for each distinct request.",
        ));
    }
    let status = u16::try_from(status)
        .ok()
        .and_then(|s| StatusCode::from_u16(s).ok())
        .unwrap_or(StatusCode::OK);
    let mut response = (status, body).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
        .headers_mut()
        .insert("idempotent-replay", HeaderValue::from_static("true"));
    Ok(Some(response))
}

/// Keeps `body` as the answer to `key` for a day, in `tx`; drops answers
/// older than that.
async fn remember(
    tx: &mut app::sql::WriteTx,
    token: i64,
    key: &str,
    fingerprint: &str,
    status: StatusCode,
    body: &Value,
) -> Result<(), app::error::AppError> {
    let now = time::OffsetDateTime::now_utc();
    sqlx::query("DELETE FROM api_idempotency WHERE created_at < $1")
        .bind(app::sql::at(now - KEEP_ANSWERS))
        .execute(&mut **tx)
        .await?;
    sqlx::query(
        "INSERT INTO api_idempotency (token_id, key, request_hash, status, body, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
    )
    .bind(token)
    .bind(key)
    .bind(fingerprint)
    .bind(i64::from(status.as_u16()))
    .bind(body.to_string())
    .bind(app::sql::at(now))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// One reading or an array of them, each `{date, value, note?}`; the first
/// wrong field is named (`[2].value` inside an array).
fn parse_readings(body: &[u8]) -> Result<Vec<NewReading>, ApiError> {
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "malformed",
            format!("The body is not JSON: {e}."),
        )
    })?;
    let (items, in_array) = match value {
        Value::Array(items) => (items, true),
        item @ Value::Object(_) => (vec![item], false),
        _ => {
            return Err(ApiError::invalid(
                "body",
                "Send a reading {\"date\": …, \"value\": …} or an array of them.",
            ));
        }
    };
    if items.is_empty() {
        return Err(ApiError::invalid("body", "Send at least one reading."));
    }
    if items.len() > MAX_READINGS {
        return Err(ApiError::invalid(
            "body",
            format!("Send at most {MAX_READINGS} readings at once."),
        ));
    }
    let mut readings: Vec<NewReading> = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        let name = |field: &str| {
            if in_array {
                format!("[{index}].{field}")
            } else {
                field.to_owned()
            }
        };
        let Value::Object(fields) = item else {
            return Err(ApiError::invalid(
                if in_array {
                    format!("[{index}]")
                } else {
                    "body".into()
                },
                "Each reading is an object: {\"date\": \"2026-11-30\", \"value\": 4.2}.",
            ));
        };
        if let Some(unknown) = fields
            .keys()
            .find(|k| !["date", "value", "note"].contains(&k.as_str()))
        {
            return Err(ApiError::invalid(
                name(unknown),
                "Unknown field: a reading has date, value and note.",
            ));
        }
        let on = match fields.get("date") {
            Some(Value::String(date)) => app::cycles::parse_date("date", date)
                .map_err(|_| ApiError::invalid(name("date"), "Write the date as YYYY-MM-DD."))?,
            Some(_) => {
                return Err(ApiError::invalid(
                    name("date"),
                    "Write the date as a string, YYYY-MM-DD.",
                ));
            }
            None => {
                return Err(ApiError::invalid(
                    name("date"),
                    "Every reading needs a date.",
                ));
            }
        };
        let value = match fields.get("value") {
            Some(Value::Number(n)) => n.as_f64().filter(|v| v.is_finite()).ok_or_else(|| {
                ApiError::invalid(name("value"), "The value must be a finite number.")
            })?,
            Some(_) => {
                return Err(ApiError::invalid(
                    name("value"),
                    "The value must be a number, like 4.2.",
                ));
            }
            None => {
                return Err(ApiError::invalid(
                    name("value"),
                    "Every reading needs a value.",
                ));
            }
        };
        let note = match fields.get("note") {
            None | Some(Value::Null) => String::new(),
            Some(Value::String(note)) if note.chars().count() <= app::kpis::MAX_NOTE => {
                note.trim().to_owned()
            }
            Some(Value::String(_)) => {
                return Err(ApiError::invalid(
                    name("note"),
                    format!("Keep a note to {} characters.", app::kpis::MAX_NOTE),
                ));
            }
            Some(_) => {
                return Err(ApiError::invalid(
                    name("note"),
                    "The note must be a string.",
                ));
            }
        };
        if let Some(earlier) = readings.iter().position(|r| r.on == on) {
            return Err(ApiError::invalid(
                name("date"),
                format!("{on} is also reading [{earlier}]: one reading per date."),
            ));
        }
        readings.push(NewReading { on, value, note });
    }
    Ok(readings)
}

async fn get_objectives(
    State(state): State<AppState>,
    Extension(limiter): Extension<Limiter>,
    Path(cycle_id): Path<i64>,
    headers: HeaderMap,
) -> Response {
    let access = match token(&headers, &state, &limiter).await {
        Ok(access) => access,
        Err(error) => return error.into_response(),
    };
    if access.scope != Scope::Read {
        return wrong_scope("This token may only record KPI readings.").into_response();
    }
    match cycle_objectives(&state.pool, cycle_id).await {
        Ok(Some(cycle)) => Json(cycle).into_response(),
        Ok(None) => ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "That cycle was not found.",
        )
        .into_response(),
        Err(error) => ApiError::from(error).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field_of(body: &str) -> Option<String> {
        parse_readings(body.as_bytes()).err().and_then(|e| e.field)
    }

    #[test]
    fn readings_parse_as_one_or_an_array() {
        let one =
            parse_readings(br#"{"date": "2026-11-30", "value": 4.2, "note": "Monday"}"#).unwrap();
        assert_eq!(one.len(), 1);
        assert_eq!(one[0].note, "Monday");
        let many = parse_readings(
            br#"[{"date": "2026-11-29", "value": 5}, {"date": "2026-11-30", "value": 4.2}]"#,
        )
        .unwrap();
        assert_eq!(many.len(), 2);
    }

    #[test]
    fn the_wrong_field_is_named() {
        assert_eq!(
            field_of(r#"{"date": "30.11.2026", "value": 1}"#).as_deref(),
            Some("date")
        );
        assert_eq!(
            field_of(r#"{"date": "2026-11-30", "value": "four"}"#).as_deref(),
            Some("value")
        );
        assert_eq!(
            field_of(r#"{"date": "2026-11-30"}"#).as_deref(),
            Some("value")
        );
        assert_eq!(
            field_of(r#"[{"date": "2026-11-30", "value": 1}, {"date": "2026-11-31", "value": 2}]"#)
                .as_deref(),
            Some("[1].date")
        );
        assert_eq!(
            field_of(r#"[{"date": "2026-11-30", "value": 1}, {"date": "2026-11-30", "value": 2}]"#)
                .as_deref(),
            Some("[1].date")
        );
        assert_eq!(
            field_of(r#"{"date": "2026-11-30", "value": 1, "vaule": 2}"#).as_deref(),
            Some("vaule")
        );
        assert_eq!(field_of("[]").as_deref(), Some("body"));
        assert!(parse_readings(b"not json").is_err());
    }
}
