//! People of the organisation: accounts, roles and unit memberships, as the
//! ambassador administers them.

mod page;
#[cfg(feature = "ssr")]
pub mod ssr;

pub use page::PeopleAdmin;

use crate::domain::roles::Role;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A person as the administration lists them (never with the password hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub role: Role,
    /// A deactivated person cannot sign in; their history stays.
    pub active: bool,
    pub unit_ids: Vec<i64>,
}

/// Everyone with an account, active or not.
#[server(endpoint = "list_people")]
pub async fn list_people() -> Result<Vec<Person>, AppError> {
    use crate::error::ssr::reply;
    ssr::list_people().await.map_err(reply)
}

/// Creates an account with an initial password the ambassador passes on.
#[server(endpoint = "create_person")]
pub async fn create_person(
    name: String,
    email: String,
    role: Role,
    unit_id: String,
    password: String,
) -> Result<Person, AppError> {
    use crate::error::ssr::reply;
    ssr::create_person(ssr::NewPerson {
        name,
        email,
        role,
        unit_id,
        password,
    })
    .await
    .map_err(reply)
}

#[server(endpoint = "change_role")]
pub async fn change_role(person_id: i64, role: Role) -> Result<(), AppError> {
    use crate::error::ssr::reply;
    ssr::change_role(person_id, role).await.map_err(reply)
}

/// Deactivates (`active = false`) or reactivates an account.
#[server(endpoint = "set_person_active")]
pub async fn set_person_active(person_id: i64, active: bool) -> Result<(), AppError> {
    use crate::error::ssr::reply;
    ssr::set_active(person_id, active).await.map_err(reply)
}

#[server(endpoint = "add_membership")]
pub async fn add_membership(person_id: i64, unit_id: String) -> Result<(), AppError> {
    use crate::error::ssr::reply;
    ssr::add_membership(person_id, &unit_id)
        .await
        .map_err(reply)
}

#[server(endpoint = "remove_membership")]
pub async fn remove_membership(person_id: i64, unit_id: i64) -> Result<(), AppError> {
    use crate::error::ssr::reply;
    ssr::remove_membership(person_id, unit_id)
        .await
        .map_err(reply)
}
