//! People in the database. The rules that keep the program runnable live
//! here: emails are unique, and the last active ambassador can be neither
//! demoted nor deactivated.

use super::Person;
use crate::auth::{password, ssr::require_ambassador};
use crate::domain::{roles::Role, validation};
use crate::error::{AppError, ssr::internal};
use crate::live::SessionEnd;
use crate::live::ssr::Sessions;
use crate::state::{app_state, begin_write, pool};
use crate::units::parse_optional_id;
use std::collections::HashMap;

/// What the create form sends, before validation.
#[derive(Debug)]
pub struct NewPerson {
    pub name: String,
    pub email: String,
    pub role: Role,
    /// The unit to start in; empty for none.
    pub unit_id: String,
    pub password: String,
}

pub async fn list_people() -> Result<Vec<Person>, AppError> {
    require_ambassador().await?;
    fetch_people(&pool()?).await
}

async fn fetch_people(pool: &crate::sql::Pool) -> Result<Vec<Person>, AppError> {
    let rows: Vec<(i64, String, String, String, crate::sql::Flag)> = sqlx::query_as(
        "SELECT id, name, email, role, active FROM people ORDER BY active DESC, lower(name), id",
    )
    .fetch_all(pool)
    .await?;
    let mut memberships: HashMap<i64, Vec<i64>> = HashMap::new();
    let pairs: Vec<(i64, i64)> = sqlx::query_as("SELECT person_id, unit_id FROM memberships")
        .fetch_all(pool)
        .await?;
    for (person, unit) in pairs {
        memberships.entry(person).or_default().push(unit);
    }
    rows.into_iter()
        .map(|(id, name, email, role, crate::sql::Flag(active))| {
            Ok(Person {
                id,
                name,
                email,
                role: role.parse().map_err(internal)?,
                active,
                unit_ids: memberships.remove(&id).unwrap_or_default(),
            })
        })
        .collect()
}

#[tracing::instrument(skip(new), fields(role = %new.role))]
pub async fn create_person(new: NewPerson) -> Result<Person, AppError> {
    require_ambassador().await?;
    let name = validation::person_name(&new.name).map_err(|m| AppError::invalid("name", m))?;
    let email = validation::email(&new.email).map_err(|m| AppError::invalid("email", m))?;
    let unit_id = parse_optional_id("unit_id", &new.unit_id)?;
    let password =
        validation::new_password(&new.password).map_err(|m| AppError::invalid("password", m))?;
    let hash = password::hash(password).await?;

    let mut tx = begin_write().await?;
    let id = insert_person(&mut tx, &name, &email, new.role, &hash).await?;
    if let Some(unit_id) = unit_id {
        insert_membership(&mut tx, id, unit_id, "unit_id").await?;
    }
    tx.commit().await?;
    tracing::info!(person = id, "person created");
    Ok(Person {
        id,
        name,
        email,
        role: new.role,
        active: true,
        unit_ids: unit_id.into_iter().collect(),
    })
}

/// Inserts an account; a taken email is a field error, not a crash. Shared
/// with the command line and the demo data.
pub async fn insert_person(
    db: &mut crate::sql::Conn,
    name: &str,
    email: &str,
    role: Role,
    password_hash: &str,
) -> Result<i64, AppError> {
    let taken: Option<i64> = sqlx::query_scalar("SELECT id FROM people WHERE email = $1")
        .bind(email)
        .fetch_optional(&mut *db)
        .await?;
    if taken.is_some() {
        return Err(AppError::invalid(
            "email",
            "Someone already has an account with this email.",
        ));
    }
    Ok(sqlx::query_scalar(
        "INSERT INTO people (name, email, role, password_hash) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(name)
    .bind(email)
    .bind(role.as_str())
    .bind(password_hash)
    .fetch_one(&mut *db)
    .await?)
}

#[tracing::instrument]
pub async fn change_role(person_id: i64, role: Role) -> Result<(), AppError> {
    require_ambassador().await?;
    let mut tx = begin_write().await?;
    let (current, active) = fetch_role(&mut tx, person_id).await?;
    if current == Role::Ambassador && role != Role::Ambassador && active {
        ensure_another_ambassador(
            &mut tx,
            person_id,
            "Make someone else ambassador before changing this role.",
        )
        .await?;
    }
    sqlx::query("UPDATE people SET role = $1 WHERE id = $2")
        .bind(role.as_str())
        .bind(person_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    tracing::info!(person = person_id, %role, "role changed");
    if current != role {
        // Their open pages offer what the old role allowed: close their
        // sockets, so the pages say so and ask for a reload.
        app_state()?
            .fanout
            .end_sessions(person_id, Sessions::All, SessionEnd::RoleChanged);
    }
    Ok(())
}

#[tracing::instrument]
pub async fn set_active(person_id: i64, active: bool) -> Result<(), AppError> {
    let caller = require_ambassador().await?;
    if caller.id == person_id && !active {
        return Err(AppError::Conflict(
            "You cannot deactivate your own account.".into(),
        ));
    }
    let mut tx = begin_write().await?;
    let (role, _) = fetch_role(&mut tx, person_id).await?;
    if role == Role::Ambassador && !active {
        ensure_another_ambassador(
            &mut tx,
            person_id,
            "Make someone else ambassador before deactivating this account.",
        )
        .await?;
    }
    sqlx::query("UPDATE people SET active = $1 WHERE id = $2")
        .bind(active)
        .bind(person_id)
        .execute(&mut *tx)
        .await?;
    if !active {
        // Every session ends for good: reactivation does not revive one
        // that sat idle meanwhile.
        crate::auth::ssr::end_other_sessions(&mut tx, person_id).await?;
    }
    tx.commit().await?;
    tracing::info!(person = person_id, active, "activation changed");
    if !active {
        app_state()?
            .fanout
            .end_sessions(person_id, Sessions::All, SessionEnd::Deactivated);
    }
    Ok(())
}

#[tracing::instrument]
pub async fn add_membership(person_id: i64, unit_id: &str) -> Result<(), AppError> {
    require_ambassador().await?;
    let Some(unit_id) = parse_optional_id("unit_id", unit_id)? else {
        return Err(AppError::invalid("unit_id", "Choose a unit."));
    };
    let mut tx = begin_write().await?;
    fetch_role(&mut tx, person_id).await?;
    insert_membership(&mut tx, person_id, unit_id, "unit_id").await?;
    tx.commit().await?;
    Ok(())
}

#[tracing::instrument]
pub async fn remove_membership(person_id: i64, unit_id: i64) -> Result<(), AppError> {
    require_ambassador().await?;
    // A write like any other: a change checking this membership's rights
    // either commits before it or sees it gone.
    let mut tx = begin_write().await?;
    sqlx::query("DELETE FROM memberships WHERE person_id = $1 AND unit_id = $2")
        .bind(person_id)
        .bind(unit_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Adds a membership; adding one that exists is a no-op, so a retry is harmless.
pub async fn insert_membership(
    db: &mut crate::sql::Conn,
    person_id: i64,
    unit_id: i64,
    field: &str,
) -> Result<(), AppError> {
    let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM units WHERE id = $1")
        .bind(unit_id)
        .fetch_optional(&mut *db)
        .await?;
    if exists.is_none() {
        return Err(AppError::invalid(
            field,
            "That unit no longer exists; reload the page.",
        ));
    }
    sqlx::query(
        "INSERT INTO memberships (person_id, unit_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
    )
    .bind(person_id)
    .bind(unit_id)
    .execute(&mut *db)
    .await?;
    Ok(())
}

async fn fetch_role(db: &mut crate::sql::Conn, person_id: i64) -> Result<(Role, bool), AppError> {
    let row: Option<(String, crate::sql::Flag)> =
        sqlx::query_as("SELECT role, active FROM people WHERE id = $1")
            .bind(person_id)
            .fetch_optional(&mut *db)
            .await?;
    let (role, crate::sql::Flag(active)) =
        row.ok_or_else(|| AppError::NotFound("That person".into()))?;
    Ok((role.parse().map_err(internal)?, active))
}

/// The program always keeps one active ambassador, or nobody could administer it.
async fn ensure_another_ambassador(
    db: &mut crate::sql::Conn,
    except: i64,
    message: &str,
) -> Result<(), AppError> {
    let others: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM people WHERE role = 'ambassador' AND active = TRUE AND id != $1",
    )
    .bind(except)
    .fetch_one(&mut *db)
    .await?;
    if others == 0 {
        Err(AppError::Conflict(format!(
            "This is the last active ambassador. {message}"
        )))
    } else {
        Ok(())
    }
}
