//! What `northstar serve` needs, gathered from flags and environment
//! variables by the command line and handed to [`crate::build`].

use app::auth::ssr::SignInLimits;
use leptos::config::LeptosOptions;
use std::net::SocketAddr;

/// The database used when none is named: a file under `./data/`.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/northstar.db";

#[derive(Debug, Clone)]
pub struct ServeConfig {
    /// Where to listen.
    pub addr: SocketAddr,
    /// An sqlx SQLite URL; the file is created when missing.
    pub database_url: String,
    /// Seed the demo organisation into an empty database.
    pub demo: bool,
    /// The folder holding the built site (`pkg/` with the WASM, JS and CSS).
    pub site_root: String,
    /// Mark the session cookie `Secure`: set when served over HTTPS.
    pub secure_cookies: bool,
    /// Request bodies larger than this are refused with 413.
    pub body_limit: usize,
    pub sign_in_limits: SignInLimits,
}

impl ServeConfig {
    /// A configuration with the defaults for everything but the essentials.
    pub fn new(addr: SocketAddr, database_url: impl Into<String>) -> Self {
        Self {
            addr,
            database_url: database_url.into(),
            demo: false,
            site_root: "target/site".into(),
            secure_cookies: false,
            body_limit: 64 * 1024,
            sign_in_limits: SignInLimits::default(),
        }
    }

    /// The Leptos options, built here rather than read from `Cargo.toml` so
    /// the binary runs from anywhere.
    pub fn leptos_options(&self) -> LeptosOptions {
        LeptosOptions::builder()
            .output_name("northstar")
            .site_root(self.site_root.as_str())
            .site_pkg_dir("pkg")
            .site_addr(self.addr)
            .build()
    }
}
