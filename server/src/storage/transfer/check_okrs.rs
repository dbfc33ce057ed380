//! The rules of the OKR tables: objectives and what hangs on them (shared
//! units, commitments, links, history, merges, dismissed overlaps), key
//! results, check-ins and closing notes with their earlier versions.

use super::Document;
use super::check::{Known, Report, To};

pub fn rules(d: &Document, known: &Known, report: &mut Report) {
    objectives(d, known, report);
    around_objectives(d, known, report);
    progress(d, known, report);
}

fn objectives(d: &Document, known: &Known, report: &mut Report) {
    report.unique(&d.objectives, "id", |r| r.id.clone());
    report.unique_set(&d.objectives, "carried_from", |r| r.carried_from.clone());
    report.circles(&d.objectives, "carried_from", |r| {
        (r.id.clone(), r.carried_from.clone())
    });
    report.each(&d.objectives, known, |at, r| {
        at.text_id(&r.id);
        at.refers("cycle_id", To::Cycle(r.cycle_id));
        at.refers("unit_id", To::Unit(r.unit_id));
        at.text("title", &r.title, 1, 200);
        at.text("description", &r.description, 0, 4000);
        at.text("why_important", &r.why_important, 0, 2000);
        at.text("why_urgent", &r.why_urgent, 0, 2000);
        at.choice("kind", &r.kind, &["committed", "aspirational"]);
        let statuses = ["draft", "proposed", "active", "closed"];
        at.choice("status", &r.status, &statuses);
        at.refers("created_by", To::Person(r.created_by));
        at.refers("updated_by", To::Person(r.updated_by));
        at.moment("created_at", &r.created_at);
        at.moment("updated_at", &r.updated_at);
        at.maybe_refers("decision_owner_id", r.decision_owner_id.map(To::Person));
        if let Some(reason) = &r.no_retro_reason {
            at.text("no_retro_reason", reason, 1, 500);
        }
        at.maybe_refers("no_retro_by", r.no_retro_by.map(To::Person));
        let carried_from = r.carried_from.as_deref().map(To::Objective);
        at.maybe_refers("carried_from", carried_from);
    });
}

/// Shared units, commitments, links, history, merges, dismissed overlaps.
fn around_objectives(d: &Document, known: &Known, report: &mut Report) {
    report.unique(&d.objective_units, "objective_id, unit_id", |r| {
        (r.objective_id.clone(), r.unit_id)
    });
    report.each(&d.objective_units, known, |at, r| {
        at.refers("objective_id", To::Objective(&r.objective_id));
        at.refers("unit_id", To::Unit(r.unit_id));
        at.choice("state", &r.state, &["invited", "accepted"]);
        at.maybe_refers("invited_by", r.invited_by.map(To::Person));
        at.maybe_refers("answered_by", r.answered_by.map(To::Person));
    });
    report.unique(&d.objective_commitments, "objective_id, unit_id", |r| {
        (r.objective_id.clone(), r.unit_id)
    });
    report.each(&d.objective_commitments, known, |at, r| {
        at.refers("objective_id", To::Objective(&r.objective_id));
        at.refers("unit_id", To::Unit(r.unit_id));
        at.text("text", &r.text, 1, 300);
        at.refers("updated_by", To::Person(r.updated_by));
    });
    report.unique(&d.objective_links, "objective_id, supports_id", |r| {
        (r.objective_id.clone(), r.supports_id.clone())
    });
    report.each(&d.objective_links, known, |at, r| {
        at.refers("objective_id", To::Objective(&r.objective_id));
        at.refers("supports_id", To::Objective(&r.supports_id));
        if r.objective_id == r.supports_id {
            at.fail("supports_id", "an objective does not support itself");
        }
        at.refers("created_by", To::Person(r.created_by));
        at.moment("created_at", &r.created_at);
    });
    report.unique(&d.objective_history, "id", |r| r.id);
    // No reference check on the objective: the history of one merged into
    // another outlives it.
    report.each(&d.objective_history, known, |at, r| {
        at.id(r.id);
        at.refers("person_id", To::Person(r.person_id));
        at.text("text", &r.text, 0, 1000);
        at.moment("created_at", &r.created_at);
    });
    report.unique(&d.merged_objectives, "old_id", |r| r.old_id.clone());
    report.each(&d.merged_objectives, known, |at, r| {
        at.refers("into_id", To::Objective(&r.into_id));
        at.refers("merged_by", To::Person(r.merged_by));
        at.moment("merged_at", &r.merged_at);
    });
    report.unique(&d.overlap_dismissals, "first_id, second_id", |r| {
        (r.first_id.clone(), r.second_id.clone())
    });
    report.each(&d.overlap_dismissals, known, |at, r| {
        at.refers("first_id", To::Objective(&r.first_id));
        at.refers("second_id", To::Objective(&r.second_id));
        // Byte order, as both databases compare the pair.
        if r.first_id >= r.second_id {
            let message = "the pair is stored in id order: first_id < second_id";
            at.fail("second_id", message);
        }
        at.refers("dismissed_by", To::Person(r.dismissed_by));
        at.moment("created_at", &r.created_at);
    });
}

/// Key results, check-ins, closing notes and their earlier versions.
fn progress(d: &Document, known: &Known, report: &mut Report) {
    report.unique(&d.key_results, "id", |r| r.id.clone());
    report.each(&d.key_results, known, |at, r| {
        at.text_id(&r.id);
        at.refers("objective_id", To::Objective(&r.objective_id));
        at.text("title", &r.title, 1, 200);
        let metrics = ["number", "percent", "currency", "milestone"];
        at.choice("metric", &r.metric, &metrics);
        at.text("unit_label", &r.unit_label, 0, 20);
        at.finite("start_value", r.start_value);
        at.finite("target_value", r.target_value);
        at.finite("current_value", r.current_value);
        if r.metric != "milestone" && r.target_value == r.start_value {
            at.fail("target_value", "equal to start_value: nothing to achieve");
        }
        at.refers("owner_id", To::Person(r.owner_id));
        if let Some(fallback) = &r.fallback {
            at.choice("fallback", fallback, &["delay", "proxy", "tracking"]);
        }
        at.text("proxy_name", &r.proxy_name, 0, 120);
        at.moment("created_at", &r.created_at);
        at.moment("updated_at", &r.updated_at);
        at.maybe_refers("kpi_id", r.kpi_id.map(To::Kpi));
    });
    report.unique(&d.check_ins, "id", |r| r.id.clone());
    report.each(&d.check_ins, known, |at, r| {
        at.text_id(&r.id);
        at.refers("key_result_id", To::KeyResult(&r.key_result_id));
        at.refers("author_id", To::Person(r.author_id));
        at.finite("value", r.value);
        at.between("confidence", r.confidence, 0, 10);
        at.text("progress", &r.progress, 0, 1000);
        at.text("problems", &r.problems, 0, 1000);
        at.text("plans", &r.plans, 0, 1000);
        at.date("checked_in_on", &r.checked_in_on);
        at.moment("created_at", &r.created_at);
    });
    report.unique(&d.closing_notes, "id", |r| r.id);
    report.unique(&d.closing_notes, "objective_id", |r| r.objective_id.clone());
    report.each(&d.closing_notes, known, |at, r| {
        at.id(r.id);
        at.refers("objective_id", To::Objective(&r.objective_id));
        if !(0.0..=1.0).contains(&r.score) {
            at.fail("score", format!("{} is not between 0 and 1", r.score));
        }
        at.text("went_well", &r.went_well, 0, 4000);
        at.text("went_badly", &r.went_badly, 0, 4000);
        at.text("lessons", &r.lessons, 1, 4000);
        at.refers("author_id", To::Person(r.author_id));
        at.refers("updated_by", To::Person(r.updated_by));
        at.moment("created_at", &r.created_at);
        at.moment("updated_at", &r.updated_at);
    });
    report.unique(&d.closing_note_revisions, "note_id, version", |r| {
        (r.note_id, r.version)
    });
    report.each(&d.closing_note_revisions, known, |at, r| {
        at.refers("note_id", To::Note(r.note_id));
        at.finite("score", r.score);
        at.refers("written_by", To::Person(r.written_by));
        at.moment("written_at", &r.written_at);
    });
}
