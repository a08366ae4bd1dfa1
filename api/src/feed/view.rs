//! The catalogue's view of a product: the public fields, its pesantren, a
//! summary of its verified certificates and a WhatsApp buy link. The same
//! shape is the `product` of an `upsert` in the change feed.

use std::collections::HashMap;

use std::collections::BTreeMap;

use entity::{
    certifications, partner_listings, partners, pesantren, product_variants, products,
    CertificationStatus, CertificationType, ProductCategory, ProductCondition,
};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::error::ApiResult;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CatalogPesantren {
    pub id: Uuid,
    #[schema(example = "Pondok Pesantren Sidogiri")]
    pub name: String,
    #[schema(example = "35")]
    pub province_code: String,
    #[schema(example = "3514")]
    pub regency_code: String,
    /// The province's name (Kemendagri); `null` only for a code the data
    /// set lacks (see `docs/regions.md`).
    #[serde(default)]
    #[schema(example = "Jawa Timur", required = true)]
    pub province_name: Option<String>,
    /// The regency's or city's name (Kemendagri); `null` only for a code
    /// the data set lacks.
    #[serde(default)]
    #[schema(example = "Kabupaten Pasuruan", required = true)]
    pub regency_name: Option<String>,
}

/// A verified certificate, as buyers and marketplaces need it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CertificationSummary {
    #[serde(rename = "type")]
    pub cert_type: CertificationType,
    #[schema(example = "ID35110012345670224")]
    pub number: String,
    #[schema(example = "BPJPH")]
    pub issuer: String,
    pub expires_on: Option<chrono::NaiveDate>,
}

/// A partner's listing of the product, shown as a buy link.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ListingLink {
    /// The partner's code, such as `shopee`.
    #[schema(example = "shopee")]
    pub partner: String,
    #[schema(example = "Shopee Indonesia")]
    pub partner_name: String,
    #[schema(example = "https://shopee.co.id/product/123456789/2345678901")]
    pub url: String,
}

/// A published product.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CatalogProduct {
    pub id: Uuid,
    #[schema(example = "Kopi Robusta Sidogiri 250 g")]
    pub name: String,
    #[schema(example = "Robusta dari kebun santri di lereng Bromo, disangrai di pesantren.")]
    pub description: String,
    pub category: ProductCategory,
    /// Whole rupiah.
    #[schema(example = 40000)]
    pub price_idr: i64,
    pub stock: i64,
    #[schema(example = "bungkus")]
    pub unit: String,
    #[schema(example = 250)]
    pub weight_grams: i32,
    /// `weight_grams` / 1000, for marketplaces that take kilograms (Shopee,
    /// TikTok Shop); Tokopedia takes grams.
    #[schema(example = 0.25)]
    pub weight_kg: f64,
    #[schema(example = "SDG-KOPI-250")]
    pub sku: String,
    pub images: Vec<String>,
    pub is_flagship: bool,
    #[schema(example = "Kopi Santri Sidogiri")]
    pub brand: Option<String>,
    pub condition: ProductCondition,
    pub length_cm: Option<i32>,
    pub width_cm: Option<i32>,
    pub height_cm: Option<i32>,
    pub min_order_qty: i32,
    pub shelf_life_days: Option<i32>,
    /// Option names when the product is sold in variants.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<Vec<String>>,
    /// The combinations, each with its own SKU, price, stock and weight;
    /// orders name one by `variant_id`. `price_idr` is then the lowest
    /// price and `stock` the total.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variants: Option<Vec<VariantView>>,
    pub pesantren: CatalogPesantren,
    pub certifications: Vec<CertificationSummary>,
    /// `https://wa.me/62…` with a message naming the product.
    #[schema(example = "https://wa.me/6281234567890")]
    pub whatsapp_url: String,
    pub listings: Vec<ListingLink>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
    pub version: i32,
}

/// Renders products (in the given order) with their pesantren,
/// certificates and listings, in four queries whatever their number.
pub async fn render(
    db: &impl ConnectionTrait,
    rows: Vec<products::Model>,
) -> ApiResult<Vec<CatalogProduct>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<Uuid> = rows.iter().map(|p| p.id).collect();
    let pesantren_ids: Vec<Uuid> = rows.iter().map(|p| p.pesantren_id).collect();
    let pesantren: HashMap<Uuid, pesantren::Model> = pesantren::Entity::find()
        .filter(pesantren::Column::Id.is_in(pesantren_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let mut certs: HashMap<Uuid, Vec<CertificationSummary>> = HashMap::new();
    for c in certifications::Entity::find()
        .filter(certifications::Column::ProductId.is_in(ids.clone()))
        .filter(certifications::Column::Status.eq(CertificationStatus::Verified))
        .all(db)
        .await?
    {
        let today = crate::publication::today();
        if c.expires_on.is_some_and(|d| d < today) {
            continue;
        }
        certs
            .entry(c.product_id)
            .or_default()
            .push(CertificationSummary {
                cert_type: c.cert_type,
                number: c.number,
                issuer: c.issuer,
                expires_on: c.expires_on,
            });
    }
    // Only products with options have variants: most have none, and then
    // no statement is sent.
    let with_options: Vec<Uuid> = rows
        .iter()
        .filter(|p| p.options.is_some())
        .map(|p| p.id)
        .collect();
    let mut variants = load_variants(db, with_options).await?;
    let mut listings: HashMap<Uuid, Vec<ListingLink>> = HashMap::new();
    let found = partner_listings::Entity::find()
        .filter(partner_listings::Column::ProductId.is_in(ids))
        .find_also_related(partners::Entity)
        .all(db)
        .await?;
    for (listing, partner) in found {
        if let Some(partner) = partner.filter(|p| p.is_active) {
            listings
                .entry(listing.product_id)
                .or_default()
                .push(ListingLink {
                    partner: partner.code,
                    partner_name: partner.name,
                    url: listing.url,
                });
        }
    }
    Ok(rows
        .into_iter()
        .filter_map(|p| {
            let owner = pesantren.get(&p.pesantren_id)?;
            let mut certifications = certs.remove(&p.id).unwrap_or_default();
            certifications.sort_by(|a, b| {
                (a.cert_type.as_str(), &a.number).cmp(&(b.cert_type.as_str(), &b.number))
            });
            let mut links = listings.remove(&p.id).unwrap_or_default();
            links.sort_by(|a, b| a.partner.cmp(&b.partner));
            let options = options_of(&p);
            // A published product has passed curation, which asks for every
            // one of the fields a draft may lack.
            let sku = p.sku.clone().unwrap_or_default();
            let weight_grams = p.weight_grams.unwrap_or_default();
            let message = format!(
                "Assalamu'alaikum, saya ingin memesan {} (SKU {}) dari OPOP.",
                p.name, sku
            );
            let product_variants = variants.remove(&p.id);
            Some(CatalogProduct {
                variants: options
                    .as_ref()
                    .map(|_| product_variants.unwrap_or_default()),
                options,
                weight_kg: f64::from(weight_grams) / 1000.0,
                id: p.id,
                whatsapp_url: crate::ids::whatsapp_link(&owner.phone, Some(&message)),
                pesantren: CatalogPesantren {
                    id: owner.id,
                    name: owner.name.clone(),
                    province_code: owner.province_code.clone(),
                    regency_code: owner.regency_code.clone(),
                    province_name: crate::ids::region_name(&owner.province_code),
                    regency_name: crate::ids::region_name(&owner.regency_code),
                },
                name: p.name,
                description: p.description.unwrap_or_default(),
                category: p.category,
                price_idr: p.price_idr.unwrap_or_default(),
                stock: p.stock.unwrap_or_default(),
                unit: p.unit.unwrap_or_default(),
                weight_grams,
                sku,
                images: serde_json::from_value(p.images).unwrap_or_default(),
                is_flagship: p.is_flagship,
                brand: p.brand,
                condition: p.condition,
                length_cm: p.length_cm,
                width_cm: p.width_cm,
                height_cm: p.height_cm,
                min_order_qty: p.min_order_qty,
                shelf_life_days: p.shelf_life_days,
                certifications,
                listings: links,
                updated_at: p.updated_at,
                version: p.version,
            })
        })
        .collect())
}

/// One combination of a product's options.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct VariantView {
    pub id: Uuid,
    #[schema(example = "SDG-KOPI-250-BUBUK")]
    pub sku: String,
    #[schema(example = json!({"ukuran": "L", "warna": "hijau"}))]
    pub values: BTreeMap<String, String>,
    pub price_idr: i64,
    pub stock: i64,
    pub weight_grams: i32,
    /// `weight_grams` / 1000, for marketplaces that take kilograms.
    pub weight_kg: f64,
    pub length_cm: Option<i32>,
    pub width_cm: Option<i32>,
    pub height_cm: Option<i32>,
}

impl From<product_variants::Model> for VariantView {
    fn from(v: product_variants::Model) -> Self {
        Self {
            id: v.id,
            sku: v.sku,
            values: serde_json::from_value(v.option_values).unwrap_or_default(),
            price_idr: v.price_idr,
            stock: v.stock,
            weight_grams: v.weight_grams,
            weight_kg: f64::from(v.weight_grams) / 1000.0,
            length_cm: v.length_cm,
            width_cm: v.width_cm,
            height_cm: v.height_cm,
        }
    }
}

/// The variants of each product, in order.
pub async fn load_variants(
    db: &impl ConnectionTrait,
    product_ids: Vec<Uuid>,
) -> ApiResult<HashMap<Uuid, Vec<VariantView>>> {
    let mut out: HashMap<Uuid, Vec<VariantView>> = HashMap::new();
    if product_ids.is_empty() {
        return Ok(out);
    }
    for v in product_variants::Entity::find()
        .filter(product_variants::Column::ProductId.is_in(product_ids))
        .order_by_asc(product_variants::Column::ProductId)
        .order_by_asc(product_variants::Column::Position)
        .all(db)
        .await?
    {
        out.entry(v.product_id).or_default().push(v.into());
    }
    Ok(out)
}

/// The option names stored on a product row.
pub fn options_of(p: &products::Model) -> Option<Vec<String>> {
    p.options
        .as_ref()
        .and_then(|o| serde_json::from_value(o.clone()).ok())
}
