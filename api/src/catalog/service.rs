//! The public catalogue (exactly the published products, for anyone) and
//! the reading of its change feed. How positions are written so that a
//! reader never skips one is in [`crate::feed`] and `docs/change-feed.md`;
//! reading is a plain range query over committed rows.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::NaiveDate;
use entity::{catalog_changes, catalog_entries, products};
use sea_orm::sea_query::{Expr, LikeExpr, PostgresQueryBuilder};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseBackend, DatabaseConnection, EntityTrait,
    ExprTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait, Select, Statement,
};
use uuid::Uuid;

use super::model::{CatalogFilter, ChangesParams, Position, Served, DEFAULT_LIMIT, MAX_LIMIT};
use crate::error::{ApiError, ApiResult, Code, FieldCode, FieldError};
use crate::feed::cache::{Answer, CatalogCache, Key};
use crate::feed::read_model;
use crate::feed::{self, view::render};
use crate::pagination::{Page, PageParams};
use crate::publication;
use crate::validation::validate;

/// A page of the catalogue as served, from `cache` when it holds it;
/// `query` is the request's query string, which `filter` and `page` were
/// read from.
pub async fn list_answer(
    cache: &CatalogCache,
    db: &DatabaseConnection,
    filter: &CatalogFilter,
    page: &PageParams,
    query: &str,
) -> ApiResult<Arc<Answer>> {
    cache
        .get_or_load(Key::Page(query.into()), || async {
            page_json(&list(db, filter, page).await?)
        })
        .await
}

/// A published product as served, from `cache` when it holds it.
pub async fn get_answer(
    cache: &CatalogCache,
    db: &DatabaseConnection,
    id: Uuid,
) -> ApiResult<Arc<Answer>> {
    cache
        .get_or_load(Key::Product(id), || async {
            Ok(get(db, id).await?.body.into_bytes())
        })
        .await
}

/// A page of the catalogue as JSON: the stored bodies written out as they
/// are, exactly as serialising the page of products would.
fn page_json(page: &Page<Served>) -> ApiResult<Vec<u8>> {
    let size = page.data.iter().map(|p| p.body.len() + 1).sum::<usize>() + 64;
    let mut out = Vec::with_capacity(size);
    out.extend_from_slice(b"{\"data\":[");
    for (i, p) in page.data.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(p.body.as_bytes());
    }
    out.extend_from_slice(b"],\"next_cursor\":");
    serde_json::to_writer(&mut out, &page.next_cursor).map_err(anyhow::Error::from)?;
    out.push(b'}');
    Ok(out)
}

/// One page of published products, newest first: one statement on the
/// read model (see [`read_model`]).
pub async fn list(
    db: &DatabaseConnection,
    filter: &CatalogFilter,
    page: &PageParams,
) -> ApiResult<Page<Served>> {
    use catalog_entries::Column as C;
    validate(filter)?;
    let limit = page.limit()?;
    let today = publication::today();
    let mut q = served(today);
    if let Some(c) = filter.category {
        q = q.filter(C::Category.eq(c));
    }
    if let Some(p) = &filter.province_code {
        q = q.filter(C::ProvinceCode.eq(p.clone()));
    }
    if let Some(p) = filter.pesantren_id {
        q = q.filter(C::PesantrenId.eq(p));
    }
    if let Some(lo) = filter.min_price {
        q = q.filter(C::PriceIdr.gte(lo));
    }
    if let Some(hi) = filter.max_price {
        q = q.filter(C::PriceIdr.lte(hi));
    }
    let text = filter.q.as_deref().filter(|t| !t.trim().is_empty());
    if let Some(text) = text {
        q = q.filter(
            Expr::col((catalog_entries::Entity, C::SearchName))
                .like(LikeExpr::new(crate::text::like_pattern(text)).escape('\\')),
        );
    }
    if let Some(pos) = page.position::<Position>()? {
        q = q.filter(C::ProductId.lt(pos.id));
    }
    let q = q.order_by_desc(C::ProductId).limit(limit + 1);
    let mut rows = fetch(db, q, text.is_some()).await?;
    let more = rows.len() as u64 > limit;
    rows.truncate(limit as usize);
    let next_cursor = more
        .then(|| {
            rows.last()
                .map(|r| crate::pagination::encode_cursor(&Position { id: r.id }))
        })
        .flatten();
    Ok(Page {
        data: freshen(db, rows, today).await?,
        next_cursor,
    })
}

/// One published product, or 404: one statement on the read model.
pub async fn get(db: &DatabaseConnection, id: Uuid) -> ApiResult<Served> {
    let today = publication::today();
    let q = served(today).filter(catalog_entries::Column::ProductId.eq(id));
    let rows = fetch(db, q, false).await?;
    freshen(db, rows, today)
        .await?
        .pop()
        .ok_or_else(not_in_catalogue)
}

/// A row of the read model as read: id, body, and the last day the body is
/// exact.
struct Row {
    id: Uuid,
    body: String,
    fresh_until: Option<NaiveDate>,
}

/// The read model's rows in the catalogue on `today`: a product whose halal
/// certificates all expired is out at once, before the expiry task writes
/// its `delete`.
fn served(today: NaiveDate) -> Select<catalog_entries::Entity> {
    use catalog_entries::Column as C;
    catalog_entries::Entity::find()
        .select_only()
        .column(C::ProductId)
        .column(C::Body)
        .column(C::FreshUntil)
        .filter(
            Condition::any()
                .add(C::HalalUntil.is_null())
                .add(C::HalalUntil.gte(today)),
        )
}

/// Runs a read of the read model, decoding by position. A search is sent
/// with its pattern written into the statement on PostgreSQL, so that it is
/// planned for that pattern: a generic plan cannot tell `%kopi%` (thousands
/// of matches: walk the newest first and stop at a page) from a rare word
/// (few: take them from the trigram index and sort), and picks one of the
/// two for every pattern. sea-query writes the literal with its escaping.
async fn fetch(
    db: &DatabaseConnection,
    q: Select<catalog_entries::Entity>,
    plan_per_pattern: bool,
) -> ApiResult<Vec<Row>> {
    let backend = db.get_database_backend();
    let stmt = if plan_per_pattern && backend == DatabaseBackend::Postgres {
        Statement::from_string(backend, q.into_query().to_string(PostgresQueryBuilder))
    } else {
        q.build(backend)
    };
    let mut out = Vec::new();
    for row in db.query_all_raw(stmt).await? {
        out.push(Row {
            id: row.try_get_by_index(0)?,
            body: row.try_get_by_index(1)?,
            fresh_until: row.try_get_by_index(2)?,
        });
    }
    Ok(out)
}

/// The rows as served. A row showing a certificate that expired since it
/// was written (midnight passed, the expiry task has not run yet) is
/// rendered afresh from the register, so the answer is exact meanwhile.
async fn freshen(
    db: &DatabaseConnection,
    rows: Vec<Row>,
    today: NaiveDate,
) -> ApiResult<Vec<Served>> {
    let stale: Vec<Uuid> = rows
        .iter()
        .filter(|r| r.fresh_until.is_some_and(|d| d < today))
        .map(|r| r.id)
        .collect();
    let mut fresh: HashMap<Uuid, String> = HashMap::new();
    if !stale.is_empty() {
        let products = products::Entity::find()
            .filter(products::Column::Id.is_in(stale))
            .all(db)
            .await?;
        for p in render(db, products).await? {
            fresh.insert(p.id, read_model::body_of(&p)?);
        }
    }
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let body = fresh.remove(&r.id).unwrap_or(r.body);
        out.push(Served { id: r.id, body });
    }
    Ok(out)
}

fn not_in_catalogue() -> ApiError {
    ApiError::new(Code::CatalogProductNotFound)
}

fn parse_cursor(cursor: Option<&str>) -> ApiResult<i64> {
    match cursor {
        None | Some("") => Ok(0),
        Some(c) => c
            .parse::<i64>()
            .ok()
            .filter(|n| *n >= 0)
            .ok_or_else(|| ApiError::new(Code::CursorInvalid)),
    }
}

/// The events after `cursor`, oldest first, from `db` (a replica, perhaps).
/// A cursor beyond what `db` holds is asked of the `primary`: a follower
/// that read the newest events there (or from a replica further ahead)
/// must not be told its cursor is unknown by one that lags.
pub async fn read(
    db: &DatabaseConnection,
    primary: &DatabaseConnection,
    params: &ChangesParams,
) -> ApiResult<FeedPage> {
    match read_on(db, params).await? {
        Some(page) => Ok(page),
        None => read_on(primary, params)
            .await?
            // A cursor this feed never handed out: most likely kept from
            // another deployment, or the database was restored. Resuming
            // would silently miss everything up to it.
            .ok_or_else(|| ApiError::new(Code::FeedCursorAhead)),
    }
}

/// An event as read: position, product, operation, the product's JSON
/// text and when it was recorded.
type EventRow = (
    i64,
    Uuid,
    entity::ChangeOp,
    Option<String>,
    chrono::DateTime<chrono::Utc>,
);

/// The page after the cursor, or `None` when the cursor is beyond this
/// database's last position.
async fn read_on(db: &DatabaseConnection, params: &ChangesParams) -> ApiResult<Option<FeedPage>> {
    let limit = match params.limit {
        None => DEFAULT_LIMIT,
        Some(n) if (1..=MAX_LIMIT).contains(&n) => n,
        Some(_) => {
            return Err(ApiError::validation(vec![FieldError::new(
                "limit",
                FieldCode::RangeBetween,
            )
            .with("min", 1)
            .with("max", MAX_LIMIT)]))
        }
    };
    let after = parse_cursor(params.cursor.as_deref())?;
    use catalog_changes::Column as C;
    // The product as text, decoded by position: a replay reads every event,
    // and parsing each into a tree only to serialise it again was most of
    // its cost.
    let rows: Vec<EventRow> = catalog_changes::Entity::find()
        .select_only()
        .column(C::Seq)
        .column(C::ProductId)
        .column(C::Op)
        .expr(Expr::col(C::Payload).cast_as("text"))
        .column(C::CreatedAt)
        .filter(C::Seq.gt(after))
        .order_by_asc(C::Seq)
        .limit(limit + 1)
        .into_tuple()
        .all(db)
        .await?;
    if rows.is_empty() && after > 0 && after > feed::last_seq(db).await? {
        return Ok(None);
    }
    let has_more = rows.len() as u64 > limit;
    let rows = &rows[..rows.len().min(limit as usize)];
    let next_cursor = rows
        .last()
        .map(|e| e.0.to_string())
        .unwrap_or_else(|| after.to_string());
    Ok(Some(FeedPage {
        body: page_of_events(rows, &next_cursor, has_more)?,
        next_cursor,
        has_more,
    }))
}

/// A page of the feed as served: its JSON (a [`super::model::ChangesPage`]), and the
/// cursor and flag it carries.
pub struct FeedPage {
    pub body: Vec<u8>,
    pub next_cursor: String,
    pub has_more: bool,
}

/// The JSON of a [`super::model::ChangesPage`] of `rows`, written with each product's
/// stored text as it is: a replay reads every event, and checking each
/// product's JSON again (which `RawValue` does) and copying it into a tree
/// was most of a page's cost. The text is the database's own output of a
/// JSON column, so it is JSON; the unit test below checks the bytes equal
/// what serialising a `ChangesPage` gives.
fn page_of_events(rows: &[EventRow], next_cursor: &str, has_more: bool) -> ApiResult<Vec<u8>> {
    let size = rows
        .iter()
        .map(|r| r.3.as_ref().map_or(0, String::len) + 160)
        .sum::<usize>()
        + 64;
    let mut out = Vec::with_capacity(size);
    out.extend_from_slice(b"{\"data\":[");
    for (i, (seq, product_id, op, payload, recorded_at)) in rows.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(b"{\"cursor\":");
        json(&mut out, &seq.to_string())?;
        out.extend_from_slice(b",\"op\":");
        json(&mut out, op)?;
        out.extend_from_slice(b",\"product_id\":");
        json(&mut out, product_id)?;
        if let Some(product) = payload {
            out.extend_from_slice(b",\"product\":");
            out.extend_from_slice(product.as_bytes());
        }
        out.extend_from_slice(b",\"recorded_at\":");
        json(&mut out, recorded_at)?;
        out.push(b'}');
    }
    out.extend_from_slice(b"],\"next_cursor\":");
    json(&mut out, next_cursor)?;
    out.extend_from_slice(b",\"has_more\":");
    out.extend_from_slice(if has_more { b"true" } else { b"false" });
    out.push(b'}');
    Ok(out)
}

/// Writes one value of a page as JSON.
fn json<T: serde::Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) -> ApiResult<()> {
    serde_json::to_writer(out, value).map_err(anyhow::Error::from)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::model::{ChangeEvent, ChangesPage};
    use serde_json::value::RawValue;

    #[test]
    fn a_page_written_from_the_stored_text_is_what_serialising_it_gives() {
        let product = r#"{"id": "01a25333-8488-73c9-816d-e69d8f9d391d", "name": "Kopi \"Gayo\" \u00e9", "stock": 3}"#;
        let at = chrono::DateTime::parse_from_rfc3339("2026-12-08T01:36:12.124563Z")
            .unwrap()
            .with_timezone(&chrono::Utc);
        let id = Uuid::now_v7();
        let rows: Vec<EventRow> = vec![
            (
                41,
                id,
                entity::ChangeOp::Upsert,
                Some(product.to_string()),
                at,
            ),
            (42, id, entity::ChangeOp::Delete, None, at),
        ];
        for (rows, next, more) in [(&rows[..], "42", true), (&rows[..0], "7", false)] {
            let expected = ChangesPage {
                data: rows
                    .iter()
                    .map(|(seq, product_id, op, payload, recorded_at)| ChangeEvent {
                        cursor: seq.to_string(),
                        op: *op,
                        product_id: *product_id,
                        product: payload.clone().map(|p| RawValue::from_string(p).unwrap()),
                        recorded_at: *recorded_at,
                    })
                    .collect(),
                next_cursor: next.to_string(),
                has_more: more,
            };
            assert_eq!(
                String::from_utf8(page_of_events(rows, next, more).unwrap()).unwrap(),
                serde_json::to_string(&expected).unwrap()
            );
        }
    }
}
