//! The read model of the published catalogue (issue 18): one row per
//! published product holding the bytes the catalogue answers with (the view
//! the change feed already renders) and the columns the catalogue filters
//! and pages on. The server keeps it in the same transaction as the feed
//! event (`opop_api::feed`), so a catalogue read is one indexed statement and
//! nothing is rendered again.
//!
//! Rows for products already in the feed are filled by the server at start
//! (`opop_api::catalog::read_model::fill`), from their last `upsert` event:
//! this crate cannot render a product.
//!
//! On PostgreSQL search gets a trigram index, as `products` did (000006).

use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseBackend};
use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261123_000001_initial::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLE: &str = "catalog_entries";
const TRIGRAM: &str = "idx_catalog_entries_search_name_trgm";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(TABLE)
                .if_not_exists()
                .col(uuid("product_id").primary_key())
                .col(uuid("pesantren_id"))
                .col(string("category"))
                .col(string("province_code"))
                .col(big_integer("price_idr"))
                .col(string("search_name"))
                .col(date_null("halal_until"))
                .col(date_null("fresh_until"))
                .col(text("body"))
                .col(timestamp_with_time_zone("updated_at"))
                .to_owned(),
        )
        .await?;
        // Each filter of the catalogue, with the page order (`product_id`,
        // newest first) last, so a page is a backwards walk that stops after
        // twenty rows.
        for cols in [
            &["category", "province_code", "product_id"][..],
            &["category", "product_id"][..],
            &["province_code", "product_id"][..],
            &["pesantren_id", "product_id"][..],
        ] {
            m.create_index(index(TABLE, cols)).await?;
        }
        if m.get_database_backend() == DatabaseBackend::Postgres {
            m.get_connection()
                .execute_unprepared(&format!(
                    "DO $$ BEGIN \
                       IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN \
                         CREATE INDEX IF NOT EXISTS {TRIGRAM} ON {TABLE} USING gin (search_name gin_trgm_ops); \
                       END IF; \
                     END $$;"
                ))
                .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(TABLE).if_exists().to_owned())
            .await
    }
}
