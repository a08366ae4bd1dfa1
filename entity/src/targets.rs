//! The programme's targets of one province for one year; a target left
//! empty is not set.

use sea_orm::entity::prelude::*;

#[allow(unused_imports)]
use crate::enums::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "targets")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub province_code: String,
    pub year: i32,
    pub verified_pesantren: Option<i64>,
    pub flagship_products: Option<i64>,
    pub santripreneurs: Option<i64>,
    pub sociopreneurs: Option<i64>,
    pub trained_santri: Option<i64>,
    pub deal_value_idr: Option<i64>,
    pub updated_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

impl ActiveModelBehavior for ActiveModel {}
