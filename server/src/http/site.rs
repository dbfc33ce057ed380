//! The built site's files: the WebAssembly and its chunks, the JS glue, the
//! stylesheet, `screen.js` and the icon, with their precompressed `.br` and
//! `.gz` variants.
//!
//! A release binary carries them ([`Source::Embedded`]), so `northstar
//! serve` needs nothing beside it; `--site-root` serves a folder instead
//! (development, where `cargo leptos watch` rebuilds it under a running
//! server: the folder is read again when its `pkg/` changes).
//!
//! Every file goes out with its type, a strong `ETag` (a digest of the bytes
//! sent) and the variant the browser accepts. A name with a content hash in
//! it (the release build's `pkg/northstar.<hash>.wasm`) never changes its
//! content, so browsers keep it for a year without asking again
//! (`immutable`); anything else (`screen.js`, the icon, an unhashed
//! development build) is `no-cache`: asked again, answered `304` when it has
//! not changed.

use app::assets::{SiteAssets, Split, is_hashed_name};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock, RwLock};
use std::time::SystemTime;

/// The name cargo-leptos gives the glue, module and stylesheet.
const OUTPUT_NAME: &str = "northstar";
/// A year: what "for ever" means to caches.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const REVALIDATE: &str = "no-cache";

/// Where the site's files come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// Built into the binary. A debug build embeds nothing and reads the
    /// workspace's `target/site` instead (tests, `cargo run`).
    Embedded,
    /// A folder laid out as cargo-leptos builds it (`--site-root`).
    Folder(PathBuf),
}

/// The site, read once (embedded) or whenever its folder changed.
pub struct Site {
    source: Source,
    snapshot: RwLock<Option<Snapshot>>,
}

struct Snapshot {
    /// When the folder's `pkg/` last changed (`None` for embedded files).
    changed: Option<SystemTime>,
    files: Arc<Files>,
}

/// One reading of the site: its files by path (`pkg/northstar.js`), and the
/// names the page's `<head>` links to.
pub struct Files {
    entries: HashMap<String, Entry>,
    pub assets: Arc<SiteAssets>,
}

struct Entry {
    content_type: HeaderValue,
    cache_control: &'static str,
    plain: Variant,
    brotli: Option<Variant>,
    gzip: Option<Variant>,
}

struct Variant {
    body: Bytes,
    etag: HeaderValue,
}

impl Site {
    pub fn new(source: Source) -> Self {
        Self {
            source,
            snapshot: RwLock::new(None),
        }
    }

    /// The site for a router: the embedded one is read once per process
    /// (tests build many routers), a folder once per router.
    pub fn shared(source: Source) -> Arc<Self> {
        static EMBEDDED: LazyLock<Arc<Site>> =
            LazyLock::new(|| Arc::new(Site::new(Source::Embedded)));
        match source {
            Source::Embedded => EMBEDDED.clone(),
            folder => Arc::new(Self::new(folder)),
        }
    }

    /// The files as they are now.
    pub fn files(&self) -> Arc<Files> {
        let folder = match &self.source {
            Source::Embedded => embedded_folder(),
            Source::Folder(root) => Some(root.clone()),
        };
        let changed = folder.as_deref().and_then(last_change);
        if let Ok(snapshot) = self.snapshot.read()
            && let Some(snapshot) = snapshot.as_ref()
            && (folder.is_none() || snapshot.changed == changed)
        {
            return snapshot.files.clone();
        }
        let files = Arc::new(match &folder {
            Some(root) => Files::from_folder(root),
            None => Files::embedded(),
        });
        if let Ok(mut snapshot) = self.snapshot.write() {
            *snapshot = Some(Snapshot {
                changed,
                files: files.clone(),
            });
        }
        files
    }

    /// Says what is missing when the site holds no app to load: a binary
    /// built without its site (`cargo build` rather than `cargo leptos
    /// build`), or a `--site-root` that is not a built site.
    pub fn check(&self) -> Result<(), String> {
        let files = self.files();
        let assets = &files.assets;
        let missing: Vec<&str> = [&assets.js, &assets.wasm, &assets.css]
            .into_iter()
            .filter(|name| !files.entries.contains_key(&format!("pkg/{name}")))
            .map(String::as_str)
            .collect();
        if missing.is_empty() {
            return Ok(());
        }
        Err(match &self.source {
            Source::Embedded => format!(
                "this binary carries no built site (missing pkg/{}): build it with \
                 `cargo leptos build --release --split --precompress`, or name a built site \
                 with --site-root",
                missing.join(", pkg/")
            ),
            Source::Folder(root) => format!(
                "{} is not a built site (missing pkg/{})",
                root.display(),
                missing.join(", pkg/")
            ),
        })
    }

    /// The answer for a request of one of the site's files, or `None` when
    /// the path names none (the app answers then).
    pub fn respond(&self, method: &Method, path: &str, headers: &HeaderMap) -> Option<Response> {
        if method != Method::GET && method != Method::HEAD {
            return None;
        }
        let files = self.files();
        let entry = files.entries.get(path.strip_prefix('/')?)?;
        let (variant, encoding) = match (&entry.brotli, &entry.gzip) {
            (Some(brotli), _) if accepts(headers, "br") => (brotli, Some("br")),
            (_, Some(gzip)) if accepts(headers, "gzip") => (gzip, Some("gzip")),
            _ => (&entry.plain, None),
        };
        let mut response = if none_match(headers, &variant.etag) {
            StatusCode::NOT_MODIFIED.into_response()
        } else {
            let mut response = variant.body.clone().into_response();
            let headers = response.headers_mut();
            headers.insert(header::CONTENT_TYPE, entry.content_type.clone());
            if let Some(encoding) = encoding {
                headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(encoding));
            }
            response
        };
        let headers = response.headers_mut();
        headers.insert(header::ETAG, variant.etag.clone());
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static(entry.cache_control),
        );
        if entry.brotli.is_some() || entry.gzip.is_some() {
            headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        }
        Some(response)
    }
}

impl Files {
    /// Groups raw files (path, bytes, SHA-256 if known) into served entries,
    /// each with its compressed variants, and finds the head's names.
    fn from_raw(raw: Vec<(String, Bytes, Option<[u8; 32]>)>) -> Self {
        let mut by_path: HashMap<String, Variant> = raw
            .into_iter()
            .filter(|(path, ..)| !is_type_declaration(path))
            .map(|(path, body, digest)| {
                let digest = digest.unwrap_or_else(|| Sha256::digest(&body).into());
                let etag = etag(&digest);
                (path, Variant { body, etag })
            })
            .collect();
        let plain_paths: Vec<String> = by_path
            .keys()
            .filter(|path| !path.ends_with(".br") && !path.ends_with(".gz"))
            .cloned()
            .collect();
        let mut entries = HashMap::with_capacity(plain_paths.len());
        for path in plain_paths {
            let brotli = by_path.remove(&format!("{path}.br"));
            let gzip = by_path.remove(&format!("{path}.gz"));
            let Some(plain) = by_path.remove(&path) else {
                continue;
            };
            let content_type = mime_guess::from_path(&path).first_or_octet_stream();
            let entry = Entry {
                content_type: HeaderValue::from_str(content_type.as_ref())
                    .unwrap_or(HeaderValue::from_static("application/octet-stream")),
                cache_control: if is_hashed_name(&path) {
                    IMMUTABLE
                } else {
                    REVALIDATE
                },
                plain,
                brotli,
                gzip,
            };
            entries.insert(path, entry);
        }
        let assets = Arc::new(find_assets(&entries));
        Self { entries, assets }
    }

    fn from_folder(root: &Path) -> Self {
        let mut raw = Vec::new();
        let mut folders = vec![root.to_path_buf()];
        while let Some(folder) = folders.pop() {
            let Ok(listing) = std::fs::read_dir(&folder) else {
                continue;
            };
            for item in listing.flatten() {
                let path = item.path();
                if path.is_dir() {
                    folders.push(path);
                } else if let (Ok(relative), Ok(bytes)) =
                    (path.strip_prefix(root), std::fs::read(&path))
                    && let Some(relative) = relative.to_str()
                {
                    raw.push((relative.replace('\\', "/"), Bytes::from(bytes), None));
                }
            }
        }
        Self::from_raw(raw)
    }

    #[cfg(not(debug_assertions))]
    fn embedded() -> Self {
        let raw = Embedded::iter()
            .filter_map(|path| {
                let file = Embedded::get(&path)?;
                let body = match file.data {
                    std::borrow::Cow::Borrowed(bytes) => Bytes::from_static(bytes),
                    std::borrow::Cow::Owned(bytes) => Bytes::from(bytes),
                };
                Some((path.into_owned(), body, Some(file.metadata.sha256_hash())))
            })
            .collect();
        Self::from_raw(raw)
    }

    #[cfg(debug_assertions)]
    fn embedded() -> Self {
        Self::from_raw(Vec::new())
    }

    /// How many files are served (variants not counted).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// The site cargo-leptos built before compiling this binary (see
/// `build_frontend` in cargo-leptos: with `--precompress` or hashed names,
/// the site is finished before the server is compiled). Type declarations
/// are for editors, not browsers.
#[cfg(not(debug_assertions))]
#[derive(rust_embed::Embed)]
#[folder = "../target/site"]
#[allow_missing = true]
#[exclude = "*.d.ts"]
#[exclude = "*.d.ts.*"]
struct Embedded;

/// A debug build reads the workspace's site where a release build embeds it.
fn embedded_folder() -> Option<PathBuf> {
    cfg!(debug_assertions).then(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/site"))
}

/// When a folder's site last changed: cargo-leptos replaces the files of
/// `pkg/` (new names when hashed), which changes the folder's time.
fn last_change(root: &Path) -> Option<SystemTime> {
    let pkg = std::fs::metadata(root.join("pkg")).and_then(|m| m.modified());
    let root = std::fs::metadata(root).and_then(|m| m.modified());
    pkg.ok().max(root.ok())
}

fn is_type_declaration(path: &str) -> bool {
    path.ends_with(".d.ts") || path.contains(".d.ts.")
}

/// The names of the glue, module and stylesheet, and the split loader with
/// its manifest, among the files under `pkg/`.
fn find_assets(entries: &HashMap<String, Entry>) -> SiteAssets {
    let in_pkg = || entries.keys().filter_map(|path| path.strip_prefix("pkg/"));
    let mut assets = SiteAssets::find(OUTPUT_NAME, in_pkg());
    let loader = in_pkg().find(|name| name.starts_with("__wasm_split.") && name.ends_with(".js"));
    let manifest = in_pkg()
        .find(|name| name.starts_with("__wasm_split_manifest") && name.ends_with(".json"))
        .and_then(|name| entries.get(&format!("pkg/{name}")))
        .and_then(|entry| serde_json::from_slice(&entry.plain.body).ok());
    if let (Some(loader), Some(preloads)) = (loader, manifest) {
        assets.split = Some(Split {
            loader: loader.to_owned(),
            preloads,
        });
    }
    assets
}

/// A strong entity tag from a digest of the bytes sent.
fn etag(digest: &[u8; 32]) -> HeaderValue {
    let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    HeaderValue::from_str(&format!("\"{hex}\"")).unwrap_or(HeaderValue::from_static("\"\""))
}

/// Whether `Accept-Encoding` accepts a coding (named, with a weight above 0).
fn accepts(headers: &HeaderMap, coding: &str) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|item| {
            let mut parts = item.split(';').map(str::trim);
            let named = parts
                .next()
                .is_some_and(|name| name.eq_ignore_ascii_case(coding));
            let refused = parts.any(|param| {
                param
                    .strip_prefix("q=")
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            named && !refused
        })
}

/// Whether `If-None-Match` names the representation's tag (weak
/// comparison, as RFC 9110 asks for this header) or is `*`.
fn none_match(headers: &HeaderMap, etag: &HeaderValue) -> bool {
    let ours = etag.as_bytes();
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .any(|tag| tag == "*" || tag.trim_start_matches("W/").as_bytes() == ours)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(name: axum::http::HeaderName, value: &'static str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(name, HeaderValue::from_static(value));
        headers
    }

    #[test]
    fn codings_are_accepted_unless_weighted_zero() {
        let encodings = |value| with(header::ACCEPT_ENCODING, value);
        assert!(accepts(&encodings("gzip, deflate, br, zstd"), "br"));
        assert!(accepts(&encodings("gzip;q=0.5, BR;q=1.0"), "br"));
        assert!(!accepts(&encodings("gzip, br;q=0"), "br"));
        assert!(!accepts(&encodings("gzip, br; q=0.000"), "br"));
        assert!(!accepts(&encodings("gzip"), "br"));
        assert!(!accepts(&encodings("brotli"), "br"));
        assert!(!accepts(&HeaderMap::new(), "gzip"));
    }

    #[test]
    fn a_tag_the_browser_has_is_not_sent_again() {
        let tag = HeaderValue::from_static("\"abc\"");
        let matching = |value| none_match(&with(header::IF_NONE_MATCH, value), &tag);
        assert!(matching("\"abc\""));
        assert!(matching("\"x\", \"abc\""));
        assert!(matching("W/\"abc\""));
        assert!(matching("*"));
        assert!(!matching("\"abcd\""));
        assert!(!none_match(&HeaderMap::new(), &tag));
    }

    #[test]
    fn files_are_grouped_with_their_variants_and_typed() {
        let raw =
            |path: &str, body: &'static [u8]| (path.to_owned(), Bytes::from_static(body), None);
        let files = Files::from_raw(vec![
            raw("pkg/northstar.js", b"glue"),
            raw("pkg/northstar.js.br", b"b"),
            raw("pkg/northstar.wasm", b"module"),
            raw("pkg/northstar.css", b"css"),
            raw("pkg/northstar.d.ts", b"types"),
            raw("pkg/northstar.d.ts.br", b"t"),
            raw("screen.js", b"screen"),
        ]);
        assert_eq!(files.len(), 4);
        let glue = &files.entries["pkg/northstar.js"];
        assert!(glue.brotli.is_some() && glue.gzip.is_none());
        assert_eq!(glue.content_type, "text/javascript");
        assert_ne!(glue.plain.etag, glue.brotli.as_ref().unwrap().etag);
        assert_eq!(
            files.entries["pkg/northstar.wasm"].content_type,
            "application/wasm"
        );
        assert_eq!(files.entries["screen.js"].cache_control, REVALIDATE);
        assert_eq!(*files.assets, SiteAssets::unhashed(OUTPUT_NAME));
    }
}
