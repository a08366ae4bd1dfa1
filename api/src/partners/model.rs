//! Request and response types of partners.

use entity::partners;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use crate::error::FieldCode;

/// A partner, as answered (never with its secret).
#[derive(Debug, Serialize, ToSchema)]
pub struct PartnerView {
    pub id: Uuid,
    #[schema(example = "Shopee Indonesia")]
    pub name: String,
    #[schema(example = "shopee")]
    pub code: String,
    /// Identifies the partner at `POST /api/v1/auth/token`.
    #[schema(example = "shopee-8f2k3m9q1x7d")]
    pub client_id: String,
    pub is_active: bool,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
    pub version: i32,
}

impl From<partners::Model> for PartnerView {
    fn from(p: partners::Model) -> Self {
        Self {
            id: p.id,
            name: p.name,
            code: p.code,
            client_id: p.client_id,
            is_active: p.is_active,
            created_at: p.created_at,
            updated_at: p.updated_at,
            version: p.version,
        }
    }
}

/// A new partner with its credentials; the secret is shown only here.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedPartner {
    #[serde(flatten)]
    pub partner: PartnerView,
    /// Shown once: store it now. Only its hash is kept.
    pub client_secret: String,
}

/// A new partner.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePartner {
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    #[schema(example = "Shopee Indonesia")]
    pub name: String,
    /// Short stable code: lower-case letters, digits and dashes.
    #[validate(custom(function = "validate_code"))]
    #[schema(example = "shopee")]
    pub code: String,
}

fn validate_code(code: &str) -> Result<(), validator::ValidationError> {
    let ok = (2..=40).contains(&code.len())
        && code
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !code.starts_with('-');
    if ok {
        Ok(())
    } else {
        Err(crate::validation::invalid(FieldCode::PartnerCode))
    }
}

crate::check_with_validator!(CreatePartner);
