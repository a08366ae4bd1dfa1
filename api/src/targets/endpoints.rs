//! `/api/v1/targets`.

use actix_web::{web, HttpResponse};

use super::model::{TargetsFilter, TargetsInput, TargetsPatch, TargetsView};
use super::service;
use crate::auth::{AdminOnly, Require, Staff};
use crate::edit::Edit;
use crate::error::ApiResult;
use crate::http::{with_etag, IfMatch, JsonValue, MergePatch, Query};
use crate::pagination::{Page, PageParams};
use crate::state::AppState;

/// Set the targets of a province for a year.
///
/// By an admin of that province or a national admin. Every target is
/// replaced; one omitted (or `null`) is not set. The province must exist
/// and the year be 2019 to 2099 (422 naming `province_code` or `year`).
/// The figures of `GET /api/v1/stats/overview?province_code=&year=`
/// compare against these.
#[utoipa::path(
    put,
    path = "/{province_code}/{year}",
    tag = "stats",
    params(
        ("province_code" = String, Path, description = "Province code, two digits", example = "35"),
        ("year" = i32, Path, description = "Year", example = 2026)
    ),
    request_body = TargetsInput,
    responses(
        (status = 200, description = "Replaced; `ETag` carries the new version.", body = TargetsView),
        (status = 201, description = "Set for the first time.", body = TargetsView),
        (status = 403, description = "An admin of another province."),
        (status = 412, description = "`If-Match` does not match the current version.")
    )
)]
pub(super) async fn put_targets(
    auth: Require<AdminOnly>,
    state: web::Data<AppState>,
    path: web::Path<(String, i32)>,
    if_match: IfMatch,
    body: JsonValue,
) -> ApiResult<HttpResponse> {
    let (province, year) = path.into_inner();
    let (t, created) = service::put(
        &state.db,
        &auth,
        &province,
        year,
        Edit::Replace(body.0),
        if_match.0,
    )
    .await?;
    let status = if created {
        HttpResponse::Created()
    } else {
        HttpResponse::Ok()
    };
    Ok(with_etag(status, t.version).json(t))
}

/// Change some targets of a province for a year (JSON Merge Patch).
///
/// A JSON Merge Patch (RFC 7396) of targets already set (404 otherwise),
/// with the rules of `PUT`.
#[utoipa::path(
    patch,
    path = "/{province_code}/{year}",
    tag = "stats",
    params(
        ("province_code" = String, Path, description = "Province code, two digits", example = "35"),
        ("year" = i32, Path, description = "Year", example = 2026)
    ),
    request_body(content = TargetsPatch, content_type = "application/merge-patch+json",
        example = json!({"deal_value_idr": 30000000000i64})),
    responses(
        (status = 200, description = "Changed; `ETag` carries the new version.", body = TargetsView),
        (status = 403, description = "An admin of another province."),
        (status = 412, description = "`If-Match` does not match the current version."),
        (status = 415, description = "The body is not a merge patch.")
    )
)]
pub(super) async fn patch_targets(
    auth: Require<AdminOnly>,
    state: web::Data<AppState>,
    path: web::Path<(String, i32)>,
    if_match: IfMatch,
    patch: MergePatch,
) -> ApiResult<HttpResponse> {
    let (province, year) = path.into_inner();
    let (t, _) = service::put(
        &state.db,
        &auth,
        &province,
        year,
        Edit::Patch(patch.0),
        if_match.0,
    )
    .await?;
    Ok(with_etag(HttpResponse::Ok(), t.version).json(t))
}

/// List targets.
///
/// Staff see the targets of their province (national staff every one).
#[utoipa::path(
    get,
    path = "",
    tag = "stats",
    params(PageParams, TargetsFilter),
    responses((status = 200, description = "One page of targets.", body = Page<TargetsView>))
)]
pub(super) async fn list_targets(
    auth: Require<Staff>,
    state: web::Data<AppState>,
    page: Query<PageParams>,
    filter: Query<TargetsFilter>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(service::list(&state.db, &auth, &filter, &page).await?))
}
