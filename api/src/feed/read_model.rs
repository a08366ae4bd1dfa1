//! The read model of the published catalogue: one `catalog_entries` row per
//! published product, holding the JSON the catalogue answers with and the
//! columns it filters and pages on.
//!
//! It is written only by the feed's sync ([`super::sync_product`]), in the
//! transaction that records the product's feed event, from the same
//! rendered view: a row exists
//! exactly while the product is in the feed, and its `body` is the product
//! of its last `upsert`. So the catalogue answers from one indexed
//! statement, and the catalogue and a follower of the feed agree.
//!
//! Time is the one thing that changes the catalogue without a write: a
//! certificate expires at midnight (WIB). `halal_until` keeps a product whose
//! halal certificates ran out out of every answer at once, in SQL; and a
//! row whose `fresh_until` has passed (it shows a certificate that expired)
//! is rendered afresh until the expiry task writes the new view, so the
//! catalogue stays exact in between (see `docs/change-feed.md`).

use chrono::NaiveDate;
use entity::{catalog_entries, CertificationType};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ConnectionTrait, DatabaseConnection, EntityTrait, QuerySelect, Set};
use uuid::Uuid;

use super::view::CatalogProduct;
use crate::db;
use crate::error::ApiResult;

/// The row of a rendered product.
fn row_of(product: &CatalogProduct, body: String) -> catalog_entries::ActiveModel {
    let halal: Vec<Option<NaiveDate>> = product
        .certifications
        .iter()
        .filter(|c| c.cert_type == CertificationType::Halal)
        .map(|c| c.expires_on)
        .collect();
    // Published with a halal certificate needed: at least one is shown, and
    // the product stays published until the last of them expires (never,
    // when one has no expiry).
    let halal_until = if product.category.requires_halal() && !halal.iter().any(Option::is_none) {
        halal.iter().flatten().max().copied()
    } else {
        None
    };
    let fresh_until = product
        .certifications
        .iter()
        .filter_map(|c| c.expires_on)
        .min();
    catalog_entries::ActiveModel {
        product_id: Set(product.id),
        pesantren_id: Set(product.pesantren.id),
        category: Set(product.category),
        province_code: Set(product.pesantren.province_code.clone()),
        price_idr: Set(product.price_idr),
        search_name: Set(crate::text::fold(&product.name)),
        halal_until: Set(halal_until),
        fresh_until: Set(fresh_until),
        body: Set(body),
        updated_at: Set(db::now()),
    }
}

/// The JSON a product is served as.
pub fn body_of(product: &CatalogProduct) -> ApiResult<String> {
    Ok(serde_json::to_string(product).map_err(anyhow::Error::from)?)
}

fn upsert() -> OnConflict {
    OnConflict::column(catalog_entries::Column::ProductId)
        .update_columns([
            catalog_entries::Column::PesantrenId,
            catalog_entries::Column::Category,
            catalog_entries::Column::ProvinceCode,
            catalog_entries::Column::PriceIdr,
            catalog_entries::Column::SearchName,
            catalog_entries::Column::HalalUntil,
            catalog_entries::Column::FreshUntil,
            catalog_entries::Column::Body,
            catalog_entries::Column::UpdatedAt,
        ])
        .to_owned()
}

/// Stores the product's view; answers whether it differs from the one
/// stored (when it does not, nothing is written and no event is due).
pub async fn put(conn: &impl ConnectionTrait, product: &CatalogProduct) -> ApiResult<bool> {
    let body = body_of(product)?;
    let stored: Option<String> = catalog_entries::Entity::find_by_id(product.id)
        .select_only()
        .column(catalog_entries::Column::Body)
        .into_tuple()
        .one(conn)
        .await?;
    if stored.as_deref() == Some(body.as_str()) {
        return Ok(false);
    }
    write(conn, product, body).await?;
    Ok(true)
}

/// Stores the product's view, known to differ from the one stored.
pub async fn replace(conn: &impl ConnectionTrait, product: &CatalogProduct) -> ApiResult<()> {
    write(conn, product, body_of(product)?).await
}

async fn write(
    conn: &impl ConnectionTrait,
    product: &CatalogProduct,
    body: String,
) -> ApiResult<()> {
    catalog_entries::Entity::insert(row_of(product, body))
        .on_conflict(upsert())
        .exec_without_returning(conn)
        .await?;
    Ok(())
}

/// The stored view of a product and the last day it is exact (see
/// `fresh_until`), if it is in the read model.
pub async fn stored(
    conn: &impl ConnectionTrait,
    product_id: Uuid,
) -> ApiResult<Option<(String, Option<NaiveDate>)>> {
    Ok(catalog_entries::Entity::find_by_id(product_id)
        .select_only()
        .column(catalog_entries::Column::Body)
        .column(catalog_entries::Column::FreshUntil)
        .into_tuple()
        .one(conn)
        .await?)
}

/// Stores the views of products newly in the feed (bulk loading, and
/// filling). A row already there is newer (written by a sync) and is kept.
pub async fn insert_many(
    conn: &impl ConnectionTrait,
    products: &[CatalogProduct],
) -> ApiResult<()> {
    let mut rows = Vec::with_capacity(products.len());
    for p in products {
        rows.push(row_of(p, body_of(p)?));
    }
    // Ten columns a row: 500 rows stay under SQLite's parameter limit.
    for chunk in rows.chunks(500) {
        catalog_entries::Entity::insert_many(chunk.to_vec())
            .on_conflict(
                OnConflict::column(catalog_entries::Column::ProductId)
                    .do_nothing()
                    .to_owned(),
            )
            .exec_without_returning(conn)
            .await?;
    }
    Ok(())
}

/// Removes a product that left the catalogue.
pub async fn remove(conn: &impl ConnectionTrait, product_id: Uuid) -> ApiResult<()> {
    catalog_entries::Entity::delete_by_id(product_id)
        .exec(conn)
        .await?;
    Ok(())
}

/// [`fill`], logged, for start-up and `migrate`.
pub async fn fill_at_start(db: &DatabaseConnection) -> anyhow::Result<()> {
    let filled = fill(db)
        .await
        .map_err(|e| anyhow::anyhow!("filling the catalogue's read model: {e:?}"))?;
    if filled > 0 {
        tracing::info!(filled, "catalogue read model filled from the change feed");
    }
    Ok(())
}

/// Fills the read model for products in the feed that have no row: after
/// the migration that created it, every published product, from its last
/// `upsert` (the view a follower holds). Runs at every start and with
/// `migrate`, after the migrations; a no-op once filled. Answers how many
/// rows were written.
pub async fn fill(db: &DatabaseConnection) -> ApiResult<usize> {
    use entity::{catalog_changes, products, ChangeOp};
    use sea_orm::sea_query::{Expr, Query};
    use sea_orm::{ColumnTrait, ExprTrait, QueryFilter, QueryOrder, TransactionTrait};
    let mut written = 0;
    let mut after = Uuid::nil();
    loop {
        let missing = Query::select()
            .expr(Expr::val(1))
            .from(catalog_entries::Entity)
            .and_where(
                Expr::col((catalog_entries::Entity, catalog_entries::Column::ProductId))
                    .equals((products::Entity, products::Column::Id)),
            )
            .to_owned();
        let ids: Vec<Uuid> = products::Entity::find()
            .select_only()
            .column(products::Column::Id)
            .filter(products::Column::InFeed.eq(true))
            .filter(products::Column::Id.gt(after))
            .filter(Expr::exists(missing).not())
            .order_by_asc(products::Column::Id)
            .limit(500)
            .into_tuple()
            .all(db)
            .await?;
        let Some(last) = ids.last().copied() else {
            return Ok(written);
        };
        after = last;
        let latest = Query::select()
            .expr(Expr::col(catalog_changes::Column::Seq).max())
            .from(catalog_changes::Entity)
            .and_where(catalog_changes::Column::ProductId.is_in(ids.clone()))
            .group_by_col(catalog_changes::Column::ProductId)
            .to_owned();
        let events = catalog_changes::Entity::find()
            .filter(catalog_changes::Column::Seq.in_subquery(latest))
            .all(db)
            .await?;
        let mut views = Vec::with_capacity(events.len());
        for event in events {
            if event.op != ChangeOp::Upsert {
                continue;
            }
            if let Some(view) = event
                .payload
                .and_then(|p| serde_json::from_value::<CatalogProduct>(p).ok())
            {
                views.push(view);
            }
        }
        let tx = db.begin().await?;
        insert_many(&tx, &views).await?;
        tx.commit().await?;
        written += views.len();
        // A product whose last event cannot serve (none, or a shape from an
        // older version) is synced: rendered now, with a new `upsert`.
        for id in ids {
            if !views.iter().any(|v| v.id == id) {
                crate::feed::sync_now(db, id).await?;
                written += 1;
            }
        }
    }
}
