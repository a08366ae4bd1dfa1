//! A partner's webhook subscription: where the catalogue change feed is
//! pushed, and how far it has been pushed. One row per partner.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webhook_subscriptions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub partner_id: Uuid,
    /// Where events are POSTed (https).
    pub url: String,
    /// The HMAC-SHA256 key of the signatures. Kept in clear because signing
    /// needs it; never answered after registration, never audited; do not log a
    /// whole row.
    pub secret: String,
    /// The feed position of the last event the partner acknowledged (2xx).
    pub cursor: i64,
    /// Consecutive failed attempts; 0 when the last attempt succeeded.
    pub attempts: i32,
    /// Unix milliseconds before which no delivery is attempted (back-off).
    pub next_attempt_at: i64,
    /// Unix milliseconds until which `lease_owner` holds the subscription.
    pub leased_until: i64,
    /// The deliverer pass holding the subscription, if any.
    pub lease_owner: Option<String>,
    /// Why the last attempt failed, while failing.
    pub last_error: Option<String>,
    pub last_attempt_at: Option<DateTimeUtc>,
    pub last_delivered_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

impl ActiveModelBehavior for ActiveModel {}
