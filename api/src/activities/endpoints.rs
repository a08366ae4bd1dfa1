//! `/api/v1/activities` and `/api/v1/catalog/events`.

use actix_web::{web, HttpResponse};
use uuid::Uuid;

use super::model::{
    ActivityFilter, ActivityInput, ActivityPatch, ActivityView, EventFilter, EventView,
};
use super::service;
use super::status::Action;
use crate::auth::{Public, RegisterStaff, Require, Staff};
use crate::edit::Edit;
use crate::error::ApiResult;
use crate::http::{with_etag, Body, IfMatch, JsonValue, MergePatch, Query};
use crate::pagination::{Page, PageParams};
use crate::state::AppState;

/// Create a programme activity.
///
/// A training, internship, camp, expo, business matching (temu bisnis) or
/// mentoring clinic, in one province: by admins and curators of that
/// province (or national staff). It starts `planned`; `POST …/open` opens
/// enrolment. Dates must be in order (`ends_on` not before `starts_on`,
/// `registration_closes_on` not after `ends_on`), and an activity held in
/// person needs a `location`.
#[utoipa::path(
    post,
    path = "",
    tag = "activities",
    request_body = ActivityInput,
    responses(
        (status = 201, description = "Created; `Location` names it and `ETag` carries its version.", body = ActivityView),
        (status = 403, description = "Staff of a province create in their own province only.")
    )
)]
pub(super) async fn create_activity(
    auth: Require<Staff>,
    state: web::Data<AppState>,
    body: Body<ActivityInput>,
) -> ApiResult<HttpResponse> {
    let a = service::create(&state.db, &auth, body.into_inner()).await?;
    Ok(with_etag(HttpResponse::Created(), a.version)
        .insert_header(("Location", format!("/api/v1/activities/{}", a.id)))
        .json(a))
}

/// List activities.
///
/// Staff see the activities of their province (national staff every one),
/// managers those of their pesantren's province. Sorted by first day, then
/// creation.
#[utoipa::path(
    get,
    path = "",
    tag = "activities",
    params(PageParams, ActivityFilter),
    responses((status = 200, description = "One page of activities.", body = Page<ActivityView>))
)]
pub(super) async fn list_activities(
    auth: Require<RegisterStaff>,
    state: web::Data<AppState>,
    page: Query<PageParams>,
    filter: Query<ActivityFilter>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(service::list(&state.db, &auth, &filter, &page).await?))
}

/// Get one activity, with its places taken and its confirmed deal total.
#[utoipa::path(
    get,
    path = "/{id}",
    tag = "activities",
    params(("id" = Uuid, Path, description = "Activity id")),
    responses((status = 200, description = "The activity; `ETag` carries its version.", body = ActivityView))
)]
pub(super) async fn get_activity(
    auth: Require<RegisterStaff>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let a = service::get(&state.db, &auth, *id).await?;
    Ok(with_etag(HttpResponse::Ok(), a.version).json(a))
}

/// Replace the writable fields of an activity.
///
/// By staff of its province. `kind` and `province_code` cannot change; the
/// capacity cannot fall below the pesantren already enrolled (409). The
/// activity as read may be sent back with changes.
#[utoipa::path(
    put,
    path = "/{id}",
    tag = "activities",
    params(("id" = Uuid, Path, description = "Activity id")),
    request_body = ActivityInput,
    responses(
        (status = 200, description = "Updated; `ETag` carries the new version.", body = ActivityView),
        (status = 409, description = "More pesantren are enrolled than the new capacity."),
        (status = 412, description = "`If-Match` does not match the current version.")
    )
)]
pub(super) async fn update_activity(
    auth: Require<Staff>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    body: JsonValue,
) -> ApiResult<HttpResponse> {
    let a = service::update(&state.db, &auth, *id, Edit::Replace(body.0), if_match.0).await?;
    Ok(with_etag(HttpResponse::Ok(), a.version).json(a))
}

/// Change some fields of an activity (JSON Merge Patch).
///
/// A JSON Merge Patch (RFC 7396), with the rules of `PUT`.
#[utoipa::path(
    patch,
    path = "/{id}",
    tag = "activities",
    params(("id" = Uuid, Path, description = "Activity id")),
    request_body(content = ActivityPatch, content_type = "application/merge-patch+json",
        example = json!({"capacity": 40, "registration_closes_on": "2026-03-10"})),
    responses(
        (status = 200, description = "Updated; `ETag` carries the new version.", body = ActivityView),
        (status = 409, description = "More pesantren are enrolled than the new capacity."),
        (status = 412, description = "`If-Match` does not match the current version."),
        (status = 415, description = "The body is not a merge patch.")
    )
)]
pub(super) async fn patch_activity(
    auth: Require<Staff>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    patch: MergePatch,
) -> ApiResult<HttpResponse> {
    let a = service::update(&state.db, &auth, *id, Edit::Patch(patch.0), if_match.0).await?;
    Ok(with_etag(HttpResponse::Ok(), a.version).json(a))
}

macro_rules! transition {
    ($fn:ident, $path:literal, $action:expr, $summary:literal, $doc:literal) => {
        #[doc = $summary]
        #[doc = ""]
        #[doc = $doc]
        #[utoipa::path(
            post,
            path = $path,
            tag = "activities",
            params(("id" = Uuid, Path, description = "Activity id")),
            responses(
                (status = 200, description = "The activity in its new state.", body = ActivityView),
                (status = 409, description = "Not allowed from the current state (named in `detail`)."),
                (status = 412, description = "`If-Match` does not match the current version.")
            )
        )]
        pub(super) async fn $fn(
            auth: Require<Staff>,
            state: web::Data<AppState>,
            id: web::Path<Uuid>,
            if_match: IfMatch,
        ) -> ApiResult<HttpResponse> {
            let a = service::act(&state.db, &auth, *id, $action, if_match.0).await?;
            Ok(with_etag(HttpResponse::Ok(), a.version).json(a))
        }
    };
}

transition!(
    open_activity,
    "/{id}/open",
    Action::Open,
    "Open enrolment.",
    "`planned` or `closed` → `open`. By staff of the activity's province."
);
transition!(
    close_activity,
    "/{id}/close",
    Action::Close,
    "Close enrolment.",
    "`open` → `closed`. By staff of the activity's province."
);
transition!(
    complete_activity,
    "/{id}/complete",
    Action::Complete,
    "Mark an activity held.",
    "`open` or `closed` → `done`. By staff of the activity's province; attendance and deals may still be recorded."
);
transition!(
    cancel_activity,
    "/{id}/cancel",
    Action::Cancel,
    "Call an activity off.",
    "`planned`, `open` or `closed` → `cancelled`, which is final. By staff of the activity's province."
);

/// Public events of the programme.
///
/// Public activities (expos, mostly) that are not cancelled, soonest
/// first, for anyone. `from=` a day lists those still to come on it.
#[utoipa::path(
    get,
    path = "/events",
    tag = "catalog",
    params(PageParams, EventFilter),
    responses((status = 200, description = "One page of events.", body = Page<EventView>))
)]
pub(super) async fn list_events(
    _: Require<Public>,
    state: web::Data<AppState>,
    page: Query<PageParams>,
    filter: Query<EventFilter>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(service::events(&state.db, &filter, &page).await?))
}

/// Get one public event.
///
/// A public activity that is not cancelled, for anyone; 404 otherwise.
#[utoipa::path(
    get,
    path = "/events/{id}",
    tag = "catalog",
    params(("id" = Uuid, Path, description = "Activity id")),
    responses((status = 200, description = "The event.", body = EventView))
)]
pub(super) async fn get_event(
    _: Require<Public>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(service::event(&state.db, *id).await?))
}
