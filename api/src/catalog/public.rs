//! The public catalogue: exactly the published products, for anyone.
//!
//! Answers are the same for every caller, so they carry a strong `ETag`
//! (a hash of the body: a product's view also changes when its pesantren is
//! renamed or a certificate is verified, which its version does not count)
//! and a `Cache-Control` that lets a CDN keep them for a minute.

use actix_web::http::header;
use actix_web::{get, web, HttpRequest, HttpResponse};
use entity::{products, ProductCategory};
use sea_orm::sea_query::{Expr, LikeExpr};
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, ExprTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use super::view::{self, CatalogProduct};
use crate::auth::{Public, Require};
use crate::error::{ApiError, ApiResult, FieldError};
use crate::pagination::{Page, PageParams};
use crate::publication;
use crate::startup::AppState;

/// A minute fresh at the CDN, then served stale for up to five while it
/// revalidates: withdrawn products vanish within a minute.
pub const CACHE_CONTROL: &str = "public, max-age=60, stale-while-revalidate=300";

/// Filters of the public catalogue.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CatalogFilter {
    pub category: Option<ProductCategory>,
    /// Two-digit province code (Kemendagri), such as `35` for East Java.
    pub province_code: Option<String>,
    /// Part of the name, matched without regard to case or accents.
    pub q: Option<String>,
    /// Lowest price, whole rupiah.
    pub min_price: Option<i64>,
    /// Highest price, whole rupiah.
    pub max_price: Option<i64>,
    pub pesantren_id: Option<Uuid>,
}

impl CatalogFilter {
    fn check(&self) -> ApiResult<()> {
        let mut errors = Vec::new();
        if let Some(p) = &self.province_code {
            if !crate::ids::is_province_code(p) {
                errors.push(FieldError::new(
                    "province_code",
                    "format",
                    "must be a two-digit province code such as 35",
                ));
            }
        }
        for (field, value) in [("min_price", self.min_price), ("max_price", self.max_price)] {
            if value.is_some_and(|v| v < 0) {
                errors.push(FieldError::new(field, "range", "must not be negative"));
            }
        }
        if let (Some(lo), Some(hi)) = (self.min_price, self.max_price) {
            if lo > hi {
                errors.push(FieldError::new(
                    "max_price",
                    "range",
                    "must not be below min_price",
                ));
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(ApiError::Validation(errors))
        }
    }
}

/// Keyset position: the id of the last product of the page. Ids are
/// time-ordered and the list is newest first, so inserting or deleting
/// products never shifts a page a follower has not read yet.
#[derive(Serialize, Deserialize)]
struct Position {
    id: Uuid,
}

/// One page of published products, newest first.
pub async fn list(
    db: &DatabaseConnection,
    filter: &CatalogFilter,
    page: &PageParams,
) -> ApiResult<Page<CatalogProduct>> {
    filter.check()?;
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
        data: view::render(db, rows).await?,
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
    view::render(db, vec![row])
        .await?
        .pop()
        .ok_or_else(not_in_catalogue)
}

fn not_in_catalogue() -> ApiError {
    ApiError::NotFound("No published product with this id is in the catalogue.".into())
}

/// Whether `If-None-Match` names `etag` (weak comparison, as RFC 9110 asks
/// for `If-None-Match`), or is `*`.
fn matches(req: &HttpRequest, etag: &str) -> bool {
    let bare = |t: &str| t.trim().trim_start_matches("W/").to_string();
    req.headers()
        .get_all(header::IF_NONE_MATCH)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|t| t.trim() == "*" || bare(t) == bare(etag))
}

/// A cacheable JSON answer: `ETag` from the body's hash, `304` when the
/// client already has it.
pub fn cached_json<T: Serialize>(req: &HttpRequest, value: &T) -> ApiResult<HttpResponse> {
    let body = serde_json::to_vec(value).map_err(anyhow::Error::from)?;
    let digest = Sha256::digest(&body);
    let etag = format!("\"{}\"", hex::encode(&digest[..16]));
    let mut res = if matches(req, &etag) {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    res.insert_header((header::ETAG, etag.clone()))
        .insert_header((header::CACHE_CONTROL, CACHE_CONTROL))
        .insert_header((header::VARY, "Accept-Encoding"));
    if matches(req, &etag) {
        return Ok(res.finish());
    }
    Ok(res.content_type("application/json").body(body))
}

/// Browse the published catalogue.
///
/// Exactly the products that are published now: approved, of a verified
/// pesantren, and, for food, beverage, herbal and cosmetics, with a valid
/// halal certificate. Each carries its pesantren's name and province, a
/// summary of its valid certificates, a WhatsApp buy link and the partners'
/// listing links. Newest first; pass `next_cursor` back as `cursor` for the
/// next page (pages stay correct while products are added and withdrawn).
/// Answers carry `ETag` (send it back as `If-None-Match` for a `304`) and a
/// `Cache-Control` suited to a CDN. No token needed.
#[utoipa::path(
    operation_id = "list_catalog_products",
    tag = "catalog",
    params(PageParams, CatalogFilter),
    security((), ("bearer" = ["admin", "curator", "pesantren_manager", "santri", "partner"])),
    responses(
        (status = 200, description = "One page of published products.", body = Page<CatalogProduct>,
            headers(("ETag" = String, description = "Hash of the body."), ("Cache-Control" = String, description = "Caching for browsers and CDNs."))),
        (status = 304, description = "The page is unchanged since the ETag sent in `If-None-Match`.")
    )
)]
#[get("/products")]
async fn list_catalog_products(
    state: web::Data<AppState>,
    _auth: Require<Public>,
    req: HttpRequest,
    page: web::Query<PageParams>,
    filter: web::Query<CatalogFilter>,
) -> ApiResult<HttpResponse> {
    cached_json(&req, &list(&state.db, &filter, &page).await?)
}

/// Get a published product.
///
/// 404 when the product does not exist or is not published now (withdrawn,
/// unlisted, its pesantren suspended, its halal certificate expired). The
/// `ETag` changes whenever anything shown changes; send it back as
/// `If-None-Match` for a `304`.
#[utoipa::path(
    operation_id = "get_catalog_product",
    tag = "catalog",
    params(("id" = Uuid, Path, description = "Product id")),
    security((), ("bearer" = ["admin", "curator", "pesantren_manager", "santri", "partner"])),
    responses(
        (status = 200, description = "The product.", body = CatalogProduct,
            headers(("ETag" = String, description = "Hash of the body."), ("Cache-Control" = String, description = "Caching for browsers and CDNs."))),
        (status = 304, description = "Unchanged since the ETag sent in `If-None-Match`.")
    )
)]
#[get("/products/{id}")]
async fn get_catalog_product(
    state: web::Data<AppState>,
    _auth: Require<Public>,
    req: HttpRequest,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    cached_json(&req, &get(&state.db, *id).await?)
}

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_catalog_products)
        .service(get_catalog_product);
}
