//! Request and response types of partner listings.

use entity::partner_listings;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use crate::error::FieldCode;
use crate::validation::invalid;

/// The partner's listing of a product.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ListingView {
    pub product_id: Uuid,
    /// The item's id on the partner's marketplace.
    #[schema(example = "23456789012")]
    pub external_id: String,
    /// The item's page, shown in the catalogue as a buy link.
    #[schema(example = "https://shopee.co.id/product/123/23456789012")]
    pub url: String,
    /// Your category id for the product.
    #[schema(example = "100629")]
    pub category_id: Option<String>,
    /// Your required attribute values for that category.
    // A bare `Map` documents as `additionalProperties: {}`, which utoipa
    // cannot read back; `Object` says the same thing in a form it can.
    #[schema(value_type = Option<Object>, example = json!({"brand": "Santri Coffee", "expiry_period": "12 bulan"}))]
    pub attributes: Option<serde_json::Map<String, serde_json::Value>>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
    pub version: i32,
}

impl From<partner_listings::Model> for ListingView {
    fn from(l: partner_listings::Model) -> Self {
        Self {
            product_id: l.product_id,
            external_id: l.external_id,
            url: l.url,
            category_id: l.category_id,
            attributes: l.attributes.and_then(|a| a.as_object().cloned()),
            created_at: l.created_at,
            updated_at: l.updated_at,
            version: l.version,
        }
    }
}

/// The partner's listing, as it records it.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ListingInput {
    /// The item's id on your marketplace.
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    #[schema(example = "23456789012")]
    pub external_id: String,
    /// The item's public page on your marketplace (https).
    #[validate(length(max = 500), custom(function = "crate::ids::validate_https_url"))]
    #[schema(example = "https://shopee.co.id/product/123/23456789012")]
    pub url: String,
    /// Your own category id for the product (kept for you; not shown to
    /// others).
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    #[schema(example = "100629")]
    pub category_id: Option<String>,
    /// The attribute values your category requires, as you name them (at
    /// most 50 attributes, 16 KB in all).
    #[validate(custom(function = "small_attributes"))]
    // A bare `Map` documents as `additionalProperties: {}`, which utoipa
    // cannot read back; `Object` says the same thing in a form it can.
    #[schema(value_type = Option<Object>, example = json!({"brand": "Santri Coffee", "expiry_period": "12 bulan"}))]
    pub attributes: Option<serde_json::Map<String, serde_json::Value>>,
}

fn small_attributes(
    a: &serde_json::Map<String, serde_json::Value>,
) -> Result<(), validator::ValidationError> {
    let size = serde_json::to_vec(a).map(|v| v.len()).unwrap_or(usize::MAX);
    if a.len() <= 50 && size <= 16 * 1024 {
        Ok(())
    } else {
        Err(invalid(FieldCode::AttributesSize))
    }
}

crate::check_with_validator!(ListingInput);

crate::merge_patch_schema!(
    /// A JSON Merge Patch (RFC 7396) of `ListingInput`: only the fields to change;
    /// `null` clears an optional one.
    ListingPatch,
    ListingInput
);
