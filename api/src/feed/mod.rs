//! The change feed of the published catalogue: recording every change to
//! what the catalogue shows ([`sync_product`]), rendering a product as the
//! catalogue shows it ([`view`]), the events as partners read them
//! ([`event`]) and the withdrawal of products whose certificate expired
//! ([`expiry`]).
//!
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
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction,
    EntityTrait, ExprTrait, QueryFilter, QueryOrder, QuerySelect, Set, TransactionTrait,
};
use uuid::Uuid;

use crate::audit::{Actor, WriteTx};
use crate::db;
use crate::error::{ApiError, ApiResult};
use crate::publication;

pub mod event;
pub mod expiry;
pub mod view;

const FEED_STATE: &str = "catalog_feed_state";

/// A write transaction that may change the catalogue. It can only be made
/// by [`begin`], which takes the feed counter's lock as the transaction's
/// very first statement, and [`sync_product`] only accepts one: so every
/// catalogue write takes its locks in the same order (counter, then product
/// rows) and two writers can never deadlock on PostgreSQL (one holding a
/// product row and waiting for the counter, the other holding the counter
/// and waiting for that row, as a pesantren suspension syncing all its
/// products would). Audited like any [`WriteTx`].
pub struct CatalogTx(WriteTx);

impl CatalogTx {
    pub async fn record(&mut self, entry: crate::audit::Entry) -> ApiResult<()> {
        self.0.record(entry).await
    }

    pub async fn commit(self) -> ApiResult<()> {
        self.0.commit().await
    }
}

impl std::ops::Deref for CatalogTx {
    type Target = DatabaseTransaction;
    fn deref(&self) -> &DatabaseTransaction {
        &self.0
    }
}

/// Begins a [`CatalogTx`].
pub async fn begin(db: &DatabaseConnection, actor: &Actor) -> ApiResult<CatalogTx> {
    let tx = WriteTx::begin(db, actor).await?;
    lock_counter(&*tx).await?;
    Ok(CatalogTx(tx))
}

/// Syncs one product in a transaction of its own (for tools and tests that
/// changed rows directly).
pub async fn sync_now(db: &DatabaseConnection, product_id: Uuid) -> ApiResult<Option<ChangeOp>> {
    let tx = db.begin().await?;
    lock_counter(&tx).await?;
    let op = sync_locked(&tx, product_id).await?;
    tx.commit().await?;
    Ok(op)
}

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

/// The feed's last position (0 before the first event).
pub async fn last_seq(conn: &impl ConnectionTrait) -> ApiResult<i64> {
    let row = conn
        .query_one(
            &Query::select()
                .column("last_seq")
                .from(FEED_STATE)
                .and_where(Expr::col("id").eq(1))
                .to_owned(),
        )
        .await?
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("the feed counter row is missing")))?;
    Ok(row.try_get("", "last_seq")?)
}

/// Takes the next position; the counter must be locked.
async fn next_seq(conn: &impl ConnectionTrait) -> ApiResult<i64> {
    let next = last_seq(conn).await? + 1;
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
pub async fn sync_product(tx: &CatalogTx, product_id: Uuid) -> ApiResult<Option<ChangeOp>> {
    sync_locked(&**tx, product_id).await
}

/// [`sync_product`] on a connection whose transaction holds the counter lock.
async fn sync_locked(conn: &impl ConnectionTrait, product_id: Uuid) -> ApiResult<Option<ChangeOp>> {
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

/// Writes the `upsert` of each product of `ids` that is published and not
/// yet in the feed, rendering and inserting a few hundred at a time. For
/// loading large data sets (`seed-demo --scale`), where syncing products one
/// by one would take minutes; the events are the ones [`sync_product`] would
/// write. Answers how many were written.
pub async fn publish_new(tx: &CatalogTx, ids: &[Uuid]) -> ApiResult<usize> {
    const BATCH: usize = 500;
    let conn = &**tx;
    let today = publication::today();
    let mut written = 0;
    for chunk in ids.chunks(BATCH) {
        let rows = products::Entity::find()
            .filter(products::Column::Id.is_in(chunk.to_vec()))
            .filter(products::Column::InFeed.eq(false))
            .filter(publication::published(today))
            .order_by_asc(products::Column::Id)
            .all(conn)
            .await?;
        if rows.is_empty() {
            continue;
        }
        let rendered = view::render(conn, rows).await?;
        let first = reserve_seqs(conn, rendered.len() as i64).await?;
        let now = db::now();
        let mut events = Vec::with_capacity(rendered.len());
        let mut published = Vec::with_capacity(rendered.len());
        for (i, product) in rendered.iter().enumerate() {
            events.push(catalog_changes::ActiveModel {
                seq: Set(first + i as i64),
                product_id: Set(product.id),
                op: Set(ChangeOp::Upsert),
                payload: Set(Some(
                    serde_json::to_value(product).map_err(anyhow::Error::from)?,
                )),
                created_at: Set(now),
            });
            published.push(product.id);
        }
        catalog_changes::Entity::insert_many(events)
            .exec_without_returning(conn)
            .await?;
        products::Entity::update_many()
            .col_expr(products::Column::InFeed, Expr::value(true))
            .filter(products::Column::Id.is_in(published.clone()))
            .exec(conn)
            .await?;
        written += published.len();
    }
    Ok(written)
}

/// Takes `n` consecutive positions and answers the first; the counter must
/// be locked.
async fn reserve_seqs(conn: &impl ConnectionTrait, n: i64) -> ApiResult<i64> {
    let first = next_seq(conn).await?;
    if n > 1 {
        conn.execute(
            &Query::update()
                .table(FEED_STATE)
                .value("last_seq", first + n - 1)
                .and_where(Expr::col("id").eq(1))
                .to_owned(),
        )
        .await?;
    }
    Ok(first)
}

/// Syncs every product of a pesantren (after a status or profile change).
pub async fn sync_pesantren(tx: &CatalogTx, pesantren_id: Uuid) -> ApiResult<()> {
    let conn = &**tx;
    let ids: Vec<Uuid> = products::Entity::find()
        .select_only()
        .column(products::Column::Id)
        .filter(products::Column::PesantrenId.eq(pesantren_id))
        .into_tuple()
        .all(conn)
        .await?;
    for id in ids {
        sync_locked(conn, id).await?;
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

/// Products still in the feed with a verified certificate that expired in
/// the last week: still published (the certificate did not decide it), but
/// their certificate summary changed at midnight. A sync writes an `upsert`
/// only if the rendered product differs from the last one, so asking again
/// on later passes writes nothing.
pub async fn recently_expired(conn: &impl ConnectionTrait, limit: u64) -> ApiResult<Vec<Uuid>> {
    use entity::{certifications, CertificationStatus};
    let today = publication::today();
    let week_ago = today - chrono::Days::new(7);
    let expired = Query::select()
        .column(certifications::Column::ProductId)
        .from(certifications::Entity)
        .and_where(
            Expr::col(certifications::Column::Status).eq(CertificationStatus::Verified.as_str()),
        )
        .and_where(Expr::col(certifications::Column::ExpiresOn).lt(today))
        .and_where(Expr::col(certifications::Column::ExpiresOn).gte(week_ago))
        .to_owned();
    Ok(products::Entity::find()
        .select_only()
        .column(products::Column::Id)
        .filter(products::Column::InFeed.eq(true))
        .filter(products::Column::Id.in_subquery(expired))
        .limit(limit)
        .into_tuple()
        .all(conn)
        .await?)
}
