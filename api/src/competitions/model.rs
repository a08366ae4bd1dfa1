//! Request and response types of competitions and their standings.

use chrono::{DateTime, NaiveDate, Utc};
use entity::{competitions, CompetitionStatus, EntryStatus};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use crate::activities::model::{check_day, YEARS};
use crate::error::{FieldCode, FieldError};
use crate::ids;
use crate::validation::{validator_errors, Check};

/// At most this many categories or stages in one competition.
pub const MAX_NAMES: usize = 10;

/// A competition's names of categories and stages, read back from the row.
pub fn names(value: &serde_json::Value) -> Vec<String> {
    serde_json::from_value(value.clone()).unwrap_or_default()
}

/// A competition (audisi) of one province and year.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CompetitionView {
    pub id: Uuid,
    #[schema(example = "Audisi Pesantren Juara OPOP Jawa Barat 2026")]
    pub title: String,
    pub description: Option<String>,
    /// The province that runs it.
    #[schema(example = "32")]
    pub province_code: String,
    #[schema(example = 2026)]
    pub year: i32,
    /// The categories an entry chooses from.
    #[schema(example = json!(["start_up", "scale_up"]))]
    pub categories: Vec<String>,
    /// The stages, in the order they are judged.
    #[schema(example = json!(["administrative", "district", "province"]))]
    pub stages: Vec<String>,
    /// Last day to enter.
    pub entries_close_on: NaiveDate,
    pub status: CompetitionStatus,
    /// The stage being judged: the first until judging starts, `null` once
    /// the last stage has closed.
    #[schema(example = "district")]
    pub current_stage: Option<String>,
    /// How many stages have closed.
    pub stages_closed: i32,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

impl From<competitions::Model> for CompetitionView {
    fn from(c: competitions::Model) -> Self {
        let stages = names(&c.stages);
        let current = usize::try_from(c.current_stage)
            .ok()
            .and_then(|i| stages.get(i).cloned());
        Self {
            id: c.id,
            title: c.title,
            description: c.description,
            province_code: c.province_code,
            year: c.year,
            categories: names(&c.categories),
            stages,
            entries_close_on: c.entries_close_on,
            status: c.status,
            current_stage: current,
            stages_closed: c.current_stage,
            created_by: c.created_by,
            created_at: c.created_at,
            updated_at: c.updated_at,
            version: c.version,
        }
    }
}

/// A new competition; it starts `draft`.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CompetitionInput {
    /// 1 to 200 characters.
    #[validate(length(min = 1, max = 200))]
    #[schema(
        example = "Audisi Pesantren Juara OPOP Jawa Barat 2026",
        min_length = 1,
        max_length = 200
    )]
    pub title: String,
    /// At most 5,000 characters.
    #[validate(length(max = 5000))]
    #[schema(max_length = 5000)]
    pub description: Option<String>,
    /// The province that runs it; admins of a province create in their own.
    #[validate(custom(function = "ids::validate_province_code"))]
    #[schema(example = "32", pattern = r"^[0-9]{2}$")]
    pub province_code: String,
    /// The programme year, 2019 to 2099.
    #[validate(range(min = 2019, max = 2099))]
    #[schema(example = 2026, minimum = 2019, maximum = 2099)]
    pub year: i32,
    /// 1 to 10 distinct names: a lower-case letter, then lower-case
    /// letters, digits or `_`, at most 40 characters.
    #[schema(example = json!(["start_up", "scale_up"]), min_items = 1, max_items = 10)]
    pub categories: Vec<String>,
    /// 1 to 10 distinct names in the order they are judged, like
    /// `categories`. A stage named `district` nominates by kecamatan and one
    /// named `regency` by kabupaten/kota: see `docs/competitions.md`.
    #[schema(example = json!(["administrative", "district", "province"]), min_items = 1, max_items = 10)]
    pub stages: Vec<String>,
    /// Last day to enter, 2019-01-01 to 2099-12-31.
    pub entries_close_on: NaiveDate,
}

/// The error of each bad name in a list of categories or stages.
fn check_names(field: &str, list: &[String], errors: &mut Vec<FieldError>) {
    if list.is_empty() || list.len() > MAX_NAMES {
        errors.push(
            FieldError::new(field, FieldCode::ItemsBetween)
                .with("min", 1)
                .with("max", MAX_NAMES),
        );
        return;
    }
    for (i, name) in list.iter().enumerate() {
        let well_formed = name.len() <= 40
            && name.starts_with(|c: char| c.is_ascii_lowercase())
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !well_formed {
            errors.push(FieldError::new(
                format!("{field}[{i}]"),
                FieldCode::NameToken,
            ));
        } else if list[..i].contains(name) {
            errors.push(FieldError::new(
                format!("{field}[{i}]"),
                FieldCode::Duplicate,
            ));
        }
    }
}

impl Check for CompetitionInput {
    fn check(&self) -> Vec<FieldError> {
        let mut errors = validator_errors(self.validate());
        check_names("categories", &self.categories, &mut errors);
        check_names("stages", &self.stages, &mut errors);
        errors.extend(check_day("entries_close_on", self.entries_close_on));
        errors
    }
}

/// Filters of the competition list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CompetitionFilter {
    /// Competitions of one province.
    pub province_code: Option<String>,
    /// Competitions of one programme year.
    pub year: Option<i32>,
    pub status: Option<CompetitionStatus>,
}

impl CompetitionFilter {
    pub fn check(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        if let Some(p) = &self.province_code {
            if ids::validate_province_code(p).is_err() {
                errors.push(FieldError::new("province_code", FieldCode::ProvinceCode));
            }
        }
        if let Some(y) = self.year {
            if !YEARS.contains(&y) {
                errors.push(crate::activities::service::year_error());
            }
        }
        errors
    }
}

/// Which stage's standings to show.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StandingsQuery {
    /// A stage of the competition; the current one (or the last, once all
    /// have closed) when omitted.
    pub stage: Option<String>,
    /// Only the entries of one category.
    pub category: Option<String>,
}

/// What became of an entry at the stage of the standings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Still to be decided at this stage.
    Pending,
    /// Went on to the next stage (or became a finalist at the last).
    Advanced,
    /// Eliminated at this stage.
    Eliminated,
}

/// One entry in the standings of a stage.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Standing {
    /// 1 for the first; entries in a tie on every rule still get distinct
    /// ranks, in order of entry.
    pub rank: u32,
    /// Rank within the entry's category.
    pub category_rank: u32,
    pub entry_id: Uuid,
    pub pesantren_id: Uuid,
    pub pesantren_name: String,
    pub category: String,
    /// Mean of the jurors' scores at this stage, to two decimals; `null`
    /// while nobody has scored it.
    #[schema(example = 84.5)]
    pub mean_score: Option<f64>,
    /// How many jurors scored it at this stage.
    pub scores: u32,
    /// The kecamatan (`district` stage) or kabupaten/kota (`regency`
    /// stage) the entry competes for; `null` at other stages.
    #[schema(example = "320405")]
    pub area_code: Option<String>,
    /// The area's name (Kemendagri).
    #[schema(example = "Cileunyi")]
    pub area_name: Option<String>,
    /// The best of its area at an area stage (the area's nominee by
    /// score).
    pub best_in_area: bool,
    pub outcome: Outcome,
    /// The entry's status now.
    pub status: EntryStatus,
}

/// The standings of one stage.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StandingsView {
    pub competition_id: Uuid,
    #[schema(example = "district")]
    pub stage: String,
    /// The area of an area stage: `district` (kecamatan) or `regency`
    /// (kabupaten/kota); `null` at other stages.
    pub area_level: Option<String>,
    /// By mean score, highest first; ties by more scores, then the higher
    /// lowest score, then earlier entry.
    pub data: Vec<Standing>,
}
