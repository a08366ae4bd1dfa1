//! `/api/v1/stats`.

use actix_web::{web, HttpResponse};

use super::model::StatsOverview;
use super::service;
use crate::auth::{Require, Staff};
use crate::error::ApiResult;
use crate::publication;
use crate::state::AppState;

/// The programme's figures.
///
/// Counts of pesantren by status, santri and santripreneurs, koperasi,
/// products by status, published and flagship products, and the halal
/// coverage of the categories that need it: for each province and in
/// total, against the programme's targets. Published products and halal
/// validity are judged on `as_of`, today in WIB. For admins and curators;
/// those of a province see that province only.
#[utoipa::path(
    get,
    path = "/overview",
    tag = "stats",
    responses((status = 200, description = "The figures in the caller's scope.", body = StatsOverview))
)]
pub(super) async fn get_stats_overview(
    auth: Require<Staff>,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let figures =
        service::overview(&state.db, &auth, state.config.targets, publication::today()).await?;
    Ok(HttpResponse::Ok().json(figures))
}
