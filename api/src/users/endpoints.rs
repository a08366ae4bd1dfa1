//! `/api/v1/users`.

use actix_web::{web, HttpResponse};
use uuid::Uuid;

use super::model::{CreateUser, UserFilter, UserView};
use super::service;
use crate::auth::{AdminOnly, Require};
use crate::error::ApiResult;
use crate::http::{with_etag, Body, IfMatch, Query};
use crate::pagination::{Page, PageParams};
use crate::state::AppState;

/// Create a user account.
///
/// An admin of a province creates admins and curators of that province only,
/// and managers and santri accounts of pesantren in it; a national admin
/// (no province) creates any. Passwords have at least 10 characters.
#[utoipa::path(
    post,
    path = "",
    tag = "users",
    request_body = CreateUser,
    responses(
        (status = 201, description = "Created.", body = UserView),
        (status = 409, description = "A user with this email already exists.")
    )
)]
pub(super) async fn create_user(
    auth: Require<AdminOnly>,
    state: web::Data<AppState>,
    body: Body<CreateUser>,
) -> ApiResult<HttpResponse> {
    let user = service::create(&state.db, &auth, body.into_inner()).await?;
    Ok(with_etag(HttpResponse::Created(), user.version)
        .insert_header(("Location", format!("/api/v1/users/{}", user.id)))
        .json(user))
}

/// List user accounts in the caller's province.
#[utoipa::path(
    get,
    path = "",
    tag = "users",
    params(PageParams, UserFilter),
    responses((status = 200, description = "One page of users.", body = Page<UserView>))
)]
pub(super) async fn list_users(
    auth: Require<AdminOnly>,
    state: web::Data<AppState>,
    page: Query<PageParams>,
    filter: Query<UserFilter>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(service::list(&state.db, &auth, &filter, &page).await?))
}

/// Get one user account.
#[utoipa::path(
    get,
    path = "/{id}",
    tag = "users",
    params(("id" = Uuid, Path, description = "User id")),
    responses((status = 200, description = "The user.", body = UserView))
)]
pub(super) async fn get_user(
    auth: Require<AdminOnly>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let user = service::get(&state.db, &auth, *id).await?;
    Ok(with_etag(HttpResponse::Ok(), user.version).json(user))
}

/// Deactivate a user account.
///
/// The account can no longer log in, its tokens stop working at once and its
/// refresh tokens are revoked. Send `If-Match` to avoid overwriting a change.
#[utoipa::path(
    post,
    path = "/{id}/deactivate",
    tag = "users",
    params(("id" = Uuid, Path, description = "User id")),
    responses(
        (status = 200, description = "Deactivated.", body = UserView),
        (status = 409, description = "You cannot deactivate your own account."),
        (status = 412, description = "`If-Match` does not match the current version.")
    )
)]
pub(super) async fn deactivate_user(
    auth: Require<AdminOnly>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
) -> ApiResult<HttpResponse> {
    let user = service::set_active(&state.db, &auth, *id, false, if_match.0).await?;
    Ok(with_etag(HttpResponse::Ok(), user.version).json(user))
}

/// Reactivate a user account.
#[utoipa::path(
    post,
    path = "/{id}/activate",
    tag = "users",
    params(("id" = Uuid, Path, description = "User id")),
    responses(
        (status = 200, description = "Activated.", body = UserView),
        (status = 412, description = "`If-Match` does not match the current version.")
    )
)]
pub(super) async fn activate_user(
    auth: Require<AdminOnly>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
) -> ApiResult<HttpResponse> {
    let user = service::set_active(&state.db, &auth, *id, true, if_match.0).await?;
    Ok(with_etag(HttpResponse::Ok(), user.version).json(user))
}
