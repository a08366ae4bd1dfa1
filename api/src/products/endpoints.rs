//! `/api/v1/products`: products, their curation, and batch updates.

use actix_web::{web, HttpRequest, HttpResponse};
use uuid::Uuid;

use super::batch::{self, BatchResult, PriceBatch, StockBatch};
use super::curation::Action;
use super::model::{
    ImageSources, ProductFilter, ProductInput, ProductPatch, ProductView, RejectRequest,
};
use super::service;
use crate::auth::{Caller, CuratorOnly, RegisterReaders, RegisterWriters, Require, Staff};
use crate::edit::Edit;
use crate::error::ApiResult;
use crate::http::{with_etag, Body, IfMatch, JsonValue, MergePatch, OptionalBody, Query};
use crate::idempotency::{self, Key};
use crate::pagination::{Page, PageParams};
use crate::state::AppState;
use crate::validation::validate;

/// Create a product (as `draft`).
///
/// Managers create products of their own pesantren (`pesantren_id` may be
/// omitted); admins name the pesantren. A draft needs only a `name` and a
/// `category`; everything else may come later, and `submit` lists whatever
/// is still missing. The SKU, once given, is unique within the pesantren.
#[utoipa::path(
    post,
    path = "",
    tag = "products",
    request_body = ProductInput,
    responses(
        (status = 201, description = "Created as a draft.", body = ProductView),
        (status = 409, description = "The SKU is taken in this pesantren.")
    )
)]
pub(super) async fn create_product(
    auth: Require<RegisterWriters>,
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Body<ProductInput>,
) -> ApiResult<HttpResponse> {
    let base = state.base_url(&req);
    let sources = image_sources(&state, &base);
    let p = service::create(&state.db, &auth, body.into_inner(), sources).await?;
    Ok(with_etag(HttpResponse::Created(), p.version)
        .insert_header(("Location", format!("/api/v1/products/{}", p.id)))
        .json(p))
}

/// List products in the caller's scope.
///
/// Curators and admins see their province, managers their pesantren. Filter
/// and sort as below; the cursor keeps the order it was made for. Drafts
/// without a price come first cheapest-first, last dearest-first.
#[utoipa::path(
    get,
    path = "",
    tag = "products",
    params(PageParams, ProductFilter),
    responses((status = 200, description = "One page of products.", body = Page<ProductView>))
)]
pub(super) async fn list_products(
    auth: Require<RegisterReaders>,
    state: web::Data<AppState>,
    page: Query<PageParams>,
    filter: Query<ProductFilter>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(service::list(&state.db, &auth, &filter, &page).await?))
}

/// Get a product.
#[utoipa::path(
    get,
    path = "/{id}",
    tag = "products",
    params(("id" = Uuid, Path, description = "Product id")),
    responses((status = 200, description = "The product.", body = ProductView))
)]
pub(super) async fn get_product(
    auth: Require<RegisterReaders>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let p = service::get(&state.db, &auth, *id).await?;
    Ok(with_etag(HttpResponse::Ok(), p.version).json(p))
}

/// Replace a product.
///
/// Send every field (a full replacement); the product as read may be sent
/// back with changes, its read-only fields (`id`, `status`, `published`,
/// review fields, timestamps, `version`) unchanged. Editing a `rejected`
/// product makes it a `draft` again. Changing what a curator approved of
/// an `approved` (or `unlisted`) product sends it back to `in_review` and
/// out of the catalogue: `name`, `description`, `category`, `brand`,
/// `unit`, `weight_grams`, `length_cm`, `width_cm`, `height_cm`,
/// `condition`, `shelf_life_days`, `options`, a new link in `images`, or a
/// new or changed variant (its `values`, weight or size). The trade fields
/// `price_idr`, `stock`, `sku`, `min_order_qty` (and a variant's price,
/// stock and SKU), dropping or reordering images and dropping a variant
/// change nothing but themselves. `images` may hold the URLs of this
/// product's uploads and https links to the hosts the deployment allows
/// (`OPOP_IMAGE_HOSTS`); any other link is a 422 naming it
/// (`images[i]`, `image_source`). A product past `draft` must stay
/// complete (422 listing what it would lack). Send `If-Match` with the
/// ETag you read.
#[utoipa::path(
    put,
    path = "/{id}",
    tag = "products",
    params(("id" = Uuid, Path, description = "Product id")),
    request_body = ProductInput,
    responses(
        (status = 200, description = "Updated.", body = ProductView),
        (status = 409, description = "The SKU is taken in this pesantren."),
        (status = 412, description = "`If-Match` does not match the current version.")
    )
)]
pub(super) async fn update_product(
    auth: Require<RegisterWriters>,
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    body: JsonValue,
) -> ApiResult<HttpResponse> {
    let base = state.base_url(&req);
    let sources = image_sources(&state, &base);
    let edit = Edit::Replace(body.0);
    let p = service::update(&state.db, &auth, *id, edit, if_match.0, sources).await?;
    Ok(with_etag(HttpResponse::Ok(), p.version).json(p))
}

/// Change some fields of a product (JSON Merge Patch).
///
/// A JSON Merge Patch (RFC 7396), sent as `application/merge-patch+json`
/// (or `application/json`): only the fields to change, `null` to clear an
/// optional one; lists (`images`, `variants`) are replaced whole. The rules
/// of `PUT` apply to the result.
#[utoipa::path(
    patch,
    path = "/{id}",
    tag = "products",
    params(("id" = Uuid, Path, description = "Product id")),
    request_body(content = ProductPatch, content_type = "application/merge-patch+json",
        example = json!({"price_idr": 42000})),
    responses(
        (status = 200, description = "Updated.", body = ProductView),
        (status = 409, description = "The SKU is taken in this pesantren."),
        (status = 412, description = "`If-Match` does not match the current version."),
        (status = 415, description = "The body is not a merge patch.")
    )
)]
pub(super) async fn patch_product(
    auth: Require<RegisterWriters>,
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    patch: MergePatch,
) -> ApiResult<HttpResponse> {
    let base = state.base_url(&req);
    let sources = image_sources(&state, &base);
    let edit = Edit::Patch(patch.0);
    let p = service::update(&state.db, &auth, *id, edit, if_match.0, sources).await?;
    Ok(with_etag(HttpResponse::Ok(), p.version).json(p))
}

fn image_sources<'a>(state: &'a AppState, base: &'a str) -> ImageSources<'a> {
    ImageSources {
        base,
        hosts: &state.config.image_hosts,
    }
}

async fn run(
    state: &AppState,
    caller: &Caller,
    id: Uuid,
    action: Action,
    reason: Option<String>,
    if_match: IfMatch,
) -> ApiResult<HttpResponse> {
    let p = service::act(&state.db, caller, id, action, reason, if_match.0).await?;
    Ok(with_etag(HttpResponse::Ok(), p.version).json(p))
}

macro_rules! transition {
    ($fn:ident, $path:literal, $action:expr, $policy:ty, $summary:literal, $doc:literal) => {
        #[doc = $summary]
        #[doc = ""]
        #[doc = $doc]
        #[utoipa::path(
            post,
            path = $path,
            tag = "products",
            params(("id" = Uuid, Path, description = "Product id")),
            responses(
                (status = 200, description = "The product in its new state.", body = ProductView),
                (status = 409, description = "Not allowed from the current state (named in `detail`)."),
                (status = 412, description = "`If-Match` does not match the current version.")
            )
        )]
        pub(super) async fn $fn(
            auth: Require<$policy>,
            state: web::Data<AppState>,
            id: web::Path<Uuid>,
            if_match: IfMatch,
        ) -> ApiResult<HttpResponse> {
            run(&state, &auth, *id, $action, None, if_match).await
        }
    };
}

/// Submit a draft for curation.
///
/// `draft` → `in_review`. The product must be complete: a description, a
/// unit, a weight, a SKU, at least one image, a price and stock (or
/// variants), and a shelf life for food and beverages; otherwise 422
/// (`product.incomplete`) lists every field still missing.
#[utoipa::path(
    post,
    path = "/{id}/submit",
    tag = "products",
    params(("id" = Uuid, Path, description = "Product id")),
    responses(
        (status = 200, description = "The product in review.", body = ProductView),
        (status = 409, description = "Not a draft (the state is named in `detail`)."),
        (status = 412, description = "`If-Match` does not match the current version."),
        (status = 422, description = "Something curation needs is missing; `errors` lists every missing field.")
    )
)]
pub(super) async fn submit_product(
    auth: Require<RegisterWriters>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
) -> ApiResult<HttpResponse> {
    run(&state, &auth, *id, Action::Submit, None, if_match).await
}

transition!(approve_product, "/{id}/approve", Action::Approve, Staff,
    "Approve a product under review.", "`in_review` → `approved`: published once its pesantren is verified and, for food, beverage, herbal and cosmetics, it has a valid halal certificate. Curators and admins of the product's province only, never on a product they created.");
transition!(
    unlist_product,
    "/{id}/unlist",
    Action::Unlist,
    RegisterWriters,
    "Take an approved product out of the catalogue.",
    "`approved` → `unlisted`."
);
transition!(
    relist_product,
    "/{id}/relist",
    Action::Relist,
    RegisterWriters,
    "Put an unlisted product back.",
    "`unlisted` → `approved`."
);

/// Reject a product under review, with a reason.
///
/// `in_review` → `rejected`. Editing it afterwards makes it a `draft` again.
/// Curators and admins of the product's province only, never on a product
/// they created.
#[utoipa::path(
    post,
    path = "/{id}/reject",
    tag = "products",
    params(("id" = Uuid, Path, description = "Product id")),
    request_body = RejectRequest,
    responses(
        (status = 200, description = "Rejected.", body = ProductView),
        (status = 409, description = "Not allowed from the current state (named in `detail`)."),
        (status = 412, description = "`If-Match` does not match the current version.")
    )
)]
pub(super) async fn reject_product(
    auth: Require<Staff>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    body: OptionalBody<RejectRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    validate(&body)?;
    let reason = Some(body.reason.trim().to_string());
    run(&state, &auth, *id, Action::Reject, reason, if_match).await
}

/// Set the stock of many products (or variants) at once.
///
/// Up to 100 items, each applied on its own: the answer lists which
/// succeeded (with the product's new version) and which failed, with the
/// status the item alone would have had and why. Values are absolute
/// ("stock is now 12"). Send an `Idempotency-Key` (a UUID): retrying with
/// the same key and body answers the same lists without applying anything
/// again (`Idempotent-Replayed: true`); the same key with another body is
/// a 422. Price and stock never send a product back to review; published
/// products reach the change feed.
#[utoipa::path(
    post,
    path = "/stock",
    tag = "products",
    request_body = StockBatch,
    params(("Idempotency-Key" = String, Header, description = "1 to 255 visible ASCII characters, new for each batch, the same when retrying it.")),
    responses(
        (status = 200, description = "Each item's outcome.", body = BatchResult,
            headers(("Idempotent-Replayed" = bool, description = "`true` when this is the stored answer of an earlier request with the same key."))),
        (status = 400, description = "No usable `Idempotency-Key`."),
        (status = 422, description = "No items or more than 100, or the key was used with another body.")
    )
)]
pub(super) async fn update_product_stock(
    auth: Require<RegisterWriters>,
    state: web::Data<AppState>,
    key: Key,
    body: Body<StockBatch>,
) -> ApiResult<HttpResponse> {
    let answer = batch::stock(&state.db, &auth, &key, body.into_inner()).await?;
    idempotency::respond(&answer, None)
}

/// Set the price of many products (or variants) at once.
///
/// As `POST /api/v1/products/stock`, for `price_idr` (100 to 100,000,000
/// rupiah). A product with variants then shows its lowest variant price.
#[utoipa::path(
    post,
    path = "/prices",
    tag = "products",
    request_body = PriceBatch,
    params(("Idempotency-Key" = String, Header, description = "1 to 255 visible ASCII characters, new for each batch, the same when retrying it.")),
    responses(
        (status = 200, description = "Each item's outcome.", body = BatchResult,
            headers(("Idempotent-Replayed" = bool, description = "`true` when this is the stored answer of an earlier request with the same key."))),
        (status = 400, description = "No usable `Idempotency-Key`."),
        (status = 422, description = "No items or more than 100, or the key was used with another body.")
    )
)]
pub(super) async fn update_product_prices(
    auth: Require<RegisterWriters>,
    state: web::Data<AppState>,
    key: Key,
    body: Body<PriceBatch>,
) -> ApiResult<HttpResponse> {
    let answer = batch::prices(&state.db, &auth, &key, body.into_inner()).await?;
    idempotency::respond(&answer, None)
}

/// Award flagship status (produk unggulan).
///
/// By a curator of the product's province (or a national curator), never
/// on a product they created. The product must be curated (`approved`, or
/// `unlisted` after approval). A pending `flagship_requested` is answered
/// and cleared. Awarding a flagship product again changes nothing. The
/// change reaches the catalogue and the change feed.
#[utoipa::path(
    post,
    path = "/{id}/flagship",
    tag = "products",
    params(("id" = Uuid, Path, description = "Product id")),
    responses(
        (status = 200, description = "The product, now flagship.", body = ProductView),
        (status = 409, description = "The product is not curated (`product.flagship_not_approved`)."),
        (status = 412, description = "`If-Match` does not match the current version.")
    )
)]
pub(super) async fn award_flagship(
    auth: Require<CuratorOnly>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
) -> ApiResult<HttpResponse> {
    let p = service::set_flagship(&state.db, &auth, *id, true, if_match.0).await?;
    Ok(with_etag(HttpResponse::Ok(), p.version).json(p))
}

/// Withdraw flagship status.
///
/// By a curator of the product's province (or a national curator). A
/// product that is not flagship stays as it is.
#[utoipa::path(
    delete,
    path = "/{id}/flagship",
    tag = "products",
    params(("id" = Uuid, Path, description = "Product id")),
    responses(
        (status = 200, description = "The product, no longer flagship.", body = ProductView),
        (status = 412, description = "`If-Match` does not match the current version.")
    )
)]
pub(super) async fn withdraw_flagship(
    auth: Require<CuratorOnly>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
) -> ApiResult<HttpResponse> {
    let p = service::set_flagship(&state.db, &auth, *id, false, if_match.0).await?;
    Ok(with_etag(HttpResponse::Ok(), p.version).json(p))
}
