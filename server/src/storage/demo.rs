//! The demo organisation `--demo` seeds into an empty database: a few
//! departments and teams, and people in every role, all with one password.

use app::auth::password;
use app::domain::roles::Role;
use app::error::AppError;
use app::people::ssr::{insert_membership, insert_person};
use sqlx::SqlitePool;

/// The password of every demo account (also in the README).
pub const DEMO_PASSWORD: &str = "northstar-demo";
/// The demo ambassador, who can open the administration.
pub const DEMO_AMBASSADOR: &str = "maya@northstar.demo";

/// Departments and their teams.
const UNITS: &[(&str, &[&str])] = &[
    ("Product", &["Discovery", "Design"]),
    ("Engineering", &["Platform", "Web"]),
    ("Customer Success", &["Support"]),
];

/// Name, email, role, units.
const PEOPLE: &[(&str, &str, Role, &[&str])] = &[
    (
        "Maya Lindqvist",
        DEMO_AMBASSADOR,
        Role::Ambassador,
        &["Product"],
    ),
    (
        "Jonas Berg",
        "jonas@northstar.demo",
        Role::Lead,
        &["Platform"],
    ),
    (
        "Priya Nair",
        "priya@northstar.demo",
        Role::Member,
        &["Platform"],
    ),
    ("Tomás Ortega", "tomas@northstar.demo", Role::Lead, &["Web"]),
    (
        "Lea Fischer",
        "lea@northstar.demo",
        Role::Member,
        &["Web", "Design"],
    ),
    ("Sam Okafor", "sam@northstar.demo", Role::Lead, &["Support"]),
    (
        "Noor Haddad",
        "noor@northstar.demo",
        Role::Member,
        &["Discovery"],
    ),
];

/// Seeds the demo organisation if the database holds no people and no
/// units; returns whether it did. Never touches a database with data.
pub async fn seed_if_empty(pool: &SqlitePool) -> Result<bool, AppError> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let existing: i64 =
        sqlx::query_scalar("SELECT (SELECT COUNT(*) FROM people) + (SELECT COUNT(*) FROM units)")
            .fetch_one(&mut *tx)
            .await?;
    if existing > 0 {
        return Ok(false);
    }
    let mut unit_ids = std::collections::HashMap::new();
    for (department, teams) in UNITS {
        let id: i64 = sqlx::query_scalar("INSERT INTO units (name) VALUES (?) RETURNING id")
            .bind(department)
            .fetch_one(&mut *tx)
            .await?;
        unit_ids.insert(*department, id);
        for team in *teams {
            let team_id: i64 = sqlx::query_scalar(
                "INSERT INTO units (name, parent_id) VALUES (?, ?) RETURNING id",
            )
            .bind(team)
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
            unit_ids.insert(*team, team_id);
        }
    }
    for (name, email, role, units) in PEOPLE {
        let hash = password::hash(DEMO_PASSWORD.to_owned()).await?;
        let person = insert_person(&mut tx, name, email, *role, &hash).await?;
        for unit in *units {
            if let Some(unit_id) = unit_ids.get(unit) {
                insert_membership(&mut tx, person, *unit_id, "unit_id").await?;
            }
        }
    }
    tx.commit().await?;
    Ok(true)
}
