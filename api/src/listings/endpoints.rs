//! `/api/v1/catalog/products/{id}/listing`.

use actix_web::{web, HttpResponse};
use uuid::Uuid;

use super::model::{ListingInput, ListingPatch, ListingView};
use super::service;
use crate::auth::Partner;
use crate::edit::Edit;
use crate::error::ApiResult;
use crate::http::{with_etag, IfMatch, JsonValue, MergePatch};
use crate::state::AppState;

/// Record your listing of a product.
///
/// Tell OPOP where a published product is listed on your marketplace: your
/// item id and its public https URL. The URL appears in the catalogue (and
/// the change feed) as a buy link under your partner name. Sending it again
/// replaces it (the listing as read may be sent back with changes; send
/// `If-Match` with its ETag to replace only the version you read). You only
/// ever see and change your own listings. 201 the first time, 200 after.
#[utoipa::path(
    put,
    path = "/products/{id}/listing",
    tag = "catalog",
    params(("id" = Uuid, Path, description = "Product id")),
    request_body = ListingInput,
    responses(
        (status = 200, description = "Your listing, replaced.", body = ListingView),
        (status = 201, description = "Your listing, recorded.", body = ListingView),
        (status = 404, description = "No published product with this id."),
        (status = 412, description = "`If-Match` does not match your listing's version."),
        (status = 429, description = "Over your rate limit; see `Retry-After`.")
    )
)]
pub(super) async fn put_catalog_listing(
    partner: Partner,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    body: JsonValue,
) -> ApiResult<HttpResponse> {
    let (listing, created) =
        service::put(&state.db, &partner, *id, Edit::Replace(body.0), if_match.0).await?;
    let res = if created {
        HttpResponse::Created()
    } else {
        HttpResponse::Ok()
    };
    Ok(with_etag(res, listing.version).json(listing))
}

/// Change some fields of your listing (JSON Merge Patch).
///
/// A JSON Merge Patch (RFC 7396), sent as `application/merge-patch+json`
/// (or `application/json`), of a listing you recorded with `PUT`.
#[utoipa::path(
    patch,
    path = "/products/{id}/listing",
    tag = "catalog",
    params(("id" = Uuid, Path, description = "Product id")),
    request_body(content = ListingPatch, content_type = "application/merge-patch+json",
        example = json!({"url": "https://shopee.co.id/product/123/23456789012"})),
    responses(
        (status = 200, description = "Your listing, changed.", body = ListingView),
        (status = 404, description = "No published product with this id, or no listing of yours to change."),
        (status = 412, description = "`If-Match` does not match your listing's version."),
        (status = 415, description = "The body is not a merge patch."),
        (status = 429, description = "Over your rate limit; see `Retry-After`.")
    )
)]
pub(super) async fn patch_catalog_listing(
    partner: Partner,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    patch: MergePatch,
) -> ApiResult<HttpResponse> {
    let (listing, _) =
        service::put(&state.db, &partner, *id, Edit::Patch(patch.0), if_match.0).await?;
    Ok(with_etag(HttpResponse::Ok(), listing.version).json(listing))
}

/// Get your listing of a product.
#[utoipa::path(
    get,
    path = "/products/{id}/listing",
    tag = "catalog",
    params(("id" = Uuid, Path, description = "Product id")),
    responses(
        (status = 200, description = "Your listing.", body = ListingView),
        (status = 404, description = "You have no listing of this product.")
    )
)]
pub(super) async fn get_catalog_listing(
    partner: Partner,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let listing = service::get(&state.db, &partner, *id).await?;
    Ok(with_etag(HttpResponse::Ok(), listing.version).json(listing))
}

/// Remove your listing of a product.
///
/// Its buy link disappears from the catalogue.
#[utoipa::path(
    delete,
    path = "/products/{id}/listing",
    tag = "catalog",
    params(("id" = Uuid, Path, description = "Product id")),
    responses(
        (status = 204, description = "Removed."),
        (status = 404, description = "You have no listing of this product.")
    )
)]
pub(super) async fn delete_catalog_listing(
    partner: Partner,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    service::remove(&state.db, &partner, *id).await?;
    Ok(HttpResponse::NoContent().finish())
}
