//! Request and response types of koperasi.

use std::collections::HashSet;

use entity::koperasi;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::{Validate, ValidationError};

use crate::error::{FieldCode, FieldError};
use crate::ids;
use crate::validation::{validator_errors, Check};

/// At most this many business units per koperasi.
pub const MAX_BUSINESS_UNITS: usize = 20;

/// A koperasi as answered. Callers whose scope covers it (admins and
/// curators of its province or national, its pesantren's managers) get
/// every field; everyone else gets the koperasi of verified pesantren
/// without the bookkeeping fields.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct KoperasiView {
    /// The koperasi's id.
    pub id: Uuid,
    /// The pesantren whose cooperative this is.
    pub pesantren_id: Uuid,
    /// Province of the pesantren, two digits.
    #[schema(example = "35")]
    pub province_code: String,
    /// Registered name of the cooperative.
    #[schema(example = "Koperasi Pondok Pesantren (Kopontren) Sidogiri")]
    pub name: String,
    /// Number of the deed of establishment (badan hukum), if it has one.
    #[schema(example = "188/BH/XVI.12/2015")]
    pub legal_entity_number: Option<String>,
    /// Business number (NIB) from OSS, 13 digits, if it has one.
    #[schema(example = "9120001234567")]
    pub nib: Option<String>,
    /// Number of members.
    #[schema(example = 1250)]
    pub member_count: i32,
    /// What the cooperative runs: shop, savings and loans, production, …
    #[schema(example = json!(["toko santri", "simpan pinjam", "produksi kopi"]))]
    pub business_units: Vec<String>,
    /// When it was recorded. Present for staff in scope only.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub created_at: Option<chrono::DateTime<chrono::Utc>>,
    /// When it last changed. Present for staff in scope only.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub updated_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Grows by one on every change; also sent as `ETag`. Present for staff
    /// in scope only.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub version: Option<i32>,
}

impl KoperasiView {
    /// Every field: for callers whose scope covers the koperasi.
    pub fn full(k: koperasi::Model) -> Self {
        let mut view = Self::public(k.clone());
        view.created_at = Some(k.created_at);
        view.updated_at = Some(k.updated_at);
        view.version = Some(k.version);
        view
    }

    /// The public profile.
    pub fn public(k: koperasi::Model) -> Self {
        Self {
            id: k.id,
            pesantren_id: k.pesantren_id,
            province_code: k.province_code,
            name: k.name,
            legal_entity_number: k.legal_entity_number,
            nib: k.nib,
            member_count: k.member_count,
            business_units: serde_json::from_value(k.business_units).unwrap_or_default(),
            created_at: None,
            updated_at: None,
            version: None,
        }
    }
}

/// A koperasi as one caller may see it, with the version for its `ETag`.
#[derive(Debug)]
pub struct Shown {
    pub view: KoperasiView,
    pub version: i32,
}

/// A new koperasi.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateKoperasi {
    /// The pesantren whose cooperative this is; a pesantren has one koperasi.
    pub pesantren_id: Uuid,
    /// Registered name, 1 to 200 characters.
    #[validate(custom(function = "validate_name"))]
    #[schema(example = "Koperasi Pondok Pesantren (Kopontren) Sidogiri")]
    pub name: String,
    /// Number of the deed of establishment (badan hukum), 1 to 100 characters.
    #[validate(custom(function = "validate_legal_entity_number"))]
    #[schema(example = "188/BH/XVI.12/2015")]
    pub legal_entity_number: Option<String>,
    /// Business number (NIB) from OSS: 13 digits, unique.
    #[validate(custom(function = "ids::validate_nib"))]
    #[schema(pattern = r"^[0-9]{13}$")]
    #[schema(example = "9120001234567")]
    pub nib: Option<String>,
    /// Number of members, 0 to 1,000,000; 0 when omitted.
    #[validate(range(min = 0, max = 1_000_000))]
    #[serde(default)]
    #[schema(example = 1250, minimum = 0, maximum = 1_000_000)]
    pub member_count: i64,
    /// Business units, at most 20, each 1 to 100 characters, no repeats;
    /// none when omitted.
    #[validate(length(max = 20, message = "field.items_max"))]
    #[schema(max_items = 20)]
    #[serde(default)]
    #[schema(example = json!(["toko santri", "simpan pinjam", "produksi kopi"]))]
    pub business_units: Vec<String>,
}

/// The writable fields of a koperasi. `PUT` replaces them all: an omitted
/// optional field is cleared, an omitted count is 0, omitted units none.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateKoperasi {
    /// Registered name, 1 to 200 characters.
    #[validate(custom(function = "validate_name"))]
    #[schema(example = "Koperasi Pondok Pesantren (Kopontren) Sidogiri")]
    pub name: String,
    /// Number of the deed of establishment (badan hukum), 1 to 100 characters.
    #[validate(custom(function = "validate_legal_entity_number"))]
    #[schema(example = "188/BH/XVI.12/2015")]
    pub legal_entity_number: Option<String>,
    /// Business number (NIB) from OSS: 13 digits, unique.
    #[validate(custom(function = "ids::validate_nib"))]
    #[schema(pattern = r"^[0-9]{13}$")]
    #[schema(example = "9120001234567")]
    pub nib: Option<String>,
    /// Number of members, 0 to 1,000,000.
    #[validate(range(min = 0, max = 1_000_000))]
    #[serde(default)]
    #[schema(example = 1250, minimum = 0, maximum = 1_000_000)]
    pub member_count: i64,
    /// Business units, at most 20, each 1 to 100 characters, no repeats.
    #[validate(length(max = 20, message = "field.items_max"))]
    #[schema(max_items = 20)]
    #[serde(default)]
    #[schema(example = json!(["toko santri", "simpan pinjam", "produksi kopi"]))]
    pub business_units: Vec<String>,
}

impl From<CreateKoperasi> for UpdateKoperasi {
    fn from(c: CreateKoperasi) -> Self {
        Self {
            name: c.name,
            legal_entity_number: c.legal_entity_number,
            nib: c.nib,
            member_count: c.member_count,
            business_units: c.business_units,
        }
    }
}

/// Filters of the koperasi list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct KoperasiFilter {
    /// Only koperasi of this province (two-digit code).
    #[param(example = "35")]
    pub province_code: Option<String>,
    /// Only the koperasi of this pesantren.
    pub pesantren_id: Option<Uuid>,
}

fn text_length(value: &str, max: usize) -> Result<(), ValidationError> {
    let n = value.trim().chars().count();
    if (1..=max).contains(&n) {
        Ok(())
    } else {
        let mut e = ValidationError::new("length");
        e.add_param("min".into(), &1);
        e.add_param("max".into(), &max);
        Err(e)
    }
}

fn validate_name(name: &str) -> Result<(), ValidationError> {
    text_length(name, 200)
}

fn validate_legal_entity_number(number: &str) -> Result<(), ValidationError> {
    text_length(number, 100)
}

/// Every failing field at once: the derived rules, plus one entry per bad
/// business unit, named `business_units[i]`. Units past the limit of 20 are
/// not checked one by one (the list is already refused as too long), so a
/// large body cannot make an even larger answer.
fn check(result: Result<(), validator::ValidationErrors>, units: &[String]) -> Vec<FieldError> {
    let mut errors = validator_errors(result);
    let mut seen = HashSet::new();
    for (i, unit) in units.iter().enumerate().take(MAX_BUSINESS_UNITS) {
        let field = format!("business_units[{i}]");
        let n = unit.trim().chars().count();
        if !(1..=100).contains(&n) {
            errors.push(
                FieldError::new(field, FieldCode::LengthBetween)
                    .with("min", 1)
                    .with("max", 100),
            );
        } else if !seen.insert(crate::text::fold(unit)) {
            errors.push(FieldError::new(field, FieldCode::RepeatedUnit));
        }
    }
    errors
}

impl Check for CreateKoperasi {
    fn check(&self) -> Vec<FieldError> {
        check(self.validate(), &self.business_units)
    }
}

impl Check for UpdateKoperasi {
    fn check(&self) -> Vec<FieldError> {
        check(self.validate(), &self.business_units)
    }
}

crate::merge_patch_schema!(
    /// A JSON Merge Patch (RFC 7396) of `UpdateKoperasi`: only the fields to change;
    /// `null` clears an optional one.
    KoperasiPatch,
    UpdateKoperasi
);
