//! Request and response types of alumni enterprises.

use chrono::{DateTime, NaiveDate, Utc};
use entity::{enterprises, EnterpriseKind};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use crate::activities::model::check_day;
use crate::error::FieldError;
use crate::validation::{validator_errors, Check};

/// An enterprise run by an alumnus.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EnterpriseView {
    pub id: Uuid,
    /// The alumnus who runs it.
    pub santri_id: Uuid,
    pub pesantren_id: Uuid,
    pub province_code: String,
    #[schema(example = "Bank Sampah Santri Berkah")]
    pub name: String,
    /// `social` (a sociopreneur's) or `business`.
    pub kind: EnterpriseKind,
    pub started_on: NaiveDate,
    pub description: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

impl From<enterprises::Model> for EnterpriseView {
    fn from(e: enterprises::Model) -> Self {
        Self {
            id: e.id,
            santri_id: e.santri_id,
            pesantren_id: e.pesantren_id,
            province_code: e.province_code,
            name: e.name,
            kind: e.kind,
            started_on: e.started_on,
            description: e.description,
            created_at: e.created_at,
            updated_at: e.updated_at,
            version: e.version,
        }
    }
}

/// An enterprise to record.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EnterpriseInput {
    /// 1 to 200 characters.
    #[validate(length(min = 1, max = 200))]
    #[schema(
        example = "Bank Sampah Santri Berkah",
        min_length = 1,
        max_length = 200
    )]
    pub name: String,
    pub kind: EnterpriseKind,
    /// When it started, 2019-01-01 at the earliest, not in the future.
    pub started_on: NaiveDate,
    /// At most 5,000 characters.
    #[validate(length(max = 5000))]
    #[schema(
        max_length = 5000,
        example = "Mengelola sampah plastik warga sekitar pondok menjadi bahan kerajinan."
    )]
    pub description: Option<String>,
}

impl Check for EnterpriseInput {
    fn check(&self) -> Vec<FieldError> {
        let mut errors = validator_errors(self.validate());
        errors.extend(check_day("started_on", self.started_on));
        errors
    }
}
