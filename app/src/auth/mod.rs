//! Who is asking: sign-in, sign-out, the signed-in person, and the guards
//! pages use to show themselves only to the right people.

#[cfg(feature = "ssr")]
mod limiter;
mod pages;
#[cfg(feature = "ssr")]
pub mod password;
#[cfg(feature = "ssr")]
pub mod secret;
#[cfg(feature = "ssr")]
pub mod ssr;

pub use pages::{NotAllowed, SignInPage, SignedIn};

use crate::domain::roles::Role;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The signed-in person, as pages show them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub role: Role,
    /// The units the person belongs to, with their place in the tree.
    pub units: Vec<UnitPath>,
}

/// A unit named with its ancestors, e.g. "Engineering › Platform".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitPath {
    pub id: i64,
    pub path: Vec<String>,
}

impl UnitPath {
    pub fn display(&self) -> String {
        self.path.join(" › ")
    }
}

/// Signs in with email and password; on success the session id is renewed.
#[server(endpoint = "sign_in")]
pub async fn sign_in(email: String, password: String) -> Result<(), AppError> {
    use crate::error::ssr::reply;
    ssr::sign_in(&email, &password).await.map_err(reply)?;
    leptos_axum::redirect("/");
    Ok(())
}

/// Ends the session, on the server as well as in the browser.
#[server(endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    use crate::error::ssr::reply;
    ssr::sign_out().await.map_err(reply)?;
    leptos_axum::redirect("/sign-in");
    Ok(())
}

/// The signed-in person, or `None` for a visitor.
#[server(endpoint = "get_current_user")]
pub async fn get_current_user() -> Result<Option<CurrentUser>, AppError> {
    use crate::error::ssr::reply;
    ssr::current_user().await.map_err(reply)
}

/// The session as the app sees it: who is signed in, and the actions that change it.
#[derive(Clone, Copy)]
pub struct Session {
    pub user: Resource<Result<Option<CurrentUser>, AppError>>,
    pub sign_in: ServerAction<SignIn>,
    pub sign_out: ServerAction<SignOut>,
}

/// Creates the session context once, at the root of the app.
pub fn provide_session() {
    let sign_in = ServerAction::<SignIn>::new();
    let sign_out = ServerAction::<SignOut>::new();
    let user = Resource::new(
        move || (sign_in.version().get(), sign_out.version().get()),
        |_| get_current_user(),
    );
    provide_context(Session {
        user,
        sign_in,
        sign_out,
    });
}

/// The session context provided by [`provide_session`].
pub fn use_session() -> Session {
    expect_context::<Session>()
}
