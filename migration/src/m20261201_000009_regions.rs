//! The `regions` table: every province, regency and district of the
//! embedded Kemendagri data set (`regions.rs`), loaded in batches. Nothing
//! refers to it by foreign key: rows written before it existed may carry
//! codes it lacks, which start-up reports instead of refusing
//! (`opop_api::regions::service::report_unknown_codes`).

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261123_000001_initial::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    /// One transaction on SQLite too: the load is then atomic and one
    /// commit instead of one per batch.
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("regions")
                .if_not_exists()
                .col(string_len("code", 6).primary_key())
                .col(string("name"))
                .col(string_len("level", 16))
                .col(string_len_null("parent", 6))
                .to_owned(),
        )
        .await?;
        m.create_index(index("regions", &["parent"])).await?;
        crate::regions::load(m).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("regions").to_owned())
            .await
    }
}
