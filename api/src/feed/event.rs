//! A change to the published catalogue as partners read it: from the
//! change feed (`GET /api/v1/catalog/changes`) and in webhook deliveries.

use entity::{catalog_changes, ChangeOp};
use serde::Serialize;
use serde_json::value::RawValue;
use utoipa::ToSchema;
use uuid::Uuid;

use super::view::CatalogProduct;

/// One change to the published catalogue.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ChangeEvent {
    /// This event's position; resuming from it reads the events after it.
    #[schema(example = "1042")]
    pub cursor: String,
    /// `upsert`: the product is (still) published, as in `product`; store
    /// it. `delete`: it is no longer published; remove it.
    pub op: ChangeOp,
    pub product_id: Uuid,
    /// The whole product as the catalogue shows it, for `upsert` (also when
    /// only price or stock changed); absent for `delete`.
    // Kept as the JSON text stored, written out without being parsed into a
    // tree and serialised again (a full replay reads every event).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<CatalogProduct>)]
    pub product: Option<Box<RawValue>>,
    pub recorded_at: chrono::DateTime<chrono::Utc>,
}

impl From<catalog_changes::Model> for ChangeEvent {
    /// The product as it was rendered when the event was written.
    fn from(e: catalog_changes::Model) -> Self {
        Self {
            cursor: e.seq.to_string(),
            op: e.op,
            product_id: e.product_id,
            // A tree always serialises.
            product: e
                .payload
                .and_then(|p| serde_json::value::to_raw_value(&p).ok()),
            recorded_at: e.created_at,
        }
    }
}
