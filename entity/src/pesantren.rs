//! Pondok pesantren, the programme's unit.

use sea_orm::entity::prelude::*;

use crate::PesantrenStatus;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "pesantren")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Kemenag statistical number, 12 digits.
    #[sea_orm(unique)]
    pub nspp: String,
    pub name: String,
    /// `name` folded for search (lower case, no diacritics), computed by the
    /// application so that both databases search alike.
    pub search_name: String,
    pub province_code: String,
    pub regency_code: String,
    pub district_code: Option<String>,
    pub address: String,
    pub leader_name: String,
    /// E.164, `+628…`.
    pub phone: String,
    pub email: Option<String>,
    pub website: Option<String>,
    pub description: Option<String>,
    pub status: PesantrenStatus,
    pub verified_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

impl ActiveModelBehavior for ActiveModel {}
