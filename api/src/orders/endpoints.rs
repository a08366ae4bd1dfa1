//! `/api/v1/catalog/orders`.

use actix_web::{web, HttpResponse};
use uuid::Uuid;

use super::model::{OrderRequest, OrderView};
use super::service;
use crate::auth::Partner;
use crate::error::ApiResult;
use crate::http::{with_etag, Body};
use crate::idempotency::{self, Key};
use crate::state::AppState;

/// Report an order taken on your marketplace: takes its units from stock, exactly once.
///
/// Send every order with an `Idempotency-Key` header: a value of your own
/// (a UUID will do), new for each order, and **the same when you retry it**
/// after a timeout or a dropped connection. The first request with a key
/// takes the stock (201) or is refused because stock is short (409); that
/// answer is remembered for 24 hours, and any retry with the same key and the
/// same body gets it again, status and body, with `Idempotent-Replayed: true`
/// (first answers say `false`), without taking stock again. Reusing a key
/// for a different body is a 422. Bodies are compared as JSON, so spacing
/// and key order do not matter.
///
/// Stock is taken in one atomic step and never goes below zero: of many
/// concurrent orders for the last units, exactly as many succeed as there
/// are units. Each `external_order_id` is accepted once per partner, so an
/// order reported again under a new key is a 409 rather than a second sale.
/// 404 (product not published), 422 (invalid body, or fewer units than the
/// product's `min_order_qty`) and that 409 are not remembered: fix the
/// request or retry later with the same key. The new stock reaches the
/// change feed as an `upsert` of the product.
#[utoipa::path(
    post,
    path = "/orders",
    tag = "catalog",
    request_body = OrderRequest,
    params(
        ("Idempotency-Key" = String, Header, description = "1 to 255 visible ASCII characters naming this order attempt: new for each order, the same when retrying it. Remembered for 24 hours.")
    ),
    responses(
        (status = 201, description = "The order was placed and its units taken (or, with `Idempotent-Replayed: true`, it had been by the first request with this key).", body = OrderView,
            headers(
                ("Location" = String, description = "`/api/v1/catalog/orders/{id}` of the order."),
                ("Idempotent-Replayed" = bool, description = "`true` when this is the stored answer of an earlier request with the same key.")
            )),
        (status = 400, description = "The `Idempotency-Key` header is missing or malformed, or the body is not JSON."),
        (status = 404, description = "No published product with this id (not remembered under the key)."),
        (status = 409, description = "Stock is short (`detail` says how many are left; remembered under the key, replayed with `Idempotent-Replayed: true`), or this `external_order_id` was already reported (not remembered).",
            headers(
                ("Idempotent-Replayed" = bool, description = "Present on the stock-short answer: `true` when replayed.")
            )),
        (status = 422, description = "The body fails validation, the quantity is below the product's `min_order_qty`, or the key was used with a different body (`errors` names `Idempotency-Key`).")
    )
)]
pub(super) async fn create_order(
    partner: Partner,
    state: web::Data<AppState>,
    key: Key,
    body: Body<OrderRequest>,
) -> ApiResult<HttpResponse> {
    let answer = service::place(&state.db, &partner, &key, body.into_inner()).await?;
    idempotency::respond(&answer, Some("/api/v1/catalog/orders"))
}

/// Read one of your orders, e.g. to check an order after a timeout.
///
/// Only the calling partner's own orders are found; any other id is a 404.
/// To find out whether a request that timed out was placed, you can also
/// simply retry it with the same `Idempotency-Key`.
#[utoipa::path(
    get,
    path = "/orders/{id}",
    tag = "catalog",
    params(("id" = Uuid, Path, description = "Order id")),
    responses(
        (status = 200, description = "The order.", body = OrderView),
        (status = 404, description = "No order of yours with this id.")
    )
)]
pub(super) async fn get_order(
    partner: Partner,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let order = service::get(&state.db, &partner, *id).await?;
    Ok(with_etag(HttpResponse::Ok(), order.version).json(order))
}
