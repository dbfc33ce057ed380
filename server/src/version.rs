//! The version and the commit this binary was built from, as
//! `northstar --version` and the metrics' `northstar_build_info` say them.
//! `build.rs` asks git for the commit; without a git checkout it is `unknown`.

/// The package's version.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The commit's short hash, or `unknown`.
pub const COMMIT: &str = env!("NORTHSTAR_COMMIT");

/// `0.1.0 (commit 75a47a0, 2026-12-01)`, or `0.1.0 (commit unknown)`.
pub const LINE: &str = env!("NORTHSTAR_VERSION_LINE");

/// The same, for the metrics.
pub const BUILD: app::metrics::Build = app::metrics::Build {
    version: VERSION,
    commit: COMMIT,
};
