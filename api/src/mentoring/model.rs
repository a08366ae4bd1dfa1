//! Request and response types of mentoring: assignments and sessions.

use chrono::{DateTime, NaiveDate, Utc};
use entity::{mentor_assignments, mentoring_sessions};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use crate::activities::model::check_day;
use crate::error::{FieldCode, FieldError};
use crate::validation::{validator_errors, Check};

/// A mentor assigned to a pesantren for a period.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AssignmentView {
    pub id: Uuid,
    /// The mentor (a user with role `mentor`).
    pub mentor_id: Uuid,
    pub pesantren_id: Uuid,
    pub province_code: String,
    /// First day.
    pub starts_on: NaiveDate,
    /// Last day; `null` while open-ended.
    pub ends_on: Option<NaiveDate>,
    /// Whether the assignment holds today (WIB): the mentor sees the
    /// pesantren only then.
    pub current: bool,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

impl AssignmentView {
    pub fn new(a: mentor_assignments::Model, today: NaiveDate) -> Self {
        Self {
            current: a.starts_on <= today && a.ends_on.is_none_or(|e| e >= today),
            id: a.id,
            mentor_id: a.mentor_id,
            pesantren_id: a.pesantren_id,
            province_code: a.province_code,
            starts_on: a.starts_on,
            ends_on: a.ends_on,
            created_by: a.created_by,
            created_at: a.created_at,
            updated_at: a.updated_at,
            version: a.version,
        }
    }
}

/// A new assignment.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignmentInput {
    /// An active user with role `mentor` (or a `curator` who mentors too),
    /// of the pesantren's province or of none.
    pub mentor_id: Uuid,
    /// A pesantren of the admin's province.
    pub pesantren_id: Uuid,
    /// First day.
    pub starts_on: NaiveDate,
    /// Last day, not before `starts_on`; open-ended when omitted.
    pub ends_on: Option<NaiveDate>,
}

impl Check for AssignmentInput {
    fn check(&self) -> Vec<FieldError> {
        let mut errors: Vec<FieldError> =
            check_day("starts_on", self.starts_on).into_iter().collect();
        if let Some(end) = self.ends_on {
            errors.extend(check_day("ends_on", end));
            if end < self.starts_on {
                errors.push(
                    FieldError::new("ends_on", FieldCode::NotBefore).with("other", "starts_on"),
                );
            }
        }
        errors
    }
}

/// Filters of the assignment list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AssignmentFilter {
    pub mentor_id: Option<Uuid>,
    pub pesantren_id: Option<Uuid>,
    /// Only those that hold today (`true`) or those that do not (`false`).
    pub current: Option<bool>,
}

/// A mentoring session held with a pesantren.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SessionView {
    pub id: Uuid,
    pub pesantren_id: Uuid,
    pub province_code: String,
    /// The mentor who held it.
    pub mentor_id: Uuid,
    pub held_on: NaiveDate,
    #[schema(example = "Pencatatan keuangan koperasi")]
    pub topic: String,
    pub notes: String,
    /// What the pesantren agreed to do next.
    pub follow_up: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

impl From<mentoring_sessions::Model> for SessionView {
    fn from(s: mentoring_sessions::Model) -> Self {
        Self {
            id: s.id,
            pesantren_id: s.pesantren_id,
            province_code: s.province_code,
            mentor_id: s.mentor_id,
            held_on: s.held_on,
            topic: s.topic,
            notes: s.notes,
            follow_up: s.follow_up,
            created_at: s.created_at,
            updated_at: s.updated_at,
            version: s.version,
        }
    }
}

/// A session to record.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SessionInput {
    /// The day it was held: not in the future.
    pub held_on: NaiveDate,
    /// 1 to 200 characters.
    #[validate(length(min = 1, max = 200))]
    #[schema(
        example = "Pencatatan keuangan koperasi",
        min_length = 1,
        max_length = 200
    )]
    pub topic: String,
    /// 1 to 10,000 characters.
    #[validate(length(min = 1, max = 10000))]
    #[schema(
        min_length = 1,
        max_length = 10000,
        example = "Buku kas harian belum dipisah antara unit toko dan produksi kopi."
    )]
    pub notes: String,
    /// At most 5,000 characters.
    #[validate(length(min = 1, max = 5000))]
    #[schema(
        min_length = 1,
        max_length = 5000,
        example = "Pisahkan buku kas per unit usaha."
    )]
    pub follow_up: Option<String>,
}

impl Check for SessionInput {
    fn check(&self) -> Vec<FieldError> {
        let mut errors = validator_errors(self.validate());
        errors.extend(check_day("held_on", self.held_on));
        errors
    }
}

/// Keyset position of the sessions, newest first.
#[derive(Serialize, Deserialize)]
pub(super) struct Position {
    pub day: NaiveDate,
    pub id: Uuid,
}
