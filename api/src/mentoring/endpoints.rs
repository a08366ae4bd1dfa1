//! `/api/v1/mentoring/assignments` and `/api/v1/pesantren/{id}/mentoring-sessions`.

use actix_web::{web, HttpResponse};
use uuid::Uuid;

use super::model::{AssignmentFilter, AssignmentInput, AssignmentView, SessionInput, SessionView};
use super::service;
use crate::auth::{AdminOnly, MentorOnly, RegisterReaders, Require};
use crate::error::ApiResult;
use crate::http::{with_etag, Body, IfMatch, Query};
use crate::pagination::{Page, PageParams};
use crate::publication;
use crate::state::AppState;

/// Assign a mentor to a pesantren.
///
/// By an admin of the pesantren's province (or a national admin). The
/// mentor (an active user with role `mentor`, of that province or of none)
/// sees the pesantren from `starts_on` to `ends_on`: its profile, koperasi,
/// products and certificates, never its santri. One mentor's periods on one
/// pesantren do not overlap (409).
#[utoipa::path(
    post,
    path = "/mentoring/assignments",
    tag = "mentoring",
    request_body = AssignmentInput,
    responses(
        (status = 201, description = "Assigned.", body = AssignmentView),
        (status = 409, description = "The mentor is already assigned to the pesantren for part of the period.")
    )
)]
pub(super) async fn create_assignment(
    auth: Require<AdminOnly>,
    state: web::Data<AppState>,
    body: Body<AssignmentInput>,
) -> ApiResult<HttpResponse> {
    let a = service::assign(&state.db, &auth, body.into_inner(), publication::today()).await?;
    Ok(with_etag(HttpResponse::Created(), a.version).json(a))
}

/// List mentoring assignments.
///
/// Staff see those of their province, a manager those of their pesantren,
/// a mentor their own. In order of creation.
#[utoipa::path(
    get,
    path = "/mentoring/assignments",
    tag = "mentoring",
    params(PageParams, AssignmentFilter),
    responses((status = 200, description = "One page of assignments.", body = Page<AssignmentView>))
)]
pub(super) async fn list_assignments(
    auth: Require<RegisterReaders>,
    state: web::Data<AppState>,
    page: Query<PageParams>,
    filter: Query<AssignmentFilter>,
) -> ApiResult<HttpResponse> {
    let today = publication::today();
    Ok(HttpResponse::Ok()
        .json(service::list_assignments(&state.db, &auth, &filter, &page, today).await?))
}

/// End a mentoring assignment.
///
/// By an admin of its province. The mentor no longer sees the pesantren;
/// the sessions recorded stay.
#[utoipa::path(
    delete,
    path = "/mentoring/assignments/{id}",
    tag = "mentoring",
    params(("id" = Uuid, Path, description = "Assignment id")),
    responses(
        (status = 204, description = "Removed."),
        (status = 412, description = "`If-Match` does not match the current version.")
    )
)]
pub(super) async fn delete_assignment(
    auth: Require<AdminOnly>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
) -> ApiResult<HttpResponse> {
    service::remove_assignment(&state.db, &auth, *id, if_match.0, publication::today()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// List the mentoring sessions of a pesantren.
///
/// For staff of its province, its managers, and the mentors assigned to it
/// today. Newest first.
#[utoipa::path(
    get,
    path = "/pesantren/{id}/mentoring-sessions",
    tag = "mentoring",
    params(("id" = Uuid, Path, description = "Pesantren id"), PageParams),
    responses((status = 200, description = "One page of sessions.", body = Page<SessionView>))
)]
pub(super) async fn list_mentoring_sessions(
    auth: Require<RegisterReaders>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    page: Query<PageParams>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(service::list_sessions(&state.db, &auth, *id, &page).await?))
}

/// Record a mentoring session.
///
/// By a mentor, on a pesantren assigned to them today: any other pesantren
/// is not found for them (404). `held_on` is not in the future.
#[utoipa::path(
    post,
    path = "/pesantren/{id}/mentoring-sessions",
    tag = "mentoring",
    params(("id" = Uuid, Path, description = "Pesantren id")),
    request_body = SessionInput,
    responses((status = 201, description = "Recorded.", body = SessionView))
)]
pub(super) async fn create_mentoring_session(
    auth: Require<MentorOnly>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    body: Body<SessionInput>,
) -> ApiResult<HttpResponse> {
    let s = service::record_session(
        &state.db,
        &auth,
        *id,
        body.into_inner(),
        publication::today(),
    )
    .await?;
    Ok(with_etag(HttpResponse::Created(), s.version).json(s))
}
