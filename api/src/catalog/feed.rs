//! Recording changes to the published catalogue.
//!
//! Every write that can change what the catalogue shows calls
//! [`sync_product`] (or [`sync_pesantren`]) inside its own transaction. The
//! function first locks the feed's counter row, then decides from the
//! product's current state, then takes the next position. Because the lock
//! is held until the writer commits, positions are handed out in commit
//! order: a reader can never see position N+1 before N is committed, so a
//! follower that resumes after the last position it saw misses nothing
//! (see `docs/change-feed.md`). On SQLite the database's single writer lock
//! gives the same order.

use entity::{catalog_changes, products, ChangeOp};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, ExprTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use uuid::Uuid;

use super::view;
use crate::db;
use crate::error::{ApiError, ApiResult};
use crate::publication;

const FEED_STATE: &str = "catalog_feed_state";

/// Locks the counter row until the transaction ends.
async fn lock_counter(conn: &impl ConnectionTrait) -> ApiResult<()> {
    conn.execute(
        &Query::update()
            .table(FEED_STATE)
            .value("last_seq", Expr::col("last_seq"))
            .and_where(Expr::col("id").eq(1))
            .to_owned(),
    )
    .await?;
    Ok(())
}

/// Takes the next position; the counter must be locked.
async fn next_seq(conn: &impl ConnectionTrait) -> ApiResult<i64> {
    let row = conn
        .query_one(
            &Query::select()
                .column("last_seq")
                .from(FEED_STATE)
                .and_where(Expr::col("id").eq(1))
                .to_owned(),
        )
        .await?
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("the feed counter row is missing")))?;
    let seq: i64 = row.try_get("", "last_seq")?;
    let next = seq + 1;
    conn.execute(
        &Query::update()
            .table(FEED_STATE)
            .value("last_seq", next)
            .and_where(Expr::col("id").eq(1))
            .to_owned(),
    )
    .await?;
    Ok(next)
}

/// Records the product's change in the feed, if the catalogue's view of it
/// changed: an `upsert` with the whole product while it is published (also
/// for price or stock changes), a `delete` when it stops being published.
/// Answers the event written, if any.
pub async fn sync_product(
    conn: &impl ConnectionTrait,
    product_id: Uuid,
) -> ApiResult<Option<ChangeOp>> {
    lock_counter(conn).await?;
    let Some(product) = products::Entity::find_by_id(product_id).one(conn).await? else {
        return Ok(None);
    };
    let published = products::Entity::find_by_id(product_id)
        .filter(publication::published(publication::today()))
        .one(conn)
        .await?
        .is_some();
    if published {
        let rendered = view::render(conn, vec![product.clone()]).await?;
        let payload = serde_json::to_value(rendered.first()).map_err(anyhow::Error::from)?;
        let last = catalog_changes::Entity::find()
            .filter(catalog_changes::Column::ProductId.eq(product_id))
            .order_by_desc(catalog_changes::Column::Seq)
            .one(conn)
            .await?;
        if last.is_some_and(|e| e.op == ChangeOp::Upsert && e.payload.as_ref() == Some(&payload)) {
            return Ok(None);
        }
        append(conn, product_id, ChangeOp::Upsert, Some(payload)).await?;
        set_in_feed(conn, product_id, true).await?;
        Ok(Some(ChangeOp::Upsert))
    } else if product.in_feed {
        append(conn, product_id, ChangeOp::Delete, None).await?;
        set_in_feed(conn, product_id, false).await?;
        Ok(Some(ChangeOp::Delete))
    } else {
        Ok(None)
    }
}

/// Syncs every product of a pesantren (after a status or profile change).
pub async fn sync_pesantren(conn: &impl ConnectionTrait, pesantren_id: Uuid) -> ApiResult<()> {
    let ids: Vec<Uuid> = products::Entity::find()
        .select_only()
        .column(products::Column::Id)
        .filter(products::Column::PesantrenId.eq(pesantren_id))
        .into_tuple()
        .all(conn)
        .await?;
    for id in ids {
        sync_product(conn, id).await?;
    }
    Ok(())
}

async fn append(
    conn: &impl ConnectionTrait,
    product_id: Uuid,
    op: ChangeOp,
    payload: Option<serde_json::Value>,
) -> ApiResult<()> {
    let seq = next_seq(conn).await?;
    catalog_changes::ActiveModel {
        seq: Set(seq),
        product_id: Set(product_id),
        op: Set(op),
        payload: Set(payload),
        created_at: Set(db::now()),
    }
    .insert(conn)
    .await?;
    Ok(())
}

async fn set_in_feed(conn: &impl ConnectionTrait, product_id: Uuid, value: bool) -> ApiResult<()> {
    products::Entity::update_many()
        .col_expr(products::Column::InFeed, Expr::value(value))
        .filter(products::Column::Id.eq(product_id))
        .exec(conn)
        .await?;
    Ok(())
}

/// Products still in the feed that are no longer published on `today`:
/// those withdrawn by the passing of time (an expired halal certificate).
pub async fn stale_products(conn: &impl ConnectionTrait, limit: u64) -> ApiResult<Vec<Uuid>> {
    Ok(products::Entity::find()
        .select_only()
        .column(products::Column::Id)
        .filter(products::Column::InFeed.eq(true))
        .filter(publication::published(publication::today()).not())
        .limit(limit)
        .into_tuple()
        .all(conn)
        .await?)
}
