//! The server side of accounts: sessions, sign-in with its rate limit, and
//! the guards every server function starts with.

pub use super::limiter::{SignInLimiter, SignInLimits};
use super::{CurrentUser, UnitPath, password};
use crate::domain::{roles::Role, units::UnitTree, validation};
use crate::error::{AppError, ssr::internal};
use crate::metrics::{Limiter, SignInFailure};
use crate::org::load_tree;
use crate::sql::Flag;
use crate::state::{app_state, pool};
use axum::extract::ConnectInfo;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use tower_sessions::Session;

/// The session key holding the signed-in person's id.
const PERSON_ID: &str = "person_id";
/// The session key holding the person's session epoch at sign-in: a session
/// whose epoch is behind the person's has ended (password changed or reset).
const EPOCH: &str = "epoch";

/// The address of the person behind a request: the connection's peer, or,
/// when the peer is a trusted reverse proxy, the client it names. Set by
/// the server's router on every request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddress(pub IpAddr);

/// The address of the person behind the current request.
pub async fn client_address() -> IpAddr {
    match leptos_axum::extract::<axum::Extension<ClientAddress>>().await {
        Ok(axum::Extension(ClientAddress(address))) => address,
        Err(_) => leptos_axum::extract::<ConnectInfo<SocketAddr>>()
            .await
            .map(|ConnectInfo(addr)| addr.ip())
            // Without connection info (an in-process test) every caller shares one bucket.
            .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED)),
    }
}

/// Who is calling a server function: enough to decide what they may do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub id: i64,
    pub name: String,
    pub role: Role,
    /// The session epoch the person signed in with (see `EPOCH`).
    pub epoch: i64,
}

/// The session of the current request.
pub async fn session() -> Result<Session, AppError> {
    leptos_axum::extract::<Session>().await.map_err(internal)
}

/// The person id the current request's session names, if any (not checked
/// against the database: for budgets, not for permissions).
pub async fn session_person() -> Option<i64> {
    session()
        .await
        .ok()?
        .get::<i64>(PERSON_ID)
        .await
        .ok()
        .flatten()
}

/// The signed-in, active person, or `Unauthenticated`.
pub async fn require_caller() -> Result<Caller, AppError> {
    let session = session().await?;
    caller_of_session(&session, &pool()?)
        .await?
        .ok_or(AppError::Unauthenticated)
}

/// The active person signed in with `session`, if any. A session whose
/// person has been deactivated since is ended here. Also used by the
/// websocket, which has no server-function context.
pub async fn caller_of_session(
    session: &Session,
    pool: &crate::sql::Pool,
) -> Result<Option<Caller>, AppError> {
    let Some(id) = session.get::<i64>(PERSON_ID).await.map_err(internal)? else {
        return Ok(None);
    };
    // Sessions from before epochs existed began in epoch 0.
    let epoch = session
        .get::<i64>(EPOCH)
        .await
        .map_err(internal)?
        .unwrap_or(0);
    let row: Option<(i64, String, String, i64)> = sqlx::query_as(
        "SELECT id, name, role, session_epoch FROM people WHERE id = $1 AND active = TRUE",
    )
    .bind(id)
    .fetch_optional(pool)
    .await?;
    match row {
        Some((id, name, role, current)) if current == epoch => Ok(Some(Caller {
            id,
            name,
            role: role.parse().map_err(internal)?,
            epoch,
        })),
        // Deactivated, or the password changed, since signing in: the session is over.
        _ => {
            session.flush().await.map_err(internal)?;
            Ok(None)
        }
    }
}

/// How a live socket's session stands, read from the session store and the
/// person's row.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SessionState {
    /// Still signed in, with the same role; expires in this many seconds.
    Standing {
        seconds_left: f64,
    },
    Ended(crate::live::SessionEnd),
}

/// How the session `session_id` of `caller` (as they were when the socket
/// opened: role and session epoch) stands.
pub async fn session_state(
    pool: &crate::sql::Pool,
    session_id: &str,
    caller: &Caller,
) -> Result<SessionState, AppError> {
    use crate::live::SessionEnd;
    let seconds_left = crate::sql::session_seconds_left(pool, session_id).await?;
    let Some(seconds_left) = seconds_left else {
        return Ok(SessionState::Ended(SessionEnd::SignedOut));
    };
    if seconds_left <= 0.0 {
        return Ok(SessionState::Ended(SessionEnd::Expired));
    }
    let row: Option<(Flag, String, i64)> =
        sqlx::query_as("SELECT active, role, session_epoch FROM people WHERE id = $1")
            .bind(caller.id)
            .fetch_optional(pool)
            .await?;
    Ok(
        match row.map(|(Flag(active), role, epoch)| (active, role, epoch)) {
            Some((true, _, epoch)) if epoch != caller.epoch => {
                SessionState::Ended(SessionEnd::PasswordChanged)
            }
            Some((true, now, _)) if now == caller.role.as_str() => {
                SessionState::Standing { seconds_left }
            }
            Some((true, _, _)) => SessionState::Ended(SessionEnd::RoleChanged),
            _ => SessionState::Ended(SessionEnd::Deactivated),
        },
    )
}

/// The caller, if they are the ambassador; `Forbidden` for everyone else.
pub async fn require_ambassador() -> Result<Caller, AppError> {
    let caller = require_caller().await?;
    if caller.role.may_administer() {
        Ok(caller)
    } else {
        Err(AppError::forbidden(
            "Only the ambassador may change people and units.",
        ))
    }
}

pub async fn current_user() -> Result<Option<CurrentUser>, AppError> {
    let caller = match require_caller().await {
        Ok(caller) => caller,
        Err(AppError::Unauthenticated) => return Ok(None),
        Err(other) => return Err(other),
    };
    let pool = pool()?;
    let email: String = sqlx::query_scalar("SELECT email FROM people WHERE id = $1")
        .bind(caller.id)
        .fetch_one(&pool)
        .await?;
    let unit_ids: Vec<i64> =
        sqlx::query_scalar("SELECT unit_id FROM memberships WHERE person_id = $1")
            .bind(caller.id)
            .fetch_all(&pool)
            .await?;
    let tree = load_tree(&pool).await?;
    Ok(Some(CurrentUser {
        id: caller.id,
        name: caller.name,
        email,
        role: caller.role,
        units: unit_paths(&tree, &unit_ids),
    }))
}

/// The units with their paths, in the tree's display order.
fn unit_paths(tree: &UnitTree, ids: &[i64]) -> Vec<UnitPath> {
    tree.ordered()
        .into_iter()
        .filter(|(node, _)| ids.contains(&node.id))
        .map(|(node, _)| UnitPath {
            id: node.id,
            path: tree.path(node.id).into_iter().map(str::to_owned).collect(),
        })
        .collect()
}

/// Reserves a password attempt for `email` from `address` with the sign-in
/// limiter (see `SignInLimiter::reserve`), counting its refusals.
pub(crate) async fn reserve_attempt(
    state: &crate::state::AppState,
    email: &str,
    address: IpAddr,
) -> Result<(), AppError> {
    let reserved = state.sign_in_limiter.reserve(email, address).await;
    if reserved == Err(AppError::RateLimited) {
        state.metrics.refused(Limiter::SignIn);
    }
    reserved
}

#[tracing::instrument(skip_all)]
pub async fn sign_in(email: &str, password: &str) -> Result<(), AppError> {
    let state = app_state()?;
    let email = email.trim().to_lowercase();
    if email.is_empty() {
        return Err(AppError::invalid("email", "Enter your email address."));
    }
    if password.is_empty() {
        return Err(AppError::invalid("password", "Enter your password."));
    }
    if email.chars().count() > validation::MAX_EMAIL
        || password.chars().count() > validation::MAX_PASSWORD
    {
        return Err(AppError::invalid("credentials", "Wrong email or password."));
    }
    let address = client_address().await;
    reserve_attempt(&state, &email, address).await?;

    let account: Option<(i64, String, Flag, i64)> = sqlx::query_as(
        "SELECT id, password_hash, active, session_epoch FROM people WHERE email = $1",
    )
    .bind(&email)
    .fetch_optional(&state.pool)
    .await?;
    let (stored, id, active, epoch) = match account {
        Some((id, hash, Flag(active), epoch)) => (Some(hash), Some(id), active, epoch),
        None => (None, None, false, 0),
    };
    let matches = password::verify(password.to_owned(), stored).await?;
    let id = match (matches, id) {
        (true, Some(id)) => id,
        _ => {
            // The reserved attempt stays spent.
            tracing::info!(%address, "sign-in refused");
            state
                .metrics
                .sign_in_failed(SignInFailure::WrongCredentials);
            return Err(AppError::invalid("credentials", "Wrong email or password."));
        }
    };
    state.sign_in_limiter.succeeded(&email, address).await;
    if !active {
        state.metrics.sign_in_failed(SignInFailure::Deactivated);
        return Err(AppError::invalid(
            "credentials",
            "This account has been deactivated. Ask your OKR ambassador to reactivate it.",
        ));
    }

    let session = session().await?;
    // Signing in again ends what the old session had open (its id goes).
    let before = session.get::<i64>(PERSON_ID).await.map_err(internal)?;
    let old_id = session.id().map(|id| id.to_string());
    // A new id on sign-in, so a session id planted before sign-in is worthless.
    session.cycle_id().await.map_err(internal)?;
    if let (Some(person), Some(old_id)) = (before, old_id) {
        state.fanout.end_sessions(
            person,
            crate::live::ssr::Sessions::Only(old_id),
            crate::live::SessionEnd::SignedOut,
        );
    }
    session.insert(PERSON_ID, id).await.map_err(internal)?;
    session.insert(EPOCH, epoch).await.map_err(internal)?;
    tracing::info!(person = id, "signed in");
    Ok(())
}

pub async fn sign_out() -> Result<(), AppError> {
    let session = session().await?;
    let person = session.get::<i64>(PERSON_ID).await.map_err(internal)?;
    let id = session.id().map(|id| id.to_string());
    // Deletes the stored session and clears the cookie…
    session.flush().await.map_err(internal)?;
    // …and closes this session's live sockets (other sessions stay).
    if let (Some(person), Some(id)) = (person, id) {
        app_state()?.fanout.end_sessions(
            person,
            crate::live::ssr::Sessions::Only(id),
            crate::live::SessionEnd::SignedOut,
        );
    }
    Ok(())
}

/// Ends every session of `person`: the person's epoch rises, so older
/// sessions are refused on their next request (and their sockets at their
/// next look, within a minute), and unused reset links are dropped. Runs
/// inside the caller's transaction; [`after_sessions_ended`] then keeps the
/// asking session, if any, and closes the others' sockets at once.
pub async fn end_other_sessions(db: &mut crate::sql::Conn, person: i64) -> Result<i64, AppError> {
    let epoch: i64 = sqlx::query_scalar(
        "UPDATE people SET session_epoch = session_epoch + 1 WHERE id = $1 RETURNING session_epoch",
    )
    .bind(person)
    .fetch_one(&mut *db)
    .await?;
    // A reset link made before is no longer needed, and must not outlive this.
    sqlx::query("DELETE FROM password_resets WHERE person_id = $1 AND used_at IS NULL")
        .bind(person)
        .execute(&mut *db)
        .await?;
    Ok(epoch)
}

/// After [`end_other_sessions`] committed: keeps the asking session (if
/// any) signed in with the new epoch, and closes the other sessions' sockets.
pub async fn after_sessions_ended(
    person: i64,
    epoch: i64,
    keep: Option<&Session>,
) -> Result<(), AppError> {
    use crate::live::SessionEnd;
    use crate::live::ssr::Sessions;
    let sessions = match keep {
        Some(session) => {
            session.insert(EPOCH, epoch).await.map_err(internal)?;
            // Stored now rather than with the reply: this session's other
            // requests must not find it behind the person's epoch.
            session.save().await.map_err(internal)?;
            match session.id() {
                Some(id) => Sessions::AllBut(id.to_string()),
                None => Sessions::All,
            }
        }
        None => Sessions::All,
    };
    if let Ok(state) = app_state() {
        state
            .fanout
            .end_sessions(person, sessions, SessionEnd::PasswordChanged);
    }
    Ok(())
}
