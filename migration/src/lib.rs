//! Schema migrations, applied at start-up and by `opop-api migrate`.
//!
//! Every statement here is built with sea-query, so the same migration runs on
//! SQLite and PostgreSQL; the one exception, chosen by backend on purpose, is
//! PostgreSQL's trigram index for catalogue search (000006).

pub use sea_orm_migration::prelude::*;

mod m20261123_000001_initial;
mod m20261123_000002_product_feed_flag;
mod m20261123_000003_product_variants;
mod m20261123_000004_webhooks;
mod m20261123_000005_product_images;
mod m20261123_000006_catalogue_indexes;
mod m20261201_000007_product_drafts;
mod m20261201_000008_programme;
mod m20261201_000009_regions;
mod m20261202_000010_competitions;
mod m20261203_000011_reviews;
mod m20261203_000012_data_protection;
mod m20261204_000013_four_eyes;
mod m20261207_000014_nik_at_rest;
mod m20261207_000015_image_stripping;
mod m20261207_000016_catalog_entries;
pub mod regions;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261123_000001_initial::Migration),
            Box::new(m20261123_000002_product_feed_flag::Migration),
            Box::new(m20261123_000003_product_variants::Migration),
            Box::new(m20261123_000004_webhooks::Migration),
            Box::new(m20261123_000005_product_images::Migration),
            Box::new(m20261123_000006_catalogue_indexes::Migration),
            Box::new(m20261201_000007_product_drafts::Migration),
            Box::new(m20261201_000008_programme::Migration),
            Box::new(m20261201_000009_regions::Migration),
            Box::new(m20261202_000010_competitions::Migration),
            Box::new(m20261203_000011_reviews::Migration),
            Box::new(m20261203_000012_data_protection::Migration),
            Box::new(m20261204_000013_four_eyes::Migration),
            Box::new(m20261207_000014_nik_at_rest::Migration),
            Box::new(m20261207_000015_image_stripping::Migration),
            Box::new(m20261207_000016_catalog_entries::Migration),
        ]
    }
}
