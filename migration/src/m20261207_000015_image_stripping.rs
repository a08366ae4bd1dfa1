//! Images re-encoded (issue 17, finding 7): `cleaned_at` says when an
//! image's bytes were decoded and encoded again, so that only pixels are
//! kept. Uploads from now on are stored so; images stored before (null
//! here) are re-encoded by the server in the background
//! (`opop_api::images::stripping`).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("product_images")
                .add_column(
                    ColumnDef::new(Alias::new("cleaned_at"))
                        .timestamp_with_time_zone()
                        .null(),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("product_images")
                .drop_column(Alias::new("cleaned_at"))
                .to_owned(),
        )
        .await
    }
}
