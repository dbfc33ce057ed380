//! The server side of accounts: sessions, sign-in with its rate limit, and
//! the guards every server function starts with.

use super::{CurrentUser, UnitPath, password};
use crate::domain::{roles::Role, units::UnitTree, validation};
use crate::error::{AppError, ssr::internal};
use crate::state::{app_state, pool};
use crate::units::ssr::load_tree;
use axum::extract::ConnectInfo;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::num::NonZeroU32;
use std::time::Duration;
use tower_sessions::Session;

/// The session key holding the signed-in person's id.
const PERSON_ID: &str = "person_id";

/// Who is calling a server function: enough to decide what they may do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub id: i64,
    pub name: String,
    pub role: Role,
}

/// The session of the current request.
pub async fn session() -> Result<Session, AppError> {
    leptos_axum::extract::<Session>().await.map_err(internal)
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
    pool: &sqlx::SqlitePool,
) -> Result<Option<Caller>, AppError> {
    let Some(id) = session.get::<i64>(PERSON_ID).await.map_err(internal)? else {
        return Ok(None);
    };
    let row: Option<(i64, String, String)> =
        sqlx::query_as("SELECT id, name, role FROM people WHERE id = ? AND active = 1")
            .bind(id)
            .fetch_optional(pool)
            .await?;
    match row {
        Some((id, name, role)) => Ok(Some(Caller {
            id,
            name,
            role: role.parse().map_err(internal)?,
        })),
        // Deactivated since signing in: the session is over.
        None => {
            session.flush().await.map_err(internal)?;
            Ok(None)
        }
    }
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
    let email: String = sqlx::query_scalar("SELECT email FROM people WHERE id = ?")
        .bind(caller.id)
        .fetch_one(&pool)
        .await?;
    let unit_ids: Vec<i64> =
        sqlx::query_scalar("SELECT unit_id FROM memberships WHERE person_id = ?")
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
    let address = leptos_axum::extract::<ConnectInfo<SocketAddr>>()
        .await
        .map(|ConnectInfo(addr)| addr.ip())
        // Without connection info (an in-process test) every caller shares one bucket.
        .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
    state.sign_in_limiter.check(&email, address)?;

    let account: Option<(i64, String, bool)> =
        sqlx::query_as("SELECT id, password_hash, active FROM people WHERE email = ?")
            .bind(&email)
            .fetch_optional(&state.pool)
            .await?;
    let (stored, id, active) = match account {
        Some((id, hash, active)) => (Some(hash), Some(id), active),
        None => (None, None, false),
    };
    let matches = password::verify(password.to_owned(), stored).await?;
    let id = match (matches, id) {
        (true, Some(id)) => id,
        _ => {
            tracing::info!(%address, "sign-in refused");
            return Err(AppError::invalid("credentials", "Wrong email or password."));
        }
    };
    if !active {
        return Err(AppError::invalid(
            "credentials",
            "This account has been deactivated. Ask your OKR ambassador to reactivate it.",
        ));
    }

    let session = session().await?;
    // A new id on sign-in, so a session id planted before sign-in is worthless.
    session.cycle_id().await.map_err(internal)?;
    session.insert(PERSON_ID, id).await.map_err(internal)?;
    tracing::info!(person = id, "signed in");
    Ok(())
}

pub async fn sign_out() -> Result<(), AppError> {
    // Deletes the stored session and clears the cookie.
    session().await?.flush().await.map_err(internal)
}

/// Counts sign-in attempts per account and per network address.
pub struct SignInLimiter {
    per_account: DefaultKeyedRateLimiter<String>,
    per_address: DefaultKeyedRateLimiter<IpAddr>,
}

/// How many sign-in attempts are allowed before waiting.
#[derive(Debug, Clone, Copy)]
pub struct SignInLimits {
    /// Attempts one account may see at once…
    pub account_burst: u32,
    /// …and how often one more is allowed after that.
    pub account_refill: Duration,
    pub address_burst: u32,
    pub address_refill: Duration,
}

impl Default for SignInLimits {
    /// Five tries per account, then one a minute; thirty per address, then one every ten seconds.
    fn default() -> Self {
        Self {
            account_burst: 5,
            account_refill: Duration::from_secs(60),
            address_burst: 30,
            address_refill: Duration::from_secs(10),
        }
    }
}

impl SignInLimiter {
    pub fn new(limits: SignInLimits) -> Self {
        let quota = |burst: u32, refill: Duration| {
            Quota::with_period(refill)
                .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
                .allow_burst(NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN))
        };
        Self {
            per_account: RateLimiter::keyed(quota(limits.account_burst, limits.account_refill)),
            per_address: RateLimiter::keyed(quota(limits.address_burst, limits.address_refill)),
        }
    }

    /// Counts one attempt; `RateLimited` when either bucket is empty. The
    /// address is checked first, so a blocked address cannot use up the
    /// attempts of the accounts it aims at.
    pub fn check(&self, email: &str, address: IpAddr) -> Result<(), AppError> {
        let address = network_of(address);
        if self.per_address.check_key(&address).is_err()
            || self.per_account.check_key(&email.to_owned()).is_err()
        {
            tracing::warn!(%address, "sign-in rate limit reached");
            return Err(AppError::RateLimited);
        }
        Ok(())
    }

    /// Forgets buckets that have refilled, so memory stays bounded.
    pub fn forget_idle(&self) {
        self.per_account.retain_recent();
        self.per_address.retain_recent();
    }
}

/// The unit one client controls: an IPv4 address, or an IPv6 /64 (a single
/// host is usually handed a whole /64, and could rotate through it).
fn network_of(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V4(_) => address,
        IpAddr::V6(v6) => {
            let mut segments = v6.segments();
            segments[4..].fill(0);
            IpAddr::V6(segments.into())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_addresses_of_one_64_share_a_bucket() {
        let a: IpAddr = "2001:db8:1:2::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:ffff::9".parse().unwrap();
        let c: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(network_of(a), network_of(b));
        assert_ne!(network_of(a), network_of(c));
        let v4: IpAddr = "192.0.2.7".parse().unwrap();
        assert_eq!(network_of(v4), v4);
    }

    #[test]
    fn the_limiter_refuses_after_the_burst_per_account_and_per_address() {
        let limits = SignInLimits {
            account_burst: 2,
            account_refill: Duration::from_secs(3600),
            address_burst: 3,
            address_refill: Duration::from_secs(3600),
        };
        let limiter = SignInLimiter::new(limits);
        let here = IpAddr::V4(Ipv4Addr::LOCALHOST);
        assert!(limiter.check("a@x.org", here).is_ok());
        assert!(limiter.check("a@x.org", here).is_ok());
        assert_eq!(limiter.check("a@x.org", here), Err(AppError::RateLimited));
        // The address has had three attempts now: another account is refused too.
        assert_eq!(limiter.check("b@x.org", here), Err(AppError::RateLimited));
        // Another address, another account: fine.
        assert!(
            limiter
                .check("c@x.org", IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1)))
                .is_ok()
        );
    }
}
