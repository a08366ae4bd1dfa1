//! `/api/v1/partners`.

use actix_web::{web, HttpResponse};

use super::model::{CreatePartner, CreatedPartner, PartnerView};
use super::service;
use crate::auth::{AdminOnly, Require};
use crate::error::ApiResult;
use crate::http::{with_etag, Body, Query};
use crate::pagination::{Page, PageParams};
use crate::state::AppState;

/// Create a partner.
///
/// Answers its `client_id` and `client_secret`; the secret is shown only in
/// this answer. Only a national admin (one without a province) may create
/// partners, since they serve every province.
#[utoipa::path(
    post,
    path = "",
    tag = "partners",
    request_body = CreatePartner,
    responses(
        (status = 201, description = "Created; the secret is shown only now.", body = CreatedPartner),
        (status = 409, description = "A partner with this code already exists.")
    )
)]
pub(super) async fn create_partner(
    auth: Require<AdminOnly>,
    state: web::Data<AppState>,
    body: Body<CreatePartner>,
) -> ApiResult<HttpResponse> {
    let created = service::create(&state.db, &auth, body.into_inner()).await?;
    Ok(with_etag(HttpResponse::Created(), created.partner.version)
        .insert_header((
            "Location",
            format!("/api/v1/partners/{}", created.partner.id),
        ))
        .json(created))
}

/// List partners.
#[utoipa::path(
    get,
    path = "",
    tag = "partners",
    params(PageParams),
    responses((status = 200, description = "One page of partners.", body = Page<PartnerView>))
)]
pub(super) async fn list_partners(
    _: Require<AdminOnly>,
    state: web::Data<AppState>,
    page: Query<PageParams>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(service::list(&state.db, &page).await?))
}
