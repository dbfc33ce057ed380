//! Requests the server functions cannot even decode — a missing argument,
//! a body that is not UTF-8, a word where a number belongs — are the
//! caller's fault: 400 with the JSON error naming the problem. The
//! framework answers them 500, which would tell monitoring that the server
//! failed; 500 stays for what really is the server's fault.

use app::error::AppError;
use axum::body::Body;
use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::Response;

/// Server-function answers are small JSON; anything larger is passed on as is.
const LARGEST_ERROR: usize = 16 * 1024;

pub async fn malformed_is_400(request: Request, next: Next) -> Response {
    let server_function = request.uri().path().starts_with("/api/");
    let response = next.run(request).await;
    if !server_function || response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, LARGEST_ERROR).await else {
        return Response::from_parts(parts, Body::empty());
    };
    if let Ok(AppError::BadRequest(problem)) = serde_json::from_slice::<AppError>(&bytes) {
        tracing::info!(%problem, "malformed server-function request");
        parts.status = StatusCode::BAD_REQUEST;
    }
    Response::from_parts(parts, Body::from(bytes))
}
