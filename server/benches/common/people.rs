//! People as the browser makes and signs them in: the app's server
//! functions called with a form POST to `/api/{endpoint}` asking for JSON,
//! each person with a cookie jar of their own. Shared by the benchmarks
//! that drive `target/release/northstar` through its public endpoints.

#![allow(
    dead_code,
    reason = "each benchmark that includes this module uses a different part of it"
)]

use std::time::Duration;

/// A client that keeps its cookies, as a browser does: a signed-in session.
pub fn cookie_client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap()
}

/// Server function `endpoint` with `form`, as the browser calls it.
pub async fn post(
    client: &reqwest::Client,
    base: &str,
    endpoint: &str,
    form: &[(&str, String)],
) -> reqwest::Response {
    client
        .post(format!("{base}/api/{endpoint}"))
        .header("accept", "application/json")
        .form(form)
        .send()
        .await
        .unwrap()
}

/// A new client signed in as `email`, or a stop naming the answer.
pub async fn sign_in(base: &str, email: &str, password: &str) -> reqwest::Client {
    let client = cookie_client();
    let form = [
        ("email", email.to_owned()),
        ("password", password.to_owned()),
    ];
    let answer = post(&client, base, "sign_in", &form).await;
    assert!(
        answer.status().is_success(),
        "sign-in of {email}: {}",
        answer.status()
    );
    client
}

/// A lead of `unit_id` to create.
pub struct NewLead {
    pub name: String,
    pub email: String,
    pub unit_id: i64,
    pub password: String,
}

/// Creates `lead` through `create_person` as `ambassador` (signed in),
/// waiting out the ambassador's write budget; returns the person's id.
pub async fn create_lead(ambassador: &reqwest::Client, base: &str, lead: &NewLead) -> i64 {
    let form = [
        ("name", lead.name.clone()),
        ("email", lead.email.clone()),
        ("role", "lead".to_owned()),
        ("unit_id", lead.unit_id.to_string()),
        ("password", lead.password.clone()),
    ];
    loop {
        let answer = post(ambassador, base, "create_person", &form).await;
        match answer.status().as_u16() {
            200 => {
                let person: serde_json::Value = answer.json().await.unwrap();
                return person["id"].as_i64().expect("a person's id");
            }
            // The ambassador's own write budget (60 at once): wait for it.
            429 => tokio::time::sleep(Duration::from_millis(100)).await,
            other => panic!("create_person: {other} {}", answer.text().await.unwrap()),
        }
    }
}

/// Signs in everyone in `emails` (one password), in order.
pub async fn sign_in_all(base: &str, emails: &[String], password: &str) -> Vec<reqwest::Client> {
    let signing_in = emails
        .iter()
        .map(|email| async move { sign_in(base, email, password).await });
    // A few at a time: every sign-in in flight holds one of the 30
    // attempts an address has until its password turns out right.
    futures::StreamExt::collect(futures::StreamExt::buffered(
        futures::stream::iter(signing_in),
        4,
    ))
    .await
}
