//! One juror's score of an entry at one stage.

use sea_orm::entity::prelude::*;

#[allow(unused_imports)]
use crate::enums::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "competition_scores")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub entry_id: Uuid,
    pub competition_id: Uuid,
    pub pesantren_id: Uuid,
    pub province_code: String,
    pub stage_index: i32,
    pub juror_id: Uuid,
    pub score: i32,
    pub notes: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

impl ActiveModelBehavior for ActiveModel {}
