//! Logging: `tracing` to standard error, filtered by `RUST_LOG`
//! (default: info for Northstar, warnings for the libraries), as text for
//! people or as JSON lines for log collectors (`--log-format json`).

use tracing_subscriber::{EnvFilter, fmt, prelude::*};

/// How log lines are written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// Lines for a person reading a terminal.
    #[default]
    Text,
    /// One JSON object per line, fields and spans included (the request's
    /// id among them), for a log collector.
    Json,
}

/// Logs as text (tests and anything that does not choose).
pub fn init() {
    init_as(LogFormat::Text);
}

pub fn init_as(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_sessions=warn,leptos=warn"));
    // `try_init`: tests start several apps in one process; the first wins.
    let registry = tracing_subscriber::registry().with(filter);
    let _ = match format {
        LogFormat::Text => registry
            .with(fmt::layer().with_writer(std::io::stderr))
            .try_init(),
        LogFormat::Json => registry
            .with(
                fmt::layer()
                    .json()
                    .with_current_span(true)
                    .with_span_list(true)
                    .with_writer(std::io::stderr),
            )
            .try_init(),
    };
}
