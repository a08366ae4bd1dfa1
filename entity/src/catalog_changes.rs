//! The catalogue change feed: one row per change to the published catalogue.

use sea_orm::entity::prelude::*;

use crate::ChangeOp;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "catalog_changes")]
pub struct Model {
    /// Position in the feed, taken from `catalog_feed_state` inside the writing
    /// transaction (see `docs/change-feed.md`), so it is gap-free in commit order.
    #[sea_orm(primary_key, auto_increment = false)]
    pub seq: i64,
    pub product_id: Uuid,
    pub op: ChangeOp,
    /// The catalogue's view of the product for `upsert`; `None` for `delete`.
    pub payload: Option<Json>,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
