//! Refuses state-changing requests that another site makes a browser send
//! (cross-site request forgery). Browsers label every request with
//! `Sec-Fetch-Site`, and older ones with `Origin`; a request with neither
//! comes from a program, not from a page, and carries no ambient cookies.

use axum::extract::Request;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

pub async fn refuse_cross_origin(request: Request, next: Next) -> Response {
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if safe || is_same_origin(request.headers()) {
        next.run(request).await
    } else {
        tracing::warn!(method = %request.method(), path = request.uri().path(), "cross-origin request refused");
        (
            StatusCode::FORBIDDEN,
            "Cross-origin requests may not change anything here.",
        )
            .into_response()
    }
}

/// Whether the request's browser headers say it comes from this site.
pub fn is_same_origin(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site") {
        // "none": typed in the address bar or a bookmark, which no site controls.
        return site == "same-origin" || site == "none";
    }
    let Some(origin) = headers.get(header::ORIGIN) else {
        return true;
    };
    let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok()) else {
        return false;
    };
    origin
        .to_str()
        .ok()
        .and_then(|o| {
            o.strip_prefix("https://")
                .or_else(|| o.strip_prefix("http://"))
        })
        .is_some_and(|authority| authority.eq_ignore_ascii_case(host))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn verdicts() {
        let cases: &[(&[(&str, &str)], bool)] = &[
            (&[("sec-fetch-site", "same-origin")], true),
            (&[("sec-fetch-site", "none")], true),
            (&[("sec-fetch-site", "cross-site")], false),
            (&[("sec-fetch-site", "same-site")], false),
            // Sec-Fetch-Site wins over a matching Origin.
            (
                &[
                    ("sec-fetch-site", "cross-site"),
                    ("origin", "http://a.test"),
                    ("host", "a.test"),
                ],
                false,
            ),
            (
                &[("origin", "http://a.test:3000"), ("host", "a.test:3000")],
                true,
            ),
            (&[("origin", "https://A.test"), ("host", "a.test")], true),
            (&[("origin", "http://evil.test"), ("host", "a.test")], false),
            (&[("origin", "null"), ("host", "a.test")], false),
            (&[("origin", "http://a.test")], false),
            (&[], true),
        ];
        for (pairs, expected) in cases {
            assert_eq!(is_same_origin(&headers(pairs)), *expected, "{pairs:?}");
        }
    }
}
