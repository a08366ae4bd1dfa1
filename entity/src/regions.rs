//! Indonesia's administrative regions (Kemendagri codes, dots removed):
//! provinces, regencies and cities, and districts (kecamatan). Loaded by
//! migration from the embedded data set (`migration::regions`), read only.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "regions")]
pub struct Model {
    /// `35`, `3578` or `357801`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub code: String,
    pub name: String,
    /// `province`, `regency` or `district`.
    pub level: String,
    /// The code of the province or regency it lies in; `null` for a province.
    pub parent: Option<String>,
}

impl ActiveModelBehavior for ActiveModel {}
