//! A partner's own listing of a published product on its marketplace: the
//! external id is the partner's business, the URL becomes a public buy link.
//! Every query here is keyed by the calling partner, so one partner can
//! never read or change another's listing.

use actix_web::{delete, get, put, web, HttpResponse};
use entity::{partner_listings, products};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use validator::Validate;

use super::feed;
use crate::audit;
use crate::auth::Caller;
use crate::db;
use crate::error::{ApiError, ApiResult};
use crate::http::Body;
use crate::publication;
use crate::ratelimit::MeteredPartner;
use crate::startup::AppState;

/// The partner's listing of a product.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ListingView {
    pub product_id: Uuid,
    /// The item's id on the partner's marketplace.
    #[schema(example = "23456789012")]
    pub external_id: String,
    /// The item's page, shown in the catalogue as a buy link.
    #[schema(example = "https://shopee.co.id/product/123/23456789012")]
    pub url: String,
    /// Your category id for the product.
    #[schema(example = "100629")]
    pub category_id: Option<String>,
    /// Your required attribute values for that category.
    // A bare `Map` documents as `additionalProperties: {}`, which utoipa
    // cannot read back; `Object` says the same thing in a form it can.
    #[schema(value_type = Option<Object>, example = json!({"brand": "Santri Coffee", "expiry_period": "12 bulan"}))]
    pub attributes: Option<serde_json::Map<String, serde_json::Value>>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
    pub version: i32,
}

impl From<partner_listings::Model> for ListingView {
    fn from(l: partner_listings::Model) -> Self {
        Self {
            product_id: l.product_id,
            external_id: l.external_id,
            url: l.url,
            category_id: l.category_id,
            attributes: l.attributes.and_then(|a| a.as_object().cloned()),
            created_at: l.created_at,
            updated_at: l.updated_at,
            version: l.version,
        }
    }
}

fn https_url(url: &str) -> Result<(), validator::ValidationError> {
    if url.starts_with("https://") && validator::ValidateUrl::validate_url(url) {
        Ok(())
    } else {
        Err(validator::ValidationError::new("url").with_message("must be an https URL".into()))
    }
}

/// The partner's listing, as it records it.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ListingInput {
    /// The item's id on your marketplace.
    #[validate(length(min = 1, max = 100, message = "must be 1 to 100 characters"))]
    #[schema(min_length = 1, max_length = 100)]
    #[schema(example = "23456789012")]
    pub external_id: String,
    /// The item's public page on your marketplace (https).
    #[validate(
        length(max = 500, message = "must be at most 500 characters"),
        custom(function = "https_url")
    )]
    #[schema(example = "https://shopee.co.id/product/123/23456789012")]
    pub url: String,
    /// Your own category id for the product (kept for you; not shown to
    /// others).
    #[validate(length(min = 1, max = 100, message = "must be 1 to 100 characters"))]
    #[schema(min_length = 1, max_length = 100)]
    #[schema(example = "100629")]
    pub category_id: Option<String>,
    /// The attribute values your category requires, as you name them (at
    /// most 50 attributes, 16 KB in all).
    #[validate(custom(function = "small_attributes"))]
    // A bare `Map` documents as `additionalProperties: {}`, which utoipa
    // cannot read back; `Object` says the same thing in a form it can.
    #[schema(value_type = Option<Object>, example = json!({"brand": "Santri Coffee", "expiry_period": "12 bulan"}))]
    pub attributes: Option<serde_json::Map<String, serde_json::Value>>,
}

fn small_attributes(
    a: &serde_json::Map<String, serde_json::Value>,
) -> Result<(), validator::ValidationError> {
    let size = serde_json::to_vec(a).map(|v| v.len()).unwrap_or(usize::MAX);
    if a.len() <= 50 && size <= 16 * 1024 {
        Ok(())
    } else {
        Err(validator::ValidationError::new("length")
            .with_message("must hold at most 50 attributes and 16 KB".into()))
    }
}

fn partner_of(caller: &Caller) -> ApiResult<Uuid> {
    caller
        .principal
        .partner()
        .map(|p| p.id)
        .ok_or_else(|| ApiError::Forbidden("Partners only.".into()))
}

async fn own(
    db: &impl sea_orm::ConnectionTrait,
    partner: Uuid,
    product: Uuid,
) -> ApiResult<Option<partner_listings::Model>> {
    Ok(partner_listings::Entity::find()
        .filter(partner_listings::Column::PartnerId.eq(partner))
        .filter(partner_listings::Column::ProductId.eq(product))
        .one(db)
        .await?)
}

/// Records (or replaces) the caller's listing of a published product.
/// Answers the listing and whether it was new.
pub async fn put(
    db: &DatabaseConnection,
    caller: &Caller,
    product_id: Uuid,
    input: ListingInput,
) -> ApiResult<(ListingView, bool)> {
    let partner = partner_of(caller)?;
    crate::validation::validate(&input)?;
    let product = products::Entity::find_by_id(product_id)
        .filter(publication::published(publication::today()))
        .one(db)
        .await?
        .ok_or_else(|| {
            ApiError::NotFound("No published product with this id is in the catalogue.".into())
        })?;
    let now = db::now();
    let mut tx = feed::begin(db, &caller.actor()).await?;
    let before = own(&*tx, partner, product.id).await?;
    let created = before.is_none();
    let saved = match before.clone() {
        Some(existing) => {
            let mut row: partner_listings::ActiveModel = existing.clone().into();
            row.external_id = Set(input.external_id.trim().to_string());
            row.url = Set(input.url.clone());
            row.category_id = Set(input.category_id.clone());
            row.attributes = Set(input.attributes.clone().map(serde_json::Value::Object));
            row.updated_at = Set(now);
            row.version = Set(existing.version + 1);
            row.update(&*tx).await?
        }
        None => {
            partner_listings::ActiveModel {
                id: Set(db::new_id()),
                partner_id: Set(partner),
                product_id: Set(product.id),
                external_id: Set(input.external_id.trim().to_string()),
                url: Set(input.url.clone()),
                category_id: Set(input.category_id.clone()),
                attributes: Set(input.attributes.clone().map(serde_json::Value::Object)),
                created_at: Set(now),
                updated_at: Set(now),
                version: Set(1),
            }
            .insert(&*tx)
            .await
            // Two first calls at once: the loser asks again and updates.
            .map_err(|e| match e.sql_err() {
                Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => ApiError::Conflict(
                    "The listing was recorded by a concurrent call; send it again.".into(),
                ),
                _ => e.into(),
            })?
        }
    };
    // The buy link is part of the catalogue's view of the product.
    feed::sync_product(&tx, product.id).await?;
    let view = ListingView::from(saved);
    tx.record(audit::Entry {
        action: if created { "create" } else { "update" },
        resource_type: "listing",
        resource_id: product.id,
        province_code: Some(product.province_code.clone()),
        changes: match before {
            Some(b) => audit::diff(&ListingView::from(b), &view),
            None => audit::created(&view),
        },
    })
    .await?;
    tx.commit().await?;
    Ok((view, created))
}

/// The caller's listing of a product, if it has one.
pub async fn get(
    db: &DatabaseConnection,
    caller: &Caller,
    product_id: Uuid,
) -> ApiResult<ListingView> {
    let partner = partner_of(caller)?;
    own(db, partner, product_id)
        .await?
        .map(ListingView::from)
        .ok_or_else(|| ApiError::NotFound("You have no listing of this product.".into()))
}

/// Removes the caller's listing of a product (its buy link disappears).
pub async fn remove(db: &DatabaseConnection, caller: &Caller, product_id: Uuid) -> ApiResult<()> {
    let partner = partner_of(caller)?;
    let existing = own(db, partner, product_id)
        .await?
        .ok_or_else(|| ApiError::NotFound("You have no listing of this product.".into()))?;
    let province = products::Entity::find_by_id(product_id)
        .one(db)
        .await?
        .map(|p| p.province_code);
    let mut tx = feed::begin(db, &caller.actor()).await?;
    partner_listings::Entity::delete_many()
        .filter(partner_listings::Column::Id.eq(existing.id))
        .exec(&*tx)
        .await?;
    feed::sync_product(&tx, product_id).await?;
    tx.record(audit::Entry {
        action: "delete",
        resource_type: "listing",
        resource_id: product_id,
        province_code: province,
        changes: audit::created(&ListingView::from(existing)),
    })
    .await?;
    tx.commit().await?;
    Ok(())
}

const PROBLEM: &str = "application/problem+json";

/// Record your listing of a product.
///
/// Tell OPOP where a published product is listed on your marketplace: your
/// item id and its public https URL. The URL appears in the catalogue (and
/// the change feed) as a buy link under your partner name. Sending it again
/// replaces it. You only ever see and change your own listings. 201 the
/// first time, 200 after.
#[utoipa::path(
    operation_id = "put_catalog_listing",
    tag = "catalog",
    params(("id" = Uuid, Path, description = "Product id")),
    request_body = ListingInput,
    security(("bearer" = ["partner"])),
    responses(
        (status = 200, description = "Your listing, replaced.", body = ListingView),
        (status = 201, description = "Your listing, recorded.", body = ListingView),
        (status = 404, description = "No published product with this id.", body = crate::error::Problem, content_type = PROBLEM),
        (status = 429, description = "Over your rate limit; see `Retry-After`.", body = crate::error::Problem, content_type = PROBLEM)
    )
)]
#[put("/products/{id}/listing")]
async fn put_catalog_listing(
    state: web::Data<AppState>,
    auth: MeteredPartner,
    id: web::Path<Uuid>,
    body: Body<ListingInput>,
) -> ApiResult<HttpResponse> {
    let (listing, created) = put(&state.db, &auth, *id, body.into_inner()?).await?;
    Ok(if created {
        HttpResponse::Created().json(listing)
    } else {
        HttpResponse::Ok().json(listing)
    })
}

/// Get your listing of a product.
#[utoipa::path(
    operation_id = "get_catalog_listing",
    tag = "catalog",
    params(("id" = Uuid, Path, description = "Product id")),
    security(("bearer" = ["partner"])),
    responses(
        (status = 200, description = "Your listing.", body = ListingView),
        (status = 404, description = "You have no listing of this product.", body = crate::error::Problem, content_type = PROBLEM)
    )
)]
#[get("/products/{id}/listing")]
async fn get_catalog_listing(
    state: web::Data<AppState>,
    auth: MeteredPartner,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(get(&state.db, &auth, *id).await?))
}

/// Remove your listing of a product.
///
/// Its buy link disappears from the catalogue.
#[utoipa::path(
    operation_id = "delete_catalog_listing",
    tag = "catalog",
    params(("id" = Uuid, Path, description = "Product id")),
    security(("bearer" = ["partner"])),
    responses(
        (status = 204, description = "Removed."),
        (status = 404, description = "You have no listing of this product.", body = crate::error::Problem, content_type = PROBLEM)
    )
)]
#[delete("/products/{id}/listing")]
async fn delete_catalog_listing(
    state: web::Data<AppState>,
    auth: MeteredPartner,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    remove(&state.db, &auth, *id).await?;
    Ok(HttpResponse::NoContent().finish())
}

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(put_catalog_listing)
        .service(get_catalog_listing)
        .service(delete_catalog_listing);
}
