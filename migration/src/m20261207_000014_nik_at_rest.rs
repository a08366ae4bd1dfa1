//! The NIK at rest (issue 17, finding 1): sealed (encrypted), a keyed hash
//! for the duplicate check, and the last four digits the contract answers.
//!
//! The plain `nik` column stays for now: this crate has no key, so rows
//! written before are sealed by the server at start-up
//! (`opop_api::santri::rotation::seal_legacy`), which then empties the
//! column. A later migration may drop it once every deployment has started
//! this version once.

use sea_orm_migration::prelude::*;

use crate::m20261123_000001_initial::unique;

#[derive(DeriveMigrationName)]
pub struct Migration;

const COLUMNS: [&str; 3] = ["nik_sealed", "nik_hash", "nik_last4"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for column in COLUMNS {
            m.alter_table(
                Table::alter()
                    .table("santri")
                    .add_column(ColumnDef::new(Alias::new(column)).text().null())
                    .to_owned(),
            )
            .await?;
        }
        // Unique per pesantren as the plain NIK was; NULLs never collide.
        m.drop_index(
            Index::drop()
                .name("uq_santri_pesantren_id_nik")
                .table("santri")
                .to_owned(),
        )
        .await?;
        m.create_index(unique("santri", &["pesantren_id", "nik_hash"]))
            .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("uq_santri_pesantren_id_nik_hash")
                .table("santri")
                .to_owned(),
        )
        .await?;
        m.create_index(unique("santri", &["pesantren_id", "nik"]))
            .await?;
        for column in COLUMNS {
            m.alter_table(
                Table::alter()
                    .table("santri")
                    .drop_column(Alias::new(column))
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
