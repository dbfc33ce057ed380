//! Password hashing with argon2id (the `argon2` crate's defaults: 19 MiB,
//! two passes, one lane — OWASP's recommended floor). Hashing is deliberately
//! slow, so it runs on the blocking pool, off the async workers — and at
//! most one hash per core at a time: a burst of sign-ins queues for a
//! permit instead of taking 19 MiB on each of up to 512 blocking threads.

use crate::error::{AppError, ssr::internal};
use argon2::Argon2;
use argon2::password_hash::{
    PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng,
};

use std::sync::LazyLock;
use tokio::sync::Semaphore;

/// Permits to hash, one per core. A process-wide resource like the cores
/// and memory it rations, hence a static rather than a field of the state:
/// the command line and demo seeding hash outside any request.
static HASHING: LazyLock<Semaphore> = LazyLock::new(|| Semaphore::new(hashing_permits()));

/// One hash at a time per core the process may use.
pub fn hashing_permits() -> usize {
    std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get)
}

/// Runs `work` on the blocking pool once a hashing permit is free.
async fn rationed<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, AppError> {
    let _permit = HASHING.acquire().await.map_err(internal)?;
    tokio::task::spawn_blocking(work).await.map_err(internal)
}

/// Hashes a new password into a PHC string (`$argon2id$v=19$...`).
pub async fn hash(password: String) -> Result<String, AppError> {
    rationed(move || hash_blocking(&password)).await?
}

/// The same, for the command line and demo data, which are not on a request.
pub fn hash_blocking(password: &str) -> Result<String, AppError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(internal)
}

/// What `people.password_hash` holds for an account that has no password
/// yet (people imported without theirs, `northstar import`): no password
/// matches it, so nobody signs in as them until one is set (`northstar
/// admin set-password`, or the ambassador's reset link). Not a PHC string
/// (those start with `$`), so it is never taken for a hash.
pub const NO_PASSWORD: &str = "!no-password";

/// Checks `password` against a stored hash. With no stored hash (no such
/// account, or [`NO_PASSWORD`]) it checks against a dummy and answers no,
/// so the answer takes as long either way and timing does not reveal which
/// emails have accounts.
pub async fn verify(password: String, stored: Option<String>) -> Result<bool, AppError> {
    let stored = stored.filter(|hash| hash != NO_PASSWORD);
    let known = stored.is_some();
    rationed(move || {
        let stored = stored.unwrap_or_else(|| DUMMY_HASH.to_owned());
        let parsed = PasswordHash::new(&stored).map_err(internal)?;
        let matches = Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok();
        Ok(known && matches)
    })
    .await?
}

/// The hash of a random password nobody knows, with the default parameters.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$0Ad5Xh6Xbi/3pYHbGDLL9JdZVEc0Ql4t1VWKHZBcbZc";

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_password_only() {
        let stored = hash("correct horse battery".into()).await.unwrap();
        assert!(stored.starts_with("$argon2id$"));
        assert!(
            verify("correct horse battery".into(), Some(stored.clone()))
                .await
                .unwrap()
        );
        assert!(
            !verify("wrong horse battery".into(), Some(stored))
                .await
                .unwrap()
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn a_burst_of_hashes_runs_one_per_core_at_a_time() {
        use std::sync::Arc;
        use std::sync::atomic::{AtomicUsize, Ordering};
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let burst = (0..hashing_permits() * 4).map(|_| {
            let (running, most) = (running.clone(), most.clone());
            tokio::spawn(rationed(move || {
                let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(now, Ordering::SeqCst);
                std::thread::sleep(std::time::Duration::from_millis(20));
                running.fetch_sub(1, Ordering::SeqCst);
            }))
        });
        for task in burst.collect::<Vec<_>>() {
            task.await.unwrap().unwrap();
        }
        let most = most.load(Ordering::SeqCst);
        assert!(most >= 1 && most <= hashing_permits(), "{most} at once");
    }

    #[tokio::test]
    async fn a_missing_account_never_verifies() {
        assert!(!verify("anything".into(), None).await.unwrap());
    }

    #[tokio::test]
    async fn an_account_without_a_password_never_verifies() {
        for typed in ["", NO_PASSWORD, "anything"] {
            assert!(
                !verify(typed.into(), Some(NO_PASSWORD.into()))
                    .await
                    .unwrap(),
                "{typed:?}"
            );
        }
    }
}
