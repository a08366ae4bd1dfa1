//! `/api/v1/competitions`.

use actix_web::{web, HttpResponse};
use uuid::Uuid;

use super::model::{
    CompetitionFilter, CompetitionInput, CompetitionView, StandingsQuery, StandingsView,
};
use super::service;
use super::status::Action;
use crate::auth::{AdminOnly, RegisterStaff, Require, Staff};
use crate::error::ApiResult;
use crate::http::{with_etag, Body, IfMatch, Query};
use crate::pagination::{Page, PageParams};
use crate::state::AppState;

/// Create a competition (audisi).
///
/// By admins of its province (or national admins). It starts `draft`,
/// seen by staff only; `POST …/open` opens it for entries. Entries start
/// at the first of `stages` and are judged stage by stage.
#[utoipa::path(
    post,
    path = "",
    tag = "competitions",
    request_body = CompetitionInput,
    responses(
        (status = 201, description = "Created; `Location` names it and `ETag` carries its version.", body = CompetitionView),
        (status = 403, description = "Admins of a province create in their own province only.")
    )
)]
pub(super) async fn create_competition(
    auth: Require<AdminOnly>,
    state: web::Data<AppState>,
    body: Body<CompetitionInput>,
) -> ApiResult<HttpResponse> {
    let c = service::create(&state.db, &auth, body.into_inner()).await?;
    Ok(with_etag(HttpResponse::Created(), c.version)
        .insert_header(("Location", format!("/api/v1/competitions/{}", c.id)))
        .json(c))
}

/// List competitions.
///
/// Staff see the competitions of their province (national staff every
/// one), drafts included; managers those of their pesantren's province
/// that are no longer drafts. Newest first.
#[utoipa::path(
    get,
    path = "",
    tag = "competitions",
    params(PageParams, CompetitionFilter),
    responses((status = 200, description = "One page of competitions.", body = Page<CompetitionView>))
)]
pub(super) async fn list_competitions(
    auth: Require<RegisterStaff>,
    state: web::Data<AppState>,
    page: Query<PageParams>,
    filter: Query<CompetitionFilter>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(service::list(&state.db, &auth, &filter, &page).await?))
}

/// Get one competition.
#[utoipa::path(
    get,
    path = "/{id}",
    tag = "competitions",
    params(("id" = Uuid, Path, description = "Competition id")),
    responses((status = 200, description = "The competition; `ETag` carries its version.", body = CompetitionView))
)]
pub(super) async fn get_competition(
    auth: Require<RegisterStaff>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let c = service::get(&state.db, &auth, *id).await?;
    Ok(with_etag(HttpResponse::Ok(), c.version).json(c))
}

macro_rules! transition {
    ($fn:ident, $path:literal, $action:expr, $summary:literal, $doc:literal) => {
        #[doc = $summary]
        #[doc = ""]
        #[doc = $doc]
        #[utoipa::path(
            post,
            path = $path,
            tag = "competitions",
            params(("id" = Uuid, Path, description = "Competition id")),
            responses(
                (status = 200, description = "The competition in its new state.", body = CompetitionView),
                (status = 409, description = "Not allowed from the current state (named in `detail`)."),
                (status = 412, description = "`If-Match` does not match the current version.")
            )
        )]
        pub(super) async fn $fn(
            auth: Require<AdminOnly>,
            state: web::Data<AppState>,
            id: web::Path<Uuid>,
            if_match: IfMatch,
        ) -> ApiResult<HttpResponse> {
            let c = service::act(&state.db, &auth, *id, $action, if_match.0).await?;
            Ok(with_etag(HttpResponse::Ok(), c.version).json(c))
        }
    };
}

transition!(
    open_competition,
    "/{id}/open",
    Action::Open,
    "Open a competition for entries.",
    "`draft` → `open`. By admins of its province; managers of the province see it from now on and enter until `entries_close_on`."
);
transition!(
    judge_competition,
    "/{id}/judge",
    Action::Judge,
    "Close entries and start judging.",
    "`open` → `judging`. By admins of its province; jurors score the entries of the first stage."
);
transition!(
    close_competition,
    "/{id}/close",
    Action::Close,
    "Close a competition.",
    "`judging` → `closed`, once its last stage has closed (409 `competition.stages_left` before). Its awards are public from then on at `GET /api/v1/catalog/winners`."
);

/// Close the stage being judged.
///
/// By admins of the province, while `judging`: refused (409) while an
/// entry at the stage is undecided (neither advanced nor eliminated), and,
/// at a `district` or `regency` stage, while an area whose entries were
/// scored has none advanced: each area nominates at least one. The next
/// stage is judged from then on; after the last, awards may be recorded.
#[utoipa::path(
    post,
    path = "/{id}/close-stage",
    tag = "competitions",
    params(("id" = Uuid, Path, description = "Competition id")),
    responses(
        (status = 200, description = "The competition, judging its next stage.", body = CompetitionView),
        (status = 409, description = "Entries undecided, an area without a nominee, or not judging."),
        (status = 412, description = "`If-Match` does not match the current version.")
    )
)]
pub(super) async fn close_stage(
    auth: Require<AdminOnly>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
) -> ApiResult<HttpResponse> {
    let c = service::close_stage(&state.db, &auth, *id, if_match.0).await?;
    Ok(with_etag(HttpResponse::Ok(), c.version).json(c))
}

/// The standings of a stage.
///
/// For staff of the province: the entries that reached the stage, by the
/// mean of their jurors' scores at it, highest first. Ties are broken by
/// the number of scores (more first), then by the higher lowest score,
/// then by earlier entry. At a `district` or `regency` stage each entry
/// names its area, and the best-scored entry of each area is marked.
#[utoipa::path(
    get,
    path = "/{id}/standings",
    tag = "competitions",
    params(("id" = Uuid, Path, description = "Competition id"), StandingsQuery),
    responses(
        (status = 200, description = "The standings.", body = StandingsView),
        (status = 422, description = "No such stage or category in this competition.")
    )
)]
pub(super) async fn get_standings(
    auth: Require<Staff>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    query: Query<StandingsQuery>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(service::standings(&state.db, &auth, *id, &query).await?))
}
