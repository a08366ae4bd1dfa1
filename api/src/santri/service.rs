//! Santri (students and alumni) of a pesantren: personal data of persons who
//! are often minors (UU 27/2022). The NIK is accepted on write and never
//! answered or audited in full; a minor's record needs a guardian's consent.

use chrono::{Datelike, NaiveDate, Utc};
use entity::{pesantren, santri, users, Gender, SantriStatus};
use sea_orm::sea_query::{Expr, LikeExpr};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, ExprTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde_json::Value;
use uuid::Uuid;
use validator::Validate;

use super::erasure;
use super::model::{ConsentInput, CreateSantri, SantriFilter, SantriView, UpdateSantri};
use crate::audit::{self, WriteTx};
use crate::auth::{rules, scope, Caller};
use crate::db;
use crate::edit::{check_version, Edit};
use crate::error::{unique_as, ApiError, ApiResult, Code, FieldCode, FieldError};
use crate::ids;
use crate::pagination::{Page, PageParams};
use crate::text;
use crate::validation::{validator_errors, Check};
use crate::vault::NikVault;

/// Age below which a santri is a child under UU 27/2022.
const ADULT_AGE: i32 = 18;

/// A trimmed optional text, blank meaning absent.
pub(super) fn clean(s: Option<String>) -> Option<String> {
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
            errors.push(FieldError::new("birth_date", FieldCode::NotInFuture));
        }
    }
    if let Some(year) = f.entry_year {
        if !failed(errors, "entry_year") {
            if !(1900..=today.year()).contains(&year) {
                errors.push(
                    FieldError::new("entry_year", FieldCode::RangeBetween)
                        .with("min", 1900)
                        .with("max", today.year()),
                );
            } else if f.birth_date.is_some_and(|b| year < b.year()) {
                errors.push(FieldError::new("entry_year", FieldCode::NotBeforeBirthYear));
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
            errors.push(
                FieldError::new("nik", FieldCode::NikGender).with("gender", f.gender.as_str()),
            );
        } else if f
            .birth_date
            .is_some_and(|b| !failed(errors, "birth_date") && !same_day(b))
        {
            errors.push(FieldError::new("nik", FieldCode::NikBirthDate));
        }
    }
    // A child's data needs a guardian's consent (UU 27/2022). The NIK tells
    // the age when no birth date is given.
    let birth = f.birth_date.or(nik_birth.map(|(d, _)| d));
    if birth.is_some_and(|b| b <= today && age_on(b, today) < ADULT_AGE) {
        if f.guardian_name.is_none() && !failed(errors, "guardian_name") {
            errors.push(FieldError::new(
                "guardian_name",
                FieldCode::GuardianRequired,
            ));
        }
        if !f.consented {
            errors.push(FieldError::new(
                "guardian_consent",
                FieldCode::ConsentRequired,
            ));
        }
    }
}

/// One 422 with every failing field, one entry each.
fn finish(mut errors: Vec<FieldError>) -> ApiResult<()> {
    errors.sort_by(|a, b| a.field.cmp(&b.field));
    errors.dedup_by(|a, b| a.field == b.field);
    ApiError::check(errors)
}

/// A consent's texts trimmed, blank meaning absent.
fn clean_consent(c: ConsentInput) -> ConsentInput {
    ConsentInput {
        guardian_name: clean(c.guardian_name),
        guardian_relation: c.guardian_relation.trim().to_string(),
        ..c
    }
}

/// The consent's day and the day of leaving are not in the future.
fn check_days(
    consent: Option<&ConsentInput>,
    left_on: Option<NaiveDate>,
    errors: &mut Vec<FieldError>,
    today: NaiveDate,
) {
    if consent.and_then(|c| c.given_on).is_some_and(|d| d > today) {
        errors.push(FieldError::new("consent.given_on", FieldCode::NotInFuture));
    }
    if left_on.is_some_and(|d| d > today) {
        errors.push(FieldError::new("left_on", FieldCode::NotInFuture));
    }
}

fn derive_errors(v: &impl Validate) -> Vec<FieldError> {
    validator_errors(v.validate())
}

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

fn duplicate_nik() -> ApiError {
    ApiError::new(Code::SantriNikTaken)
}

/// Whether another santri of the pesantren has `nik`: found by its keyed
/// hash under every configured key, so also while a rotation is under way.
async fn nik_taken(
    db: &DatabaseConnection,
    caller: &Caller,
    vault: &NikVault,
    pesantren_id: Uuid,
    nik: &str,
    except: Option<Uuid>,
) -> ApiResult<bool> {
    let mut q = scope::find::<santri::Entity>(caller)
        .filter(santri::Column::PesantrenId.eq(pesantren_id))
        .filter(santri::Column::NikHash.is_in(vault.hashes(nik)));
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
    vault: &NikVault,
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
    let consent = body.consent.clone().map(clean_consent);
    // The shorthand flag and a full record both record a consent.
    let consented = body.guardian_consent || consent.is_some();
    let guardian_name = body
        .guardian_name
        .clone()
        .or_else(|| consent.as_ref().and_then(|c| c.guardian_name.clone()));
    check_facts(
        &Facts {
            nik: body.nik.as_deref(),
            gender: body.gender,
            birth_date: body.birth_date,
            entry_year: body.entry_year,
            guardian_name: guardian_name.as_deref(),
            consented,
        },
        &mut errors,
        today(),
    );
    check_days(consent.as_ref(), body.left_on, &mut errors, today());
    finish(errors)?;
    if let Some(nik) = &body.nik {
        if nik_taken(db, caller, vault, parent.id, nik, None).await? {
            return Err(duplicate_nik());
        }
    }
    let now = db::now();
    let id = db::new_id();
    let sealed = body
        .nik
        .as_deref()
        .map(|nik| vault.seal(id, nik))
        .transpose()?;
    let mut tx = WriteTx::begin(db, &caller.actor()).await?;
    let row = santri::ActiveModel {
        id: Set(id),
        pesantren_id: Set(parent.id),
        province_code: Set(parent.province_code.clone()),
        search_name: Set(text::fold(&body.name)),
        name: Set(body.name),
        nik_legacy: Set(None),
        nik_sealed: Set(sealed.as_ref().map(|s| s.sealed.clone())),
        nik_hash: Set(sealed.as_ref().map(|s| s.hash.clone())),
        nik_last4: Set(sealed.map(|s| s.last4)),
        gender: Set(body.gender),
        birth_date: Set(body.birth_date),
        entry_year: Set(body.entry_year),
        status: Set(body.status),
        is_santripreneur: Set(body.is_santripreneur),
        phone: Set(normalize_phone(body.phone)),
        email: Set(normalize_email(body.email)),
        address: Set(body.address),
        guardian_name: Set(guardian_name),
        guardian_consent_at: Set(consented.then_some(now)),
        consent_relation: Set(consent.as_ref().map(|c| c.guardian_relation.clone())),
        consent_method: Set(consent.as_ref().map(|c| c.method)),
        consent_given_on: Set(consented.then(|| {
            consent
                .as_ref()
                .and_then(|c| c.given_on)
                .unwrap_or_else(today)
        })),
        consent_recorded_by: Set(caller.user_id().filter(|_| consented)),
        consent_withdrawn_at: Set(None),
        left_on: Set(match body.status {
            SantriStatus::Alumni => Some(body.left_on.unwrap_or_else(today)),
            SantriStatus::Active => body.left_on,
        }),
        erased_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    }
    .insert(&*tx)
    .await
    .map_err(unique_as(Code::SantriNikTaken))?;
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
    // Restricted records (consent withdrawn, data erased) leave every list,
    // an admin's included: they are reached by id only.
    let mut q = scope::find::<santri::Entity>(caller)
        .filter(santri::Column::PesantrenId.eq(parent.id))
        .filter(santri::Column::ConsentWithdrawnAt.is_null())
        .filter(santri::Column::ErasedAt.is_null())
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
    let page = Page::from_rows(rows, limit, |s| s.id, SantriView::from);
    let read: Vec<(Uuid, String)> = page
        .data
        .iter()
        .map(|s| (s.id, s.province_code.clone()))
        .collect();
    audit::record_reads(db, &caller.actor(), "santri", &read, "list").await?;
    Ok(page)
}

pub async fn get(db: &DatabaseConnection, caller: &Caller, id: Uuid) -> ApiResult<SantriView> {
    let row = scope::load::<santri::Entity>(db, caller, id).await?;
    audit::record_reads(
        db,
        &caller.actor(),
        "santri",
        &[(row.id, row.province_code.clone())],
        "get",
    )
    .await?;
    Ok(row.into())
}

/// A record read and sent back carries its NIK masked: that is the NIK it
/// has, not a malformed new one, so it is taken out before the body is read
/// and judged. Its consent as read is the consent it has, likewise; a
/// changed one is a new consent, whose recording fields are the server's.
fn keep_masked_nik(body: &mut Value, current: &Value) {
    let Value::Object(fields) = body else {
        return;
    };
    if let Some(now) = current.get("nik") {
        if !now.is_null() && fields.get("nik") == Some(now) {
            fields.remove("nik");
        }
    }
    match (fields.get_mut("consent"), current.get("consent")) {
        (Some(sent), Some(now)) if sent == now => {
            fields.remove("consent");
        }
        (Some(Value::Object(sent)), _) => {
            for key in ["recorded_by", "recorded_at", "withdrawn_at"] {
                sent.remove(key);
            }
        }
        _ => {}
    }
}

/// Changes a santri record. `PUT` and `PATCH` both change only the fields
/// they carry (`null` clears one); the record as read may be sent back,
/// read-only fields and the masked NIK unchanged.
pub async fn update(
    db: &DatabaseConnection,
    caller: &Caller,
    vault: &NikVault,
    id: Uuid,
    edit: Edit<UpdateSantri>,
    expected_version: Option<i32>,
) -> ApiResult<SantriView> {
    let current = scope::load::<santri::Entity>(db, caller, id).await?;
    if current.erased_at.is_some() {
        return Err(ApiError::new(Code::SantriErased));
    }
    let patch = edit
        .resolve_with(&SantriView::from(current.clone()), keep_masked_nik)?
        .without_unchanged(&current, vault);
    rules::may_change_santri(caller, &patch.sent_fields())?;
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
    // The record as it would be after the change. The rules between fields
    // judge the stored NIK too (against a new gender or birth date, and for
    // the age when no birth date is given), so it is opened here.
    let nik_changed = patch.nik.is_some();
    let nik = match patch.nik.clone() {
        Some(nik) => nik,
        None => current
            .nik_sealed
            .as_deref()
            .map(|sealed| vault.open(id, sealed))
            .transpose()?,
    };
    let gender = patch.gender.unwrap_or(current.gender);
    let birth_date = patch.birth_date.unwrap_or(current.birth_date);
    let entry_year = patch.entry_year.unwrap_or(current.entry_year);
    let consent = patch.consent.clone().map(clean_consent);
    let guardian_name = patch
        .guardian_name
        .clone()
        .unwrap_or_else(|| current.guardian_name.clone())
        .or_else(|| consent.as_ref().and_then(|c| c.guardian_name.clone()));
    let guardian_consent_at = match (patch.guardian_consent, &consent) {
        (_, Some(_)) => Some(now),
        (None, None) => current.guardian_consent_at,
        (Some(true), None) => current.guardian_consent_at.or(Some(now)),
        (Some(false), None) => None,
    };
    let status = patch.status.unwrap_or(current.status);
    let left_on = match (patch.left_on, status) {
        (Some(day), _) => day,
        (None, SantriStatus::Alumni) => current.left_on.or_else(|| Some(today())),
        (None, SantriStatus::Active) => current.left_on,
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
    check_days(consent.as_ref(), left_on, &mut errors, today());
    finish(errors)?;
    check_version(expected_version, current.version)?;
    if let (true, Some(n)) = (nik_changed, &nik) {
        if nik_taken(db, caller, vault, current.pesantren_id, n, Some(id)).await? {
            return Err(duplicate_nik());
        }
    }
    let mut changes = santri::ActiveModel {
        gender: Set(gender),
        birth_date: Set(birth_date),
        entry_year: Set(entry_year),
        guardian_name: Set(guardian_name),
        guardian_consent_at: Set(guardian_consent_at),
        left_on: Set(left_on),
        updated_at: Set(now),
        version: Set(current.version + 1),
        ..Default::default()
    };
    if let Some(c) = &consent {
        changes.consent_relation = Set(Some(c.guardian_relation.clone()));
        changes.consent_method = Set(Some(c.method));
        changes.consent_given_on = Set(Some(c.given_on.unwrap_or_else(today)));
        changes.consent_recorded_by = Set(caller.user_id());
    } else if guardian_consent_at.is_none() {
        changes.consent_relation = Set(None);
        changes.consent_method = Set(None);
        changes.consent_given_on = Set(None);
        changes.consent_recorded_by = Set(None);
    } else if current.guardian_consent_at.is_none() {
        changes.consent_given_on = Set(Some(today()));
        changes.consent_recorded_by = Set(caller.user_id());
    }
    if nik_changed {
        let sealed = nik.as_deref().map(|n| vault.seal(id, n)).transpose()?;
        changes.nik_legacy = Set(None);
        changes.nik_sealed = Set(sealed.as_ref().map(|s| s.sealed.clone()));
        changes.nik_hash = Set(sealed.as_ref().map(|s| s.hash.clone()));
        changes.nik_last4 = Set(sealed.map(|s| s.last4));
    }
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
        .map_err(|e| match e.code() {
            Code::UniqueTaken => duplicate_nik(),
            _ => e,
        })?;
    let after = SantriView::from(
        santri::Entity::find_by_id(id)
            .one(&*tx)
            .await?
            .ok_or_else(|| ApiError::new(Code::SantriNotFound))?,
    );
    let mut diff = audit::diff(&before, &after);
    if nik_changed && before.nik == after.nik {
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
        return Err(ApiError::new(Code::SantriHasAccount));
    }
    let before = SantriView::from(current.clone());
    let mut tx = WriteTx::begin(db, &caller.actor()).await?;
    // The accounts (all inactive by now) and the trail lose what they hold
    // of the person before the row goes.
    erasure::scrub_links(&tx, id).await?;
    scope::delete_if_version::<santri::Entity>(&*tx, id, current.version).await?;
    tx.record(audit::Entry {
        action: "delete",
        resource_type: "santri",
        resource_id: id,
        province_code: Some(before.province_code.clone()),
        changes: audit::created(&before),
    })
    .await?;
    tx.commit().await?;
    erasure::sweep(db).await;
    Ok(())
}

/// Erases the personal data of a santri whose record must stay counted
/// (an alumnus): every personal field emptied, linked accounts deactivated
/// and anonymised, the trail about them reduced to field names.
pub async fn erase(db: &DatabaseConnection, caller: &Caller, id: Uuid) -> ApiResult<SantriView> {
    let current = scope::load::<santri::Entity>(db, caller, id).await?;
    if current.erased_at.is_some() {
        return Err(ApiError::new(Code::SantriErased));
    }
    let mut tx = WriteTx::begin(db, &caller.actor()).await?;
    let erased = erasure::erase(&mut tx, &current, "on request").await?;
    tx.commit().await?;
    erasure::sweep(db).await;
    Ok(erased.into())
}

/// Withdraws the guardian's (or the adult santri's) consent: the record is
/// restricted to admins at once and erased after
/// `OPOP_CONSENT_WITHDRAWN_ERASE_DAYS` by the retention task.
pub async fn withdraw_consent(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
) -> ApiResult<SantriView> {
    let current = scope::load::<santri::Entity>(db, caller, id).await?;
    if current.erased_at.is_some() {
        return Err(ApiError::new(Code::SantriErased));
    }
    if current.guardian_consent_at.is_none() || current.consent_withdrawn_at.is_some() {
        return Err(ApiError::new(Code::SantriNoConsent));
    }
    let now = db::now();
    let mut tx = WriteTx::begin(db, &caller.actor()).await?;
    scope::update_if_version::<santri::Entity>(
        &*tx,
        id,
        current.version,
        santri::ActiveModel {
            consent_withdrawn_at: Set(Some(now)),
            updated_at: Set(now),
            version: Set(current.version + 1),
            ..Default::default()
        },
    )
    .await?;
    tx.record(audit::Entry {
        action: "withdraw_consent",
        resource_type: "santri",
        resource_id: id,
        province_code: Some(current.province_code.clone()),
        changes: serde_json::json!({"consent_withdrawn_at": null}),
    })
    .await?;
    tx.commit().await?;
    let after = santri::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::new(Code::SantriNotFound))?;
    Ok(after.into())
}

/// Everything held about a santri and who processed it (the right of
/// access); the export is itself recorded as a read.
pub async fn export(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
) -> ApiResult<super::model::SantriExport> {
    use super::model::{ExportAccount, ExportActivity, SantriExport};
    use entity::{activities, activity_participants, enterprises};
    let row = scope::load::<santri::Entity>(db, caller, id).await?;
    audit::record_reads(
        db,
        &caller.actor(),
        "santri",
        &[(row.id, row.province_code.clone())],
        "export",
    )
    .await?;
    let accounts = users::Entity::find()
        .filter(users::Column::SantriId.eq(id))
        .order_by_asc(users::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|u| ExportAccount {
            id: u.id,
            email: u.email,
            name: u.name,
            is_active: u.is_active,
            last_login_at: u.last_login_at,
            created_at: u.created_at,
        })
        .collect();
    let started = enterprises::Entity::find()
        .filter(enterprises::Column::SantriId.eq(id))
        .order_by_asc(enterprises::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(Into::into)
        .collect();
    // Enrolments name santri in a JSON list: read the pesantren's (few)
    // enrolments and keep those naming this santri.
    let enrolments: Vec<activity_participants::Model> = activity_participants::Entity::find()
        .filter(activity_participants::Column::PesantrenId.eq(row.pesantren_id))
        .all(db)
        .await?
        .into_iter()
        .filter(|p| {
            serde_json::from_value::<Vec<Uuid>>(p.santri_ids.clone())
                .is_ok_and(|ids| ids.contains(&id))
        })
        .collect();
    let titles: std::collections::HashMap<Uuid, activities::Model> = activities::Entity::find()
        .filter(activities::Column::Id.is_in(enrolments.iter().map(|p| p.activity_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.id, a))
        .collect();
    let enrolled = enrolments
        .into_iter()
        .filter_map(|p| {
            titles.get(&p.activity_id).map(|a| ExportActivity {
                activity_id: a.id,
                title: a.title.clone(),
                starts_on: a.starts_on,
                attended: p.attended,
                enrolled_at: p.enrolled_at,
            })
        })
        .collect();
    let processing = crate::audit_log::service::about(db, "santri", id).await?;
    Ok(SantriExport {
        santri: row.into(),
        accounts,
        enterprises: started,
        activities: enrolled,
        processing,
    })
}

impl Check for CreateSantri {
    /// The field rules and the rules between fields (NIK against gender and
    /// birth date, a guardian's consent for a minor), on the trimmed body.
    fn check(&self) -> Vec<FieldError> {
        let nik = clean(self.nik.clone());
        let consent = self.consent.clone().map(clean_consent);
        let guardian = clean(self.guardian_name.clone())
            .or_else(|| consent.as_ref().and_then(|c| c.guardian_name.clone()));
        let mut errors = derive_errors(self);
        check_facts(
            &Facts {
                nik: nik.as_deref(),
                gender: self.gender,
                birth_date: self.birth_date,
                entry_year: self.entry_year,
                guardian_name: guardian.as_deref(),
                consented: self.guardian_consent || consent.is_some(),
            },
            &mut errors,
            today(),
        );
        check_days(consent.as_ref(), self.left_on, &mut errors, today());
        errors.sort_by(|a, b| a.field.cmp(&b.field));
        errors.dedup_by(|a, b| a.field == b.field);
        errors
    }
}

crate::check_with_validator!(UpdateSantri);
