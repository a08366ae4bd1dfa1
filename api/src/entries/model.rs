//! Request and response types of competition entries and their scores.

use chrono::{DateTime, Utc};
use entity::EntryStatus;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

/// At most this many products in one entry.
pub const MAX_PRODUCTS: usize = 10;

/// One juror's score of an entry at one stage.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ScoreView {
    pub id: Uuid,
    /// The stage it was given at.
    #[schema(example = "district")]
    pub stage: String,
    /// 0 to 100.
    #[schema(example = 86)]
    pub score: i32,
    pub notes: Option<String>,
    /// The juror; `null` for the pesantren's own manager, who sees the
    /// scores but not who gave them.
    pub juror_id: Option<Uuid>,
    /// The juror's name; `null` for the pesantren's own manager.
    pub juror_name: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// A pesantren entered in a competition.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EntryView {
    pub id: Uuid,
    pub competition_id: Uuid,
    pub pesantren_id: Uuid,
    pub province_code: String,
    /// The pesantren's kabupaten/kota when it entered.
    #[schema(example = "3204")]
    pub regency_code: String,
    /// The pesantren's kecamatan when it entered.
    #[schema(example = "320401")]
    pub district_code: Option<String>,
    #[schema(example = "start_up")]
    pub category: String,
    /// The products of the pesantren it competes with.
    pub product_ids: Vec<Uuid>,
    /// The stage it is at: where it competes while `active`, where it was
    /// eliminated, or the last stage for a finalist.
    #[schema(example = "district")]
    pub stage: String,
    pub status: EntryStatus,
    /// Why it was eliminated, for the pesantren to read.
    pub eliminated_reason: Option<String>,
    /// When it was last advanced or eliminated.
    pub decided_at: Option<DateTime<Utc>>,
    /// Who entered it.
    pub entered_by: Option<Uuid>,
    /// The jurors' scores, stage by stage, oldest first.
    pub scores: Vec<ScoreView>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

/// An entry: a pesantren of the competition's province, a category of the
/// competition and the pesantren's products it competes with.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EntryInput {
    /// The pesantren, verified; a manager enters their own.
    pub pesantren_id: Uuid,
    /// One of the competition's `categories`.
    #[validate(length(min = 1, max = 40))]
    #[schema(example = "start_up", min_length = 1, max_length = 40)]
    pub category: String,
    /// 1 to 10 products of that pesantren, no repeats.
    #[validate(length(min = 1, max = 10, message = "field.items_between"))]
    #[schema(min_items = 1, max_items = 10)]
    pub product_ids: Vec<Uuid>,
}

crate::check_with_validator!(EntryInput);

/// A juror's score.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScoreInput {
    /// 0 to 100.
    #[validate(range(min = 0, max = 100))]
    #[schema(minimum = 0, maximum = 100, example = 86)]
    pub score: i32,
    /// At most 2,000 characters.
    #[validate(length(max = 2000))]
    #[schema(
        max_length = 2000,
        example = "Kemasan rapi; perlu izin PIRT untuk varian baru."
    )]
    pub notes: Option<String>,
}

crate::check_with_validator!(ScoreInput);

/// Why an entry is eliminated.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EliminateInput {
    /// 1 to 1,000 characters, shown to the pesantren.
    #[validate(length(min = 1, max = 1000))]
    #[schema(
        min_length = 1,
        max_length = 1000,
        example = "Dokumen koperasi belum lengkap."
    )]
    pub reason: String,
}

crate::check_with_validator!(EliminateInput);

/// Filters of a competition's entries.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EntryFilter {
    pub status: Option<EntryStatus>,
    /// Entries at one stage (by name).
    pub stage: Option<String>,
    pub category: Option<String>,
}
