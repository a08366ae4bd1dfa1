//! Variants: a product may have up to two option tiers (`ukuran`, `warna`)
//! and up to 50 combinations, each with its own SKU, price, stock, weight
//! and package size. The product row then carries the lowest price and the
//! total stock, so lists, filters and sorting by price keep working on one
//! column; a product without options has no variants and is sold as itself.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use entity::{product_variants, products};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::db;
use crate::error::{unique_as, ApiError, ApiResult, Code, FieldCode, FieldError};

fn range(field: String, code: FieldCode, min: i64, max: i64) -> FieldError {
    FieldError::new(field, code)
        .with("min", min)
        .with("max", max)
}

pub const MAX_OPTIONS: usize = 2;
pub const MAX_VARIANTS: usize = 50;

/// One combination as the pesantren types it.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VariantInput {
    /// The variant's id, to keep it (and the orders and listings that name
    /// it) when the product is edited; omit for a new variant. Variants not
    /// sent again are removed.
    pub id: Option<Uuid>,
    /// Unique within the pesantren, like product SKUs.
    #[schema(example = "SDG-BATIK-L-HIJAU")]
    pub sku: String,
    /// A value for each of the product's `options`.
    #[schema(example = json!({"ukuran": "L", "warna": "hijau"}))]
    pub values: BTreeMap<String, String>,
    /// Whole rupiah, 100 to 100,000,000.
    pub price_idr: i64,
    /// 0 to 10,000,000.
    pub stock: i64,
    /// 1 to 1,000,000 grams.
    pub weight_grams: i32,
    pub length_cm: Option<i32>,
    pub width_cm: Option<i32>,
    pub height_cm: Option<i32>,
    /// `weight_grams` / 1000, as variants are answered: accepted back when
    /// it agrees with `weight_grams`, and otherwise ignored.
    #[serde(default, skip_serializing)]
    #[schema(read_only)]
    pub weight_kg: Option<f64>,
}

fn valid_sku(sku: &str) -> bool {
    (1..=64).contains(&sku.len())
        && sku
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

fn label(s: &str) -> bool {
    let n = s.trim().chars().count();
    (1..=30).contains(&n) && !s.chars().any(char::is_control)
}

/// Field errors of `options` and `variants` together (paths such as
/// `variants[2].sku`).
pub fn check(options: &[String], variants: &[VariantInput]) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let names: BTreeSet<String> = options.iter().map(|o| crate::text::fold(o)).collect();
    if options.is_empty() || options.len() > MAX_OPTIONS {
        errors.push(FieldError::new("options", FieldCode::OptionCount));
    } else if names.len() != options.len() || !options.iter().all(|o| label(o)) {
        errors.push(FieldError::new("options", FieldCode::OptionNames));
    }
    if variants.is_empty() || variants.len() > MAX_VARIANTS {
        errors.push(FieldError::new("variants", FieldCode::VariantCount).with("max", MAX_VARIANTS));
    }
    let keys: BTreeSet<&str> = options.iter().map(String::as_str).collect();
    let mut combinations = BTreeSet::new();
    let mut skus = BTreeSet::new();
    let mut ids = BTreeSet::new();
    for (i, v) in variants.iter().enumerate() {
        let at = |f: &str| format!("variants[{i}].{f}");
        if !valid_sku(&v.sku) {
            errors.push(FieldError::new(at("sku"), FieldCode::Sku));
        } else if !skus.insert(v.sku.clone()) {
            errors.push(FieldError::new(at("sku"), FieldCode::VariantSkuRepeated));
        }
        let given: BTreeSet<&str> = v.values.keys().map(String::as_str).collect();
        if given != keys || !v.values.values().all(|x| label(x)) {
            errors.push(FieldError::new(at("values"), FieldCode::VariantValues));
        } else {
            let folded: Vec<String> = v.values.values().map(|x| crate::text::fold(x)).collect();
            if !combinations.insert(folded) {
                errors.push(FieldError::new(at("values"), FieldCode::VariantCombination));
            }
        }
        if !(100..=100_000_000).contains(&v.price_idr) {
            errors.push(range(
                at("price_idr"),
                FieldCode::RangeRupiah,
                100,
                100_000_000,
            ));
        }
        if !(0..=10_000_000).contains(&v.stock) {
            errors.push(range(at("stock"), FieldCode::RangeBetween, 0, 10_000_000));
        }
        if !(1..=1_000_000).contains(&v.weight_grams) {
            errors.push(range(
                at("weight_grams"),
                FieldCode::RangeGrams,
                1,
                1_000_000,
            ));
        }
        for (f, x) in [
            ("length_cm", v.length_cm),
            ("width_cm", v.width_cm),
            ("height_cm", v.height_cm),
        ] {
            if x.is_some_and(|x| !(1..=1000).contains(&x)) {
                errors.push(range(at(f), FieldCode::RangeCm, 1, 1000));
            }
        }
        if let Some(id) = v.id {
            if !ids.insert(id) {
                errors.push(FieldError::new(at("id"), FieldCode::SentTwice));
            }
        }
        if let Some(kg) = v.weight_kg {
            // Derived from `weight_grams`: a variant read and sent back
            // carries it, and it may not say otherwise.
            if (kg - f64::from(v.weight_grams) / 1000.0).abs() > 1e-9 {
                errors.push(FieldError::new(at("weight_kg"), FieldCode::ReadOnly));
            }
        }
    }
    errors
}

/// The price and stock the product row carries for its variants: the lowest
/// price and the total stock.
pub fn summary(variants: &[VariantInput]) -> (i64, i64) {
    let price = variants.iter().map(|v| v.price_idr).min().unwrap_or(0);
    let stock = variants.iter().map(|v| v.stock).sum();
    (price, stock)
}

/// Refuses SKUs taken in the pesantren by another product, by the product
/// itself, or by variants of other products, and variant ids that are not
/// this product's.
pub async fn check_against_stored(
    db: &impl ConnectionTrait,
    pesantren_id: Uuid,
    product_id: Option<Uuid>,
    product_sku: Option<&str>,
    variants: &[VariantInput],
) -> ApiResult<()> {
    let skus: Vec<String> = variants.iter().map(|v| v.sku.clone()).collect();
    let mut clash: BTreeSet<String> = products::Entity::find()
        .filter(products::Column::PesantrenId.eq(pesantren_id))
        .filter(products::Column::Sku.is_in(skus.clone()))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|p| p.sku)
        .collect();
    let mut others = product_variants::Entity::find()
        .filter(product_variants::Column::PesantrenId.eq(pesantren_id))
        .filter(product_variants::Column::Sku.is_in(skus));
    if let Some(pid) = product_id {
        others = others.filter(product_variants::Column::ProductId.ne(pid));
    }
    clash.extend(others.all(db).await?.into_iter().map(|v| v.sku));
    if let Some(sku) = product_sku.filter(|sku| skus_contains(variants, sku)) {
        clash.insert(sku.to_string());
    }
    let own: BTreeSet<Uuid> = match product_id {
        Some(pid) => product_variants::Entity::find()
            .filter(product_variants::Column::ProductId.eq(pid))
            .all(db)
            .await?
            .into_iter()
            .map(|v| v.id)
            .collect(),
        None => BTreeSet::new(),
    };
    let mut errors = Vec::new();
    let mut parent_clash = product_variants::Entity::find()
        .filter(product_variants::Column::PesantrenId.eq(pesantren_id))
        .filter(product_variants::Column::Sku.eq(product_sku.unwrap_or_default()));
    if let Some(pid) = product_id {
        parent_clash = parent_clash.filter(product_variants::Column::ProductId.ne(pid));
    }
    if product_sku.is_some() && parent_clash.one(db).await?.is_some() {
        errors.push(FieldError::new("sku", FieldCode::SkuTakenByVariant));
    }
    for (i, v) in variants.iter().enumerate() {
        if clash.contains(&v.sku) {
            errors.push(FieldError::new(
                format!("variants[{i}].sku"),
                FieldCode::SkuTaken,
            ));
        }
        if v.id.is_some_and(|id| !own.contains(&id)) {
            errors.push(FieldError::new(
                format!("variants[{i}].id"),
                FieldCode::NoSuchVariant,
            ));
        }
    }
    ApiError::check(errors)
}

fn skus_contains(variants: &[VariantInput], sku: &str) -> bool {
    variants.iter().any(|v| v.sku == sku)
}

/// Makes the product's stored variants exactly `inputs` (none when
/// `inputs` is empty): updates those named by id, inserts the new ones,
/// removes the rest.
pub async fn replace(
    conn: &impl ConnectionTrait,
    product: &products::Model,
    inputs: &[VariantInput],
) -> ApiResult<()> {
    let now = db::now();
    let stored: HashMap<Uuid, product_variants::Model> = product_variants::Entity::find()
        .filter(product_variants::Column::ProductId.eq(product.id))
        .all(conn)
        .await?
        .into_iter()
        .map(|v| (v.id, v))
        .collect();
    let kept: BTreeSet<Uuid> = inputs.iter().filter_map(|v| v.id).collect();
    let gone: Vec<Uuid> = stored
        .keys()
        .filter(|id| !kept.contains(id))
        .copied()
        .collect();
    if !gone.is_empty() {
        product_variants::Entity::delete_many()
            .filter(product_variants::Column::Id.is_in(gone))
            .exec(conn)
            .await?;
    }
    for (position, v) in inputs.iter().enumerate() {
        let values = serde_json::to_value(&v.values).map_err(anyhow::Error::from)?;
        match v.id.and_then(|id| stored.get(&id)) {
            Some(old) => {
                let mut row: product_variants::ActiveModel = old.clone().into();
                row.position = Set(position as i32);
                row.sku = Set(v.sku.clone());
                row.option_values = Set(values);
                row.price_idr = Set(v.price_idr);
                row.stock = Set(v.stock);
                row.weight_grams = Set(v.weight_grams);
                row.length_cm = Set(v.length_cm);
                row.width_cm = Set(v.width_cm);
                row.height_cm = Set(v.height_cm);
                row.updated_at = Set(now);
                row.version = Set(old.version + 1);
                row.update(conn)
                    .await
                    .map_err(unique_as(Code::VariantSkuTaken))?;
            }
            None => {
                product_variants::ActiveModel {
                    id: Set(db::new_id()),
                    product_id: Set(product.id),
                    pesantren_id: Set(product.pesantren_id),
                    position: Set(position as i32),
                    sku: Set(v.sku.clone()),
                    option_values: Set(values),
                    price_idr: Set(v.price_idr),
                    stock: Set(v.stock),
                    weight_grams: Set(v.weight_grams),
                    length_cm: Set(v.length_cm),
                    width_cm: Set(v.width_cm),
                    height_cm: Set(v.height_cm),
                    created_at: Set(now),
                    updated_at: Set(now),
                    version: Set(1),
                }
                .insert(conn)
                .await
                .map_err(unique_as(Code::VariantSkuTaken))?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(sku: &str, values: &[(&str, &str)], price: i64, stock: i64) -> VariantInput {
        VariantInput {
            id: None,
            sku: sku.into(),
            values: values
                .iter()
                .map(|(k, x)| (k.to_string(), x.to_string()))
                .collect(),
            price_idr: price,
            stock,
            weight_grams: 300,
            length_cm: None,
            width_cm: None,
            height_cm: None,
            weight_kg: None,
        }
    }

    #[test]
    fn a_well_formed_set_passes_and_sums_up() {
        let opts = vec!["ukuran".to_string(), "warna".to_string()];
        let vs = vec![
            v("B-L-H", &[("ukuran", "L"), ("warna", "hijau")], 150_000, 3),
            v("B-M-H", &[("ukuran", "M"), ("warna", "hijau")], 140_000, 4),
        ];
        assert!(check(&opts, &vs).is_empty());
        assert_eq!(summary(&vs), (140_000, 7));
    }

    #[test]
    fn every_fault_is_named_by_its_path() {
        let opts = vec!["ukuran".to_string()];
        let vs = vec![
            v("A", &[("ukuran", "L")], 50, 1),
            v("A", &[("ukuran", "l")], 1000, -1),
            v("B", &[("warna", "merah")], 1000, 1),
        ];
        let fields: Vec<String> = check(&opts, &vs).into_iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            [
                "variants[0].price_idr",
                "variants[1].sku",
                "variants[1].values",
                "variants[1].stock",
                "variants[2].values"
            ]
        );
        let three = vec!["a".to_string(), "b".to_string(), "c".to_string()];
        assert_eq!(check(&three, &vs[..1])[0].field, "options");
        let too_many: Vec<VariantInput> = (0..51)
            .map(|i| v(&format!("S{i}"), &[("ukuran", &i.to_string())], 1000, 1))
            .collect();
        assert!(check(&opts, &too_many)
            .iter()
            .any(|e| e.field == "variants"));
    }
}
