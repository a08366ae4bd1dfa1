//! Batch stock and price updates for managers: up to 100 items, each
//! applied in its own transaction and answered in a per-item
//! `succeeded`/`failed` list, the whole answer kept under the request's
//! `Idempotency-Key` for a day (see [`crate::idempotency`]).
//!
//! Items set absolute values ("stock is now 12"), never deltas, so even two
//! concurrent requests with the same key that both apply their items leave
//! the same result; the second then answers the first one's stored list.
//!
//! A product (or one variant of it) is named at most once a batch: every
//! item is a transaction, a change-feed event for every partner and an
//! audit entry, so one product named a hundred times was a hundred events
//! for one change, and with different values the outcome hung on their
//! order (security review, finding 10). Such a batch is refused whole.

use entity::{product_variants, products};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, ExprTrait, QueryFilter, Set};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::HashMap;
use utoipa::ToSchema;

use uuid::Uuid;

use crate::audit;
use crate::auth::{scope, Caller};
use crate::db;
use crate::error::{ApiError, ApiResult, Code, FieldCode, FieldError, FieldProblem};
use crate::feed;
use crate::idempotency::{Answer, Claim, Key, Stored};

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
    /// your reach), 412 (it changed under the batch), 422 (a bad value or
    /// variant).
    pub status: u16,
    /// The problem's stable code, as in problem details.
    #[schema(example = "product.not_found")]
    pub code: String,
    /// Why, in the language of the request.
    #[schema(example = "No product with this id.")]
    pub detail: String,
    /// The fields at fault, for a 422.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldProblem>,
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
    fn check(self) -> ApiResult<()> {
        let out_of = |field: &str, code, min: i64, max: i64| {
            Err(ApiError::validation(vec![FieldError::new(field, code)
                .with("min", min)
                .with("max", max)]))
        };
        match self {
            Self::Stock(n) if !(0..=10_000_000).contains(&n) => {
                out_of("stock", FieldCode::RangeBetween, 0, 10_000_000)
            }
            Self::Price(n) if !(100..=100_000_000).contains(&n) => {
                out_of("price_idr", FieldCode::RangeRupiah, 100, 100_000_000)
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
    key: &Key,
    batch: StockBatch,
) -> ApiResult<Answer> {
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
    key: &Key,
    batch: PriceBatch,
) -> ApiResult<Answer> {
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

/// Answers the stored result for a key already used, or applies every
/// item and stores the result under the key. Items set absolute values, so
/// a concurrent request with the same key that applies them too leaves the
/// same state, and then answers the stored result of whichever stored first.
async fn run<B: Serialize>(
    db: &DatabaseConnection,
    caller: &Caller,
    key: &Key,
    endpoint: &'static str,
    body: &B,
    items: Vec<(Uuid, Option<Uuid>, Change)>,
) -> ApiResult<Answer> {
    if items.is_empty() || items.len() > MAX_ITEMS {
        return Err(ApiError::validation(vec![FieldError::new(
            "items",
            FieldCode::ItemsBetween,
        )
        .with("min", 1)
        .with("max", MAX_ITEMS)]));
    }
    refuse_repeats(&items)?;
    let claim = Claim::new(caller, key, endpoint, body)?;
    if let Some(answer) = claim.replay(db).await? {
        return Ok(answer);
    }
    claim.forget_expired(db).await?;
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
            Err(e) if e.status().is_server_error() => return Err(e),
            Err(e) => {
                let problem = e.problem(caller.lang, None);
                result.failed.push(BatchFailure {
                    id,
                    variant_id,
                    status: problem.status,
                    code: problem.code,
                    detail: problem.detail,
                    errors: problem.errors.unwrap_or_default(),
                });
            }
        }
    }
    let answer = serde_json::to_value(&result).map_err(anyhow::Error::from)?;
    match claim.store(db, 200, &answer).await? {
        Stored::Yes => Ok(Answer {
            status: 200,
            body: answer,
            replayed: false,
        }),
        Stored::Raced => claim
            .replay(db)
            .await?
            .ok_or_else(|| ApiError::new(Code::IdempotencyInProgress)),
    }
}

/// 422 naming every item that names a product (or a product's variant)
/// an earlier item named, before anything is applied. Different variants
/// of one product are different items: that is how a product sold in
/// variants has its stock counted.
fn refuse_repeats(items: &[(Uuid, Option<Uuid>, Change)]) -> ApiResult<()> {
    let mut first: HashMap<(Uuid, Option<Uuid>), usize> = HashMap::new();
    let mut errors = Vec::new();
    for (i, (id, variant_id, _)) in items.iter().enumerate() {
        match first.get(&(*id, *variant_id)) {
            Some(earlier) => {
                let field = if variant_id.is_some() {
                    "variant_id"
                } else {
                    "id"
                };
                errors.push(
                    FieldError::new(format!("items[{i}].{field}"), FieldCode::BatchRepeated)
                        .with("first", format!("items[{earlier}]")),
                );
            }
            None => {
                first.insert((*id, *variant_id), i);
            }
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::validation(errors))
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
    change.check()?;
    let has_variants = product.options.is_some();
    if has_variants != variant_id.is_some() {
        return Err(ApiError::field(
            "variant_id",
            if has_variants {
                FieldCode::VariantRequired
            } else {
                FieldCode::VariantNotAllowed
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
                return Err(ApiError::field("variant_id", FieldCode::NoSuchVariant));
            }
            // The product row carries the total stock and the lowest price.
            let all = product_variants::Entity::find()
                .filter(product_variants::Column::ProductId.eq(id))
                .all(&*tx)
                .await?;
            row.stock = Set(Some(all.iter().map(|v| v.stock).sum()));
            row.price_idr = Set(all.iter().map(|v| v.price_idr).min().or(product.price_idr));
        }
        None => match change {
            Change::Stock(n) => row.stock = Set(Some(n)),
            Change::Price(n) => row.price_idr = Set(Some(n)),
        },
    }
    // Price and stock never send a product back to review.
    scope::update_if_version::<products::Entity>(&*tx, id, product.version, row).await?;
    feed::sync_product(&tx, id).await?;
    let after = products::Entity::find_by_id(id)
        .one(&*tx)
        .await?
        .ok_or_else(|| ApiError::new(Code::ProductNotFound))?;
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

crate::check_nothing!(StockBatch, PriceBatch);
