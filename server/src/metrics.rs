//! `/metrics` for Prometheus on a listener of its own (`northstar serve
//! --metrics-addr`), so the public address never serves it: routes, refusals
//! and the pool's use are seen only where the operator lets them be. And
//! the layer that counts the public router's requests, added only when
//! metrics are on. What is counted is defined in `app::metrics`.

use crate::StartError;
use app::metrics::{CONTENT_TYPE, Metrics, Route};
use app::state::AppState;
use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, LazyLock};
use std::time::Instant;
use tokio::net::TcpListener;
use tower_http::compression::CompressionLayer;

/// Listens on `addr` and serves `state`'s `/metrics` there until the server
/// starts shutting down; returns the address bound (for port 0).
pub async fn listen(addr: SocketAddr, state: &AppState) -> Result<SocketAddr, StartError> {
    let listener = TcpListener::bind(addr)
        .await
        .map_err(|source| StartError::Listen { addr, source })?;
    let bound = listener.local_addr()?;
    let router = Router::new()
        .route("/metrics", get(scrape))
        // Prometheus asks for gzip; histograms by route make a long text.
        .layer(CompressionLayer::new())
        .with_state(state.clone());
    let mut closing = state.hub.closing();
    tokio::spawn(async move {
        let shutdown = async move {
            let _ = closing.changed().await;
        };
        if let Err(error) = axum::serve(listener, router)
            .with_graceful_shutdown(shutdown)
            .await
        {
            tracing::error!(%error, "the metrics listener stopped");
        }
    });
    Ok(bound)
}

async fn scrape(State(state): State<AppState>) -> Response {
    match state.metrics.encode(&state.pool) {
        Ok(text) => ([(header::CONTENT_TYPE, CONTENT_TYPE)], text).into_response(),
        Err(error) => {
            tracing::error!(%error, "cannot encode the metrics");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// `router`, each of its requests counted in `metrics`: by method, route
/// template and status, and a server function's also by name and outcome.
pub fn measured(router: Router, metrics: Arc<Metrics>) -> Router {
    // `Router::layer` wraps each route: the request has been routed, and
    // its `MatchedPath` is known, when `measure` sees it.
    router.layer(middleware::from_fn_with_state(metrics, measure))
}

async fn measure(State(metrics): State<Arc<Metrics>>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = method_label(request.method());
    let route = request.extensions().get::<MatchedPath>().cloned();
    let response = next.run(request).await;
    let took = started.elapsed();
    let status = response.status().as_u16();
    if let Some(name) = route
        .as_ref()
        .and_then(|route| SERVER_FNS.get(route.as_str()))
    {
        metrics.server_fn_call(name, status < 400, took);
    }
    let route = route.map_or(Route::Fallback, Route::Matched);
    metrics.http_request(method, route, status, took);
    response
}

/// Every server function's path (`/api/sign_in`) and its name (`sign_in`).
static SERVER_FNS: LazyLock<HashMap<&'static str, &'static str>> = LazyLock::new(|| {
    leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| (path, path.strip_prefix("/api/").unwrap_or(path)))
        .collect()
});

/// The method as a label; any but the usual ones is `other`, so a client
/// inventing methods cannot add series.
fn method_label(method: &Method) -> &'static str {
    match method.as_str() {
        "GET" => "GET",
        "POST" => "POST",
        "PUT" => "PUT",
        "PATCH" => "PATCH",
        "DELETE" => "DELETE",
        "HEAD" => "HEAD",
        "OPTIONS" => "OPTIONS",
        _ => "other",
    }
}
