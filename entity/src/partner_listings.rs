//! A partner's own listing of a product on its marketplace.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "partner_listings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub partner_id: Uuid,
    pub product_id: Uuid,
    pub external_id: String,
    pub url: String,
    pub category_id: Option<String>,
    pub attributes: Option<Json>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
    #[sea_orm(belongs_to, from = "partner_id", to = "id", on_delete = "Cascade")]
    pub partner: BelongsTo<super::partners::Entity>,
    #[sea_orm(belongs_to, from = "product_id", to = "id", on_delete = "Cascade")]
    pub product: BelongsTo<super::products::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
