//! Accounts of people: admins, curators, pesantren managers and santri.

use sea_orm::entity::prelude::*;

use crate::Role;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Stored lower-cased, so uniqueness does not depend on the database's collation.
    #[sea_orm(unique)]
    pub email: String,
    pub name: String,
    /// Argon2id PHC string; never leaves the server.
    pub password_hash: String,
    pub role: Role,
    /// Scope of an admin or curator; `None` means every province.
    pub province_code: Option<String>,
    /// The pesantren a manager or santri belongs to.
    pub pesantren_id: Option<Uuid>,
    /// The santri record a santri user is bound to.
    pub santri_id: Option<Uuid>,
    pub is_active: bool,
    pub last_login_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
    #[sea_orm(belongs_to, from = "pesantren_id", to = "id")]
    pub pesantren: BelongsTo<Option<super::pesantren::Entity>>,
    #[sea_orm(belongs_to, from = "santri_id", to = "id")]
    pub santri: BelongsTo<Option<super::santri::Entity>>,
}

impl ActiveModelBehavior for ActiveModel {}
