//! One serde type per table, field for column, as the export document holds
//! them: read from the database with `FromRow`, written back with
//! [`Table::bind`] in the order of [`Table::COLUMNS`]. The column list is
//! written once, in the [`table!`] invocation, so a query and its binds
//! cannot disagree.
//!
//! They are apart from the features' own row types on purpose, though
//! some list the same columns: the document is a format with a version,
//! which a change to how a feature reads its rows must not change.
//!
//! Columns the document leaves out are `#[serde(skip)]`: secret digests
//! (screens, API tokens) and the lessons index's filter tokens (`facets`),
//! which the import makes anew.

use app::sql::{Db, Flag};
use serde::{Deserialize, Serialize};
use sqlx::any::{AnyArguments, AnyRow};
use std::cmp::Ordering;

/// A query with its binds so far.
pub type Query<'q> = sqlx::query::Query<'q, Db, AnyArguments<'q>>;

/// A table as the document carries it.
pub trait Table:
    Serialize + for<'de> Deserialize<'de> + for<'r> sqlx::FromRow<'r, AnyRow> + Send + Unpin
{
    /// The table's name, which is also its key in the document.
    const NAME: &'static str;
    /// Every column read and written, in the order [`Table::bind`] binds them.
    const COLUMNS: &'static [&'static str];
    /// Binds this row's columns, in the order of [`Table::COLUMNS`].
    fn bind<'q>(&self, query: Query<'q>) -> Query<'q>;
    /// The document's order of rows: by primary key (byte order for text),
    /// so two exports of the same data are the same bytes on either engine.
    fn order(&self, other: &Self) -> Ordering;
    /// The row's key, to name it in a message (`id 5`).
    fn key(&self) -> String;
}

/// A row type with its table's name, columns, binds and order.
macro_rules! table {
    (
        $(#[$meta:meta])*
        $name:ident in $table:literal by ($($key:ident),+) {
            $( $(#[$field_meta:meta])* $field:ident : $ty:ty ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow)]
        #[serde(deny_unknown_fields)]
        pub struct $name {
            $( $(#[$field_meta])* pub $field: $ty, )*
        }

        impl Table for $name {
            const NAME: &'static str = $table;
            const COLUMNS: &'static [&'static str] = &[$(stringify!($field)),*];

            fn bind<'q>(&self, query: Query<'q>) -> Query<'q> {
                $( let query = query.bind(self.$field.clone()); )*
                query
            }

            fn order(&self, other: &Self) -> Ordering {
                ($(&self.$key,)+).cmp(&($(&other.$key,)+))
            }

            fn key(&self) -> String {
                [$(format!("{} {:?}", stringify!($key), self.$key)),+].join(", ")
            }
        }
    };
}

table! {
    /// The organisation's settings (`stretch_phase`).
    Setting in "settings" by (key) {
        key: String,
        value: String,
    }
}

table! {
    Unit in "units" by (id) {
        id: i64,
        name: String,
        parent_id: Option<i64>,
        created_at: String,
    }
}

table! {
    Person in "people" by (id) {
        id: i64,
        email: String,
        name: String,
        role: String,
        /// The argon2id PHC string; in the document only with
        /// `--with-passwords`. Missing on import: the account has no
        /// password until one is set (`app::auth::password::NO_PASSWORD`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        password_hash: Option<String>,
        #[sqlx(try_from = "Flag")]
        active: bool,
        session_epoch: i64,
        created_at: String,
    }
}

table! {
    Membership in "memberships" by (person_id, unit_id) {
        person_id: i64,
        unit_id: i64,
    }
}

table! {
    Cycle in "cycles" by (id) {
        id: i64,
        name: String,
        start_date: String,
        end_date: String,
        planning_days: i64,
        retro_days: i64,
        board_version: i64,
        created_at: String,
        #[sqlx(try_from = "Flag")]
        plan_started: bool,
        completed_at: Option<String>,
        completed_by: Option<i64>,
    }
}

table! {
    /// A unit the ambassador left out of a cycle.
    CycleUnitOut in "cycle_units_out" by (cycle_id, unit_id) {
        cycle_id: i64,
        unit_id: i64,
    }
}

table! {
    /// A meeting of a cycle's communication plan.
    PlanMeeting in "plan_meetings" by (id) {
        id: i64,
        cycle_id: i64,
        kind: String,
        custom_name: String,
        level: String,
        unit_id: Option<i64>,
        frequency: String,
        weekday: i64,
        format: String,
        owner: String,
        points: String,
        position: i64,
        version: i64,
        created_by: i64,
        updated_by: i64,
        updated_at: String,
        client_id: Option<String>,
    }
}

table! {
    AgendaNote in "agenda_notes" by (agenda, meeting_on) {
        agenda: String,
        meeting_on: String,
        body: String,
        version: i64,
        updated_by: i64,
        updated_at: String,
    }
}

table! {
    Kpi in "kpis" by (id) {
        id: i64,
        name: String,
        description: String,
        unit_label: String,
        unit_id: i64,
        owner_id: i64,
        direction: String,
        healthy: f64,
        critical: f64,
        cadence: String,
        made_on: String,
        version: i64,
        created_by: i64,
        created_at: String,
        updated_at: String,
    }
}

table! {
    /// An API token without its secret: readings name the token that
    /// pushed them. Its digest stays behind; the import stores the digest
    /// of a new random token nobody holds, so the ambassador makes a new one.
    ApiToken in "api_tokens" by (id) {
        id: i64,
        name: String,
        #[serde(skip)]
        token_hash: String,
        scope: String,
        kpi_id: Option<i64>,
        created_by: i64,
        created_at: String,
        revoked_at: Option<String>,
        last_used_at: Option<String>,
    }
}

table! {
    KpiReading in "kpi_readings" by (kpi_id, read_on) {
        kpi_id: i64,
        read_on: String,
        value: f64,
        note: String,
        source: String,
        person_id: Option<i64>,
        token_id: Option<i64>,
        recorded_at: String,
    }
}

table! {
    /// A reading replaced by a later one for the same date.
    KpiReadingReplaced in "kpi_reading_history" by (id) {
        id: i64,
        kpi_id: i64,
        read_on: String,
        value: f64,
        note: String,
        source: String,
        person_id: Option<i64>,
        token_id: Option<i64>,
        recorded_at: String,
        replaced_at: String,
    }
}

table! {
    KpiRecovery in "kpi_recoveries" by (kpi_id, read_on) {
        kpi_id: i64,
        read_on: String,
        recovered_at: String,
    }
}

table! {
    Objective in "objectives" by (id) {
        id: String,
        cycle_id: i64,
        unit_id: i64,
        title: String,
        description: String,
        why_important: String,
        why_urgent: String,
        kind: String,
        status: String,
        version: i64,
        created_by: i64,
        updated_by: i64,
        created_at: String,
        updated_at: String,
        decision_owner_id: Option<i64>,
        no_retro_reason: Option<String>,
        no_retro_by: Option<i64>,
        carried_from: Option<String>,
    }
}

table! {
    /// A further unit of a shared objective, invited or accepted.
    ObjectiveUnit in "objective_units" by (objective_id, unit_id) {
        objective_id: String,
        unit_id: i64,
        state: String,
        invited_by: Option<i64>,
        answered_by: Option<i64>,
    }
}

table! {
    ObjectiveCommitment in "objective_commitments" by (objective_id, unit_id) {
        objective_id: String,
        unit_id: i64,
        text: String,
        updated_by: i64,
    }
}

table! {
    /// `objective_id` supports `supports_id`.
    ObjectiveLink in "objective_links" by (objective_id, supports_id) {
        objective_id: String,
        supports_id: String,
        created_by: i64,
        created_at: String,
    }
}

table! {
    ObjectiveHistory in "objective_history" by (id) {
        id: i64,
        objective_id: String,
        person_id: i64,
        text: String,
        created_at: String,
    }
}

table! {
    MergedObjective in "merged_objectives" by (old_id) {
        old_id: String,
        into_id: String,
        old_title: String,
        merged_by: i64,
        merged_at: String,
    }
}

table! {
    /// Two objectives someone said are different goals.
    OverlapDismissal in "overlap_dismissals" by (first_id, second_id) {
        first_id: String,
        second_id: String,
        dismissed_by: i64,
        created_at: String,
    }
}

table! {
    KeyResult in "key_results" by (id) {
        id: String,
        objective_id: String,
        title: String,
        metric: String,
        unit_label: String,
        start_value: f64,
        target_value: f64,
        current_value: f64,
        owner_id: i64,
        #[sqlx(try_from = "Flag")]
        source_identified: bool,
        #[sqlx(try_from = "Flag")]
        baseline_known: bool,
        #[sqlx(try_from = "Flag")]
        data_owner: bool,
        #[sqlx(try_from = "Flag")]
        update_frequency: bool,
        #[sqlx(try_from = "Flag")]
        reliable: bool,
        fallback: Option<String>,
        proxy_name: String,
        position: i64,
        version: i64,
        created_at: String,
        updated_at: String,
        kpi_id: Option<i64>,
    }
}

table! {
    CheckIn in "check_ins" by (id) {
        id: String,
        key_result_id: String,
        author_id: i64,
        value: f64,
        confidence: i64,
        progress: String,
        problems: String,
        plans: String,
        checked_in_on: String,
        created_at: String,
    }
}

table! {
    /// A closing note. Its tags are also its `closing_note_tags` rows and
    /// its search index entry, both made anew by the import.
    ClosingNote in "closing_notes" by (id) {
        id: i64,
        objective_id: String,
        title: String,
        score: f64,
        #[sqlx(try_from = "Flag")]
        achieved: bool,
        went_well: String,
        went_badly: String,
        lessons: String,
        tags: String,
        /// The index's filter tokens, computed from the objective's cycle
        /// and units, `achieved` and the tags (`app::lessons::ssr::facets`).
        #[serde(skip)]
        facets: String,
        author_id: i64,
        updated_by: i64,
        version: i64,
        created_at: String,
        updated_at: String,
    }
}

table! {
    /// An earlier version of a closing note.
    ClosingNoteRevision in "closing_note_revisions" by (note_id, version) {
        note_id: i64,
        version: i64,
        score: f64,
        went_well: String,
        went_badly: String,
        lessons: String,
        tags: String,
        written_by: i64,
        written_at: String,
    }
}

table! {
    /// An office screen without its token: the import stores the digest of
    /// a new random token nobody holds, so each TV needs a new address.
    OfficeScreen in "office_screens" by (id) {
        id: i64,
        name: String,
        #[serde(skip)]
        token_hash: String,
        rotate_seconds: i64,
        created_by: i64,
        created_at: String,
        revoked_at: Option<String>,
        last_connected_at: Option<String>,
    }
}
