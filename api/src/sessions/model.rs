//! Request and response types of `/api/v1/auth`.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

/// Email and password of a person.
#[derive(Deserialize, Validate, ToSchema)]
pub struct LoginRequest {
    /// The account's email (any case).
    #[validate(length(min = 1, max = 254, message = "field.required"))]
    #[schema(min_length = 1, max_length = 254)]
    #[schema(example = "admin@opop.local")]
    pub email: String,
    #[validate(length(min = 1, max = 1024, message = "field.required"))]
    #[schema(min_length = 1, max_length = 1024)]
    #[schema(example = "a-long-password")]
    pub password: String,
}

/// A refresh token to exchange or revoke.
#[derive(Deserialize, Validate, ToSchema)]
pub struct RefreshRequest {
    /// The refresh token from login or the previous refresh.
    #[validate(length(min = 1, max = 512, message = "field.required"))]
    #[schema(min_length = 1, max_length = 512)]
    #[schema(example = "Qm9yZ2VzLXJlZnJlc2gtdG9rZW4tZXhhbXBsZS0zMmJ5dGVz")]
    pub refresh_token: String,
}

/// A partner's client credentials.
#[derive(Deserialize, Validate, ToSchema)]
pub struct PartnerTokenRequest {
    #[validate(length(min = 1, max = 200, message = "field.required"))]
    #[schema(min_length = 1, max_length = 200)]
    #[schema(example = "shopee-demo")]
    pub client_id: String,
    #[validate(length(min = 1, max = 1024, message = "field.required"))]
    #[schema(min_length = 1, max_length = 1024)]
    #[schema(example = "a-long-client-secret")]
    pub client_secret: String,
}

crate::check_with_validator!(LoginRequest, RefreshRequest, PartnerTokenRequest);

/// Tokens answered by login and refresh.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenPair {
    /// Bearer token for the `Authorization` header.
    #[schema(
        example = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIwMTkzNmYzZSJ9.c2lnbmF0dXJl"
    )]
    pub access_token: String,
    /// Always `Bearer`.
    #[schema(example = "Bearer")]
    pub token_type: &'static str,
    /// Seconds until the access token expires.
    #[schema(example = 900)]
    pub expires_in: i64,
    /// Single-use token for `POST /api/v1/auth/refresh`.
    #[schema(example = "Qm9yZ2VzLXJlZnJlc2gtdG9rZW4tZXhhbXBsZS0zMmJ5dGVz")]
    pub refresh_token: String,
}

/// Token answered to a partner.
#[derive(Debug, Serialize, ToSchema)]
pub struct PartnerToken {
    /// Bearer token for the `Authorization` header.
    #[schema(
        example = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJzaG9wZWUtZGVtbyJ9.c2lnbmF0dXJl"
    )]
    pub access_token: String,
    /// Always `Bearer`.
    #[schema(example = "Bearer")]
    pub token_type: &'static str,
    /// Seconds until the access token expires; then ask for a new one.
    #[schema(example = 900)]
    pub expires_in: i64,
}
