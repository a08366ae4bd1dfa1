//! Request and response types of awards, their disbursements and the
//! public list of winners.

use chrono::{DateTime, NaiveDate, Utc};
use entity::{competition_awards, grant_disbursements};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use crate::activities::model::check_day;
use crate::error::FieldError;
use crate::validation::{validator_errors, Check};

/// One payment of a grant.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DisbursementView {
    pub id: Uuid,
    pub award_id: Uuid,
    /// Whole rupiah.
    #[schema(example = 200_000_000i64)]
    pub amount_idr: i64,
    pub paid_on: NaiveDate,
    /// The transfer's reference (SP2D number, bank reference).
    #[schema(example = "SP2D/2026/0412")]
    pub reference: String,
    pub recorded_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

impl From<grant_disbursements::Model> for DisbursementView {
    fn from(d: grant_disbursements::Model) -> Self {
        Self {
            id: d.id,
            award_id: d.award_id,
            amount_idr: d.amount_idr,
            paid_on: d.paid_on,
            reference: d.reference,
            recorded_by: d.recorded_by,
            created_at: d.created_at,
        }
    }
}

/// An award of a competition to a finalist, with its grant.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AwardView {
    pub id: Uuid,
    pub competition_id: Uuid,
    pub entry_id: Uuid,
    pub pesantren_id: Uuid,
    pub province_code: String,
    pub year: i32,
    /// The entry's category.
    #[schema(example = "scale_up")]
    pub category: String,
    /// 1 for the winner of the category.
    #[schema(example = 1)]
    pub rank: i32,
    /// The grant, whole rupiah.
    #[schema(example = 400_000_000i64)]
    pub grant_idr: i64,
    /// Paid so far: the sum of the disbursements, never above `grant_idr`.
    pub disbursed_idr: i64,
    /// Still to pay.
    pub remaining_idr: i64,
    /// The payments, oldest first.
    pub disbursements: Vec<DisbursementView>,
    pub awarded_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

impl AwardView {
    pub fn new(a: competition_awards::Model, disbursements: Vec<DisbursementView>) -> Self {
        Self {
            id: a.id,
            competition_id: a.competition_id,
            entry_id: a.entry_id,
            pesantren_id: a.pesantren_id,
            province_code: a.province_code,
            year: a.year,
            category: a.category,
            rank: a.rank,
            grant_idr: a.grant_idr,
            disbursed_idr: a.disbursed_idr,
            remaining_idr: (a.grant_idr - a.disbursed_idr).max(0),
            disbursements,
            awarded_by: a.awarded_by,
            created_at: a.created_at,
            updated_at: a.updated_at,
            version: a.version,
        }
    }
}

/// The largest grant taken: Rp100 billion; anything above is a typing slip
/// (the largest OPOP grants are Rp400 million).
pub const MAX_GRANT_IDR: i64 = 100_000_000_000;

/// An award to a finalist.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AwardInput {
    /// 1 to 100, once per rank in each category of the competition.
    #[validate(range(min = 1, max = 100))]
    #[schema(minimum = 1, maximum = 100, example = 1)]
    pub rank: i32,
    /// The grant, 0 to 100,000,000,000 whole rupiah.
    #[validate(range(min = 0, max = 100_000_000_000i64))]
    #[schema(minimum = 0, maximum = 100_000_000_000i64, example = 400_000_000i64)]
    pub grant_idr: i64,
}

crate::check_with_validator!(AwardInput);

/// A payment of a grant.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DisbursementInput {
    /// 1 to 100,000,000,000 whole rupiah; the payments of an award never
    /// add up to more than its grant.
    #[validate(range(min = 1, max = 100_000_000_000i64))]
    #[schema(minimum = 1, maximum = 100_000_000_000i64, example = 200_000_000i64)]
    pub amount_idr: i64,
    /// The day it was paid, 2019-01-01 to 2099-12-31.
    pub paid_on: NaiveDate,
    /// 1 to 100 characters.
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100, example = "SP2D/2026/0412")]
    pub reference: String,
}

impl Check for DisbursementInput {
    fn check(&self) -> Vec<FieldError> {
        let mut errors = validator_errors(self.validate());
        errors.extend(check_day("paid_on", self.paid_on));
        errors
    }
}

/// A winner of a closed competition, as anyone sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WinnerView {
    pub award_id: Uuid,
    pub competition_id: Uuid,
    #[schema(example = "Audisi Pesantren Juara OPOP Jawa Barat 2026")]
    pub competition_title: String,
    pub province_code: String,
    pub year: i32,
    pub category: String,
    pub rank: i32,
    /// The grant, whole rupiah (public money, published).
    pub grant_idr: i64,
    pub pesantren_id: Uuid,
    #[schema(example = "Pondok Pesantren Al-Ittifaq")]
    pub pesantren_name: String,
    /// Name of the province (Kemendagri).
    #[schema(example = "Jawa Barat")]
    pub province_name: Option<String>,
    #[schema(example = "3204")]
    pub regency_code: String,
    /// Name of the regency or city (Kemendagri).
    #[schema(example = "Kabupaten Bandung")]
    pub regency_name: Option<String>,
}

/// Filters of the winners.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WinnerFilter {
    /// Winners of one province.
    pub province_code: Option<String>,
    /// Winners of one programme year.
    pub year: Option<i32>,
}

/// Keyset position of the winners: competition, rank, award.
#[derive(Serialize, Deserialize)]
pub(super) struct Position {
    pub competition_id: Uuid,
    pub rank: i32,
    pub id: Uuid,
}
