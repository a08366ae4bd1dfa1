//! `/api/v1/auth`: login, refresh, logout, me, and partner tokens.

use actix_web::{get, post, web, HttpRequest, HttpResponse};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;

use super::principal::AnyUser;
use super::service::{self, PartnerToken, TokenPair};
use super::Require;
use crate::error::{ApiError, ApiResult};
use crate::startup::AppState;
use crate::users::UserView;
use crate::validation::validate;

#[derive(Deserialize, Validate, ToSchema)]
pub struct LoginRequest {
    #[validate(length(min = 1, max = 254, message = "is required"))]
    #[schema(min_length = 1, max_length = 254)]
    #[schema(example = "admin@opop.local")]
    pub email: String,
    #[validate(length(min = 1, max = 1024, message = "is required"))]
    #[schema(min_length = 1, max_length = 1024)]
    #[schema(example = "a-long-password")]
    pub password: String,
}

#[derive(Deserialize, Validate, ToSchema)]
pub struct RefreshRequest {
    /// The refresh token from login or the previous refresh.
    #[validate(length(min = 1, max = 512, message = "is required"))]
    #[schema(min_length = 1, max_length = 512)]
    #[schema(example = "Qm9yZ2VzLXJlZnJlc2gtdG9rZW4tZXhhbXBsZS0zMmJ5dGVz")]
    pub refresh_token: String,
}

#[derive(Deserialize, Validate, ToSchema)]
pub struct PartnerTokenRequest {
    #[validate(length(min = 1, max = 200, message = "is required"))]
    #[schema(min_length = 1, max_length = 200)]
    #[schema(example = "shopee-demo")]
    pub client_id: String,
    #[validate(length(min = 1, max = 1024, message = "is required"))]
    #[schema(min_length = 1, max_length = 1024)]
    #[schema(example = "a-long-client-secret")]
    pub client_secret: String,
}

/// Only wrong credentials count towards locking an account.
fn record_outcome<T>(state: &AppState, account: &str, result: &ApiResult<T>) {
    match result {
        Ok(_) => state.throttle.credential_outcome(account, true),
        Err(ApiError::Unauthorized(_)) => state.throttle.credential_outcome(account, false),
        Err(_) => {}
    }
}

fn peer(req: &HttpRequest) -> Option<std::net::IpAddr> {
    crate::ratelimit::client_address(req)
}

/// Log in with email and password.
///
/// Answers an access token (a JWT valid for `expires_in` seconds) and a
/// single-use refresh token. A wrong email and a wrong password get the same
/// 401. Repeated attempts for one email or from one address get 429 with
/// `Retry-After`. Managers and santri of a pesantren can log in only once the
/// secretariat has verified it (403 before).
#[utoipa::path(
    operation_id = "create_session",
    tag = "auth",
    request_body = LoginRequest,
    security(()),
    responses(
        (status = 200, description = "Logged in.", body = TokenPair),
        (status = 401, description = "Wrong email or password (the same answer for both).", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 403, description = "The pesantren of this manager or santri is not verified yet.", body = crate::error::Problem, content_type = "application/problem+json")
    )
)]
#[post("/login")]
async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: crate::http::Body<LoginRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner()?;
    validate(&body)?;
    state.throttle.credential_attempt(&body.email, peer(&req))?;
    let result = service::login(
        &state.db,
        &state.keys,
        state.config.refresh_token_ttl_secs,
        &body.email,
        &body.password,
        crate::http::request_id(&req),
    )
    .await;
    record_outcome(&state, &body.email, &result);
    Ok(HttpResponse::Ok().json(result?))
}

/// Exchange a refresh token for a new pair.
///
/// The presented token is spent. Presenting a spent token again revokes
/// every token descended from the same login, and answers 401.
#[utoipa::path(
    operation_id = "refresh_session",
    tag = "auth",
    request_body = RefreshRequest,
    security(()),
    responses(
        (status = 200, description = "A new token pair.", body = TokenPair),
        (status = 401, description = "The refresh token is unknown, expired, revoked or already used.", body = crate::error::Problem, content_type = "application/problem+json")
    )
)]
#[post("/refresh")]
async fn refresh(
    state: web::Data<AppState>,
    body: crate::http::Body<RefreshRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner()?;
    validate(&body)?;
    let pair = service::refresh(
        &state.db,
        &state.keys,
        state.config.refresh_token_ttl_secs,
        &body.refresh_token,
    )
    .await?;
    Ok(HttpResponse::Ok().json(pair))
}

/// Log out: revoke the refresh token and every token of its session.
///
/// Access tokens already issued stay valid until they expire (at most
/// 15 minutes by default).
#[utoipa::path(
    operation_id = "delete_session",
    tag = "auth",
    request_body = RefreshRequest,
    security(()),
    responses((status = 204, description = "Logged out."))
)]
#[post("/logout")]
async fn logout(
    state: web::Data<AppState>,
    body: crate::http::Body<RefreshRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner()?;
    validate(&body)?;
    service::logout(&state.db, &body.refresh_token).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The caller's own user account.
#[utoipa::path(
    operation_id = "get_current_user",
    tag = "auth",
    security(("bearer" = ["admin", "curator", "pesantren_manager", "santri"])),
    responses((status = 200, description = "The caller.", body = UserView))
)]
#[get("/me")]
async fn me(state: web::Data<AppState>, auth: Require<AnyUser>) -> ApiResult<HttpResponse> {
    let user = crate::users::me(&state.db, &auth).await?;
    Ok(crate::http::with_etag(HttpResponse::Ok(), user.version).json(user))
}

/// Get an access token for a partner (client credentials).
///
/// Partners are created by a national admin (`POST /api/v1/partners`), which
/// answers the client id and secret once. Partner tokens have no refresh
/// token: ask for a new one when it expires.
#[utoipa::path(
    operation_id = "create_partner_token",
    tag = "auth",
    request_body = PartnerTokenRequest,
    security(()),
    responses(
        (status = 200, description = "An access token for the partner.", body = PartnerToken),
        (status = 401, description = "Wrong client id or secret.", body = crate::error::Problem, content_type = "application/problem+json")
    )
)]
#[post("/token")]
async fn token(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: crate::http::Body<PartnerTokenRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner()?;
    validate(&body)?;
    state
        .throttle
        .credential_attempt(&format!("client:{}", body.client_id), peer(&req))?;
    let token =
        service::partner_token(&state.db, &state.keys, &body.client_id, &body.client_secret)
            .await?;
    Ok(HttpResponse::Ok().json(token))
}

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(
        utoipa_actix_web::scope("/auth")
            .service(login)
            .service(refresh)
            .service(logout)
            .service(me)
            .service(token),
    );
}
