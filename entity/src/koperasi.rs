//! Koperasi pondok pesantren (kopontren): the cooperative that sells.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "koperasi")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// One koperasi per pesantren.
    #[sea_orm(unique)]
    pub pesantren_id: Uuid,
    pub province_code: String,
    pub name: String,
    /// Number of the deed of establishment (badan hukum).
    pub legal_entity_number: Option<String>,
    /// OSS business number, 13 digits.
    #[sea_orm(unique)]
    pub nib: Option<String>,
    pub member_count: i32,
    /// Business units, a JSON array of strings.
    pub business_units: Json,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
    #[sea_orm(belongs_to, from = "pesantren_id", to = "id", on_delete = "Cascade")]
    pub pesantren: BelongsTo<super::pesantren::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
