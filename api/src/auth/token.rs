//! Access tokens (short-lived HS256 JWTs) and refresh tokens (random, stored
//! only as SHA-256 hashes).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use entity::refresh_tokens;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::error::ApiResult;

/// Who issues access tokens (`iss`) and whom they are for (`aud`): checked
/// on every token, so a token another service signed with a shared or
/// leaked key, or minted for another audience, is refused (issue 17).
pub const ISSUER: &str = "opop-api";
pub const AUDIENCE: &str = "opop-api";

/// The claims of an access token. `role` and `iat` are plain fields, so a
/// token without them fails to deserialise and is refused.
#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    /// User id, or partner id for `role = "partner"`.
    pub sub: Uuid,
    pub role: String,
    pub iat: i64,
    pub exp: i64,
    /// Always [`ISSUER`].
    pub iss: String,
    /// Always [`AUDIENCE`].
    pub aud: String,
}

impl Claims {
    /// Claims for `sub` with `role`, issued at `iat` and expiring at `exp`.
    pub fn new(sub: Uuid, role: &str, iat: i64, exp: i64) -> Self {
        Self {
            sub,
            role: role.to_string(),
            iat,
            exp,
            iss: ISSUER.to_string(),
            aud: AUDIENCE.to_string(),
        }
    }
}

#[derive(Clone)]
pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    pub access_ttl_secs: i64,
}

impl JwtKeys {
    pub fn new(secret: &[u8], access_ttl_secs: i64) -> Self {
        // The algorithm is pinned: a token naming `none` or any other
        // algorithm fails verification whatever its signature.
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_required_spec_claims(&["exp", "sub", "iss", "aud"]);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.leeway = 5;
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            access_ttl_secs,
        }
    }

    /// A signed access token for `sub` with `role`, valid for the configured time.
    pub fn issue(&self, sub: Uuid, role: &str) -> anyhow::Result<String> {
        let now = chrono::Utc::now().timestamp();
        self.issue_claims(&Claims::new(sub, role, now, now + self.access_ttl_secs))
    }

    pub fn issue_claims(&self, claims: &Claims) -> anyhow::Result<String> {
        Ok(encode(
            &Header::new(Algorithm::HS256),
            claims,
            &self.encoding,
        )?)
    }

    /// The claims of a valid token; `None` for anything else.
    pub fn verify(&self, token: &str) -> Option<Claims> {
        decode::<Claims>(token, &self.decoding, &self.validation)
            .ok()
            .map(|data| data.claims)
    }
}

/// A new refresh token: 256 random bits, base64url.
pub fn new_refresh_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// What is stored of a refresh token or client secret.
pub fn sha256_hex(value: &str) -> String {
    hex::encode(Sha256::digest(value.as_bytes()))
}

/// Revokes every refresh token of a user (on deactivation): every session
/// ends with its access tokens.
pub async fn revoke_all_for_user(db: &impl ConnectionTrait, user_id: Uuid) -> ApiResult<()> {
    refresh_tokens::Entity::update_many()
        .col_expr(
            refresh_tokens::Column::RevokedAt,
            Expr::value(crate::db::now()),
        )
        .filter(refresh_tokens::Column::UserId.eq(user_id))
        .filter(refresh_tokens::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> JwtKeys {
        JwtKeys::new(b"0123456789abcdef0123456789abcdef", 900)
    }

    #[test]
    fn a_token_verifies_with_its_key_only() {
        let id = Uuid::now_v7();
        let token = keys().issue(id, "admin").unwrap();
        let claims = keys().verify(&token).unwrap();
        assert_eq!(claims.sub, id);
        assert_eq!(claims.role, "admin");
        let other = JwtKeys::new(b"another-key-another-key-another-k", 900);
        assert!(other.verify(&token).is_none());
    }

    #[test]
    fn expired_unsigned_and_foreign_algorithm_tokens_are_refused() {
        let k = keys();
        let now = chrono::Utc::now().timestamp();
        let expired = k
            .issue_claims(&Claims::new(Uuid::now_v7(), "admin", now - 100, now - 60))
            .unwrap();
        assert!(k.verify(&expired).is_none());

        let claims = URL_SAFE_NO_PAD.encode(
            serde_json::json!({"sub": Uuid::now_v7(), "role": "admin", "iat": now, "exp": now + 60})
                .to_string(),
        );
        let none = format!(
            "{}.{}.",
            URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#),
            claims
        );
        assert!(k.verify(&none).is_none());

        let hs512 = encode(
            &Header::new(Algorithm::HS512),
            &Claims::new(Uuid::now_v7(), "admin", now, now + 60),
            &EncodingKey::from_secret(b"0123456789abcdef0123456789abcdef"),
        )
        .unwrap();
        assert!(k.verify(&hs512).is_none());
    }

    #[test]
    fn tokens_for_another_issuer_or_audience_or_without_them_are_refused() {
        let k = keys();
        let now = chrono::Utc::now().timestamp();
        let good = Claims::new(Uuid::now_v7(), "admin", now, now + 60);
        assert!(k.verify(&k.issue_claims(&good).unwrap()).is_some());
        for claims in [
            Claims {
                iss: "someone-else".into(),
                ..Claims::new(Uuid::now_v7(), "admin", now, now + 60)
            },
            Claims {
                aud: "another-service".into(),
                ..Claims::new(Uuid::now_v7(), "admin", now, now + 60)
            },
        ] {
            assert!(k.verify(&k.issue_claims(&claims).unwrap()).is_none());
        }
        // Signed with the right key but without `iss` and `aud`, as tokens
        // were before.
        let bare = encode(
            &Header::new(Algorithm::HS256),
            &serde_json::json!({"sub": Uuid::now_v7(), "role": "admin", "iat": now, "exp": now + 60}),
            &EncodingKey::from_secret(b"0123456789abcdef0123456789abcdef"),
        )
        .unwrap();
        assert!(k.verify(&bare).is_none());
    }

    #[test]
    fn refresh_tokens_are_random_and_hashed() {
        let a = new_refresh_token();
        assert_ne!(a, new_refresh_token());
        assert_eq!(sha256_hex(&a).len(), 64);
    }
}
