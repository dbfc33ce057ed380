//! The headers every response carries, and the checks that depend on the
//! installation's public address and its reverse proxies:
//!
//! - `X-Content-Type-Options: nosniff`, `Referrer-Policy: same-origin`;
//! - a Content-Security-Policy that allows only this origin's scripts,
//!   styles, WebAssembly and websockets, plus the inline scripts Leptos
//!   writes, by the page's nonce; frames only for office screens, and only
//!   from `--screen-frame-ancestors`;
//! - with an `https` public URL, HSTS;
//! - with a public URL, requests for another `Host` are refused (DNS
//!   rebinding), except `/healthz`, which load balancers call by address;
//! - the client's address: the peer's, or the one a trusted proxy appended
//!   to `X-Forwarded-For`.

use crate::config::{PublicUrl, ServeConfig};
use app::CSP_NONCE_HEADER;
use app::auth::ssr::ClientAddress;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use ipnet::IpNet;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

/// What the layers here need from the configuration, shared by every request.
#[derive(Debug, Clone)]
pub struct Policy {
    public_url: Option<PublicUrl>,
    trusted_proxies: Vec<IpNet>,
    /// `frame-ancestors` for office screens: `'none'` unless configured.
    screen_frame_ancestors: String,
}

impl Policy {
    pub fn new(config: &ServeConfig) -> Arc<Self> {
        let ancestors = config
            .screen_frame_ancestors
            .iter()
            .map(String::as_str)
            .filter(|source| is_csp_source(source))
            .collect::<Vec<_>>()
            .join(" ");
        Arc::new(Policy {
            public_url: config.public_url.clone(),
            trusted_proxies: config.trusted_proxies.clone(),
            screen_frame_ancestors: if ancestors.is_empty() {
                "'none'".into()
            } else {
                ancestors
            },
        })
    }
}

/// A frame-ancestors source is an origin like `https://dash.example.org`;
/// anything with spaces, quotes or semicolons could rewrite the policy.
fn is_csp_source(source: &str) -> bool {
    (source.starts_with("https://") || source.starts_with("http://"))
        && source
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, ':' | '/' | '.' | '-' | '*'))
}

/// The Content-Security-Policy of a response, with the page's nonce if it has one.
pub fn content_security_policy(nonce: Option<&str>, frame_ancestors: &str) -> String {
    let nonce = nonce.map(|n| format!(" 'nonce-{n}'")).unwrap_or_default();
    format!(
        "default-src 'self'; script-src 'self'{nonce} 'wasm-unsafe-eval'; \
         style-src 'self'; style-src-attr 'unsafe-inline'; img-src 'self' data:; \
         connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; \
         form-action 'self'; frame-ancestors {frame_ancestors}"
    )
}

pub async fn security_headers(
    State(policy): State<Arc<Policy>>,
    request: Request,
    next: Next,
) -> Response {
    let screen = request.uri().path().starts_with("/screen/");
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let nonce = headers
        .remove(CSP_NONCE_HEADER)
        .and_then(|value| value.to_str().ok().map(str::to_owned));
    let ancestors = if screen {
        policy.screen_frame_ancestors.as_str()
    } else {
        "'none'"
    };
    if let Ok(csp) = HeaderValue::from_str(&content_security_policy(nonce.as_deref(), ancestors)) {
        headers.insert(header::CONTENT_SECURITY_POLICY, csp);
    }
    // Pages are made for whoever asked, now: a browser asks again each
    // time, and no shared cache keeps one. (The site's files set their own.)
    let html = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if html && !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-cache, private"),
        );
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    if policy.public_url.as_ref().is_some_and(|url| url.https) {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=63072000; includeSubDomains"),
        );
    }
    response
}

/// Makes sure an HTML page hands its nonce to [`security_headers`]: the
/// shell does so through an internal header, which leptos_axum drops now
/// and then (about one page in ten in a browser, not reproduced with
/// curl); the page's own scripts still carry the nonce, and without it in
/// the policy the page would not hydrate. So when the header is missing,
/// the nonce of the `<script>`s in the page's `<head>` is taken — the head
/// holds only what the shell writes (the title is escaped text), never
/// anyone's input. Runs inside compression, on the plain HTML.
pub async fn nonce_from_head(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if !html || response.headers().contains_key(CSP_NONCE_HEADER) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, LARGEST_PAGE).await else {
        return Response::from_parts(parts, axum::body::Body::empty());
    };
    if let Some(nonce) = head_nonce(&bytes)
        && let Ok(value) = HeaderValue::from_str(nonce)
    {
        parts.headers.insert(CSP_NONCE_HEADER, value);
    }
    Response::from_parts(parts, axum::body::Body::from(bytes))
}

/// Pages are rendered whole (SSR async); none comes near this.
const LARGEST_PAGE: usize = 8 * 1024 * 1024;

/// The nonce of the first `<script … nonce="…">` before `</head>`.
fn head_nonce(html: &[u8]) -> Option<&str> {
    let html = std::str::from_utf8(html).ok()?;
    let head = &html[..html.find("</head>")?];
    head.split("<script").skip(1).find_map(|script| {
        let tag = &script[..script.find('>')?];
        let value = tag.split("nonce=\"").nth(1)?.split('"').next()?;
        let well_formed = !value.is_empty()
            && value
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '+' | '/' | '='));
        well_formed.then_some(value)
    })
}

/// With a public URL, only requests for its host are served.
pub async fn public_host_only(
    State(policy): State<Arc<Policy>>,
    request: Request,
    next: Next,
) -> Response {
    if let Some(url) = &policy.public_url
        && request.uri().path() != "/healthz"
    {
        // HTTP/2 names the host in the URI's authority instead of `Host`.
        let host = request
            .headers()
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .or_else(|| request.uri().authority().map(|a| a.as_str()))
            .unwrap_or_default();
        if !host.eq_ignore_ascii_case(&url.host) {
            tracing::warn!(host, "request for another host refused");
            return (
                StatusCode::MISDIRECTED_REQUEST,
                format!("This server answers for {} only.", url.origin),
            )
                .into_response();
        }
    }
    next.run(request).await
}

/// Puts the client's address into the request for the sign-in limits.
pub async fn client_address(
    State(policy): State<Arc<Policy>>,
    mut request: Request,
    next: Next,
) -> Response {
    if let Some(ConnectInfo(peer)) = request.extensions().get::<ConnectInfo<SocketAddr>>() {
        let address = client_of(peer.ip(), request.headers(), &policy.trusted_proxies);
        request.extensions_mut().insert(ClientAddress(address));
    }
    next.run(request).await
}

/// The client behind `peer`: when `peer` is a trusted proxy, the nearest
/// address of its `X-Forwarded-For` chain that is not itself a trusted
/// proxy; otherwise `peer`, and forwarding headers are ignored.
///
/// Only `X-Forwarded-For` is read, from the right: every common proxy
/// (nginx's `$proxy_add_x_forwarded_for`, HAProxy, Caddy, cloud balancers)
/// *appends* the address it saw to it, so the rightmost untrusted entry is
/// one a trusted proxy wrote, whatever a client put further left. A
/// `Forwarded` header is not read: most proxies pass a client's own one
/// through untouched, which would let anyone name any address.
pub fn client_of(peer: IpAddr, headers: &HeaderMap, trusted: &[IpNet]) -> IpAddr {
    let peer = peer.to_canonical();
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return peer;
    }
    let chain = forwarded_for(headers);
    chain
        .iter()
        .rev()
        .find(|ip| !is_trusted(ip))
        .or_else(|| chain.first())
        .copied()
        .unwrap_or(peer)
}

/// The addresses of the `X-Forwarded-For` chain, client first.
fn forwarded_for(headers: &HeaderMap) -> Vec<IpAddr> {
    headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(parse_node)
        .map(|ip| ip.to_canonical())
        .collect()
}

/// `192.0.2.7`, `[2001:db8::1]:4711`, `192.0.2.7:80` → the address.
fn parse_node(raw: &str) -> Option<IpAddr> {
    let node = raw.trim().trim_matches('"');
    if let Ok(ip) = node.parse() {
        return Some(ip);
    }
    if let Some(rest) = node.strip_prefix('[') {
        return rest.split(']').next()?.parse().ok();
    }
    node.rsplit_once(':')?.0.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_static(value));
        }
        map
    }

    fn ip(raw: &str) -> IpAddr {
        raw.parse().unwrap()
    }

    #[test]
    fn forwarding_headers_are_believed_from_trusted_proxies_only() {
        let trusted = crate::config::parse_networks("10.0.0.0/8").unwrap();
        let xff = headers(&[("x-forwarded-for", "203.0.113.5, 10.0.0.2")]);
        assert_eq!(client_of(ip("10.0.0.1"), &xff, &trusted), ip("203.0.113.5"));
        // From anyone else the header is ignored.
        assert_eq!(
            client_of(ip("198.51.100.9"), &xff, &trusted),
            ip("198.51.100.9")
        );
        assert_eq!(client_of(ip("10.0.0.1"), &xff, &[]), ip("10.0.0.1"));
        // A client cannot hide behind an address it writes itself: the
        // nearest untrusted hop is taken, not the first.
        let spoofed = headers(&[("x-forwarded-for", "1.2.3.4, 203.0.113.5")]);
        assert_eq!(
            client_of(ip("10.0.0.1"), &spoofed, &trusted),
            ip("203.0.113.5")
        );
        // A Forwarded header is never read: a client could write any.
        let forwarded = headers(&[
            ("forwarded", "for=198.51.100.77"),
            ("x-forwarded-for", "192.0.2.1"),
        ]);
        assert_eq!(
            client_of(ip("10.0.0.1"), &forwarded, &trusted),
            ip("192.0.2.1")
        );
        let ports = headers(&[("x-forwarded-for", "[2001:db8::7]:4711, 10.0.0.3")]);
        assert_eq!(
            client_of(ip("10.0.0.1"), &ports, &trusted),
            ip("2001:db8::7")
        );
        // An IPv4 peer seen on an IPv6 listener is still the trusted proxy.
        assert_eq!(
            client_of(ip("::ffff:10.0.0.1"), &xff, &trusted),
            ip("203.0.113.5")
        );
        // No header: the proxy itself.
        assert_eq!(
            client_of(ip("10.0.0.1"), &HeaderMap::new(), &trusted),
            ip("10.0.0.1")
        );
    }

    #[test]
    fn the_nonce_is_read_from_the_head_only() {
        let page = br#"<html><head><title>x</title><script type="module" nonce="Ab-9_z">import</script></head><body><script nonce="evil">x</script></body></html>"#;
        assert_eq!(head_nonce(page), Some("Ab-9_z"));
        let body_only = br#"<html><head><title>x</title></head><body><script nonce="evil"></script></body></html>"#;
        assert_eq!(head_nonce(body_only), None);
        let odd = br#"<html><head><script nonce="a b"></script></head></html>"#;
        assert_eq!(head_nonce(odd), None);
        let screen = br#"<head><script type="module" src="/screen.js"></script><script nonce="n1">x</script></head>"#;
        assert_eq!(head_nonce(screen), Some("n1"));
    }

    #[test]
    fn the_policy_names_the_nonce_and_the_frame_ancestors() {
        let csp = content_security_policy(Some("abc"), "'none'");
        assert!(csp.contains("script-src 'self' 'nonce-abc' 'wasm-unsafe-eval'"));
        assert!(csp.contains("frame-ancestors 'none'"));
        assert!(!content_security_policy(None, "'none'").contains("nonce"));
        assert!(is_csp_source("https://dash.example.org"));
        assert!(!is_csp_source("https://x; script-src *"));
        assert!(!is_csp_source("'unsafe-inline'"));
    }
}
