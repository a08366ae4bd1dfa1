//! Programme activities: trainings, internships, camps, expos, business
//! matchings and mentoring clinics, each in one province.

use sea_orm::entity::prelude::*;

#[allow(unused_imports)]
use crate::enums::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "activities")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub kind: ActivityKind,
    pub title: String,
    pub description: Option<String>,
    pub province_code: String,
    pub regency_code: Option<String>,
    pub starts_on: Date,
    pub ends_on: Date,
    pub location: Option<String>,
    pub online: bool,
    /// Places (pesantren); none means no limit.
    pub capacity: Option<i32>,
    pub registration_closes_on: Option<Date>,
    /// Listed in the public events.
    pub public: bool,
    pub status: ActivityStatus,
    /// Places taken; raised only while below `capacity`.
    pub enrolled: i32,
    pub created_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

impl ActiveModelBehavior for ActiveModel {}
