//! Failed sign-ins, counted so passwords cannot be guessed quickly.
//!
//! One instance counts in memory. Instances sharing a PostgreSQL database
//! count in it (`sign_in_buckets`), so a guesser who spreads guesses over
//! every instance behind the load balancer meets the same limits as one
//! who does not.

use crate::error::{AppError, ssr::internal};
use crate::rate::{Buckets, Budget};
use crate::sql::{Backend, Pool};
use std::net::IpAddr;
use std::time::{Duration, Instant};

/// Counts **failed** sign-ins per account-and-address and per address. A
/// correct password never uses up an attempt, and the account's count is
/// kept per address too, so a stranger guessing from elsewhere cannot keep
/// someone locked out of their own account.
pub struct SignInLimiter {
    limits: SignInLimits,
    store: Store,
}

/// Where the counts are kept.
enum Store {
    /// This process only: the database is this instance's alone.
    Memory {
        per_account: Buckets<(String, IpAddr)>,
        per_address: Buckets<IpAddr>,
    },
    /// The shared database, for every instance on it.
    Shared(Pool),
}

/// How many failed sign-ins are allowed before waiting.
#[derive(Debug, Clone, Copy)]
pub struct SignInLimits {
    /// Failures one account may see from one address at once…
    pub account_burst: u32,
    /// …and how often one more is allowed after that.
    pub account_refill: Duration,
    pub address_burst: u32,
    pub address_refill: Duration,
}

impl Default for SignInLimits {
    /// Five failures per account and address, then one a minute; thirty
    /// per address, then one every ten seconds.
    fn default() -> Self {
        Self {
            account_burst: 5,
            account_refill: Duration::from_secs(60),
            address_burst: 30,
            address_refill: Duration::from_secs(10),
        }
    }
}

impl SignInLimits {
    fn account(&self) -> Budget {
        Budget {
            burst: self.account_burst,
            refill: self.account_refill,
        }
    }

    fn address(&self) -> Budget {
        Budget {
            burst: self.address_burst,
            refill: self.address_refill,
        }
    }
}

impl SignInLimiter {
    /// Counts in memory on SQLite (one instance), in the database on
    /// PostgreSQL (where several instances may share it).
    pub fn new(limits: SignInLimits, pool: &Pool) -> Self {
        match Backend::of_pool(pool) {
            Backend::Sqlite => Self::in_memory(limits),
            Backend::Postgres => Self {
                limits,
                store: Store::Shared(pool.clone()),
            },
        }
    }

    /// Counts in this process only.
    pub fn in_memory(limits: SignInLimits) -> Self {
        Self {
            limits,
            store: Store::Memory {
                per_account: Buckets::new(limits.account()),
                per_address: Buckets::new(limits.address()),
            },
        }
    }

    /// Reserves an attempt for `email` from `address`: `RateLimited` when
    /// the address, or this account from this address, has none left. The
    /// attempt counts until [`Self::succeeded`] gives it back, so a burst of
    /// guesses sent at once is limited like guesses sent one after another.
    pub async fn reserve(&self, email: &str, address: IpAddr) -> Result<(), AppError> {
        let address = network_of(address);
        let (address_room, account_room) = match &self.store {
            Store::Memory {
                per_account,
                per_address,
            } => {
                let now = Instant::now();
                if !per_address.try_spend(address, now) {
                    (false, false)
                } else if !per_account.try_spend((email.to_owned(), address), now) {
                    per_address.refund(&address, now);
                    (true, false)
                } else {
                    (true, true)
                }
            }
            Store::Shared(pool) => {
                let by_address = address_key(address);
                if !try_spend(pool, &by_address, self.limits.address()).await? {
                    (false, false)
                } else if !try_spend(pool, &account_key(email, address), self.limits.account())
                    .await?
                {
                    refund(pool, &by_address).await?;
                    (true, false)
                } else {
                    (true, true)
                }
            }
        };
        if !address_room {
            tracing::warn!(%address, "sign-in rate limit reached");
            return Err(AppError::RateLimited);
        }
        if !account_room {
            tracing::warn!(%address, "sign-in rate limit reached for an account");
            return Err(AppError::RateLimited);
        }
        Ok(())
    }

    /// The reserved attempt was right: it does not count.
    pub async fn succeeded(&self, email: &str, address: IpAddr) {
        let address = network_of(address);
        match &self.store {
            Store::Memory {
                per_account,
                per_address,
            } => {
                let now = Instant::now();
                per_address.refund(&address, now);
                per_account.refund(&(email.to_owned(), address), now);
            }
            Store::Shared(pool) => {
                for key in [address_key(address), account_key(email, address)] {
                    if let Err(error) = refund(pool, &key).await {
                        tracing::warn!(%error, "could not give back a sign-in attempt");
                    }
                }
            }
        }
    }

    /// Forgets keys whose failures are all forgiven, so memory (or the
    /// table) stays bounded.
    pub async fn forget_idle(&self) {
        match &self.store {
            Store::Memory {
                per_account,
                per_address,
            } => {
                let now = Instant::now();
                per_account.forget_idle(now);
                per_address.forget_idle(now);
            }
            Store::Shared(pool) => {
                let forgotten = sqlx::query(&format!(
                    "DELETE FROM sign_in_buckets WHERE spent - ({NOW_MS} - at_ms) / refill_ms <= 0"
                ))
                .execute(pool)
                .await;
                if let Err(error) = forgotten {
                    tracing::warn!(%error, "could not forget forgiven sign-in failures");
                }
            }
        }
    }
}

/// The database's clock: one clock for every instance.
const NOW_MS: &str = crate::sql::POSTGRES_NOW_MS;

fn address_key(address: IpAddr) -> String {
    format!("address {address}")
}

fn account_key(email: &str, address: IpAddr) -> String {
    format!("account {address} {email}")
}

/// Spends one attempt of `key` if its bucket has room, in one statement
/// (the row's lock orders attempts arriving together on any instance).
async fn try_spend(pool: &Pool, key: &str, budget: Budget) -> Result<bool, AppError> {
    let spent: Option<f64> = sqlx::query_scalar(&format!(
        "INSERT INTO sign_in_buckets AS b (key, spent, refill_ms, at_ms) VALUES ($1, 1, $2, {NOW_MS}) \
         ON CONFLICT (key) DO UPDATE SET \
             spent = GREATEST(b.spent - (excluded.at_ms - b.at_ms) / b.refill_ms, 0) + 1, \
             refill_ms = excluded.refill_ms, at_ms = excluded.at_ms \
         WHERE GREATEST(b.spent - (excluded.at_ms - b.at_ms) / b.refill_ms, 0) + 1 <= $3 \
         RETURNING spent"
    ))
    .bind(key)
    // At least a millisecond: a refill of zero would divide by zero.
    .bind((budget.refill.as_secs_f64() * 1000.0).max(1.0))
    .bind(f64::from(budget.burst))
    .fetch_optional(pool)
    .await
    .map_err(internal)?;
    Ok(spent.is_some())
}

/// Gives one attempt of `key` back.
async fn refund(pool: &Pool, key: &str) -> Result<(), AppError> {
    sqlx::query(&format!(
        "UPDATE sign_in_buckets SET \
             spent = GREATEST(spent - ({NOW_MS} - at_ms) / refill_ms - 1, 0), at_ms = {NOW_MS} \
         WHERE key = $1"
    ))
    .bind(key)
    .execute(pool)
    .await
    .map_err(internal)?;
    Ok(())
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
    use std::net::Ipv4Addr;

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

    fn limits() -> SignInLimits {
        SignInLimits {
            account_burst: 2,
            account_refill: Duration::from_secs(3600),
            address_burst: 3,
            address_refill: Duration::from_secs(3600),
        }
    }

    #[tokio::test]
    async fn the_limiter_counts_failures_per_account_and_per_address() {
        let limiter = SignInLimiter::in_memory(limits());
        let here = IpAddr::V4(Ipv4Addr::LOCALHOST);
        // Two wrong attempts (reserved, never given back).
        for _ in 0..2 {
            assert!(limiter.reserve("a@x.org", here).await.is_ok());
        }
        assert_eq!(
            limiter.reserve("a@x.org", here).await,
            Err(AppError::RateLimited)
        );
        // Two failures from here so far: another account still has one try.
        assert!(limiter.reserve("b@x.org", here).await.is_ok());
        // Three failures from this address: every account is refused here.
        assert_eq!(
            limiter.reserve("c@x.org", here).await,
            Err(AppError::RateLimited)
        );
        // Another address is untouched.
        assert!(
            limiter
                .reserve("c@x.org", IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1)))
                .await
                .is_ok()
        );
    }

    #[tokio::test]
    async fn right_attempts_never_count_and_a_stranger_cannot_lock_an_account() {
        let limiter = SignInLimiter::in_memory(limits());
        let owner = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 7));
        let stranger = IpAddr::V4(Ipv4Addr::new(203, 0, 113, 5));
        // Sign-ins that succeed are given back: they never count.
        for _ in 0..10 {
            assert!(limiter.reserve("a@x.org", owner).await.is_ok());
            limiter.succeeded("a@x.org", owner).await;
        }
        for _ in 0..2 {
            assert!(limiter.reserve("a@x.org", stranger).await.is_ok());
        }
        assert_eq!(
            limiter.reserve("a@x.org", stranger).await,
            Err(AppError::RateLimited)
        );
        assert!(
            limiter.reserve("a@x.org", owner).await.is_ok(),
            "the owner is not locked out"
        );
    }

    #[tokio::test]
    async fn guesses_sent_at_once_are_limited_like_guesses_in_a_row() {
        let limiter = SignInLimiter::in_memory(limits());
        let here = IpAddr::V4(Ipv4Addr::LOCALHOST);
        // Three attempts in flight together, none answered yet: the third
        // is refused before any password is checked.
        assert!(limiter.reserve("a@x.org", here).await.is_ok());
        assert!(limiter.reserve("a@x.org", here).await.is_ok());
        assert_eq!(
            limiter.reserve("a@x.org", here).await,
            Err(AppError::RateLimited)
        );
    }

    #[tokio::test]
    async fn failures_are_forgotten_once_forgiven() {
        let limiter = SignInLimiter::in_memory(limits());
        assert!(
            limiter
                .reserve("a@x.org", IpAddr::V4(Ipv4Addr::LOCALHOST))
                .await
                .is_ok()
        );
        limiter.forget_idle().await;
        let Store::Memory { per_account, .. } = &limiter.store else {
            unreachable!("in memory")
        };
        assert_eq!(per_account.len(), 1, "still counted");
    }
}
