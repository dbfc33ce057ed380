//! The site's files: typed, with strong ETags, the variant the browser
//! accepts, cached for ever under a hashed name and revalidated otherwise;
//! pages link to the names the site has and are never kept. A folder given
//! with `--site-root` (what a release binary embeds is the same code on
//! other bytes; `end2end/tests/one-file.spec.ts` runs the binary alone).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "helpers of tests fail the test loudly"
)]

use crate::common;

use common::TestApp;
use reqwest::StatusCode;
use reqwest::header::{
    ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, CONTENT_TYPE, ETAG, IF_NONE_MATCH, VARY,
};
use std::path::Path;
use tempfile::TempDir;

const HASH: &str = "Q2hlY2tJbnNXZWVrbHlfQQ";
const NEXT_HASH: &str = "TmV4dEJ1aWxkSGFzaGVkXw";

/// A built site as cargo-leptos lays it out with hashed names and
/// precompressed variants (their bytes are only told apart here).
fn site(hash: &str) -> TempDir {
    let root = tempfile::tempdir().unwrap();
    let write = |path: &str, body: &str| {
        let path = root.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, body).unwrap();
    };
    for (name, body) in [
        (
            format!("pkg/northstar.{hash}.js"),
            "export function hydrate() {}",
        ),
        (format!("pkg/northstar.{hash}.wasm"), "\0asm module"),
        (format!("pkg/northstar.{hash}.css"), "body { margin: 0 }"),
        (format!("pkg/chunk_7.{hash}.wasm"), "\0asm chunk"),
        (
            format!("pkg/__wasm_split.{hash}.js"),
            "export const load = 1;",
        ),
        (
            format!("pkg/__wasm_split_manifest.{hash}.json"),
            r#"{"board": ["chunk_7.wasm"]}"#,
        ),
        ("screen.js".to_owned(), "console.log('screen');"),
    ] {
        write(&name, body);
        write(&format!("{name}.br"), &format!("br:{body}"));
        write(&format!("{name}.gz"), &format!("gz:{body}"));
    }
    write("pkg/northstar.d.ts", "export {};");
    root
}

async fn serving(root: &Path) -> TestApp {
    let root = root.to_path_buf();
    TestApp::start_with(move |config| config.site_root = Some(root)).await
}

async fn get(
    client: &reqwest::Client,
    url: &str,
    headers: &[(reqwest::header::HeaderName, &str)],
) -> reqwest::Response {
    let mut request = client.get(url);
    for (name, value) in headers {
        request = request.header(name, *value);
    }
    request.send().await.unwrap()
}

fn header(response: &reqwest::Response, name: reqwest::header::HeaderName) -> &str {
    response
        .headers()
        .get(name)
        .map_or("", |v| v.to_str().unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hashed_files_are_kept_for_ever_in_the_accepted_encoding() {
    let root = site(HASH);
    let app = serving(root.path()).await;
    let client = app.client();
    let url = app.url(&format!("/pkg/northstar.{HASH}.wasm"));
    let mut tags = Vec::new();
    for (accept, encoding, body) in [
        ("gzip, deflate, br, zstd", "br", "br:\0asm module"),
        ("gzip", "gzip", "gz:\0asm module"),
        ("identity", "", "\0asm module"),
        ("br;q=0, gzip;q=0", "", "\0asm module"),
    ] {
        let response = get(&client, &url, &[(ACCEPT_ENCODING, accept)]).await;
        assert_eq!(response.status(), StatusCode::OK, "{accept}");
        assert_eq!(header(&response, CONTENT_TYPE), "application/wasm");
        assert_eq!(header(&response, CONTENT_ENCODING), encoding, "{accept}");
        assert_eq!(
            header(&response, CACHE_CONTROL),
            "public, max-age=31536000, immutable"
        );
        assert_eq!(header(&response, VARY), "accept-encoding");
        let tag = header(&response, ETAG).to_owned();
        assert!(
            tag.starts_with('"') && tag.len() == 34,
            "a strong tag: {tag}"
        );
        tags.push(tag);
        assert_eq!(response.text().await.unwrap(), body);
    }
    // Each encoding is its own representation with its own tag.
    assert_ne!(tags[0], tags[1]);
    assert_ne!(tags[1], tags[2]);
    assert_eq!(tags[2], tags[3]);

    let again = get(
        &client,
        &url,
        &[(ACCEPT_ENCODING, "br"), (IF_NONE_MATCH, tags[0].as_str())],
    )
    .await;
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(header(&again, ETAG), tags[0]);
    assert!(again.bytes().await.unwrap().is_empty());
    // The plain file's tag does not stand for its brotli variant.
    let other = get(
        &client,
        &url,
        &[(ACCEPT_ENCODING, "br"), (IF_NONE_MATCH, tags[2].as_str())],
    )
    .await;
    assert_eq!(other.status(), StatusCode::OK);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unhashed_files_are_asked_again_and_pages_are_never_kept() {
    let root = site(HASH);
    let app = serving(root.path()).await;
    let client = app.client();
    let screen = get(
        &client,
        &app.url("/screen.js"),
        &[(ACCEPT_ENCODING, "gzip")],
    )
    .await;
    assert_eq!(screen.status(), StatusCode::OK);
    assert_eq!(header(&screen, CACHE_CONTROL), "no-cache");
    assert_eq!(header(&screen, CONTENT_TYPE), "text/javascript");
    let tag = header(&screen, ETAG).to_owned();
    let unchanged = get(
        &client,
        &app.url("/screen.js"),
        &[(ACCEPT_ENCODING, "gzip"), (IF_NONE_MATCH, tag.as_str())],
    )
    .await;
    assert_eq!(unchanged.status(), StatusCode::NOT_MODIFIED);

    let page = get(&client, &app.url("/sign-in"), &[]).await;
    assert_eq!(page.status(), StatusCode::OK);
    assert_eq!(header(&page, CACHE_CONTROL), "no-cache, private");

    // Type declarations are for editors, and a name that is no file is the app's 404.
    for missing in ["/pkg/northstar.d.ts", "/pkg/chunk_8.wasm", "/pkg/screen.js"] {
        let response = get(&client, &app.url(missing), &[]).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{missing}");
        assert!(header(&response, CONTENT_TYPE).starts_with("text/html"));
    }
    // Only reading: a file is not a place to post to.
    let posted = client
        .post(app.url("/screen.js"))
        .header("origin", app.url(""))
        .send()
        .await
        .unwrap();
    assert_ne!(posted.status(), StatusCode::OK);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_link_the_names_the_site_has_and_follow_a_rebuild() {
    let root = site(HASH);
    let app = serving(root.path()).await;
    let client = app.client();
    let page = get(&client, &app.url("/sign-in"), &[])
        .await
        .text()
        .await
        .unwrap();
    for linked in [
        format!(r#"href="/pkg/northstar.{HASH}.css""#),
        format!(r#""wasm":"/pkg/northstar.{HASH}.wasm""#),
        format!(r#""js":"/pkg/northstar.{HASH}.js""#),
        format!(r#""loader":"/pkg/__wasm_split.{HASH}.js""#),
    ] {
        assert!(page.contains(&linked), "{linked} in {page}");
    }
    // Nothing of the WebAssembly is asked for before the page has painted:
    // the script in the head (app/src/assets/hydrate.js, after `site`)
    // preloads the names it is given after the first paint.
    assert!(!page.contains("rel=\"preload\""), "{page}");
    assert!(!page.contains("rel=\"modulepreload\""), "{page}");
    assert!(page.contains("first-contentful-paint"), "{page}");
    assert!(page.contains("hint('preload', site.wasm, true)"), "{page}");
    assert!(page.contains("import(site.js)"), "{page}");

    // A rebuild (cargo leptos watch) replaces the files under new names.
    let next = site(NEXT_HASH);
    std::fs::remove_dir_all(root.path().join("pkg")).unwrap();
    std::fs::rename(next.path().join("pkg"), root.path().join("pkg")).unwrap();
    let page = get(&client, &app.url("/sign-in"), &[])
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains(&format!("/pkg/northstar.{NEXT_HASH}.wasm")));
    let old = get(
        &client,
        &app.url(&format!("/pkg/northstar.{HASH}.wasm")),
        &[],
    )
    .await;
    assert_eq!(old.status(), StatusCode::NOT_FOUND);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_folder_that_is_no_site_is_refused_at_start() {
    let empty = tempfile::tempdir().unwrap();
    let nothing = server::http::site::Site::new(server::http::site::Source::Folder(
        empty.path().to_path_buf(),
    ));
    let error = nothing.check().unwrap_err();
    assert!(error.contains("is not a built site"), "{error}");
    assert!(error.contains("pkg/northstar.wasm"), "{error}");
    let built = site(HASH);
    let built =
        server::http::site::Site::new(server::http::site::Source::Folder(built.path().into()));
    assert_eq!(built.check(), Ok(()));
}
