//! `/api/v1/entries/{id}/awards`, `/api/v1/awards`,
//! `/api/v1/competitions/{id}/awards` and `/api/v1/catalog/winners`.

use actix_web::{web, HttpResponse};
use uuid::Uuid;

use super::model::{AwardInput, AwardView, DisbursementInput, WinnerFilter, WinnerView};
use super::service;
use crate::auth::{AdminOnly, Public, RegisterStaff, Require};
use crate::error::ApiResult;
use crate::http::{with_etag, Body, Query};
use crate::pagination::{Page, PageParams};
use crate::state::AppState;

/// Award a finalist.
///
/// By admins of the province, once the competition's last stage has
/// closed (409 `award.too_early` before), to an entry that is a
/// `finalist`; once per entry, and once per rank in each category (409).
#[utoipa::path(
    post,
    path = "/entries/{id}/awards",
    tag = "competitions",
    params(("id" = Uuid, Path, description = "Entry id")),
    request_body = AwardInput,
    responses(
        (status = 201, description = "Awarded; `Location` names the award.", body = AwardView),
        (status = 409, description = "Too early, not a finalist, awarded already or the rank is taken.")
    )
)]
pub(super) async fn create_award(
    auth: Require<AdminOnly>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    body: Body<AwardInput>,
) -> ApiResult<HttpResponse> {
    let a = service::award(&state.db, &auth, *id, body.into_inner()).await?;
    Ok(with_etag(HttpResponse::Created(), a.version)
        .insert_header(("Location", format!("/api/v1/awards/{}", a.id)))
        .json(a))
}

/// List the awards of a competition.
///
/// Staff of the province see all of them, a manager their own
/// pesantren's.
#[utoipa::path(
    get,
    path = "/competitions/{id}/awards",
    tag = "competitions",
    params(("id" = Uuid, Path, description = "Competition id"), PageParams),
    responses((status = 200, description = "One page of awards, with their payments.", body = Page<AwardView>))
)]
pub(super) async fn list_awards(
    auth: Require<RegisterStaff>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    page: Query<PageParams>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(service::list(&state.db, &auth, *id, &page).await?))
}

/// Get one award, with its payments.
#[utoipa::path(
    get,
    path = "/awards/{id}",
    tag = "competitions",
    params(("id" = Uuid, Path, description = "Award id")),
    responses((status = 200, description = "The award; `ETag` carries its version.", body = AwardView))
)]
pub(super) async fn get_award(
    auth: Require<RegisterStaff>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let a = service::get(&state.db, &auth, *id).await?;
    Ok(with_etag(HttpResponse::Ok(), a.version).json(a))
}

/// Record a payment of a grant.
///
/// By admins of the province: one tranche (amount, day, transfer
/// reference). The payments of an award never add up to more than its
/// `grant_idr`, also when two are recorded at once: the one that would
/// pass it gets 409 `award.over_grant`, naming what is left.
#[utoipa::path(
    post,
    path = "/awards/{id}/disbursements",
    tag = "competitions",
    params(("id" = Uuid, Path, description = "Award id")),
    request_body = DisbursementInput,
    responses(
        (status = 201, description = "Recorded; the award with its payments.", body = AwardView),
        (status = 409, description = "More than is left of the grant.")
    )
)]
pub(super) async fn create_disbursement(
    auth: Require<AdminOnly>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    body: Body<DisbursementInput>,
) -> ApiResult<HttpResponse> {
    let a = service::disburse(&state.db, &auth, *id, body.into_inner()).await?;
    Ok(with_etag(HttpResponse::Created(), a.version).json(a))
}

/// Winners of the programme's competitions.
///
/// For anyone: the awards of closed competitions, with the pesantren and
/// the grant, by competition and rank. Filters `province_code`, `year`.
#[utoipa::path(
    get,
    path = "/winners",
    tag = "catalog",
    params(PageParams, WinnerFilter),
    responses((status = 200, description = "One page of winners.", body = Page<WinnerView>))
)]
pub(super) async fn list_winners(
    _: Require<Public>,
    state: web::Data<AppState>,
    page: Query<PageParams>,
    filter: Query<WinnerFilter>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(service::winners(&state.db, &filter, &page).await?))
}

/// Get one winner.
///
/// For anyone: an award of a closed competition (404 for any other).
#[utoipa::path(
    get,
    path = "/winners/{id}",
    tag = "catalog",
    params(("id" = Uuid, Path, description = "Award id")),
    responses((status = 200, description = "The winner.", body = WinnerView))
)]
pub(super) async fn get_winner(
    _: Require<Public>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(service::winner(&state.db, *id).await?))
}
