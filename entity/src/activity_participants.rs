//! A pesantren enrolled in an activity, with the santri it sends.

use sea_orm::entity::prelude::*;

#[allow(unused_imports)]
use crate::enums::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "activity_participants")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub activity_id: Uuid,
    pub pesantren_id: Uuid,
    pub province_code: String,
    /// Santri of the pesantren who take part, a JSON array of ids.
    pub santri_ids: Json,
    /// How many ids `santri_ids` holds.
    pub santri_count: i32,
    /// Recorded by staff; none until then.
    pub attended: Option<bool>,
    pub enrolled_at: DateTimeUtc,
    pub enrolled_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

impl ActiveModelBehavior for ActiveModel {}
