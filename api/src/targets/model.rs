//! Request and response types of the programme's targets.

use chrono::{DateTime, Utc};
use entity::targets;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

/// The targets of one province for one year; a target not set is `null`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TargetsView {
    pub id: Uuid,
    #[schema(example = "35")]
    pub province_code: String,
    #[schema(example = 2026)]
    pub year: i32,
    /// Verified pesantren in the programme.
    #[schema(example = 1500)]
    pub verified_pesantren: Option<i64>,
    /// Flagship products (produk unggulan) awarded and published.
    #[schema(example = 1000)]
    pub flagship_products: Option<i64>,
    /// Santri entrepreneurs.
    #[schema(example = 10000)]
    pub santripreneurs: Option<i64>,
    /// Alumni running social enterprises.
    #[schema(example = 1000)]
    pub sociopreneurs: Option<i64>,
    /// Santri who attended a training, internship, camp or mentoring clinic.
    #[schema(example = 5000)]
    pub trained_santri: Option<i64>,
    /// Confirmed deal value of business matchings and expos, whole rupiah.
    #[schema(example = 25_000_000_000i64)]
    pub deal_value_idr: Option<i64>,
    pub updated_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

impl From<targets::Model> for TargetsView {
    fn from(t: targets::Model) -> Self {
        Self {
            id: t.id,
            province_code: t.province_code,
            year: t.year,
            verified_pesantren: t.verified_pesantren,
            flagship_products: t.flagship_products,
            santripreneurs: t.santripreneurs,
            sociopreneurs: t.sociopreneurs,
            trained_santri: t.trained_santri,
            deal_value_idr: t.deal_value_idr,
            updated_by: t.updated_by,
            created_at: t.created_at,
            updated_at: t.updated_at,
            version: t.version,
        }
    }
}

/// The targets of a province and year; an omitted target is not set.
#[derive(Debug, Clone, Default, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TargetsInput {
    /// 0 to 1,000,000.
    #[validate(range(min = 0, max = 1_000_000))]
    #[schema(minimum = 0, maximum = 1_000_000, example = 1500)]
    pub verified_pesantren: Option<i64>,
    /// 0 to 1,000,000.
    #[validate(range(min = 0, max = 1_000_000))]
    #[schema(minimum = 0, maximum = 1_000_000, example = 1000)]
    pub flagship_products: Option<i64>,
    /// 0 to 100,000,000.
    #[validate(range(min = 0, max = 100_000_000))]
    #[schema(minimum = 0, maximum = 100_000_000, example = 10000)]
    pub santripreneurs: Option<i64>,
    /// 0 to 100,000,000.
    #[validate(range(min = 0, max = 100_000_000))]
    #[schema(minimum = 0, maximum = 100_000_000, example = 1000)]
    pub sociopreneurs: Option<i64>,
    /// 0 to 100,000,000.
    #[validate(range(min = 0, max = 100_000_000))]
    #[schema(minimum = 0, maximum = 100_000_000, example = 5000)]
    pub trained_santri: Option<i64>,
    /// Whole rupiah, 0 to 1,000,000,000,000,000 (Rp1 quadrillion).
    #[validate(range(min = 0, max = 1_000_000_000_000_000i64))]
    #[schema(
        minimum = 0,
        maximum = 1_000_000_000_000_000i64,
        example = 25_000_000_000i64
    )]
    pub deal_value_idr: Option<i64>,
}

crate::check_with_validator!(TargetsInput);

crate::merge_patch_schema!(
    /// A JSON Merge Patch (RFC 7396) of `TargetsInput`: `null` unsets a target.
    TargetsPatch,
    TargetsInput
);

/// Filters of the target list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TargetsFilter {
    pub province_code: Option<String>,
    pub year: Option<i32>,
}
