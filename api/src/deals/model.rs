//! Request and response types of deals.

use chrono::{DateTime, NaiveDate, Utc};
use entity::{deals, BuyerKind, DealKind, DealStatus};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use crate::activities::model::check_day;
use crate::error::FieldError;
use crate::validation::{validator_errors, Check};

/// The largest deal value taken: Rp1 trillion. Anything above is a typing
/// slip (the largest recorded temu bisnis made Rp21 billion in all).
pub const MAX_VALUE_IDR: i64 = 1_000_000_000_000;

/// A deal made at a business matching or expo.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DealView {
    pub id: Uuid,
    pub activity_id: Uuid,
    /// The selling pesantren.
    pub pesantren_id: Uuid,
    pub province_code: String,
    #[schema(example = "PT Sinar Niaga Sejahtera")]
    pub buyer_name: String,
    pub buyer_kind: BuyerKind,
    /// The product sold, if the deal is about one.
    pub product_id: Option<Uuid>,
    /// Whole rupiah.
    #[schema(example = 750_000_000i64)]
    pub value_idr: i64,
    pub kind: DealKind,
    pub signed_on: NaiveDate,
    /// `reported` by a pesantren (not counted yet) or `confirmed` by staff.
    pub status: DealStatus,
    pub reported_by: Option<Uuid>,
    pub confirmed_by: Option<Uuid>,
    pub confirmed_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

impl From<deals::Model> for DealView {
    fn from(d: deals::Model) -> Self {
        Self {
            id: d.id,
            activity_id: d.activity_id,
            pesantren_id: d.pesantren_id,
            province_code: d.province_code,
            buyer_name: d.buyer_name,
            buyer_kind: d.buyer_kind,
            product_id: d.product_id,
            value_idr: d.value_idr,
            kind: d.kind,
            signed_on: d.signed_on,
            status: d.status,
            reported_by: d.reported_by,
            confirmed_by: d.confirmed_by,
            confirmed_at: d.confirmed_at,
            created_at: d.created_at,
            updated_at: d.updated_at,
            version: d.version,
        }
    }
}

/// A deal to record: staff record it confirmed, a manager reports one of
/// their own pesantren.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DealInput {
    /// The selling pesantren, of the activity's province; a manager's own.
    pub pesantren_id: Uuid,
    /// 1 to 200 characters.
    #[validate(length(min = 1, max = 200))]
    #[schema(example = "PT Sinar Niaga Sejahtera", min_length = 1, max_length = 200)]
    pub buyer_name: String,
    pub buyer_kind: BuyerKind,
    /// A product of that pesantren, if the deal is about one.
    pub product_id: Option<Uuid>,
    /// Whole rupiah, 1 to 1,000,000,000,000 (Rp1 trillion).
    #[validate(range(min = 1, max = 1_000_000_000_000i64))]
    #[schema(minimum = 1, maximum = 1_000_000_000_000i64, example = 750_000_000i64)]
    pub value_idr: i64,
    pub kind: DealKind,
    /// The day it was signed, 2019-01-01 to 2099-12-31.
    pub signed_on: NaiveDate,
}

impl Check for DealInput {
    fn check(&self) -> Vec<FieldError> {
        let mut errors = validator_errors(self.validate());
        errors.extend(check_day("signed_on", self.signed_on));
        errors
    }
}

/// Filters of an activity's deals.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DealFilter {
    pub status: Option<DealStatus>,
    pub pesantren_id: Option<Uuid>,
}
