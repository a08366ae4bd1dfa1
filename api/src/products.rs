//! Products of a pesantren and their curation: draft → in review →
//! approved (or rejected), unlisted and relisted, with every rule of the
//! state machine in [`curation`].

use actix_web::{get, post, put, web, HttpRequest, HttpResponse};
use entity::{
    koperasi, pesantren, products, ProductCategory, ProductCondition, ProductStatus, Role,
};
use sea_orm::sea_query::{Expr, LikeExpr};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait,
    ExprTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use validator::Validate;

use crate::audit::{self, WriteTx};
use crate::auth::{scope, Caller, RegisterStaff, RegisterWriters, Require, Staff};
use crate::catalog::feed;
use crate::db;
use crate::error::{ApiError, ApiResult, FieldError};
use crate::http::{check_version, if_match, optional_json, with_etag};
use crate::pagination::{decode_cursor, encode_cursor, Page, PageParams};
use crate::startup::AppState;
use crate::validation::field_errors;

pub mod batch;
pub mod variants;

/// The curation state machine: the only place that knows which state
/// follows which.
pub mod curation {
    use entity::ProductStatus::{self, *};

    use crate::error::ApiError;

    /// What a caller asks of a product's curation.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum Action {
        Submit,
        Approve,
        Reject,
        Unlist,
        Relist,
    }

    impl Action {
        pub fn verb(self) -> &'static str {
            match self {
                Self::Submit => "submit",
                Self::Approve => "approve",
                Self::Reject => "reject",
                Self::Unlist => "unlist",
                Self::Relist => "relist",
            }
        }
    }

    /// The state after `action`, or a 409 naming the current state.
    pub fn next(status: ProductStatus, action: Action) -> Result<ProductStatus, ApiError> {
        match (status, action) {
            (Draft, Action::Submit) => Ok(InReview),
            (InReview, Action::Approve) => Ok(Approved),
            (InReview, Action::Reject) => Ok(Rejected),
            (Approved, Action::Unlist) => Ok(Unlisted),
            (Unlisted, Action::Relist) => Ok(Approved),
            _ => Err(ApiError::Conflict(format!(
                "The product is `{status}`; it cannot be {}ed from there.",
                action.verb().trim_end_matches('e')
            ))),
        }
    }

    /// The state after an edit: a rejected product goes back to draft; a
    /// listed or unlisted one whose name, description or category changed
    /// goes back to review; price and stock change nothing.
    pub fn after_edit(status: ProductStatus, content_changed: bool) -> ProductStatus {
        match status {
            Rejected => Draft,
            Approved | Unlisted if content_changed => InReview,
            other => other,
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use sea_orm::Iterable;

        #[test]
        fn only_the_contract_transitions_are_allowed() {
            let allowed = [
                (Draft, Action::Submit, InReview),
                (InReview, Action::Approve, Approved),
                (InReview, Action::Reject, Rejected),
                (Approved, Action::Unlist, Unlisted),
                (Unlisted, Action::Relist, Approved),
            ];
            let actions = [
                Action::Submit,
                Action::Approve,
                Action::Reject,
                Action::Unlist,
                Action::Relist,
            ];
            for status in ProductStatus::iter() {
                for action in actions {
                    let expected = allowed
                        .iter()
                        .find(|(s, a, _)| *s == status && *a == action)
                        .map(|t| t.2);
                    match (next(status, action), expected) {
                        (Ok(got), Some(want)) => assert_eq!(got, want),
                        (Err(ApiError::Conflict(msg)), None) => {
                            assert!(msg.contains(&format!("`{status}`")), "{msg}")
                        }
                        (got, want) => panic!("{status} + {action:?}: got {got:?}, want {want:?}"),
                    }
                }
            }
        }

        #[test]
        fn edits_reset_curation_only_where_the_contract_says() {
            assert_eq!(after_edit(Rejected, false), Draft);
            assert_eq!(after_edit(Approved, true), InReview);
            assert_eq!(after_edit(Approved, false), Approved);
            assert_eq!(after_edit(Unlisted, true), InReview);
            assert_eq!(after_edit(Draft, true), Draft);
            assert_eq!(after_edit(InReview, true), InReview);
        }
    }
}

use curation::Action;

/// A product as its pesantren and the curators see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProductView {
    pub id: Uuid,
    pub pesantren_id: Uuid,
    #[schema(example = "35")]
    pub province_code: String,
    /// The koperasi that makes and sells it, if any.
    pub koperasi_id: Option<Uuid>,
    #[schema(example = "Kopi Robusta Sidogiri 250 g")]
    pub name: String,
    #[schema(example = "Robusta dari kebun santri di lereng Bromo, disangrai di pesantren.")]
    pub description: String,
    pub category: ProductCategory,
    /// Whole rupiah, 100 to 100,000,000.
    #[schema(example = 40000)]
    pub price_idr: i64,
    pub stock: i64,
    #[schema(example = "bungkus")]
    pub unit: String,
    #[schema(example = 250)]
    pub weight_grams: i32,
    /// Unique within the pesantren.
    #[schema(example = "SDG-KOPI-250")]
    pub sku: String,
    /// Image URLs in display order, at most 9: links typed by the pesantren
    /// and those of images uploaded with `POST /api/v1/products/{id}/images`.
    pub images: Vec<String>,
    pub is_flagship: bool,
    pub status: ProductStatus,
    /// Why a curator rejected it (while `rejected`).
    #[schema(example = "The photos do not show the label.")]
    pub rejection_reason: Option<String>,
    #[schema(example = "Kopi Santri Sidogiri")]
    pub brand: Option<String>,
    pub condition: ProductCondition,
    pub length_cm: Option<i32>,
    pub width_cm: Option<i32>,
    pub height_cm: Option<i32>,
    pub min_order_qty: i32,
    /// Days; required for food and beverages.
    pub shelf_life_days: Option<i32>,
    /// Option names when the product has variants (`["ukuran", "warna"]`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub options: Option<Vec<String>>,
    /// The combinations, when the product has options; `price_idr` is then
    /// the lowest variant price and `stock` the total.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub variants: Option<Vec<variants::VariantView>>,
    /// Whether the public catalogue shows it now (approved, verified
    /// pesantren, and a valid halal certificate where the category needs one).
    pub published: bool,
    pub created_by: Option<Uuid>,
    pub submitted_at: Option<chrono::DateTime<chrono::Utc>>,
    pub reviewed_by: Option<Uuid>,
    pub reviewed_at: Option<chrono::DateTime<chrono::Utc>>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
    pub version: i32,
}

impl ProductView {
    fn new(p: products::Model, published: bool, vs: Option<Vec<variants::VariantView>>) -> Self {
        let options = variants::options_of(&p);
        Self {
            variants: options.as_ref().map(|_| vs.unwrap_or_default()),
            options,
            id: p.id,
            pesantren_id: p.pesantren_id,
            province_code: p.province_code,
            koperasi_id: p.koperasi_id,
            name: p.name,
            description: p.description,
            category: p.category,
            price_idr: p.price_idr,
            stock: p.stock,
            unit: p.unit,
            weight_grams: p.weight_grams,
            sku: p.sku,
            images: serde_json::from_value(p.images).unwrap_or_default(),
            is_flagship: p.is_flagship,
            status: p.status,
            rejection_reason: p.rejection_reason,
            brand: p.brand,
            condition: p.condition,
            length_cm: p.length_cm,
            width_cm: p.width_cm,
            height_cm: p.height_cm,
            min_order_qty: p.min_order_qty,
            shelf_life_days: p.shelf_life_days,
            published,
            created_by: p.created_by,
            submitted_at: p.submitted_at,
            reviewed_by: p.reviewed_by,
            reviewed_at: p.reviewed_at,
            created_at: p.created_at,
            updated_at: p.updated_at,
            version: p.version,
        }
    }
}

/// The ids among `ids` that are published today.
async fn published_ids(db: &impl ConnectionTrait, ids: Vec<Uuid>) -> ApiResult<Vec<Uuid>> {
    if ids.is_empty() {
        return Ok(ids);
    }
    Ok(products::Entity::find()
        .select_only()
        .column(products::Column::Id)
        .filter(products::Column::Id.is_in(ids))
        .filter(crate::publication::published(crate::publication::today()))
        .into_tuple()
        .all(db)
        .await?)
}

async fn views(
    db: &impl ConnectionTrait,
    rows: Vec<products::Model>,
) -> ApiResult<Vec<ProductView>> {
    let ids: Vec<Uuid> = rows.iter().map(|p| p.id).collect();
    let published = published_ids(db, ids.clone()).await?;
    let mut all_variants = variants::load(db, ids).await?;
    Ok(rows
        .into_iter()
        .map(|p| {
            let live = published.contains(&p.id);
            let vs = all_variants.remove(&p.id);
            ProductView::new(p, live, vs)
        })
        .collect())
}

async fn view(db: &impl ConnectionTrait, row: products::Model) -> ApiResult<ProductView> {
    Ok(views(db, vec![row]).await?.remove(0))
}

fn validate_sku(sku: &str) -> Result<(), validator::ValidationError> {
    let ok = (1..=64).contains(&sku.len())
        && sku
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if ok {
        Ok(())
    } else {
        Err(validator::ValidationError::new("format")
            .with_message("must be 1 to 64 letters, digits, dashes, underscores or dots".into()))
    }
}

fn validate_images(images: &[String]) -> Result<(), validator::ValidationError> {
    if images.len() > crate::images::MAX_IMAGES {
        return Err(validator::ValidationError::new("length")
            .with_message("must hold at most 9 images".into()));
    }
    for url in images {
        // The API's own image links may be http: a development server has
        // no TLS, and a product read back must be writable back unchanged.
        let ok = url.len() <= 500
            && (url.starts_with("https://")
                || (url.starts_with("http://") && crate::images::is_own_url(url)))
            && validator::ValidateUrl::validate_url(url);
        if !ok {
            return Err(validator::ValidationError::new("url")
                .with_message("must be https URLs of at most 500 characters".into()));
        }
    }
    Ok(())
}

/// The fields of a product that its pesantren types.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProductInput {
    /// The owning pesantren. Managers may omit it (their own); admins give it.
    /// Ignored on update.
    pub pesantren_id: Option<Uuid>,
    /// A koperasi of the same pesantren.
    pub koperasi_id: Option<Uuid>,
    #[validate(length(min = 3, max = 200, message = "must be 3 to 200 characters"))]
    #[schema(min_length = 3, max_length = 200)]
    #[schema(example = "Kopi Robusta Sidogiri 250 g")]
    pub name: String,
    #[validate(length(min = 1, max = 5000, message = "must be 1 to 5000 characters"))]
    #[schema(min_length = 1, max_length = 5000)]
    #[schema(example = "Robusta dari kebun santri di lereng Bromo, disangrai di pesantren.")]
    pub description: String,
    pub category: ProductCategory,
    /// Whole rupiah, 100 to 100,000,000 (what marketplaces accept).
    /// Required without `options`; omitted with them (each variant has its
    /// own, and the product shows the lowest).
    #[validate(range(
        min = 100,
        max = 100_000_000,
        message = "must be 100 to 100,000,000 rupiah"
    ))]
    #[schema(example = 40000)]
    pub price_idr: Option<i64>,
    /// Required without `options`; omitted with them (the product shows the
    /// total of its variants).
    #[validate(range(min = 0, max = 10_000_000, message = "must be 0 to 10,000,000"))]
    #[schema(minimum = 0, maximum = 10000000)]
    pub stock: Option<i64>,
    #[validate(length(min = 1, max = 30, message = "must be 1 to 30 characters"))]
    #[schema(min_length = 1, max_length = 30)]
    #[schema(example = "bungkus")]
    pub unit: String,
    #[validate(range(min = 1, max = 1_000_000, message = "must be 1 to 1,000,000 grams"))]
    #[schema(minimum = 1, maximum = 1000000)]
    pub weight_grams: i32,
    #[validate(custom(function = "validate_sku"))]
    #[schema(example = "SDG-KOPI-250")]
    pub sku: String,
    /// Image URLs in display order, at most 9: https links, and the links of
    /// images uploaded with `POST /api/v1/products/{id}/images` (which that
    /// endpoint adds here itself). Dropping an uploaded image's link hides it
    /// from the catalogue; `DELETE .../images/{image_id}` also removes it.
    #[validate(custom(function = "validate_images"))]
    #[serde(default)]
    pub images: Vec<String>,
    #[serde(default)]
    pub is_flagship: bool,
    #[validate(length(min = 1, max = 100, message = "must be 1 to 100 characters"))]
    #[schema(min_length = 1, max_length = 100)]
    #[schema(example = "Kopi Santri Sidogiri")]
    pub brand: Option<String>,
    /// `new` unless said otherwise.
    pub condition: Option<ProductCondition>,
    #[validate(range(min = 1, max = 1000, message = "must be 1 to 1000 cm"))]
    #[schema(minimum = 1, maximum = 1000)]
    pub length_cm: Option<i32>,
    #[validate(range(min = 1, max = 1000, message = "must be 1 to 1000 cm"))]
    #[schema(minimum = 1, maximum = 1000)]
    pub width_cm: Option<i32>,
    #[validate(range(min = 1, max = 1000, message = "must be 1 to 1000 cm"))]
    #[schema(minimum = 1, maximum = 1000)]
    pub height_cm: Option<i32>,
    /// 1 unless said otherwise.
    #[validate(range(min = 1, max = 10_000, message = "must be 1 to 10,000"))]
    #[schema(minimum = 1, maximum = 10000)]
    pub min_order_qty: Option<i32>,
    /// Days; required for food and beverages.
    #[validate(range(min = 1, max = 3650, message = "must be 1 to 3650 days"))]
    #[schema(minimum = 1, maximum = 3650)]
    pub shelf_life_days: Option<i32>,
    /// One or two option names (`["ukuran", "warna"]`) for a product sold
    /// in variants; omit for a product sold as one item.
    pub options: Option<Vec<String>>,
    /// Every combination of the options (at most 50), each with its own
    /// SKU, price, stock and weight. Required with `options`.
    pub variants: Option<Vec<variants::VariantInput>>,
}

impl ProductInput {
    fn check(&self) -> ApiResult<()> {
        let mut errors = match self.validate() {
            Ok(()) => Vec::new(),
            Err(e) => field_errors(&e),
        };
        if matches!(
            self.category,
            ProductCategory::Food | ProductCategory::Beverage
        ) && self.shelf_life_days.is_none()
        {
            errors.push(FieldError::new(
                "shelf_life_days",
                "required",
                "is required for food and beverages",
            ));
        }
        match (&self.options, &self.variants) {
            (None, None) => {
                for (field, missing) in [
                    ("price_idr", self.price_idr.is_none()),
                    ("stock", self.stock.is_none()),
                ] {
                    if missing {
                        errors.push(FieldError::new(field, "required", "is required"));
                    }
                }
            }
            (Some(options), Some(vs)) => {
                for (field, given) in [
                    ("price_idr", self.price_idr.is_some()),
                    ("stock", self.stock.is_some()),
                ] {
                    if given {
                        errors.push(FieldError::new(
                            field,
                            "not_allowed",
                            "is set per variant when the product has options; omit it",
                        ));
                    }
                }
                errors.extend(variants::check(options, vs));
            }
            (Some(_), None) => errors.push(FieldError::new(
                "variants",
                "required",
                "is required with options",
            )),
            (None, Some(_)) => errors.push(FieldError::new(
                "options",
                "required",
                "is required with variants",
            )),
        }
        if errors.is_empty() {
            Ok(())
        } else {
            errors.sort_by(|a, b| a.field.cmp(&b.field));
            Err(ApiError::Validation(errors))
        }
    }

    /// The variants to store (none for a product sold as one item).
    fn variant_inputs(&self) -> &[variants::VariantInput] {
        self.variants.as_deref().unwrap_or_default()
    }

    fn apply(&self, row: &mut products::ActiveModel) {
        row.koperasi_id = Set(self.koperasi_id);
        row.name = Set(self.name.trim().to_string());
        row.search_name = Set(crate::text::fold(&self.name));
        row.description = Set(self.description.trim().to_string());
        row.category = Set(self.category);
        let (price, stock) = match &self.variants {
            Some(vs) => variants::summary(vs),
            None => (
                self.price_idr.unwrap_or_default(),
                self.stock.unwrap_or_default(),
            ),
        };
        row.price_idr = Set(price);
        row.stock = Set(stock);
        row.options = Set(self.options.as_ref().map(|o| serde_json::json!(o)));
        row.unit = Set(self.unit.trim().to_string());
        row.weight_grams = Set(self.weight_grams);
        row.sku = Set(self.sku.clone());
        row.images = Set(serde_json::json!(self.images));
        row.is_flagship = Set(self.is_flagship);
        row.brand = Set(self.brand.as_ref().map(|b| b.trim().to_string()));
        row.condition = Set(self.condition.unwrap_or(ProductCondition::New));
        row.length_cm = Set(self.length_cm);
        row.width_cm = Set(self.width_cm);
        row.height_cm = Set(self.height_cm);
        row.min_order_qty = Set(self.min_order_qty.unwrap_or(1));
        row.shelf_life_days = Set(self.shelf_life_days);
    }
}

fn duplicate_sku() -> ApiError {
    ApiError::Conflict("This pesantren already has a product with this SKU.".into())
}

async fn sku_taken(
    db: &impl ConnectionTrait,
    pesantren_id: Uuid,
    sku: &str,
    except: Option<Uuid>,
) -> ApiResult<bool> {
    let mut q = products::Entity::find()
        .filter(products::Column::PesantrenId.eq(pesantren_id))
        .filter(products::Column::Sku.eq(sku));
    if let Some(id) = except {
        q = q.filter(products::Column::Id.ne(id));
    }
    Ok(q.one(db).await?.is_some())
}

/// The koperasi must belong to the product's pesantren.
async fn check_koperasi(
    db: &impl ConnectionTrait,
    pesantren_id: Uuid,
    koperasi_id: Option<Uuid>,
) -> ApiResult<()> {
    let Some(kid) = koperasi_id else {
        return Ok(());
    };
    let ok = koperasi::Entity::find_by_id(kid)
        .filter(koperasi::Column::PesantrenId.eq(pesantren_id))
        .one(db)
        .await?
        .is_some();
    if ok {
        Ok(())
    } else {
        Err(ApiError::validation_one(
            "koperasi_id",
            "invalid",
            "names no koperasi of this pesantren",
        ))
    }
}

fn map_unique(e: sea_orm::DbErr) -> ApiError {
    match e.sql_err() {
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => duplicate_sku(),
        _ => e.into(),
    }
}

pub async fn create(
    db: &DatabaseConnection,
    caller: &Caller,
    input: ProductInput,
) -> ApiResult<ProductView> {
    input.check()?;
    let own = caller.user().and_then(|u| {
        (u.role == Role::PesantrenManager)
            .then_some(u.pesantren_id)
            .flatten()
    });
    let pesantren_id = input
        .pesantren_id
        .or(own)
        .ok_or_else(|| ApiError::validation_one("pesantren_id", "required", "is required"))?;
    let owner = scope::load::<pesantren::Entity>(db, caller, pesantren_id)
        .await
        .map_err(|_| {
            ApiError::validation_one(
                "pesantren_id",
                "invalid",
                "names no pesantren you can manage",
            )
        })?;
    check_koperasi(db, owner.id, input.koperasi_id).await?;
    if sku_taken(db, owner.id, &input.sku, None).await? {
        return Err(duplicate_sku());
    }
    variants::check_against_stored(db, owner.id, None, &input.sku, input.variant_inputs()).await?;
    let now = db::now();
    let mut row = products::ActiveModel {
        id: Set(db::new_id()),
        pesantren_id: Set(owner.id),
        province_code: Set(owner.province_code.clone()),
        status: Set(ProductStatus::Draft),
        rejection_reason: Set(None),
        created_by: Set(caller.user().map(|u| u.id)),
        submitted_at: Set(None),
        reviewed_by: Set(None),
        reviewed_at: Set(None),
        in_feed: Set(false),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
        ..Default::default()
    };
    input.apply(&mut row);
    let mut tx = WriteTx::begin(db, &caller.actor()).await?;
    let saved = row.insert(&*tx).await.map_err(map_unique)?;
    variants::replace(&*tx, &saved, input.variant_inputs()).await?;
    let result = view(&*tx, saved).await?;
    tx.record(audit::Entry {
        action: "create",
        resource_type: "product",
        resource_id: result.id,
        province_code: Some(result.province_code.clone()),
        changes: audit::created(&result),
    })
    .await?;
    tx.commit().await?;
    Ok(result)
}

pub async fn get(db: &DatabaseConnection, caller: &Caller, id: Uuid) -> ApiResult<ProductView> {
    let row = scope::load::<products::Entity>(db, caller, id).await?;
    view(db, row).await
}

pub async fn update(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
    input: ProductInput,
    expected_version: Option<i32>,
) -> ApiResult<ProductView> {
    let current = scope::load::<products::Entity>(db, caller, id).await?;
    input.check()?;
    check_version(expected_version, current.version)?;
    check_koperasi(db, current.pesantren_id, input.koperasi_id).await?;
    if input.sku != current.sku && sku_taken(db, current.pesantren_id, &input.sku, Some(id)).await?
    {
        return Err(duplicate_sku());
    }
    variants::check_against_stored(
        db,
        current.pesantren_id,
        Some(id),
        &input.sku,
        input.variant_inputs(),
    )
    .await?;
    let content_changed = input.name.trim() != current.name
        || input.description.trim() != current.description
        || input.category != current.category;
    let status = curation::after_edit(current.status, content_changed);
    let before = view(db, current.clone()).await?;
    let mut row = products::ActiveModel {
        status: Set(status),
        updated_at: Set(db::now()),
        version: Set(current.version + 1),
        ..Default::default()
    };
    if status != current.status {
        row.rejection_reason = Set(None);
        row.submitted_at = Set((status == ProductStatus::InReview).then(db::now));
    }
    input.apply(&mut row);
    let mut tx = feed::begin(db, &caller.actor()).await?;
    scope::update_if_version::<products::Entity>(&*tx, id, current.version, row)
        .await
        .map_err(|e| match e {
            ApiError::Conflict(_) => duplicate_sku(),
            other => other,
        })?;
    variants::replace(&*tx, &current, input.variant_inputs()).await?;
    feed::sync_product(&tx, id).await?;
    let after = reload(&*tx, id).await?;
    tx.record(audit::Entry {
        action: "update",
        resource_type: "product",
        resource_id: id,
        province_code: Some(after.province_code.clone()),
        changes: audit::diff(&before, &after),
    })
    .await?;
    tx.commit().await?;
    Ok(after)
}

async fn reload(db: &impl ConnectionTrait, id: Uuid) -> ApiResult<ProductView> {
    let row = products::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("product"))?;
    view(db, row).await
}

/// Applies a curation action. Submitting, unlisting and relisting are the
/// pesantren's; approving and rejecting are curators' and admins' of the
/// product's province, never on a product they created themselves.
pub async fn act(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
    action: Action,
    reason: Option<String>,
    expected_version: Option<i32>,
) -> ApiResult<ProductView> {
    let current = scope::load::<products::Entity>(db, caller, id).await?;
    check_version(expected_version, current.version)?;
    let reviewing = matches!(action, Action::Approve | Action::Reject);
    if reviewing
        && current.created_by.is_some()
        && current.created_by == caller.user().map(|u| u.id)
    {
        return Err(ApiError::Forbidden(
            "Nobody reviews a product they created themselves.".into(),
        ));
    }
    let status = curation::next(current.status, action)?;
    let now = db::now();
    let mut row = products::ActiveModel {
        status: Set(status),
        updated_at: Set(now),
        version: Set(current.version + 1),
        ..Default::default()
    };
    match action {
        Action::Submit => {
            row.submitted_at = Set(Some(now));
            row.rejection_reason = Set(None);
        }
        Action::Approve | Action::Reject => {
            row.reviewed_by = Set(caller.user().map(|u| u.id));
            row.reviewed_at = Set(Some(now));
            row.rejection_reason = Set(reason.clone());
        }
        Action::Unlist | Action::Relist => {}
    }
    let before = view(db, current.clone()).await?;
    let mut tx = feed::begin(db, &caller.actor()).await?;
    scope::update_if_version::<products::Entity>(&*tx, id, current.version, row).await?;
    feed::sync_product(&tx, id).await?;
    let after = reload(&*tx, id).await?;
    tx.record(audit::Entry {
        action: action.verb(),
        resource_type: "product",
        resource_id: id,
        province_code: Some(after.province_code.clone()),
        changes: audit::diff(&before, &after),
    })
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// How a product list is ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProductSort {
    /// Newest first (the default).
    #[default]
    Newest,
    /// By name, A to Z (accents and case ignored).
    Name,
    /// Cheapest first.
    Price,
    /// Dearest first.
    PriceDesc,
}

/// Filters and order of the product list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProductFilter {
    pub pesantren_id: Option<Uuid>,
    pub category: Option<ProductCategory>,
    pub status: Option<ProductStatus>,
    pub is_flagship: Option<bool>,
    /// Part of the name, matched without regard to case or accents.
    pub q: Option<String>,
    #[param(inline)]
    pub sort: Option<ProductSort>,
}

/// Keyset position of a sorted list: the sort key and id of the last row.
#[derive(Serialize, Deserialize)]
struct Position {
    s: ProductSortTag,
    k: serde_json::Value,
    id: Uuid,
}

#[derive(Serialize, Deserialize, PartialEq, Eq, Clone, Copy)]
enum ProductSortTag {
    N,
    A,
    P,
    D,
}

impl From<ProductSort> for ProductSortTag {
    fn from(s: ProductSort) -> Self {
        match s {
            ProductSort::Newest => Self::N,
            ProductSort::Name => Self::A,
            ProductSort::Price => Self::P,
            ProductSort::PriceDesc => Self::D,
        }
    }
}

pub async fn list(
    db: &DatabaseConnection,
    caller: &Caller,
    filter: &ProductFilter,
    page: &PageParams,
) -> ApiResult<Page<ProductView>> {
    let limit = page.limit()?;
    let sort = filter.sort.unwrap_or_default();
    let mut q = scope::find::<products::Entity>(caller);
    if let Some(pid) = filter.pesantren_id {
        q = q.filter(products::Column::PesantrenId.eq(pid));
    }
    if let Some(c) = filter.category {
        q = q.filter(products::Column::Category.eq(c));
    }
    if let Some(s) = filter.status {
        q = q.filter(products::Column::Status.eq(s));
    }
    if let Some(f) = filter.is_flagship {
        q = q.filter(products::Column::IsFlagship.eq(f));
    }
    if let Some(text) = filter.q.as_deref().filter(|t| !t.trim().is_empty()) {
        q = q.filter(
            Expr::col((products::Entity, products::Column::SearchName))
                .like(LikeExpr::new(crate::text::like_pattern(text)).escape('\\')),
        );
    }
    if let Some(cursor) = &page.cursor {
        let pos: Position = decode_cursor(cursor)?;
        if pos.s != sort.into() {
            return Err(ApiError::BadRequest(
                "The cursor belongs to a list in another order; start again without it.".into(),
            ));
        }
        let bad = || {
            ApiError::BadRequest(
                "The cursor cannot be parsed; pass `next_cursor` unchanged.".into(),
            )
        };
        q = match sort {
            ProductSort::Newest => q.filter(products::Column::Id.lt(pos.id)),
            ProductSort::Name => {
                let k = pos.k.as_str().ok_or_else(bad)?.to_string();
                q.filter(
                    Condition::any()
                        .add(products::Column::SearchName.gt(k.clone()))
                        .add(
                            Condition::all()
                                .add(products::Column::SearchName.eq(k))
                                .add(products::Column::Id.gt(pos.id)),
                        ),
                )
            }
            ProductSort::Price | ProductSort::PriceDesc => {
                let k = pos.k.as_i64().ok_or_else(bad)?;
                let (beyond, id_beyond) = if sort == ProductSort::Price {
                    (
                        products::Column::PriceIdr.gt(k),
                        products::Column::Id.gt(pos.id),
                    )
                } else {
                    (
                        products::Column::PriceIdr.lt(k),
                        products::Column::Id.gt(pos.id),
                    )
                };
                q.filter(
                    Condition::any().add(beyond).add(
                        Condition::all()
                            .add(products::Column::PriceIdr.eq(k))
                            .add(id_beyond),
                    ),
                )
            }
        };
    }
    q = match sort {
        ProductSort::Newest => q.order_by_desc(products::Column::Id),
        ProductSort::Name => q
            .order_by_asc(products::Column::SearchName)
            .order_by_asc(products::Column::Id),
        ProductSort::Price => q
            .order_by_asc(products::Column::PriceIdr)
            .order_by_asc(products::Column::Id),
        ProductSort::PriceDesc => q
            .order_by_desc(products::Column::PriceIdr)
            .order_by_asc(products::Column::Id),
    };
    let mut rows = q.limit(limit + 1).all(db).await?;
    let next_cursor = if rows.len() as u64 > limit {
        rows.truncate(limit as usize);
        rows.last().map(|p| {
            let k = match sort {
                ProductSort::Newest => serde_json::Value::Null,
                ProductSort::Name => serde_json::Value::String(p.search_name.clone()),
                ProductSort::Price | ProductSort::PriceDesc => serde_json::json!(p.price_idr),
            };
            encode_cursor(&Position {
                s: sort.into(),
                k,
                id: p.id,
            })
        })
    } else {
        None
    };
    Ok(Page {
        data: views(db, rows).await?,
        next_cursor,
    })
}

const PROBLEM: &str = "application/problem+json";

/// Create a product (as `draft`).
///
/// Managers create products of their own pesantren (`pesantren_id` may be
/// omitted); admins name the pesantren. The SKU is unique within the pesantren.
#[utoipa::path(
    operation_id = "create_product",
    tag = "products",
    request_body = ProductInput,
    security(("bearer" = ["admin", "pesantren_manager"])),
    responses(
        (status = 201, description = "Created as a draft.", body = ProductView),
        (status = 409, description = "The SKU is taken in this pesantren.", body = crate::error::Problem, content_type = PROBLEM)
    )
)]
#[post("")]
async fn create_product(
    state: web::Data<AppState>,
    auth: Require<RegisterWriters>,
    body: crate::http::Body<ProductInput>,
) -> ApiResult<HttpResponse> {
    let p = create(&state.db, &auth, body.into_inner()?).await?;
    Ok(with_etag(HttpResponse::Created(), p.version)
        .insert_header(("Location", format!("/api/v1/products/{}", p.id)))
        .json(p))
}

/// List products in the caller's scope.
///
/// Curators and admins see their province, managers their pesantren. Filter
/// and sort as below; the cursor keeps the order it was made for.
#[utoipa::path(
    operation_id = "list_products",
    tag = "products",
    params(PageParams, ProductFilter),
    security(("bearer" = ["admin", "curator", "pesantren_manager"])),
    responses((status = 200, description = "One page of products.", body = Page<ProductView>))
)]
#[get("")]
async fn list_products(
    state: web::Data<AppState>,
    auth: Require<RegisterStaff>,
    page: web::Query<PageParams>,
    filter: web::Query<ProductFilter>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(list(&state.db, &auth, &filter, &page).await?))
}

/// Get a product.
#[utoipa::path(
    operation_id = "get_product",
    tag = "products",
    params(("id" = Uuid, Path, description = "Product id")),
    security(("bearer" = ["admin", "curator", "pesantren_manager"])),
    responses((status = 200, description = "The product.", body = ProductView))
)]
#[get("/{id}")]
async fn get_product(
    state: web::Data<AppState>,
    auth: Require<RegisterStaff>,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let p = get(&state.db, &auth, *id).await?;
    Ok(with_etag(HttpResponse::Ok(), p.version).json(p))
}

/// Update a product (full replacement).
///
/// Editing a `rejected` product makes it a `draft` again; changing the name,
/// description or category of an `approved` (or `unlisted`) product sends it
/// back to `in_review` and out of the catalogue; price and stock change
/// nothing but themselves. Send `If-Match` with the ETag you read.
#[utoipa::path(
    operation_id = "update_product",
    tag = "products",
    params(("id" = Uuid, Path, description = "Product id")),
    request_body = ProductInput,
    security(("bearer" = ["admin", "pesantren_manager"])),
    responses(
        (status = 200, description = "Updated.", body = ProductView),
        (status = 409, description = "The SKU is taken in this pesantren.", body = crate::error::Problem, content_type = PROBLEM),
        (status = 412, description = "`If-Match` does not match the current version.", body = crate::error::Problem, content_type = PROBLEM)
    )
)]
#[put("/{id}")]
async fn update_product(
    state: web::Data<AppState>,
    auth: Require<RegisterWriters>,
    id: web::Path<Uuid>,
    req: HttpRequest,
    body: crate::http::Body<ProductInput>,
) -> ApiResult<HttpResponse> {
    let p = update(&state.db, &auth, *id, body.into_inner()?, if_match(&req)?).await?;
    Ok(with_etag(HttpResponse::Ok(), p.version).json(p))
}

/// Why a curator rejects a product.
#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RejectRequest {
    /// Shown to the pesantren, so it can improve the product.
    #[validate(length(min = 1, max = 2000, message = "is required (1 to 2000 characters)"))]
    #[schema(min_length = 1, max_length = 2000)]
    #[serde(default)]
    #[schema(example = "The photos do not show the label.")]
    pub reason: String,
}

async fn run(
    state: &AppState,
    caller: &Caller,
    id: Uuid,
    action: Action,
    reason: Option<String>,
    req: &HttpRequest,
) -> ApiResult<HttpResponse> {
    let p = act(&state.db, caller, id, action, reason, if_match(req)?).await?;
    Ok(with_etag(HttpResponse::Ok(), p.version).json(p))
}

macro_rules! transition {
    ($fn:ident, $path:literal, $op:literal, $action:expr, $policy:ty, [$($role:literal),*], $summary:literal, $doc:literal) => {
        #[doc = $summary]
        #[doc = ""]
        #[doc = $doc]
        #[utoipa::path(
            operation_id = $op,
            tag = "products",
            params(("id" = Uuid, Path, description = "Product id")),
            security(("bearer" = [$($role),*])),
            responses(
                (status = 200, description = "The product in its new state.", body = ProductView),
                (status = 409, description = "Not allowed from the current state (named in `detail`).", body = crate::error::Problem, content_type = PROBLEM),
                (status = 412, description = "`If-Match` does not match the current version.", body = crate::error::Problem, content_type = PROBLEM)
            )
        )]
        #[post($path)]
        async fn $fn(state: web::Data<AppState>, auth: Require<$policy>, id: web::Path<Uuid>, req: HttpRequest) -> ApiResult<HttpResponse> {
            run(&state, &auth, *id, $action, None, &req).await
        }
    };
}

transition!(
    submit_product,
    "/{id}/submit",
    "submit_product",
    Action::Submit,
    RegisterWriters,
    ["admin", "pesantren_manager"],
    "Submit a draft for curation.",
    "`draft` → `in_review`."
);
transition!(approve_product, "/{id}/approve", "approve_product", Action::Approve, Staff, ["admin", "curator"],
    "Approve a product under review.", "`in_review` → `approved`: published once its pesantren is verified and, for food, beverage, herbal and cosmetics, it has a valid halal certificate. Curators and admins of the product's province only, never on a product they created.");
transition!(
    unlist_product,
    "/{id}/unlist",
    "unlist_product",
    Action::Unlist,
    RegisterWriters,
    ["admin", "pesantren_manager"],
    "Take an approved product out of the catalogue.",
    "`approved` → `unlisted`."
);
transition!(
    relist_product,
    "/{id}/relist",
    "relist_product",
    Action::Relist,
    RegisterWriters,
    ["admin", "pesantren_manager"],
    "Put an unlisted product back.",
    "`unlisted` → `approved`."
);

/// Reject a product under review, with a reason.
///
/// `in_review` → `rejected`. Editing it afterwards makes it a `draft` again.
/// Curators and admins of the product's province only, never on a product
/// they created.
#[utoipa::path(
    operation_id = "reject_product",
    tag = "products",
    params(("id" = Uuid, Path, description = "Product id")),
    request_body = RejectRequest,
    security(("bearer" = ["admin", "curator"])),
    responses(
        (status = 200, description = "Rejected.", body = ProductView),
        (status = 409, description = "Not allowed from the current state (named in `detail`).", body = crate::error::Problem, content_type = PROBLEM),
        (status = 412, description = "`If-Match` does not match the current version.", body = crate::error::Problem, content_type = PROBLEM)
    )
)]
#[post("/{id}/reject")]
async fn reject_product(
    state: web::Data<AppState>,
    auth: Require<Staff>,
    id: web::Path<Uuid>,
    req: HttpRequest,
    body: web::Bytes,
) -> ApiResult<HttpResponse> {
    let body: RejectRequest = optional_json(&body)?;
    crate::validation::validate(&body)?;
    run(
        &state,
        &auth,
        *id,
        Action::Reject,
        Some(body.reason.trim().to_string()),
        &req,
    )
    .await
}

async fn batch_answer(result: ApiResult<(serde_json::Value, bool)>) -> ApiResult<HttpResponse> {
    let (body, replayed) = result?;
    Ok(HttpResponse::Ok()
        .insert_header((
            "Idempotent-Replayed",
            if replayed { "true" } else { "false" },
        ))
        .json(body))
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
    operation_id = "update_product_stock",
    tag = "products",
    request_body = batch::StockBatch,
    params(("Idempotency-Key" = String, Header, description = "1 to 255 visible ASCII characters, new for each batch, the same when retrying it.")),
    security(("bearer" = ["admin", "pesantren_manager"])),
    responses(
        (status = 200, description = "Each item's outcome.", body = batch::BatchResult,
            headers(("Idempotent-Replayed" = bool, description = "`true` when this is the stored answer of an earlier request with the same key."))),
        (status = 400, description = "No usable `Idempotency-Key`.", body = crate::error::Problem, content_type = PROBLEM),
        (status = 422, description = "No items or more than 100, or the key was used with another body.", body = crate::error::Problem, content_type = PROBLEM)
    )
)]
#[post("/stock")]
async fn update_product_stock(
    state: web::Data<AppState>,
    auth: Require<RegisterWriters>,
    req: HttpRequest,
    body: crate::http::Body<batch::StockBatch>,
) -> ApiResult<HttpResponse> {
    let key = crate::catalog::orders::idempotency_key(&req)?;
    batch_answer(batch::stock(&state.db, &auth, &key, body.into_inner()?).await).await
}

/// Set the price of many products (or variants) at once.
///
/// As `POST /api/v1/products/stock`, for `price_idr` (100 to 100,000,000
/// rupiah). A product with variants then shows its lowest variant price.
#[utoipa::path(
    operation_id = "update_product_prices",
    tag = "products",
    request_body = batch::PriceBatch,
    params(("Idempotency-Key" = String, Header, description = "1 to 255 visible ASCII characters, new for each batch, the same when retrying it.")),
    security(("bearer" = ["admin", "pesantren_manager"])),
    responses(
        (status = 200, description = "Each item's outcome.", body = batch::BatchResult,
            headers(("Idempotent-Replayed" = bool, description = "`true` when this is the stored answer of an earlier request with the same key."))),
        (status = 400, description = "No usable `Idempotency-Key`.", body = crate::error::Problem, content_type = PROBLEM),
        (status = 422, description = "No items or more than 100, or the key was used with another body.", body = crate::error::Problem, content_type = PROBLEM)
    )
)]
#[post("/prices")]
async fn update_product_prices(
    state: web::Data<AppState>,
    auth: Require<RegisterWriters>,
    req: HttpRequest,
    body: crate::http::Body<batch::PriceBatch>,
) -> ApiResult<HttpResponse> {
    let key = crate::catalog::orders::idempotency_key(&req)?;
    batch_answer(batch::prices(&state.db, &auth, &key, body.into_inner()?).await).await
}

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(
        utoipa_actix_web::scope("/products")
            .service(update_product_stock)
            .service(update_product_prices)
            .service(create_product)
            .service(list_products)
            .service(get_product)
            .service(update_product)
            .service(submit_product)
            .service(approve_product)
            .service(reject_product)
            .service(unlist_product)
            .service(relist_product),
    );
}
