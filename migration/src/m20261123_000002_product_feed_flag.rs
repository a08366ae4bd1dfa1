//! Two things the catalogue needs.
//!
//! `products.in_feed`: whether the product's last event in the catalogue
//! feed is an `upsert`. The feed keeps it; the expiry task uses it to find,
//! with one indexed query, the products that stopped being published by the
//! passing of time (an expired halal certificate) without anyone writing.

//!
//! Byte-order sorting of folded names: SQLite compares text by bytes, while
//! PostgreSQL uses the database's locale, which orders spaces, dashes and
//! letters differently. Lists sorted by name must page alike on both, so on
//! PostgreSQL the folded `search_name` columns use the "C" collation (byte
//! order, which for UTF-8 is code-point order, as on SQLite).

use sea_orm_migration::sea_orm::DatabaseBackend;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("products")
                .add_column(boolean("in_feed").default(false))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_products_in_feed")
                .table("products")
                .col("in_feed")
                .to_owned(),
        )
        .await?;
        if m.get_database_backend() == DatabaseBackend::Postgres {
            for table in ["pesantren", "santri", "products"] {
                m.get_connection()
                    .execute_unprepared(&format!(
                        "ALTER TABLE {table} ALTER COLUMN search_name TYPE varchar COLLATE \"C\""
                    ))
                    .await?;
            }
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("idx_products_in_feed")
                .table("products")
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("products")
                .drop_column("in_feed")
                .to_owned(),
        )
        .await
    }
}
