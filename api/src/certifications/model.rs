//! Request and response types of certifications.

use chrono::NaiveDate;
use entity::{certifications, CertificationStatus, CertificationType};
use sea_orm::Set;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use crate::error::{FieldCode, FieldError};
use crate::validation::{validator_errors, Check};

/// A certificate of a product.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CertificationView {
    pub id: Uuid,
    pub product_id: Uuid,
    pub pesantren_id: Uuid,
    #[schema(example = "35")]
    pub province_code: String,
    #[serde(rename = "type")]
    #[schema(rename = "type")]
    pub cert_type: CertificationType,
    /// As printed on the certificate, upper-cased and without spaces.
    #[schema(example = "ID35110000123450822")]
    pub number: String,
    /// Who issued it.
    #[schema(example = "BPJPH")]
    pub issuer: String,
    pub issued_on: Option<NaiveDate>,
    /// Last day of validity; `null` when it does not expire (halal
    /// certificates issued since 2023).
    pub expires_on: Option<NaiveDate>,
    pub status: CertificationStatus,
    /// Why a curator rejected it (while `rejected`).
    #[schema(example = "The number on the document does not match.")]
    pub rejection_reason: Option<String>,
    /// Link to a scan of the certificate.
    #[schema(example = "https://opop.example.go.id/dokumen/halal-ID35110012345670224.pdf")]
    pub document_url: Option<String>,
    /// Whether `expires_on` has passed (judged in WIB, UTC+7). An expired
    /// halal certificate no longer publishes its product.
    pub expired: bool,
    /// The curator or admin who verified or rejected it.
    pub verified_by: Option<Uuid>,
    pub verified_at: Option<chrono::DateTime<chrono::Utc>>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
    pub version: i32,
}

impl CertificationView {
    pub fn new(c: certifications::Model, today: NaiveDate) -> Self {
        Self {
            expired: c.expires_on.is_some_and(|d| d < today),
            id: c.id,
            product_id: c.product_id,
            pesantren_id: c.pesantren_id,
            province_code: c.province_code,
            cert_type: c.cert_type,
            number: c.number,
            issuer: c.issuer,
            issued_on: c.issued_on,
            expires_on: c.expires_on,
            status: c.status,
            rejection_reason: c.rejection_reason,
            document_url: c.document_url,
            verified_by: c.verified_by,
            verified_at: c.verified_at,
            created_at: c.created_at,
            updated_at: c.updated_at,
            version: c.version,
        }
    }
}

/// What the pesantren types from its certificate.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CertificationInput {
    #[serde(rename = "type")]
    #[schema(rename = "type")]
    pub cert_type: CertificationType,
    /// Halal: `ID` and digits (BPJPH). P-IRT: 15 digits. BPOM: `MD` or `ML`
    /// and 12 digits, or `NA` and 11 for cosmetics. SNI and trademark: as
    /// printed, 3 to 100 characters. Spaces are dropped and letters
    /// upper-cased.
    #[schema(example = "ID35110000123450822")]
    pub number: String,
    #[validate(length(min = 2, max = 200))]
    #[schema(min_length = 2, max_length = 200)]
    #[schema(example = "BPJPH")]
    pub issuer: String,
    /// Not in the future.
    pub issued_on: Option<NaiveDate>,
    /// Last day of validity; omit when it does not expire. Not before
    /// `issued_on`.
    pub expires_on: Option<NaiveDate>,
    #[validate(custom(function = "crate::ids::validate_https_url"), length(max = 500))]
    #[schema(example = "https://opop.example.go.id/dokumen/halal-ID35110012345670224.pdf")]
    pub document_url: Option<String>,
}

/// Drops spaces, dots and dashes a scan or a form may add, upper-cases.
pub(super) fn normalise_number(t: CertificationType, raw: &str) -> String {
    let squeezed: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
    match t {
        CertificationType::Halal | CertificationType::Pirt | CertificationType::Bpom => squeezed
            .chars()
            .filter(|c| !matches!(c, '.' | '-'))
            .collect::<String>()
            .to_ascii_uppercase(),
        CertificationType::Sni | CertificationType::Haki => raw.trim().to_ascii_uppercase(),
    }
}

/// Why `number` is not a number of type `t`, if it is not.
fn number_problem(t: CertificationType, number: &str) -> Option<FieldError> {
    let digits = |s: &str, n: std::ops::RangeInclusive<usize>| {
        n.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
    };
    let ok = match t {
        CertificationType::Halal => number
            .strip_prefix("ID")
            .is_some_and(|rest| digits(rest, 8..=30)),
        CertificationType::Pirt => digits(number, 15..=15),
        CertificationType::Bpom => match number.get(..2) {
            Some("MD" | "ML") => digits(&number[2..], 12..=12),
            Some("NA") => digits(&number[2..], 11..=11),
            _ => false,
        },
        CertificationType::Sni | CertificationType::Haki => {
            (3..=100).contains(&number.chars().count()) && !number.chars().any(char::is_control)
        }
    };
    if ok {
        return None;
    }
    Some(match t {
        CertificationType::Halal => FieldError::new("number", FieldCode::HalalNumber),
        CertificationType::Pirt => FieldError::new("number", FieldCode::PirtNumber),
        CertificationType::Bpom => FieldError::new("number", FieldCode::BpomNumber),
        CertificationType::Sni | CertificationType::Haki => {
            FieldError::new("number", FieldCode::LengthBetween)
                .with("min", 3)
                .with("max", 100)
        }
    })
}

impl CertificationInput {
    /// The number as stored: normalised for its type.
    pub fn number(&self) -> String {
        normalise_number(self.cert_type, &self.number)
    }

    /// Every failing field, judged on `today`; the number only against a
    /// type that was read (`type_read`).
    pub fn check_on(&self, today: NaiveDate, type_read: bool) -> Vec<FieldError> {
        let mut errors = validator_errors(self.validate());
        if type_read {
            errors.extend(number_problem(self.cert_type, &self.number()));
        }
        if self.issued_on.is_some_and(|d| d > today) {
            errors.push(FieldError::new("issued_on", FieldCode::NotInFuture));
        }
        if let (Some(issued), Some(expires)) = (self.issued_on, self.expires_on) {
            if expires < issued {
                errors.push(
                    FieldError::new("expires_on", FieldCode::NotBefore)
                        .with("other", "`issued_on`"),
                );
            }
        }
        errors
    }

    pub fn apply(&self, number: String, row: &mut certifications::ActiveModel) {
        row.cert_type = Set(self.cert_type);
        row.number = Set(number);
        row.issuer = Set(self.issuer.trim().to_string());
        row.issued_on = Set(self.issued_on);
        row.expires_on = Set(self.expires_on);
        row.document_url = Set(self.document_url.clone());
    }
}

impl Check for CertificationInput {
    fn check(&self) -> Vec<FieldError> {
        self.check_on(crate::publication::today(), true)
    }

    /// What makes a number valid depends on its type: with a type that
    /// could not be read, the number is not judged.
    fn check_besides(&self, stand_ins: &[String]) -> Vec<FieldError> {
        let type_read = !stand_ins.iter().any(|f| f == "type");
        self.check_on(crate::publication::today(), type_read)
    }
}

/// Filters of the certification list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CertificationFilter {
    pub status: Option<CertificationStatus>,
    #[serde(rename = "type")]
    #[param(rename = "type")]
    pub cert_type: Option<CertificationType>,
    /// Only certificates whose `expires_on` falls from today to this many
    /// days ahead (0 to 3650), soonest first: the renewals to chase.
    pub expiring_within_days: Option<u32>,
    /// `true`: only those whose `expires_on` has passed; `false`: only
    /// those still valid or without an expiry date.
    pub expired: Option<bool>,
    pub product_id: Option<Uuid>,
    pub pesantren_id: Option<Uuid>,
}

/// Keyset position: the expiry date (when sorted by it) and id of the last
/// row.
#[derive(Serialize, Deserialize)]
pub(super) struct Position {
    pub e: Option<NaiveDate>,
    pub id: Uuid,
}

/// Why a curator rejects a certificate.
#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RejectCertification {
    /// Shown to the pesantren, so it can send a correct one.
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000)]
    #[serde(default)]
    #[schema(example = "The certificate has expired.")]
    #[schema(required = true)]
    pub reason: String,
}

crate::check_with_validator!(RejectCertification);

crate::merge_patch_schema!(
    /// A JSON Merge Patch (RFC 7396) of `CertificationInput`: only the fields to change;
    /// `null` clears an optional one.
    CertificationPatch,
    CertificationInput
);
