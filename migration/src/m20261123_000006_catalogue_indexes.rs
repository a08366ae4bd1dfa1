//! Indexes measured by `bench/run` and guarded by the `explain` test.
//!
//! - The catalogue lists newest first within a category and province: with
//!   `id` last in the index, the database walks it backwards and stops after
//!   one page, instead of checking every approved product of the province
//!   for publication and sorting them.
//! - Catalogue search (`q`) matches a substring of `search_name`. On
//!   PostgreSQL a trigram index (the `pg_trgm` extension, shipped with
//!   PostgreSQL and trusted since version 13) serves it; without the
//!   extension it is skipped with a notice and search scans, as it does on
//!   SQLite, where data sets are small. This is the one dialect-specific
//!   statement of the migrations, and it is chosen by backend on purpose.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

const CATALOGUE: &str = "idx_products_status_category_province_code_id";
const OLD_CATALOGUE: &str = "idx_products_status_category_province_code";
const TRIGRAM: &str = "idx_products_search_name_trgm";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name(CATALOGUE)
                .table("products")
                .if_not_exists()
                .col("status")
                .col("category")
                .col("province_code")
                .col("id")
                .to_owned(),
        )
        .await?;
        // A prefix of the new one: only a cost on every write.
        m.drop_index(
            Index::drop()
                .name(OLD_CATALOGUE)
                .table("products")
                .if_exists()
                .to_owned(),
        )
        .await?;
        if m.get_database_backend() == DatabaseBackend::Postgres {
            // A block, so that a server without pg_trgm (or a role that may
            // not create it) still migrates.
            m.get_connection()
                .execute_unprepared(&format!(
                    "DO $$ BEGIN \
                       CREATE EXTENSION IF NOT EXISTS pg_trgm; \
                     EXCEPTION WHEN OTHERS THEN \
                       RAISE NOTICE 'pg_trgm is not available (%); catalogue search will scan', SQLERRM; \
                     END $$; \
                     DO $$ BEGIN \
                       IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN \
                         CREATE INDEX IF NOT EXISTS {TRIGRAM} ON products USING gin (search_name gin_trgm_ops); \
                       END IF; \
                     END $$;"
                ))
                .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() == DatabaseBackend::Postgres {
            m.get_connection()
                .execute_unprepared(&format!("DROP INDEX IF EXISTS {TRIGRAM}"))
                .await?;
        }
        m.create_index(
            Index::create()
                .name(OLD_CATALOGUE)
                .table("products")
                .if_not_exists()
                .col("status")
                .col("category")
                .col("province_code")
                .to_owned(),
        )
        .await?;
        m.drop_index(
            Index::drop()
                .name(CATALOGUE)
                .table("products")
                .if_exists()
                .to_owned(),
        )
        .await
    }
}
