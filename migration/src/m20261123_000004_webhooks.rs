//! Webhook subscriptions: one per partner, pushing the catalogue change
//! feed to the partner's URL.
//!
//! The feed (`catalog_changes`, never compacted, positions handed out in
//! commit order) is the durable outbox; a subscription only remembers how
//! far its partner has been served (`cursor`), when to try again after a
//! failure (`attempts`, `next_attempt_at`) and which deliverer holds it
//! (`lease_owner`, `leased_until`). Times the deliverers compare are unix
//! milliseconds in integer columns: SQLite keeps timestamps as text, and
//! text comparisons of timestamps are not to be trusted.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLE: &str = "webhook_subscriptions";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(TABLE)
                .if_not_exists()
                .col(pk_uuid("partner_id"))
                .col(string("url"))
                .col(string("secret"))
                .col(big_integer("cursor"))
                .col(integer("attempts").default(0))
                .col(big_integer("next_attempt_at").default(0))
                .col(big_integer("leased_until").default(0))
                .col(string_null("lease_owner"))
                .col(text_null("last_error"))
                .col(timestamp_with_time_zone_null("last_attempt_at"))
                .col(timestamp_with_time_zone_null("last_delivered_at"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .col(integer("version").default(1))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_webhook_subscriptions_partner_id")
                        .from(TABLE, "partner_id")
                        .to("partners", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        // The deliverers' scan: due subscriptions, oldest first.
        m.create_index(
            Index::create()
                .name("idx_webhook_subscriptions_next_attempt_at")
                .table(TABLE)
                .if_not_exists()
                .col("next_attempt_at")
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(TABLE).if_exists().to_owned())
            .await
    }
}
