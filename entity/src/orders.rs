//! Orders reported by partners; each one took stock.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "orders")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub partner_id: Uuid,
    pub product_id: Uuid,
    pub pesantren_id: Uuid,
    pub province_code: String,
    pub quantity: i32,
    /// The partner's own order number; unique per partner, so a retry under a
    /// new idempotency key still cannot take stock twice.
    pub external_order_id: String,
    pub idempotency_key: String,
    /// The variant sold, when the product has variants.
    pub variant_id: Option<Uuid>,
    pub unit_price_idr: i64,
    pub total_idr: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
    #[sea_orm(belongs_to, from = "partner_id", to = "id")]
    pub partner: BelongsTo<super::partners::Entity>,
    #[sea_orm(belongs_to, from = "product_id", to = "id")]
    pub product: BelongsTo<super::products::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
