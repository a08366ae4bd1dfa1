//! `/api/v1/auth`: login, refresh, logout, me, and partner tokens.

use actix_web::{web, HttpRequest, HttpResponse};

use super::model::{LoginRequest, PartnerToken, PartnerTokenRequest, RefreshRequest, TokenPair};
use super::service;
use crate::auth::{AnyUser, Open, Require};
use crate::error::{ApiResult, Kind};
use crate::http::{with_etag, Body};
use crate::state::AppState;
use crate::users::UserView;
use crate::validation::validate;

/// Only wrong credentials count towards locking an account.
fn record_outcome<T>(state: &AppState, account: &str, result: &ApiResult<T>) {
    match result {
        Ok(_) => state.throttle.credential_outcome(account, true),
        Err(e) if e.kind() == Kind::Unauthorized => {
            state.throttle.credential_outcome(account, false)
        }
        Err(_) => {}
    }
}

/// Log in with email and password.
///
/// Answers an access token (a JWT valid for `expires_in` seconds) and a
/// single-use refresh token. A wrong email and a wrong password get the same
/// 401. Repeated attempts for one email or from one address get 429 with
/// `Retry-After`. Managers and santri of a pesantren can log in only once the
/// secretariat has verified it (403 before).
#[utoipa::path(
    post,
    path = "/login",
    operation_id = "create_session",
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Logged in.", body = TokenPair),
        (status = 401, description = "Wrong email or password (the same answer for both)."),
        (status = 403, description = "The pesantren of this manager or santri is not verified yet.")
    )
)]
pub(super) async fn login(
    _: Open,
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Body<LoginRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    validate(&body)?;
    state
        .throttle
        .credential_attempt(&body.email, crate::ratelimit::client_address(&req))?;
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
    post,
    path = "/refresh",
    operation_id = "refresh_session",
    tag = "auth",
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "A new token pair.", body = TokenPair),
        (status = 401, description = "The refresh token is unknown, expired, revoked or already used.")
    )
)]
pub(super) async fn refresh(
    _: Open,
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Body<RefreshRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    validate(&body)?;
    let pair = service::refresh(
        &state.db,
        &state.keys,
        state.config.refresh_token_ttl_secs,
        &body.refresh_token,
        crate::http::request_id(&req),
    )
    .await?;
    Ok(HttpResponse::Ok().json(pair))
}

/// Log out: revoke the refresh token and every token of its session.
///
/// Access tokens already issued stay valid until they expire (at most
/// 15 minutes by default).
#[utoipa::path(
    post,
    path = "/logout",
    operation_id = "delete_session",
    tag = "auth",
    request_body = RefreshRequest,
    responses((status = 204, description = "Logged out."))
)]
pub(super) async fn logout(
    _: Open,
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Body<RefreshRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    validate(&body)?;
    service::logout(
        &state.db,
        &body.refresh_token,
        crate::http::request_id(&req),
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The caller's own user account.
#[utoipa::path(
    get,
    path = "/me",
    operation_id = "get_current_user",
    tag = "auth",
    responses((status = 200, description = "The caller.", body = UserView))
)]
pub(super) async fn me(
    auth: Require<AnyUser>,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let user = crate::users::service::me(&state.db, &auth).await?;
    Ok(with_etag(HttpResponse::Ok(), user.version).json(user))
}

/// Get an access token for a partner (client credentials).
///
/// Partners are created by a national admin (`POST /api/v1/partners`), which
/// answers the client id and secret once. Partner tokens have no refresh
/// token: ask for a new one when it expires.
#[utoipa::path(
    post,
    path = "/token",
    operation_id = "create_partner_token",
    tag = "auth",
    request_body = PartnerTokenRequest,
    responses(
        (status = 200, description = "An access token for the partner.", body = PartnerToken),
        (status = 401, description = "Wrong client id or secret.")
    )
)]
pub(super) async fn token(
    _: Open,
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Body<PartnerTokenRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    validate(&body)?;
    // Failures lock a client id as they lock an email: a wrong secret
    // counts, and the lock holds for the right one too.
    let account = format!("client:{}", crate::text::normalize_email(&body.client_id));
    state
        .throttle
        .credential_attempt(&account, crate::ratelimit::client_address(&req))?;
    let result = service::partner_token(
        &state.db,
        &state.keys,
        &body.client_id,
        &body.client_secret,
        crate::http::request_id(&req),
    )
    .await;
    record_outcome(&state, &account, &result);
    Ok(HttpResponse::Ok().json(result?))
}
