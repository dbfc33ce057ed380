//! What the server counts for Prometheus: requests, server functions, live
//! sockets, the fan-out, the leaderboard, refused sign-ins and the
//! database. `server::metrics` serves it at `/metrics` on a listener of its
//! own (`northstar serve --metrics-addr`), never on the public address.
//!
//! One [`Metrics`] per app, held by `AppState` like the pool: its registry
//! is a value, not a process-global recorder, so each of the apps an
//! integration-test process builds counts only its own requests.
//!
//! Recording stays cheap: series with fixed labels are resolved once, here,
//! and cost an atomic add; the others are looked up by labels made of
//! `&'static str`s, numbers and axum's `MatchedPath` (a shared string: the
//! route's template, never the raw path, so an id in an address never
//! becomes a series of its own).

use axum::extract::MatchedPath;
use prometheus_client::encoding::{EncodeLabelSet, EncodeLabelValue, LabelValueEncoder};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use std::hash::{Hash, Hasher};
use std::time::{Duration, Instant};

/// The `Content-Type` of [`Metrics::encode`]'s text (Prometheus' text format 0.0.4).
pub const CONTENT_TYPE: &str = prometheus_client::encoding::prometheus_text::CONTENT_TYPE;

/// Which kind of live socket.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SocketKind {
    /// `/ws/boards/{cycle_id}`: a planning board.
    Board,
    /// `/ws/leaderboard`: the leaderboard page of a signed-in person.
    Leaderboard,
    /// `/ws/screens/{token}`: an office screen.
    Screen,
    /// `/ws/kpis`: a KPI page or list.
    Kpis,
}

impl SocketKind {
    const ALL: [Self; 4] = [Self::Board, Self::Leaderboard, Self::Screen, Self::Kpis];

    fn label(self) -> &'static str {
        match self {
            Self::Board => "board",
            Self::Leaderboard => "leaderboard",
            Self::Screen => "screen",
            Self::Kpis => "kpis",
        }
    }
}

/// What the live hub sent out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Published {
    /// A board's event (a change to an objective or key result).
    BoardEvent,
    /// A new leaderboard snapshot (to pages and office screens).
    Leaderboard,
    /// A KPI's change (to KPI pages).
    Kpi,
}

impl Published {
    const ALL: [Self; 3] = [Self::BoardEvent, Self::Leaderboard, Self::Kpi];

    fn label(self) -> &'static str {
        match self {
            Self::BoardEvent => "board_event",
            Self::Leaderboard => "leaderboard",
            Self::Kpi => "kpi",
        }
    }
}

/// Why a sign-in failed (refusals by the limiter are counted apart).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignInFailure {
    /// No such account, or the wrong password.
    WrongCredentials,
    /// The right password of a deactivated account.
    Deactivated,
}

impl SignInFailure {
    const ALL: [Self; 2] = [Self::WrongCredentials, Self::Deactivated];

    fn label(self) -> &'static str {
        match self {
            Self::WrongCredentials => "wrong_credentials",
            Self::Deactivated => "deactivated",
        }
    }
}

/// A limiter that refuses requests when a budget is spent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Limiter {
    /// Password attempts per address and per account (`auth::limiter`):
    /// sign-ins, password changes and reset links.
    SignIn,
    /// Changes per person (`state::WRITE_BUDGET`).
    Writes,
    /// Requests per API token.
    Api,
}

impl Limiter {
    const ALL: [Self; 3] = [Self::SignIn, Self::Writes, Self::Api];

    fn label(self) -> &'static str {
        match self {
            Self::SignIn => "sign_in",
            Self::Writes => "writes",
            Self::Api => "api",
        }
    }
}

/// The route a request matched, by its template (`/cycles/{id}/board`).
#[derive(Clone, Debug)]
pub enum Route {
    Matched(MatchedPath),
    /// The fallback: static files, and addresses no route knows.
    Fallback,
}

impl Route {
    pub fn as_str(&self) -> &str {
        match self {
            Self::Matched(path) => path.as_str(),
            Self::Fallback => "fallback",
        }
    }
}

impl PartialEq for Route {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Route {}

impl Hash for Route {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl EncodeLabelValue for Route {
    fn encode(&self, encoder: &mut LabelValueEncoder) -> Result<(), std::fmt::Error> {
        EncodeLabelValue::encode(&self.as_str(), encoder)
    }
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: &'static str,
    route: Route,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: &'static str,
    route: Route,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CallLabels {
    name: &'static str,
    outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct NameLabel {
    name: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct KindLabel {
    kind: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ReasonLabel {
    reason: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct LimiterLabel {
    limiter: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StateLabel {
    state: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct BuildLabels {
    version: &'static str,
    commit: &'static str,
}

type Histograms<L> = Family<L, Histogram, fn() -> Histogram>;

/// Request latencies: 1 ms to about 16 s.
fn request_buckets() -> Histogram {
    Histogram::new(exponential_buckets(0.001, 2.0, 15))
}

/// The build a running server came from.
#[derive(Clone, Copy, Debug)]
pub struct Build {
    /// The package's version, `0.1.0`.
    pub version: &'static str,
    /// The commit's short hash, or `unknown`.
    pub commit: &'static str,
}

/// Every metric the app records, registered in its own registry.
pub struct Metrics {
    registry: Registry,
    http_requests: Family<RequestLabels, Counter>,
    http_seconds: Histograms<RouteLabels>,
    server_fn_calls: Family<CallLabels, Counter>,
    server_fn_seconds: Histograms<NameLabel>,
    /// One gauge per [`SocketKind`], in `SocketKind::ALL`'s order.
    sockets: [Gauge; 4],
    /// One counter per [`Published`], in `Published::ALL`'s order.
    published: [Counter; 3],
    fanout_seconds: Histogram,
    leaderboard_seconds: Histogram,
    leaderboard_failures: Counter,
    sign_in_failures: [Counter; 2],
    refusals: [Counter; 3],
    pool_idle: Gauge,
    pool_in_use: Gauge,
    pool_max: Gauge,
    write_begin_seconds: Histogram,
}

impl Metrics {
    pub fn new(build: Build) -> Self {
        let mut registry = Registry::with_prefix("northstar");
        let http_requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests answered, by method, route template and status \
             (`fallback`: static files and addresses no route knows)",
            http_requests.clone(),
        );
        let http_seconds: Histograms<RouteLabels> = Family::new_with_constructor(request_buckets);
        registry.register(
            "http_request_duration_seconds",
            "Time from a request's arrival to its response's head, by method and route \
             template (a page is rendered whole before its head leaves; a websocket counts \
             its handshake only)",
            http_seconds.clone(),
        );
        let server_fn_calls = Family::<CallLabels, Counter>::default();
        registry.register(
            "server_fn_calls",
            "Server-function calls (/api/NAME), by name and outcome: ok, or error for any \
             answer of 400 or more",
            server_fn_calls.clone(),
        );
        let server_fn_seconds: Histograms<NameLabel> =
            Family::new_with_constructor(request_buckets);
        registry.register(
            "server_fn_duration_seconds",
            "Time to answer a server function, by name: the queries it runs on the database \
             and its waits for a connection or the write lock included",
            server_fn_seconds.clone(),
        );
        let sockets_family = Family::<KindLabel, Gauge>::default();
        registry.register(
            "websockets_open",
            "Live websockets open now, by kind: board, leaderboard, screen (office screens), \
             kpis",
            sockets_family.clone(),
        );
        let sockets = SocketKind::ALL
            .map(|kind| sockets_family.get_or_create_owned(&KindLabel { kind: kind.label() }));
        let published_family = Family::<KindLabel, Counter>::default();
        registry.register(
            "live_published",
            "Messages the live hub sent out to the sockets listening, by kind: board_event \
             (one per event of a board), leaderboard (a new snapshot), kpi (a KPI changed)",
            published_family.clone(),
        );
        let published = Published::ALL
            .map(|kind| published_family.get_or_create_owned(&KindLabel { kind: kind.label() }));
        let fanout_seconds = Histogram::new(exponential_buckets(0.0001, 2.0, 16));
        registry.register(
            "live_fanout_seconds",
            "Time from a committed board change handed to the fan-out (or another \
             instance's notice of one) until its events are in the board's room, from where \
             every socket of the board writes them out; one observation per change, except a \
             change whose events an earlier catch-up already published",
            fanout_seconds.clone(),
        );
        let leaderboard_seconds = Histogram::new(exponential_buckets(0.001, 2.0, 14));
        registry.register(
            "leaderboard_recompute_duration_seconds",
            "Leaderboard recomputations (their count) and how long each took: reading the \
             cycle in one read transaction, ranking, and encoding it for pages and screens",
            leaderboard_seconds.clone(),
        );
        let leaderboard_failures = Counter::default();
        registry.register(
            "leaderboard_recompute_failures",
            "Leaderboard recomputations that failed (the database did not answer)",
            leaderboard_failures.clone(),
        );
        let failures_family = Family::<ReasonLabel, Counter>::default();
        registry.register(
            "sign_in_failures",
            "Sign-ins refused, by reason: wrong_credentials (no such account or the wrong \
             password), deactivated",
            failures_family.clone(),
        );
        let sign_in_failures = SignInFailure::ALL.map(|reason| {
            failures_family.get_or_create_owned(&ReasonLabel {
                reason: reason.label(),
            })
        });
        let refusals_family = Family::<LimiterLabel, Counter>::default();
        registry.register(
            "limiter_refusals",
            "Requests a limiter refused with 429, by limiter: sign_in (password attempts per \
             address and account: sign-ins, password changes, reset links), writes (changes \
             per person), api (requests per API token)",
            refusals_family.clone(),
        );
        let refusals = Limiter::ALL.map(|limiter| {
            refusals_family.get_or_create_owned(&LimiterLabel {
                limiter: limiter.label(),
            })
        });
        let pool_family = Family::<StateLabel, Gauge>::default();
        registry.register(
            "db_pool_connections",
            "The database pool's open connections when scraped, by state: idle, in_use",
            pool_family.clone(),
        );
        let pool_idle = pool_family.get_or_create_owned(&StateLabel { state: "idle" });
        let pool_in_use = pool_family.get_or_create_owned(&StateLabel { state: "in_use" });
        let pool_max = Gauge::default();
        registry.register(
            "db_pool_max_connections",
            "The most connections the database pool opens",
            pool_max.clone(),
        );
        let write_begin_seconds = Histogram::new(exponential_buckets(0.0001, 2.0, 17));
        registry.register(
            "db_write_begin_duration_seconds",
            "Time a change waited to begin its write transaction: for a pooled connection \
             and the database's one write lock (SQLite's BEGIN IMMEDIATE, PostgreSQL's \
             advisory lock). Its queries are not included: see server_fn_duration_seconds",
            write_begin_seconds.clone(),
        );
        let build_info = Family::<BuildLabels, Gauge>::default();
        registry.register(
            "build_info",
            "Always 1: the version and commit this server was built from",
            build_info.clone(),
        );
        build_info
            .get_or_create(&BuildLabels {
                version: build.version,
                commit: build.commit,
            })
            .set(1);
        Metrics {
            registry,
            http_requests,
            http_seconds,
            server_fn_calls,
            server_fn_seconds,
            sockets,
            published,
            fanout_seconds,
            leaderboard_seconds,
            leaderboard_failures,
            sign_in_failures,
            refusals,
            pool_idle,
            pool_in_use,
            pool_max,
            write_begin_seconds,
        }
    }

    /// An HTTP request answered with `status` after `took`.
    pub fn http_request(&self, method: &'static str, route: Route, status: u16, took: Duration) {
        let seconds = took.as_secs_f64();
        let labels = RouteLabels { method, route };
        self.http_seconds.get_or_create(&labels).observe(seconds);
        let RouteLabels { method, route } = labels;
        self.http_requests
            .get_or_create(&RequestLabels {
                method,
                route,
                status,
            })
            .inc();
    }

    /// A call of server function `name`, answered (`ok`) or not after `took`.
    pub fn server_fn_call(&self, name: &'static str, ok: bool, took: Duration) {
        let outcome = if ok { "ok" } else { "error" };
        self.server_fn_calls
            .get_or_create(&CallLabels { name, outcome })
            .inc();
        self.server_fn_seconds
            .get_or_create(&NameLabel { name })
            .observe(took.as_secs_f64());
    }

    /// A socket of `kind` opened; it counts as open until the guard drops.
    pub fn socket_opened(&self, kind: SocketKind) -> OpenSocket {
        let gauge = self.sockets[kind as usize].clone();
        gauge.inc();
        OpenSocket(gauge)
    }

    /// The hub sent out `count` messages of `kind`.
    pub fn published(&self, kind: Published, count: u64) {
        self.published[kind as usize].inc_by(count);
    }

    /// Events committed (or noticed) at `since` are in their board's room now.
    pub fn fanned_out(&self, since: Instant) {
        self.fanout_seconds.observe(since.elapsed().as_secs_f64());
    }

    /// The leaderboard was recomputed (`ok`) or failed to be, after `took`.
    pub fn leaderboard_recomputed(&self, took: Duration, ok: bool) {
        self.leaderboard_seconds.observe(took.as_secs_f64());
        if !ok {
            self.leaderboard_failures.inc();
        }
    }

    pub fn sign_in_failed(&self, reason: SignInFailure) {
        self.sign_in_failures[reason as usize].inc();
    }

    /// `limiter` refused a request.
    pub fn refused(&self, limiter: Limiter) {
        self.refusals[limiter as usize].inc();
    }

    /// A write transaction began after waiting `waited`.
    pub fn write_began(&self, waited: Duration) {
        self.write_begin_seconds.observe(waited.as_secs_f64());
    }

    /// Everything, in Prometheus' text format, the pool's gauges read now.
    pub fn encode(&self, pool: &crate::sql::Pool) -> Result<String, std::fmt::Error> {
        let open = i64::from(pool.size());
        let idle = i64::try_from(pool.num_idle()).unwrap_or(i64::MAX);
        self.pool_idle.set(idle);
        // Connections are counted one after the other, not at one moment.
        self.pool_in_use.set(open.saturating_sub(idle).max(0));
        self.pool_max
            .set(i64::from(pool.options().get_max_connections()));
        let mut text = String::with_capacity(16 * 1024);
        prometheus_client::encoding::prometheus_text::encode(&mut text, &self.registry)?;
        Ok(text)
    }
}

/// Counts a socket as open while it lives.
pub struct OpenSocket(Gauge);

impl Drop for OpenSocket {
    fn drop(&mut self) {
        self.0.dec();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BUILD: Build = Build {
        version: "0.1.0",
        commit: "75a47a0",
    };

    fn text(metrics: &Metrics) -> String {
        let mut text = String::new();
        prometheus_client::encoding::prometheus_text::encode(&mut text, &metrics.registry).unwrap();
        text
    }

    #[test]
    fn sockets_count_while_their_guard_lives() {
        let metrics = Metrics::new(BUILD);
        let board = metrics.socket_opened(SocketKind::Board);
        let screens = [
            metrics.socket_opened(SocketKind::Screen),
            metrics.socket_opened(SocketKind::Screen),
        ];
        let text = text(&metrics);
        assert!(text.contains("northstar_websockets_open{kind=\"board\"} 1\n"));
        assert!(text.contains("northstar_websockets_open{kind=\"screen\"} 2\n"));
        assert!(text.contains("northstar_websockets_open{kind=\"kpis\"} 0\n"));
        drop((board, screens));
        let text = super::tests::text(&metrics);
        assert!(text.contains("northstar_websockets_open{kind=\"board\"} 0\n"));
        assert!(text.contains("northstar_websockets_open{kind=\"screen\"} 0\n"));
    }

    #[test]
    fn fixed_series_are_there_from_the_start_and_count_apart() {
        let metrics = Metrics::new(BUILD);
        metrics.refused(Limiter::Writes);
        metrics.sign_in_failed(SignInFailure::WrongCredentials);
        metrics.published(Published::BoardEvent, 3);
        let text = text(&metrics);
        for line in [
            "northstar_build_info{version=\"0.1.0\",commit=\"75a47a0\"} 1",
            "northstar_limiter_refusals_total{limiter=\"writes\"} 1",
            "northstar_limiter_refusals_total{limiter=\"sign_in\"} 0",
            "northstar_sign_in_failures_total{reason=\"wrong_credentials\"} 1",
            "northstar_sign_in_failures_total{reason=\"deactivated\"} 0",
            "northstar_live_published_total{kind=\"board_event\"} 3",
            "northstar_live_published_total{kind=\"leaderboard\"} 0",
        ] {
            assert!(text.contains(&format!("{line}\n")), "{line} in:\n{text}");
        }
    }

    #[test]
    fn server_functions_count_by_name_and_outcome() {
        let metrics = Metrics::new(BUILD);
        metrics.server_fn_call("sign_in", false, Duration::from_millis(3));
        metrics.server_fn_call("sign_in", true, Duration::from_millis(5));
        metrics.server_fn_call("sign_in", true, Duration::from_millis(7));
        let text = text(&metrics);
        assert!(
            text.contains("northstar_server_fn_calls_total{name=\"sign_in\",outcome=\"ok\"} 2\n")
        );
        assert!(
            text.contains(
                "northstar_server_fn_calls_total{name=\"sign_in\",outcome=\"error\"} 1\n"
            )
        );
        assert!(text.contains("northstar_server_fn_duration_seconds_count{name=\"sign_in\"} 3\n"));
        // 3 ms is in the bucket up to 4 ms; 5 and 7 ms are not.
        assert!(text.contains(
            "northstar_server_fn_duration_seconds_bucket{name=\"sign_in\",le=\"0.004\"} 1\n"
        ));
    }
}
