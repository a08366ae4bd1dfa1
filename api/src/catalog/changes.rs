//! Reading the change feed. How positions are written so that a reader never
//! skips one is in [`super::feed`] and `docs/change-feed.md`; reading is a
//! plain range query over committed rows.

use actix_web::{get, web, HttpResponse};
use entity::{catalog_changes, ChangeOp};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use sea_orm::{ConnectionTrait, ExprTrait};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use super::view::CatalogProduct;
use crate::error::{ApiError, ApiResult};
use crate::ratelimit::MeteredPartner;
use crate::startup::AppState;

pub const DEFAULT_LIMIT: u64 = 100;
pub const MAX_LIMIT: u64 = 1000;

/// Where to read from.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ChangesParams {
    /// `next_cursor` of the previous answer (or the `cursor` of the last
    /// event applied); omit to read from the very beginning.
    pub cursor: Option<String>,
    /// Events per answer, 1 to 1000.
    #[param(minimum = 1, maximum = 1000, default = 100)]
    pub limit: Option<u64>,
}

/// One change to the published catalogue.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ChangeEvent {
    /// This event's position; resuming from it reads the events after it.
    #[schema(example = "1042")]
    pub cursor: String,
    /// `upsert`: the product is (still) published, as in `product`; store
    /// it. `delete`: it is no longer published; remove it.
    pub op: ChangeOp,
    pub product_id: Uuid,
    /// The whole product as the catalogue shows it, for `upsert` (also when
    /// only price or stock changed); absent for `delete`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<CatalogProduct>)]
    pub product: Option<serde_json::Value>,
    pub recorded_at: chrono::DateTime<chrono::Utc>,
}

/// A stretch of the feed.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ChangesPage {
    /// In feed order; apply them in this order.
    pub data: Vec<ChangeEvent>,
    /// Pass as `cursor` next time. Never null: with no new events it is the
    /// cursor you sent, so you can keep polling with it.
    #[schema(example = "1042")]
    pub next_cursor: String,
    /// Whether more events are already waiting (ask again at once); when
    /// false, poll again later.
    pub has_more: bool,
}

fn parse_cursor(cursor: Option<&str>) -> ApiResult<i64> {
    match cursor {
        None | Some("") => Ok(0),
        Some(c) => c.parse::<i64>().ok().filter(|n| *n >= 0).ok_or_else(|| {
            ApiError::BadRequest(
                "The cursor cannot be parsed; pass `next_cursor` of the previous answer unchanged."
                    .into(),
            )
        }),
    }
}

async fn last_seq(db: &impl ConnectionTrait) -> ApiResult<i64> {
    let row = db
        .query_one(
            &sea_orm::sea_query::Query::select()
                .column("last_seq")
                .from("catalog_feed_state")
                .and_where(Expr::col("id").eq(1))
                .to_owned(),
        )
        .await?
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("the feed counter row is missing")))?;
    Ok(row.try_get("", "last_seq")?)
}

/// The events after `cursor`, oldest first.
pub async fn read(db: &DatabaseConnection, params: &ChangesParams) -> ApiResult<ChangesPage> {
    let limit = match params.limit {
        None => DEFAULT_LIMIT,
        Some(n) if (1..=MAX_LIMIT).contains(&n) => n,
        Some(_) => {
            return Err(ApiError::validation_one(
                "limit",
                "range",
                "must be between 1 and 1000",
            ))
        }
    };
    let after = parse_cursor(params.cursor.as_deref())?;
    let rows = catalog_changes::Entity::find()
        .filter(catalog_changes::Column::Seq.gt(after))
        .order_by_asc(catalog_changes::Column::Seq)
        .limit(limit + 1)
        .all(db)
        .await?;
    if rows.is_empty() && after > 0 && after > last_seq(db).await? {
        // A cursor this feed never handed out: most likely kept from another
        // deployment, or the database was restored. Resuming would silently
        // miss everything up to it.
        return Err(ApiError::BadRequest(
            "The cursor is ahead of this feed; start a full sync again without a cursor.".into(),
        ));
    }
    let has_more = rows.len() as u64 > limit;
    let mut data = Vec::with_capacity(rows.len().min(limit as usize));
    for e in rows.into_iter().take(limit as usize) {
        // The product as it was rendered when the event was written.
        data.push(ChangeEvent {
            cursor: e.seq.to_string(),
            op: e.op,
            product_id: e.product_id,
            product: e.payload,
            recorded_at: e.created_at,
        });
    }
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

/// Read the catalogue's change feed.
///
/// Every change to the published catalogue, in order: `upsert` with the
/// whole product when it is published or anything shown changes (price and
/// stock included), `delete` when it stops being published for any reason
/// (unlisted, sent back to review, pesantren suspended, certificate
/// rejected or expired). Start without a cursor and apply every event in
/// order, then keep asking with `next_cursor`: you end with exactly the
/// published catalogue, also while others write. Positions are handed out
/// in commit order, so resuming after a cursor never skips an event (see
/// `docs/change-feed.md`). Partners only; rate-limited per partner.
#[utoipa::path(
    operation_id = "list_catalog_changes",
    tag = "catalog",
    params(ChangesParams),
    security(("bearer" = ["partner"])),
    responses(
        (status = 200, description = "The events after the cursor.", body = ChangesPage),
        (status = 429, description = "Over the partner's rate limit; see `Retry-After`.", body = crate::error::Problem, content_type = "application/problem+json")
    )
)]
#[get("/changes")]
async fn list_catalog_changes(
    state: web::Data<AppState>,
    _auth: MeteredPartner,
    params: web::Query<ChangesParams>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(read(&state.db, &params).await?))
}

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_catalog_changes);
}
