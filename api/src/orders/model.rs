//! Request and response types of orders.

use chrono::{DateTime, Utc};
use entity::orders;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use crate::error::FieldCode;

pub(super) fn validate_external_order_id(id: &str) -> Result<(), validator::ValidationError> {
    let trimmed = id.trim();
    if trimmed.is_empty() || trimmed.chars().count() > 100 {
        let mut e = validator::ValidationError::new("length");
        e.add_param("min".into(), &1);
        e.add_param("max".into(), &100);
        return Err(e);
    }
    if trimmed.chars().any(char::is_control) {
        return Err(crate::validation::invalid(FieldCode::NoControlCharacters));
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
    #[validate(range(min = 1, max = 10_000))]
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
    pub fn new(o: &orders::Model, stock_remaining: Option<i64>) -> Self {
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

crate::check_with_validator!(OrderRequest);
