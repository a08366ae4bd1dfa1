//! Signing deliveries: `X-OPOP-Signature: sha256=<hex HMAC-SHA256>` of
//! `timestamp + "." + body`, keyed with the subscription's secret.

use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

/// `sha256=<hex>` of HMAC-SHA256, keyed with the secret as given to the
/// partner (its ASCII bytes), over `timestamp + "." + body`.
pub fn signature(secret: &str, timestamp: &str, body: &[u8]) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC accepts keys of any length");
    mac.update(timestamp.as_bytes());
    mac.update(b".");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

pub(super) fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_are_hmac_sha256_of_timestamp_dot_body() {
        // RFC 4231, test case 2.
        assert_eq!(
            signature("Jefe", "what do ya want for nothing?", b"").len(),
            "sha256=".len() + 64
        );
        let mut mac = Hmac::<Sha256>::new_from_slice(b"Jefe").unwrap();
        mac.update(b"1700000000.{}");
        assert_eq!(
            signature("Jefe", "1700000000", b"{}"),
            format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
        );
    }
}
