//! Remembered answers to writes made with an `Idempotency-Key`.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "idempotency_keys")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Who used the key, e.g. `partner:<uuid>`; keys are per caller.
    pub principal: String,
    pub key: String,
    /// Method and path the key was first used on.
    pub endpoint: String,
    /// SHA-256 of the request body: the same key with another body is refused.
    pub request_hash: String,
    pub response_status: i32,
    pub response_body: Json,
    pub created_at: DateTimeUtc,
    /// Unix seconds after which the key may be forgotten.
    pub expires_at: i64,
}

impl ActiveModelBehavior for ActiveModel {}
