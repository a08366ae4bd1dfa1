//! A partner's own listing of a published product on its marketplace: the
//! external id is the partner's business, the URL becomes a public buy link.
//! Every query here is keyed by the calling partner, so one partner can
//! never read or change another's listing.

use entity::{partner_listings, products};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use super::model::{ListingInput, ListingView};
use crate::audit;
use crate::auth::Partner;
use crate::db;
use crate::edit::{check_version, Edit};
use crate::error::{unique_as, ApiError, ApiResult, Code};
use crate::feed;
use crate::publication;
use crate::validation::validate;

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

/// Records (`PUT`) or changes (`PUT` again, `PATCH`) the partner's listing
/// of a published product. Answers the listing and whether it was new.
pub async fn put(
    db: &DatabaseConnection,
    partner: &Partner,
    product_id: Uuid,
    edit: Edit<ListingInput>,
    expected_version: Option<i32>,
) -> ApiResult<(ListingView, bool)> {
    let product = products::Entity::find_by_id(product_id)
        .filter(publication::published(publication::today()))
        .one(db)
        .await?
        .ok_or_else(|| ApiError::new(Code::CatalogProductNotFound))?;
    let now = db::now();
    let mut tx = feed::begin(db, &partner.actor()).await?;
    let before = own(&*tx, partner.id, product.id).await?;
    let input = match (&before, edit) {
        (_, Edit::Input(input)) => input,
        (Some(b), edit) => edit.resolve(&ListingView::from(b.clone()))?,
        (None, Edit::Replace(body)) => Edit::Replace(body).resolve(&serde_json::json!({}))?,
        // A patch needs something to patch.
        (None, Edit::Patch(_)) => return Err(ApiError::new(Code::ListingNotFound)),
    };
    validate(&input)?;
    if let Some(b) = &before {
        check_version(expected_version, b.version)?;
    }
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
                partner_id: Set(partner.id),
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
            .map_err(unique_as(Code::ListingConcurrent))?
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

/// The partner's listing of a product, if it has one.
pub async fn get(
    db: &DatabaseConnection,
    partner: &Partner,
    product_id: Uuid,
) -> ApiResult<ListingView> {
    own(db, partner.id, product_id)
        .await?
        .map(ListingView::from)
        .ok_or_else(|| ApiError::new(Code::ListingNotFound))
}

/// Removes the partner's listing of a product (its buy link disappears).
pub async fn remove(db: &DatabaseConnection, partner: &Partner, product_id: Uuid) -> ApiResult<()> {
    let existing = own(db, partner.id, product_id)
        .await?
        .ok_or_else(|| ApiError::new(Code::ListingNotFound))?;
    let province = products::Entity::find_by_id(product_id)
        .one(db)
        .await?
        .map(|p| p.province_code);
    let mut tx = feed::begin(db, &partner.actor()).await?;
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
