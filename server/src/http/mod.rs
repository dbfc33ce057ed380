//! The router: Leptos pages and server functions, `/healthz`, static files,
//! and the layers every request passes through.

mod api;
pub mod headers;
mod malformed;
mod origin;
pub mod site;

pub use origin::is_same_origin;

use crate::config::ServeConfig;
use crate::storage;
use app::state::AppState;
use app::{App, shell};
use axum::extract::{MatchedPath, Request, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router, middleware};
use leptos::prelude::provide_context;
use leptos_axum::{AxumRouteListing, LeptosRoutes, generate_route_list};
use serde_json::json;
use std::sync::{Arc, LazyLock};
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::cookie::time::Duration as CookieDuration;
use tower_sessions::{Expiry, SessionManagerLayer};

/// The header naming a request: set when missing, logged, sent back.
pub const REQUEST_ID: axum::http::HeaderName = axum::http::HeaderName::from_static("x-request-id");

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "northstar_session";
/// Its name over https: the `__Host-` prefix makes browsers refuse it
/// unless it is `Secure`, for this host only (no `Domain`) and path `/`.
pub const SECURE_SESSION_COOKIE: &str = "__Host-northstar_session";

pub fn router(
    state: AppState,
    sessions: crate::storage::sessions::Sessions,
    config: &ServeConfig,
) -> Router {
    let routes = routes();
    let site = site::Site::shared(config.site_source());
    let https = config.public_url.as_ref().is_some_and(|url| url.https);
    let policy = headers::Policy::new(config);
    let session_layer = SessionManagerLayer::new(sessions)
        .with_name(if https {
            SECURE_SESSION_COOKIE
        } else {
            SESSION_COOKIE
        })
        .with_path("/")
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(config.secure_cookies || https)
        .with_expiry(Expiry::OnInactivity(CookieDuration::seconds_f64(
            config.session_expiry.as_secs_f64(),
        )));

    let metrics = state.metrics.clone();
    let router = Router::new()
        .route("/healthz", get(healthz))
        .route("/ws/boards/{cycle_id}", get(crate::live::board_socket))
        .route("/ws/leaderboard", get(crate::live::leaderboard_socket))
        .route("/ws/kpis", get(crate::live::kpi_socket))
        .route("/ws/screens/{token}", get(crate::live::screen_socket))
        .merge(api::routes())
        .leptos_routes_with_context(&state, routes, context(&state, &site), {
            let options = state.leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(files_or_not_found(&state, site))
        .layer(session_layer)
        .layer(middleware::from_fn(origin::refuse_cross_origin))
        .layer(middleware::from_fn_with_state(
            policy.clone(),
            headers::client_address,
        ))
        .layer(middleware::from_fn(malformed::malformed_is_400))
        .layer(middleware::from_fn(headers::nonce_from_head))
        // Pages and server-function answers leave compressed; precompressed
        // static files already carry their encoding and pass through as they are.
        .layer(CompressionLayer::new())
        .layer(RequestBodyLimitLayer::new(config.body_limit))
        .layer(middleware::from_fn_with_state(
            policy.clone(),
            headers::public_host_only,
        ))
        .layer(middleware::from_fn_with_state(
            policy,
            headers::security_headers,
        ))
        .layer(
            TraceLayer::new_for_http().make_span_with(|request: &Request| {
                let path = request
                    .extensions()
                    .get::<MatchedPath>()
                    .map_or(request.uri().path(), MatchedPath::as_str);
                let id = request
                    .headers()
                    .get(REQUEST_ID)
                    .and_then(|id| id.to_str().ok())
                    .unwrap_or_default();
                tracing::info_span!("request", method = %request.method(), path, id)
            }),
        )
        // Every request gets an id (or keeps the one a proxy gave it), its
        // log lines name it, and its response carries it back: a person
        // who reports an error can quote the id the logs know.
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
        .with_state(state);
    if config.metrics_addr.is_some() {
        crate::metrics::measured(router, metrics)
    } else {
        router
    }
}

/// What every page's render is given: the app's state, and the names of
/// the site's files for its `<head>`.
fn context(state: &AppState, site: &Arc<site::Site>) -> impl Fn() + Clone + Send + Sync + use<> {
    let state = state.clone();
    let site = site.clone();
    move || {
        provide_context(state.clone());
        provide_context(site.files().assets.clone());
    }
}

/// Any other address: one of the site's files, or the app's "not found"
/// page (rendered whole, with its 404).
fn files_or_not_found(
    state: &AppState,
    site: Arc<site::Site>,
) -> impl Fn(Request) -> std::pin::Pin<Box<dyn Future<Output = axum::response::Response> + Send>>
+ Clone
+ Send
+ Sync
+ 'static {
    let options = state.leptos_options.clone();
    let page =
        leptos_axum::render_app_to_stream_in_order_with_context(context(state, &site), move || {
            shell(options.clone())
        });
    move |request: Request| {
        if let Some(file) = site.respond(request.method(), request.uri().path(), request.headers())
        {
            return Box::pin(std::future::ready(file));
        }
        page(request)
    }
}

/// The app's routes, listed once per process.
///
/// Leptos lists them by rendering the whole app once with resources
/// switched off, and it switches them off for the whole process (the
/// global flag behind `leptos::server::SuppressResourceLoad`), not for that
/// render alone. A resource that starts meanwhile, in a page that another
/// router of the process is rendering, waits for ever instead of loading,
/// and so does its request. Listed once, before the first router exists,
/// the routes are never listed while a page renders: a second router (each
/// integration test builds one) reuses the list. The list depends on the
/// app's code alone, so it cannot go stale.
fn routes() -> Vec<AxumRouteListing> {
    static ROUTES: LazyLock<Vec<AxumRouteListing>> = LazyLock::new(|| generate_route_list(App));
    ROUTES.clone()
}

/// 200 when the database answers, 503 when it does not; with the name of
/// the instance that answered (behind a load balancer, which one it was).
async fn healthz(State(state): State<AppState>) -> impl IntoResponse {
    let instance = state.fanout.instance();
    if storage::ping(&state.pool).await {
        (
            StatusCode::OK,
            Json(json!({ "status": "ok", "database": "ok", "instance": instance })),
        )
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(
                json!({ "status": "unavailable", "database": "unreachable", "instance": instance }),
            ),
        )
    }
}
