//! Password and client-secret hashing with Argon2id.
//!
//! Requests hash and verify with [`hash_async`] and [`verify_async`]: each
//! Argon2 run takes a core and 19 MiB for some milliseconds, which on an
//! actix worker would stall every other request that worker holds (issue 17,
//! finding 10). They run on tokio's blocking pool instead, at most one per
//! core at a time, so a burst of logins queues without blocking the workers
//! or taking memory without bound.

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::{Algorithm, Argon2, Params, Version};
use rand::distr::{Alphanumeric, SampleString};
use std::sync::{Arc, LazyLock};
use tokio::sync::Semaphore;

/// Argon2 runs at once in this process: one per core.
static SLOTS: LazyLock<Arc<Semaphore>> = LazyLock::new(|| {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    Arc::new(Semaphore::new(cores))
});

/// Runs `work` on the blocking pool once a slot is free. The slot is held
/// by the work itself, so a request abandoned meanwhile (a timeout, a
/// closed connection) does not free it before the work ends.
async fn offload<T: Send + 'static>(
    slots: &Arc<Semaphore>,
    work: impl FnOnce() -> T + Send + 'static,
) -> anyhow::Result<T> {
    let slot = slots.clone().acquire_owned().await?;
    Ok(tokio::task::spawn_blocking(move || {
        let _slot = slot;
        work()
    })
    .await?)
}

/// [`hash`], off the request workers.
pub async fn hash_async(password: &str) -> anyhow::Result<String> {
    let password = password.to_owned();
    offload(&SLOTS, move || hash(&password)).await?
}

/// [`verify`], off the request workers; anything failing does not verify.
pub async fn verify_async(password: &str, stored: &str) -> bool {
    let (password, stored) = (password.to_owned(), stored.to_owned());
    offload(&SLOTS, move || verify(&password, &stored))
        .await
        .unwrap_or(false)
}

/// OWASP's minimum for Argon2id: 19 MiB of memory, 2 passes, 1 lane.
fn hasher() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

pub fn hash(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    hasher()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("hashing a password: {e}"))
}

/// Checks a password against a stored hash; a malformed hash never verifies.
pub fn verify(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|parsed| {
            hasher()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A random secret of `len` letters and digits.
pub fn random_secret(len: usize) -> String {
    Alphanumeric.sample_string(&mut rand::rng(), len)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_only() {
        let h = hash("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify("correct horse battery", &h));
        assert!(!verify("wrong horse battery", &h));
        assert!(!verify("anything", "not-a-hash"));
    }

    /// On a runtime of one thread, work that waits for a message from
    /// that thread finishes only if it runs elsewhere: run on the runtime's
    /// thread it would wait out its timeout and answer false.
    #[tokio::test(flavor = "current_thread")]
    async fn hashing_runs_off_the_runtime_s_own_thread() {
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let slots = Arc::new(Semaphore::new(1));
        let work = offload(&slots, move || {
            rx.recv_timeout(std::time::Duration::from_secs(5)).is_ok()
        });
        let send = async move {
            tokio::task::yield_now().await;
            tx.send(()).unwrap();
        };
        let (answered, ()) = tokio::join!(work, send);
        assert!(answered.unwrap(), "the work ran on the runtime's thread");
        let h = hash_async("correct horse battery").await.unwrap();
        assert!(verify_async("correct horse battery", &h).await);
        assert!(!verify_async("wrong", &h).await);
    }

    /// No more runs at once than there are slots, even when their callers
    /// give up waiting.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn runs_at_once_are_bounded_by_the_slots() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let slots = Arc::new(Semaphore::new(2));
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let mut calls = Vec::new();
        for _ in 0..8 {
            let (running, most) = (running.clone(), most.clone());
            let slots = slots.clone();
            calls.push(tokio::spawn(async move {
                offload(&slots, move || {
                    let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(now, Ordering::SeqCst);
                    std::thread::sleep(std::time::Duration::from_millis(20));
                    running.fetch_sub(1, Ordering::SeqCst);
                })
                .await
            }));
        }
        // Half the callers give up at once; their work still holds a slot
        // while it runs.
        for call in calls.iter().take(4) {
            call.abort();
        }
        for call in calls {
            let _ = call.await;
        }
        while slots.available_permits() < 2 {
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        assert!(most.load(Ordering::SeqCst) <= 2, "{most:?} ran at once");
        assert!(most.load(Ordering::SeqCst) >= 1);
    }
}
