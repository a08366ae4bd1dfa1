//! `/api/v1/partners/me/webhook`.

use actix_web::{web, HttpResponse};

use super::model::{ReplayInput, WebhookInput, WebhookPatch, WebhookRegistered, WebhookView};
use super::service;
use crate::auth::Partner;
use crate::edit::Edit;
use crate::error::ApiResult;
use crate::http::{with_etag, Body, IfMatch, JsonValue, MergePatch};
use crate::state::AppState;

/// Register your webhook.
///
/// OPOP then POSTs every change of the published catalogue to `url`, one
/// event per request, in feed order: the body is one element of the change
/// feed's `data` (`{"cursor", "op", "product_id", "product"?,
/// "recorded_at"}`). Each request carries `X-OPOP-Event-Id` (the event's
/// feed position: de-duplicate by it, since an event may come more than
/// once), `X-OPOP-Timestamp` (unix seconds) and `X-OPOP-Signature:
/// sha256=<hex HMAC-SHA256 of timestamp + "." + raw body>` keyed with the
/// `secret` of this answer. Answer 2xx within 10 seconds to acknowledge;
/// anything else is retried, with waits doubling up to an hour, without
/// skipping: later events wait for the failing one.
///
/// A new subscription starts at the feed's current end (`cursor`): mirror
/// the catalogue first through `GET /api/v1/catalog/changes` up to it.
/// Sending the call again changes the URL and keeps the position and the
/// secret, unless `rotate_secret` is true. The URL must be https and
/// resolve to public addresses only. 201 the first time, 200 after.
#[utoipa::path(
    put,
    path = "/partners/me/webhook",
    tag = "partners",
    request_body = WebhookInput,
    responses(
        (status = 200, description = "Your webhook, changed.", body = WebhookRegistered),
        (status = 201, description = "Your webhook, registered.", body = WebhookRegistered),
        (status = 412, description = "`If-Match` does not match the subscription's version."),
        (status = 422, description = "The URL is not https, does not resolve, or points at a private or reserved address."),
        (status = 429, description = "Over your rate limit; see `Retry-After`.")
    )
)]
pub(super) async fn put_webhook(
    partner: Partner,
    state: web::Data<AppState>,
    if_match: IfMatch,
    body: JsonValue,
) -> ApiResult<HttpResponse> {
    let (registered, created) = service::register(
        &state.db,
        state.config.webhook_allow_private,
        &partner,
        Edit::Replace(body.0),
        if_match.0,
    )
    .await?;
    let builder = if created {
        HttpResponse::Created()
    } else {
        HttpResponse::Ok()
    };
    Ok(with_etag(builder, registered.version)
        .insert_header(("Cache-Control", "no-store"))
        .json(registered))
}

/// Get your webhook.
///
/// The subscription and how deliveries are going: the cursor acknowledged
/// so far, events pending, and while failing the attempts, the last error
/// and when the next attempt is due. The secret is never shown again.
#[utoipa::path(
    get,
    path = "/partners/me/webhook",
    tag = "partners",
    responses(
        (status = 200, description = "Your webhook.", body = WebhookView),
        (status = 404, description = "You have no webhook.")
    )
)]
pub(super) async fn get_webhook(
    partner: Partner,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let current = service::state(&state.db, &partner).await?;
    Ok(with_etag(HttpResponse::Ok(), current.version).json(current))
}

/// Remove your webhook.
///
/// Nothing more is delivered. The change feed stays available.
#[utoipa::path(
    delete,
    path = "/partners/me/webhook",
    tag = "partners",
    responses(
        (status = 204, description = "Removed."),
        (status = 404, description = "You have no webhook."),
        (status = 412, description = "`If-Match` does not match the subscription's version.")
    )
)]
pub(super) async fn delete_webhook(
    partner: Partner,
    state: web::Data<AppState>,
    if_match: IfMatch,
) -> ApiResult<HttpResponse> {
    service::remove(&state.db, &partner, if_match.0).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Replay webhook deliveries.
///
/// Moves your subscription's cursor: the events after `cursor` are
/// delivered again, in order, starting now (also after failures: the
/// attempts start over). `null` replays the whole feed. Use it after
/// restoring your side from a backup, or to move forward past events you
/// already took from the feed.
#[utoipa::path(
    post,
    path = "/partners/me/webhook/replay",
    tag = "partners",
    request_body = ReplayInput,
    responses(
        (status = 200, description = "Your webhook, at its new cursor.", body = WebhookView),
        (status = 400, description = "The cursor is past the feed's end."),
        (status = 404, description = "You have no webhook."),
        (status = 412, description = "`If-Match` does not match the subscription's version.")
    )
)]
pub(super) async fn replay_webhook(
    partner: Partner,
    state: web::Data<AppState>,
    if_match: IfMatch,
    body: Body<ReplayInput>,
) -> ApiResult<HttpResponse> {
    let current = service::replay(&state.db, &partner, body.into_inner(), if_match.0).await?;
    Ok(with_etag(HttpResponse::Ok(), current.version).json(current))
}

/// Change your webhook (JSON Merge Patch).
///
/// A JSON Merge Patch (RFC 7396), sent as `application/merge-patch+json`
/// (or `application/json`), of the subscription you registered with
/// `PUT`: `{"url": ...}` moves it, `{"rotate_secret": true}` issues a new
/// secret (answered once, as by `PUT`).
#[utoipa::path(
    patch,
    path = "/partners/me/webhook",
    tag = "partners",
    request_body(content = WebhookPatch, content_type = "application/merge-patch+json",
        example = json!({"url": "https://hooks.example.com/opop-v2"})),
    responses(
        (status = 200, description = "Your webhook, changed.", body = WebhookRegistered),
        (status = 404, description = "You have no webhook."),
        (status = 412, description = "`If-Match` does not match the subscription's version."),
        (status = 415, description = "The body is not a merge patch."),
        (status = 422, description = "The URL is not https, does not resolve, or points at a private or reserved address."),
        (status = 429, description = "Over your rate limit; see `Retry-After`.")
    )
)]
pub(super) async fn patch_webhook(
    partner: Partner,
    state: web::Data<AppState>,
    if_match: IfMatch,
    patch: MergePatch,
) -> ApiResult<HttpResponse> {
    let (registered, _) = service::register(
        &state.db,
        state.config.webhook_allow_private,
        &partner,
        Edit::Patch(patch.0),
        if_match.0,
    )
    .await?;
    Ok(with_etag(HttpResponse::Ok(), registered.version)
        .insert_header(("Cache-Control", "no-store"))
        .json(registered))
}
