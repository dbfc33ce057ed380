//! The writers: each a person at a browser (and a system with an API token)
//! saving check-ins, key-result edits, closings and KPI readings one after
//! the other while the server dies under them. A write whose answer never
//! came is sent again, unchanged (the same client id, the same
//! `Idempotency-Key`), until an answer comes, as a real client does.

use crate::ledger::{Fate, Record, Write};
use crate::people::cookie_client;
use crate::setup::{Desk, PASSWORD, client_id};
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// Longest wait between two attempts of one write.
const LONGEST_BACKOFF: Duration = Duration::from_secs(1);
/// A request that gets no answer in this time counts as cut.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// One writer and what it knows of its own data.
pub struct Writer {
    index: usize,
    base: String,
    desk: Desk,
    client: reqwest::Client,
    api: reqwest::Client,
    rng: fastrand::Rng,
    /// The edited key result's version and title as last seen.
    edited: (i64, String),
    /// How many writes of each kind this writer has started.
    check_ins: u64,
    edits: u64,
    closings: u64,
    readings: u64,
    records: Vec<Record>,
}

/// An answer that ends a write's attempts.
struct Reply {
    status: u16,
    body: Value,
    replayed: bool,
}

impl Writer {
    pub fn new(index: usize, base: String, desk: Desk, client: reqwest::Client, seed: u64) -> Self {
        let edited = (desk.edited_key_result.1, desk.edited_key_result.2.clone());
        Writer {
            index,
            base,
            desk,
            client,
            api: reqwest::Client::new(),
            rng: fastrand::Rng::with_seed(
                seed ^ (index as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15),
            ),
            edited,
            check_ins: 0,
            edits: 0,
            closings: 0,
            readings: 0,
            records: Vec::new(),
        }
    }

    /// Writes until `stop`, then returns every write and how it went.
    pub async fn run(mut self, stop: Arc<AtomicBool>) -> Vec<Record> {
        while !stop.load(Ordering::Relaxed) {
            match self.rng.u32(0..100) {
                0..50 => self.check_in().await,
                50..72 => self.edit().await,
                72..90 => self.close().await,
                _ => self.reading().await,
            }
            // A person's write budget is 20 a second: think a little.
            tokio::time::sleep(Duration::from_millis(self.rng.u64(10..60))).await;
        }
        self.records
    }

    /// Sends `request` until an answer other than "try again" comes,
    /// counting on `record` what it took.
    async fn send(
        &mut self,
        record: &mut Record,
        session: bool,
        request: impl Fn(&reqwest::Client) -> reqwest::RequestBuilder,
    ) -> Reply {
        let mut backoff = Duration::from_millis(50);
        loop {
            record.attempts += 1;
            // Less 2 ms: the database's clock keeps milliseconds.
            record.last_sent = stamp(time::OffsetDateTime::now_utc() - Duration::from_millis(2));
            let client = if session { &self.client } else { &self.api };
            let answer = match request(client).timeout(REQUEST_TIMEOUT).send().await {
                Ok(response) => {
                    let status = response.status().as_u16();
                    let replayed = response.headers().contains_key("idempotent-replay");
                    response.text().await.map(|body| (status, replayed, body))
                }
                Err(error) => Err(error),
            };
            let (status, replayed, body) = match answer {
                Ok(answer) => answer,
                // Killed before or while answering, or not up yet: the
                // write may or may not be saved; send it again.
                Err(_) => {
                    record.cut += 1;
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(LONGEST_BACKOFF);
                    continue;
                }
            };
            match status {
                429 => {
                    record.budget += 1;
                    tokio::time::sleep(Duration::from_millis(250)).await;
                }
                401 if session => {
                    record.signed_in_again += 1;
                    self.sign_in_again().await;
                }
                500..=599 => {
                    record.server_errors += 1;
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(LONGEST_BACKOFF);
                }
                _ => {
                    return Reply {
                        status,
                        body: serde_json::from_str(&body).unwrap_or(Value::String(body)),
                        replayed,
                    };
                }
            }
        }
    }

    /// A fresh session, however often the server dies meanwhile.
    async fn sign_in_again(&mut self) {
        let form = [("email", self.desk.email.as_str()), ("password", PASSWORD)];
        loop {
            let client = cookie_client();
            let answer = client
                .post(format!("{}/api/sign_in", self.base))
                .header("accept", "application/json")
                .form(&form)
                .timeout(REQUEST_TIMEOUT)
                .send()
                .await;
            if let Ok(response) = answer
                && response.status().is_success()
            {
                self.client = client;
                return;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// A server function with `form`, sent until answered.
    async fn call(
        &mut self,
        record: &mut Record,
        endpoint: &str,
        form: &[(&str, String)],
    ) -> Reply {
        let url = format!("{}/api/{endpoint}", self.base);
        self.send(record, true, |client| {
            client
                .post(&url)
                .header("accept", "application/json")
                .form(form)
        })
        .await
    }

    fn settle(record: &mut Record, reply: &Reply) {
        record.fate = if reply.status == 200 {
            Fate::Acknowledged
        } else {
            Fate::Refused(format!("{} {}", reply.status, reply.body))
        };
    }

    async fn check_in(&mut self) {
        let seq = self.check_ins;
        self.check_ins += 1;
        let key_result = self.desk.check_in_key_result.0.clone();
        let id = client_id(self.index, 1, seq);
        let value = seq as f64 + 0.5;
        let progress = format!("crash check-in w{} #{seq}", self.index);
        let form = [
            ("id", id.clone()),
            ("key_result_id", key_result.clone()),
            ("value", format!("{value}")),
            ("confidence", "7".to_owned()),
            ("progress", progress.clone()),
            ("problems", String::new()),
            ("plans", "Keep going".to_owned()),
        ];
        let write = Write::CheckIn {
            id,
            key_result,
            seq,
            value,
            progress,
        };
        let mut record = Record::new(self.index, write);
        let reply = self.call(&mut record, "save_check_in", &form).await;
        Self::settle(&mut record, &reply);
        self.records.push(record);
    }

    /// A new title for the edited key result, from the version and title
    /// last seen. A 409 means the key result changed since: the writer
    /// reads it back, as a person reloads, to learn whether its own
    /// change is the one there.
    async fn edit(&mut self) {
        self.edits += 1;
        let key_result = self.desk.edited_key_result.0.clone();
        let title = format!("crash key result w{} edit {}", self.index, self.edits);
        let form = [
            ("id", key_result.clone()),
            ("version", self.edited.0.to_string()),
            ("field", "title".to_owned()),
            ("previous", self.edited.1.clone()),
            ("value", title.clone()),
        ];
        let write = Write::Edit {
            title: title.clone(),
        };
        let mut record = Record::new(self.index, write);
        let reply = self.call(&mut record, "update_key_result", &form).await;
        Self::settle(&mut record, &reply);
        if record.acknowledged() {
            self.edited = (reply.body["version"].as_i64().unwrap_or(-1), title);
        } else if reply.status == 409 {
            let seen = self.read_edited(&mut record).await;
            if seen.1 == title {
                record.fate = Fate::ConflictButSaved;
            }
            self.edited = seen;
        }
        self.records.push(record);
    }

    /// The edited key result's version and title, as the objective's page
    /// shows them.
    async fn read_edited(&mut self, record: &mut Record) -> (i64, String) {
        let form = [("id", self.desk.objective.clone())];
        let reply = self.call(record, "get_objective_view", &form).await;
        let key_result = reply.body["objective"]["key_results"]
            .as_array()
            .and_then(|all| {
                all.iter()
                    .find(|kr| kr["id"] == self.desk.edited_key_result.0.as_str())
            })
            .unwrap_or_else(|| panic!("the edited key result on its page: {}", reply.body));
        (
            key_result["version"].as_i64().unwrap(),
            key_result["title"].as_str().unwrap().to_owned(),
        )
    }

    /// A draft objective made and closed with a note, and half the time
    /// the note edited: three writes, each retried on its own.
    async fn close(&mut self) {
        let seq = self.closings;
        self.closings += 1;
        let w = self.index;
        let id = client_id(w, 2, seq);
        let title = format!("crash objective w{w} #{seq}");
        let form = [
            ("id", id.clone()),
            ("cycle_id", self.desk.cycle.to_string()),
            ("unit_id", self.desk.unit.to_string()),
            ("title", title.clone()),
            ("kind", "committed".to_owned()),
        ];
        let mut record = Record::new(
            w,
            Write::Create {
                id: id.clone(),
                title,
            },
        );
        let reply = self.call(&mut record, "create_objective", &form).await;
        Self::settle(&mut record, &reply);
        let created = record.acknowledged();
        self.records.push(record);
        if !created {
            return;
        }
        let lessons = format!("crash lesson w{w} #{seq}");
        let mut note = vec![
            ("id", id.clone()),
            ("score", "0.6".to_owned()),
            ("went_well", format!("crash went well w{w} #{seq}")),
            ("went_badly", String::new()),
            ("lessons", lessons.clone()),
            ("tags", format!("crash, w{w}")),
        ];
        let write = Write::Close {
            objective: id.clone(),
            lessons,
        };
        let mut record = Record::new(w, write);
        let reply = self.call(&mut record, "close_objective", &note).await;
        Self::settle(&mut record, &reply);
        let closed = record.acknowledged();
        self.records.push(record);
        if !closed || self.rng.bool() {
            return;
        }
        let lessons = format!("crash lesson w{w} #{seq} revised");
        note[0] = ("objective_id", id.clone());
        note[1] = ("score", "0.7".to_owned());
        note[4] = ("lessons", lessons.clone());
        note.insert(1, ("version", "1".to_owned()));
        let write = Write::NoteEdit {
            objective: id,
            lessons,
        };
        let mut record = Record::new(w, write);
        let reply = self.call(&mut record, "edit_closing_note", &note).await;
        Self::settle(&mut record, &reply);
        self.records.push(record);
    }

    /// A reading of the writer's KPI for a day not read before, through the
    /// token API with an `Idempotency-Key`.
    async fn reading(&mut self) {
        self.readings += 1;
        let n = self.readings;
        let kpi = self.desk.kpi.0;
        let date =
            (time::OffsetDateTime::now_utc().date() - time::Duration::days(n as i64)).to_string();
        let value = n as f64 + 0.25;
        let key = format!("crash-w{}-r{n}", self.index);
        let url = format!("{}/api/v1/kpis/{kpi}/readings", self.base);
        let body = json!({ "date": date, "value": value, "note": key });
        let token = self.desk.token.clone();
        let write = Write::Reading {
            kpi,
            date,
            value,
            key: key.clone(),
        };
        let mut record = Record::new(self.index, write);
        let reply = self
            .send(&mut record, false, |client| {
                client
                    .post(&url)
                    .bearer_auth(&token)
                    .header("idempotency-key", &key)
                    .json(&body)
            })
            .await;
        Self::settle(&mut record, &reply);
        // The first attempt saved it (a retry found nothing to change) but
        // its answer was not kept for the retry.
        record.not_replayed =
            record.acknowledged() && !reply.replayed && reply.body["changed"].as_i64() == Some(0);
        self.records.push(record);
    }
}

/// A moment as Northstar stores times (`app::sql::at`): UTC, milliseconds,
/// so that the two compare as text.
pub fn stamp(moment: time::OffsetDateTime) -> String {
    moment
        .format(time::macros::format_description!(
            "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
        ))
        .unwrap()
}
