//! An award of a competition to a finalist, with its grant and what has
//! been paid of it.

use sea_orm::entity::prelude::*;

#[allow(unused_imports)]
use crate::enums::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "competition_awards")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub competition_id: Uuid,
    pub entry_id: Uuid,
    pub pesantren_id: Uuid,
    pub province_code: String,
    pub year: i32,
    pub category: String,
    pub rank: i32,
    pub grant_idr: i64,
    /// Sum of the disbursements; raised only while it stays within
    /// `grant_idr`, in the same statement.
    pub disbursed_idr: i64,
    pub awarded_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

impl ActiveModelBehavior for ActiveModel {}
