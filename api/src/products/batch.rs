//! Batch stock and price updates for managers: up to 100 items, each
//! applied in its own transaction and answered in a per-item
//! `succeeded`/`failed` list, the whole answer kept under the request's
//! `Idempotency-Key` for a day.
//!
//! Items set absolute values ("stock is now 12"), never deltas, so even two
//! concurrent requests with the same key that both apply their items leave
//! the same result; the second then answers the first one's stored list.

use entity::{idempotency_keys, product_variants, products};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, ExprTrait,
    QueryFilter, Set,
};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::audit;
use crate::auth::{scope, Caller};
use crate::catalog::feed;
use crate::catalog::orders::KEY_TTL_SECS;
use crate::db;
use crate::error::{ApiError, ApiResult};

pub const MAX_ITEMS: usize = 100;

/// A new stock count for a product, or for one of its variants.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StockItem {
    /// The product.
    pub id: Uuid,
    /// The variant, for a product sold in variants (required then).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant_id: Option<Uuid>,
    /// The new count, 0 to 10,000,000.
    pub stock: i64,
}

/// A new price for a product, or for one of its variants.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PriceItem {
    /// The product.
    pub id: Uuid,
    /// The variant, for a product sold in variants (required then).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant_id: Option<Uuid>,
    /// The new price, whole rupiah, 100 to 100,000,000.
    pub price_idr: i64,
}

/// Up to 100 stock counts.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StockBatch {
    pub items: Vec<StockItem>,
}

/// Up to 100 prices.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PriceBatch {
    pub items: Vec<PriceItem>,
}

/// An item that was applied.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BatchSuccess {
    pub id: Uuid,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub variant_id: Option<Uuid>,
    /// The product's version after the change (its new ETag).
    pub version: i32,
}

/// An item that was not applied, and why.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BatchFailure {
    pub id: Uuid,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub variant_id: Option<Uuid>,
    /// The status this item alone would have had: 404 (no such product in
    /// your reach), 422 (a bad value or variant).
    pub status: u16,
    #[schema(example = "No product with this id.")]
    pub detail: String,
}

/// The outcome of each item, in request order within each list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BatchResult {
    pub succeeded: Vec<BatchSuccess>,
    pub failed: Vec<BatchFailure>,
}

/// What an item changes.
#[derive(Clone, Copy)]
enum Change {
    Stock(i64),
    Price(i64),
}

impl Change {
    fn check(self) -> Result<(), String> {
        match self {
            Self::Stock(n) if !(0..=10_000_000).contains(&n) => {
                Err("`stock` must be 0 to 10,000,000.".into())
            }
            Self::Price(n) if !(100..=100_000_000).contains(&n) => {
                Err("`price_idr` must be 100 to 100,000,000 rupiah.".into())
            }
            _ => Ok(()),
        }
    }

    fn verb(self) -> &'static str {
        match self {
            Self::Stock(_) => "set_stock",
            Self::Price(_) => "set_price",
        }
    }
}

/// Applies a stock batch under `key`.
pub async fn stock(
    db: &DatabaseConnection,
    caller: &Caller,
    key: &str,
    batch: StockBatch,
) -> ApiResult<(Value, bool)> {
    let items: Vec<(Uuid, Option<Uuid>, Change)> = batch
        .items
        .iter()
        .map(|i| (i.id, i.variant_id, Change::Stock(i.stock)))
        .collect();
    run(
        db,
        caller,
        key,
        "POST /api/v1/products/stock",
        &batch,
        items,
    )
    .await
}

/// Applies a price batch under `key`.
pub async fn prices(
    db: &DatabaseConnection,
    caller: &Caller,
    key: &str,
    batch: PriceBatch,
) -> ApiResult<(Value, bool)> {
    let items: Vec<(Uuid, Option<Uuid>, Change)> = batch
        .items
        .iter()
        .map(|i| (i.id, i.variant_id, Change::Price(i.price_idr)))
        .collect();
    run(
        db,
        caller,
        key,
        "POST /api/v1/products/prices",
        &batch,
        items,
    )
    .await
}

fn principal(caller: &Caller) -> String {
    match caller.user() {
        Some(u) => format!("user:{}", u.id),
        None => "anonymous".into(),
    }
}

async fn stored(
    db: &impl ConnectionTrait,
    principal: &str,
    key: &str,
    endpoint: &str,
    hash: &str,
) -> ApiResult<Option<Value>> {
    let now = chrono::Utc::now().timestamp();
    let Some(row) = idempotency_keys::Entity::find()
        .filter(idempotency_keys::Column::Principal.eq(principal))
        .filter(idempotency_keys::Column::Key.eq(key))
        .filter(idempotency_keys::Column::ExpiresAt.gt(now))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    if row.endpoint != endpoint || row.request_hash != hash {
        return Err(ApiError::validation_one(
            "Idempotency-Key",
            "reused",
            "was used with a different request body",
        ));
    }
    Ok(Some(row.response_body))
}

/// Answers the stored result (and `true`) for a key already used, or
/// applies every item and stores the result.
async fn run<B: Serialize>(
    db: &DatabaseConnection,
    caller: &Caller,
    key: &str,
    endpoint: &str,
    body: &B,
    items: Vec<(Uuid, Option<Uuid>, Change)>,
) -> ApiResult<(Value, bool)> {
    if items.is_empty() || items.len() > MAX_ITEMS {
        return Err(ApiError::validation_one(
            "items",
            "length",
            "must hold 1 to 100 items",
        ));
    }
    let principal = principal(caller);
    let canonical = serde_json::to_vec(body).map_err(anyhow::Error::from)?;
    let hash = hex::encode(Sha256::digest(&canonical));
    if let Some(answer) = stored(db, &principal, key, endpoint, &hash).await? {
        return Ok((answer, true));
    }

    let mut result = BatchResult {
        succeeded: Vec::new(),
        failed: Vec::new(),
    };
    for (id, variant_id, change) in items {
        match apply(db, caller, id, variant_id, change).await {
            Ok(version) => result.succeeded.push(BatchSuccess {
                id,
                variant_id,
                version,
            }),
            Err(e) => {
                let problem = e.to_problem();
                if problem.status >= 500 {
                    return Err(e);
                }
                result.failed.push(BatchFailure {
                    id,
                    variant_id,
                    status: problem.status,
                    detail: problem.detail,
                });
            }
        }
    }
    let answer = serde_json::to_value(&result).map_err(anyhow::Error::from)?;
    let now = db::now();
    let saved = idempotency_keys::ActiveModel {
        id: Set(db::new_id()),
        principal: Set(principal.clone()),
        key: Set(key.to_string()),
        endpoint: Set(endpoint.to_string()),
        request_hash: Set(hash.clone()),
        response_status: Set(200),
        response_body: Set(answer.clone()),
        created_at: Set(now),
        expires_at: Set(now.timestamp() + KEY_TTL_SECS),
    }
    .insert(db)
    .await;
    match saved {
        Ok(_) => Ok((answer, false)),
        // A concurrent request with this key stored its answer first (its
        // items set the same absolute values): answer that one.
        Err(e)
            if matches!(
                e.sql_err(),
                Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
            ) =>
        {
            match stored(db, &principal, key, endpoint, &hash).await? {
                Some(answer) => Ok((answer, true)),
                None => Err(e.into()),
            }
        }
        Err(e) => Err(e.into()),
    }
}

/// Applies one item in its own transaction; answers the product's new
/// version.
async fn apply(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
    variant_id: Option<Uuid>,
    change: Change,
) -> ApiResult<i32> {
    let product = scope::load::<products::Entity>(db, caller, id).await?;
    change
        .check()
        .map_err(|m| ApiError::validation_one("items", "range", m))?;
    let has_variants = product.options.is_some();
    if has_variants != variant_id.is_some() {
        return Err(ApiError::validation_one(
            "variant_id",
            if has_variants {
                "required"
            } else {
                "not_allowed"
            },
            if has_variants {
                "is required: the product is sold in variants"
            } else {
                "must be omitted: the product has no variants"
            },
        ));
    }
    let now = db::now();
    let mut tx = feed::begin(db, &caller.actor()).await?;
    let before = json!({"stock": product.stock, "price_idr": product.price_idr});
    let mut row = products::ActiveModel {
        updated_at: Set(now),
        version: Set(product.version + 1),
        ..Default::default()
    };
    match variant_id {
        Some(vid) => {
            let mut update = product_variants::Entity::update_many()
                .col_expr(product_variants::Column::UpdatedAt, Expr::value(now))
                .col_expr(
                    product_variants::Column::Version,
                    Expr::col(product_variants::Column::Version).add(1),
                );
            update = match change {
                Change::Stock(n) => {
                    update.col_expr(product_variants::Column::Stock, Expr::value(n))
                }
                Change::Price(n) => {
                    update.col_expr(product_variants::Column::PriceIdr, Expr::value(n))
                }
            };
            let done = update
                .filter(product_variants::Column::Id.eq(vid))
                .filter(product_variants::Column::ProductId.eq(id))
                .exec(&*tx)
                .await?;
            if done.rows_affected == 0 {
                return Err(ApiError::validation_one(
                    "variant_id",
                    "invalid",
                    "names no variant of this product",
                ));
            }
            // The product row carries the total stock and the lowest price.
            let all = product_variants::Entity::find()
                .filter(product_variants::Column::ProductId.eq(id))
                .all(&*tx)
                .await?;
            row.stock = Set(all.iter().map(|v| v.stock).sum());
            row.price_idr = Set(all
                .iter()
                .map(|v| v.price_idr)
                .min()
                .unwrap_or(product.price_idr));
        }
        None => match change {
            Change::Stock(n) => row.stock = Set(n),
            Change::Price(n) => row.price_idr = Set(n),
        },
    }
    // Price and stock never send a product back to review.
    scope::update_if_version::<products::Entity>(&*tx, id, product.version, row).await?;
    feed::sync_product(&tx, id).await?;
    let after = products::Entity::find_by_id(id)
        .one(&*tx)
        .await?
        .ok_or_else(|| ApiError::not_found("product"))?;
    tx.record(audit::Entry {
        action: change.verb(),
        resource_type: "product",
        resource_id: id,
        province_code: Some(after.province_code.clone()),
        changes: json!({
            "variant_id": variant_id,
            "before": before,
            "after": {"stock": after.stock, "price_idr": after.price_idr},
        }),
    })
    .await?;
    tx.commit().await?;
    Ok(after.version)
}
