//! Orders that partners report: each takes stock from a published product,
//! atomically and at most once per `Idempotency-Key`.
//!
//! The stock is taken by one conditional `UPDATE` (`stock >= quantity` and
//! still published), so stock never goes below zero however many orders race.
//! The answer to a request is stored under its key in the same transaction as
//! the order it placed, so a retry gets the first answer again and never
//! takes stock twice; a concurrent request with the same key that loses the
//! race rolls back and replays the winner's answer.

use actix_web::http::{header, StatusCode};
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use entity::{idempotency_keys, orders, product_variants, products};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    ExprTrait, QueryFilter, Set, SqlErr,
};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use validator::Validate;

use crate::audit;
use crate::auth::principal::PartnerPrincipal;
use crate::auth::Caller;
use crate::catalog::feed;
use crate::db;
use crate::error::{ApiError, ApiResult, PROBLEM_JSON};
use crate::http::with_etag;
use crate::publication::{published, today};
use crate::ratelimit::MeteredPartner;
use crate::startup::AppState;

/// The request header naming one order attempt.
pub const IDEMPOTENCY_KEY: &str = "Idempotency-Key";
/// The response header telling a replayed answer from a first one.
pub const IDEMPOTENT_REPLAYED: &str = "Idempotent-Replayed";
/// Longest accepted `Idempotency-Key`.
pub const MAX_KEY_LEN: usize = 255;
/// How long a key is remembered.
pub const KEY_TTL_SECS: i64 = 24 * 60 * 60;
/// What a key is recorded against (keys are per caller and per endpoint).
const ENDPOINT: &str = "POST /api/v1/catalog/orders";
/// Rounds of "look up the key, else try to place" before giving up; each
/// lost race means another request committed, so two rounds always settle.
const ROUNDS: usize = 3;

fn validate_external_order_id(id: &str) -> Result<(), validator::ValidationError> {
    let trimmed = id.trim();
    if trimmed.is_empty() || trimmed.chars().count() > 100 {
        return Err(validator::ValidationError::new("length")
            .with_message("must be 1 to 100 characters".into()));
    }
    if trimmed.chars().any(char::is_control) {
        return Err(validator::ValidationError::new("format")
            .with_message("must not contain control characters".into()));
    }
    Ok(())
}

/// An order a partner took on its marketplace, reported so that the units
/// it sold are taken from the product's stock.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrderRequest {
    /// The product sold; it must be published in the catalogue.
    pub product_id: Uuid,
    /// The variant sold: required when the product has variants (its
    /// `options`), refused when it has none. Stock is taken from it.
    #[serde(default)]
    pub variant_id: Option<Uuid>,
    /// Units sold: 1 to 10,000, and at least the product's `min_order_qty`.
    #[validate(range(min = 1, max = 10_000, message = "must be 1 to 10,000"))]
    #[schema(example = 2, minimum = 1, maximum = 10_000)]
    pub quantity: i32,
    /// The marketplace's own order number (1 to 100 characters, surrounding
    /// spaces ignored). Each may be reported once per partner: reporting it
    /// again, even under another key, is a 409.
    #[validate(custom(function = "validate_external_order_id"))]
    #[schema(example = "SHP-240518-0001")]
    pub external_order_id: String,
}

/// An order a partner reported.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct OrderView {
    /// The order's id in OPOP.
    pub id: Uuid,
    /// The product it took stock from.
    pub product_id: Uuid,
    /// The variant sold, when the product has variants.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant_id: Option<Uuid>,
    /// Units taken.
    #[schema(example = 2)]
    pub quantity: i32,
    /// The marketplace's own order number, as reported.
    #[schema(example = "SHP-240518-0001")]
    pub external_order_id: String,
    /// The product's price per unit when the order was placed, whole rupiah.
    #[schema(example = 40000)]
    pub unit_price_idr: i64,
    /// `quantity × unit_price_idr`, whole rupiah.
    #[schema(example = 80000)]
    pub total_idr: i64,
    /// Units of the product left in stock right after this order took its
    /// own. Present in the answer to the request that placed the order (and
    /// its replays); absent when the order is read later.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = 23)]
    pub stock_remaining: Option<i64>,
    /// When the order was placed.
    pub created_at: DateTime<Utc>,
    /// The order's version (also its `ETag`).
    pub version: i32,
}

impl OrderView {
    fn new(o: &orders::Model, stock_remaining: Option<i64>) -> Self {
        Self {
            id: o.id,
            product_id: o.product_id,
            variant_id: o.variant_id,
            quantity: o.quantity,
            external_order_id: o.external_order_id.clone(),
            unit_price_idr: o.unit_price_idr,
            total_idr: o.total_idr,
            stock_remaining,
            created_at: o.created_at,
            version: o.version,
        }
    }
}

/// The answer to an order request: its status and body, and whether it is
/// the stored answer of an earlier request with the same key.
#[derive(Debug, Clone, PartialEq)]
pub struct Placed {
    /// 201 (`body` is an [`OrderView`]) or 409 (`body` is a problem: stock
    /// was short).
    pub status: u16,
    pub body: Value,
    pub replayed: bool,
}

/// The `Idempotency-Key` of a request: present once, 1 to 255 visible ASCII
/// characters; otherwise 400.
pub fn idempotency_key(req: &HttpRequest) -> ApiResult<String> {
    let bad = |what: &str| {
        ApiError::BadRequest(format!(
            "The `{IDEMPOTENCY_KEY}` header is {what}: send 1 to {MAX_KEY_LEN} visible ASCII \
             characters, new for each request and the same when retrying it (a UUID will do)."
        ))
    };
    let mut values = req.headers().get_all(IDEMPOTENCY_KEY);
    let value = values.next().ok_or_else(|| bad("missing"))?;
    if values.next().is_some() {
        return Err(bad("repeated"));
    }
    let bytes = value.as_bytes();
    if bytes.is_empty() {
        return Err(bad("empty"));
    }
    if bytes.len() > MAX_KEY_LEN {
        return Err(bad("too long"));
    }
    if !bytes.iter().all(|b| (0x21..=0x7e).contains(b)) {
        return Err(bad("malformed"));
    }
    // Visible ASCII only, so this never replaces anything.
    Ok(String::from_utf8_lossy(bytes).into_owned())
}

/// SHA-256 of the canonical JSON of the parsed request: the same order sent
/// with other whitespace or key order has the same fingerprint.
fn fingerprint(input: &OrderRequest) -> ApiResult<String> {
    let canonical = serde_json::to_vec(input).map_err(anyhow::Error::from)?;
    Ok(hex::encode(Sha256::digest(&canonical)))
}

fn now_secs() -> i64 {
    Utc::now().timestamp()
}

fn is_unique_violation(e: &DbErr) -> bool {
    matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_)))
}

fn already_reported() -> ApiError {
    ApiError::Conflict(
        "This order was already reported: its `external_order_id` is taken by another order of yours."
            .into(),
    )
}

/// The unexpired use of `key` by `principal`, if any.
async fn remembered(
    conn: &impl ConnectionTrait,
    principal: &str,
    key: &str,
) -> ApiResult<Option<idempotency_keys::Model>> {
    Ok(idempotency_keys::Entity::find()
        .filter(idempotency_keys::Column::Principal.eq(principal))
        .filter(idempotency_keys::Column::Key.eq(key))
        .filter(idempotency_keys::Column::ExpiresAt.gt(now_secs()))
        .one(conn)
        .await?)
}

/// The stored answer of a key, if it was used for this very request;
/// otherwise 422.
fn replay(stored: idempotency_keys::Model, hash: &str) -> ApiResult<Placed> {
    if stored.endpoint != ENDPOINT || stored.request_hash != hash {
        return Err(ApiError::validation_one(
            IDEMPOTENCY_KEY,
            "reused",
            "was used with a different request body",
        ));
    }
    let status = u16::try_from(stored.response_status)
        .map_err(|_| anyhow::anyhow!("stored status {} is out of range", stored.response_status))?;
    Ok(Placed {
        status,
        body: stored.response_body,
        replayed: true,
    })
}

/// What one try to place the order came to.
enum Attempt {
    Answered(Placed),
    /// A concurrent request committed first (the same key, or the same
    /// external order); this try rolled back and the caller looks again.
    Raced,
}

/// Places a partner's order under an idempotency key.
///
/// The first request with a key answers 201 (the order) or 409 (stock
/// short), and that answer is stored under the key for 24 hours: later
/// requests with the same key and body get it again (`replayed`), with a
/// different body a 422. Answers that depend on nothing but the request or
/// on facts that can change back (404 for a product not published, 422 for a
/// quantity below the minimum, 409 for an external order already reported)
/// are not stored.
pub async fn place(
    db: &DatabaseConnection,
    caller: &Caller,
    key: &str,
    input: OrderRequest,
) -> ApiResult<Placed> {
    let partner = caller
        .principal
        .partner()
        .ok_or_else(|| ApiError::Forbidden("Only partners report orders.".into()))?;
    crate::validation::validate(&input)?;
    let principal = format!("partner:{}", partner.id);
    let hash = fingerprint(&input)?;
    for _ in 0..ROUNDS {
        if let Some(stored) = remembered(db, &principal, key).await? {
            return replay(stored, &hash);
        }
        match attempt(db, caller, partner, &principal, key, &hash, &input).await? {
            Attempt::Answered(placed) => return Ok(placed),
            Attempt::Raced => continue,
        }
    }
    Err(ApiError::Conflict(format!(
        "Other requests with this `{IDEMPOTENCY_KEY}` are in progress; retry with the same key."
    )))
}

/// One transaction: take the stock, record the order, sync the feed and
/// store the answer under the key, or nothing at all.
async fn attempt(
    db: &DatabaseConnection,
    caller: &Caller,
    partner: &PartnerPrincipal,
    principal: &str,
    key: &str,
    hash: &str,
    input: &OrderRequest,
) -> ApiResult<Attempt> {
    let mut tx = feed::begin(db, &caller.actor()).await?;
    // `feed::begin` writes first (the feed counter's lock): on SQLite that
    // takes the database's write lock before this transaction reads
    // anything, so the reads below see every commit before ours. Then forget
    // an expired use of the key.
    idempotency_keys::Entity::delete_many()
        .filter(idempotency_keys::Column::Principal.eq(principal))
        .filter(idempotency_keys::Column::Key.eq(key))
        .filter(idempotency_keys::Column::ExpiresAt.lte(now_secs()))
        .exec(&*tx)
        .await?;
    if let Some(stored) = remembered(&*tx, principal, key).await? {
        return replay(stored, hash).map(Attempt::Answered);
    }

    let product = products::Entity::find_by_id(input.product_id)
        .filter(published(today()))
        .one(&*tx)
        .await?
        .ok_or_else(|| ApiError::not_found("product"))?;
    if input.quantity < product.min_order_qty {
        return Err(ApiError::validation_one(
            "quantity",
            "range",
            format!(
                "must be at least {}, the product's minimum order",
                product.min_order_qty
            ),
        ));
    }
    let variant = match (product.options.is_some(), input.variant_id) {
        (true, None) => {
            return Err(ApiError::validation_one(
                "variant_id",
                "required",
                "is required: the product is sold in variants",
            ))
        }
        (false, Some(_)) => {
            return Err(ApiError::validation_one(
                "variant_id",
                "not_allowed",
                "must be omitted: the product has no variants",
            ))
        }
        (true, Some(vid)) => Some(
            product_variants::Entity::find_by_id(vid)
                .filter(product_variants::Column::ProductId.eq(product.id))
                .one(&*tx)
                .await?
                .ok_or_else(|| {
                    ApiError::validation_one(
                        "variant_id",
                        "invalid",
                        "names no variant of this product",
                    )
                })?,
        ),
        (false, None) => None,
    };
    let external_order_id = input.external_order_id.trim().to_string();
    let reported = orders::Entity::find()
        .filter(orders::Column::PartnerId.eq(partner.id))
        .filter(orders::Column::ExternalOrderId.eq(external_order_id.as_str()))
        .one(&*tx)
        .await?;
    if reported.is_some() {
        // On PostgreSQL each statement sees what committed before it began:
        // a concurrent request with this very key may have committed the
        // order (and its answer, in the same transaction) since we looked.
        if let Some(stored) = remembered(&*tx, principal, key).await? {
            return replay(stored, hash).map(Attempt::Answered);
        }
        return Err(already_reported());
    }

    // The stock take: one conditional statement, never read-then-write.
    // For a variant, the variant's stock is the one that must suffice; the
    // product's total then always does.
    let quantity = i64::from(input.quantity);
    let now = db::now();
    let variant_taken = match &variant {
        None => true,
        Some(v) => {
            product_variants::Entity::update_many()
                .col_expr(
                    product_variants::Column::Stock,
                    Expr::col(product_variants::Column::Stock).sub(quantity),
                )
                .col_expr(
                    product_variants::Column::Version,
                    Expr::col(product_variants::Column::Version).add(1),
                )
                .col_expr(product_variants::Column::UpdatedAt, Expr::value(now))
                .filter(product_variants::Column::Id.eq(v.id))
                .filter(product_variants::Column::Stock.gte(quantity))
                .exec(&*tx)
                .await?
                .rows_affected
                == 1
        }
    };
    let taken = variant_taken
        && products::Entity::update_many()
            .col_expr(
                products::Column::Stock,
                Expr::col(products::Column::Stock).sub(quantity),
            )
            .col_expr(
                products::Column::Version,
                Expr::col(products::Column::Version).add(1),
            )
            .col_expr(products::Column::UpdatedAt, Expr::value(now))
            .filter(products::Column::Id.eq(product.id))
            .filter(products::Column::Stock.gte(quantity))
            .filter(published(today()))
            .exec(&*tx)
            .await?
            .rows_affected
            == 1;
    if variant_taken && variant.is_some() && !taken {
        // The variant had the stock but the product is no longer published
        // (or its total disagrees): the error drops the transaction, which
        // gives the variant its stock back.
        return Err(ApiError::not_found("product"));
    }

    // Read again: the stock left (ours, as the row is now locked by us) or
    // why nothing was taken.
    let after = products::Entity::find_by_id(product.id)
        .filter(published(today()))
        .one(&*tx)
        .await?
        .ok_or_else(|| ApiError::not_found("product"))?;

    let variant_after = match &variant {
        Some(v) => product_variants::Entity::find_by_id(v.id).one(&*tx).await?,
        None => None,
    };
    let left = variant_after.as_ref().map_or(after.stock, |v| v.stock);
    if !taken {
        let refusal = ApiError::Conflict(format!(
            "Only {left} in stock; the order asks for {quantity}. Nothing was taken."
        ));
        let body = serde_json::to_value(refusal.to_problem()).map_err(anyhow::Error::from)?;
        tx.record(audit::Entry {
            action: "refuse_order",
            resource_type: "product",
            resource_id: after.id,
            province_code: Some(after.province_code.clone()),
            changes: json!({
                "reason": "insufficient stock",
                "stock": left,
                "variant_id": input.variant_id,
                "quantity": quantity,
                "external_order_id": external_order_id,
            }),
        })
        .await?;
        return remember(tx, principal, key, hash, 409, body).await;
    }

    let unit_price_idr = variant_after
        .as_ref()
        .map_or(after.price_idr, |v| v.price_idr);
    let total_idr = unit_price_idr
        .checked_mul(quantity)
        .ok_or_else(|| anyhow::anyhow!("order total overflows"))?;
    let inserted = orders::ActiveModel {
        id: Set(db::new_id()),
        partner_id: Set(partner.id),
        product_id: Set(after.id),
        pesantren_id: Set(after.pesantren_id),
        province_code: Set(after.province_code.clone()),
        quantity: Set(input.quantity),
        external_order_id: Set(external_order_id),
        idempotency_key: Set(key.to_string()),
        variant_id: Set(input.variant_id),
        unit_price_idr: Set(unit_price_idr),
        total_idr: Set(total_idr),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    }
    .insert(&*tx)
    .await;
    let order = match inserted {
        Ok(order) => order,
        // The same external order, committed by a concurrent request after
        // our check: roll back (dropping the transaction) and look again.
        Err(e) if is_unique_violation(&e) => return Ok(Attempt::Raced),
        Err(e) => return Err(e.into()),
    };
    feed::sync_product(&tx, after.id).await?;

    let view = OrderView::new(&order, Some(left));
    tx.record(audit::Entry {
        action: "create",
        resource_type: "order",
        resource_id: order.id,
        province_code: Some(order.province_code.clone()),
        changes: audit::created(&view),
    })
    .await?;
    tx.record(audit::Entry {
        action: "take_stock",
        resource_type: "product",
        resource_id: after.id,
        province_code: Some(after.province_code.clone()),
        changes: json!({
            "stock": {"from": after.stock + quantity, "to": after.stock},
            "order_id": order.id,
        }),
    })
    .await?;
    let body = serde_json::to_value(&view).map_err(anyhow::Error::from)?;
    remember(tx, principal, key, hash, 201, body).await
}

/// Stores the answer under the key and commits. A unique violation means a
/// concurrent request with the same key committed first: this transaction
/// is dropped (rolled back) and the caller replays that request's answer.
async fn remember(
    tx: feed::CatalogTx,
    principal: &str,
    key: &str,
    hash: &str,
    status: u16,
    body: Value,
) -> ApiResult<Attempt> {
    let now = db::now();
    let stored = idempotency_keys::ActiveModel {
        id: Set(db::new_id()),
        principal: Set(principal.to_string()),
        key: Set(key.to_string()),
        endpoint: Set(ENDPOINT.to_string()),
        request_hash: Set(hash.to_string()),
        response_status: Set(i32::from(status)),
        response_body: Set(body.clone()),
        created_at: Set(now),
        expires_at: Set(now.timestamp() + KEY_TTL_SECS),
    }
    .insert(&*tx)
    .await;
    match stored {
        Ok(_) => {}
        Err(e) if is_unique_violation(&e) => return Ok(Attempt::Raced),
        Err(e) => return Err(e.into()),
    }
    tx.commit().await?;
    Ok(Attempt::Answered(Placed {
        status,
        body,
        replayed: false,
    }))
}

/// One order of the calling partner; other partners' orders are not found.
pub async fn get(db: &DatabaseConnection, caller: &Caller, id: Uuid) -> ApiResult<OrderView> {
    let partner = caller
        .principal
        .partner()
        .ok_or_else(|| ApiError::not_found("order"))?;
    orders::Entity::find_by_id(id)
        .filter(orders::Column::PartnerId.eq(partner.id))
        .one(db)
        .await?
        .map(|o| OrderView::new(&o, None))
        .ok_or_else(|| ApiError::not_found("order"))
}

fn respond(placed: Placed) -> ApiResult<HttpResponse> {
    let status = StatusCode::from_u16(placed.status).map_err(anyhow::Error::from)?;
    let mut res = HttpResponse::build(status);
    res.insert_header((
        IDEMPOTENT_REPLAYED,
        if placed.replayed { "true" } else { "false" },
    ));
    if status == StatusCode::CREATED {
        if let Some(id) = placed.body.get("id").and_then(Value::as_str) {
            res.insert_header((header::LOCATION, format!("/api/v1/catalog/orders/{id}")));
        }
        let version = placed.body.get("version").and_then(Value::as_i64);
        if let Some(version) = version.and_then(|v| i32::try_from(v).ok()) {
            res = with_etag(res, version);
        }
        return Ok(res.json(placed.body));
    }
    res.insert_header((header::CONTENT_TYPE, PROBLEM_JSON));
    Ok(res.body(placed.body.to_string()))
}

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
    operation_id = "create_order",
    tag = "catalog",
    request_body = OrderRequest,
    params(
        ("Idempotency-Key" = String, Header, description = "1 to 255 visible ASCII characters naming this order attempt: new for each order, the same when retrying it. Remembered for 24 hours.")
    ),
    security(("bearer" = ["partner"])),
    responses(
        (status = 201, description = "The order was placed and its units taken (or, with `Idempotent-Replayed: true`, it had been by the first request with this key).", body = OrderView,
            headers(
                ("Location" = String, description = "`/api/v1/catalog/orders/{id}` of the order."),
                ("Idempotent-Replayed" = bool, description = "`true` when this is the stored answer of an earlier request with the same key.")
            )),
        (status = 400, description = "The `Idempotency-Key` header is missing or malformed, or the body is not JSON.", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No published product with this id (not remembered under the key).", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 409, description = "Stock is short (`detail` says how many are left; remembered under the key, replayed with `Idempotent-Replayed: true`), or this `external_order_id` was already reported (not remembered).", body = crate::error::Problem, content_type = "application/problem+json",
            headers(
                ("Idempotent-Replayed" = bool, description = "Present on the stock-short answer: `true` when replayed.")
            )),
        (status = 422, description = "The body fails validation, the quantity is below the product's `min_order_qty`, or the key was used with a different body (`errors` names `Idempotency-Key`).", body = crate::error::Problem, content_type = "application/problem+json")
    )
)]
#[post("/orders")]
async fn create_order(
    state: web::Data<AppState>,
    auth: MeteredPartner,
    req: HttpRequest,
    body: crate::http::Body<OrderRequest>,
) -> ApiResult<HttpResponse> {
    let key = idempotency_key(&req)?;
    let input = body.into_inner()?;
    respond(place(&state.db, &auth, &key, input).await?)
}

/// Read one of your orders, e.g. to check an order after a timeout.
///
/// Only the calling partner's own orders are found; any other id is a 404.
/// To find out whether a request that timed out was placed, you can also
/// simply retry it with the same `Idempotency-Key`.
#[utoipa::path(
    operation_id = "get_order",
    tag = "catalog",
    params(("id" = Uuid, Path, description = "Order id")),
    security(("bearer" = ["partner"])),
    responses(
        (status = 200, description = "The order.", body = OrderView),
        (status = 404, description = "No order of yours with this id.", body = crate::error::Problem, content_type = "application/problem+json")
    )
)]
#[get("/orders/{id}")]
async fn get_order(
    state: web::Data<AppState>,
    auth: MeteredPartner,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let order = get(&state.db, &auth, *id).await?;
    Ok(with_etag(HttpResponse::Ok(), order.version).json(order))
}

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create_order).service(get_order);
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    fn request(product_id: Uuid, external: &str) -> OrderRequest {
        OrderRequest {
            product_id,
            variant_id: None,
            quantity: 2,
            external_order_id: external.into(),
        }
    }

    #[test]
    fn the_fingerprint_ignores_the_layout_of_the_body() {
        let id = Uuid::nil();
        let a: OrderRequest = crate::http::parse_json(
            format!(r#"{{"product_id":"{id}","quantity":2,"external_order_id":"X-1"}}"#).as_bytes(),
        )
        .unwrap();
        let b: OrderRequest = crate::http::parse_json(
            format!("{{\n  \"external_order_id\" : \"X-1\",\n  \"quantity\": 2, \"product_id\": \"{id}\" }}\n").as_bytes(),
        )
        .unwrap();
        assert_eq!(fingerprint(&a).unwrap(), fingerprint(&b).unwrap());
        assert_ne!(
            fingerprint(&a).unwrap(),
            fingerprint(&request(id, "X-2")).unwrap()
        );
    }

    #[test]
    fn keys_must_be_short_visible_ascii() {
        let key = |v: &str| {
            idempotency_key(
                &TestRequest::default()
                    .insert_header((IDEMPOTENCY_KEY, v))
                    .to_http_request(),
            )
        };
        assert_eq!(key("order-1").unwrap(), "order-1");
        assert_eq!(key(&"k".repeat(255)).unwrap().len(), 255);
        assert!(key(&"k".repeat(256)).is_err());
        assert!(key("").is_err());
        assert!(key("two words").is_err());
        assert!(idempotency_key(&TestRequest::default().to_http_request()).is_err());
    }

    #[test]
    fn external_order_ids_must_not_be_blank_or_long() {
        assert!(validate_external_order_id("SHP-1").is_ok());
        assert!(validate_external_order_id("   ").is_err());
        assert!(validate_external_order_id(&"x".repeat(101)).is_err());
        assert!(validate_external_order_id("a\u{7}b").is_err());
    }
}
