//! `/api/v1/regions`: Kemendagri's provinces, regencies and districts.
//!
//! The answers change only when a migration loads a newer regulation, so
//! they may be kept for a day.

use actix_web::http::header;
use actix_web::{web, HttpResponse};

use super::model::{RegionView, RegionsParams};
use super::service;
use crate::auth::Open;
use crate::error::ApiResult;
use crate::http::Query;
use crate::pagination::Page;
use crate::state::AppState;

/// A day at browsers and CDNs: the data change only with a deployment.
pub const CACHE_CONTROL: &str = "public, max-age=86400";

/// List regions.
///
/// Without `parent`, the 38 provinces; with a province code, its regencies
/// and cities; with a regency code, its districts (kecamatan). Ordered by
/// code, in pages of up to 100 (100 by default, more than any region has
/// children). A `parent` that is no province or regency (malformed,
/// unknown, or a district) is a 422 naming `parent`. No token needed.
#[utoipa::path(
    get,
    path = "",
    tag = "regions",
    params(RegionsParams),
    responses(
        (status = 200, description = "One page of regions.", body = Page<RegionView>,
            headers(("Cache-Control" = String, description = "Caching for browsers and CDNs."))),
        (status = 422, description = "`parent` is no province or regency, or `limit` is out of range.")
    )
)]
pub(super) async fn list_regions(
    _: Open,
    state: web::Data<AppState>,
    params: Query<RegionsParams>,
) -> ApiResult<HttpResponse> {
    let page = service::list(&state.db, &params).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, CACHE_CONTROL))
        .json(page))
}

/// Get a region.
///
/// A province (`35`), regency or city (`3578`) or district (`357801`) by
/// its code, dots removed; 404 `region.not_found` for any other. No token
/// needed.
#[utoipa::path(
    get,
    path = "/{code}",
    tag = "regions",
    params(("code" = String, Path, description = "Region code: 2, 4 or 6 digits", example = "3578")),
    responses(
        (status = 200, description = "The region.", body = RegionView,
            headers(("Cache-Control" = String, description = "Caching for browsers and CDNs."))),
        (status = 404, description = "No region has this code (`region.not_found`).")
    )
)]
pub(super) async fn get_region(
    _: Open,
    state: web::Data<AppState>,
    code: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let region = service::get(&state.db, &code).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, CACHE_CONTROL))
        .json(region))
}
