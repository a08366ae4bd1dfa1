//! `/api/v1/competitions/{id}/entries` and `/api/v1/entries`.

use actix_web::{web, HttpResponse};
use uuid::Uuid;

use super::model::{EliminateInput, EntryFilter, EntryInput, EntryView, ScoreInput};
use super::service;
use crate::auth::{AdminOnly, CuratorOnly, RegisterStaff, Require};
use crate::error::ApiResult;
use crate::http::{with_etag, Body, IfMatch, Query};
use crate::pagination::{Page, PageParams};
use crate::publication;
use crate::state::AppState;

/// List the entries of a competition.
///
/// Staff of its province see all of them with the jurors' names; a
/// manager sees their own pesantren's entry, its scores without the
/// jurors' names, and the reason of an elimination. In order of entry.
#[utoipa::path(
    get,
    path = "/competitions/{id}/entries",
    tag = "competitions",
    params(("id" = Uuid, Path, description = "Competition id"), PageParams, EntryFilter),
    responses((status = 200, description = "One page of entries.", body = Page<EntryView>))
)]
pub(super) async fn list_entries(
    auth: Require<RegisterStaff>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    page: Query<PageParams>,
    filter: Query<EntryFilter>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(service::list(&state.db, &auth, *id, &filter, &page).await?))
}

/// Enter a pesantren in a competition.
///
/// While the competition is `open` and not past `entries_close_on` (409
/// otherwise): a manager enters their own verified pesantren, staff any
/// verified pesantren of the province; once per pesantren (409
/// `entry.already_entered`). The category is one of the competition's, the
/// products the pesantren's own. A competition with a `district` stage
/// needs the pesantren's `district_code`. The entry starts at the first
/// stage.
#[utoipa::path(
    post,
    path = "/competitions/{id}/entries",
    tag = "competitions",
    params(("id" = Uuid, Path, description = "Competition id")),
    request_body = EntryInput,
    responses(
        (status = 201, description = "Entered; `Location` names the entry.", body = EntryView),
        (status = 409, description = "Entered already, or the competition takes no entries now.")
    )
)]
pub(super) async fn create_entry(
    auth: Require<RegisterStaff>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    body: Body<EntryInput>,
) -> ApiResult<HttpResponse> {
    let e = service::enter(
        &state.db,
        &auth,
        *id,
        body.into_inner(),
        publication::today(),
    )
    .await?;
    Ok(with_etag(HttpResponse::Created(), e.version)
        .insert_header(("Location", format!("/api/v1/entries/{}", e.id)))
        .json(e))
}

/// Get one entry, with its scores.
///
/// Jurors' names are shown to staff only.
#[utoipa::path(
    get,
    path = "/entries/{id}",
    tag = "competitions",
    params(("id" = Uuid, Path, description = "Entry id")),
    responses((status = 200, description = "The entry; `ETag` carries its version.", body = EntryView))
)]
pub(super) async fn get_entry(
    auth: Require<RegisterStaff>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let e = service::get(&state.db, &auth, *id).await?;
    Ok(with_etag(HttpResponse::Ok(), e.version).json(e))
}

/// Advance an entry to the next stage.
///
/// By admins of the province, for an `active` entry at the stage being
/// judged; out of the last stage it becomes a `finalist`, who may receive
/// an award.
#[utoipa::path(
    post,
    path = "/entries/{id}/advance",
    tag = "competitions",
    params(("id" = Uuid, Path, description = "Entry id")),
    responses(
        (status = 200, description = "The entry at its new stage.", body = EntryView),
        (status = 409, description = "Not judging, already decided, or not at the stage being judged."),
        (status = 412, description = "`If-Match` does not match the current version.")
    )
)]
pub(super) async fn advance_entry(
    auth: Require<AdminOnly>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
) -> ApiResult<HttpResponse> {
    let e = service::advance(&state.db, &auth, *id, if_match.0).await?;
    Ok(with_etag(HttpResponse::Ok(), e.version).json(e))
}

/// Eliminate an entry, with a reason.
///
/// By admins of the province, for an `active` entry at the stage being
/// judged. At a `district` or `regency` stage the last entry of an area
/// whose entries were scored cannot go (409 `entry.area_nominee`): each
/// area nominates at least one. The pesantren reads the reason.
#[utoipa::path(
    post,
    path = "/entries/{id}/eliminate",
    tag = "competitions",
    params(("id" = Uuid, Path, description = "Entry id")),
    request_body = EliminateInput,
    responses(
        (status = 200, description = "The entry, eliminated.", body = EntryView),
        (status = 409, description = "Not judging, already decided, not at the stage being judged, or its area's last nominee."),
        (status = 412, description = "`If-Match` does not match the current version.")
    )
)]
pub(super) async fn eliminate_entry(
    auth: Require<AdminOnly>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    body: Body<EliminateInput>,
) -> ApiResult<HttpResponse> {
    let e = service::eliminate(&state.db, &auth, *id, body.into_inner(), if_match.0).await?;
    Ok(with_etag(HttpResponse::Ok(), e.version).json(e))
}

/// Score an entry as a juror.
///
/// By curators of the province, at the entry's current stage while the
/// competition is judging, once per stage (409 `score.already_given`). A
/// juror who mentors the pesantren in the competition's year, or who
/// created one of its products, is refused (403, the reason in `code`).
#[utoipa::path(
    post,
    path = "/entries/{id}/scores",
    tag = "competitions",
    params(("id" = Uuid, Path, description = "Entry id")),
    request_body = ScoreInput,
    responses(
        (status = 201, description = "Scored; the entry with its scores.", body = EntryView),
        (status = 403, description = "The juror mentors the pesantren or created its products."),
        (status = 409, description = "Scored already at this stage, or the entry is not being judged.")
    )
)]
pub(super) async fn score_entry(
    auth: Require<CuratorOnly>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    body: Body<ScoreInput>,
) -> ApiResult<HttpResponse> {
    let e = service::score(&state.db, &auth, *id, body.into_inner()).await?;
    Ok(with_etag(HttpResponse::Created(), e.version).json(e))
}
