//! Request and response types of products.

use entity::{products, ProductCategory, ProductCondition, ProductStatus};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use super::curation::{Filled, Shown, VariantLook};
use super::variants::{self, VariantInput};
use crate::error::{FieldCode, FieldError};
use crate::feed::view::{options_of, VariantView};
use crate::validation::{invalid, validator_errors, Check};

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
    /// Empty in a draft that does not have one yet, as are `price_idr`,
    /// `stock`, `unit`, `weight_grams` and `sku`: `submit` asks for them.
    #[schema(example = "Robusta dari kebun santri di lereng Bromo, disangrai di pesantren.")]
    pub description: Option<String>,
    pub category: ProductCategory,
    /// Whole rupiah, 100 to 100,000,000.
    #[schema(example = 40000)]
    pub price_idr: Option<i64>,
    pub stock: Option<i64>,
    #[schema(example = "bungkus")]
    pub unit: Option<String>,
    #[schema(example = 250)]
    pub weight_grams: Option<i32>,
    /// Unique within the pesantren.
    #[schema(example = "SDG-KOPI-250")]
    pub sku: Option<String>,
    /// Image URLs in display order, at most 9: links typed by the pesantren
    /// and those of images uploaded with `POST /api/v1/products/{id}/images`.
    pub images: Vec<String>,
    /// Flagship product (produk unggulan), as awarded by a curator of the
    /// province with `POST /api/v1/products/{id}/flagship`; read-only here.
    pub is_flagship: bool,
    /// The pesantren asks for flagship status; writable by its writers.
    pub flagship_requested: bool,
    /// The curator who awarded flagship status, and when.
    pub flagship_awarded_by: Option<Uuid>,
    pub flagship_awarded_at: Option<chrono::DateTime<chrono::Utc>>,
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
    pub variants: Option<Vec<VariantView>>,
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
    pub fn new(p: products::Model, published: bool, vs: Option<Vec<VariantView>>) -> Self {
        let options = options_of(&p);
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
            flagship_requested: p.flagship_requested,
            flagship_awarded_by: p.flagship_awarded_by,
            flagship_awarded_at: p.flagship_awarded_at,
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

impl ProductView {
    /// What curators judged of it, as stored.
    pub fn shown(&self) -> Shown {
        Shown {
            name: self.name.clone(),
            description: self.description.clone(),
            category: self.category,
            brand: self.brand.clone(),
            unit: self.unit.clone(),
            weight_grams: self.weight_grams,
            size_cm: [self.length_cm, self.width_cm, self.height_cm],
            condition: self.condition,
            shelf_life_days: self.shelf_life_days,
            options: self.options.clone(),
            variants: self
                .variants
                .iter()
                .flatten()
                .map(|v| VariantLook {
                    values: v.values.clone(),
                    weight_grams: v.weight_grams,
                    size_cm: [v.length_cm, v.width_cm, v.height_cm],
                })
                .collect(),
            images: self.images.clone(),
        }
    }
}

pub(super) fn validate_sku(sku: &str) -> Result<(), validator::ValidationError> {
    let ok = (1..=64).contains(&sku.len())
        && sku
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if ok {
        Ok(())
    } else {
        Err(invalid(FieldCode::Sku))
    }
}

/// The most images a product holds.
pub const MAX_IMAGES: usize = 9;

/// Where the API serves an uploaded image, followed by its id.
pub const IMAGE_PATH: &str = "/api/v1/images/";

/// Whether `url` looks like a link to an image served by this API (under
/// any base, so also `http://` ones of a development server). Whether it
/// is one of this product's uploads, under this API's base, is for
/// `service::check_image_sources`.
pub fn is_own_url(url: &str) -> bool {
    url.rsplit_once(IMAGE_PATH)
        .is_some_and(|(base, id)| !base.is_empty() && Uuid::parse_str(id).is_ok())
}

/// Where the links of a product's `images` may point: the API's own
/// uploads under `base` (the base its image URLs are made under), and
/// https links to `hosts` (`OPOP_IMAGE_HOSTS`).
#[derive(Debug, Clone, Copy)]
pub struct ImageSources<'a> {
    pub base: &'a str,
    pub hosts: &'a [String],
}

pub(super) fn validate_images(images: &[String]) -> Result<(), validator::ValidationError> {
    if images.len() > MAX_IMAGES {
        let mut e = validator::ValidationError::new("length")
            .with_message(FieldCode::ItemsMax.as_str().into());
        e.add_param("max".into(), &MAX_IMAGES);
        return Err(e);
    }
    for url in images {
        // The API's own image links may be http: a development server has
        // no TLS, and a product read back must be writable back unchanged.
        let ok = url.len() <= 500
            && (url.starts_with("https://") || (url.starts_with("http://") && is_own_url(url)))
            && validator::ValidateUrl::validate_url(url);
        if !ok {
            return Err(invalid(FieldCode::ImageUrls));
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
    #[validate(length(min = 3, max = 200))]
    #[schema(min_length = 3, max_length = 200)]
    #[schema(example = "Kopi Robusta Sidogiri 250 g")]
    pub name: String,
    /// Required to submit; a draft may leave it out.
    #[validate(length(min = 1, max = 5000))]
    #[schema(min_length = 1, max_length = 5000)]
    #[schema(example = "Robusta dari kebun santri di lereng Bromo, disangrai di pesantren.")]
    pub description: Option<String>,
    pub category: ProductCategory,
    /// Whole rupiah, 100 to 100,000,000 (what marketplaces accept).
    /// Required to submit a product without `options`; omitted with them
    /// (each variant has its own, and the product shows the lowest).
    #[validate(range(min = 100, max = 100_000_000, message = "field.range_rupiah"))]
    #[schema(example = 40000)]
    pub price_idr: Option<i64>,
    /// Required to submit a product without `options`; omitted with them
    /// (the product shows the total of its variants).
    #[validate(range(min = 0, max = 10_000_000))]
    #[schema(minimum = 0, maximum = 10000000)]
    pub stock: Option<i64>,
    /// Required to submit.
    #[validate(length(min = 1, max = 30))]
    #[schema(min_length = 1, max_length = 30)]
    #[schema(example = "bungkus")]
    pub unit: Option<String>,
    /// Required to submit.
    #[validate(range(min = 1, max = 1_000_000, message = "field.range_grams"))]
    #[schema(minimum = 1, maximum = 1000000)]
    pub weight_grams: Option<i32>,
    /// Unique within the pesantren; required to submit.
    #[validate(custom(function = "validate_sku"))]
    #[schema(example = "SDG-KOPI-250")]
    pub sku: Option<String>,
    /// Image URLs in display order, at most 9 (at least one to submit):
    /// the links of this product's images uploaded with
    /// `POST /api/v1/products/{id}/images` (which that endpoint adds here
    /// itself), and https links to the hosts the deployment allows
    /// (`OPOP_IMAGE_HOSTS`, none by default); any other link is refused
    /// (`images[i]`, `image_source`), except one the product holds already.
    /// A new link sends an approved product back to review. Dropping an
    /// uploaded image's link hides it from the catalogue;
    /// `DELETE .../images/{image_id}` also removes it.
    #[validate(custom(function = "validate_images"))]
    #[serde(default)]
    pub images: Vec<String>,
    /// Ask a curator of the province for flagship status (which only a
    /// curator awards: `is_flagship` is read-only).
    #[serde(default)]
    pub flagship_requested: bool,
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    #[schema(example = "Kopi Santri Sidogiri")]
    pub brand: Option<String>,
    /// `new` unless said otherwise.
    pub condition: Option<ProductCondition>,
    #[validate(range(min = 1, max = 1000, message = "field.range_cm"))]
    #[schema(minimum = 1, maximum = 1000)]
    pub length_cm: Option<i32>,
    #[validate(range(min = 1, max = 1000, message = "field.range_cm"))]
    #[schema(minimum = 1, maximum = 1000)]
    pub width_cm: Option<i32>,
    #[validate(range(min = 1, max = 1000, message = "field.range_cm"))]
    #[schema(minimum = 1, maximum = 1000)]
    pub height_cm: Option<i32>,
    /// 1 unless said otherwise.
    #[validate(range(min = 1, max = 10_000))]
    #[schema(minimum = 1, maximum = 10000)]
    pub min_order_qty: Option<i32>,
    /// Days; required to submit food and beverages.
    #[validate(range(min = 1, max = 3650, message = "field.range_days"))]
    #[schema(minimum = 1, maximum = 3650)]
    pub shelf_life_days: Option<i32>,
    /// One or two option names (`["ukuran", "warna"]`) for a product sold
    /// in variants; omit for a product sold as one item.
    pub options: Option<Vec<String>>,
    /// Every combination of the options (at most 50), each with its own
    /// SKU, price, stock and weight. Required with `options`.
    pub variants: Option<Vec<VariantInput>>,
}

impl ProductInput {
    /// The variants to store (none for a product sold as one item).
    pub fn variant_inputs(&self) -> &[VariantInput] {
        self.variants.as_deref().unwrap_or_default()
    }

    /// What curators would see of it once stored (trimmed as `service`
    /// stores it).
    pub fn shown(&self) -> Shown {
        let text = |s: &Option<String>| {
            s.as_ref()
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        Shown {
            name: self.name.trim().to_string(),
            description: text(&self.description),
            category: self.category,
            brand: self.brand.as_ref().map(|b| b.trim().to_string()),
            unit: text(&self.unit),
            weight_grams: self.weight_grams,
            size_cm: [self.length_cm, self.width_cm, self.height_cm],
            condition: self.condition.unwrap_or(ProductCondition::New),
            shelf_life_days: self.shelf_life_days,
            options: self.options.clone(),
            variants: self
                .variant_inputs()
                .iter()
                .map(|v| VariantLook {
                    values: v.values.clone(),
                    weight_grams: v.weight_grams,
                    size_cm: [v.length_cm, v.width_cm, v.height_cm],
                })
                .collect(),
            images: self.images.clone(),
        }
    }

    /// What it fills in, for [`curation::missing`].
    pub fn filled(&self) -> Filled {
        let blank = |s: &Option<String>| s.as_deref().is_none_or(|s| s.trim().is_empty());
        Filled {
            category: self.category,
            description: !blank(&self.description),
            unit: !blank(&self.unit),
            weight: self.weight_grams.is_some(),
            sku: self.sku.is_some(),
            images: self.images.len(),
            shelf_life: self.shelf_life_days.is_some(),
            options: self.options.is_some(),
            variants: self.variant_inputs().len(),
            price: self.price_idr.is_some(),
            stock: self.stock.is_some(),
        }
    }
}

impl Check for ProductInput {
    /// The rules of each field sent, and of options against variants. What
    /// a product still lacks is not an error here: a draft may be
    /// incomplete, and `submit` lists what it lacks.
    fn check(&self) -> Vec<FieldError> {
        let mut errors = validator_errors(self.validate());
        match (&self.options, &self.variants) {
            (None, None) => {}
            (Some(options), Some(vs)) => {
                for (field, given) in [
                    ("price_idr", self.price_idr.is_some()),
                    ("stock", self.stock.is_some()),
                ] {
                    if given {
                        errors.push(FieldError::new(field, FieldCode::SetPerVariant));
                    }
                }
                errors.extend(variants::check(options, vs));
            }
            (Some(_), None) => errors.push(
                FieldError::new("variants", FieldCode::RequiredWith).with("other", "`options`"),
            ),
            (None, Some(_)) => errors.push(
                FieldError::new("options", FieldCode::RequiredWith).with("other", "`variants`"),
            ),
        }
        errors.sort_by(|a, b| a.field.cmp(&b.field));
        errors
    }
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
    /// Awarded flagship products only (`true`) or the others (`false`).
    pub is_flagship: Option<bool>,
    /// Products whose pesantren asks for flagship status (`true`).
    pub flagship_requested: Option<bool>,
    /// Part of the name, matched without regard to case or accents.
    pub q: Option<String>,
    #[param(inline)]
    pub sort: Option<ProductSort>,
}

/// Keyset position of a sorted list: the sort key and id of the last row.
#[derive(Serialize, Deserialize)]
pub(super) struct Position {
    pub s: ProductSortTag,
    pub k: serde_json::Value,
    pub id: Uuid,
}

#[derive(Serialize, Deserialize, PartialEq, Eq, Clone, Copy)]
pub(super) enum ProductSortTag {
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

/// Why a curator rejects a product.
#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RejectRequest {
    /// Shown to the pesantren, so it can improve the product.
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000)]
    #[serde(default)]
    #[schema(example = "The photos do not show the label.")]
    #[schema(required = true)]
    pub reason: String,
}

crate::check_with_validator!(RejectRequest);

crate::merge_patch_schema!(
    /// A JSON Merge Patch (RFC 7396) of `ProductInput`: only the fields to change;
    /// `null` clears an optional one.
    ProductPatch,
    ProductInput
);
