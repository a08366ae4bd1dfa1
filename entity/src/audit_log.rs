//! Who changed what, when: one row per write.

use sea_orm::entity::prelude::*;

use crate::ActorType;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_log")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub actor_type: ActorType,
    pub actor_id: Option<Uuid>,
    /// Verb such as `create`, `update`, `delete`, `verify`.
    pub action: String,
    pub resource_type: String,
    pub resource_id: Uuid,
    /// Province of the resource, so a provincial admin sees its own trail.
    pub province_code: Option<String>,
    /// Changed fields, with secrets and identity numbers already redacted.
    pub changes: Json,
    pub request_id: Option<String>,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
