//! The rules of the organisation's own tables: settings, units, people and
//! their memberships, office screens, cycles with their scope,
//! communication plans and agenda notes, KPIs with their API tokens,
//! readings and recoveries. Each mirrors a constraint of the migrations,
//! or what Northstar reads back.

use super::Document;
use super::check::{Known, Report, To};
use app::auth::password::NO_PASSWORD;

pub fn rules(d: &Document, known: &Known, report: &mut Report) {
    people(d, known, report);
    rhythm(d, known, report);
    kpis(d, known, report);
}

/// The case-insensitive form of a name or email, as the unique indexes
/// compare them (`NOCASE`; ICU's case folding on PostgreSQL).
fn folded(text: &str) -> String {
    text.to_lowercase()
}

/// Settings, units, people, memberships, office screens.
fn people(d: &Document, known: &Known, report: &mut Report) {
    report.unique(&d.settings, "key", |r| r.key.clone());
    report.unique(&d.units, "id", |r| r.id);
    report.unique(&d.units, "parent_id, name", |r| {
        (r.parent_id, folded(&r.name))
    });
    report.circles(&d.units, "parent_id", |r| (r.id, r.parent_id));
    report.each(&d.units, known, |at, r| {
        at.id(r.id);
        at.text("name", &r.name, 1, 80);
        at.maybe_refers("parent_id", r.parent_id.map(To::Unit));
        at.moment("created_at", &r.created_at);
    });
    report.unique(&d.people, "id", |r| r.id);
    report.unique(&d.people, "email", |r| folded(&r.email));
    report.each(&d.people, known, |at, r| {
        at.id(r.id);
        at.text("email", &r.email, 1, 254);
        at.text("name", &r.name, 1, 100);
        at.choice("role", &r.role, &["ambassador", "lead", "member"]);
        if let Some(hash) = &r.password_hash
            && hash != NO_PASSWORD
            && argon2::PasswordHash::new(hash).is_err()
        {
            at.fail("password_hash", "not a password hash (a PHC string)");
        }
        at.at_least("session_epoch", r.session_epoch, 0);
        at.moment("created_at", &r.created_at);
    });
    if !d.people.is_empty() && !d.people.iter().any(|p| p.role == "ambassador" && p.active) {
        report.problem(
            "people".into(),
            "no active ambassador: nobody could run the organisation after the import".into(),
        );
    }
    report.unique(&d.memberships, "person_id, unit_id", |r| {
        (r.person_id, r.unit_id)
    });
    report.each(&d.memberships, known, |at, r| {
        at.refers("person_id", To::Person(r.person_id));
        at.refers("unit_id", To::Unit(r.unit_id));
    });
    report.unique(&d.office_screens, "id", |r| r.id);
    report.each(&d.office_screens, known, |at, r| {
        at.id(r.id);
        at.text("name", &r.name, 1, 80);
        at.between("rotate_seconds", r.rotate_seconds, 5, 600);
        at.refers("created_by", To::Person(r.created_by));
        at.moment("created_at", &r.created_at);
        at.maybe_moment("revoked_at", r.revoked_at.as_ref());
        at.maybe_moment("last_connected_at", r.last_connected_at.as_ref());
    });
}

/// Cycles, their scope, communication plans and agenda notes.
fn rhythm(d: &Document, known: &Known, report: &mut Report) {
    report.unique(&d.cycles, "id", |r| r.id);
    report.each(&d.cycles, known, |at, r| {
        at.id(r.id);
        at.text("name", &r.name, 1, 80);
        at.date("start_date", &r.start_date);
        at.date("end_date", &r.end_date);
        if r.end_date <= r.start_date {
            let message = format!("{} is not after start_date {}", r.end_date, r.start_date);
            at.fail("end_date", message);
        }
        at.between("planning_days", r.planning_days, 0, 60);
        at.between("retro_days", r.retro_days, 0, 60);
        at.at_least("board_version", r.board_version, 0);
        at.moment("created_at", &r.created_at);
        at.maybe_moment("completed_at", r.completed_at.as_ref());
        at.maybe_refers("completed_by", r.completed_by.map(To::Person));
    });
    report.unique(&d.cycle_units_out, "cycle_id, unit_id", |r| {
        (r.cycle_id, r.unit_id)
    });
    report.each(&d.cycle_units_out, known, |at, r| {
        at.refers("cycle_id", To::Cycle(r.cycle_id));
        at.refers("unit_id", To::Unit(r.unit_id));
    });
    report.unique(&d.plan_meetings, "id", |r| r.id);
    report.unique_set(&d.plan_meetings, "client_id", |r| r.client_id.clone());
    report.each(&d.plan_meetings, known, |at, r| {
        at.id(r.id);
        at.refers("cycle_id", To::Cycle(r.cycle_id));
        let kinds = [
            "all_hands",
            "department_review",
            "team_weekly",
            "one_on_one",
            "planning_workshop",
            "retrospective",
            "custom",
        ];
        at.choice("kind", &r.kind, &kinds);
        at.text(
            "custom_name",
            &r.custom_name,
            usize::from(r.kind == "custom"),
            80,
        );
        let levels = ["organisation", "department", "team", "person"];
        at.choice("level", &r.level, &levels);
        at.maybe_refers("unit_id", r.unit_id.map(To::Unit));
        let frequencies = [
            "weekly",
            "fortnightly",
            "monthly",
            "planning",
            "retrospective",
        ];
        at.choice("frequency", &r.frequency, &frequencies);
        at.between("weekday", r.weekday, 1, 7);
        at.text("format", &r.format, 0, 200);
        at.text("owner", &r.owner, 0, 80);
        at.text("points", &r.points, 0, 2000);
        at.refers("created_by", To::Person(r.created_by));
        at.refers("updated_by", To::Person(r.updated_by));
        at.moment("updated_at", &r.updated_at);
    });
    report.unique(&d.agenda_notes, "agenda, meeting_on", |r| {
        (r.agenda.clone(), r.meeting_on.clone())
    });
    report.each(&d.agenda_notes, known, |at, r| {
        at.text("agenda", &r.agenda, 1, 40);
        at.date("meeting_on", &r.meeting_on);
        at.text("body", &r.body, 0, 2000);
        at.refers("updated_by", To::Person(r.updated_by));
        at.moment("updated_at", &r.updated_at);
    });
}

/// Where a reading came from.
const SOURCES: &[&str] = &["form", "csv", "api"];

/// KPIs, the API tokens that push readings, readings and recoveries.
fn kpis(d: &Document, known: &Known, report: &mut Report) {
    report.unique(&d.kpis, "id", |r| r.id);
    report.unique(&d.kpis, "unit_id, name", |r| (r.unit_id, folded(&r.name)));
    report.each(&d.kpis, known, |at, r| {
        at.id(r.id);
        at.text("name", &r.name, 1, 120);
        at.text("description", &r.description, 0, 2000);
        at.text("unit_label", &r.unit_label, 0, 20);
        at.refers("unit_id", To::Unit(r.unit_id));
        at.refers("owner_id", To::Person(r.owner_id));
        at.choice("direction", &r.direction, &["higher", "lower"]);
        at.finite("healthy", r.healthy);
        at.finite("critical", r.critical);
        let ordered = match r.direction.as_str() {
            "higher" => r.healthy > r.critical,
            "lower" => r.healthy < r.critical,
            _ => true,
        };
        if !ordered {
            let (critical, healthy) = (r.critical, r.healthy);
            let message = format!("{critical} is not past healthy {healthy} ({})", r.direction);
            at.fail("critical", message);
        }
        at.choice("cadence", &r.cadence, &["daily", "weekly", "monthly"]);
        at.date("made_on", &r.made_on);
        at.refers("created_by", To::Person(r.created_by));
        at.moment("created_at", &r.created_at);
        at.moment("updated_at", &r.updated_at);
    });
    report.unique(&d.api_tokens, "id", |r| r.id);
    report.each(&d.api_tokens, known, |at, r| {
        at.id(r.id);
        at.text("name", &r.name, 1, 80);
        at.choice("scope", &r.scope, &["kpi:write", "read"]);
        at.maybe_refers("kpi_id", r.kpi_id.map(To::Kpi));
        if r.scope == "read" && r.kpi_id.is_some() {
            at.fail("kpi_id", "a read token names no KPI");
        }
        at.refers("created_by", To::Person(r.created_by));
        at.moment("created_at", &r.created_at);
        at.maybe_moment("revoked_at", r.revoked_at.as_ref());
        at.maybe_moment("last_used_at", r.last_used_at.as_ref());
    });
    report.unique(&d.kpi_readings, "kpi_id, read_on", |r| {
        (r.kpi_id, r.read_on.clone())
    });
    report.each(&d.kpi_readings, known, |at, r| {
        at.refers("kpi_id", To::Kpi(r.kpi_id));
        at.date("read_on", &r.read_on);
        at.finite("value", r.value);
        at.text("note", &r.note, 0, 500);
        at.choice("source", &r.source, SOURCES);
        at.maybe_refers("person_id", r.person_id.map(To::Person));
        at.maybe_refers("token_id", r.token_id.map(To::Token));
        at.moment("recorded_at", &r.recorded_at);
    });
    report.unique(&d.kpi_reading_history, "id", |r| r.id);
    report.each(&d.kpi_reading_history, known, |at, r| {
        at.id(r.id);
        at.refers("kpi_id", To::Kpi(r.kpi_id));
        at.date("read_on", &r.read_on);
        at.finite("value", r.value);
        at.choice("source", &r.source, SOURCES);
        at.maybe_refers("person_id", r.person_id.map(To::Person));
        at.maybe_refers("token_id", r.token_id.map(To::Token));
        at.moment("recorded_at", &r.recorded_at);
        at.moment("replaced_at", &r.replaced_at);
    });
    report.unique(&d.kpi_recoveries, "kpi_id, read_on", |r| {
        (r.kpi_id, r.read_on.clone())
    });
    report.each(&d.kpi_recoveries, known, |at, r| {
        at.refers("kpi_id", To::Kpi(r.kpi_id));
        at.date("read_on", &r.read_on);
        at.moment("recovered_at", &r.recovered_at);
    });
}
