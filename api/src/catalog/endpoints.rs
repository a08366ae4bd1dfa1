//! `/api/v1/catalog`: the public catalogue and the change feed.
//!
//! Catalogue answers are the same for every caller, so they carry a strong
//! `ETag` (a hash of the body: a product's view also changes when its
//! pesantren is renamed or a certificate is verified, which its version
//! does not count) and a `Cache-Control` that lets a CDN keep them for a
//! minute.

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use uuid::Uuid;

use super::model::{CatalogFilter, CatalogProduct, ChangesPage, ChangesParams};
use super::service;
use crate::auth::{Partner, Public, Require};
use crate::error::ApiResult;
use crate::feed::cache::Answer;
use crate::http::Query;
use crate::pagination::{Page, PageParams};
use crate::state::AppState;

const NEXT_CURSOR: header::HeaderName = header::HeaderName::from_static("x-next-cursor");
const HAS_MORE: header::HeaderName = header::HeaderName::from_static("x-has-more");

/// A minute fresh at the CDN, then served stale for up to five while it
/// revalidates: withdrawn products vanish within a minute.
pub const CACHE_CONTROL: &str = "public, max-age=60, stale-while-revalidate=300";

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

/// A cacheable JSON answer: its `ETag`, and `304` when the client already
/// has it.
fn serve(req: &HttpRequest, answer: &Answer) -> HttpResponse {
    let fresh = matches(req, &answer.etag);
    let mut res = if fresh {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    res.insert_header((header::ETAG, answer.etag.clone()))
        .insert_header((header::CACHE_CONTROL, CACHE_CONTROL))
        .insert_header((header::VARY, "Accept-Encoding"));
    if fresh {
        return res.finish();
    }
    res.content_type("application/json")
        .body(answer.body.clone())
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
    get,
    path = "/products",
    tag = "catalog",
    params(PageParams, CatalogFilter),
    responses(
        (status = 200, description = "One page of published products.", body = Page<CatalogProduct>,
            headers(("ETag" = String, description = "Hash of the body."), ("Cache-Control" = String, description = "Caching for browsers and CDNs."))),
        (status = 304, description = "The page is unchanged since the ETag sent in `If-None-Match`.")
    )
)]
pub(super) async fn list_catalog_products(
    _: Require<Public>,
    state: web::Data<AppState>,
    req: HttpRequest,
    page: Query<PageParams>,
    filter: Query<CatalogFilter>,
) -> ApiResult<HttpResponse> {
    let answer = service::list_answer(
        &state.catalog,
        state.reads.lagging(),
        &filter,
        &page,
        req.query_string(),
    )
    .await?;
    Ok(serve(&req, &answer))
}

/// Get a published product.
///
/// 404 when the product does not exist or is not published now (withdrawn,
/// unlisted, its pesantren suspended, its halal certificate expired). The
/// `ETag` changes whenever anything shown changes; send it back as
/// `If-None-Match` for a `304`.
#[utoipa::path(
    get,
    path = "/products/{id}",
    tag = "catalog",
    params(("id" = Uuid, Path, description = "Product id")),
    responses(
        (status = 200, description = "The product.", body = CatalogProduct,
            headers(("ETag" = String, description = "Hash of the body."), ("Cache-Control" = String, description = "Caching for browsers and CDNs."))),
        (status = 304, description = "Unchanged since the ETag sent in `If-None-Match`.")
    )
)]
pub(super) async fn get_catalog_product(
    _: Require<Public>,
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let answer = service::get_answer(&state.catalog, state.reads.lagging(), *id).await?;
    Ok(serve(&req, &answer))
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
/// `docs/change-feed.md`). The next cursor and whether there is more also
/// come as the headers `X-Next-Cursor` and `X-Has-More`, so a client can ask
/// for the next page while it still applies this one. Partners only;
/// rate-limited per partner.
#[utoipa::path(
    get,
    path = "/changes",
    tag = "catalog",
    params(ChangesParams),
    responses(
        (status = 200, description = "The events after the cursor.", body = ChangesPage,
            headers(
                ("X-Next-Cursor" = String, description = "The page's `next_cursor`."),
                ("X-Has-More" = bool, description = "The page's `has_more`: `true` or `false`.")
            )),
        (status = 429, description = "Over the partner's rate limit; see `Retry-After`.")
    )
)]
pub(super) async fn list_catalog_changes(
    _: Partner,
    state: web::Data<AppState>,
    params: Query<ChangesParams>,
) -> ApiResult<HttpResponse> {
    let page = service::read(state.reads.lagging(), &state.db, &params).await?;
    Ok(HttpResponse::Ok()
        .insert_header((NEXT_CURSOR, page.next_cursor))
        .insert_header((HAS_MORE, if page.has_more { "true" } else { "false" }))
        .content_type("application/json")
        .body(page.body))
}
