//! What `northstar serve` needs, gathered from flags and environment
//! variables by the command line and handed to [`crate::build`].

use app::auth::ssr::SignInLimits;
use ipnet::IpNet;
use leptos::config::LeptosOptions;
use std::net::SocketAddr;

/// The database used when none is named: a file under `./data/`.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/northstar.db";

#[derive(Debug, Clone)]
pub struct ServeConfig {
    /// Where to listen.
    pub addr: SocketAddr,
    /// Where to serve `/metrics` for Prometheus, apart from the public
    /// address; requests are counted only when set.
    pub metrics_addr: Option<SocketAddr>,
    /// An sqlx SQLite URL; the file is created when missing.
    pub database_url: String,
    /// Seed the demo organisation into an empty database.
    pub demo: bool,
    /// A folder holding a built site (`pkg/` with the WASM, JS and CSS) to
    /// serve instead of the one in the binary (development).
    pub site_root: Option<std::path::PathBuf>,
    /// Mark the session cookie `Secure`: set when served over HTTPS (also
    /// implied by an `https` public address).
    pub secure_cookies: bool,
    /// The address people use, e.g. `https://okr.example.org`: only this
    /// `Host` is served (DNS rebinding), and over https the cookie is
    /// `Secure` with the `__Host-` prefix and HSTS is sent.
    pub public_url: Option<PublicUrl>,
    /// Peers (reverse proxies) whose `X-Forwarded-For` is believed;
    /// everyone else's is ignored.
    pub trusted_proxies: Vec<IpNet>,
    /// Origins allowed to embed office screens in a frame (dashboards);
    /// no page is framed otherwise.
    pub screen_frame_ancestors: Vec<String>,
    /// The demo accounts' password (the well-known demo password if unset).
    pub demo_password: Option<String>,
    /// Request bodies larger than this are refused with 413.
    pub body_limit: usize,
    /// A session ends after this long without a change to it (sign-in).
    pub session_expiry: std::time::Duration,
    pub sign_in_limits: SignInLimits,
    /// Changes one person may make at once, and how fast the budget refills.
    pub write_budget: app::rate::Budget,
    /// On PostgreSQL: how long the listener for other instances' changes
    /// first waits before connecting again after losing its connection
    /// (each failure doubles it, up to five seconds).
    pub listener_retry: std::time::Duration,
}

impl ServeConfig {
    /// A configuration with the defaults for everything but the essentials.
    pub fn new(addr: SocketAddr, database_url: impl Into<String>) -> Self {
        Self {
            addr,
            metrics_addr: None,
            database_url: database_url.into(),
            demo: false,
            site_root: None,
            secure_cookies: false,
            body_limit: 64 * 1024,
            session_expiry: std::time::Duration::from_secs(14 * 24 * 3600),
            public_url: None,
            trusted_proxies: Vec::new(),
            screen_frame_ancestors: Vec::new(),
            demo_password: None,
            sign_in_limits: SignInLimits::default(),
            write_budget: app::state::WRITE_BUDGET,
            listener_retry: std::time::Duration::from_millis(100),
        }
    }

    /// Where the site's files come from.
    pub fn site_source(&self) -> crate::http::site::Source {
        match &self.site_root {
            Some(root) => crate::http::site::Source::Folder(root.clone()),
            None => crate::http::site::Source::Embedded,
        }
    }

    /// The Leptos options, built here rather than read from `Cargo.toml` so
    /// the binary runs from anywhere. Leptos reads no file through them:
    /// the site's files are served, and named in the page, by
    /// [`crate::http::site`].
    pub fn leptos_options(&self) -> LeptosOptions {
        LeptosOptions::builder()
            .output_name("northstar")
            .site_root(
                self.site_root
                    .as_deref()
                    .and_then(|root| root.to_str())
                    .unwrap_or("target/site"),
            )
            .site_pkg_dir("pkg")
            .site_addr(self.addr)
            .build()
    }
}

/// The public address of an installation, as people type it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicUrl {
    /// `https://okr.example.org` (scheme, host, port if any; no path).
    pub origin: String,
    /// `okr.example.org`: what the `Host` header must say.
    pub host: String,
    pub https: bool,
}

impl std::str::FromStr for PublicUrl {
    type Err = String;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        let raw = raw.trim().trim_end_matches('/');
        let (https, rest) = if let Some(rest) = raw.strip_prefix("https://") {
            (true, rest)
        } else if let Some(rest) = raw.strip_prefix("http://") {
            (false, rest)
        } else {
            return Err(format!(
                "a public URL starts with https:// or http:// (got “{raw}”)"
            ));
        };
        let host = rest.to_ascii_lowercase();
        let valid = !host.is_empty()
            && host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'));
        if !valid {
            return Err(format!(
                "a public URL is scheme and host only, like https://okr.example.org (got “{raw}”)"
            ));
        }
        let scheme = if https { "https" } else { "http" };
        // The default port is not part of what browsers send as `Host`.
        let default_port = if https { ":443" } else { ":80" };
        let host = host
            .strip_suffix(default_port)
            .map(str::to_owned)
            .unwrap_or(host);
        Ok(PublicUrl {
            origin: format!("{scheme}://{host}"),
            host,
            https,
        })
    }
}

/// Parses `10.0.0.0/8,192.168.1.7` (single addresses are /32 or /128).
pub fn parse_networks(raw: &str) -> Result<Vec<IpNet>, String> {
    raw.split(',')
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .map(|part| {
            part.parse::<IpNet>()
                .or_else(|_| part.parse::<std::net::IpAddr>().map(IpNet::from))
                .map_err(|_| format!("“{part}” is not an address or a network like 10.0.0.0/8"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_urls_are_scheme_and_host() {
        let url: PublicUrl = "https://OKR.example.org/".parse().unwrap();
        assert_eq!(
            url,
            PublicUrl {
                origin: "https://okr.example.org".into(),
                host: "okr.example.org".into(),
                https: true
            }
        );
        let port: PublicUrl = "https://okr.example.org:443".parse().unwrap();
        assert_eq!(port.host, "okr.example.org");
        let local: PublicUrl = "http://10.0.0.5:3000".parse().unwrap();
        assert_eq!(local.host, "10.0.0.5:3000");
        assert!(!local.https);
        for bad in ["okr.example.org", "ftp://x", "https://x/path", "https://"] {
            assert!(bad.parse::<PublicUrl>().is_err(), "{bad}");
        }
    }

    #[test]
    fn trusted_proxies_are_networks_or_addresses() {
        let nets = parse_networks("10.0.0.0/8, 192.168.1.7,::1").unwrap();
        assert_eq!(nets.len(), 3);
        assert!(nets[1].contains(&"192.168.1.7".parse::<std::net::IpAddr>().unwrap()));
        assert!(parse_networks("10.0.0.0/33").is_err());
        assert!(parse_networks("").unwrap().is_empty());
    }
}
