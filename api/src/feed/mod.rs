//! The change feed of the published catalogue: recording every change to
//! what the catalogue shows ([`sync_product`]), rendering a product as the
//! catalogue shows it ([`view`]), the events as partners read them
//! ([`event`]) and the withdrawal of products whose certificate expired
//! ([`expiry`]).
//!
//! Recording changes to the published catalogue.
//!
//! Every write that can change what the catalogue shows calls
//! [`sync_product`] (or [`sync_pesantren`]) inside its own [`CatalogTx`].
//! The sync locks the product's row, decides from its current state, keeps
//! the catalogue's read model (`catalog_entries`) and holds the event back.
//! Only at commit does the transaction take the feed's counter, give its
//! events the next positions and commit: positions are still handed out in
//! commit order (the counter is held until the commit ends), so a follower
//! that resumes after the last position it saw misses nothing, but writers
//! queue on the counter only for those last statements, not for their
//! whole transaction (see `docs/change-feed.md`).

use std::sync::Mutex;

use entity::{catalog_changes, products, ChangeOp};
use sea_orm::sea_query::{Expr, LockType, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, EntityTrait, ExprTrait,
    QueryFilter, QueryOrder, QuerySelect, Set, TransactionTrait,
};
use uuid::Uuid;

use crate::audit::{Actor, WriteTx};

use crate::db;
use crate::error::{ApiError, ApiResult};
use crate::publication;

pub mod cache;
pub mod event;
pub mod expiry;
pub mod read_model;
pub mod view;

const FEED_STATE: &str = "catalog_feed_state";

/// An event decided inside a transaction, waiting for its position.
struct Held {
    product_id: Uuid,
    op: ChangeOp,
    payload: Option<serde_json::Value>,
}

/// The events of one transaction, in the order they were decided. A mutex
/// only so that a `&CatalogTx` can be shared by futures sent to other
/// threads; it is never contended.
#[derive(Default)]
struct Pending(Mutex<Vec<Held>>);

impl Pending {
    fn push(&self, held: Held) {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).push(held);
    }

    fn take(&self) -> Vec<Held> {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

/// A write transaction that may change the catalogue, made by [`begin`].
/// [`sync_product`] only accepts one, so that its events are positioned at
/// [`CatalogTx::commit`]. Audited like any [`WriteTx`].
pub struct CatalogTx {
    tx: WriteTx,
    pending: Pending,
}

impl CatalogTx {
    pub async fn record(&mut self, entry: crate::audit::Entry) -> ApiResult<()> {
        self.tx.record(entry).await
    }

    pub async fn record_all(&mut self, entries: Vec<crate::audit::Entry>) -> ApiResult<()> {
        self.tx.record_all(entries).await
    }

    /// Positions the transaction's events and commits.
    pub async fn commit(self) -> ApiResult<()> {
        flush(&*self.tx, self.pending.take()).await?;
        self.tx.commit().await
    }
}

impl std::ops::Deref for CatalogTx {
    type Target = DatabaseTransaction;
    fn deref(&self) -> &DatabaseTransaction {
        &self.tx
    }
}

/// Begins a [`CatalogTx`].
pub async fn begin(db: &DatabaseConnection, actor: &Actor) -> ApiResult<CatalogTx> {
    Ok(CatalogTx {
        tx: WriteTx::begin(db, actor).await?,
        pending: Pending::default(),
    })
}

/// Syncs one product in a transaction of its own (for tools and tests that
/// changed rows directly).
pub async fn sync_now(db: &DatabaseConnection, product_id: Uuid) -> ApiResult<Option<ChangeOp>> {
    let tx = db
        .begin_with_options(sea_orm::TransactionOptions {
            sqlite_transaction_mode: Some(sea_orm::SqliteTransactionMode::Immediate),
            ..Default::default()
        })
        .await?;
    let pending = Pending::default();
    let op = sync_held(&tx, &pending, product_id).await?;
    flush(&tx, pending.take()).await?;
    tx.commit().await?;
    Ok(op)
}

/// Gives `events` the next positions and writes them. The counter row's
/// lock, taken by the one `UPDATE ... RETURNING`, is held until the
/// transaction ends: a writer that takes positions after ours waits for our
/// commit, so positions become visible in order. Nothing is locked after
/// it, so no writer holding the counter ever waits for another's row: no
/// deadlock involves it.
async fn flush(conn: &impl ConnectionTrait, events: Vec<Held>) -> ApiResult<()> {
    if events.is_empty() {
        return Ok(());
    }
    let n = events.len() as i64;
    let row = conn
        .query_one(
            &Query::update()
                .table(FEED_STATE)
                .value("last_seq", Expr::col("last_seq").add(n))
                .and_where(Expr::col("id").eq(1))
                .returning_col("last_seq")
                .to_owned(),
        )
        .await?
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("the feed counter row is missing")))?;
    let last: i64 = row.try_get_by_index(0)?;
    let first = last - n + 1;
    let now = db::now();
    let rows: Vec<catalog_changes::ActiveModel> = events
        .into_iter()
        .enumerate()
        .map(|(i, e)| catalog_changes::ActiveModel {
            seq: Set(first + i as i64),
            product_id: Set(e.product_id),
            op: Set(e.op),
            payload: Set(e.payload),
            created_at: Set(now),
        })
        .collect();
    // Bounded: a chunk stays well under both databases' parameter limits.
    for chunk in rows.chunks(1000) {
        catalog_changes::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(conn)
            .await?;
    }
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

/// Records the product's change in the feed and the read model, if the
/// catalogue's view of it changed: an `upsert` with the whole product while
/// it is published (also for price or stock changes), a `delete` when it
/// stops being published. Answers the event decided, if any; it is written
/// when the transaction commits.
pub async fn sync_product(tx: &CatalogTx, product_id: Uuid) -> ApiResult<Option<ChangeOp>> {
    sync_held(&*tx.tx, &tx.pending, product_id).await
}

/// After an order took stock from a published product by an `UPDATE` that
/// returned `product` (and `variant`), and so holds its row lock: the
/// stored view with the new stock, version and time, without rendering it
/// again. Every other change to what a product shows goes through
/// [`sync_product`], which is what keeps the stored view exact; the one
/// exception, a certificate it shows having expired since, is rendered
/// afresh (as is anything not found where expected).
pub async fn sync_stock(
    tx: &CatalogTx,
    product: &products::Model,
    variant: Option<&entity::product_variants::Model>,
) -> ApiResult<()> {
    let conn = &*tx.tx;
    let today = publication::today();
    let stored = read_model::stored(conn, product.id)
        .await?
        .filter(|(_, fresh_until)| fresh_until.is_none_or(|d| d >= today));
    let Some((body, _)) = stored else {
        sync_held(conn, &tx.pending, product.id).await?;
        return Ok(());
    };
    let mut view: view::CatalogProduct =
        serde_json::from_str(&body).map_err(anyhow::Error::from)?;
    view.stock = product.stock.unwrap_or_default();
    view.version = product.version;
    view.updated_at = product.updated_at;
    if let Some(v) = variant {
        let shown = view
            .variants
            .as_mut()
            .and_then(|vs| vs.iter_mut().find(|shown| shown.id == v.id));
        match shown {
            Some(shown) => shown.stock = v.stock,
            None => {
                sync_held(conn, &tx.pending, product.id).await?;
                return Ok(());
            }
        }
    }
    read_model::replace(conn, &view).await?;
    tx.pending.push(Held {
        product_id: product.id,
        op: ChangeOp::Upsert,
        payload: Some(serde_json::to_value(&view).map_err(anyhow::Error::from)?),
    });
    Ok(())
}

/// [`sync_product`] on any transaction, holding its event in `pending`.
async fn sync_held(
    conn: &impl ConnectionTrait,
    pending: &Pending,
    product_id: Uuid,
) -> ApiResult<Option<ChangeOp>> {
    // The product's row lock (PostgreSQL; SQLite's writers are serialised
    // already) makes the decision below one writer's at a time: two
    // transactions syncing the same product cannot both record the same
    // withdrawal, and the second sees the first's committed read model.
    // `FOR NO KEY UPDATE`, the lock an `UPDATE` of the product already
    // took in most callers: asking for the stronger `FOR UPDATE` after it
    // is an upgrade, which deadlocks with a second writer queued on the row
    // in between (the concurrent feed test found exactly that).
    let Some(product) = products::Entity::find_by_id(product_id)
        .lock(LockType::NoKeyUpdate)
        .one(conn)
        .await?
    else {
        return Ok(None);
    };
    let published = products::Entity::find_by_id(product_id)
        .select_only()
        .column(products::Column::Id)
        .filter(publication::published(publication::today()))
        .into_tuple::<Uuid>()
        .one(conn)
        .await?
        .is_some();
    if published {
        let in_feed = product.in_feed;
        let rendered = view::render(conn, vec![product]).await?;
        let Some(shown) = rendered.first() else {
            return Ok(None);
        };
        if !read_model::put(conn, shown).await? {
            return Ok(None);
        }
        pending.push(Held {
            product_id,
            op: ChangeOp::Upsert,
            payload: Some(serde_json::to_value(shown).map_err(anyhow::Error::from)?),
        });
        if !in_feed {
            set_in_feed(conn, &[product_id], true).await?;
        }
        Ok(Some(ChangeOp::Upsert))
    } else if product.in_feed {
        read_model::remove(conn, product_id).await?;
        pending.push(Held {
            product_id,
            op: ChangeOp::Delete,
            payload: None,
        });
        set_in_feed(conn, &[product_id], false).await?;
        Ok(Some(ChangeOp::Delete))
    } else {
        Ok(None)
    }
}

/// Writes the `upsert` of each product of `ids` that is published,
/// rendering and inserting a few hundred at a time. For loading large data
/// sets (`seed-demo --scale`), where syncing products one by one would take
/// minutes; the events and read model rows are the ones [`sync_product`]
/// would write. The products must be new to the feed (no event yet): the
/// loader may have written them with `in_feed` set already, which spares
/// rewriting every row (and each of its indexes) to set it; those left
/// unset are set here. Answers how many were written.
pub async fn publish_loaded(tx: &CatalogTx, ids: &[Uuid]) -> ApiResult<usize> {
    const BATCH: usize = 500;
    let conn = &*tx.tx;
    let today = publication::today();
    let mut written = 0;
    for chunk in ids.chunks(BATCH) {
        let rows = products::Entity::find()
            .filter(products::Column::Id.is_in(chunk.to_vec()))
            .filter(publication::published(today))
            .order_by_asc(products::Column::Id)
            .all(conn)
            .await?;
        if rows.is_empty() {
            continue;
        }
        let unmarked: std::collections::HashSet<Uuid> =
            rows.iter().filter(|p| !p.in_feed).map(|p| p.id).collect();
        let rendered = view::render(conn, rows).await?;
        read_model::insert_many(conn, &rendered).await?;
        for product in &rendered {
            tx.pending.push(Held {
                product_id: product.id,
                op: ChangeOp::Upsert,
                payload: Some(serde_json::to_value(product).map_err(anyhow::Error::from)?),
            });
        }
        // Positioned per chunk, so the held payloads never pile up.
        flush(conn, tx.pending.take()).await?;
        let mark: Vec<Uuid> = rendered
            .iter()
            .map(|p| p.id)
            .filter(|id| unmarked.contains(id))
            .collect();
        if !mark.is_empty() {
            set_in_feed(conn, &mark, true).await?;
        }
        written += rendered.len();
    }
    Ok(written)
}

/// Syncs every product of a pesantren (after a status or profile change).
pub async fn sync_pesantren(tx: &CatalogTx, pesantren_id: Uuid) -> ApiResult<()> {
    let conn = &*tx.tx;
    let ids: Vec<Uuid> = products::Entity::find()
        .select_only()
        .column(products::Column::Id)
        .filter(products::Column::PesantrenId.eq(pesantren_id))
        // Rows are locked in one order by every multi-product sync.
        .order_by_asc(products::Column::Id)
        .into_tuple()
        .all(conn)
        .await?;
    for id in ids {
        sync_held(&*tx.tx, &tx.pending, id).await?;
    }
    Ok(())
}

async fn set_in_feed(conn: &impl ConnectionTrait, ids: &[Uuid], value: bool) -> ApiResult<()> {
    products::Entity::update_many()
        .col_expr(products::Column::InFeed, Expr::value(value))
        .filter(products::Column::Id.is_in(ids.to_vec()))
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
