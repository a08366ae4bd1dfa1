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

use crate::blocking;

/// Argon2 runs at once in this process: one per core.
static SLOTS: LazyLock<Arc<Semaphore>> = LazyLock::new(blocking::per_core);

/// [`hash`], off the request workers.
pub async fn hash_async(password: &str) -> anyhow::Result<String> {
    let password = password.to_owned();
    blocking::offload(&SLOTS, move || hash(&password)).await?
}

/// [`verify`], off the request workers; anything failing does not verify.
pub async fn verify_async(password: &str, stored: &str) -> bool {
    let (password, stored) = (password.to_owned(), stored.to_owned());
    blocking::offload(&SLOTS, move || verify(&password, &stored))
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

    #[tokio::test]
    async fn hashing_off_the_workers_verifies_as_on_them() {
        let h = hash_async("correct horse battery").await.unwrap();
        assert!(verify_async("correct horse battery", &h).await);
        assert!(!verify_async("wrong", &h).await);
    }
}
