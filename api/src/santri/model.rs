//! Request and response types of santri: personal data, the NIK masked.

use chrono::{DateTime, NaiveDate, Utc};
use entity::{santri, ConsentMethod, Gender, SantriStatus};
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::{Validate, ValidationError};

use crate::ids;
use crate::masking::mask_last4;
use crate::vault::NikVault;

/// A santri, as answered: the NIK masked, always.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SantriView {
    /// Santri id (UUID v7).
    pub id: Uuid,
    /// The pesantren the santri belongs to.
    pub pesantren_id: Uuid,
    /// Province of the pesantren.
    #[schema(example = "35")]
    pub province_code: String,
    /// Full name, exactly as written (Latin or Arabic script).
    #[schema(example = "Siti Nur'aini Ḥasanah")]
    pub name: String,
    /// National identity number, masked: only the last four digits are shown.
    #[schema(example = "************0001")]
    pub nik: Option<String>,
    /// `L` (laki-laki) or `P` (perempuan).
    pub gender: Gender,
    /// Date of birth.
    #[schema(example = "2009-01-01")]
    pub birth_date: Option<NaiveDate>,
    /// Year the santri entered the pesantren.
    #[schema(example = 2021)]
    pub entry_year: Option<i32>,
    /// `active` while studying, `alumni` after.
    pub status: SantriStatus,
    /// Whether the santri takes part in the Santripreneur pillar.
    pub is_santripreneur: bool,
    /// Mobile number in E.164 (`+628…`).
    #[schema(example = "+6281234567890")]
    pub phone: Option<String>,
    /// Email address, lower case.
    #[schema(example = "ahmad.fauzi@example.org")]
    pub email: Option<String>,
    /// Home address.
    #[schema(example = "Dusun Krajan RT 02 RW 01, Kraton, Pasuruan")]
    pub address: Option<String>,
    /// Parent or guardian (required for a santri under 18).
    #[schema(example = "Suparman")]
    pub guardian_name: Option<String>,
    /// When the parent or guardian's consent was recorded (required for a
    /// santri under 18); `consent` holds the whole record.
    pub guardian_consent_at: Option<DateTime<Utc>>,
    /// The consent record: who consented, how, when, recorded by whom, and
    /// whether it was withdrawn; `null` when none was recorded.
    pub consent: Option<ConsentView>,
    /// The day an alumnus left; retention (`OPOP_SANTRI_RETENTION_YEARS`)
    /// counts from it.
    #[schema(example = "2025-06-30")]
    pub left_on: Option<NaiveDate>,
    /// Restricted after consent was withdrawn or the data erased: only
    /// admins see the record, and it leaves every list.
    pub restricted: bool,
    /// When the personal fields were erased (`POST /santri/{id}/erase`, a
    /// withdrawal of consent, or retention); the record stays only to be
    /// counted, its name empty and every other personal field `null`.
    pub erased_at: Option<DateTime<Utc>>,
    /// When the record was created.
    pub created_at: DateTime<Utc>,
    /// When the record last changed.
    pub updated_at: DateTime<Utc>,
    /// Grows by one on every change; sent as `ETag`.
    pub version: i32,
}

impl From<santri::Model> for SantriView {
    fn from(s: santri::Model) -> Self {
        Self {
            id: s.id,
            pesantren_id: s.pesantren_id,
            province_code: s.province_code,
            name: s.name,
            // Only the last four digits are kept in the clear, so no view
            // can answer more.
            nik: s.nik_last4.as_deref().map(mask_last4),
            gender: s.gender,
            birth_date: s.birth_date,
            entry_year: s.entry_year,
            status: s.status,
            is_santripreneur: s.is_santripreneur,
            phone: s.phone,
            email: s.email,
            address: s.address,
            guardian_name: s.guardian_name.clone(),
            guardian_consent_at: s.guardian_consent_at,
            consent: s.guardian_consent_at.map(|recorded_at| ConsentView {
                guardian_name: s.guardian_name.clone(),
                guardian_relation: s.consent_relation.clone(),
                method: s.consent_method,
                given_on: s.consent_given_on,
                recorded_by: s.consent_recorded_by,
                recorded_at,
                withdrawn_at: s.consent_withdrawn_at,
            }),
            left_on: s.left_on,
            restricted: s.consent_withdrawn_at.is_some() || s.erased_at.is_some(),
            erased_at: s.erased_at,
            created_at: s.created_at,
            updated_at: s.updated_at,
            version: s.version,
        }
    }
}

/// A parent's or guardian's consent to a minor's data being kept, as
/// recorded (UU 27/2022 art. 25).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ConsentView {
    /// Who consented.
    #[schema(example = "Hj. Aminah")]
    pub guardian_name: Option<String>,
    /// Their relation to the santri; `null` on consents recorded before
    /// relations were (the `guardian_consent: true` shorthand).
    #[schema(example = "ibu")]
    pub guardian_relation: Option<String>,
    /// How consent was given; `null` as for `guardian_relation`.
    pub method: Option<ConsentMethod>,
    /// The day consent was given.
    #[schema(example = "2026-07-15")]
    pub given_on: Option<NaiveDate>,
    /// The user who recorded it.
    pub recorded_by: Option<Uuid>,
    /// When it was recorded.
    pub recorded_at: DateTime<Utc>,
    /// When it was withdrawn (`POST /santri/{id}/consent/withdraw`); the
    /// record is then restricted and erased after
    /// `OPOP_CONSENT_WITHDRAWN_ERASE_DAYS`.
    pub withdrawn_at: Option<DateTime<Utc>>,
}

/// A consent to record: who gave it, their relation, how and when.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsentInput {
    /// Who consented; defaults to the santri's `guardian_name`.
    #[validate(length(min = 1, max = 200))]
    #[schema(example = "Hj. Aminah", min_length = 1, max_length = 200)]
    pub guardian_name: Option<String>,
    /// Their relation to the santri (`ibu`, `ayah`, `wali`, …), 1 to 50 characters.
    #[validate(length(min = 1, max = 50))]
    #[schema(example = "ibu", min_length = 1, max_length = 50)]
    pub guardian_relation: String,
    /// `written_form`, `in_person` or `digital`.
    pub method: ConsentMethod,
    /// The day consent was given, not in the future; today by default.
    #[schema(example = "2026-07-15")]
    pub given_on: Option<NaiveDate>,
}

fn validate_name(name: &str) -> Result<(), ValidationError> {
    let n = name.trim().chars().count();
    if (1..=200).contains(&n) {
        Ok(())
    } else {
        let mut e = ValidationError::new("length");
        e.add_param("min".into(), &1);
        e.add_param("max".into(), &200);
        Err(e)
    }
}

fn default_status() -> SantriStatus {
    SantriStatus::Active
}

/// A new santri of a pesantren.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateSantri {
    /// Full name, 1 to 200 characters, in any script; kept exactly as written
    /// (surrounding spaces removed).
    #[validate(custom(function = "validate_name"))]
    #[schema(example = "Siti Nur'aini Ḥasanah")]
    pub name: String,
    /// National identity number, 16 digits. It must agree with `gender` and,
    /// when given, `birth_date` (digits 7-12 are DDMMYY, day + 40 for women).
    /// Unique within the pesantren. Answered masked only.
    #[validate(custom(function = "ids::validate_nik"))]
    #[schema(pattern = r"^[0-9]{16}$")]
    #[schema(example = "3578014101090001")]
    pub nik: Option<String>,
    /// `L` (laki-laki) or `P` (perempuan).
    pub gender: Gender,
    /// Date of birth, not in the future. A santri under 18 needs
    /// `guardian_name` and `guardian_consent: true`.
    #[schema(example = "2009-01-01")]
    pub birth_date: Option<NaiveDate>,
    /// Year of entry, from 1900 to the current year, not before the birth year.
    #[schema(example = 2021)]
    pub entry_year: Option<i32>,
    /// `active` (the default) or `alumni`.
    #[serde(default = "default_status")]
    pub status: SantriStatus,
    /// Takes part in the Santripreneur pillar; `false` by default.
    #[serde(default)]
    pub is_santripreneur: bool,
    /// Indonesian mobile number; `08…`, `628…` and `+628…` are accepted and
    /// stored as `+628…`.
    #[validate(custom(function = "ids::validate_phone"))]
    #[schema(example = "081234567890")]
    pub phone: Option<String>,
    /// Email address.
    #[validate(email, length(max = 254))]
    #[schema(max_length = 254)]
    #[schema(example = "ahmad.fauzi@example.org")]
    pub email: Option<String>,
    /// Home address, at most 500 characters.
    #[validate(length(max = 500))]
    #[schema(max_length = 500)]
    #[schema(example = "Dusun Krajan RT 02 RW 01, Kraton, Pasuruan")]
    pub address: Option<String>,
    /// Parent or guardian; required for a santri under 18.
    #[validate(length(max = 200))]
    #[schema(max_length = 200)]
    #[schema(example = "Hj. Aminah")]
    pub guardian_name: Option<String>,
    /// Shorthand for a consent without its details: `true` records that the
    /// parent or guardian consented, today. Prefer `consent`; a santri under
    /// 18 needs one of the two.
    #[serde(default)]
    pub guardian_consent: bool,
    /// The parent's or guardian's consent, recorded with who gave it, how
    /// and when (and who recorded it: the caller).
    #[validate(nested)]
    pub consent: Option<ConsentInput>,
    /// The day an alumnus left (`status: alumni`); today when an alumnus is
    /// recorded without it. Not in the future.
    #[schema(example = "2025-06-30")]
    pub left_on: Option<NaiveDate>,
}

/// Deserialises a field that may be absent (outer `None`: leave unchanged),
/// `null` (`Some(None)`: clear) or a value.
fn nullable<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// Changes to a santri. Only the fields sent change; `null` clears an
/// optional field. The rules of creation apply to the resulting record.
#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateSantri {
    /// Full name, 1 to 200 characters.
    #[validate(custom(function = "validate_name"))]
    #[schema(example = "Siti Nur'aini Ḥasanah")]
    pub name: Option<String>,
    /// National identity number, 16 digits, unique within the pesantren.
    #[serde(default, deserialize_with = "nullable")]
    #[validate(custom(function = "ids::validate_nik"))]
    #[schema(pattern = r"^[0-9]{16}$")]
    #[schema(value_type = Option<String>, example = "3578014101090001")]
    pub nik: Option<Option<String>>,
    /// `L` or `P`.
    pub gender: Option<Gender>,
    /// Date of birth, not in the future.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<NaiveDate>, example = "2009-01-01")]
    pub birth_date: Option<Option<NaiveDate>>,
    /// Year of entry, from 1900 to the current year.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<i32>, example = 2021)]
    pub entry_year: Option<Option<i32>>,
    /// `active` or `alumni`.
    pub status: Option<SantriStatus>,
    /// Takes part in the Santripreneur pillar.
    pub is_santripreneur: Option<bool>,
    /// Indonesian mobile number, stored as `+628…`. A santri may change it.
    #[serde(default, deserialize_with = "nullable")]
    #[validate(custom(function = "ids::validate_phone"))]
    #[schema(value_type = Option<String>, example = "081234567890")]
    pub phone: Option<Option<String>>,
    /// Email address. A santri may change it.
    #[serde(default, deserialize_with = "nullable")]
    #[validate(email, length(max = 254))]
    #[schema(max_length = 254)]
    #[schema(value_type = Option<String>)]
    #[schema(example = "ahmad.fauzi@example.org")]
    pub email: Option<Option<String>>,
    /// Home address, at most 500 characters. A santri may change it.
    #[serde(default, deserialize_with = "nullable")]
    #[validate(length(max = 500))]
    #[schema(max_length = 500)]
    #[schema(value_type = Option<String>)]
    #[schema(example = "Dusun Krajan RT 02 RW 01, Kraton, Pasuruan")]
    pub address: Option<Option<String>>,
    /// Parent or guardian; required for a santri under 18.
    #[serde(default, deserialize_with = "nullable")]
    #[validate(length(max = 200))]
    #[schema(max_length = 200)]
    #[schema(value_type = Option<String>)]
    #[schema(example = "Suparman")]
    pub guardian_name: Option<Option<String>>,
    /// `true` records the guardian's consent (its first time is kept);
    /// `false` clears it, which a santri under 18 cannot do. To withdraw
    /// consent (restricting and then erasing the record) use
    /// `POST /santri/{id}/consent/withdraw`.
    pub guardian_consent: Option<bool>,
    /// A consent record, replacing the one held.
    #[validate(nested)]
    pub consent: Option<ConsentInput>,
    /// The day an alumnus left, not in the future.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<NaiveDate>, example = "2025-06-30")]
    pub left_on: Option<Option<NaiveDate>>,
}

impl UpdateSantri {
    /// The fields this update sets.
    pub fn sent_fields(&self) -> Vec<&'static str> {
        [
            ("name", self.name.is_some()),
            ("nik", self.nik.is_some()),
            ("gender", self.gender.is_some()),
            ("birth_date", self.birth_date.is_some()),
            ("entry_year", self.entry_year.is_some()),
            ("status", self.status.is_some()),
            ("is_santripreneur", self.is_santripreneur.is_some()),
            ("phone", self.phone.is_some()),
            ("email", self.email.is_some()),
            ("address", self.address.is_some()),
            ("guardian_name", self.guardian_name.is_some()),
            ("guardian_consent", self.guardian_consent.is_some()),
            ("consent", self.consent.is_some()),
            ("left_on", self.left_on.is_some()),
        ]
        .into_iter()
        .filter_map(|(f, sent)| sent.then_some(f))
        .collect()
    }

    /// The update without the fields it sets to what they already are: a
    /// record read and sent back changes nothing, and a
    /// santri sending theirs back changes only what they edited.
    pub fn without_unchanged(mut self, current: &santri::Model, vault: &NikVault) -> Self {
        fn same(sent: &Option<String>, now: &Option<String>) -> bool {
            sent.as_deref().map(str::trim).filter(|s| !s.is_empty())
                == now.as_deref().map(str::trim)
        }
        if self.name.as_deref().map(str::trim) == Some(current.name.as_str()) {
            self.name = None;
        }
        // The NIK is compared by its keyed hash: the number is not at hand.
        let same_nik = match self.nik.as_ref().map(|n| n.as_deref().map(str::trim)) {
            Some(None) | Some(Some("")) => current.nik_sealed.is_none(),
            Some(Some(nik)) => vault.holds(
                current.nik_sealed.as_deref(),
                current.nik_hash.as_deref(),
                nik,
            ),
            None => false,
        };
        if same_nik {
            self.nik = None;
        }
        if self.gender == Some(current.gender) {
            self.gender = None;
        }
        if self.birth_date == Some(current.birth_date) {
            self.birth_date = None;
        }
        if self.entry_year == Some(current.entry_year) {
            self.entry_year = None;
        }
        if self.status == Some(current.status) {
            self.status = None;
        }
        if self.is_santripreneur == Some(current.is_santripreneur) {
            self.is_santripreneur = None;
        }
        for (sent, now) in [
            (&mut self.phone, &current.phone),
            (&mut self.email, &current.email),
            (&mut self.address, &current.address),
            (&mut self.guardian_name, &current.guardian_name),
        ] {
            if sent.as_ref().is_some_and(|s| same(s, now)) {
                *sent = None;
            }
        }
        if self.guardian_consent == Some(current.guardian_consent_at.is_some()) {
            self.guardian_consent = None;
        }
        if self.left_on == Some(current.left_on) {
            self.left_on = None;
        }
        self
    }
}

/// Filters of the santri list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SantriFilter {
    /// `active` or `alumni`.
    pub status: Option<SantriStatus>,
    /// Only santripreneurs (`true`) or only the others (`false`).
    pub is_santripreneur: Option<bool>,
    /// `L` or `P`.
    pub gender: Option<Gender>,
    /// Part of the name, matched without regard to case, accents or Arabic
    /// vowel marks.
    #[param(example = "hasanah")]
    pub q: Option<String>,
}

crate::merge_patch_schema!(
    /// A JSON Merge Patch (RFC 7396) of `UpdateSantri`: only the fields to change;
    /// `null` clears an optional one.
    SantriPatch,
    UpdateSantri
);

/// Everything held about a santri, and who processed it: the answer to
/// the data subject's right of access (UU 27/2022 art. 7 and 32).
#[derive(Debug, Serialize, ToSchema)]
pub struct SantriExport {
    /// The record as held (the NIK masked, as everywhere).
    pub santri: SantriView,
    /// User accounts bound to the record.
    pub accounts: Vec<ExportAccount>,
    /// Enterprises the santri started.
    pub enterprises: Vec<crate::enterprises::model::EnterpriseView>,
    /// Programme activities the santri was enrolled in.
    pub activities: Vec<ExportActivity>,
    /// Who read or changed the record and when, newest first (changes
    /// name the fields, never their values).
    pub processing: Vec<crate::audit_log::model::AuditEntryView>,
}

/// A user account bound to a santri record.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportAccount {
    pub id: Uuid,
    #[schema(example = "ahmad.fauzi@example.org")]
    pub email: String,
    pub name: String,
    pub is_active: bool,
    pub last_login_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// An activity a santri was enrolled in, through their pesantren.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportActivity {
    pub activity_id: Uuid,
    #[schema(example = "Pelatihan Manajerial Kopontren")]
    pub title: String,
    pub starts_on: NaiveDate,
    /// Whether the pesantren's attendance was confirmed.
    pub attended: Option<bool>,
    pub enrolled_at: DateTime<Utc>,
}
