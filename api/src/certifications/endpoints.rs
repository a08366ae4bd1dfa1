//! `/api/v1/products/{id}/certifications` and `/api/v1/certifications`.

use actix_web::{web, HttpResponse};
use uuid::Uuid;

use super::model::{
    CertificationFilter, CertificationInput, CertificationPatch, CertificationView,
    RejectCertification,
};
use super::review::Action;
use super::service;
use crate::auth::{RegisterReaders, RegisterWriters, Require, Staff};
use crate::edit::Edit;
use crate::error::ApiResult;
use crate::http::{with_etag, Body, IfMatch, JsonValue, MergePatch, OptionalBody, Query};
use crate::pagination::{Page, PageParams};
use crate::state::AppState;
use crate::validation::validate;

/// Add a certificate to a product.
///
/// By the product's pesantren managers, or an admin of its province. It
/// starts `pending` until a curator or admin verifies it. The number is
/// checked against its type: halal `ID…` (BPJPH), P-IRT 15 digits, BPOM
/// `MD`/`ML` and 12 digits (`NA` and 11 for cosmetics).
#[utoipa::path(
    post,
    path = "/products/{id}/certifications",
    tag = "certifications",
    params(("id" = Uuid, Path, description = "Product id")),
    request_body = CertificationInput,
    responses(
        (status = 201, description = "Added as `pending`; `Location` names it.", body = CertificationView),
        (status = 409, description = "The product already has a certificate of this type and number.")
    )
)]
pub(super) async fn create_certification(
    auth: Require<RegisterWriters>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    body: Body<CertificationInput>,
) -> ApiResult<HttpResponse> {
    let c = service::create(&state.db, &auth, *id, body.into_inner()).await?;
    Ok(with_etag(HttpResponse::Created(), c.version)
        .insert_header(("Location", format!("/api/v1/certifications/{}", c.id)))
        .json(c))
}

/// List the certificates of a product.
#[utoipa::path(
    get,
    path = "/products/{id}/certifications",
    tag = "certifications",
    params(("id" = Uuid, Path, description = "Product id"), PageParams),
    responses((status = 200, description = "One page of the product's certificates, newest first.", body = Page<CertificationView>))
)]
pub(super) async fn list_product_certifications(
    auth: Require<RegisterReaders>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    page: Query<PageParams>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(service::list_for_product(&state.db, &auth, *id, &page).await?))
}

/// List certificates in the caller's scope.
///
/// Curators and admins see their province, managers their pesantren. With
/// `expiring_within_days` the list holds the certificates that expire from
/// today to that many days ahead, soonest first, so the secretariat can
/// chase renewals; `expired=true` lists those already past.
#[utoipa::path(
    get,
    path = "/certifications",
    tag = "certifications",
    params(PageParams, CertificationFilter),
    responses((status = 200, description = "One page of certificates.", body = Page<CertificationView>))
)]
pub(super) async fn list_certifications(
    auth: Require<RegisterReaders>,
    state: web::Data<AppState>,
    page: Query<PageParams>,
    filter: Query<CertificationFilter>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(service::list(&state.db, &auth, &filter, &page).await?))
}

/// Get a certificate.
#[utoipa::path(
    get,
    path = "/certifications/{id}",
    tag = "certifications",
    params(("id" = Uuid, Path, description = "Certification id")),
    responses((status = 200, description = "The certificate; `ETag` carries its version.", body = CertificationView))
)]
pub(super) async fn get_certification(
    auth: Require<RegisterReaders>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let c = service::get(&state.db, &auth, *id).await?;
    Ok(with_etag(HttpResponse::Ok(), c.version).json(c))
}

/// Correct a certificate (full replacement).
///
/// It goes back to `pending`, whatever its state: a verified halal
/// certificate that is edited stops publishing its product until it is
/// verified again. The certificate as read may be sent back with changes
/// (its read-only fields unchanged). Send `If-Match` with the ETag you read.
#[utoipa::path(
    put,
    path = "/certifications/{id}",
    tag = "certifications",
    params(("id" = Uuid, Path, description = "Certification id")),
    request_body = CertificationInput,
    responses(
        (status = 200, description = "Updated, now `pending`.", body = CertificationView),
        (status = 409, description = "The product already has a certificate of this type and number."),
        (status = 412, description = "`If-Match` does not match the current version.")
    )
)]
pub(super) async fn update_certification(
    auth: Require<RegisterWriters>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    body: JsonValue,
) -> ApiResult<HttpResponse> {
    let c = service::update(&state.db, &auth, *id, Edit::Replace(body.0), if_match.0).await?;
    Ok(with_etag(HttpResponse::Ok(), c.version).json(c))
}

/// Correct some fields of a certificate (JSON Merge Patch).
///
/// A JSON Merge Patch (RFC 7396), sent as `application/merge-patch+json`
/// (or `application/json`), with the rules of `PUT`: the certificate goes
/// back to `pending`.
#[utoipa::path(
    patch,
    path = "/certifications/{id}",
    tag = "certifications",
    params(("id" = Uuid, Path, description = "Certification id")),
    request_body(content = CertificationPatch, content_type = "application/merge-patch+json",
        example = json!({"expires_on": "2029-08-31"})),
    responses(
        (status = 200, description = "Updated, now `pending`.", body = CertificationView),
        (status = 409, description = "The product already has a certificate of this type and number."),
        (status = 412, description = "`If-Match` does not match the current version."),
        (status = 415, description = "The body is not a merge patch.")
    )
)]
pub(super) async fn patch_certification(
    auth: Require<RegisterWriters>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    patch: MergePatch,
) -> ApiResult<HttpResponse> {
    let c = service::update(&state.db, &auth, *id, Edit::Patch(patch.0), if_match.0).await?;
    Ok(with_etag(HttpResponse::Ok(), c.version).json(c))
}

/// Delete a certificate.
///
/// By the product's managers or an admin of its province. Deleting the
/// valid halal certificate of a food, beverage, herbal or cosmetics product
/// takes it out of the catalogue. Send `If-Match` to delete only the
/// version you read.
#[utoipa::path(
    delete,
    path = "/certifications/{id}",
    tag = "certifications",
    params(("id" = Uuid, Path, description = "Certification id")),
    responses(
        (status = 204, description = "Deleted."),
        (status = 412, description = "`If-Match` does not match the current version.")
    )
)]
pub(super) async fn delete_certification(
    auth: Require<RegisterWriters>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
) -> ApiResult<HttpResponse> {
    service::remove(&state.db, &auth, *id, if_match.0).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Verify a pending certificate.
///
/// `pending` → `verified`. Curators and admins of the product's province,
/// never on a product they created, and never once `expires_on` has
/// passed. A verified, unexpired halal certificate publishes an approved
/// food, beverage, herbal or cosmetics product of a verified pesantren.
#[utoipa::path(
    post,
    path = "/certifications/{id}/verify",
    tag = "certifications",
    params(("id" = Uuid, Path, description = "Certification id")),
    responses(
        (status = 200, description = "Verified.", body = CertificationView),
        (status = 409, description = "Not allowed from the current state (named in `detail`), or expired."),
        (status = 412, description = "`If-Match` does not match the current version.")
    )
)]
pub(super) async fn verify_certification(
    auth: Require<Staff>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
) -> ApiResult<HttpResponse> {
    let c = service::act(&state.db, &auth, *id, Action::Verify, None, if_match.0).await?;
    Ok(with_etag(HttpResponse::Ok(), c.version).json(c))
}

/// Reject a certificate, with a reason.
///
/// `pending` or `verified` → `rejected` (a verified one that proves forged
/// or withdrawn). A rejected halal certificate no longer publishes its
/// product. Curators and admins of the product's province, never on a
/// product they created.
#[utoipa::path(
    post,
    path = "/certifications/{id}/reject",
    tag = "certifications",
    params(("id" = Uuid, Path, description = "Certification id")),
    request_body = RejectCertification,
    responses(
        (status = 200, description = "Rejected.", body = CertificationView),
        (status = 409, description = "Not allowed from the current state (named in `detail`)."),
        (status = 412, description = "`If-Match` does not match the current version.")
    )
)]
pub(super) async fn reject_certification(
    auth: Require<Staff>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    body: OptionalBody<RejectCertification>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    validate(&body)?;
    let reason = Some(body.reason.trim().to_string());
    let c = service::act(&state.db, &auth, *id, Action::Reject, reason, if_match.0).await?;
    Ok(with_etag(HttpResponse::Ok(), c.version).json(c))
}
