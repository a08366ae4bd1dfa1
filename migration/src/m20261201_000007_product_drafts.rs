//! Product drafts may be incomplete: a draft needs only its pesantren, a
//! name and a category, and the rest is checked when it is submitted for
//! curation. The columns a draft may leave empty become nullable.
//!
//! SQLite cannot change a column's constraints, so each column is copied
//! into a new nullable one that then takes its name; the two indexes on
//! these columns are dropped first (SQLite will not drop an indexed column)
//! and made again. The same statements run on PostgreSQL.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The columns, with the value an old row cannot lack when going back.
const COLUMNS: [(&str, Kind); 6] = [
    ("description", Kind::Text),
    ("price_idr", Kind::BigInt),
    ("stock", Kind::BigInt),
    ("unit", Kind::Text),
    ("weight_grams", Kind::Int),
    ("sku", Kind::Text),
];

#[derive(Clone, Copy)]
enum Kind {
    Text,
    BigInt,
    Int,
}

const SKU_INDEX: &str = "uq_products_pesantren_id_sku";
const PRICE_INDEX: &str = "idx_products_price_idr";

fn column(name: String, kind: Kind, nullable: bool) -> ColumnDef {
    let mut c = ColumnDef::new(Alias::new(name));
    match kind {
        Kind::Text => c.text(),
        Kind::BigInt => c.big_integer(),
        Kind::Int => c.integer(),
    };
    if nullable {
        c.null();
    } else {
        c.not_null().default(match kind {
            Kind::Text => Expr::val(""),
            Kind::BigInt | Kind::Int => Expr::val(0),
        });
    }
    c.to_owned()
}

async fn drop_indexes(m: &SchemaManager<'_>) -> Result<(), DbErr> {
    for name in [SKU_INDEX, PRICE_INDEX] {
        m.drop_index(
            Index::drop()
                .name(name)
                .table("products")
                .if_exists()
                .to_owned(),
        )
        .await?;
    }
    Ok(())
}

async fn create_indexes(m: &SchemaManager<'_>) -> Result<(), DbErr> {
    m.create_index(
        Index::create()
            .name(SKU_INDEX)
            .table("products")
            .col("pesantren_id")
            .col("sku")
            .unique()
            .to_owned(),
    )
    .await?;
    m.create_index(
        Index::create()
            .name(PRICE_INDEX)
            .table("products")
            .col("price_idr")
            .to_owned(),
    )
    .await
}

/// Gives every column of [`COLUMNS`] the nullability `nullable`, keeping
/// its values (`fill` replaces the nulls an old row cannot hold).
async fn remake(m: &SchemaManager<'_>, nullable: bool) -> Result<(), DbErr> {
    for (name, kind) in COLUMNS {
        let next = format!("{name}_next");
        m.alter_table(
            Table::alter()
                .table("products")
                .add_column(column(next.clone(), kind, nullable))
                .to_owned(),
        )
        .await?;
        let value = if nullable {
            Expr::col(Alias::new(name))
        } else {
            Expr::col(Alias::new(name)).if_null(match kind {
                Kind::Text => Expr::val(""),
                Kind::BigInt | Kind::Int => Expr::val(0),
            })
        };
        m.exec_stmt(
            Query::update()
                .table("products")
                .value(Alias::new(next), value)
                .to_owned(),
        )
        .await?;
    }
    drop_indexes(m).await?;
    for (name, _) in COLUMNS {
        m.alter_table(
            Table::alter()
                .table("products")
                .drop_column(Alias::new(name))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("products")
                .rename_column(Alias::new(format!("{name}_next")), Alias::new(name))
                .to_owned(),
        )
        .await?;
    }
    create_indexes(m).await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        remake(m, true).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        remake(m, false).await
    }
}
