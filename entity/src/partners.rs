//! E-commerce partners and off-takers: machine clients of the catalogue.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "partners")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub name: String,
    /// Short stable code such as `shopee`.
    #[sea_orm(unique)]
    pub code: String,
    #[sea_orm(unique)]
    pub client_id: String,
    /// Argon2id hash of the client secret, which is shown only once.
    pub client_secret_hash: String,
    pub webhook_url: Option<String>,
    pub webhook_secret: Option<String>,
    pub is_active: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

impl ActiveModelBehavior for ActiveModel {}
