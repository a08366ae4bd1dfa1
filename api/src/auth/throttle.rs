//! Throttling of credential checks (login, partner tokens) and of anonymous
//! registrations, with `governor`'s keyed GCRA limiters.
//!
//! Counters live in the memory of one instance: behind a load balancer each
//! instance throttles on its own (see `docs/architecture.md`).

use std::collections::HashMap;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

pub use crate::config::ThrottleConfig;
use crate::error::{ApiError, Code};

/// Failed attempts per account in a fixed window. governor's limiters count
/// every check and cannot be peeked without consuming, so "only failures
/// count, but a locked account is refused before its password is checked"
/// needs this small counter.
struct FailureCounter {
    max: u32,
    window: Duration,
    entries: Mutex<HashMap<String, (u32, Instant)>>,
}

impl FailureCounter {
    fn new(max: u32, window: Duration) -> Self {
        Self {
            max,
            window,
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// `Err(seconds to wait)` while the account is locked.
    fn check(&self, key: &str) -> Result<(), u64> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        match entries.get(key) {
            Some((count, since)) if *count >= self.max && since.elapsed() < self.window => {
                Err((self.window - since.elapsed()).as_secs().max(1))
            }
            _ => Ok(()),
        }
    }

    fn fail(&self, key: &str) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() > 100_000 {
            let window = self.window;
            entries.retain(|_, (_, since)| since.elapsed() < window);
        }
        let entry = entries
            .entry(key.to_string())
            .or_insert((0, Instant::now()));
        if entry.1.elapsed() >= self.window {
            *entry = (0, Instant::now());
        }
        entry.0 += 1;
    }

    fn succeed(&self, key: &str) {
        self.entries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(key);
    }
}

pub struct Throttle {
    by_account: FailureCounter,
    by_address: DefaultKeyedRateLimiter<IpAddr>,
    registrations: DefaultKeyedRateLimiter<IpAddr>,
}

fn quota(burst: u32, replenish_every: Duration) -> Quota {
    Quota::with_period(replenish_every)
        .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
        .allow_burst(NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN))
}

fn check<K: std::hash::Hash + Eq + Clone>(
    limiter: &DefaultKeyedRateLimiter<K>,
    key: &K,
    code: Code,
) -> Result<(), ApiError> {
    limiter.check_key(key).map_err(|not_until| {
        let wait = not_until
            .wait_time_from(DefaultClock::default().now())
            .as_secs()
            .max(1);
        ApiError::new(code).with("seconds", wait).retry_after(wait)
    })
}

impl Throttle {
    pub fn new(config: ThrottleConfig) -> Self {
        Self {
            by_account: FailureCounter::new(config.account_burst, Duration::from_secs(15 * 60)),
            by_address: RateLimiter::keyed(quota(config.address_burst, Duration::from_secs(1))),
            registrations: RateLimiter::keyed(quota(
                config.registration_burst,
                Duration::from_secs(600),
            )),
        }
    }

    /// Admits a credential attempt for `account` from `address`, or answers
    /// 429: every attempt counts against the address, and an account is
    /// locked after repeated failures, whether it exists or not, so the answer
    /// never tells which accounts exist.
    pub fn credential_attempt(
        &self,
        account: &str,
        address: Option<IpAddr>,
    ) -> Result<(), ApiError> {
        if let Some(ip) = address {
            check(&self.by_address, &ip, Code::RequestRateLimited)?;
        }
        self.by_account
            .check(&crate::text::normalize_email(account))
            .map_err(|wait| {
                ApiError::new(Code::AuthLocked)
                    .with("seconds", wait)
                    .retry_after(wait)
            })
    }

    /// Records the outcome of an admitted attempt.
    pub fn credential_outcome(&self, account: &str, succeeded: bool) {
        let key = crate::text::normalize_email(account);
        if succeeded {
            self.by_account.succeed(&key);
        } else {
            self.by_account.fail(&key);
        }
    }

    pub fn registration(&self, address: Option<IpAddr>) -> Result<(), ApiError> {
        match address {
            Some(ip) => check(&self.registrations, &ip, Code::RegistrationThrottled),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_account_is_throttled_after_its_burst_whatever_the_address() {
        let t = Throttle::new(ThrottleConfig {
            account_burst: 3,
            address_burst: 100,
            registration_burst: 1,
        });
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let b: IpAddr = "10.0.0.2".parse().unwrap();
        for _ in 0..3 {
            t.credential_attempt("x@y.id", Some(a)).unwrap();
            t.credential_outcome("x@y.id", false);
        }
        let err = t.credential_attempt("X@Y.id", Some(b)).unwrap_err();
        assert_eq!(err.code(), Code::AuthLocked);
        assert_eq!(err.status(), 429);
        t.credential_attempt("other@y.id", Some(b)).unwrap();
    }

    #[test]
    fn successes_do_not_count_and_clear_failures() {
        let t = Throttle::new(ThrottleConfig {
            account_burst: 2,
            address_burst: 100,
            registration_burst: 1,
        });
        for _ in 0..10 {
            t.credential_attempt("p", None).unwrap();
            t.credential_outcome("p", true);
        }
        t.credential_outcome("p", false);
        t.credential_outcome("p", true);
        t.credential_outcome("p", false);
        t.credential_attempt("p", None).unwrap();
        t.credential_outcome("p", false);
        assert!(t.credential_attempt("p", None).is_err());
    }
}
