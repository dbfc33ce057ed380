//! The demo's last quarter: closed objectives with their closing notes, so
//! the lessons-learned database has something to find on the first start
//! and a new objective on the board meets related lessons at once.

use app::domain::closing::Note;
use app::domain::okr::ObjectiveKind;
use app::error::{AppError, ssr::internal};
use app::lessons::ssr::{NoteOf, insert_note};
use std::collections::HashMap;

/// Unit, kind, title, score, what went well, what did not, lessons, tags.
type DemoNote = (
    &'static str,
    ObjectiveKind,
    &'static str,
    f64,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);

const NOTES: &[DemoNote] = &[
    (
        "Support",
        ObjectiveKind::Committed,
        "Answer every ticket within one business day",
        0.8,
        "A shared rota and a morning triage slot cut the backlog from 140 to 30 tickets.",
        "Holiday weeks broke the rota; nobody owned the overflow queue.",
        "Plan coverage for holidays before the quarter starts, and give the overflow queue a named owner.",
        "support, staffing",
    ),
    (
        "Platform",
        ObjectiveKind::Aspirational,
        "Halve the p95 latency of the public API",
        0.7,
        "Caching the permission lookups removed 40% of the latency in two weeks.",
        "We spent a month on a database migration that barely moved the p95.",
        "Profile before optimising: the slowest part was not where we assumed. Measure p95 per endpoint from day one.",
        "performance, measurement",
    ),
    (
        "Web",
        ObjectiveKind::Committed,
        "Launch the new onboarding flow",
        1.0,
        "Weekly usability sessions caught three confusing steps before launch.",
        "Copy reviews with legal took longer than the build.",
        "Start legal and copy reviews in the first week; onboarding changes need them every time.",
        "onboarding, launch",
    ),
    (
        "Discovery",
        ObjectiveKind::Aspirational,
        "Interview 40 customers about reporting needs",
        0.4,
        "The interviews we held changed the roadmap: exports matter more than dashboards.",
        "Recruiting interviewees was slow; the sales team had no time to introduce us.",
        "Book interviewees through the support team, who talk to customers daily, and keep a standing panel of volunteers.",
        "research, customers",
    ),
    (
        "Product",
        ObjectiveKind::Committed,
        "Ship a design system used by every product team",
        0.6,
        "Buttons, forms and colours are shared; new pages are faster to build.",
        "Teams kept local copies because updates broke their pages without warning.",
        "Version the design system and announce breaking changes; adoption follows trust, not mandates.",
        "design-system, adoption",
    ),
    (
        "Engineering",
        ObjectiveKind::Aspirational,
        "Cut onboarding time for new engineers to one week",
        0.9,
        "A scripted laptop setup and a buddy for the first week got people shipping on day three.",
        "Access requests still waited on three different approvers.",
        "Automate access with role-based groups; a buddy matters more than documentation.",
        "onboarding, hiring",
    ),
];

/// Seeds last quarter (`start` to `end`) with the objectives above, closed.
pub async fn seed_last_quarter(
    tx: &mut app::sql::Conn,
    unit_ids: &HashMap<&str, i64>,
    name: &str,
    start: time::Date,
    end: time::Date,
    author_id: i64,
) -> Result<(), AppError> {
    let cycle: i64 = sqlx::query_scalar(
        "INSERT INTO cycles (name, start_date, end_date) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(name)
    .bind(start.to_string())
    .bind(end.to_string())
    .fetch_one(&mut *tx)
    .await?;
    for (unit, kind, title, score, well, badly, lessons, tags) in NOTES {
        let unit = unit_ids
            .get(unit)
            .copied()
            .ok_or_else(|| internal("demo unit missing"))?;
        let id = app::objectives::new_client_id();
        sqlx::query(
            "INSERT INTO objectives (id, cycle_id, unit_id, title, kind, status, created_by, updated_by) \
             VALUES ($1, $2, $3, $4, $5, 'closed', $6, $7)",
        )
        .bind(&id)
        .bind(cycle)
        .bind(unit)
        .bind(title)
        .bind(kind.as_str())
        .bind(author_id)
        .bind(author_id)
        .execute(&mut *tx)
        .await?;
        let note = Note {
            score: *score,
            went_well: (*well).to_owned(),
            went_badly: (*badly).to_owned(),
            lessons: (*lessons).to_owned(),
            tags: app::domain::closing::parse_tags(tags).map_err(internal)?,
        };
        let of = NoteOf {
            objective_id: &id,
            title,
            kind: *kind,
            cycle_id: cycle,
            units: &[unit],
            author_id,
        };
        let note_id = insert_note(&mut *tx, &of, &note).await?;
        // Written during last quarter's retrospective, not today.
        let written = format!("{end}T16:00:00.000Z");
        sqlx::query("UPDATE closing_notes SET created_at = $1, updated_at = $2 WHERE id = $3")
            .bind(&written)
            .bind(&written)
            .bind(note_id)
            .execute(&mut *tx)
            .await?;
    }
    Ok(())
}
