//! Request and response types of pesantren and their registration.

use entity::{pesantren, PesantrenStatus, Role};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use crate::error::{FieldCode, FieldError};
use crate::ids;
use crate::validation::{validator_errors, Check};

/// A pesantren as its staff and the secretariat see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PesantrenView {
    pub id: Uuid,
    /// Kemenag's statistical number (NSPP), 12 digits.
    #[schema(example = "510035780001")]
    pub nspp: String,
    #[schema(example = "Pondok Pesantren Sidogiri")]
    pub name: String,
    #[schema(example = "35")]
    pub province_code: String,
    /// The province's name (Kemendagri); `null` only for a code the data
    /// set lacks (see `docs/regions.md`).
    #[schema(example = "Jawa Timur", required = true)]
    pub province_name: Option<String>,
    #[schema(example = "3514")]
    pub regency_code: String,
    /// The regency's or city's name; `null` only for a code the data set
    /// lacks.
    #[schema(example = "Kabupaten Pasuruan", required = true)]
    pub regency_name: Option<String>,
    #[schema(example = "351401")]
    pub district_code: Option<String>,
    /// The district's (kecamatan) name; `null` without a district or for a
    /// code the data set lacks.
    #[schema(example = "Purwodadi", required = true)]
    pub district_name: Option<String>,
    #[schema(example = "Jl. Raya Sidogiri, Kraton, Pasuruan, Jawa Timur")]
    pub address: String,
    #[schema(example = "KH. Fuad Noerhasan")]
    pub leader_name: String,
    /// E.164, `+628…`.
    #[schema(example = "+6281234567890")]
    pub phone: String,
    #[schema(example = "info@sidogiri.net")]
    pub email: Option<String>,
    #[schema(example = "https://sidogiri.net")]
    pub website: Option<String>,
    #[schema(
        example = "Pesantren salaf dengan koperasi yang mengelola kopi, air minum dan toko kitab."
    )]
    pub description: Option<String>,
    pub status: PesantrenStatus,
    pub verified_at: Option<chrono::DateTime<chrono::Utc>>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
    pub version: i32,
}

impl From<pesantren::Model> for PesantrenView {
    fn from(p: pesantren::Model) -> Self {
        Self {
            id: p.id,
            nspp: p.nspp,
            name: p.name,
            province_name: ids::region_name(&p.province_code),
            regency_name: ids::region_name(&p.regency_code),
            district_name: p.district_code.as_deref().and_then(ids::region_name),
            province_code: p.province_code,
            regency_code: p.regency_code,
            district_code: p.district_code,
            address: p.address,
            leader_name: p.leader_name,
            phone: p.phone,
            email: p.email,
            website: p.website,
            description: p.description,
            status: p.status,
            verified_at: p.verified_at,
            created_at: p.created_at,
            updated_at: p.updated_at,
            version: p.version,
        }
    }
}

/// The public profile of a verified pesantren.
// `additionalProperties: false` in the document: without it a full record is
// also a valid public profile, and the untagged `oneOf` of
// `PesantrenResponse` would match both. (No effect on serialisation.)
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublicPesantren {
    pub id: Uuid,
    #[schema(example = "Pondok Pesantren Sidogiri")]
    pub name: String,
    #[schema(example = "35")]
    pub province_code: String,
    /// The province's name (Kemendagri); `null` only for a code the data
    /// set lacks (see `docs/regions.md`).
    #[schema(example = "Jawa Timur", required = true)]
    pub province_name: Option<String>,
    #[schema(example = "3514")]
    pub regency_code: String,
    /// The regency's or city's name; `null` only for a code the data set
    /// lacks.
    #[schema(example = "Kabupaten Pasuruan", required = true)]
    pub regency_name: Option<String>,
    #[schema(example = "351401")]
    pub district_code: Option<String>,
    /// The district's (kecamatan) name; `null` without a district or for a
    /// code the data set lacks.
    #[schema(example = "Purwodadi", required = true)]
    pub district_name: Option<String>,
    #[schema(example = "Jl. Raya Sidogiri, Kraton, Pasuruan, Jawa Timur")]
    pub address: String,
    #[schema(example = "KH. Fuad Noerhasan")]
    pub leader_name: String,
}

impl From<pesantren::Model> for PublicPesantren {
    fn from(p: pesantren::Model) -> Self {
        Self {
            id: p.id,
            name: p.name,
            province_name: ids::region_name(&p.province_code),
            regency_name: ids::region_name(&p.regency_code),
            district_name: p.district_code.as_deref().and_then(ids::region_name),
            province_code: p.province_code,
            regency_code: p.regency_code,
            district_code: p.district_code,
            address: p.address,
            leader_name: p.leader_name,
        }
    }
}

/// What a caller sees of a pesantren: the full record within their scope,
/// the public profile otherwise.
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum PesantrenResponse {
    Full(PesantrenView),
    Public(PublicPesantren),
}

/// The fields of a pesantren that people type.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PesantrenInput {
    #[validate(custom(function = "ids::validate_nspp"))]
    #[schema(pattern = r"^[0-9]{12}$")]
    #[schema(example = "510035780001")]
    pub nspp: String,
    #[validate(length(min = 3, max = 200))]
    #[schema(min_length = 3, max_length = 200)]
    #[schema(example = "Pondok Pesantren Sidogiri")]
    pub name: String,
    #[validate(custom(function = "ids::validate_province_code"))]
    #[schema(pattern = r"^[0-9]{2}$")]
    #[schema(example = "35")]
    pub province_code: String,
    /// Starts with the province code.
    #[validate(custom(function = "ids::validate_regency_code"))]
    #[schema(pattern = r"^[0-9]{4}$")]
    #[schema(example = "3514")]
    pub regency_code: String,
    /// Starts with the regency code.
    #[validate(custom(function = "ids::validate_district_code"))]
    #[schema(pattern = r"^[0-9]{6}$")]
    #[schema(example = "351401")]
    pub district_code: Option<String>,
    #[validate(length(min = 5, max = 500))]
    #[schema(min_length = 5, max_length = 500)]
    #[schema(example = "Jl. Raya Sidogiri, Kraton, Pasuruan, Jawa Timur")]
    pub address: String,
    #[validate(length(min = 3, max = 200))]
    #[schema(min_length = 3, max_length = 200)]
    #[schema(example = "KH. Fuad Noerhasan")]
    pub leader_name: String,
    /// Indonesian mobile number; `08…`, `628…` and `+628…` are accepted and
    /// stored as `+628…`.
    #[validate(custom(function = "ids::validate_phone"))]
    #[schema(example = "081234567890")]
    pub phone: String,
    #[validate(email, length(max = 254))]
    #[schema(max_length = 254)]
    #[schema(example = "info@sidogiri.net")]
    pub email: Option<String>,
    #[validate(custom(function = "crate::ids::validate_https_url"), length(max = 500))]
    #[schema(example = "https://sidogiri.net")]
    pub website: Option<String>,
    #[validate(length(max = 5000))]
    #[schema(max_length = 5000)]
    #[schema(
        example = "Pesantren salaf dengan koperasi yang mengelola kopi, air minum dan toko kitab."
    )]
    pub description: Option<String>,
}

impl PesantrenInput {
    /// Every failing field at once, including the nesting of region codes,
    /// named under `prefix` (`pesantren` in a registration).
    pub fn check_under(&self, prefix: &str) -> Vec<FieldError> {
        let mut errors = validator_errors(self.validate());
        let failed = |errors: &Vec<FieldError>, f: &str| errors.iter().any(|e| e.field == f);
        if !failed(&errors, "regency_code")
            && !failed(&errors, "province_code")
            && !ids::is_within(&self.regency_code, &self.province_code)
        {
            errors.push(
                FieldError::new("regency_code", FieldCode::WithinProvince)
                    .with("province", &self.province_code),
            );
        }
        if let Some(district) = &self.district_code {
            if !failed(&errors, "district_code")
                && !failed(&errors, "regency_code")
                && !ids::is_within(district, &self.regency_code)
            {
                errors.push(
                    FieldError::new("district_code", FieldCode::WithinRegency)
                        .with("regency", &self.regency_code),
                );
            }
        }
        errors.into_iter().map(|e| e.under(prefix)).collect()
    }

    pub(super) fn phone_e164(&self) -> String {
        ids::normalize_phone(&self.phone).unwrap_or_else(|| self.phone.clone())
    }

    pub(super) fn trimmed(s: &Option<String>) -> Option<String> {
        s.as_ref()
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    }
}

impl Check for PesantrenInput {
    fn check(&self) -> Vec<FieldError> {
        self.check_under("")
    }
}

impl Check for RegistrationRequest {
    fn check(&self) -> Vec<FieldError> {
        let mut errors = self.pesantren.check_under("pesantren");
        errors.extend(
            validator_errors(self.manager.validate())
                .into_iter()
                .map(|e| e.under("manager")),
        );
        errors
    }
}

crate::check_with_validator!(StatusChange);

/// Filters of the pesantren list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PesantrenFilter {
    #[param(example = "35")]
    pub province_code: Option<String>,
    #[param(example = "3578")]
    pub regency_code: Option<String>,
    /// Staff only; the public directory lists verified pesantren.
    pub status: Option<PesantrenStatus>,
    /// Part of the name, matched without regard to case, accents or Arabic vowel marks.
    pub q: Option<String>,
    /// Ask for the public directory even when logged in as staff.
    pub public: Option<bool>,
}

/// The first manager of a registering pesantren.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ManagerInput {
    #[validate(email, length(max = 254))]
    #[schema(max_length = 254)]
    #[schema(example = "pengurus@sidogiri.net")]
    pub email: String,
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    #[schema(example = "Ahmad Syaifuddin")]
    pub name: String,
    /// At least 10 characters.
    #[validate(length(min = 10, max = 1024, message = "field.length_min"))]
    #[schema(min_length = 10, max_length = 1024)]
    #[schema(example = "a-long-password")]
    pub password: String,
}

/// An online registration: a pesantren and its first manager.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegistrationRequest {
    pub pesantren: PesantrenInput,
    pub manager: ManagerInput,
}

/// What a registration created.
#[derive(Debug, Serialize, ToSchema)]
pub struct Registration {
    pub pesantren: PesantrenView,
    pub manager: RegisteredManager,
}

/// The manager named in a registration, who can log in once an admin
/// verifies the pesantren. The answer is the same whether or not the email
/// already had an account (no second account is made then, and the admins
/// see it in the audit trail), so the form does not tell anyone who has an
/// account (issue 17, finding 10).
#[derive(Debug, Serialize, ToSchema)]
pub struct RegisteredManager {
    #[schema(example = "pengurus@alhikmah.sch.id")]
    pub email: String,
    #[schema(example = "Ust. Ahmad Fauzi")]
    pub name: String,
    /// Always `pesantren_manager`.
    pub role: Role,
    /// The province of the pesantren.
    #[schema(example = "35")]
    pub province_code: String,
    /// The registered pesantren.
    pub pesantren_id: Uuid,
}

/// Why a pesantren is suspended.
#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusChange {
    /// Kept in the pesantren's review history (and the audit trail).
    #[validate(length(max = 1000))]
    #[schema(max_length = 1000)]
    #[schema(example = "The operating permit is under review.")]
    pub reason: Option<String>,
}

crate::merge_patch_schema!(
    /// A JSON Merge Patch (RFC 7396) of `PesantrenInput`: only the fields to change;
    /// `null` clears an optional one.
    PesantrenPatch,
    PesantrenInput
);
