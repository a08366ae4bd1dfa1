//! One payment (tranche) of an award's grant.

use sea_orm::entity::prelude::*;

#[allow(unused_imports)]
use crate::enums::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "grant_disbursements")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub award_id: Uuid,
    pub pesantren_id: Uuid,
    pub province_code: String,
    pub amount_idr: i64,
    pub paid_on: Date,
    pub reference: String,
    pub recorded_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

impl ActiveModelBehavior for ActiveModel {}
