//! Competitions (audisi) of one province and year: categories, an ordered
//! list of stages, and the stage being judged.

use sea_orm::entity::prelude::*;

#[allow(unused_imports)]
use crate::enums::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "competitions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub province_code: String,
    pub year: i32,
    pub title: String,
    pub description: Option<String>,
    /// A JSON array of category names (`start_up`, `scale_up`).
    pub categories: Json,
    /// A JSON array of stage names, in the order they are judged.
    pub stages: Json,
    pub entries_close_on: Date,
    pub status: CompetitionStatus,
    /// Index in `stages` of the stage being judged; equal to the number of
    /// stages once the last one has closed.
    pub current_stage: i32,
    pub created_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

impl ActiveModelBehavior for ActiveModel {}
