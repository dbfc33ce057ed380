//! Counting what someone does against a budget that refills with time: a
//! bucket per key (an account, an address, a person) holding how much of
//! its burst is spent, one unit forgiven every `refill`. The sign-in limits
//! and the per-person write limit share it.
//!
//! Hand-written rather than `governor`'s limiters: the sign-in must ask
//! "is there room?" before checking a password and spend only once it turns
//! out wrong, and governor spends on every check.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How much a key may spend at once, and how fast it comes back.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Budget {
    pub burst: u32,
    /// One unit comes back per `refill`.
    pub refill: Duration,
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    spent: f64,
    at: Instant,
}

impl Bucket {
    /// What is still spent at `now`.
    fn at(self, now: Instant, refill: Duration) -> f64 {
        let back = now.saturating_duration_since(self.at).as_secs_f64()
            / refill.as_secs_f64().max(f64::EPSILON);
        (self.spent - back).max(0.0)
    }
}

/// A bucket per key.
pub struct Buckets<K> {
    budget: Budget,
    map: Mutex<HashMap<K, Bucket>>,
}

impl<K: Eq + Hash> Buckets<K> {
    pub fn new(budget: Budget) -> Self {
        Self {
            budget,
            map: Mutex::default(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<K, Bucket>> {
        // A panic while holding the lock leaves only counts behind: still usable.
        self.map
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn spent(&self, bucket: Option<&Bucket>, now: Instant) -> f64 {
        bucket.map_or(0.0, |b| b.at(now, self.budget.refill))
    }

    /// Whether `key` could spend one more unit now. Spends nothing.
    pub fn has_room(&self, key: &K, now: Instant) -> bool {
        self.spent(self.lock().get(key), now) + 1.0 <= f64::from(self.budget.burst)
    }

    /// Spends one unit of `key`, room or not.
    pub fn spend(&self, key: K, now: Instant) {
        let mut map = self.lock();
        let spent = self.spent(map.get(&key), now) + 1.0;
        map.insert(key, Bucket { spent, at: now });
    }

    /// Spends one unit of `key` if there is room; whether it did.
    pub fn try_spend(&self, key: K, now: Instant) -> bool {
        let mut map = self.lock();
        let spent = self.spent(map.get(&key), now) + 1.0;
        if spent > f64::from(self.budget.burst) {
            return false;
        }
        map.insert(key, Bucket { spent, at: now });
        true
    }

    /// Gives back one unit of `key` (spent by a reservation that turned out
    /// not to count).
    pub fn refund(&self, key: &K, now: Instant) {
        let mut map = self.lock();
        if let Some(bucket) = map.get_mut(key) {
            *bucket = Bucket {
                spent: (bucket.at(now, self.budget.refill) - 1.0).max(0.0),
                at: now,
            };
        }
    }

    /// Forgets keys with nothing spent any more, so memory stays bounded.
    pub fn forget_idle(&self, now: Instant) {
        let refill = self.budget.refill;
        self.lock().retain(|_, b| b.at(now, refill) > 0.0);
    }

    /// How many keys are remembered.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BUDGET: Budget = Budget {
        burst: 3,
        refill: Duration::from_secs(60),
    };

    #[test]
    fn a_burst_then_one_per_refill() {
        let buckets = Buckets::new(BUDGET);
        let start = Instant::now();
        for _ in 0..3 {
            assert!(buckets.try_spend("a", start));
        }
        assert!(!buckets.try_spend("a", start));
        assert!(!buckets.has_room(&"a", start + Duration::from_secs(59)));
        assert!(buckets.try_spend("a", start + Duration::from_secs(60)));
        assert!(buckets.try_spend("b", start), "keys are apart");
    }

    #[test]
    fn asking_spends_nothing_and_idle_keys_are_forgotten() {
        let buckets = Buckets::new(BUDGET);
        let start = Instant::now();
        for _ in 0..10 {
            assert!(buckets.has_room(&"a", start));
        }
        buckets.spend("a", start);
        buckets.forget_idle(start);
        assert_eq!(buckets.len(), 1);
        buckets.forget_idle(start + Duration::from_secs(61));
        assert!(buckets.is_empty());
        buckets.spend("b", start);
        buckets.refund(&"b", start);
        buckets.forget_idle(start);
        assert!(buckets.is_empty(), "a refunded unit is not spent");
    }
}
