//! `/api/v1/activities/{id}/participants`.

use actix_web::{web, HttpResponse};
use uuid::Uuid;

use super::model::{AttendanceInput, AttendancePatch, EnrolRequest, ParticipantView};
use super::service;
use crate::auth::{RegisterStaff, Require, Staff};
use crate::edit::Edit;
use crate::error::ApiResult;
use crate::http::{with_etag, Body, IfMatch, JsonValue, MergePatch, Query};
use crate::pagination::{Page, PageParams};
use crate::publication;
use crate::state::AppState;

/// List the participants of an activity.
///
/// Staff of the activity's province see every participant; a manager sees
/// their own pesantren's enrolment. In order of enrolment.
#[utoipa::path(
    get,
    path = "/activities/{id}/participants",
    tag = "activities",
    params(("id" = Uuid, Path, description = "Activity id"), PageParams),
    responses((status = 200, description = "One page of participants.", body = Page<ParticipantView>))
)]
pub(super) async fn list_participants(
    auth: Require<RegisterStaff>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    page: Query<PageParams>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(service::list(&state.db, &auth, *id, &page).await?))
}

/// Enrol a pesantren.
///
/// A manager enrols their own pesantren, staff any of the activity's
/// province, with the santri of that pesantren who take part. Only while
/// the activity is `open`, not after `registration_closes_on` (today in
/// WIB), and while places are left: 409 otherwise (`activity.not_open`,
/// `activity.registration_closed`, `activity.full`), and 409
/// `participant.already_enrolled` for a second enrolment of a pesantren.
/// Places hold under any number of concurrent enrolments.
#[utoipa::path(
    post,
    path = "/activities/{id}/participants",
    tag = "activities",
    params(("id" = Uuid, Path, description = "Activity id")),
    request_body = EnrolRequest,
    responses(
        (status = 201, description = "Enrolled.", body = ParticipantView),
        (status = 409, description = "Not open, past the deadline, full, or already enrolled.")
    )
)]
pub(super) async fn enrol_participant(
    auth: Require<RegisterStaff>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    body: Body<EnrolRequest>,
) -> ApiResult<HttpResponse> {
    let p = service::enrol(
        &state.db,
        &auth,
        *id,
        body.into_inner(),
        publication::today(),
    )
    .await?;
    Ok(with_etag(HttpResponse::Created(), p.version)
        .insert_header((
            "Location",
            format!(
                "/api/v1/activities/{}/participants/{}",
                p.activity_id, p.pesantren_id
            ),
        ))
        .json(p))
}

/// Withdraw a pesantren.
///
/// By its manager or staff of the province, until the activity is `done`
/// or `cancelled`; its place is freed.
#[utoipa::path(
    delete,
    path = "/activities/{id}/participants/{pesantren_id}",
    tag = "activities",
    params(
        ("id" = Uuid, Path, description = "Activity id"),
        ("pesantren_id" = Uuid, Path, description = "The enrolled pesantren")
    ),
    responses(
        (status = 204, description = "Withdrawn."),
        (status = 409, description = "The activity is over or cancelled."),
        (status = 412, description = "`If-Match` does not match the current version.")
    )
)]
pub(super) async fn withdraw_participant(
    auth: Require<RegisterStaff>,
    state: web::Data<AppState>,
    path: web::Path<(Uuid, Uuid)>,
    if_match: IfMatch,
) -> ApiResult<HttpResponse> {
    let (id, pesantren_id) = path.into_inner();
    service::withdraw(&state.db, &auth, id, pesantren_id, if_match.0).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Record attendance.
///
/// By staff of the activity's province, once it has opened (`open`,
/// `closed` or `done`).
#[utoipa::path(
    put,
    path = "/activities/{id}/participants/{pesantren_id}/attendance",
    tag = "activities",
    params(
        ("id" = Uuid, Path, description = "Activity id"),
        ("pesantren_id" = Uuid, Path, description = "The enrolled pesantren")
    ),
    request_body = AttendanceInput,
    responses(
        (status = 200, description = "Recorded; `ETag` carries the participant's version.", body = ParticipantView),
        (status = 409, description = "The activity has not opened, or was cancelled."),
        (status = 412, description = "`If-Match` does not match the current version.")
    )
)]
pub(super) async fn put_attendance(
    auth: Require<Staff>,
    state: web::Data<AppState>,
    path: web::Path<(Uuid, Uuid)>,
    if_match: IfMatch,
    body: JsonValue,
) -> ApiResult<HttpResponse> {
    let (id, pesantren_id) = path.into_inner();
    let p = service::record_attendance(
        &state.db,
        &auth,
        id,
        pesantren_id,
        Edit::Replace(body.0),
        if_match.0,
    )
    .await?;
    Ok(with_etag(HttpResponse::Ok(), p.version).json(p))
}

/// Record attendance (JSON Merge Patch).
///
/// A JSON Merge Patch (RFC 7396) of the attendance, with the rules of `PUT`.
#[utoipa::path(
    patch,
    path = "/activities/{id}/participants/{pesantren_id}/attendance",
    tag = "activities",
    params(
        ("id" = Uuid, Path, description = "Activity id"),
        ("pesantren_id" = Uuid, Path, description = "The enrolled pesantren")
    ),
    request_body(content = AttendancePatch, content_type = "application/merge-patch+json",
        example = json!({"attended": true})),
    responses(
        (status = 200, description = "Recorded; `ETag` carries the participant's version.", body = ParticipantView),
        (status = 409, description = "The activity has not opened, or was cancelled."),
        (status = 412, description = "`If-Match` does not match the current version."),
        (status = 415, description = "The body is not a merge patch.")
    )
)]
pub(super) async fn patch_attendance(
    auth: Require<Staff>,
    state: web::Data<AppState>,
    path: web::Path<(Uuid, Uuid)>,
    if_match: IfMatch,
    patch: MergePatch,
) -> ApiResult<HttpResponse> {
    let (id, pesantren_id) = path.into_inner();
    let p = service::record_attendance(
        &state.db,
        &auth,
        id,
        pesantren_id,
        Edit::Patch(patch.0),
        if_match.0,
    )
    .await?;
    Ok(with_etag(HttpResponse::Ok(), p.version).json(p))
}
