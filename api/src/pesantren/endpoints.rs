//! `/api/v1/pesantren` and `/api/v1/registrations`.

use actix_web::{web, HttpRequest, HttpResponse};
use entity::PesantrenStatus;
use uuid::Uuid;

use super::model::{
    PesantrenFilter, PesantrenInput, PesantrenPatch, PesantrenResponse, PesantrenView,
    Registration, RegistrationRequest, StatusChange,
};
use super::service;
use crate::auth::{AdminOnly, Open, Public, RegisterWriters, Require};
use crate::edit::Edit;
use crate::error::ApiResult;
use crate::http::{with_etag, Body, IfMatch, JsonValue, MergePatch, OptionalBody, Query};
use crate::pagination::{Page, PageParams};
use crate::state::AppState;
use crate::validation::validate;

/// Register a pesantren online.
///
/// Anyone may register. The pesantren starts as `registered` and its first
/// manager account can log in once an admin of its province verifies it
/// (`POST /api/v1/pesantren/{id}/verify`). Registrations are limited per
/// address (429 with `Retry-After`).
#[utoipa::path(
    post,
    path = "/registrations",
    tag = "pesantren",
    request_body = RegistrationRequest,
    responses(
        (status = 201, description = "Registered; waiting for verification. The same answer whether or not the manager's email already has an account.", body = Registration),
        (status = 409, description = "The NSPP is already registered.")
    )
)]
pub(super) async fn create_registration(
    open: Open,
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Body<RegistrationRequest>,
) -> ApiResult<HttpResponse> {
    state
        .throttle
        .registration(crate::ratelimit::client_address(&req))?;
    let created = service::register(&state.db, &open, body.into_inner()).await?;
    Ok(HttpResponse::Created()
        .insert_header((
            "Location",
            format!("/api/v1/pesantren/{}", created.pesantren.id),
        ))
        .json(created))
}

/// Create a pesantren (secretariat).
///
/// It starts as `registered`. An admin of a province creates pesantren of
/// that province only.
#[utoipa::path(
    post,
    path = "",
    tag = "pesantren",
    request_body = PesantrenInput,
    responses(
        (status = 201, description = "Created.", body = PesantrenView),
        (status = 409, description = "The NSPP is already registered.")
    )
)]
pub(super) async fn create_pesantren(
    auth: Require<AdminOnly>,
    state: web::Data<AppState>,
    body: Body<PesantrenInput>,
) -> ApiResult<HttpResponse> {
    let p = service::create(&state.db, &auth, body.into_inner()).await?;
    Ok(with_etag(HttpResponse::Created(), p.version)
        .insert_header(("Location", format!("/api/v1/pesantren/{}", p.id)))
        .json(p))
}

/// List pesantren.
///
/// Admins, curators and managers get the full records in their scope (every
/// status). Everyone else, and staff passing `public=true`, gets the public
/// directory: verified pesantren, public fields only.
#[utoipa::path(
    get,
    path = "",
    tag = "pesantren",
    params(PageParams, PesantrenFilter),
    responses((status = 200, description = "One page of pesantren.", body = Page<PesantrenResponse>))
)]
pub(super) async fn list_pesantren(
    auth: Require<Public>,
    state: web::Data<AppState>,
    page: Query<PageParams>,
    filter: Query<PesantrenFilter>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(service::list(&state.db, &auth, &filter, &page).await?))
}

/// Get a pesantren.
///
/// The full record for staff in scope (with `ETag`); the public profile of a
/// verified pesantren for everyone else; 404 otherwise.
#[utoipa::path(
    get,
    path = "/{id}",
    tag = "pesantren",
    params(("id" = Uuid, Path, description = "Pesantren id")),
    responses((status = 200, description = "The pesantren.", body = PesantrenResponse))
)]
pub(super) async fn get_pesantren(
    auth: Require<Public>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    match service::get(&state.db, &auth, *id).await? {
        PesantrenResponse::Full(p) => Ok(with_etag(HttpResponse::Ok(), p.version).json(p)),
        public => Ok(HttpResponse::Ok().json(public)),
    }
}

/// Replace a pesantren's profile.
///
/// Send every field: a full replacement. The record as read may be sent back
/// with changes: its read-only fields (`id`, `status`, `verified_at`,
/// timestamps, `version`) are ignored when unchanged and refused when
/// changed. Managers edit their own pesantren's profile; only admins change
/// its NSPP, province or regency, and moving it to another province moves
/// its santri, koperasi, products and accounts with it. Send `If-Match`
/// with the ETag you read.
#[utoipa::path(
    put,
    path = "/{id}",
    tag = "pesantren",
    params(("id" = Uuid, Path, description = "Pesantren id")),
    request_body = PesantrenInput,
    responses(
        (status = 200, description = "Updated.", body = PesantrenView),
        (status = 409, description = "The NSPP is taken by another pesantren."),
        (status = 412, description = "`If-Match` does not match the current version.")
    )
)]
pub(super) async fn update_pesantren(
    auth: Require<RegisterWriters>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    body: JsonValue,
) -> ApiResult<HttpResponse> {
    let p = service::update(&state.db, &auth, *id, Edit::Replace(body.0), if_match.0).await?;
    Ok(with_etag(HttpResponse::Ok(), p.version).json(p))
}

/// Change some fields of a pesantren's profile.
///
/// A JSON Merge Patch (RFC 7396), sent as `application/merge-patch+json`
/// (or `application/json`): only the fields to change, `null` to clear an
/// optional one. The result must be a valid profile, with the rules of
/// `PUT`. Send `If-Match` with the ETag you read.
#[utoipa::path(
    patch,
    path = "/{id}",
    tag = "pesantren",
    params(("id" = Uuid, Path, description = "Pesantren id")),
    request_body(content = PesantrenPatch, content_type = "application/merge-patch+json",
        example = json!({"phone": "081234567890", "website": null})),
    responses(
        (status = 200, description = "Updated.", body = PesantrenView),
        (status = 409, description = "The NSPP is taken by another pesantren."),
        (status = 412, description = "`If-Match` does not match the current version."),
        (status = 415, description = "The body is not a merge patch.")
    )
)]
pub(super) async fn patch_pesantren(
    auth: Require<RegisterWriters>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    patch: MergePatch,
) -> ApiResult<HttpResponse> {
    let p = service::update(&state.db, &auth, *id, Edit::Patch(patch.0), if_match.0).await?;
    Ok(with_etag(HttpResponse::Ok(), p.version).json(p))
}

/// Verify a pesantren (secretariat).
///
/// From `registered` or `suspended`. Its managers can log in from then on,
/// and its approved products can be published.
#[utoipa::path(
    post,
    path = "/{id}/verify",
    tag = "pesantren",
    params(("id" = Uuid, Path, description = "Pesantren id")),
    responses(
        (status = 200, description = "Verified.", body = PesantrenView),
        (status = 409, description = "Already verified."),
        (status = 412, description = "`If-Match` does not match the current version.")
    )
)]
pub(super) async fn verify_pesantren(
    auth: Require<AdminOnly>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
) -> ApiResult<HttpResponse> {
    let p = service::set_status(
        &state.db,
        &auth,
        *id,
        PesantrenStatus::Verified,
        None,
        if_match.0,
    )
    .await?;
    Ok(with_etag(HttpResponse::Ok(), p.version).json(p))
}

/// Suspend a pesantren (secretariat).
///
/// From `registered` or `verified`. Nothing of it is public while suspended,
/// and its managers cannot log in. The optional `reason` is kept in the
/// pesantren's review history (`GET /pesantren/{id}/reviews`) and the audit
/// trail.
#[utoipa::path(
    post,
    path = "/{id}/suspend",
    tag = "pesantren",
    params(("id" = Uuid, Path, description = "Pesantren id")),
    request_body(content = Option<StatusChange>, description = "Optional reason."),
    responses(
        (status = 200, description = "Suspended.", body = PesantrenView),
        (status = 409, description = "Already suspended."),
        (status = 412, description = "`If-Match` does not match the current version.")
    )
)]
pub(super) async fn suspend_pesantren(
    auth: Require<AdminOnly>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    body: OptionalBody<StatusChange>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    validate(&body)?;
    let p = service::set_status(
        &state.db,
        &auth,
        *id,
        PesantrenStatus::Suspended,
        // A blank reason is no reason: the history shows `null`, not "".
        body.reason
            .map(|r| r.trim().to_string())
            .filter(|r| !r.is_empty()),
        if_match.0,
    )
    .await?;
    Ok(with_etag(HttpResponse::Ok(), p.version).json(p))
}
