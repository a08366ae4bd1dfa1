//! The review history: every decision on a product, a certificate or a
//! pesantren, one row each, never updated (so no `updated_at` or
//! `version`). `resource_id` has no foreign key: one table serves three,
//! and a history stays readable by inspectors even when its certificate
//! was deleted.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261123_000001_initial::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("reviews")
                .if_not_exists()
                .col(pk_uuid("id"))
                .col(string("resource_type"))
                .col(uuid("resource_id"))
                .col(string("province_code"))
                .col(string("decision"))
                .col(text_null("reason"))
                .col(uuid_null("actor_id"))
                .col(string("actor_role"))
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
        )
        .await?;
        // One resource's history, newest first, is a range of this index.
        m.create_index(index("reviews", &["resource_type", "resource_id", "id"]))
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("reviews").to_owned())
            .await?;
        Ok(())
    }
}
