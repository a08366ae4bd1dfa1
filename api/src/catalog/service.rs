//! The public catalogue (exactly the published products, for anyone) and
//! the reading of its change feed. How positions are written so that a
//! reader never skips one is in [`crate::feed`] and `docs/change-feed.md`;
//! reading is a plain range query over committed rows.

use entity::{catalog_changes, products};
use sea_orm::sea_query::{Expr, LikeExpr};
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, ExprTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use super::model::{
    CatalogFilter, CatalogProduct, ChangeEvent, ChangesPage, ChangesParams, Position,
    DEFAULT_LIMIT, MAX_LIMIT,
};
use crate::error::{ApiError, ApiResult, Code, FieldCode, FieldError};
use crate::feed::{self, view::render};
use crate::pagination::{Page, PageParams};
use crate::publication;
use crate::validation::validate;

/// One page of published products, newest first.
pub async fn list(
    db: &DatabaseConnection,
    filter: &CatalogFilter,
    page: &PageParams,
) -> ApiResult<Page<CatalogProduct>> {
    validate(filter)?;
    let limit = page.limit()?;
    let mut q = products::Entity::find().filter(publication::published(publication::today()));
    if let Some(c) = filter.category {
        q = q.filter(products::Column::Category.eq(c));
    }
    if let Some(p) = &filter.province_code {
        q = q.filter(products::Column::ProvinceCode.eq(p.clone()));
    }
    if let Some(p) = filter.pesantren_id {
        q = q.filter(products::Column::PesantrenId.eq(p));
    }
    if let Some(lo) = filter.min_price {
        q = q.filter(products::Column::PriceIdr.gte(lo));
    }
    if let Some(hi) = filter.max_price {
        q = q.filter(products::Column::PriceIdr.lte(hi));
    }
    if let Some(text) = filter.q.as_deref().filter(|t| !t.trim().is_empty()) {
        q = q.filter(
            Expr::col((products::Entity, products::Column::SearchName))
                .like(LikeExpr::new(crate::text::like_pattern(text)).escape('\\')),
        );
    }
    if let Some(pos) = page.position::<Position>()? {
        q = q.filter(products::Column::Id.lt(pos.id));
    }
    let mut rows = q
        .order_by_desc(products::Column::Id)
        .limit(limit + 1)
        .all(db)
        .await?;
    let more = rows.len() as u64 > limit;
    rows.truncate(limit as usize);
    let next_cursor = more
        .then(|| {
            rows.last()
                .map(|p| crate::pagination::encode_cursor(&Position { id: p.id }))
        })
        .flatten();
    Ok(Page {
        data: render(db, rows).await?,
        next_cursor,
    })
}

/// One published product, or 404.
pub async fn get(db: &DatabaseConnection, id: Uuid) -> ApiResult<CatalogProduct> {
    let row = products::Entity::find_by_id(id)
        .filter(publication::published(publication::today()))
        .one(db)
        .await?
        .ok_or_else(not_in_catalogue)?;
    render(db, vec![row])
        .await?
        .pop()
        .ok_or_else(not_in_catalogue)
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

/// The events after `cursor`, oldest first.
pub async fn read(db: &DatabaseConnection, params: &ChangesParams) -> ApiResult<ChangesPage> {
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
    let rows = catalog_changes::Entity::find()
        .filter(catalog_changes::Column::Seq.gt(after))
        .order_by_asc(catalog_changes::Column::Seq)
        .limit(limit + 1)
        .all(db)
        .await?;
    if rows.is_empty() && after > 0 && after > feed::last_seq(db).await? {
        // A cursor this feed never handed out: most likely kept from another
        // deployment, or the database was restored. Resuming would silently
        // miss everything up to it.
        return Err(ApiError::new(Code::FeedCursorAhead));
    }
    let has_more = rows.len() as u64 > limit;
    let data: Vec<ChangeEvent> = rows
        .into_iter()
        .take(limit as usize)
        .map(ChangeEvent::from)
        .collect();
    let next_cursor = data
        .last()
        .map(|e| e.cursor.clone())
        .unwrap_or_else(|| after.to_string());
    Ok(ChangesPage {
        data,
        next_cursor,
        has_more,
    })
}
