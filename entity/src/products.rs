//! Products of a pesantren, walked through curation into the catalogue.

use sea_orm::entity::prelude::*;

use crate::{ProductCategory, ProductCondition, ProductStatus};

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "products")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub pesantren_id: Uuid,
    pub province_code: String,
    pub koperasi_id: Option<Uuid>,
    pub name: String,
    pub search_name: String,
    /// Empty in a draft that does not have one yet.
    pub description: Option<String>,
    pub category: ProductCategory,
    /// Whole rupiah. The fields from `description` to `sku` may be empty
    /// in a draft; a product past curation has them all.
    pub price_idr: Option<i64>,
    pub stock: Option<i64>,
    pub unit: Option<String>,
    pub weight_grams: Option<i32>,
    /// Unique within the pesantren.
    pub sku: Option<String>,
    /// Image URLs, a JSON array of strings.
    pub images: Json,
    /// Awarded by a curator of the province.
    pub is_flagship: bool,
    /// Asked for by the pesantren.
    pub flagship_requested: bool,
    pub flagship_awarded_by: Option<Uuid>,
    pub flagship_awarded_at: Option<DateTimeUtc>,
    pub status: ProductStatus,
    pub rejection_reason: Option<String>,
    pub brand: Option<String>,
    pub condition: ProductCondition,
    pub length_cm: Option<i32>,
    pub width_cm: Option<i32>,
    pub height_cm: Option<i32>,
    pub min_order_qty: i32,
    pub shelf_life_days: Option<i32>,
    /// The user who created it: a curator never reviews their own product.
    pub created_by: Option<Uuid>,
    /// Who last changed the product's content; may not review it either.
    pub edited_by: Option<Uuid>,
    pub submitted_at: Option<DateTimeUtc>,
    pub reviewed_by: Option<Uuid>,
    pub reviewed_at: Option<DateTimeUtc>,
    /// Whether the product's last event in the catalogue feed is an
    /// `upsert`; kept by the feed, never set by hand.
    pub in_feed: bool,
    /// Option names (`["ukuran", "warna"]`, at most two) when the product
    /// has variants; `None` for a product sold as one item.
    pub options: Option<Json>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
    #[sea_orm(belongs_to, from = "pesantren_id", to = "id")]
    pub pesantren: BelongsTo<super::pesantren::Entity>,
    #[sea_orm(belongs_to, from = "koperasi_id", to = "id", on_delete = "SetNull")]
    pub koperasi: BelongsTo<Option<super::koperasi::Entity>>,
}

impl ActiveModelBehavior for ActiveModel {}
