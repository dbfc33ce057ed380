//! Build script: rebuilds when the migrations change (`sqlx::migrate!`
//! embeds them), and names the commit the binary is built from for
//! `northstar --version` and the metrics' build info (`src/version.rs`).
//!
//! The commit comes from `git`; built outside a git checkout (a source
//! tarball, a container without `.git`) or without git, it is `unknown`.

use std::path::Path;
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=../migrations");
    let version = std::env::var("CARGO_PKG_VERSION").unwrap_or_default();
    let (commit, line) = match commit() {
        Some((hash, date)) => {
            let line = format!("{version} (commit {hash}, {date})");
            (hash, line)
        }
        None => ("unknown".to_owned(), format!("{version} (commit unknown)")),
    };
    println!("cargo:rustc-env=NORTHSTAR_COMMIT={commit}");
    println!("cargo:rustc-env=NORTHSTAR_VERSION_LINE={line}");
}

/// The short hash and the day of the commit checked out, if git can tell;
/// asks cargo to run this again when the checkout moves to another commit.
fn commit() -> Option<(String, String)> {
    let line = git(&["log", "-1", "--format=%h %cs"])?;
    let (hash, date) = line.split_once(' ')?;
    // HEAD names the branch (or the commit); the branch's commit is in its
    // ref file, or in packed-refs once git packs it. A new commit, a
    // checkout or a pull changes one of them.
    let mut watched = vec![git(&["rev-parse", "--git-path", "HEAD"])?];
    if let Some(branch) = git(&["symbolic-ref", "-q", "HEAD"]) {
        watched.extend(git(&["rev-parse", "--git-path", &branch]));
    }
    watched.extend(git(&["rev-parse", "--git-path", "packed-refs"]));
    // A path that does not exist would make cargo run this every time.
    for path in watched.iter().filter(|path| Path::new(path).exists()) {
        println!("cargo:rerun-if-changed={path}");
    }
    Some((hash.to_owned(), date.to_owned()))
}

/// What `git ARGS` prints in this package's folder, if it succeeds.
fn git(args: &[&str]) -> Option<String> {
    let output = Command::new("git").args(args).output().ok()?;
    if !output.status.success() {
        return None;
    }
    let text = String::from_utf8(output.stdout).ok()?.trim().to_owned();
    (!text.is_empty()).then_some(text)
}
