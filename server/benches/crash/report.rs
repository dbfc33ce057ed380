//! What the run did and found, as a table for docs/benchmarks.md, and
//! whether it passed: nothing lost, nothing duplicated, no rule broken,
//! the file sound.

use crate::ledger::{Fate, Record};
use crate::verify::Verdict;
use crate::{Kills, Options};
use std::collections::BTreeMap;
use std::time::Duration;

/// How the writes of one kind (or all) went.
#[derive(Default)]
struct Tally {
    sent: usize,
    acknowledged: usize,
    /// Writes that had to be sent again after an attempt got no answer.
    retried: usize,
    /// Writes saved by an attempt that was never answered (a retry then
    /// was), or never acknowledged at all, that are in the database.
    unacknowledged_present: usize,
    lost: usize,
    duplicated: usize,
}

impl Tally {
    fn add(&mut self, record: &Record, present: usize, saved_unanswered: bool) {
        self.sent += 1;
        self.acknowledged += usize::from(record.acknowledged());
        self.retried += usize::from(record.cut > 0);
        let saved = !matches!(record.fate, Fate::Refused(_));
        self.unacknowledged_present += usize::from(saved_unanswered || (!saved && present > 0));
        self.lost += usize::from(saved && present == 0);
        self.duplicated += present.saturating_sub(1);
    }

    fn row(&self, name: &str) -> String {
        format!(
            "| {name} | {} | {} | {} | {} | {} | {} |",
            self.sent,
            self.acknowledged,
            self.retried,
            self.unacknowledged_present,
            self.lost,
            self.duplicated
        )
    }
}

/// Prints the run's numbers and findings; whether it passed.
pub fn print(
    options: &Options,
    kills: &Kills,
    records: &[Record],
    verdict: &Verdict,
    wrote_for: Duration,
    took: Duration,
) -> bool {
    let mut all = Tally::default();
    let mut kinds: BTreeMap<&'static str, Tally> = BTreeMap::new();
    for ((record, &n), &early) in records
        .iter()
        .zip(&verdict.present)
        .zip(&verdict.saved_unanswered)
    {
        all.add(record, n, early);
        kinds
            .entry(record.write.kind())
            .or_default()
            .add(record, n, early);
    }
    // An edit of a title is judged by its key result's version.
    for tally in [&mut all, kinds.entry("key-result edits").or_default()] {
        tally.lost += verdict.edits_lost;
        tally.duplicated += verdict.edits_duplicated;
    }
    println!();
    println!(
        "{} kills ({} while starting) in {:.0} s of writing; whole run {:.0} s",
        kills.total,
        kills.starting,
        wrote_for.as_secs_f64(),
        took.as_secs_f64()
    );
    let mut starts = kills.starts.clone();
    starts.sort();
    if let (Some(median), Some(longest)) = (starts.get(starts.len() / 2), starts.last()) {
        println!(
            "a start, from the process to its first answer: median {} ms, longest {} ms ({} starts)",
            median.as_millis(),
            longest.as_millis(),
            starts.len()
        );
    }
    println!();
    println!(
        "| writes | sent | acknowledged | retried | saved by an unanswered attempt | lost | duplicated |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for (kind, tally) in &kinds {
        println!("{}", tally.row(kind));
    }
    println!("{}", all.row("**all**"));
    println!();
    let sum = |f: fn(&Record) -> u32| records.iter().map(|r| u64::from(f(r))).sum::<u64>();
    println!(
        "attempts without an answer (sent again): {}; 429s waited out: {}; 5xx answers: {}; sessions signed in again: {}",
        sum(|r| r.cut),
        sum(|r| r.budget),
        sum(|r| r.server_errors),
        sum(|r| r.signed_in_again)
    );
    let conflicted = records
        .iter()
        .filter(|r| r.fate == Fate::ConflictButSaved)
        .count();
    let not_replayed = records.iter().filter(|r| r.not_replayed).count();
    println!(
        "retries told “not saved” although saved (409): {conflicted}; API retries answered anew instead of replayed: {not_replayed}"
    );
    let refused: Vec<&Record> = records
        .iter()
        .filter(|r| matches!(r.fate, Fate::Refused(_)))
        .collect();
    for record in refused.iter().take(10) {
        println!("  refused: {:?} — {:?}", record.write, record.fate);
    }
    println!("PRAGMA integrity_check: {}", verdict.integrity);
    println!(
        "lost: {}, duplicated: {}, rules broken: {} (seed {}, {} writers)",
        verdict.lost.len(),
        verdict.duplicated.len(),
        verdict.violations.len(),
        options.seed,
        options.writers
    );
    for line in verdict
        .lost
        .iter()
        .map(|l| format!("  lost: {l}"))
        .chain(
            verdict
                .duplicated
                .iter()
                .map(|d| format!("  duplicated: {d}")),
        )
        .chain(verdict.violations.iter().map(|v| format!("  broken: {v}")))
        .take(30)
    {
        println!("{line}");
    }
    let sound = verdict.lost.is_empty()
        && verdict.duplicated.is_empty()
        && verdict.violations.is_empty()
        && (verdict.integrity == "ok" || options.postgres);
    println!("{}", if sound { "PASSED" } else { "FAILED" });
    sound
}
