//! The review history: one row per decision on a product, a certificate or
//! a pesantren, written with the decision and never changed afterwards.

use sea_orm::entity::prelude::*;

use crate::{ReviewDecision, ReviewedResource, Role};

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "reviews")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub resource_type: ReviewedResource,
    pub resource_id: Uuid,
    /// Province of the resource when the decision was made.
    pub province_code: String,
    pub decision: ReviewDecision,
    pub reason: Option<String>,
    /// The user who decided (no foreign key, as in the audit log: the
    /// history must outlive whatever happens to accounts).
    pub actor_id: Option<Uuid>,
    /// The decider's role at the time, kept because a role can change.
    pub actor_role: Role,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
