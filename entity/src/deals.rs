//! Deals made at a business matching or expo.

use sea_orm::entity::prelude::*;

#[allow(unused_imports)]
use crate::enums::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "deals")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub activity_id: Uuid,
    pub pesantren_id: Uuid,
    pub province_code: String,
    pub buyer_name: String,
    pub buyer_kind: BuyerKind,
    pub product_id: Option<Uuid>,
    /// Whole rupiah.
    pub value_idr: i64,
    pub kind: DealKind,
    pub signed_on: Date,
    pub status: DealStatus,
    pub reported_by: Option<Uuid>,
    pub confirmed_by: Option<Uuid>,
    pub confirmed_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

impl ActiveModelBehavior for ActiveModel {}
