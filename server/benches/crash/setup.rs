//! The organisation the writers work in, made through the app's own server
//! functions before the first kill: a lead per writer in a unit with active
//! objectives, an active objective of their own with a key result to check
//! in on and one to edit, and a KPI with an API token to push readings with.

use crate::people::{NewLead, create_lead, post, sign_in, sign_in_all};
use serde_json::Value;

/// The demo's units with active objectives, and therefore a current cycle.
const UNITS: [&str; 3] = ["Platform", "Support", "Engineering"];
pub const PASSWORD: &str = "crash-writer-password";

/// A writer's share of the organisation.
#[derive(Clone)]
pub struct Desk {
    pub email: String,
    pub cycle: i64,
    pub unit: i64,
    pub objective: String,
    /// The key result the writer checks in on, and its version at the start.
    pub check_in_key_result: (String, i64),
    /// The key result whose title the writer edits, its version and title.
    pub edited_key_result: (String, i64, String),
    /// The writer's KPI, its version at the start, and the token's secret.
    pub kpi: (i64, i64),
    pub token: String,
}

/// A client id the server accepts (a UUID's shape), unique per writer,
/// kind and sequence number.
pub fn client_id(writer: usize, kind: u16, seq: u64) -> String {
    format!("{writer:08x}-{kind:04x}-4000-8000-{seq:012x}")
}

/// Calls `endpoint` as `client` and returns the JSON answer (waiting out
/// the person's write budget), or stops.
async fn call(
    client: &reqwest::Client,
    base: &str,
    endpoint: &str,
    form: &[(&str, String)],
) -> Value {
    loop {
        let answer = post(client, base, endpoint, form).await;
        let status = answer.status();
        let body = answer.text().await.unwrap();
        if status.as_u16() == 429 {
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            continue;
        }
        assert!(status.is_success(), "{endpoint}: {status} {body}");
        return serde_json::from_str(&body).unwrap();
    }
}

/// Each unit's id and the cycle of its active objectives.
async fn units(database_url: &str) -> Vec<(i64, i64)> {
    let pool = crate::process::reader(database_url).await;
    let mut units = Vec::new();
    for unit in UNITS {
        let row: (i64, i64) = sqlx::query_as(
            "SELECT u.id, MIN(o.cycle_id) FROM units u JOIN objectives o ON o.unit_id = u.id \
             WHERE u.name = $1 AND o.status = 'active' GROUP BY u.id",
        )
        .bind(unit)
        .fetch_one(&pool)
        .await
        .unwrap();
        units.push(row);
    }
    pool.close().await;
    units
}

/// `writers` desks, made by the demo ambassador and the writers themselves.
pub async fn desks(
    base: &str,
    database_url: &str,
    writers: usize,
) -> (Vec<Desk>, Vec<reqwest::Client>) {
    let units = units(database_url).await;
    let ambassador = sign_in(base, "maya@northstar.demo", "northstar-demo").await;
    let mut people = Vec::with_capacity(writers);
    for w in 0..writers {
        let (unit, cycle) = units[w % units.len()];
        let lead = NewLead {
            name: format!("Crash writer {w}"),
            email: format!("crash{w}@bench.northstar"),
            unit_id: unit,
            password: PASSWORD.to_owned(),
        };
        let id = create_lead(&ambassador, base, &lead).await;
        people.push((lead.email, id, unit, cycle));
    }
    let emails: Vec<String> = people.iter().map(|p| p.0.clone()).collect();
    let clients = sign_in_all(base, &emails, PASSWORD).await;
    let mut desks = Vec::with_capacity(writers);
    for (w, ((email, person, unit, cycle), client)) in people.into_iter().zip(&clients).enumerate()
    {
        let objective = client_id(w, 0, 0);
        let (check_in_key_result, edited_key_result) =
            objective_of(client, base, w, &objective, cycle, unit).await;
        let (kpi, token) = kpi_of(&ambassador, base, w, unit, person).await;
        desks.push(Desk {
            email,
            cycle,
            unit,
            objective,
            check_in_key_result,
            edited_key_result,
            kpi,
            token,
        });
    }
    (desks, clients)
}

/// The writer's active objective with its two key results: (the check-in
/// key result and its version, the edited one with its version and title).
async fn objective_of(
    client: &reqwest::Client,
    base: &str,
    w: usize,
    id: &str,
    cycle: i64,
    unit: i64,
) -> ((String, i64), (String, i64, String)) {
    let form = [
        ("id", id.to_owned()),
        ("cycle_id", cycle.to_string()),
        ("unit_id", unit.to_string()),
        ("title", format!("Crash writer {w} keeps going")),
        ("kind", "committed".to_owned()),
    ];
    let mut objective = call(client, base, "create_objective", &form).await;
    let mut key_results = Vec::new();
    for (n, title) in [
        (1, format!("Check-ins of writer {w}")),
        (2, format!("crash key result w{w} edit 0")),
    ] {
        let form = [
            ("id", client_id(w, 0, n)),
            ("objective_id", id.to_owned()),
            ("title", title.clone()),
            ("metric", "number".to_owned()),
            ("unit_label", String::new()),
            ("start", "0".to_owned()),
            ("target", "1000000".to_owned()),
            ("owner_id", String::new()),
        ];
        let kr = call(client, base, "create_key_result", &form).await;
        key_results.push((
            kr["id"].as_str().unwrap().to_owned(),
            kr["version"].as_i64().unwrap(),
            title,
        ));
    }
    // The key results raised the objective's version since it was
    // created; its status did not change, so the change still applies.
    for (previous, status) in [("draft", "proposed"), ("proposed", "active")] {
        let form = [
            ("id", id.to_owned()),
            ("version", objective["version"].to_string()),
            ("field", "status".to_owned()),
            ("previous", previous.to_owned()),
            ("value", status.to_owned()),
        ];
        objective = call(client, base, "update_objective", &form).await;
    }
    let edited = key_results.pop().unwrap();
    let checked = key_results.pop().unwrap();
    ((checked.0, checked.1), edited)
}

/// A KPI of the writer's unit that the writer owns, and a token that may
/// record its readings: ((the KPI's id, its version), the token's secret).
async fn kpi_of(
    ambassador: &reqwest::Client,
    base: &str,
    w: usize,
    unit: i64,
    owner: i64,
) -> ((i64, i64), String) {
    let form = [
        ("id", String::new()),
        ("version", String::new()),
        ("name", format!("Crash writer {w} readings")),
        (
            "description",
            "Readings pushed while the server is killed.".to_owned(),
        ),
        ("unit_label", "h".to_owned()),
        ("unit_id", unit.to_string()),
        ("owner_id", owner.to_string()),
        ("direction", "lower".to_owned()),
        ("healthy", "4".to_owned()),
        ("critical", "8".to_owned()),
        ("cadence", "weekly".to_owned()),
    ];
    let kpi = call(ambassador, base, "save_kpi", &form).await;
    let id = kpi["id"].as_i64().unwrap();
    let form = [
        ("name", format!("Crash writer {w}")),
        ("scope", format!("kpi:write:{id}")),
    ];
    let token = call(ambassador, base, "create_api_token", &form).await;
    (
        (id, kpi["version"].as_i64().unwrap()),
        token["secret"].as_str().unwrap().to_owned(),
    )
}
