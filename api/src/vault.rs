//! The NIK at rest (UU 27/2022; issue 17, finding 1): the keys and the
//! sealing. `santri::rotation` reseals stored rows.
//!
//! A NIK is kept three ways, none of them the number itself:
//! - `nik_sealed`: XChaCha20-Poly1305 under the current key, with the row's
//!   id as associated data, so a sealed NIK copied onto another row does not
//!   open. It is read only where the rules need the whole number (the NIK
//!   against gender and birth date when either changes) and by key rotation.
//! - `nik_hash`: a keyed hash (HMAC-SHA256), the same for the same NIK under
//!   the same key, so the duplicate check and the unique index work without
//!   decrypting anything. Unkeyed, a NIK's 10^16 values (far fewer given a
//!   district and a birth date) would be guessed from a plain hash.
//! - `nik_last4`: the four digits the contract answers (`************0263`),
//!   so a page of santri is served without decrypting a row.
//!
//! Each key is one 32-byte secret from the environment (`OPOP_NIK_KEY`);
//! the encryption key and the hash key are derived from it apart, so the
//! hash can never serve as the other. Sealed values name the key that sealed
//! them (`v1.<key id>.<base64>`), so after a rotation the server opens both
//! old and new ones (`OPOP_NIK_PREVIOUS_KEYS`) while `opop-api
//! rotate-nik-key` reseals the old.

use anyhow::{bail, Context};
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::error::ApiError;

/// Bytes in a key.
pub const KEY_LEN: usize = 32;
const NONCE_LEN: usize = 24;
const VERSION: &str = "v1";

/// One key: its id, its cipher and its hash key.
#[derive(Clone)]
struct Key {
    id: String,
    cipher: XChaCha20Poly1305,
    /// Keyed once; each hash starts from a clone.
    index: Hmac<Sha256>,
}

impl Key {
    fn new(secret: &[u8; KEY_LEN]) -> Self {
        // HMAC takes a key of any length, so keying it cannot fail.
        let keyed = |key: &[u8]| {
            <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes any key length")
        };
        let derive = |label: &[u8]| -> [u8; 32] {
            let mut mac = keyed(secret);
            mac.update(label);
            mac.finalize().into_bytes().into()
        };
        let digest = Sha256::new()
            .chain_update(b"opop nik key id\0")
            .chain_update(secret)
            .finalize();
        Self {
            id: hex::encode(&digest[..4]),
            cipher: XChaCha20Poly1305::new(&derive(b"opop nik encryption v1").into()),
            index: keyed(&derive(b"opop nik index v1")),
        }
    }

    fn hash(&self, nik: &str) -> String {
        let mut mac = self.index.clone();
        mac.update(nik.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }
}

/// What is stored of a NIK.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sealed {
    pub sealed: String,
    pub hash: String,
    pub last4: String,
}

/// The keys: the current one seals, every one opens. Cloned for a thread
/// that seals in bulk (the scale seed's generator).
#[derive(Clone)]
pub struct NikVault {
    current: Key,
    previous: Vec<Key>,
}

impl std::fmt::Debug for NikVault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NikVault")
            .field("current", &self.current.id)
            .field(
                "previous",
                &self.previous.iter().map(|k| &k.id).collect::<Vec<_>>(),
            )
            .finish()
    }
}

/// A key as written in the environment: 32 bytes in standard base64.
pub fn parse_key(text: &str) -> anyhow::Result<[u8; KEY_LEN]> {
    let bytes = STANDARD
        .decode(text.trim())
        .context("a NIK key must be base64 (e.g. from `openssl rand -base64 32`)")?;
    match <[u8; KEY_LEN]>::try_from(bytes.as_slice()) {
        Ok(key) => Ok(key),
        Err(_) => bail!(
            "a NIK key must be {KEY_LEN} bytes, this one has {}",
            bytes.len()
        ),
    }
}

/// A fresh random key, as `OPOP_NIK_KEY` takes it.
pub fn generate_key() -> String {
    let mut key = [0u8; KEY_LEN];
    rand::rng().fill_bytes(&mut key);
    STANDARD.encode(key)
}

impl NikVault {
    pub fn new(current: &[u8; KEY_LEN], previous: &[[u8; KEY_LEN]]) -> Self {
        let current = Key::new(current);
        let previous = previous
            .iter()
            .map(Key::new)
            .filter(|k| k.id != current.id)
            .collect();
        Self { current, previous }
    }

    /// The id of the key that seals, as it appears in sealed values.
    pub fn current_key_id(&self) -> &str {
        &self.current.id
    }

    fn keys(&self) -> impl Iterator<Item = &Key> {
        std::iter::once(&self.current).chain(self.previous.iter())
    }

    /// Seals `nik` for the row `row`.
    pub fn seal(&self, row: Uuid, nik: &str) -> Result<Sealed, ApiError> {
        let mut nonce = [0u8; NONCE_LEN];
        rand::rng().fill_bytes(&mut nonce);
        let ciphertext = self
            .current
            .cipher
            .encrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: nik.as_bytes(),
                    aad: row.as_bytes(),
                },
            )
            .map_err(|_| ApiError::internal(anyhow::anyhow!("a NIK could not be sealed")))?;
        let mut blob = nonce.to_vec();
        blob.extend_from_slice(&ciphertext);
        let digits: Vec<char> = nik.chars().collect();
        Ok(Sealed {
            sealed: format!(
                "{VERSION}.{}.{}",
                self.current.id,
                URL_SAFE_NO_PAD.encode(blob)
            ),
            hash: self.current.hash(nik),
            last4: digits[digits.len().saturating_sub(4)..].iter().collect(),
        })
    }

    fn key_of<'a>(&self, sealed: &'a str) -> Result<(&Key, &'a str), ApiError> {
        let mut parts = sealed.splitn(3, '.');
        let (Some(VERSION), Some(id), Some(body)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(ApiError::internal(anyhow::anyhow!(
                "a sealed NIK is not in the v1 format"
            )));
        };
        let key = self.keys().find(|k| k.id == id).ok_or_else(|| {
            ApiError::internal(anyhow::anyhow!(
                "a NIK is sealed under key {id}, which is neither OPOP_NIK_KEY nor in OPOP_NIK_PREVIOUS_KEYS"
            ))
        })?;
        Ok((key, body))
    }

    /// The NIK sealed for `row`. Fails (an internal error, logged) when
    /// the key is not configured or the value was tampered with or moved.
    pub fn open(&self, row: Uuid, sealed: &str) -> Result<String, ApiError> {
        let (key, body) = self.key_of(sealed)?;
        let broken = || ApiError::internal(anyhow::anyhow!("a sealed NIK does not open"));
        let blob = URL_SAFE_NO_PAD.decode(body).map_err(|_| broken())?;
        if blob.len() <= NONCE_LEN {
            return Err(broken());
        }
        let (nonce, ciphertext) = blob.split_at(NONCE_LEN);
        let nonce: [u8; NONCE_LEN] = nonce.try_into().map_err(|_| broken())?;
        let plain = key
            .cipher
            .decrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: ciphertext,
                    aad: row.as_bytes(),
                },
            )
            .map_err(|_| broken())?;
        String::from_utf8(plain).map_err(|_| broken())
    }

    /// The hash of `nik` under every key, the current one first: a NIK
    /// stored under any of them is found while a rotation is under way.
    pub fn hashes(&self, nik: &str) -> Vec<String> {
        self.keys().map(|k| k.hash(nik)).collect()
    }

    /// Whether `nik` is the NIK a row holds, judged by its hash under the
    /// key that sealed it, without decrypting.
    pub fn holds(&self, sealed: Option<&str>, hash: Option<&str>, nik: &str) -> bool {
        match (sealed, hash) {
            (Some(sealed), Some(hash)) => self
                .key_of(sealed)
                .is_ok_and(|(key, _)| key.hash(nik) == hash),
            _ => false,
        }
    }

    /// Whether `sealed` is under the current key (nothing for rotation to do).
    pub fn is_current(&self, sealed: &str) -> bool {
        sealed
            .strip_prefix(VERSION)
            .and_then(|s| s.strip_prefix('.'))
            .is_some_and(|s| s.starts_with(&format!("{}.", self.current.id)))
    }

    /// The prefix of values sealed under the current key, for queries.
    pub fn current_prefix(&self) -> String {
        format!("{VERSION}.{}.", self.current.id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NIK: &str = "3578014101090263";

    fn vault(byte: u8) -> NikVault {
        NikVault::new(&[byte; KEY_LEN], &[])
    }

    #[test]
    fn a_sealed_nik_opens_for_its_own_row_only() {
        let v = vault(1);
        let row = Uuid::now_v7();
        let s = v.seal(row, NIK).unwrap();
        assert!(!s.sealed.contains(NIK) && !s.sealed.contains("0263"));
        assert!(s.sealed.starts_with(&v.current_prefix()));
        assert_eq!(s.last4, "0263");
        assert_eq!(v.open(row, &s.sealed).unwrap(), NIK);
        assert!(
            v.open(Uuid::now_v7(), &s.sealed).is_err(),
            "moved to another row"
        );
        // Two seals of one NIK differ (random nonces); their hashes agree.
        let again = v.seal(row, NIK).unwrap();
        assert_ne!(again.sealed, s.sealed);
        assert_eq!(again.hash, s.hash);
    }

    #[test]
    fn a_tampered_or_foreign_value_does_not_open() {
        let v = vault(1);
        let row = Uuid::now_v7();
        let s = v.seal(row, NIK).unwrap();
        let mut bytes = s.sealed.clone().into_bytes();
        let last = bytes.len() - 2;
        bytes[last] = if bytes[last] == b'A' { b'B' } else { b'A' };
        assert!(v.open(row, &String::from_utf8(bytes).unwrap()).is_err());
        assert!(vault(2).open(row, &s.sealed).is_err(), "an unknown key");
        assert!(v.open(row, "3578014101090263").is_err(), "plain text");
    }

    #[test]
    fn after_a_rotation_old_values_open_and_are_found_by_hash() {
        let old = vault(1);
        let row = Uuid::now_v7();
        let s = old.seal(row, NIK).unwrap();
        let new = NikVault::new(&[2; KEY_LEN], &[[1; KEY_LEN]]);
        assert!(!new.is_current(&s.sealed));
        assert_eq!(new.open(row, &s.sealed).unwrap(), NIK);
        assert!(new.hashes(NIK).contains(&s.hash));
        assert!(new.holds(Some(&s.sealed), Some(&s.hash), NIK));
        assert!(!new.holds(Some(&s.sealed), Some(&s.hash), "3578014101090264"));
        let resealed = new.seal(row, NIK).unwrap();
        assert!(new.is_current(&resealed.sealed));
        assert_ne!(resealed.hash, s.hash, "the hash key rotates with the key");
        assert_eq!(new.hashes(NIK)[0], resealed.hash);
    }

    #[test]
    fn keys_are_32_bytes_of_base64() {
        assert!(parse_key(&generate_key()).is_ok());
        assert!(parse_key("c2hvcnQ=").is_err());
        assert!(parse_key("not base64!").is_err());
        assert_ne!(vault(1).current_key_id(), vault(2).current_key_id());
    }
}
