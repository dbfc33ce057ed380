//! The one error type every server function returns.
//!
//! Each variant is something the person can act on (fix a field, sign in,
//! ask for a role, reload), plus one opaque [`AppError::Internal`]: the
//! database's own words are logged on the server and never reach the browser.
//! On the server, [`ssr::reply`] also sets the matching HTTP status.

use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
// Adjacently tagged: internally tagged enums cannot hold a bare string.
#[serde(tag = "kind", content = "detail", rename_all = "snake_case")]
pub enum AppError {
    /// One field of a form is wrong; `field` is the input's name.
    #[error("{message}")]
    Invalid { field: String, message: String },
    /// Nobody is signed in, or the session has ended.
    #[error("Please sign in first.")]
    Unauthenticated,
    /// Signed in, but the role does not allow this.
    #[error("{0}")]
    Forbidden(String),
    #[error("{0} was not found.")]
    NotFound(String),
    /// The change contradicts what is stored (a duplicate, a non-empty unit…).
    #[error("{0}")]
    Conflict(String),
    /// Too many attempts in a short time.
    #[error("Too many attempts. Wait a minute and try again.")]
    RateLimited,
    /// More changes in a short time than one person makes by hand.
    #[error(
        "You are making changes faster than Northstar takes them. Wait a moment and try again."
    )]
    TooFast,
    /// The request never made sense to the server (a missing argument…).
    #[error("The request was malformed: {0}")]
    BadRequest(String),
    /// The server could not be reached or answered garbage.
    #[error("Could not reach Northstar: {0}")]
    Network(String),
    /// Something failed on the server; the details are in its log.
    #[error("Something went wrong on the server. It has been logged; please try again.")]
    Internal,
}

/// A field refused by `domain::validation`, as the field error it is.
impl From<crate::domain::validation::Invalid> for AppError {
    fn from(invalid: crate::domain::validation::Invalid) -> Self {
        Self::Invalid {
            field: invalid.field,
            message: invalid.message,
        }
    }
}

impl AppError {
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Self::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::Forbidden(message.into())
    }

    /// The message for the input named `field`, if this error is about it.
    pub fn field_message(&self, name: &str) -> Option<&str> {
        match self {
            Self::Invalid { field, message } if field == name => Some(message),
            _ => None,
        }
    }

    /// The HTTP status the server answers with.
    pub fn status(&self) -> u16 {
        match self {
            Self::Invalid { .. } => 422,
            Self::Unauthenticated => 401,
            Self::Forbidden(_) => 403,
            Self::NotFound(_) => 404,
            Self::Conflict(_) => 409,
            Self::RateLimited | Self::TooFast => 429,
            Self::BadRequest(_) => 400,
            Self::Network(_) => 502,
            Self::Internal => 500,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(m)
            | ServerFnErrorErr::MissingArg(m)
            | ServerFnErrorErr::UnsupportedRequestMethod(m) => Self::BadRequest(m),
            // On the server, what fails to decode is always the request: the
            // caller's fault (the status becomes 400 in the server's router).
            #[cfg(feature = "ssr")]
            ServerFnErrorErr::Deserialization(m) | ServerFnErrorErr::Request(m) => {
                Self::BadRequest(m)
            }
            #[cfg(not(feature = "ssr"))]
            ServerFnErrorErr::Request(m) | ServerFnErrorErr::Deserialization(m) => Self::Network(m),
            ServerFnErrorErr::Response(m) => Self::Network(m),
            _ => Self::Internal,
        }
    }
}

/// The server-side half: logging internal causes and setting the status.
#[cfg(feature = "ssr")]
pub mod ssr {
    use super::AppError;
    use leptos::prelude::use_context;
    use leptos_axum::ResponseOptions;

    /// Sets the response status for `error` and hands it back, for
    /// `.map_err(reply)` at the end of a server function.
    ///
    /// A plain form post (before the WebAssembly has loaded) is left alone:
    /// server_fn answers it with a redirect back to the form carrying the
    /// error in the URL, which a 4xx status would turn into a raw JSON page.
    pub fn reply(error: AppError) -> AppError {
        let form_post = use_context::<axum::http::request::Parts>().is_some_and(|parts| {
            parts
                .headers
                .get(axum::http::header::ACCEPT)
                .and_then(|accept| accept.to_str().ok())
                .is_some_and(|accept| accept.contains("text/html"))
        });
        if !form_post
            && let (Some(response), Ok(status)) = (
                use_context::<ResponseOptions>(),
                axum::http::StatusCode::from_u16(error.status()),
            )
        {
            response.set_status(status);
        }
        error
    }

    /// Logs an unexpected failure with its cause and returns the opaque error.
    #[track_caller]
    pub fn internal(cause: impl std::fmt::Display) -> AppError {
        let at = std::panic::Location::caller();
        tracing::error!(%cause, %at, "internal error");
        AppError::Internal
    }

    /// A constraint the database enforced, in words for the person whose
    /// change it refused: two people creating the same thing at once, or a
    /// change that refers to something deleted meanwhile. The rules are
    /// checked before writing too; this is what a race between the check
    /// and the write ends in, rather than an internal error.
    pub fn constraint(error: &sqlx::Error) -> Option<AppError> {
        let sqlx::Error::Database(database) = error else {
            return None;
        };
        if database.is_unique_violation() {
            Some(AppError::Conflict(
                "Someone saved the same thing a moment ago; reload to see it.".into(),
            ))
        } else if database.is_foreign_key_violation() {
            Some(AppError::Conflict(
                "Something this change refers to was removed meanwhile; reload the page.".into(),
            ))
        } else {
            None
        }
    }

    impl From<sqlx::Error> for AppError {
        #[track_caller]
        fn from(error: sqlx::Error) -> Self {
            match constraint(&error) {
                Some(conflict) => {
                    tracing::info!(%error, "constraint refused a change");
                    conflict
                }
                None => internal(error),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_messages_belong_to_their_field() {
        let error = AppError::invalid("email", "Enter an email address.");
        assert_eq!(
            error.field_message("email"),
            Some("Enter an email address.")
        );
        assert_eq!(error.field_message("password"), None);
        assert_eq!(AppError::Internal.field_message("email"), None);
    }

    #[test]
    fn round_trips_through_the_wire_format() {
        let errors = [
            AppError::invalid("name", "Enter a name."),
            AppError::Unauthenticated,
            AppError::forbidden("Only the ambassador can do that."),
            AppError::Conflict("taken".into()),
            AppError::Internal,
        ];
        for error in errors {
            let bytes = error.ser();
            assert_eq!(AppError::de(bytes), error);
        }
    }

    /// What a race between a check and a write ends in: a sentence, not an
    /// internal error. Real constraint errors, from a real SQLite.
    #[cfg(feature = "ssr")]
    #[tokio::test]
    async fn constraint_violations_are_conflicts_with_a_sentence() {
        let pool = sqlx::sqlite::SqlitePoolOptions::new()
            .max_connections(1)
            .connect("sqlite::memory:")
            .await
            .unwrap();
        for statement in [
            "PRAGMA foreign_keys = ON",
            "CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT UNIQUE)",
            "CREATE TABLE child (parent_id INTEGER NOT NULL REFERENCES parent (id))",
            "INSERT INTO parent (id, name) VALUES (1, 'one')",
        ] {
            sqlx::query(statement).execute(&pool).await.unwrap();
        }
        let failed = |sql: &'static str| {
            let pool = pool.clone();
            async move { sqlx::query(sql).execute(&pool).await.unwrap_err() }
        };
        let duplicate = AppError::from(failed("INSERT INTO parent (name) VALUES ('one')").await);
        assert!(
            matches!(&duplicate, AppError::Conflict(s) if s.contains("a moment ago")),
            "{duplicate:?}"
        );
        let orphan = AppError::from(failed("INSERT INTO child (parent_id) VALUES (7)").await);
        assert!(
            matches!(&orphan, AppError::Conflict(s) if s.contains("removed meanwhile")),
            "{orphan:?}"
        );
        let other = AppError::from(failed("INSERT INTO nowhere VALUES (1)").await);
        assert_eq!(other, AppError::Internal);
    }
}
