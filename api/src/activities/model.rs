//! Request and response types of programme activities.

use chrono::{DateTime, NaiveDate, Utc};
use entity::{activities, ActivityKind, ActivityStatus};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use crate::error::{FieldCode, FieldError};
use crate::ids;
use crate::validation::{validator_errors, Check};

/// The programme's years: it began in 2019; later than 2099 is a typing
/// slip (`20226`).
pub const YEARS: std::ops::RangeInclusive<i32> = 2019..=2099;

/// The first day an activity may be dated: the programme began in 2019.
pub const EARLIEST: NaiveDate = match NaiveDate::from_ymd_opt(2019, 1, 1) {
    Some(d) => d,
    None => NaiveDate::MIN,
};
/// The last day an activity may be dated, against typing slips (`20226`).
pub const LATEST: NaiveDate = match NaiveDate::from_ymd_opt(2099, 12, 31) {
    Some(d) => d,
    None => NaiveDate::MAX,
};

/// The error of a date outside the programme's years, if it is.
pub fn check_day(field: &str, day: NaiveDate) -> Option<FieldError> {
    if day < EARLIEST {
        Some(FieldError::new(field, FieldCode::NotBefore).with("other", EARLIEST.to_string()))
    } else if day > LATEST {
        Some(FieldError::new(field, FieldCode::TooFarAhead).with("max", LATEST.to_string()))
    } else {
        None
    }
}

/// A programme activity as answered.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ActivityView {
    pub id: Uuid,
    /// What kind of activity.
    pub kind: ActivityKind,
    #[schema(example = "Temu Bisnis OPOP Jawa Barat 2026")]
    pub title: String,
    pub description: Option<String>,
    /// The province that runs it, two digits.
    #[schema(example = "32")]
    pub province_code: String,
    /// Regency or city where it is held, four digits.
    #[schema(example = "3273")]
    pub regency_code: Option<String>,
    /// First day.
    pub starts_on: NaiveDate,
    /// Last day (the same as `starts_on` for a one-day activity).
    pub ends_on: NaiveDate,
    /// Where it is held (or the link of an online one).
    #[schema(example = "Gedung Sate, Bandung")]
    pub location: Option<String>,
    /// Held online.
    pub online: bool,
    /// Places, each taken by one pesantren; none means no limit.
    #[schema(example = 20)]
    pub capacity: Option<i32>,
    /// Last day to enrol; enrolment is open until the activity closes
    /// when none is set.
    pub registration_closes_on: Option<NaiveDate>,
    /// Listed for everyone at `GET /api/v1/catalog/events` (expos).
    pub public: bool,
    pub status: ActivityStatus,
    /// Pesantren enrolled.
    pub enrolled: i32,
    /// Places still free; none without a capacity.
    pub places_left: Option<i32>,
    /// Sum of the activity's confirmed deals, in whole rupiah.
    #[schema(example = 21_000_000_000i64)]
    pub deal_total_idr: i64,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

impl ActivityView {
    pub fn new(a: activities::Model, deal_total_idr: i64) -> Self {
        Self {
            id: a.id,
            kind: a.kind,
            title: a.title,
            description: a.description,
            province_code: a.province_code,
            regency_code: a.regency_code,
            starts_on: a.starts_on,
            ends_on: a.ends_on,
            location: a.location,
            online: a.online,
            capacity: a.capacity,
            registration_closes_on: a.registration_closes_on,
            public: a.public,
            status: a.status,
            enrolled: a.enrolled,
            places_left: a.capacity.map(|c| (c - a.enrolled).max(0)),
            deal_total_idr,
            created_by: a.created_by,
            created_at: a.created_at,
            updated_at: a.updated_at,
            version: a.version,
        }
    }
}

/// A public event, as anyone sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EventView {
    pub id: Uuid,
    pub kind: ActivityKind,
    #[schema(example = "OPOP Expo Jawa Timur 2026")]
    pub title: String,
    pub description: Option<String>,
    #[schema(example = "35")]
    pub province_code: String,
    pub regency_code: Option<String>,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    #[schema(example = "Grand City Convention Hall, Surabaya")]
    pub location: Option<String>,
    pub online: bool,
    /// `planned`, `open`, `closed` or `done`.
    pub status: ActivityStatus,
}

impl From<activities::Model> for EventView {
    fn from(a: activities::Model) -> Self {
        Self {
            id: a.id,
            kind: a.kind,
            title: a.title,
            description: a.description,
            province_code: a.province_code,
            regency_code: a.regency_code,
            starts_on: a.starts_on,
            ends_on: a.ends_on,
            location: a.location,
            online: a.online,
            status: a.status,
        }
    }
}

/// A new activity (it starts `planned`), or the whole writable state of
/// one: its `kind` and `province_code` cannot change once it exists.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActivityInput {
    pub kind: ActivityKind,
    /// The province that runs it; staff of a province create in their own.
    #[validate(custom(function = "ids::validate_province_code"))]
    #[schema(example = "32", pattern = r"^[0-9]{2}$")]
    pub province_code: String,
    /// 1 to 200 characters.
    #[validate(length(min = 1, max = 200))]
    #[schema(
        example = "Temu Bisnis OPOP Jawa Barat 2026",
        min_length = 1,
        max_length = 200
    )]
    pub title: String,
    /// At most 5,000 characters.
    #[validate(length(max = 5000))]
    #[schema(max_length = 5000)]
    pub description: Option<String>,
    /// Regency or city of the province, four digits.
    #[validate(custom(function = "ids::validate_regency_code"))]
    #[schema(example = "3273", pattern = r"^[0-9]{4}$")]
    pub regency_code: Option<String>,
    /// First day, 2019-01-01 to 2099-12-31.
    pub starts_on: NaiveDate,
    /// Last day, not before `starts_on`.
    pub ends_on: NaiveDate,
    /// Where it is held: required unless `online`; 1 to 300 characters.
    #[validate(length(min = 1, max = 300))]
    #[schema(example = "Gedung Sate, Bandung", min_length = 1, max_length = 300)]
    pub location: Option<String>,
    /// Held online; `false` when omitted.
    #[serde(default)]
    pub online: bool,
    /// Places (pesantren), 1 to 100,000; no limit when omitted.
    #[validate(range(min = 1, max = 100_000))]
    #[schema(minimum = 1, maximum = 100_000, example = 20)]
    pub capacity: Option<i32>,
    /// Last day to enrol, not after `ends_on`.
    pub registration_closes_on: Option<NaiveDate>,
    /// Listed publicly (expos); `false` when omitted.
    #[serde(default)]
    pub public: bool,
}

impl Check for ActivityInput {
    /// The attributes, and the rules between fields: dates in order and
    /// within the programme's years, a place for an activity held in
    /// person, a regency of the activity's province.
    fn check(&self) -> Vec<FieldError> {
        let mut errors = validator_errors(self.validate());
        errors.extend(check_day("starts_on", self.starts_on));
        errors.extend(check_day("ends_on", self.ends_on));
        if self.ends_on < self.starts_on {
            errors
                .push(FieldError::new("ends_on", FieldCode::NotBefore).with("other", "starts_on"));
        }
        if let Some(closes) = self.registration_closes_on {
            if closes > self.ends_on {
                errors.push(
                    FieldError::new("registration_closes_on", FieldCode::NotAfter)
                        .with("other", "ends_on"),
                );
            }
        }
        if !self.online && self.location.as_deref().is_none_or(|l| l.trim().is_empty()) {
            errors.push(FieldError::new("location", FieldCode::Required));
        }
        if let Some(r) = &self.regency_code {
            if ids::validate_regency_code(r).is_ok() && !r.starts_with(&self.province_code) {
                errors.push(FieldError::new("regency_code", FieldCode::WithinProvince));
            }
        }
        errors
    }

    /// Stand-ins for unreadable dates would make false date-order errors.
    fn check_besides(&self, stand_ins: &[String]) -> Vec<FieldError> {
        let dates = ["starts_on", "ends_on", "registration_closes_on"];
        let mut errors = self.check();
        if stand_ins.iter().any(|f| dates.contains(&f.as_str())) {
            errors.retain(|e| !dates.contains(&e.field.as_str()));
        }
        errors
    }
}

crate::merge_patch_schema!(
    /// A JSON Merge Patch (RFC 7396) of `ActivityInput`: only the fields to
    /// change; `null` clears an optional one.
    ActivityPatch,
    ActivityInput
);

/// Filters of the activity list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ActivityFilter {
    /// Activities of one province.
    pub province_code: Option<String>,
    pub kind: Option<ActivityKind>,
    pub status: Option<ActivityStatus>,
    /// Activities ending on or after this day.
    pub from: Option<NaiveDate>,
    /// Activities starting on or before this day.
    pub to: Option<NaiveDate>,
    /// Activities starting in this year.
    pub year: Option<i32>,
}

/// Filters of the public events.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EventFilter {
    /// Events of one province.
    pub province_code: Option<String>,
    /// Events ending on or after this day (`from=` today for the coming ones).
    pub from: Option<NaiveDate>,
}

/// Keyset position of a list sorted by first day: the day and id of the
/// last row.
#[derive(Serialize, Deserialize)]
pub(super) struct Position {
    pub day: NaiveDate,
    pub id: Uuid,
}
