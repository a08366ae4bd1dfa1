//! Images uploaded for a product. The bytes live in the media store (a
//! directory or an S3 bucket); a row keeps the image's place in the
//! product's order, its detected type, size and SHA-256, and where it is
//! stored. Like every row of a pesantren it carries `pesantren_id` and
//! `province_code`, so scope is one predicate.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("product_images")
                .if_not_exists()
                .col(pk_uuid("id"))
                .col(uuid("product_id"))
                .col(uuid("pesantren_id"))
                .col(string("province_code"))
                .col(integer("position"))
                .col(string("content_type"))
                .col(big_integer("size_bytes"))
                .col(string("sha256"))
                .col(string_uniq("storage_key"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .col(integer("version").default(1))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_product_images_product_id")
                        .from("product_images", "product_id")
                        .to("products", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_product_images_product_id_position")
                .table("product_images")
                .if_not_exists()
                .col("product_id")
                .col("position")
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_product_images_province_code")
                .table("product_images")
                .if_not_exists()
                .col("province_code")
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("product_images").if_exists().to_owned())
            .await
    }
}
