//! Request ids and JSON logs: every answer names its request in
//! `x-request-id`, and with `--log-format json` every log line is a JSON
//! object that names the request it belongs to.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "helpers of tests fail the test loudly"
)]

use crate::common::TestApp;
use reqwest::StatusCode;
use serde_json::Value;
use std::process::{Command, Stdio};
use std::time::Duration;

fn request_id(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("x-request-id")
        .expect("an x-request-id")
        .to_str()
        .unwrap()
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_answer_names_its_request_errors_included() {
    let app = TestApp::start().await;
    let client = app.client();
    let page = client.get(app.url("/sign-in")).send().await.unwrap();
    let first = request_id(&page);
    assert_eq!(first.len(), 36, "a UUID: {first}");
    let again = client.get(app.url("/sign-in")).send().await.unwrap();
    assert_ne!(request_id(&again), first, "one id per request");
    // Errors carry it too: what a person quotes is what the logs know.
    let missing = client.get(app.url("/no/such/page")).send().await.unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    request_id(&missing);
    let refused = client
        .post(app.url("/api/sign_out"))
        .header("origin", "https://elsewhere.example")
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    request_id(&refused);
    // An id a proxy already gave is kept.
    let named = client
        .get(app.url("/healthz"))
        .header("x-request-id", "from-the-proxy-42")
        .send()
        .await
        .unwrap();
    assert_eq!(request_id(&named), "from-the-proxy-42");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_logs_are_one_object_per_line_naming_the_request() {
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("sqlite://{}", dir.path().join("northstar.db").display());
    let mut server = Command::new(env!("CARGO_BIN_EXE_northstar"))
        .args([
            "--log-format",
            "json",
            "serve",
            "--demo",
            "--database-url",
            &url,
        ])
        .args(["--addr", &format!("127.0.0.1:{port}")])
        .env_remove("RUST_LOG")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let mut up = false;
    for _ in 0..200 {
        if client.get(format!("{base}/healthz")).send().await.is_ok() {
            up = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(up, "the server came up");
    let refused = client
        .post(format!("{base}/api/sign_in"))
        .header("x-request-id", "journey-7")
        .header("accept", "application/json")
        .form(&[("email", "maya@northstar.demo"), ("password", "not it")])
        .send()
        .await
        .unwrap();
    assert!(refused.status().is_client_error());
    assert_eq!(request_id(&refused), "journey-7");
    // SIGTERM: the server stops gracefully and its log ends.
    Command::new("kill")
        .arg(server.id().to_string())
        .status()
        .unwrap();
    let output = tokio::task::spawn_blocking(move || {
        let _ = server.wait();
        let mut text = String::new();
        std::io::Read::read_to_string(&mut server.stderr.take().unwrap(), &mut text).unwrap();
        text
    })
    .await
    .unwrap();
    let lines: Vec<Value> = output
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| serde_json::from_str(line).unwrap_or_else(|_| panic!("not JSON: {line}")))
        .collect();
    assert!(lines.len() >= 3, "{output}");
    let refusal = lines
        .iter()
        .find(|line| line["fields"]["message"] == "sign-in refused")
        .unwrap_or_else(|| panic!("the refusal is logged: {output}"));
    // The request's span, around the server function's own.
    let request = refusal["spans"]
        .as_array()
        .and_then(|spans| spans.iter().find(|span| span["name"] == "request"))
        .unwrap_or_else(|| panic!("inside the request's span: {refusal}"));
    assert_eq!(request["id"], "journey-7", "{refusal}");
    assert_eq!(request["path"], "/api/sign_in", "{refusal}");
}
