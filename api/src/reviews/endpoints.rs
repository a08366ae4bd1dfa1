//! `/api/v1/products/{id}/reviews`, `/api/v1/certifications/{id}/reviews`
//! and `/api/v1/pesantren/{id}/reviews`.

use actix_web::{web, HttpResponse};
use uuid::Uuid;

use super::model::ReviewPage;
use super::service;
use crate::auth::{RegisterReaders, Require};
use crate::error::ApiResult;
use crate::http::Query;
use crate::pagination::PageParams;
use crate::state::AppState;

/// List the curation decisions on a product.
///
/// Every submission, approval, rejection (with its reason), unlisting,
/// relisting and flagship award or withdrawal, newest first, each kept as
/// it was made: a second rejection does not replace the first (the
/// product's `rejection_reason` is the latest). Whoever may read the
/// product; admins and curators also see who decided by name, its
/// pesantren's managers and mentors the role alone.
#[utoipa::path(
    get,
    path = "/products/{id}/reviews",
    tag = "products",
    params(("id" = Uuid, Path, description = "Product id"), PageParams),
    responses((status = 200, description = "One page of the product's decisions, newest first.", body = ReviewPage))
)]
pub(super) async fn list_product_reviews(
    auth: Require<RegisterReaders>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    page: Query<PageParams>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(ReviewPage::from(
        service::for_product(&state.db, &auth, *id, &page).await?,
    )))
}

/// List the review decisions on a certificate.
///
/// Every verification and rejection (with its reason), newest first; the
/// certificate's `rejection_reason` is the latest. Whoever may read the
/// certificate; names of who decided as for products.
#[utoipa::path(
    get,
    path = "/certifications/{id}/reviews",
    tag = "certifications",
    params(("id" = Uuid, Path, description = "Certification id"), PageParams),
    responses((status = 200, description = "One page of the certificate's decisions, newest first.", body = ReviewPage))
)]
pub(super) async fn list_certification_reviews(
    auth: Require<RegisterReaders>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    page: Query<PageParams>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(ReviewPage::from(
        service::for_certification(&state.db, &auth, *id, &page).await?,
    )))
}

/// List the secretariat's decisions on a pesantren.
///
/// Every verification and suspension (with its reason, when one was
/// given), newest first. Whoever may read the pesantren's full record
/// (staff of its province, its managers, its mentors): the public profile
/// of a verified pesantren carries no history. Names of who decided as for
/// products.
#[utoipa::path(
    get,
    path = "/pesantren/{id}/reviews",
    tag = "pesantren",
    params(("id" = Uuid, Path, description = "Pesantren id"), PageParams),
    responses((status = 200, description = "One page of the pesantren's decisions, newest first.", body = ReviewPage,
        example = json!({"data": [
            {"at": "2026-02-03T02:15:00Z", "decision": "verify", "reason": null, "by_role": "admin", "by_name": "Hj. Nur Aini"},
            {"at": "2026-01-20T07:40:00Z", "decision": "suspend", "reason": "Izin operasional sedang ditinjau ulang", "by_role": "admin", "by_name": "Hj. Nur Aini"}
        ], "next_cursor": null})))
)]
pub(super) async fn list_pesantren_reviews(
    auth: Require<RegisterReaders>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    page: Query<PageParams>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(ReviewPage::from(
        service::for_pesantren(&state.db, &auth, *id, &page).await?,
    )))
}
