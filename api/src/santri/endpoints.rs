//! `/api/v1/pesantren/{id}/santri` and `/api/v1/santri/{id}`.

use actix_web::{web, HttpResponse};
use uuid::Uuid;

use super::model::{
    CreateSantri, SantriExport, SantriFilter, SantriPatch, SantriView, UpdateSantri,
};
use super::service;
use crate::auth::{RegisterWriters, Require, SantriKeepers, SantriReaders, SantriWriters};
use crate::edit::Edit;
use crate::error::ApiResult;
use crate::http::{with_etag, Body, IfMatch, JsonValue, MergePatch, Query};
use crate::pagination::{Page, PageParams};
use crate::state::AppState;

/// Register a santri of a pesantren.
///
/// Admins of the pesantren's province and its managers. The santri takes
/// the pesantren's province. The NIK must agree with `gender` and
/// `birth_date`, is unique within the pesantren, and is answered masked. A
/// santri under 18 (by `birth_date`, or by the NIK when no date is given)
/// needs `guardian_name` and `guardian_consent: true` (UU 27/2022). Every
/// invalid field is reported at once.
#[utoipa::path(
    post,
    path = "/pesantren/{id}/santri",
    tag = "santri",
    params(("id" = Uuid, Path, description = "Pesantren id")),
    request_body = CreateSantri,
    responses(
        (status = 201, description = "Created.", body = SantriView),
        (status = 409, description = "A santri with this NIK is already registered in this pesantren.")
    )
)]
pub(super) async fn create_santri(
    auth: Require<RegisterWriters>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    body: Body<CreateSantri>,
) -> ApiResult<HttpResponse> {
    let s = service::create(&state.db, &auth, &state.nik, *id, body.into_inner()).await?;
    Ok(with_etag(HttpResponse::Created(), s.version)
        .insert_header(("Location", format!("/api/v1/santri/{}", s.id)))
        .json(s))
}

/// List the santri of a pesantren.
///
/// Admins of its province and its managers; curators and mentors see
/// santri as counts only, in the figures. Ordered by registration; NIKs
/// are masked. Every record listed is recorded as read.
#[utoipa::path(
    get,
    path = "/pesantren/{id}/santri",
    tag = "santri",
    params(("id" = Uuid, Path, description = "Pesantren id"), PageParams, SantriFilter),
    responses((status = 200, description = "One page of santri.", body = Page<SantriView>))
)]
pub(super) async fn list_santri(
    auth: Require<SantriKeepers>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    page: Query<PageParams>,
    filter: Query<SantriFilter>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(service::list(&state.db, &auth, *id, &filter, &page).await?))
}

/// Get a santri.
///
/// Admins of the province, the pesantren's managers, and the santri
/// themself (curators and mentors: counts only). The NIK is masked; the
/// read is recorded in the audit trail.
#[utoipa::path(
    get,
    path = "/{id}",
    tag = "santri",
    params(("id" = Uuid, Path, description = "Santri id")),
    responses((status = 200, description = "The santri.", body = SantriView))
)]
pub(super) async fn get_santri(
    auth: Require<SantriReaders>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let s = service::get(&state.db, &auth, *id).await?;
    Ok(with_etag(HttpResponse::Ok(), s.version).json(s))
}

/// Update a santri.
///
/// Only the fields sent change; `null` clears an optional field, and the
/// rules of creation apply to the result. The record as read may be sent
/// back with changes: its read-only fields and its masked NIK are ignored
/// when unchanged. Admins of the province and the pesantren's managers
/// change any field; the santri themself may change only `phone`, `email`
/// and `address` (403 for any other field changed). Curators only read.
/// Send `If-Match` with the ETag you read.
#[utoipa::path(
    put,
    path = "/{id}",
    tag = "santri",
    params(("id" = Uuid, Path, description = "Santri id")),
    request_body = UpdateSantri,
    responses(
        (status = 200, description = "Updated.", body = SantriView),
        (status = 409, description = "A santri with this NIK is already registered in this pesantren."),
        (status = 412, description = "`If-Match` does not match the current version.")
    )
)]
pub(super) async fn update_santri(
    auth: Require<SantriWriters>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    body: JsonValue,
) -> ApiResult<HttpResponse> {
    let s = service::update(
        &state.db,
        &auth,
        &state.nik,
        *id,
        Edit::Replace(body.0),
        if_match.0,
    )
    .await?;
    Ok(with_etag(HttpResponse::Ok(), s.version).json(s))
}

/// Change some fields of a santri (JSON Merge Patch).
///
/// A JSON Merge Patch (RFC 7396), sent as `application/merge-patch+json`
/// (or `application/json`), with the rules of `PUT`: a santri may patch
/// their own `phone`, `email` and `address`.
#[utoipa::path(
    patch,
    path = "/{id}",
    tag = "santri",
    params(("id" = Uuid, Path, description = "Santri id")),
    request_body(content = SantriPatch, content_type = "application/merge-patch+json",
        example = json!({"phone": "081234567890"})),
    responses(
        (status = 200, description = "Updated.", body = SantriView),
        (status = 409, description = "A santri with this NIK is already registered in this pesantren."),
        (status = 412, description = "`If-Match` does not match the current version."),
        (status = 415, description = "The body is not a merge patch.")
    )
)]
pub(super) async fn patch_santri(
    auth: Require<SantriWriters>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    patch: MergePatch,
) -> ApiResult<HttpResponse> {
    let s = service::update(
        &state.db,
        &auth,
        &state.nik,
        *id,
        Edit::Patch(patch.0),
        if_match.0,
    )
    .await?;
    Ok(with_etag(HttpResponse::Ok(), s.version).json(s))
}

/// Delete a santri.
///
/// Admins of the province and the pesantren's managers. A santri whose user
/// account is still active cannot be deleted (409): an admin deactivates the
/// account first. Send `If-Match` with the ETag you read.
#[utoipa::path(
    delete,
    path = "/{id}",
    tag = "santri",
    params(("id" = Uuid, Path, description = "Santri id")),
    responses(
        (status = 204, description = "Deleted."),
        (status = 409, description = "The santri still has an active user account."),
        (status = 412, description = "`If-Match` does not match the current version.")
    )
)]
pub(super) async fn delete_santri(
    auth: Require<RegisterWriters>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
) -> ApiResult<HttpResponse> {
    service::delete(&state.db, &auth, *id, if_match.0).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Erase a santri's personal data, keeping the record counted.
///
/// For an alumnus whose record must stay in the programme's figures (or
/// any santri, on request under UU 27/2022): the name becomes empty and
/// every other personal field `null`; user accounts bound to the record
/// are deactivated and anonymised and their sessions revoked; the audit
/// trail about them keeps field names only. Afterwards the record is
/// restricted (admins only, in no list) and cannot change. Admins of the
/// province and the pesantren's managers. See docs/data-protection.md.
#[utoipa::path(
    post,
    path = "/{id}/erase",
    tag = "santri",
    params(("id" = Uuid, Path, description = "Santri id")),
    responses(
        (status = 200, description = "Erased; the record as it now is.", body = SantriView),
        (status = 409, description = "Already erased.")
    )
)]
pub(super) async fn erase_santri(
    auth: Require<RegisterWriters>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let s = service::erase(&state.db, &auth, *id).await?;
    Ok(with_etag(HttpResponse::Ok(), s.version).json(s))
}

/// Everything held about a santri, and who processed it.
///
/// The right of access: the record (NIK masked), its consent, the user
/// accounts bound to it, the santri's enterprises and activities, and
/// every read and change of the record (who, when, which fields), newest
/// first. For the santri themself, the pesantren's managers and admins of
/// the province. The export is itself recorded as a read.
#[utoipa::path(
    get,
    path = "/{id}/export",
    tag = "santri",
    params(("id" = Uuid, Path, description = "Santri id")),
    responses((status = 200, description = "What is held.", body = SantriExport))
)]
pub(super) async fn export_santri(
    auth: Require<SantriWriters>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(service::export(&state.db, &auth, *id).await?))
}

/// Withdraw the consent to a santri's data being kept.
///
/// The record is restricted at once (only admins see it; it leaves every
/// list) and its personal data is erased `OPOP_CONSENT_WITHDRAWN_ERASE_DAYS`
/// (default 3) later by the retention task. For the santri themself, the
/// pesantren's managers (on the guardian's word) and admins of the
/// province.
#[utoipa::path(
    post,
    path = "/{id}/consent/withdraw",
    tag = "santri",
    params(("id" = Uuid, Path, description = "Santri id")),
    responses(
        (status = 200, description = "Withdrawn; the record as it now is.", body = SantriView),
        (status = 409, description = "No consent is recorded, or it was already withdrawn; or the data was erased.")
    )
)]
pub(super) async fn withdraw_consent(
    auth: Require<SantriWriters>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let s = service::withdraw_consent(&state.db, &auth, *id).await?;
    Ok(with_etag(HttpResponse::Ok(), s.version).json(s))
}
