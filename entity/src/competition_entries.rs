//! A pesantren entered in a competition, with the products it competes
//! with, and how far it got.

use sea_orm::entity::prelude::*;

#[allow(unused_imports)]
use crate::enums::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "competition_entries")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub competition_id: Uuid,
    pub pesantren_id: Uuid,
    pub province_code: String,
    /// The pesantren's regency and district when it entered: the areas
    /// that nominate at the `regency` and `district` stages.
    pub regency_code: String,
    pub district_code: Option<String>,
    pub category: String,
    /// A JSON array of product ids of the pesantren.
    pub product_ids: Json,
    /// Index in the competition's stages of the entry's current stage.
    pub stage_index: i32,
    pub status: EntryStatus,
    pub eliminated_reason: Option<String>,
    pub decided_by: Option<Uuid>,
    pub decided_at: Option<DateTimeUtc>,
    pub entered_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

impl ActiveModelBehavior for ActiveModel {}
