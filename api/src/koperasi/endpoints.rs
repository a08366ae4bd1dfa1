//! `/api/v1/koperasi`.

use actix_web::{web, HttpResponse};
use uuid::Uuid;

use super::model::{CreateKoperasi, KoperasiFilter, KoperasiPatch, KoperasiView, UpdateKoperasi};
use super::service;
use crate::auth::{AdminOnly, Public, RegisterWriters, Require};
use crate::edit::Edit;
use crate::error::ApiResult;
use crate::http::{with_etag, Body, IfMatch, JsonValue, MergePatch, Query};
use crate::pagination::{Page, PageParams};
use crate::state::AppState;

/// Register the koperasi of a pesantren.
///
/// By an admin of the pesantren's province (or a national admin), or by the
/// pesantren's own manager. A pesantren has one koperasi; its NIB, if given,
/// is unique. A `pesantren_id` outside the caller's reach is a validation
/// error on that field.
#[utoipa::path(
    post,
    path = "",
    tag = "koperasi",
    request_body = CreateKoperasi,
    responses(
        (status = 201, description = "Created; `Location` names it and `ETag` carries its version.", body = KoperasiView),
        (status = 409, description = "The pesantren already has its koperasi, or another koperasi has this NIB.")
    )
)]
pub(super) async fn create_koperasi(
    auth: Require<RegisterWriters>,
    state: web::Data<AppState>,
    body: Body<CreateKoperasi>,
) -> ApiResult<HttpResponse> {
    let k = service::create(&state.db, &auth, body.into_inner()).await?;
    Ok(with_etag(HttpResponse::Created(), k.version.unwrap_or(1))
        .insert_header(("Location", format!("/api/v1/koperasi/{}", k.id)))
        .json(k))
}

/// List koperasi.
///
/// Staff and managers get every koperasi in their scope in full, plus the
/// public profile of the koperasi of verified pesantren outside it; anyone
/// else, with or without a token, gets those public profiles only. Sorted
/// by id (creation order).
#[utoipa::path(
    get,
    path = "",
    tag = "koperasi",
    params(PageParams, KoperasiFilter),
    responses((status = 200, description = "One page of koperasi.", body = Page<KoperasiView>))
)]
pub(super) async fn list_koperasi(
    auth: Require<Public>,
    state: web::Data<AppState>,
    page: Query<PageParams>,
    filter: Query<KoperasiFilter>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(service::list(&state.db, &auth, &filter, &page).await?))
}

/// Get one koperasi.
///
/// In full for callers whose scope covers it; the public profile (without
/// `created_at`, `updated_at` and `version`) of the koperasi of a verified
/// pesantren for everyone else; 404 otherwise.
#[utoipa::path(
    get,
    path = "/{id}",
    tag = "koperasi",
    params(("id" = Uuid, Path, description = "Koperasi id")),
    responses((status = 200, description = "The koperasi; `ETag` carries its version.", body = KoperasiView))
)]
pub(super) async fn get_koperasi(
    auth: Require<Public>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let shown = service::get(&state.db, &auth, *id).await?;
    Ok(with_etag(HttpResponse::Ok(), shown.version).json(shown.view))
}

/// Replace the writable fields of a koperasi.
///
/// By an admin of its province or its pesantren's manager. Every writable
/// field is replaced: an omitted optional field is cleared. The record as
/// read may be sent back with changes (its read-only fields unchanged).
/// Send `If-Match` with the `ETag` you read to avoid overwriting someone
/// else's change.
#[utoipa::path(
    put,
    path = "/{id}",
    tag = "koperasi",
    params(("id" = Uuid, Path, description = "Koperasi id")),
    request_body = UpdateKoperasi,
    responses(
        (status = 200, description = "Updated; `ETag` carries the new version.", body = KoperasiView),
        (status = 409, description = "Another koperasi is already registered with this NIB."),
        (status = 412, description = "`If-Match` does not match the current version.")
    )
)]
pub(super) async fn update_koperasi(
    auth: Require<RegisterWriters>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    body: JsonValue,
) -> ApiResult<HttpResponse> {
    let k = service::update(&state.db, &auth, *id, Edit::Replace(body.0), if_match.0).await?;
    Ok(with_etag(HttpResponse::Ok(), k.version.unwrap_or_default()).json(k))
}

/// Change some fields of a koperasi (JSON Merge Patch).
///
/// A JSON Merge Patch (RFC 7396), sent as `application/merge-patch+json`
/// (or `application/json`), with the rules of `PUT`.
#[utoipa::path(
    patch,
    path = "/{id}",
    tag = "koperasi",
    params(("id" = Uuid, Path, description = "Koperasi id")),
    request_body(content = KoperasiPatch, content_type = "application/merge-patch+json",
        example = json!({"member_count": 1300})),
    responses(
        (status = 200, description = "Updated; `ETag` carries the new version.", body = KoperasiView),
        (status = 409, description = "Another koperasi is already registered with this NIB."),
        (status = 412, description = "`If-Match` does not match the current version."),
        (status = 415, description = "The body is not a merge patch.")
    )
)]
pub(super) async fn patch_koperasi(
    auth: Require<RegisterWriters>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    patch: MergePatch,
) -> ApiResult<HttpResponse> {
    let k = service::update(&state.db, &auth, *id, Edit::Patch(patch.0), if_match.0).await?;
    Ok(with_etag(HttpResponse::Ok(), k.version.unwrap_or_default()).json(k))
}

/// Delete a koperasi.
///
/// Admins of its province (or national) only. Products that named it keep
/// their pesantren and lose the link to it. Send `If-Match` to delete only
/// the version you read.
#[utoipa::path(
    delete,
    path = "/{id}",
    tag = "koperasi",
    params(("id" = Uuid, Path, description = "Koperasi id")),
    responses(
        (status = 204, description = "Deleted."),
        (status = 412, description = "`If-Match` does not match the current version.")
    )
)]
pub(super) async fn delete_koperasi(
    auth: Require<AdminOnly>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
) -> ApiResult<HttpResponse> {
    service::remove(&state.db, &auth, *id, if_match.0).await?;
    Ok(HttpResponse::NoContent().finish())
}
