//! `/api/v1/santri/{id}/enterprises`.

use actix_web::{web, HttpResponse};
use uuid::Uuid;

use super::model::{EnterpriseInput, EnterpriseView};
use super::service;
use crate::auth::{Require, SantriReaders, SantriWriters};
use crate::error::ApiResult;
use crate::http::{with_etag, Body, Query};
use crate::pagination::{Page, PageParams};
use crate::publication;
use crate::state::AppState;

/// List the enterprises of a santri.
///
/// For staff of the province, the pesantren's managers and the santri
/// themself.
#[utoipa::path(
    get,
    path = "/santri/{id}/enterprises",
    tag = "santri",
    params(("id" = Uuid, Path, description = "Santri id"), PageParams),
    responses((status = 200, description = "One page of enterprises.", body = Page<EnterpriseView>))
)]
pub(super) async fn list_enterprises(
    auth: Require<SantriReaders>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    page: Query<PageParams>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(service::list(&state.db, &auth, *id, &page).await?))
}

/// Record an enterprise of an alumnus.
///
/// By an admin of the province, the pesantren's manager or the alumnus
/// themself. The santri must be an alumnus (409 `enterprise.not_alumnus`);
/// a `social` enterprise makes them a sociopreneur in the figures.
#[utoipa::path(
    post,
    path = "/santri/{id}/enterprises",
    tag = "santri",
    params(("id" = Uuid, Path, description = "Santri id")),
    request_body = EnterpriseInput,
    responses(
        (status = 201, description = "Recorded.", body = EnterpriseView),
        (status = 409, description = "The santri is not an alumnus.")
    )
)]
pub(super) async fn create_enterprise(
    auth: Require<SantriWriters>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    body: Body<EnterpriseInput>,
) -> ApiResult<HttpResponse> {
    let e = service::create(
        &state.db,
        &auth,
        *id,
        body.into_inner(),
        publication::today(),
    )
    .await?;
    Ok(with_etag(HttpResponse::Created(), e.version).json(e))
}
