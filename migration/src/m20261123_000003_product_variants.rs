//! Variants of a product: up to two option tiers (`ukuran`, `warna`), each
//! combination with its own SKU, price, stock, weight and package size, as
//! marketplaces list them. A product without options has no rows here and
//! keeps its own SKU, price and stock.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("products")
                .add_column(json_binary_null("options"))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("orders")
                .add_column(uuid_null("variant_id"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("product_variants")
                .if_not_exists()
                .col(pk_uuid("id"))
                .col(uuid("product_id"))
                .col(uuid("pesantren_id"))
                .col(integer("position"))
                .col(string("sku"))
                .col(json_binary("option_values"))
                .col(big_integer("price_idr"))
                .col(big_integer("stock"))
                .col(integer("weight_grams"))
                .col(integer_null("length_cm"))
                .col(integer_null("width_cm"))
                .col(integer_null("height_cm"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .col(integer("version").default(1))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_product_variants_product_id")
                        .from("product_variants", "product_id")
                        .to("products", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("uq_product_variants_pesantren_id_sku")
                .table("product_variants")
                .col("pesantren_id")
                .col("sku")
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_product_variants_product_id")
                .table("product_variants")
                .col("product_id")
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}
