//! One combination of a product's options, with its own SKU, price and stock.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "product_variants")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub product_id: Uuid,
    pub pesantren_id: Uuid,
    /// Order within the product, from 0.
    pub position: i32,
    /// Unique within the pesantren.
    pub sku: String,
    /// `{"ukuran": "L", "warna": "hijau"}`: a value for each of the
    /// product's options.
    pub option_values: Json,
    pub price_idr: i64,
    pub stock: i64,
    pub weight_grams: i32,
    pub length_cm: Option<i32>,
    pub width_cm: Option<i32>,
    pub height_cm: Option<i32>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
    #[sea_orm(belongs_to, from = "product_id", to = "id", on_delete = "Cascade")]
    pub product: BelongsTo<super::products::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
