//! The read model of the published catalogue: one row per published
//! product, written with its change-feed event (see `docs/change-feed.md`).

use sea_orm::entity::prelude::*;

use crate::ProductCategory;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "catalog_entries")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub product_id: Uuid,
    pub pesantren_id: Uuid,
    pub category: ProductCategory,
    pub province_code: String,
    pub price_idr: i64,
    /// The name folded for search (`opop_api::text::fold`).
    pub search_name: String,
    /// For a category that needs halal: the last day its halal
    /// certificates keep it published (`None`: one never expires, or the
    /// category needs none). Past it, the product is not in the catalogue.
    pub halal_until: Option<Date>,
    /// The last day `body` is exact: the earliest expiry among the
    /// certificates it shows. Past it, the product is rendered afresh until
    /// the expiry task writes the new view.
    pub fresh_until: Option<Date>,
    /// The catalogue's JSON of the product, exactly as served.
    #[sea_orm(column_type = "Text")]
    pub body: String,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
