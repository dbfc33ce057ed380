//! The rules of the OKR tables: objectives and what hangs on them (shared
//! units, commitments, links, history, merges, dismissed overlaps), key
//! results, check-ins and closing notes with their earlier versions.

use super::Document;
use super::check::{Known, Report};
use super::rows::*;

pub fn rules(d: &Document, known: &Known, report: &mut Report) {
    objectives(d, known, report);
    around_objectives(d, known, report);
    key_results(d, known, report);
    notes(d, known, report);
}

fn objectives(d: &Document, known: &Known, report: &mut Report) {
    report.unique(&d.objectives, "id", |r| r.id.clone());
    report.unique_set(&d.objectives, "carried_from", |r| r.carried_from.clone());
    report.circles(&d.objectives, "carried_from", |r| {
        (r.id.clone(), r.carried_from.clone())
    });
    for (i, r) in d.objectives.iter().enumerate() {
        let mut at = report.record::<Objective>(i);
        at.text_id(&r.id);
        at.refers("cycle_id", &r.cycle_id, &known.cycles, "cycle");
        at.refers("unit_id", &r.unit_id, &known.units, "unit");
        at.text("title", &r.title, 1, 200);
        at.text("description", &r.description, 0, 4000);
        at.text("why_important", &r.why_important, 0, 2000);
        at.text("why_urgent", &r.why_urgent, 0, 2000);
        at.choice("kind", &r.kind, &["committed", "aspirational"]);
        at.choice(
            "status",
            &r.status,
            &["draft", "proposed", "active", "closed"],
        );
        at.refers("created_by", &r.created_by, &known.people, "person");
        at.refers("updated_by", &r.updated_by, &known.people, "person");
        at.moment("created_at", &r.created_at);
        at.moment("updated_at", &r.updated_at);
        at.maybe_refers(
            "decision_owner_id",
            r.decision_owner_id.as_ref(),
            &known.people,
            "person",
        );
        if let Some(reason) = &r.no_retro_reason {
            at.text("no_retro_reason", reason, 1, 500);
        }
        at.maybe_refers(
            "no_retro_by",
            r.no_retro_by.as_ref(),
            &known.people,
            "person",
        );
        at.maybe_refers(
            "carried_from",
            r.carried_from.as_ref(),
            &known.objectives,
            "objective",
        );
    }
}

/// Shared units, commitments, links, history, merges, dismissed overlaps.
fn around_objectives(d: &Document, known: &Known, report: &mut Report) {
    report.unique(&d.objective_units, "objective_id, unit_id", |r| {
        (r.objective_id.clone(), r.unit_id)
    });
    for (i, r) in d.objective_units.iter().enumerate() {
        let mut at = report.record::<ObjectiveUnit>(i);
        at.refers(
            "objective_id",
            &r.objective_id,
            &known.objectives,
            "objective",
        );
        at.refers("unit_id", &r.unit_id, &known.units, "unit");
        at.choice("state", &r.state, &["invited", "accepted"]);
        at.maybe_refers("invited_by", r.invited_by.as_ref(), &known.people, "person");
        at.maybe_refers(
            "answered_by",
            r.answered_by.as_ref(),
            &known.people,
            "person",
        );
    }
    report.unique(&d.objective_commitments, "objective_id, unit_id", |r| {
        (r.objective_id.clone(), r.unit_id)
    });
    for (i, r) in d.objective_commitments.iter().enumerate() {
        let mut at = report.record::<ObjectiveCommitment>(i);
        at.refers(
            "objective_id",
            &r.objective_id,
            &known.objectives,
            "objective",
        );
        at.refers("unit_id", &r.unit_id, &known.units, "unit");
        at.text("text", &r.text, 1, 300);
        at.refers("updated_by", &r.updated_by, &known.people, "person");
    }
    report.unique(&d.objective_links, "objective_id, supports_id", |r| {
        (r.objective_id.clone(), r.supports_id.clone())
    });
    for (i, r) in d.objective_links.iter().enumerate() {
        let mut at = report.record::<ObjectiveLink>(i);
        at.refers(
            "objective_id",
            &r.objective_id,
            &known.objectives,
            "objective",
        );
        at.refers(
            "supports_id",
            &r.supports_id,
            &known.objectives,
            "objective",
        );
        if r.objective_id == r.supports_id {
            at.fail("supports_id", "an objective does not support itself");
        }
        at.refers("created_by", &r.created_by, &known.people, "person");
        at.moment("created_at", &r.created_at);
    }
    report.unique(&d.objective_history, "id", |r| r.id);
    for (i, r) in d.objective_history.iter().enumerate() {
        // No reference check on the objective: the history of one merged
        // into another outlives it.
        let mut at = report.record::<ObjectiveHistory>(i);
        at.id(r.id);
        at.refers("person_id", &r.person_id, &known.people, "person");
        at.text("text", &r.text, 0, 1000);
        at.moment("created_at", &r.created_at);
    }
    report.unique(&d.merged_objectives, "old_id", |r| r.old_id.clone());
    for (i, r) in d.merged_objectives.iter().enumerate() {
        let mut at = report.record::<MergedObjective>(i);
        at.refers("into_id", &r.into_id, &known.objectives, "objective");
        at.refers("merged_by", &r.merged_by, &known.people, "person");
        at.moment("merged_at", &r.merged_at);
    }
    report.unique(&d.overlap_dismissals, "first_id, second_id", |r| {
        (r.first_id.clone(), r.second_id.clone())
    });
    for (i, r) in d.overlap_dismissals.iter().enumerate() {
        let mut at = report.record::<OverlapDismissal>(i);
        at.refers("first_id", &r.first_id, &known.objectives, "objective");
        at.refers("second_id", &r.second_id, &known.objectives, "objective");
        // Byte order, as both databases compare the pair.
        if r.first_id >= r.second_id {
            at.fail(
                "second_id",
                "the pair is stored in id order: first_id < second_id",
            );
        }
        at.refers("dismissed_by", &r.dismissed_by, &known.people, "person");
        at.moment("created_at", &r.created_at);
    }
}

fn key_results(d: &Document, known: &Known, report: &mut Report) {
    report.unique(&d.key_results, "id", |r| r.id.clone());
    for (i, r) in d.key_results.iter().enumerate() {
        let mut at = report.record::<KeyResult>(i);
        at.text_id(&r.id);
        at.refers(
            "objective_id",
            &r.objective_id,
            &known.objectives,
            "objective",
        );
        at.text("title", &r.title, 1, 200);
        at.choice(
            "metric",
            &r.metric,
            &["number", "percent", "currency", "milestone"],
        );
        at.text("unit_label", &r.unit_label, 0, 20);
        at.finite("start_value", r.start_value);
        at.finite("target_value", r.target_value);
        at.finite("current_value", r.current_value);
        if r.metric != "milestone" && r.target_value == r.start_value {
            at.fail("target_value", "equal to start_value: nothing to achieve");
        }
        at.refers("owner_id", &r.owner_id, &known.people, "person");
        if let Some(fallback) = &r.fallback {
            at.choice("fallback", fallback, &["delay", "proxy", "tracking"]);
        }
        at.text("proxy_name", &r.proxy_name, 0, 120);
        at.moment("created_at", &r.created_at);
        at.moment("updated_at", &r.updated_at);
        at.maybe_refers("kpi_id", r.kpi_id.as_ref(), &known.kpis, "KPI");
    }
    report.unique(&d.check_ins, "id", |r| r.id.clone());
    for (i, r) in d.check_ins.iter().enumerate() {
        let mut at = report.record::<CheckIn>(i);
        at.text_id(&r.id);
        at.refers(
            "key_result_id",
            &r.key_result_id,
            &known.key_results,
            "key result",
        );
        at.refers("author_id", &r.author_id, &known.people, "person");
        at.finite("value", r.value);
        at.between("confidence", r.confidence, 0, 10);
        at.text("progress", &r.progress, 0, 1000);
        at.text("problems", &r.problems, 0, 1000);
        at.text("plans", &r.plans, 0, 1000);
        at.date("checked_in_on", &r.checked_in_on);
        at.moment("created_at", &r.created_at);
    }
}

/// Closing notes and their earlier versions.
fn notes(d: &Document, known: &Known, report: &mut Report) {
    report.unique(&d.closing_notes, "id", |r| r.id);
    report.unique(&d.closing_notes, "objective_id", |r| r.objective_id.clone());
    for (i, r) in d.closing_notes.iter().enumerate() {
        let mut at = report.record::<ClosingNote>(i);
        at.id(r.id);
        at.refers(
            "objective_id",
            &r.objective_id,
            &known.objectives,
            "objective",
        );
        if !(0.0..=1.0).contains(&r.score) {
            at.fail("score", format!("{} is not between 0 and 1", r.score));
        }
        at.text("went_well", &r.went_well, 0, 4000);
        at.text("went_badly", &r.went_badly, 0, 4000);
        at.text("lessons", &r.lessons, 1, 4000);
        at.refers("author_id", &r.author_id, &known.people, "person");
        at.refers("updated_by", &r.updated_by, &known.people, "person");
        at.moment("created_at", &r.created_at);
        at.moment("updated_at", &r.updated_at);
    }
    report.unique(&d.closing_note_revisions, "note_id, version", |r| {
        (r.note_id, r.version)
    });
    for (i, r) in d.closing_note_revisions.iter().enumerate() {
        let mut at = report.record::<ClosingNoteRevision>(i);
        at.refers("note_id", &r.note_id, &known.notes, "closing note");
        at.finite("score", r.score);
        at.refers("written_by", &r.written_by, &known.people, "person");
        at.moment("written_at", &r.written_at);
    }
}
