//! Koperasi pondok pesantren (kopontren): the cooperative through which a
//! pesantren sells. One per pesantren; admins of its province and the
//! pesantren's own managers keep it, curators read it, and everyone else
//! sees the basic profile of the koperasi of verified pesantren.
//!
//! What the public sees: the profile (name, province, members, business
//! units) and the two legal identifiers, the NIB and the number of the deed
//! of establishment. Both are public registrations (OSS publishes NIBs, and
//! a cooperative's legal-entity status is announced by the government), and
//! they are what a buyer checks to know that the seller is a legal body.
//! The bookkeeping fields (`created_at`, `updated_at`, `version`) are shown
//! only to callers whose scope covers the koperasi, who are the ones that
//! edit or review it.

use std::borrow::Cow;
use std::collections::HashSet;

use actix_web::{delete, get, post, put, web, HttpRequest, HttpResponse};
use entity::{koperasi, pesantren, PesantrenStatus};
use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use validator::{Validate, ValidationError, ValidationErrors, ValidationErrorsKind};

use crate::audit::{self, WriteTx};
use crate::auth::{scope, AdminOnly, Caller, Public, RegisterWriters, Require};
use crate::db;
use crate::error::{ApiError, ApiResult, FieldError};
use crate::http::{check_version, if_match, with_etag};
use crate::ids;
use crate::pagination::{Page, PageParams};
use crate::startup::AppState;

/// At most this many business units per koperasi.
pub const MAX_BUSINESS_UNITS: usize = 20;

/// A koperasi as answered. Callers whose scope covers it (admins and
/// curators of its province or national, its pesantren's managers) get
/// every field; everyone else gets the koperasi of verified pesantren
/// without the bookkeeping fields.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct KoperasiView {
    /// The koperasi's id.
    pub id: Uuid,
    /// The pesantren whose cooperative this is.
    pub pesantren_id: Uuid,
    /// Province of the pesantren, two digits.
    #[schema(example = "35")]
    pub province_code: String,
    /// Registered name of the cooperative.
    #[schema(example = "Koperasi Pondok Pesantren (Kopontren) Sidogiri")]
    pub name: String,
    /// Number of the deed of establishment (badan hukum), if it has one.
    #[schema(example = "188/BH/XVI.12/2015")]
    pub legal_entity_number: Option<String>,
    /// Business number (NIB) from OSS, 13 digits, if it has one.
    #[schema(example = "9120001234567")]
    pub nib: Option<String>,
    /// Number of members.
    #[schema(example = 1250)]
    pub member_count: i32,
    /// What the cooperative runs: shop, savings and loans, production, …
    #[schema(example = json!(["toko santri", "simpan pinjam", "produksi kopi"]))]
    pub business_units: Vec<String>,
    /// When it was recorded. Present for staff in scope only.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub created_at: Option<chrono::DateTime<chrono::Utc>>,
    /// When it last changed. Present for staff in scope only.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub updated_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Grows by one on every change; also sent as `ETag`. Present for staff
    /// in scope only.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub version: Option<i32>,
}

impl KoperasiView {
    /// Every field: for callers whose scope covers the koperasi.
    pub fn full(k: koperasi::Model) -> Self {
        let mut view = Self::public(k.clone());
        view.created_at = Some(k.created_at);
        view.updated_at = Some(k.updated_at);
        view.version = Some(k.version);
        view
    }

    /// The public profile.
    pub fn public(k: koperasi::Model) -> Self {
        Self {
            id: k.id,
            pesantren_id: k.pesantren_id,
            province_code: k.province_code,
            name: k.name,
            legal_entity_number: k.legal_entity_number,
            nib: k.nib,
            member_count: k.member_count,
            business_units: serde_json::from_value(k.business_units).unwrap_or_default(),
            created_at: None,
            updated_at: None,
            version: None,
        }
    }
}

/// A koperasi as one caller may see it, with the version for its `ETag`.
#[derive(Debug)]
pub struct Shown {
    pub view: KoperasiView,
    pub version: i32,
}

/// A new koperasi.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateKoperasi {
    /// The pesantren whose cooperative this is; a pesantren has one koperasi.
    pub pesantren_id: Uuid,
    /// Registered name, 1 to 200 characters.
    #[validate(custom(function = "validate_name"))]
    #[schema(example = "Koperasi Pondok Pesantren (Kopontren) Sidogiri")]
    pub name: String,
    /// Number of the deed of establishment (badan hukum), 1 to 100 characters.
    #[validate(custom(function = "validate_legal_entity_number"))]
    #[schema(example = "188/BH/XVI.12/2015")]
    pub legal_entity_number: Option<String>,
    /// Business number (NIB) from OSS: 13 digits, unique.
    #[validate(custom(function = "ids::validate_nib"))]
    #[schema(pattern = r"^[0-9]{13}$")]
    #[schema(example = "9120001234567")]
    pub nib: Option<String>,
    /// Number of members, 0 to 1,000,000; 0 when omitted.
    #[validate(range(min = 0, max = 1_000_000, message = "must be between 0 and 1000000"))]
    #[serde(default)]
    #[schema(example = 1250, minimum = 0, maximum = 1_000_000)]
    pub member_count: i64,
    /// Business units, at most 20, each 1 to 100 characters, no repeats;
    /// none when omitted.
    #[validate(length(max = 20, message = "must list at most 20 business units"))]
    #[schema(max_items = 20)]
    #[serde(default)]
    #[schema(example = json!(["toko santri", "simpan pinjam", "produksi kopi"]))]
    pub business_units: Vec<String>,
}

/// The writable fields of a koperasi. `PUT` replaces them all: an omitted
/// optional field is cleared, an omitted count is 0, omitted units none.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateKoperasi {
    /// Registered name, 1 to 200 characters.
    #[validate(custom(function = "validate_name"))]
    #[schema(example = "Koperasi Pondok Pesantren (Kopontren) Sidogiri")]
    pub name: String,
    /// Number of the deed of establishment (badan hukum), 1 to 100 characters.
    #[validate(custom(function = "validate_legal_entity_number"))]
    #[schema(example = "188/BH/XVI.12/2015")]
    pub legal_entity_number: Option<String>,
    /// Business number (NIB) from OSS: 13 digits, unique.
    #[validate(custom(function = "ids::validate_nib"))]
    #[schema(pattern = r"^[0-9]{13}$")]
    #[schema(example = "9120001234567")]
    pub nib: Option<String>,
    /// Number of members, 0 to 1,000,000.
    #[validate(range(min = 0, max = 1_000_000, message = "must be between 0 and 1000000"))]
    #[serde(default)]
    #[schema(example = 1250, minimum = 0, maximum = 1_000_000)]
    pub member_count: i64,
    /// Business units, at most 20, each 1 to 100 characters, no repeats.
    #[validate(length(max = 20, message = "must list at most 20 business units"))]
    #[schema(max_items = 20)]
    #[serde(default)]
    #[schema(example = json!(["toko santri", "simpan pinjam", "produksi kopi"]))]
    pub business_units: Vec<String>,
}

impl From<CreateKoperasi> for UpdateKoperasi {
    fn from(c: CreateKoperasi) -> Self {
        Self {
            name: c.name,
            legal_entity_number: c.legal_entity_number,
            nib: c.nib,
            member_count: c.member_count,
            business_units: c.business_units,
        }
    }
}

/// Filters of the koperasi list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct KoperasiFilter {
    /// Only koperasi of this province (two-digit code).
    #[param(example = "35")]
    pub province_code: Option<String>,
    /// Only the koperasi of this pesantren.
    pub pesantren_id: Option<Uuid>,
}

fn text_length(value: &str, max: usize) -> Result<(), ValidationError> {
    let n = value.trim().chars().count();
    if (1..=max).contains(&n) {
        Ok(())
    } else {
        Err(ValidationError::new("length")
            .with_message(format!("must be 1 to {max} characters").into()))
    }
}

fn validate_name(name: &str) -> Result<(), ValidationError> {
    text_length(name, 200)
}

fn validate_legal_entity_number(number: &str) -> Result<(), ValidationError> {
    text_length(number, 100)
}

/// Every failing field at once: the derived rules, plus one entry per bad
/// business unit, named `business_units[i]`. Units past the limit of 20 are
/// not checked one by one (the list is already refused as too long), so a
/// large body cannot make an even larger answer.
fn check(result: Result<(), ValidationErrors>, units: &[String]) -> ApiResult<()> {
    let mut errors = result.err().unwrap_or_default();
    let mut seen = HashSet::new();
    for (i, unit) in units.iter().enumerate().take(MAX_BUSINESS_UNITS) {
        let error = match text_length(unit, 100) {
            Err(e) => Some(e),
            Ok(()) if !seen.insert(crate::text::fold(unit)) => Some(
                ValidationError::new("duplicate")
                    .with_message("repeats an earlier business unit".into()),
            ),
            Ok(()) => None,
        };
        if let Some(e) = error {
            errors.errors_mut().insert(
                Cow::Owned(format!("business_units[{i}]")),
                ValidationErrorsKind::Field(vec![e]),
            );
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors.into())
    }
}

fn trimmed(s: Option<String>) -> Option<String> {
    s.map(|v| v.trim().to_string())
}

fn units_json(units: &[String]) -> serde_json::Value {
    serde_json::Value::from(
        units
            .iter()
            .map(|u| u.trim().to_string())
            .collect::<Vec<_>>(),
    )
}

fn pesantren_taken(existing: Uuid) -> ApiError {
    ApiError::Conflict(format!(
        "This pesantren already has its koperasi ({existing}); a pesantren has one koperasi. Update that one instead."
    ))
}

fn nib_taken() -> ApiError {
    ApiError::Conflict("Another koperasi is already registered with this NIB.".into())
}

/// Turns a unique violation of the database (a race the checks before the
/// write could not see) into the conflict it means.
fn map_unique(e: sea_orm::DbErr) -> ApiError {
    match e.sql_err() {
        Some(sea_orm::SqlErr::UniqueConstraintViolation(msg)) if msg.contains("nib") => nib_taken(),
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => ApiError::Conflict(
            "This pesantren already has its koperasi; a pesantren has one koperasi.".into(),
        ),
        _ => e.into(),
    }
}

async fn nib_in_use(
    db: &impl ConnectionTrait,
    nib: Option<&str>,
    except: Option<Uuid>,
) -> ApiResult<bool> {
    let Some(nib) = nib else {
        return Ok(false);
    };
    let mut q = koperasi::Entity::find().filter(koperasi::Column::Nib.eq(nib));
    if let Some(id) = except {
        q = q.filter(koperasi::Column::Id.ne(id));
    }
    Ok(q.one(db).await?.is_some())
}

/// Koperasi of verified pesantren: what anyone may see. A subquery rather
/// than a join, so it reads the same on SQLite and PostgreSQL.
fn public_condition() -> Condition {
    Condition::all().add(
        koperasi::Column::PesantrenId.in_subquery(
            Query::select()
                .column(pesantren::Column::Id)
                .from(pesantren::Entity)
                .and_where(pesantren::Column::Status.eq(PesantrenStatus::Verified))
                .to_owned(),
        ),
    )
}

pub async fn create(
    db: &DatabaseConnection,
    caller: &Caller,
    body: CreateKoperasi,
) -> ApiResult<KoperasiView> {
    check(body.validate(), &body.business_units)?;
    let owner = match scope::load::<pesantren::Entity>(db, caller, body.pesantren_id).await {
        Ok(p) => p,
        Err(ApiError::NotFound(_)) => {
            return Err(ApiError::Validation(vec![FieldError::new(
                "pesantren_id",
                "invalid",
                "names no pesantren you can manage",
            )]))
        }
        Err(e) => return Err(e),
    };
    let fields = UpdateKoperasi::from(body);
    let nib = trimmed(fields.nib);
    let mut tx = WriteTx::begin(db, &caller.actor()).await?;
    if let Some(existing) = koperasi::Entity::find()
        .filter(koperasi::Column::PesantrenId.eq(owner.id))
        .one(&*tx)
        .await?
    {
        return Err(pesantren_taken(existing.id));
    }
    if nib_in_use(&*tx, nib.as_deref(), None).await? {
        return Err(nib_taken());
    }
    let now = db::now();
    let row = koperasi::ActiveModel {
        id: Set(db::new_id()),
        pesantren_id: Set(owner.id),
        province_code: Set(owner.province_code),
        name: Set(fields.name.trim().to_string()),
        legal_entity_number: Set(trimmed(fields.legal_entity_number)),
        nib: Set(nib),
        member_count: Set(fields.member_count as i32),
        business_units: Set(units_json(&fields.business_units)),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    }
    .insert(&*tx)
    .await
    .map_err(map_unique)?;
    let view = KoperasiView::full(row);
    tx.record(audit::Entry {
        action: "create",
        resource_type: "koperasi",
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
    filter: &KoperasiFilter,
    page: &PageParams,
) -> ApiResult<Page<KoperasiView>> {
    let limit = page.limit()?;
    if let Some(p) = &filter.province_code {
        ids::validate_province_code(p).map_err(|e| {
            ApiError::validation_one(
                "province_code",
                "format",
                e.message.map(|m| m.to_string()).unwrap_or_default(),
            )
        })?;
    }
    let mut q = koperasi::Entity::find()
        .filter(
            Condition::any()
                .add(scope::condition::<koperasi::Entity>(caller))
                .add(public_condition()),
        )
        .order_by_asc(koperasi::Column::Id);
    if let Some(p) = &filter.province_code {
        q = q.filter(koperasi::Column::ProvinceCode.eq(p.as_str()));
    }
    if let Some(pid) = filter.pesantren_id {
        q = q.filter(koperasi::Column::PesantrenId.eq(pid));
    }
    if let Some(after) = page.position::<Uuid>()? {
        q = q.filter(koperasi::Column::Id.gt(after));
    }
    let rows = q.limit(limit + 1).all(db).await?;
    // Which of the rows the caller's scope covers, asked of `scope` itself.
    let in_scope: HashSet<Uuid> = if rows.is_empty() {
        HashSet::new()
    } else {
        scope::find::<koperasi::Entity>(caller)
            .filter(koperasi::Column::Id.is_in(rows.iter().map(|r| r.id)))
            .select_only()
            .column(koperasi::Column::Id)
            .into_tuple::<Uuid>()
            .all(db)
            .await?
            .into_iter()
            .collect()
    };
    Ok(Page::from_rows(
        rows,
        limit,
        |k| k.id,
        |k| {
            if in_scope.contains(&k.id) {
                KoperasiView::full(k)
            } else {
                KoperasiView::public(k)
            }
        },
    ))
}

/// One koperasi: in full within the caller's scope, the public profile of
/// the koperasi of a verified pesantren otherwise, 404 for anything else.
pub async fn get(db: &DatabaseConnection, caller: &Caller, id: Uuid) -> ApiResult<Shown> {
    if let Some(k) = scope::find::<koperasi::Entity>(caller)
        .filter(koperasi::Column::Id.eq(id))
        .one(db)
        .await?
    {
        return Ok(Shown {
            version: k.version,
            view: KoperasiView::full(k),
        });
    }
    koperasi::Entity::find_by_id(id)
        .filter(public_condition())
        .one(db)
        .await?
        .map(|k| Shown {
            version: k.version,
            view: KoperasiView::public(k),
        })
        .ok_or_else(|| ApiError::not_found("koperasi"))
}

pub async fn update(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
    body: UpdateKoperasi,
    expected_version: Option<i32>,
) -> ApiResult<KoperasiView> {
    let current = scope::load::<koperasi::Entity>(db, caller, id).await?;
    check(body.validate(), &body.business_units)?;
    check_version(expected_version, current.version)?;
    let nib = trimmed(body.nib);
    if nib != current.nib && nib_in_use(db, nib.as_deref(), Some(id)).await? {
        return Err(nib_taken());
    }
    let before = KoperasiView::full(current.clone());
    let changes = koperasi::ActiveModel {
        name: Set(body.name.trim().to_string()),
        legal_entity_number: Set(trimmed(body.legal_entity_number)),
        nib: Set(nib),
        member_count: Set(body.member_count as i32),
        business_units: Set(units_json(&body.business_units)),
        updated_at: Set(db::now()),
        version: Set(current.version + 1),
        ..Default::default()
    };
    let mut tx = WriteTx::begin(db, &caller.actor()).await?;
    scope::update_if_version::<koperasi::Entity>(&*tx, id, current.version, changes)
        .await
        .map_err(|e| match e {
            ApiError::Conflict(_) => nib_taken(),
            other => other,
        })?;
    let after = KoperasiView::full(
        koperasi::Entity::find_by_id(id)
            .one(&*tx)
            .await?
            .ok_or_else(|| ApiError::not_found("koperasi"))?,
    );
    tx.record(audit::Entry {
        action: "update",
        resource_type: "koperasi",
        resource_id: id,
        province_code: Some(after.province_code.clone()),
        changes: audit::diff(&before, &after),
    })
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// Deletes a koperasi. Products that named it keep their pesantren and lose
/// the link (`koperasi_id` becomes null, by the foreign key).
pub async fn remove(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
    expected_version: Option<i32>,
) -> ApiResult<()> {
    let current = scope::load::<koperasi::Entity>(db, caller, id).await?;
    check_version(expected_version, current.version)?;
    let mut tx = WriteTx::begin(db, &caller.actor()).await?;
    scope::delete_if_version::<koperasi::Entity>(&*tx, id, current.version).await?;
    tx.record(audit::Entry {
        action: "delete",
        resource_type: "koperasi",
        resource_id: id,
        province_code: Some(current.province_code.clone()),
        changes: audit::created(&KoperasiView::full(current)),
    })
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Register the koperasi of a pesantren.
///
/// By an admin of the pesantren's province (or a national admin), or by the
/// pesantren's own manager. A pesantren has one koperasi; its NIB, if given,
/// is unique. A `pesantren_id` outside the caller's reach is a validation
/// error on that field.
#[utoipa::path(
    operation_id = "create_koperasi",
    tag = "koperasi",
    request_body = CreateKoperasi,
    security(("bearer" = ["admin", "pesantren_manager"])),
    responses(
        (status = 201, description = "Created; `Location` names it and `ETag` carries its version.", body = KoperasiView),
        (status = 409, description = "The pesantren already has its koperasi, or another koperasi has this NIB.", body = crate::error::Problem, content_type = "application/problem+json")
    )
)]
#[post("")]
async fn create_koperasi(
    state: web::Data<AppState>,
    auth: Require<RegisterWriters>,
    body: crate::http::Body<CreateKoperasi>,
) -> ApiResult<HttpResponse> {
    let k = create(&state.db, &auth, body.into_inner()?).await?;
    Ok(with_etag(HttpResponse::Created(), k.version.unwrap_or(1))
        .insert_header(("Location", format!("/api/v1/koperasi/{}", k.id)))
        .json(k))
}

/// List koperasi.
///
/// Staff and managers get every koperasi in their scope in full, plus the
/// public profile of the koperasi of verified pesantren outside it; anyone
/// else, with or without a token, gets those public profiles only. Sorted
/// by id (creation order).
#[utoipa::path(
    operation_id = "list_koperasi",
    tag = "koperasi",
    params(PageParams, KoperasiFilter),
    security((), ("bearer" = ["admin", "curator", "pesantren_manager", "santri", "partner"])),
    responses((status = 200, description = "One page of koperasi.", body = Page<KoperasiView>))
)]
#[get("")]
async fn list_koperasi(
    state: web::Data<AppState>,
    auth: Require<Public>,
    page: web::Query<PageParams>,
    filter: web::Query<KoperasiFilter>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(list(&state.db, &auth, &filter, &page).await?))
}

/// Get one koperasi.
///
/// In full for callers whose scope covers it; the public profile (without
/// `created_at`, `updated_at` and `version`) of the koperasi of a verified
/// pesantren for everyone else; 404 otherwise.
#[utoipa::path(
    operation_id = "get_koperasi",
    tag = "koperasi",
    params(("id" = Uuid, Path, description = "Koperasi id")),
    security((), ("bearer" = ["admin", "curator", "pesantren_manager", "santri", "partner"])),
    responses((status = 200, description = "The koperasi; `ETag` carries its version.", body = KoperasiView))
)]
#[get("/{id}")]
async fn get_koperasi(
    state: web::Data<AppState>,
    auth: Require<Public>,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let shown = get(&state.db, &auth, *id).await?;
    Ok(with_etag(HttpResponse::Ok(), shown.version).json(shown.view))
}

/// Replace the writable fields of a koperasi.
///
/// By an admin of its province or its pesantren's manager. Every writable
/// field is replaced: an omitted optional field is cleared. Send `If-Match`
/// with the `ETag` you read to avoid overwriting someone else's change.
#[utoipa::path(
    operation_id = "update_koperasi",
    tag = "koperasi",
    params(("id" = Uuid, Path, description = "Koperasi id")),
    request_body = UpdateKoperasi,
    security(("bearer" = ["admin", "pesantren_manager"])),
    responses(
        (status = 200, description = "Updated; `ETag` carries the new version.", body = KoperasiView),
        (status = 409, description = "Another koperasi is already registered with this NIB.", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 412, description = "`If-Match` does not match the current version.", body = crate::error::Problem, content_type = "application/problem+json")
    )
)]
#[put("/{id}")]
async fn update_koperasi(
    state: web::Data<AppState>,
    auth: Require<RegisterWriters>,
    id: web::Path<Uuid>,
    req: HttpRequest,
    body: crate::http::Body<UpdateKoperasi>,
) -> ApiResult<HttpResponse> {
    let k = update(&state.db, &auth, *id, body.into_inner()?, if_match(&req)?).await?;
    Ok(with_etag(HttpResponse::Ok(), k.version.unwrap_or_default()).json(k))
}

/// Delete a koperasi.
///
/// Admins of its province (or national) only. Products that named it keep
/// their pesantren and lose the link to it. Send `If-Match` to delete only
/// the version you read.
#[utoipa::path(
    operation_id = "delete_koperasi",
    tag = "koperasi",
    params(("id" = Uuid, Path, description = "Koperasi id")),
    security(("bearer" = ["admin"])),
    responses(
        (status = 204, description = "Deleted."),
        (status = 412, description = "`If-Match` does not match the current version.", body = crate::error::Problem, content_type = "application/problem+json")
    )
)]
#[delete("/{id}")]
async fn delete_koperasi(
    state: web::Data<AppState>,
    auth: Require<AdminOnly>,
    id: web::Path<Uuid>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    remove(&state.db, &auth, *id, if_match(&req)?).await?;
    Ok(HttpResponse::NoContent().finish())
}

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(
        utoipa_actix_web::scope("/koperasi")
            .service(create_koperasi)
            .service(list_koperasi)
            .service(get_koperasi)
            .service(update_koperasi)
            .service(delete_koperasi),
    );
}
