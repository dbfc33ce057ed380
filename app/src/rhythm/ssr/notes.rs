//! An agenda's shared notes, one per meeting date: who may write them, and
//! saving them without overwriting someone else's.

use super::super::{AgendaNote, AgendaNotes, MAX_NOTES};
use crate::auth::ssr::require_caller;
use crate::domain::permissions::{self, Actor};
use crate::domain::rhythm::AgendaKey;
use crate::domain::units::UnitTree;
use crate::error::{AppError, ssr::internal};
use crate::objectives::ssr::{actor_of, forbidden};
use crate::org::load_tree;
use crate::sql::Conn;
use crate::state::{begin_write, pool};
use time::Date;

/// `person` as permissions see them (their role, their units, what they
/// lead); `NotFound` when nobody active is `person`.
pub async fn person_actor(db: &mut Conn, tree: &UnitTree, person: i64) -> Result<Actor, AppError> {
    let role: String =
        sqlx::query_scalar("SELECT role FROM people WHERE id = $1 AND active = TRUE")
            .bind(person)
            .fetch_optional(&mut *db)
            .await?
            .ok_or_else(|| AppError::NotFound("That person".into()))?;
    let units: Vec<i64> =
        sqlx::query_scalar("SELECT unit_id FROM memberships WHERE person_id = $1 ORDER BY unit_id")
            .bind(person)
            .fetch_all(&mut *db)
            .await?;
    Ok(Actor::new(
        person,
        role.parse().map_err(internal)?,
        units,
        tree,
    ))
}

/// Checks the agenda names something that exists, and returns its person
/// for a one-on-one.
pub async fn subject_of(
    db: &mut Conn,
    tree: &UnitTree,
    key: AgendaKey,
) -> Result<Option<Actor>, AppError> {
    match key {
        AgendaKey::OneOnOne(person) => Ok(Some(person_actor(db, tree, person).await?)),
        AgendaKey::Weekly(unit) | AgendaKey::Review(Some(unit)) if tree.get(unit).is_none() => {
            Err(AppError::NotFound("That unit".into()))
        }
        _ => Ok(None),
    }
}

/// The notes of `key`'s meeting on `meeting_on` and of the one before.
pub async fn load(
    db: &mut Conn,
    key: AgendaKey,
    meeting_on: Date,
    may_write: bool,
) -> Result<AgendaNotes, AppError> {
    let agenda = key.to_string();
    let day = meeting_on.to_string();
    let note = |row: Option<(String, String, i64, String)>| {
        row.map(|(meeting_on, body, version, by)| AgendaNote {
            meeting_on,
            body,
            version,
            by,
        })
    };
    const SELECT: &str = "SELECT n.meeting_on, n.body, n.version, p.name FROM agenda_notes n \
         JOIN people p ON p.id = n.updated_by WHERE n.agenda = $1";
    let current = sqlx::query_as(&format!("{SELECT} AND n.meeting_on = $2"))
        .bind(&agenda)
        .bind(&day)
        .fetch_optional(&mut *db)
        .await?;
    let previous = sqlx::query_as(&format!(
        "{SELECT} AND n.meeting_on < $2 AND n.body <> '' ORDER BY n.meeting_on DESC LIMIT 1"
    ))
    .bind(&agenda)
    .bind(&day)
    .fetch_optional(&mut *db)
    .await?;
    Ok(AgendaNotes {
        agenda,
        meeting_on: day,
        current: note(current),
        previous: note(previous),
        may_write,
    })
}

/// Whether `actor` may write `key`'s notes (`person`: a one-on-one's).
pub fn may_write(actor: &Actor, key: AgendaKey, person: Option<&Actor>, tree: &UnitTree) -> bool {
    permissions::check_agenda_notes(actor, key, person, tree).is_ok()
}

#[tracing::instrument(skip(body))]
pub async fn save(
    agenda: &str,
    meeting_on: &str,
    version: &str,
    body: &str,
) -> Result<AgendaNote, AppError> {
    let caller = require_caller().await?;
    let key: AgendaKey = agenda.parse().map_err(|m| AppError::invalid("agenda", m))?;
    let day = crate::cycles::parse_date("meeting_on", meeting_on)?;
    let version = crate::units::parse_optional_id("version", version)?;
    let body = body.trim();
    if body.chars().count() > MAX_NOTES {
        return Err(AppError::invalid(
            "body",
            format!("Keep the notes under {MAX_NOTES} characters."),
        ));
    }
    let tree = load_tree(&pool()?).await?;
    let mut tx = begin_write().await?;
    let actor = actor_of(&mut tx, &caller, &tree).await?;
    let person = subject_of(&mut tx, &tree, key).await?;
    permissions::check_agenda_notes(&actor, key, person.as_ref(), &tree).map_err(forbidden)?;
    let now = crate::sql::now();
    let saved = match version {
        None => {
            sqlx::query_scalar::<_, i64>(
                "INSERT INTO agenda_notes (agenda, meeting_on, body, updated_by, updated_at) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (agenda, meeting_on) DO NOTHING RETURNING version",
            )
            .bind(key.to_string())
            .bind(day.to_string())
            .bind(body)
            .bind(caller.id)
            .bind(&now)
            .fetch_optional(&mut *tx)
            .await?
        }
        Some(version) => {
            sqlx::query_scalar(
                "UPDATE agenda_notes SET body = $1, version = version + 1, updated_by = $2, updated_at = $3 \
                 WHERE agenda = $4 AND meeting_on = $5 AND version = $6 RETURNING version",
            )
            .bind(body)
            .bind(caller.id)
            .bind(&now)
            .bind(key.to_string())
            .bind(day.to_string())
            .bind(version)
            .fetch_optional(&mut *tx)
            .await?
        }
    };
    // A retry of a save that was applied: the same text, by the same person,
    // one version on.
    let saved = match saved {
        Some(version) => Some(version),
        None => {
            let stored: Option<(String, i64, i64)> = sqlx::query_as(
                "SELECT body, version, updated_by FROM agenda_notes WHERE agenda = $1 AND meeting_on = $2",
            )
            .bind(key.to_string())
            .bind(day.to_string())
            .fetch_optional(&mut *tx)
            .await?;
            stored
                .filter(|(stored, now, by)| {
                    stored == body && *by == caller.id && *now == version.map_or(1, |v| v + 1)
                })
                .map(|(_, now, _)| now)
        }
    };
    let Some(version) = saved else {
        return Err(AppError::Conflict(
            "Someone else saved notes for this meeting while you were writing. Theirs are shown above; \
             what you typed is still here — merge the two and save again."
                .into(),
        ));
    };
    tx.commit().await?;
    tracing::info!(agenda = %key, on = %day, version, "agenda notes saved");
    Ok(AgendaNote {
        meeting_on: day.to_string(),
        body: body.to_owned(),
        version,
        by: caller.name,
    })
}

/// The notes of `key`'s meeting on `meeting_on` and of the one before, for
/// someone who may read that agenda.
pub async fn read(agenda: &str, meeting_on: &str) -> Result<AgendaNotes, AppError> {
    let key: AgendaKey = agenda.parse().map_err(|m| AppError::invalid("agenda", m))?;
    let day = crate::cycles::parse_date("meeting_on", meeting_on)?;
    let mut db = pool()?.acquire().await?;
    let (_, tree, actor) = crate::objectives::ssr::asking(&mut db).await?;
    let person = subject_of(&mut db, &tree, key).await?;
    if let Some(person) = &person {
        permissions::check_one_on_one(&actor, person, &tree).map_err(forbidden)?;
    }
    let writes = may_write(&actor, key, person.as_ref(), &tree);
    load(&mut db, key, day, writes).await
}
