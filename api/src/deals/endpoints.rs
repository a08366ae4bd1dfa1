//! `/api/v1/activities/{id}/deals` and `/api/v1/deals`.

use actix_web::{web, HttpResponse};
use uuid::Uuid;

use super::model::{DealFilter, DealInput, DealView};
use super::service;
use crate::auth::{RegisterStaff, Require, Staff};
use crate::error::ApiResult;
use crate::http::{with_etag, Body, IfMatch, Query};
use crate::pagination::{Page, PageParams};
use crate::state::AppState;

/// List the deals of an activity.
///
/// Staff of its province see all of them, a manager their own pesantren's.
#[utoipa::path(
    get,
    path = "/activities/{id}/deals",
    tag = "activities",
    params(("id" = Uuid, Path, description = "Activity id"), PageParams, DealFilter),
    responses((status = 200, description = "One page of deals.", body = Page<DealView>))
)]
pub(super) async fn list_deals(
    auth: Require<RegisterStaff>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    page: Query<PageParams>,
    filter: Query<DealFilter>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(service::list(&state.db, &auth, *id, &filter, &page).await?))
}

/// Record a deal.
///
/// On a `business_matching` or an `expo` that is not cancelled (422
/// `deal.activity_kind` on any other kind). Staff of the province record
/// it `confirmed`; a manager reports one of their own pesantren, which
/// counts in `deal_total_idr` and the figures once staff confirm it.
#[utoipa::path(
    post,
    path = "/activities/{id}/deals",
    tag = "activities",
    params(("id" = Uuid, Path, description = "Activity id")),
    request_body = DealInput,
    responses(
        (status = 201, description = "Recorded.", body = DealView),
        (status = 409, description = "The activity was cancelled."),
        (status = 422, description = "A bad field, or an activity that takes no deals.")
    )
)]
pub(super) async fn record_deal(
    auth: Require<RegisterStaff>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    body: Body<DealInput>,
) -> ApiResult<HttpResponse> {
    let d = service::record(&state.db, &auth, *id, body.into_inner()).await?;
    Ok(with_etag(HttpResponse::Created(), d.version)
        .insert_header(("Location", format!("/api/v1/deals/{}", d.id)))
        .json(d))
}

/// Get one deal.
#[utoipa::path(
    get,
    path = "/deals/{id}",
    tag = "activities",
    params(("id" = Uuid, Path, description = "Deal id")),
    responses((status = 200, description = "The deal; `ETag` carries its version.", body = DealView))
)]
pub(super) async fn get_deal(
    auth: Require<RegisterStaff>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let d = service::get(&state.db, &auth, *id).await?;
    Ok(with_etag(HttpResponse::Ok(), d.version).json(d))
}

/// Confirm a reported deal.
///
/// By staff of its province: `reported` → `confirmed`; from then on it
/// counts. 409 `deal.already_confirmed` for a confirmed one.
#[utoipa::path(
    post,
    path = "/deals/{id}/confirm",
    tag = "activities",
    params(("id" = Uuid, Path, description = "Deal id")),
    responses(
        (status = 200, description = "Confirmed.", body = DealView),
        (status = 409, description = "Already confirmed, or its activity was cancelled."),
        (status = 412, description = "`If-Match` does not match the current version.")
    )
)]
pub(super) async fn confirm_deal(
    auth: Require<Staff>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
) -> ApiResult<HttpResponse> {
    let d = service::confirm(&state.db, &auth, *id, if_match.0).await?;
    Ok(with_etag(HttpResponse::Ok(), d.version).json(d))
}
