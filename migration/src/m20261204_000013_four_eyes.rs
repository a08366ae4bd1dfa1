//! Four eyes: who last edited a product or certificate, and who created a
//! certificate, so that neither reviews it (issue 17, finding 3).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const COLUMNS: [(&str, &str); 3] = [
    ("products", "edited_by"),
    ("certifications", "created_by"),
    ("certifications", "edited_by"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for (table, column) in COLUMNS {
            m.alter_table(
                Table::alter()
                    .table(table)
                    .add_column(ColumnDef::new(Alias::new(column)).uuid().null())
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for (table, column) in COLUMNS {
            m.alter_table(
                Table::alter()
                    .table(table)
                    .drop_column(Alias::new(column))
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
