//! The names under which the built site's files are served, for the
//! document's `<head>`.
//!
//! The release build gives every file under `pkg/` a content hash in its
//! name (`northstar.3kq…Zw.wasm`), so browsers may keep it for ever; the
//! server finds the names in the site it serves (embedded in the binary or
//! a folder given with `--site-root`) and hands them to the shell through
//! the context. Leptos's own `HydrationScripts` reads them from files
//! beside the binary, which a one-file install does not have.

use leptos::prelude::*;
use std::collections::HashMap;
use std::sync::Arc;

/// What the head links to, provided as context on the server.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SiteAssets {
    /// The JS glue, e.g. `northstar.<hash>.js`.
    pub js: String,
    /// The main WebAssembly module.
    pub wasm: String,
    /// The stylesheet.
    pub css: String,
    /// With split WebAssembly: the loader's name and the chunks each lazy
    /// part needs, as `__wasm_split_manifest.json` lists them.
    pub split: Option<Split>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Split {
    /// `__wasm_split.<hash>.js`.
    pub loader: String,
    /// The manifest: a lazy part's name and the chunks to preload for it.
    pub preloads: HashMap<String, Vec<String>>,
}

impl Split {
    /// What a page whose code is in the lazy `groups` loads besides the main
    /// module, as the JSON [`PageChunks`] writes: the loader and every chunk
    /// of those groups, once each.
    pub fn page_chunks<'a>(&self, groups: impl IntoIterator<Item = &'a str>) -> String {
        let mut chunks: Vec<String> = groups
            .into_iter()
            .flat_map(|group| self.preloads.get(group).into_iter().flatten())
            .map(|chunk| format!("/pkg/{chunk}.wasm"))
            .collect();
        chunks.sort();
        chunks.dedup();
        serde_json::json!({ "loader": format!("/pkg/{}", self.loader), "chunks": chunks })
            .to_string()
    }
}

impl SiteAssets {
    /// The names of an unhashed build (development, or `hash-files` off).
    pub fn unhashed(output_name: &str) -> Self {
        Self {
            js: format!("{output_name}.js"),
            wasm: format!("{output_name}.wasm"),
            css: format!("{output_name}.css"),
            split: None,
        }
    }

    /// Finds the names among a site's files (paths under `pkg/`, without
    /// the prefix): `<name>.js` or `<name>.<hash>.js`, and so on. The
    /// manifest's text is read by the caller, which knows where files live.
    pub fn find<'a>(output_name: &str, files: impl IntoIterator<Item = &'a str>) -> Self {
        let mut found = Self::unhashed(output_name);
        let named = |file: &str, extension: &str| {
            let stem = file.strip_suffix(extension)?;
            (stem == output_name
                || stem
                    .strip_prefix(output_name)
                    .and_then(|rest| rest.strip_prefix('.'))
                    .is_some_and(is_hash))
            .then(|| file.to_owned())
        };
        for file in files {
            if let Some(js) = named(file, ".js") {
                found.js = js;
            } else if let Some(wasm) = named(file, ".wasm") {
                found.wasm = wasm;
            } else if let Some(css) = named(file, ".css") {
                found.css = css;
            }
        }
        found
    }
}

/// Whether a file name's middle part is a content hash as cargo-leptos
/// writes it (22 characters of unpadded base64url, an MD5).
/// The loader's unhashed name fills the hash's place with underscores.
pub fn is_hash(part: &str) -> bool {
    part.len() == 22
        && part
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        && part.bytes().any(|b| b != b'_')
}

/// Whether a served file's name carries its content's hash, so that its
/// content never changes under that name.
pub fn is_hashed_name(file: &str) -> bool {
    let name = file.rsplit('/').next().unwrap_or(file);
    let mut parts = name.split('.');
    parts.next();
    parts.any(is_hash)
}

/// The `<head>`'s stylesheet and hydration script, under the names the
/// server found (see the module's documentation). On the server only: the
/// shell is never hydrated.
#[component]
pub fn SiteHead(
    /// Office screens run no WebAssembly: they get the stylesheet alone.
    #[prop(optional)]
    stylesheet_only: bool,
) -> impl IntoView {
    let assets = use_context::<Arc<SiteAssets>>()
        .unwrap_or_else(|| Arc::new(SiteAssets::unhashed("northstar")));
    let css = format!("/pkg/{}", assets.css);
    let scripts = (!stylesheet_only).then(|| hydration(&assets));
    view! {
        <link rel="stylesheet" id="leptos" href=css/>
        {scripts}
    }
}

/// The script that loads the WebAssembly and hydrates the page: what
/// Leptos's `HydrationScripts` does (leptos 0.8, not in islands mode), but
/// later: after the first paint, or — on a page that can be read without it
/// (`data-wake-socket`, the board) — when a person reaches for it or the
/// board changes (`assets/hydrate.js` says how). The module, the split
/// loader and the page's chunks (named at the end of the body, see
/// [`PageChunks`]) are then fetched side by side. Leptos's own preloads sit
/// in `<head>` and compete with the stylesheet on a slow link; they are not
/// used (the split manifest is not handed to Leptos).
fn hydration(assets: &SiteAssets) -> impl IntoView + use<> {
    let nonce = leptos::nonce::use_nonce();
    let site = serde_json::json!({
        "js": format!("/pkg/{}", assets.js),
        "wasm": format!("/pkg/{}", assets.wasm),
        "chunks": CHUNKS_ID,
    });
    let script = format!("const site = {site};\n{HYDRATE_JS}");
    view! { <script type="module" nonce=nonce>{script}</script> }
}

/// The hydration script's body; `site` is written in front of it. Only the
/// server writes `<head>`.
#[cfg(feature = "ssr")]
const HYDRATE_JS: &str = include_str!("assets/hydrate.js");
#[cfg(not(feature = "ssr"))]
const HYDRATE_JS: &str = "";

/// The id of the JSON that names the page's WebAssembly chunks.
pub const CHUNKS_ID: &str = "northstar-chunks";

/// What the page's lazily loaded code needs besides the main module: the
/// split loader and the chunks of the page's group, as JSON for the script
/// in `<head>` (see [`hydration`]). At the end of `<body>`, because the
/// router names the group while it renders the page.
#[component]
pub fn PageChunks() -> impl IntoView {
    // A closure: run while the body is written, after the page rendered.
    move || {
        #[cfg(feature = "ssr")]
        {
            let assets = use_context::<Arc<SiteAssets>>()?;
            let split = assets.split.as_ref()?;
            let groups = use_context::<leptos::PrefetchLazyFn>()?;
            let json = split.page_chunks(groups.0.try_read_value()?.iter().copied());
            Some(view! { <script type="application/json" id=CHUNKS_ID>{json}</script> })
        }
        #[cfg(not(feature = "ssr"))]
        {
            None::<()>
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HASH: &str = "AbCdEfGhIjKlMnOpQr-_12";

    #[test]
    fn finds_hashed_names_among_the_files() {
        let files = [
            format!("northstar.{HASH}.js"),
            format!("northstar.{HASH}.wasm"),
            format!("northstar.{HASH}.css"),
            format!("chunk_12.{HASH}.wasm"),
            format!("northstar.{HASH}.js.br"),
            "northstar.d.ts".to_owned(),
        ];
        let found = SiteAssets::find("northstar", files.iter().map(String::as_str));
        assert_eq!(found.js, format!("northstar.{HASH}.js"));
        assert_eq!(found.wasm, format!("northstar.{HASH}.wasm"));
        assert_eq!(found.css, format!("northstar.{HASH}.css"));
    }

    #[test]
    fn an_unhashed_build_keeps_the_plain_names() {
        let files = [
            "northstar.js",
            "northstar.wasm",
            "northstar.css",
            "northstar_bg.wasm.d.ts",
        ];
        assert_eq!(
            SiteAssets::find("northstar", files),
            SiteAssets::unhashed("northstar")
        );
    }

    #[test]
    fn another_file_with_the_name_in_front_is_not_taken() {
        let files = [
            "northstar.js",
            "northstar.extra.js",
            "northstar.wasm",
            "northstar.css",
        ];
        assert_eq!(SiteAssets::find("northstar", files).js, "northstar.js");
    }

    #[test]
    fn a_page_loads_the_chunks_of_its_groups_once_each() {
        let split = Split {
            loader: format!("__wasm_split.{HASH}.js"),
            preloads: HashMap::from([
                (
                    "planning_1".to_owned(),
                    vec!["chunk_2.a".to_owned(), "chunk_1.b".to_owned()],
                ),
                (
                    "rhythm_2".to_owned(),
                    vec!["chunk_1.b".to_owned(), "chunk_3.c".to_owned()],
                ),
                ("account_3".to_owned(), vec!["chunk_9.d".to_owned()]),
            ]),
        };
        let json: serde_json::Value =
            serde_json::from_str(&split.page_chunks(["planning_1", "rhythm_2"])).unwrap();
        assert_eq!(json["loader"], format!("/pkg/__wasm_split.{HASH}.js"));
        assert_eq!(
            json["chunks"],
            serde_json::json!([
                "/pkg/chunk_1.b.wasm",
                "/pkg/chunk_2.a.wasm",
                "/pkg/chunk_3.c.wasm"
            ])
        );
        let none: serde_json::Value = serde_json::from_str(&split.page_chunks([])).unwrap();
        assert_eq!(none["chunks"], serde_json::json!([]));
    }

    #[test]
    fn hashed_names_are_told_from_plain_ones() {
        assert!(is_hashed_name(&format!("pkg/chunk_3.{HASH}.wasm")));
        assert!(is_hashed_name(&format!("pkg/__wasm_split.{HASH}.js")));
        assert!(is_hashed_name(&format!("pkg/northstar.{HASH}.css.br")));
        assert!(!is_hashed_name("pkg/northstar.css"));
        assert!(!is_hashed_name("screen.js"));
        assert!(!is_hashed_name(
            "pkg/__wasm_split.______________________.js"
        ));
        assert!(!is_hashed_name("favicon.svg"));
    }
}
