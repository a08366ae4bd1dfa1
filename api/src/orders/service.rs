//! Orders that partners report: each takes stock from a published product,
//! atomically and at most once per `Idempotency-Key`.
//!
//! The stock is taken by one conditional `UPDATE` (`stock >= quantity` and
//! still published), so stock never goes below zero however many orders race.
//! The answer to a request is stored under its key in the same transaction as
//! the order it placed, so a retry gets the first answer again and never
//! takes stock twice; a concurrent request with the same key that loses the
//! race rolls back and replays the winner's answer.

use chrono::{DateTime, Utc};
use entity::{orders, product_variants, products};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, ExprTrait, FromQueryResult,
    QueryFilter, QueryTrait, Set, UpdateMany,
};
use serde_json::json;
use uuid::Uuid;

use super::model::{OrderRequest, OrderView};
use crate::audit;
use crate::auth::Partner;
use crate::db;
use crate::error::{ApiError, ApiResult, Code, FieldCode, FieldError};
use crate::feed;
use crate::idempotency::{Answer, Claim, Key, Stored};
use crate::publication::{published, today};

/// What a key is recorded against (keys are per caller and per endpoint).
const ENDPOINT: &str = "POST /api/v1/catalog/orders";
/// Rounds of "look up the key, else try to place" before giving up; each
/// lost race means another request committed, so two rounds always settle.
const ROUNDS: usize = 3;

/// What one try to place the order came to.
enum Attempt {
    Answered(Answer),
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
    partner: &Partner,
    key: &Key,
    input: OrderRequest,
) -> ApiResult<Answer> {
    crate::validation::validate(&input)?;
    let claim = Claim::new(partner, key, ENDPOINT, &input)?;
    // Each attempt looks the key up first, inside its transaction.
    for _ in 0..ROUNDS {
        match attempt(db, partner, &claim, key, &input).await? {
            Attempt::Answered(answer) => return Ok(answer),
            Attempt::Raced => continue,
        }
    }
    Err(ApiError::new(Code::IdempotencyInProgress))
}

/// One transaction: take the stock, record the order, sync the feed and
/// store the answer under the key, or nothing at all.
async fn attempt(
    db: &DatabaseConnection,
    partner: &Partner,
    claim: &Claim,
    key: &Key,
    input: &OrderRequest,
) -> ApiResult<Attempt> {
    let mut tx = feed::begin(db, &partner.actor()).await?;
    // `feed::begin` starts with `BEGIN IMMEDIATE` on SQLite: the database's
    // write lock is ours before this transaction reads anything, so the
    // reads below see every commit before ours. (On PostgreSQL the stock is
    // taken by one conditional statement below.) An expired use of the key
    // is not replayed, and storing the answer replaces it.
    if let Some(answer) = claim.replay(&*tx).await? {
        return Ok(Attempt::Answered(answer));
    }

    // The stock take: one conditional statement, never read-then-write,
    // returning the row as it leaves it. The common order, a product
    // without options, is taken at once when every condition holds; only
    // when it is not are the conditions looked at one by one, to say why.
    let quantity = i64::from(input.quantity);
    let now = db::now();
    if input.variant_id.is_none() {
        let take = product_take(input.product_id, quantity, now)
            .filter(products::Column::Options.is_null())
            .filter(products::Column::MinOrderQty.lte(input.quantity));
        if let Some(after) = returning(&tx, take).await? {
            return placed(tx, partner, claim, key, input, after, None).await;
        }
    }

    let product = products::Entity::find_by_id(input.product_id)
        .filter(published(today()))
        .one(&*tx)
        .await?
        .ok_or_else(|| ApiError::new(Code::CatalogProductNotFound))?;
    if input.quantity < product.min_order_qty {
        return Err(ApiError::validation(vec![FieldError::new(
            "quantity",
            FieldCode::OrderBelowMinimum,
        )
        .with("min", product.min_order_qty)]));
    }
    let variant = match (product.options.is_some(), input.variant_id) {
        (true, None) => return Err(ApiError::field("variant_id", FieldCode::VariantRequired)),
        (false, Some(_)) => {
            return Err(ApiError::field("variant_id", FieldCode::VariantNotAllowed))
        }
        (true, Some(vid)) => Some(
            product_variants::Entity::find_by_id(vid)
                .filter(product_variants::Column::ProductId.eq(product.id))
                .one(&*tx)
                .await?
                .ok_or_else(|| ApiError::field("variant_id", FieldCode::NoSuchVariant))?,
        ),
        (false, None) => None,
    };

    // For a variant, the variant's stock is the one that must suffice; the
    // product's total then always does.
    let variant_after = match &variant {
        None => None,
        Some(v) => {
            let mut take = product_variants::Entity::update_many()
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
                .into_query();
            take.returning_all();
            let stmt = tx.get_database_backend().build(&take);
            product_variants::Model::find_by_statement(stmt)
                .one(&*tx)
                .await?
        }
    };
    let variant_taken = variant.is_none() || variant_after.is_some();
    if variant_taken {
        if let Some(after) = returning(&tx, product_take(product.id, quantity, now)).await? {
            return placed(tx, partner, claim, key, input, after, variant_after).await;
        }
        if variant.is_some() {
            // The variant had the stock but the product is no longer
            // published (or its total disagrees): the error drops the
            // transaction, which gives the variant its stock back.
            return Err(ApiError::new(Code::CatalogProductNotFound));
        }
    }

    // Nothing taken. An order already reported is refused as such (a
    // placed one finds out by its insert); otherwise stock is short: read
    // what is left (or whether the product was withdrawn meanwhile).
    let external_order_id = input.external_order_id.trim().to_string();
    let reported = orders::Entity::find()
        .filter(orders::Column::PartnerId.eq(partner.id))
        .filter(orders::Column::ExternalOrderId.eq(external_order_id.as_str()))
        .one(&*tx)
        .await?;
    if reported.is_some() {
        return already_reported(&tx, claim).await;
    }
    let after = products::Entity::find_by_id(product.id)
        .filter(published(today()))
        .one(&*tx)
        .await?
        .ok_or_else(|| ApiError::new(Code::CatalogProductNotFound))?;
    let left = match &variant {
        Some(v) => product_variants::Entity::find_by_id(v.id)
            .one(&*tx)
            .await?
            .map_or(0, |v| v.stock),
        None => after.stock.unwrap_or_default(),
    };
    // Stored as the caller reads it: a replay answers the first answer
    // again, word for word.
    let refusal = ApiError::new(Code::OrderStockShort)
        .with("left", left)
        .with("quantity", quantity);
    let body =
        serde_json::to_value(refusal.problem(partner.lang, None)).map_err(anyhow::Error::from)?;
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
    remember(tx, claim, 409, body).await
}

/// Takes `quantity` units of a product that is published now and has them.
fn product_take(id: Uuid, quantity: i64, now: DateTime<Utc>) -> UpdateMany<products::Entity> {
    products::Entity::update_many()
        .col_expr(
            products::Column::Stock,
            Expr::col(products::Column::Stock).sub(quantity),
        )
        .col_expr(
            products::Column::Version,
            Expr::col(products::Column::Version).add(1),
        )
        .col_expr(products::Column::UpdatedAt, Expr::value(now))
        .filter(products::Column::Id.eq(id))
        .filter(products::Column::Stock.gte(quantity))
        .filter(published(today()))
}

/// Runs a stock take, answering the product as it left it, or `None` when
/// its conditions did not hold (nothing was taken).
async fn returning(
    tx: &feed::CatalogTx,
    take: UpdateMany<products::Entity>,
) -> ApiResult<Option<products::Model>> {
    let mut q = take.into_query();
    q.returning_all();
    let stmt = tx.get_database_backend().build(&q);
    Ok(products::Model::find_by_statement(stmt).one(&**tx).await?)
}

/// The stock is taken: records the order, the product's new view for the
/// feed, the audit entries and the answer, and commits.
async fn placed(
    mut tx: feed::CatalogTx,
    partner: &Partner,
    claim: &Claim,
    key: &Key,
    input: &OrderRequest,
    after: products::Model,
    variant_after: Option<product_variants::Model>,
) -> ApiResult<Attempt> {
    let quantity = i64::from(input.quantity);
    let stock = after.stock.unwrap_or_default();
    let left = variant_after.as_ref().map_or(stock, |v| v.stock);
    let unit_price_idr = match &variant_after {
        Some(v) => v.price_idr,
        // A published product has a price: curation asks for one.
        None => after
            .price_idr
            .ok_or_else(|| anyhow::anyhow!("published product {} has no price", after.id))?,
    };
    let total_idr = unit_price_idr
        .checked_mul(quantity)
        .ok_or_else(|| anyhow::anyhow!("order total overflows"))?;
    let row = orders::ActiveModel {
        id: Set(db::new_id()),
        partner_id: Set(partner.id),
        product_id: Set(after.id),
        pesantren_id: Set(after.pesantren_id),
        province_code: Set(after.province_code.clone()),
        quantity: Set(input.quantity),
        external_order_id: Set(input.external_order_id.trim().to_string()),
        idempotency_key: Set(key.as_str().to_string()),
        variant_id: Set(input.variant_id),
        unit_price_idr: Set(unit_price_idr),
        total_idr: Set(total_idr),
        created_at: Set(after.updated_at),
        updated_at: Set(after.updated_at),
        version: Set(1),
    };
    // Each external order once per partner: a second is not inserted (and
    // waits, on PostgreSQL, for a concurrent one to commit or roll back).
    let mut insert = orders::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([orders::Column::PartnerId, orders::Column::ExternalOrderId])
                .do_nothing()
                .to_owned(),
        )
        .into_query();
    insert.returning_all();
    let stmt = tx.get_database_backend().build(&insert);
    let Some(order) = orders::Model::find_by_statement(stmt).one(&*tx).await? else {
        // Dropping the transaction gives the stock back.
        return already_reported(&tx, claim).await;
    };
    feed::sync_stock(&tx, &after, variant_after.as_ref()).await?;

    let view = OrderView::new(&order, Some(left));
    tx.record_all(vec![
        audit::Entry {
            action: "create",
            resource_type: "order",
            resource_id: order.id,
            province_code: Some(order.province_code.clone()),
            changes: audit::created(&view),
        },
        audit::Entry {
            action: "take_stock",
            resource_type: "product",
            resource_id: after.id,
            province_code: Some(after.province_code.clone()),
            changes: json!({
                "stock": {"from": stock + quantity, "to": stock},
                "order_id": order.id,
            }),
        },
    ])
    .await?;
    let body = serde_json::to_value(&view).map_err(anyhow::Error::from)?;
    remember(tx, claim, 201, body).await
}

/// The external order was reported already: by a concurrent request with
/// this very key, whose answer is replayed (on PostgreSQL each statement
/// sees what committed before it began, and it may have committed since
/// this transaction looked), or by another request, a 409. Either way this
/// transaction is dropped, giving back any stock it took.
async fn already_reported(tx: &feed::CatalogTx, claim: &Claim) -> ApiResult<Attempt> {
    match claim.replay(&**tx).await? {
        Some(answer) => Ok(Attempt::Answered(answer)),
        None => Err(ApiError::new(Code::OrderAlreadyReported)),
    }
}

/// Stores the answer under the key and commits. A key already stored means
/// a concurrent request with the same key committed first: this
/// transaction is dropped (rolled back) and the caller replays that
/// request's answer.
async fn remember(
    tx: feed::CatalogTx,
    claim: &Claim,
    status: u16,
    body: serde_json::Value,
) -> ApiResult<Attempt> {
    match claim.store(&*tx, status, &body).await? {
        Stored::Raced => return Ok(Attempt::Raced),
        Stored::Yes => {}
    }
    tx.commit().await?;
    Ok(Attempt::Answered(Answer {
        status,
        body,
        replayed: false,
    }))
}

/// One order of the calling partner; other partners' orders are not found.
pub async fn get(db: &DatabaseConnection, partner: &Partner, id: Uuid) -> ApiResult<OrderView> {
    orders::Entity::find_by_id(id)
        .filter(orders::Column::PartnerId.eq(partner.id))
        .one(db)
        .await?
        .map(|o| OrderView::new(&o, None))
        .ok_or_else(|| ApiError::new(Code::OrderNotFound))
}
