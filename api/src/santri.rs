//! Santri (students and alumni) of a pesantren: personal data of persons who
//! are often minors (UU 27/2022). The NIK is accepted on write and never
//! answered or audited in full; a minor's record needs a guardian's consent.

use actix_web::{delete, get, post, put, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use entity::{pesantren, santri, users, Gender, Role, SantriStatus};
use sea_orm::sea_query::{Expr, LikeExpr};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, ExprTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use validator::{Validate, ValidationError};

use crate::audit::{self, WriteTx};
use crate::auth::{scope, AnyUser, Caller, RegisterStaff, RegisterWriters, Require, SantriWriters};
use crate::db;
use crate::error::{ApiError, ApiResult, FieldError};
use crate::http::{check_version, if_match, with_etag};
use crate::ids;
use crate::masking::mask_nik;
use crate::pagination::{Page, PageParams};
use crate::startup::AppState;
use crate::text;
use crate::validation::field_errors;

/// Age below which a santri is a child under UU 27/2022.
const ADULT_AGE: i32 = 18;

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
    /// National identity number, masked: only the region (first four digits)
    /// and the last four digits are shown.
    #[schema(example = "3578********0001")]
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
    /// When the parent or guardian consented to the data being kept
    /// (required for a santri under 18).
    pub guardian_consent_at: Option<DateTime<Utc>>,
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
            // The raw NIK never enters a view, so it cannot leak from one.
            nik: s.nik.as_deref().map(mask_nik),
            gender: s.gender,
            birth_date: s.birth_date,
            entry_year: s.entry_year,
            status: s.status,
            is_santripreneur: s.is_santripreneur,
            phone: s.phone,
            email: s.email,
            address: s.address,
            guardian_name: s.guardian_name,
            guardian_consent_at: s.guardian_consent_at,
            created_at: s.created_at,
            updated_at: s.updated_at,
            version: s.version,
        }
    }
}

fn validate_name(name: &str) -> Result<(), ValidationError> {
    let n = name.trim().chars().count();
    if (1..=200).contains(&n) {
        Ok(())
    } else {
        Err(ValidationError::new("length").with_message("must be 1 to 200 characters".into()))
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
    #[validate(email(message = "must be an email address"), length(max = 254))]
    #[schema(max_length = 254)]
    #[schema(example = "ahmad.fauzi@example.org")]
    pub email: Option<String>,
    /// Home address, at most 500 characters.
    #[validate(length(max = 500, message = "must be at most 500 characters"))]
    #[schema(max_length = 500)]
    #[schema(example = "Dusun Krajan RT 02 RW 01, Kraton, Pasuruan")]
    pub address: Option<String>,
    /// Parent or guardian; required for a santri under 18.
    #[validate(length(max = 200, message = "must be at most 200 characters"))]
    #[schema(max_length = 200)]
    #[schema(example = "Hj. Aminah")]
    pub guardian_name: Option<String>,
    /// The parent or guardian consents to the data being kept; must be `true`
    /// for a santri under 18. The time of consent is recorded as
    /// `guardian_consent_at`.
    #[serde(default)]
    pub guardian_consent: bool,
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
    #[validate(email(message = "must be an email address"), length(max = 254))]
    #[schema(max_length = 254)]
    #[schema(value_type = Option<String>)]
    #[schema(example = "ahmad.fauzi@example.org")]
    pub email: Option<Option<String>>,
    /// Home address, at most 500 characters. A santri may change it.
    #[serde(default, deserialize_with = "nullable")]
    #[validate(length(max = 500, message = "must be at most 500 characters"))]
    #[schema(max_length = 500)]
    #[schema(value_type = Option<String>)]
    #[schema(example = "Dusun Krajan RT 02 RW 01, Kraton, Pasuruan")]
    pub address: Option<Option<String>>,
    /// Parent or guardian; required for a santri under 18.
    #[serde(default, deserialize_with = "nullable")]
    #[validate(length(max = 200, message = "must be at most 200 characters"))]
    #[schema(max_length = 200)]
    #[schema(value_type = Option<String>)]
    #[schema(example = "Suparman")]
    pub guardian_name: Option<Option<String>>,
    /// `true` records the guardian's consent (its first time is kept);
    /// `false` withdraws it, which a santri under 18 cannot do.
    pub guardian_consent: Option<bool>,
}

impl UpdateSantri {
    /// The fields sent other than the contact fields a santri may change.
    fn non_contact_fields(&self) -> Vec<&'static str> {
        [
            ("name", self.name.is_some()),
            ("nik", self.nik.is_some()),
            ("gender", self.gender.is_some()),
            ("birth_date", self.birth_date.is_some()),
            ("entry_year", self.entry_year.is_some()),
            ("status", self.status.is_some()),
            ("is_santripreneur", self.is_santripreneur.is_some()),
            ("guardian_name", self.guardian_name.is_some()),
            ("guardian_consent", self.guardian_consent.is_some()),
        ]
        .into_iter()
        .filter_map(|(f, sent)| sent.then_some(f))
        .collect()
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

/// A trimmed optional text, blank meaning absent.
fn clean(s: Option<String>) -> Option<String> {
    s.map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
}

/// Same for a field of an update: a blank value clears the field.
fn clean_patch(s: Option<Option<String>>) -> Option<Option<String>> {
    s.map(clean)
}

/// What the cross-field rules look at: the santri as it would be stored.
struct Facts<'a> {
    nik: Option<&'a str>,
    gender: Gender,
    birth_date: Option<NaiveDate>,
    entry_year: Option<i32>,
    guardian_name: Option<&'a str>,
    consented: bool,
}

fn age_on(birth: NaiveDate, today: NaiveDate) -> i32 {
    let mut age = today.year() - birth.year();
    if (today.month(), today.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    age
}

/// The rules no single field can check, appended to `errors`; a field that
/// already failed is not judged again.
fn check_facts(f: &Facts, errors: &mut Vec<FieldError>, today: NaiveDate) {
    let failed = |errors: &Vec<FieldError>, field: &str| errors.iter().any(|e| e.field == field);
    if let Some(birth) = f.birth_date {
        if birth > today && !failed(errors, "birth_date") {
            errors.push(FieldError::new(
                "birth_date",
                "range",
                "must not be in the future",
            ));
        }
    }
    if let Some(year) = f.entry_year {
        if !failed(errors, "entry_year") {
            if !(1900..=today.year()).contains(&year) {
                errors.push(FieldError::new(
                    "entry_year",
                    "range",
                    format!("must be between 1900 and {}", today.year()),
                ));
            } else if f.birth_date.is_some_and(|b| year < b.year()) {
                errors.push(FieldError::new(
                    "entry_year",
                    "range",
                    "must not be before the year of birth",
                ));
            }
        }
    }
    let nik_birth = match f.nik {
        Some(nik) if !failed(errors, "nik") => ids::nik_birth(nik, today),
        _ => None,
    };
    if let Some((nik_date, female)) = nik_birth {
        // Compared on DDMMYY: the century is not in the NIK.
        let same_day = |d: NaiveDate| {
            (d.day(), d.month(), d.year().rem_euclid(100))
                == (
                    nik_date.day(),
                    nik_date.month(),
                    nik_date.year().rem_euclid(100),
                )
        };
        if female != (f.gender == Gender::P) {
            errors.push(FieldError::new(
                "nik",
                "mismatch",
                format!(
                    "does not agree with gender {}: a woman's NIK has 40 added to the day of birth (digits 7-8)",
                    f.gender
                ),
            ));
        } else if f
            .birth_date
            .is_some_and(|b| !failed(errors, "birth_date") && !same_day(b))
        {
            errors.push(FieldError::new(
                "nik",
                "mismatch",
                "does not agree with birth_date: digits 7-12 of a NIK are the date of birth DDMMYY (day + 40 for women)",
            ));
        }
    }
    // A child's data needs a guardian's consent (UU 27/2022). The NIK tells
    // the age when no birth date is given.
    let birth = f.birth_date.or(nik_birth.map(|(d, _)| d));
    if birth.is_some_and(|b| b <= today && age_on(b, today) < ADULT_AGE) {
        if f.guardian_name.is_none() && !failed(errors, "guardian_name") {
            errors.push(FieldError::new(
                "guardian_name",
                "required",
                "is required for a santri under 18 (UU 27/2022 on personal data)",
            ));
        }
        if !f.consented {
            errors.push(FieldError::new(
                "guardian_consent",
                "required",
                "must be true: a parent's or guardian's consent is required to keep the data of a santri under 18 (UU 27/2022)",
            ));
        }
    }
}

/// One `ApiError::Validation` with every failing field, one entry each.
fn finish(mut errors: Vec<FieldError>) -> ApiResult<()> {
    if errors.is_empty() {
        return Ok(());
    }
    errors.sort_by(|a, b| a.field.cmp(&b.field));
    errors.dedup_by(|a, b| a.field == b.field);
    Err(ApiError::Validation(errors))
}

fn derive_errors(v: &impl Validate) -> Vec<FieldError> {
    match v.validate() {
        Ok(()) => Vec::new(),
        Err(e) => field_errors(&e),
    }
}

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

fn duplicate_nik() -> ApiError {
    ApiError::Conflict("A santri with this NIK is already registered in this pesantren.".into())
}

fn map_unique(e: sea_orm::DbErr) -> ApiError {
    match e.sql_err() {
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => duplicate_nik(),
        _ => e.into(),
    }
}

async fn nik_taken(
    db: &DatabaseConnection,
    caller: &Caller,
    pesantren_id: Uuid,
    nik: &str,
    except: Option<Uuid>,
) -> ApiResult<bool> {
    let mut q = scope::find::<santri::Entity>(caller)
        .filter(santri::Column::PesantrenId.eq(pesantren_id))
        .filter(santri::Column::Nik.eq(nik));
    if let Some(id) = except {
        q = q.filter(santri::Column::Id.ne(id));
    }
    Ok(q.count(db).await? > 0)
}

fn normalize_phone(phone: Option<String>) -> Option<String> {
    phone.map(|p| ids::normalize_phone(&p).unwrap_or(p))
}

fn normalize_email(email: Option<String>) -> Option<String> {
    email.map(|e| e.to_lowercase())
}

pub async fn create(
    db: &DatabaseConnection,
    caller: &Caller,
    pesantren_id: Uuid,
    body: CreateSantri,
) -> ApiResult<SantriView> {
    let parent = scope::load::<pesantren::Entity>(db, caller, pesantren_id).await?;
    let body = CreateSantri {
        name: body.name.trim().to_string(),
        nik: clean(body.nik),
        phone: clean(body.phone),
        email: clean(body.email),
        address: clean(body.address),
        guardian_name: clean(body.guardian_name),
        ..body
    };
    let mut errors = derive_errors(&body);
    check_facts(
        &Facts {
            nik: body.nik.as_deref(),
            gender: body.gender,
            birth_date: body.birth_date,
            entry_year: body.entry_year,
            guardian_name: body.guardian_name.as_deref(),
            consented: body.guardian_consent,
        },
        &mut errors,
        today(),
    );
    finish(errors)?;
    if let Some(nik) = &body.nik {
        if nik_taken(db, caller, parent.id, nik, None).await? {
            return Err(duplicate_nik());
        }
    }
    let now = db::now();
    let mut tx = WriteTx::begin(db, &caller.actor()).await?;
    let row = santri::ActiveModel {
        id: Set(db::new_id()),
        pesantren_id: Set(parent.id),
        province_code: Set(parent.province_code.clone()),
        search_name: Set(text::fold(&body.name)),
        name: Set(body.name),
        nik: Set(body.nik),
        gender: Set(body.gender),
        birth_date: Set(body.birth_date),
        entry_year: Set(body.entry_year),
        status: Set(body.status),
        is_santripreneur: Set(body.is_santripreneur),
        phone: Set(normalize_phone(body.phone)),
        email: Set(normalize_email(body.email)),
        address: Set(body.address),
        guardian_name: Set(body.guardian_name),
        guardian_consent_at: Set(body.guardian_consent.then_some(now)),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    }
    .insert(&*tx)
    .await
    .map_err(map_unique)?;
    let view = SantriView::from(row);
    tx.record(audit::Entry {
        action: "create",
        resource_type: "santri",
        resource_id: view.id,
        province_code: Some(view.province_code.clone()),
        changes: audit::created(&view),
    })
    .await?;
    tx.commit().await?;
    Ok(view)
}

pub async fn list(
    db: &DatabaseConnection,
    caller: &Caller,
    pesantren_id: Uuid,
    filter: &SantriFilter,
    page: &PageParams,
) -> ApiResult<Page<SantriView>> {
    let limit = page.limit()?;
    let parent = scope::load::<pesantren::Entity>(db, caller, pesantren_id).await?;
    let mut q = scope::find::<santri::Entity>(caller)
        .filter(santri::Column::PesantrenId.eq(parent.id))
        .order_by_asc(santri::Column::Id);
    if let Some(status) = filter.status {
        q = q.filter(santri::Column::Status.eq(status));
    }
    if let Some(flag) = filter.is_santripreneur {
        q = q.filter(santri::Column::IsSantripreneur.eq(flag));
    }
    if let Some(gender) = filter.gender {
        q = q.filter(santri::Column::Gender.eq(gender));
    }
    if let Some(text) = filter.q.as_deref().filter(|t| !text::fold(t).is_empty()) {
        q = q.filter(
            Expr::col((santri::Entity, santri::Column::SearchName))
                .like(LikeExpr::new(text::like_pattern(text)).escape('\\')),
        );
    }
    if let Some(after) = page.position::<Uuid>()? {
        q = q.filter(santri::Column::Id.gt(after));
    }
    let rows = q.limit(limit + 1).all(db).await?;
    Ok(Page::from_rows(rows, limit, |s| s.id, SantriView::from))
}

pub async fn get(db: &DatabaseConnection, caller: &Caller, id: Uuid) -> ApiResult<SantriView> {
    Ok(scope::load::<santri::Entity>(db, caller, id).await?.into())
}

fn role(caller: &Caller) -> Option<Role> {
    caller.user().map(|u| u.role)
}

pub async fn update(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
    patch: UpdateSantri,
    expected_version: Option<i32>,
) -> ApiResult<SantriView> {
    let current = scope::load::<santri::Entity>(db, caller, id).await?;
    match role(caller) {
        Some(Role::Admin | Role::PesantrenManager) => {}
        Some(Role::Santri) => {
            let others = patch.non_contact_fields();
            if !others.is_empty() {
                return Err(ApiError::Forbidden(format!(
                    "A santri may change only their own phone, email and address; ask the pesantren to change {}.",
                    others.join(", ")
                )));
            }
        }
        _ => {
            return Err(ApiError::Forbidden(
                "Curators may read the santri register but not change it.".into(),
            ))
        }
    }
    let patch = UpdateSantri {
        name: patch.name.map(|n| n.trim().to_string()),
        nik: clean_patch(patch.nik),
        phone: clean_patch(patch.phone),
        email: clean_patch(patch.email),
        address: clean_patch(patch.address),
        guardian_name: clean_patch(patch.guardian_name),
        ..patch
    };
    let mut errors = derive_errors(&patch);
    let now = db::now();
    // The record as it would be after the change.
    let nik = patch.nik.clone().unwrap_or_else(|| current.nik.clone());
    let gender = patch.gender.unwrap_or(current.gender);
    let birth_date = patch.birth_date.unwrap_or(current.birth_date);
    let entry_year = patch.entry_year.unwrap_or(current.entry_year);
    let guardian_name = patch
        .guardian_name
        .clone()
        .unwrap_or_else(|| current.guardian_name.clone());
    let guardian_consent_at = match patch.guardian_consent {
        None => current.guardian_consent_at,
        Some(true) => current.guardian_consent_at.or(Some(now)),
        Some(false) => None,
    };
    check_facts(
        &Facts {
            nik: nik.as_deref(),
            gender,
            birth_date,
            entry_year,
            guardian_name: guardian_name.as_deref(),
            consented: guardian_consent_at.is_some(),
        },
        &mut errors,
        today(),
    );
    finish(errors)?;
    check_version(expected_version, current.version)?;
    if let Some(n) = &nik {
        if nik != current.nik && nik_taken(db, caller, current.pesantren_id, n, Some(id)).await? {
            return Err(duplicate_nik());
        }
    }
    let mut changes = santri::ActiveModel {
        nik: Set(nik.clone()),
        gender: Set(gender),
        birth_date: Set(birth_date),
        entry_year: Set(entry_year),
        guardian_name: Set(guardian_name),
        guardian_consent_at: Set(guardian_consent_at),
        updated_at: Set(now),
        version: Set(current.version + 1),
        ..Default::default()
    };
    if let Some(name) = patch.name {
        changes.search_name = Set(text::fold(&name));
        changes.name = Set(name);
    }
    if let Some(status) = patch.status {
        changes.status = Set(status);
    }
    if let Some(flag) = patch.is_santripreneur {
        changes.is_santripreneur = Set(flag);
    }
    if let Some(phone) = patch.phone {
        changes.phone = Set(normalize_phone(phone));
    }
    if let Some(email) = patch.email {
        changes.email = Set(normalize_email(email));
    }
    if let Some(address) = patch.address {
        changes.address = Set(address);
    }
    let before = SantriView::from(current.clone());
    let mut tx = WriteTx::begin(db, &caller.actor()).await?;
    scope::update_if_version::<santri::Entity>(&*tx, id, current.version, changes)
        .await
        .map_err(|e| match e {
            ApiError::Conflict(_) => duplicate_nik(),
            other => other,
        })?;
    let after = SantriView::from(
        santri::Entity::find_by_id(id)
            .one(&*tx)
            .await?
            .ok_or_else(|| ApiError::not_found("santri"))?,
    );
    let mut diff = audit::diff(&before, &after);
    if nik != current.nik && before.nik == after.nik {
        // Two NIKs can mask alike; the change is still recorded (masked).
        if let Some(obj) = diff.as_object_mut() {
            obj.insert(
                "nik".into(),
                serde_json::json!({"from": before.nik, "to": after.nik}),
            );
        }
    }
    tx.record(audit::Entry {
        action: "update",
        resource_type: "santri",
        resource_id: id,
        province_code: Some(after.province_code.clone()),
        changes: diff,
    })
    .await?;
    tx.commit().await?;
    Ok(after)
}

pub async fn delete(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
    expected_version: Option<i32>,
) -> ApiResult<()> {
    let current = scope::load::<santri::Entity>(db, caller, id).await?;
    check_version(expected_version, current.version)?;
    let accounts = users::Entity::find()
        .filter(users::Column::SantriId.eq(id))
        .filter(users::Column::IsActive.eq(true))
        .count(db)
        .await?;
    if accounts > 0 {
        return Err(ApiError::Conflict(
            "This santri has an active user account; an admin must deactivate it first (POST /api/v1/users/{id}/deactivate).".into(),
        ));
    }
    let before = SantriView::from(current.clone());
    let mut tx = WriteTx::begin(db, &caller.actor()).await?;
    scope::delete_if_version::<santri::Entity>(&*tx, id, current.version).await?;
    // Every field goes from its value (redacted as on creation) to nothing.
    let removed: Map<String, Value> = match audit::created(&before) {
        Value::Object(fields) => fields
            .into_iter()
            .map(|(k, v)| (k, serde_json::json!({"from": v, "to": null})))
            .collect(),
        _ => Map::new(),
    };
    tx.record(audit::Entry {
        action: "delete",
        resource_type: "santri",
        resource_id: id,
        province_code: Some(before.province_code.clone()),
        changes: Value::Object(removed),
    })
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Register a santri of a pesantren.
///
/// Admins of the pesantren's province and its managers. The santri takes
/// the pesantren's province. The NIK must agree with `gender` and
/// `birth_date`, is unique within the pesantren, and is answered masked. A
/// santri under 18 (by `birth_date`, or by the NIK when no date is given)
/// needs `guardian_name` and `guardian_consent: true` (UU 27/2022). Every
/// invalid field is reported at once.
#[utoipa::path(
    operation_id = "create_santri",
    tag = "santri",
    params(("id" = Uuid, Path, description = "Pesantren id")),
    request_body = CreateSantri,
    security(("bearer" = ["admin", "pesantren_manager"])),
    responses(
        (status = 201, description = "Created.", body = SantriView),
        (status = 409, description = "A santri with this NIK is already registered in this pesantren.", body = crate::error::Problem, content_type = "application/problem+json")
    )
)]
#[post("/pesantren/{id}/santri")]
async fn create_santri(
    state: web::Data<AppState>,
    auth: Require<RegisterWriters>,
    id: web::Path<Uuid>,
    body: crate::http::Body<CreateSantri>,
) -> ApiResult<HttpResponse> {
    let s = create(&state.db, &auth, *id, body.into_inner()?).await?;
    Ok(with_etag(HttpResponse::Created(), s.version)
        .insert_header(("Location", format!("/api/v1/santri/{}", s.id)))
        .json(s))
}

/// List the santri of a pesantren.
///
/// Admins and curators of its province and its managers. Ordered by
/// registration; NIKs are masked.
#[utoipa::path(
    operation_id = "list_santri",
    tag = "santri",
    params(("id" = Uuid, Path, description = "Pesantren id"), PageParams, SantriFilter),
    security(("bearer" = ["admin", "curator", "pesantren_manager"])),
    responses((status = 200, description = "One page of santri.", body = Page<SantriView>))
)]
#[get("/pesantren/{id}/santri")]
async fn list_santri(
    state: web::Data<AppState>,
    auth: Require<RegisterStaff>,
    id: web::Path<Uuid>,
    page: web::Query<PageParams>,
    filter: web::Query<SantriFilter>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(list(&state.db, &auth, *id, &filter, &page).await?))
}

/// Get a santri.
///
/// Admins and curators of the province, the pesantren's managers, and the
/// santri themself. The NIK is masked.
#[utoipa::path(
    operation_id = "get_santri",
    tag = "santri",
    params(("id" = Uuid, Path, description = "Santri id")),
    security(("bearer" = ["admin", "curator", "pesantren_manager", "santri"])),
    responses((status = 200, description = "The santri.", body = SantriView))
)]
#[get("/{id}")]
async fn get_santri(
    state: web::Data<AppState>,
    auth: Require<AnyUser>,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let s = get(&state.db, &auth, *id).await?;
    Ok(with_etag(HttpResponse::Ok(), s.version).json(s))
}

/// Update a santri (partial).
///
/// Only the fields sent change; `null` clears an optional field, and the
/// rules of creation apply to the result. Admins of the province and the
/// pesantren's managers change any field; the santri themself may change only
/// `phone`, `email` and `address` (403 for any other field). Curators only
/// read. Send `If-Match` with the ETag you read.
#[utoipa::path(
    operation_id = "update_santri",
    tag = "santri",
    params(("id" = Uuid, Path, description = "Santri id")),
    request_body = UpdateSantri,
    security(("bearer" = ["admin", "pesantren_manager", "santri"])),
    responses(
        (status = 200, description = "Updated.", body = SantriView),
        (status = 409, description = "A santri with this NIK is already registered in this pesantren.", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 412, description = "`If-Match` does not match the current version.", body = crate::error::Problem, content_type = "application/problem+json")
    )
)]
#[put("/{id}")]
async fn update_santri(
    state: web::Data<AppState>,
    auth: Require<SantriWriters>,
    id: web::Path<Uuid>,
    req: HttpRequest,
    body: crate::http::Body<UpdateSantri>,
) -> ApiResult<HttpResponse> {
    let s = update(&state.db, &auth, *id, body.into_inner()?, if_match(&req)?).await?;
    Ok(with_etag(HttpResponse::Ok(), s.version).json(s))
}

/// Delete a santri.
///
/// Admins of the province and the pesantren's managers. A santri whose user
/// account is still active cannot be deleted (409): an admin deactivates the
/// account first. Send `If-Match` with the ETag you read.
#[utoipa::path(
    operation_id = "delete_santri",
    tag = "santri",
    params(("id" = Uuid, Path, description = "Santri id")),
    security(("bearer" = ["admin", "pesantren_manager"])),
    responses(
        (status = 204, description = "Deleted."),
        (status = 409, description = "The santri still has an active user account.", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 412, description = "`If-Match` does not match the current version.", body = crate::error::Problem, content_type = "application/problem+json")
    )
)]
#[delete("/{id}")]
async fn delete_santri(
    state: web::Data<AppState>,
    auth: Require<RegisterWriters>,
    id: web::Path<Uuid>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    delete(&state.db, &auth, *id, if_match(&req)?).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The collection routes sit under `/pesantren/{id}` but are registered here
/// with their full paths; `crate::startup::routes` must configure this module
/// before `pesantren`, whose `/pesantren` scope would otherwise take them.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create_santri);
    cfg.service(list_santri);
    cfg.service(
        utoipa_actix_web::scope("/santri")
            .service(get_santri)
            .service(update_santri)
            .service(delete_santri),
    );
}
