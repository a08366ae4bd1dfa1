//! Pesantren: the register's unit. Admins create and verify them, managers
//! keep their own profile, anyone may register one online, and the public
//! sees verified pesantren through a reduced view.

use actix_web::{get, post, put, web, HttpRequest, HttpResponse};
use entity::{koperasi, orders, pesantren, santri, users, PesantrenStatus, Role};
use sea_orm::sea_query::{Expr, LikeExpr};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, ExprTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use validator::Validate;

use crate::audit::{self, WriteTx};
use crate::auth::{password, scope, AdminOnly, Caller, Public, RegisterWriters, Require};
use crate::db;
use crate::error::{ApiError, ApiResult, FieldError};
use crate::http::{check_version, if_match, with_etag};
use crate::ids;
use crate::pagination::{Page, PageParams};
use crate::startup::AppState;
use crate::users::UserView;
use crate::validation::field_errors;

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
    #[schema(example = "3514")]
    pub regency_code: String,
    #[schema(example = "351401")]
    pub district_code: Option<String>,
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
    #[schema(example = "3514")]
    pub regency_code: String,
    #[schema(example = "351401")]
    pub district_code: Option<String>,
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
    #[validate(length(min = 3, max = 200, message = "must be 3 to 200 characters"))]
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
    #[validate(length(min = 5, max = 500, message = "must be 5 to 500 characters"))]
    #[schema(min_length = 5, max_length = 500)]
    #[schema(example = "Jl. Raya Sidogiri, Kraton, Pasuruan, Jawa Timur")]
    pub address: String,
    #[validate(length(min = 3, max = 200, message = "must be 3 to 200 characters"))]
    #[schema(min_length = 3, max_length = 200)]
    #[schema(example = "KH. Fuad Noerhasan")]
    pub leader_name: String,
    /// Indonesian mobile number; `08…`, `628…` and `+628…` are accepted and
    /// stored as `+628…`.
    #[validate(custom(function = "ids::validate_phone"))]
    #[schema(example = "081234567890")]
    pub phone: String,
    #[validate(email(message = "must be an email address"), length(max = 254))]
    #[schema(max_length = 254)]
    #[schema(example = "info@sidogiri.net")]
    pub email: Option<String>,
    #[validate(
        url(message = "must be a URL such as https://sidogiri.net"),
        length(max = 500)
    )]
    #[schema(example = "https://sidogiri.net")]
    pub website: Option<String>,
    #[validate(length(max = 5000, message = "must be at most 5000 characters"))]
    #[schema(max_length = 5000)]
    #[schema(
        example = "Pesantren salaf dengan koperasi yang mengelola kopi, air minum dan toko kitab."
    )]
    pub description: Option<String>,
}

impl PesantrenInput {
    /// Every failing field at once, including the nesting of region codes.
    pub fn check(&self, prefix: &str) -> Vec<FieldError> {
        let mut errors = match self.validate() {
            Ok(()) => Vec::new(),
            Err(e) => field_errors(&e),
        };
        let failed = |errors: &Vec<FieldError>, f: &str| errors.iter().any(|e| e.field == f);
        if !failed(&errors, "regency_code")
            && !failed(&errors, "province_code")
            && !ids::is_within(&self.regency_code, &self.province_code)
        {
            errors.push(FieldError::new(
                "regency_code",
                "parent",
                format!("must start with the province code {}", self.province_code),
            ));
        }
        if let Some(district) = &self.district_code {
            if !failed(&errors, "district_code")
                && !failed(&errors, "regency_code")
                && !ids::is_within(district, &self.regency_code)
            {
                errors.push(FieldError::new(
                    "district_code",
                    "parent",
                    format!("must start with the regency code {}", self.regency_code),
                ));
            }
        }
        for e in &mut errors {
            if !prefix.is_empty() {
                e.field = format!("{prefix}.{}", e.field);
            }
        }
        errors
    }

    fn phone_e164(&self) -> String {
        ids::normalize_phone(&self.phone).unwrap_or_else(|| self.phone.clone())
    }

    fn trimmed(s: &Option<String>) -> Option<String> {
        s.as_ref()
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    }
}

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

fn duplicate_nspp() -> ApiError {
    ApiError::Conflict("A pesantren with this NSPP is already registered.".into())
}

fn map_unique(e: sea_orm::DbErr, conflict: fn() -> ApiError) -> ApiError {
    match e.sql_err() {
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => conflict(),
        _ => e.into(),
    }
}

async fn nspp_taken(
    db: &impl ConnectionTrait,
    nspp: &str,
    except: Option<Uuid>,
) -> ApiResult<bool> {
    let mut q = pesantren::Entity::find().filter(pesantren::Column::Nspp.eq(nspp));
    if let Some(id) = except {
        q = q.filter(pesantren::Column::Id.ne(id));
    }
    Ok(q.one(db).await?.is_some())
}

fn new_row(input: &PesantrenInput, status: PesantrenStatus) -> pesantren::ActiveModel {
    let now = db::now();
    pesantren::ActiveModel {
        id: Set(db::new_id()),
        nspp: Set(input.nspp.clone()),
        name: Set(input.name.trim().to_string()),
        search_name: Set(crate::text::fold(&input.name)),
        province_code: Set(input.province_code.clone()),
        regency_code: Set(input.regency_code.clone()),
        district_code: Set(input.district_code.clone()),
        address: Set(input.address.trim().to_string()),
        leader_name: Set(input.leader_name.trim().to_string()),
        phone: Set(input.phone_e164()),
        email: Set(PesantrenInput::trimmed(&input.email).map(|e| e.to_lowercase())),
        website: Set(PesantrenInput::trimmed(&input.website)),
        description: Set(PesantrenInput::trimmed(&input.description)),
        verified_at: Set((status == PesantrenStatus::Verified).then(db::now)),
        status: Set(status),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    }
}

/// Refuses a province admin acting outside its province.
fn own_province(caller: &Caller, province: &str) -> ApiResult<()> {
    match caller.user().and_then(|u| u.province_code.as_deref()) {
        Some(own) if own != province => Err(ApiError::Forbidden(format!(
            "An admin of province {own} can only manage pesantren of province {own}."
        ))),
        _ => Ok(()),
    }
}

pub async fn create(
    db: &DatabaseConnection,
    caller: &Caller,
    input: PesantrenInput,
) -> ApiResult<PesantrenView> {
    let errors = input.check("");
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    own_province(caller, &input.province_code)?;
    if nspp_taken(db, &input.nspp, None).await? {
        return Err(duplicate_nspp());
    }
    let mut tx = WriteTx::begin(db, &caller.actor()).await?;
    let row = new_row(&input, PesantrenStatus::Registered)
        .insert(&*tx)
        .await
        .map_err(|e| map_unique(e, duplicate_nspp))?;
    let view = PesantrenView::from(row);
    tx.record(audit::Entry {
        action: "create",
        resource_type: "pesantren",
        resource_id: view.id,
        province_code: Some(view.province_code.clone()),
        changes: audit::created(&view),
    })
    .await?;
    tx.commit().await?;
    Ok(view)
}

/// Whether the caller's role keeps a register (and so sees full records).
fn has_register_scope(caller: &Caller) -> bool {
    matches!(
        caller.user().map(|u| u.role),
        Some(Role::Admin | Role::Curator | Role::PesantrenManager)
    )
}

pub async fn list(
    db: &DatabaseConnection,
    caller: &Caller,
    filter: &PesantrenFilter,
    page: &PageParams,
) -> ApiResult<Page<PesantrenResponse>> {
    let limit = page.limit()?;
    let staff = has_register_scope(caller) && !filter.public.unwrap_or(false);
    let mut q = if staff {
        scope::find::<pesantren::Entity>(caller)
    } else {
        pesantren::Entity::find().filter(pesantren::Column::Status.eq(PesantrenStatus::Verified))
    };
    if let Some(p) = &filter.province_code {
        q = q.filter(pesantren::Column::ProvinceCode.eq(p.as_str()));
    }
    if let Some(r) = &filter.regency_code {
        q = q.filter(pesantren::Column::RegencyCode.eq(r.as_str()));
    }
    if let (Some(s), true) = (filter.status, staff) {
        q = q.filter(pesantren::Column::Status.eq(s));
    }
    if let Some(text) = filter.q.as_deref().filter(|t| !t.trim().is_empty()) {
        q = q.filter(
            Expr::col((pesantren::Entity, pesantren::Column::SearchName))
                .like(LikeExpr::new(crate::text::like_pattern(text)).escape('\\')),
        );
    }
    if let Some(after) = page.position::<Uuid>()? {
        q = q.filter(pesantren::Column::Id.gt(after));
    }
    let rows = q
        .order_by_asc(pesantren::Column::Id)
        .limit(limit + 1)
        .all(db)
        .await?;
    Ok(Page::from_rows(
        rows,
        limit,
        |p| p.id,
        |p| {
            if staff {
                PesantrenResponse::Full(p.into())
            } else {
                PesantrenResponse::Public(p.into())
            }
        },
    ))
}

pub async fn get(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
) -> ApiResult<PesantrenResponse> {
    if has_register_scope(caller) {
        if let Ok(p) = scope::load::<pesantren::Entity>(db, caller, id).await {
            return Ok(PesantrenResponse::Full(p.into()));
        }
    }
    pesantren::Entity::find_by_id(id)
        .filter(pesantren::Column::Status.eq(PesantrenStatus::Verified))
        .one(db)
        .await?
        .map(|p| PesantrenResponse::Public(p.into()))
        .ok_or_else(|| ApiError::not_found("pesantren"))
}

/// Tables that copy their pesantren's province, kept in step when a
/// pesantren moves.
async fn move_province(
    db: &impl ConnectionTrait,
    pesantren_id: Uuid,
    province: &str,
) -> ApiResult<()> {
    macro_rules! carry {
        ($($module:ident),*) => {$(
            $module::Entity::update_many()
                .col_expr($module::Column::ProvinceCode, Expr::value(province.to_string()))
                .filter($module::Column::PesantrenId.eq(pesantren_id))
                .exec(db)
                .await?;
        )*};
    }
    carry!(santri, koperasi, orders, users);
    entity::products::Entity::update_many()
        .col_expr(
            entity::products::Column::ProvinceCode,
            Expr::value(province.to_string()),
        )
        .filter(entity::products::Column::PesantrenId.eq(pesantren_id))
        .exec(db)
        .await?;
    entity::certifications::Entity::update_many()
        .col_expr(
            entity::certifications::Column::ProvinceCode,
            Expr::value(province.to_string()),
        )
        .filter(entity::certifications::Column::PesantrenId.eq(pesantren_id))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn update(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
    input: PesantrenInput,
    expected_version: Option<i32>,
) -> ApiResult<PesantrenView> {
    let current = scope::load::<pesantren::Entity>(db, caller, id).await?;
    let errors = input.check("");
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    check_version(expected_version, current.version)?;
    let is_admin = matches!(caller.user().map(|u| u.role), Some(Role::Admin));
    let moves = input.province_code != current.province_code
        || input.regency_code != current.regency_code
        || input.nspp != current.nspp;
    if moves && !is_admin {
        return Err(ApiError::Forbidden(
            "Only the secretariat changes a pesantren's NSPP, province or regency.".into(),
        ));
    }
    own_province(caller, &input.province_code)?;
    if input.nspp != current.nspp && nspp_taken(db, &input.nspp, Some(id)).await? {
        return Err(duplicate_nspp());
    }
    let before = PesantrenView::from(current.clone());
    let mut row = new_row(&input, current.status);
    row.id = Set(id);
    row.created_at = Set(current.created_at);
    row.verified_at = Set(current.verified_at);
    row.version = Set(current.version + 1);
    let mut tx = crate::catalog::feed::begin(db, &caller.actor()).await?;
    scope::update_if_version::<pesantren::Entity>(&*tx, id, current.version, row)
        .await
        .map_err(|e| match e {
            ApiError::Conflict(_) => duplicate_nspp(),
            other => other,
        })?;
    if input.province_code != current.province_code {
        move_province(&*tx, id, &input.province_code).await?;
    }
    // Its name and region are part of every product's catalogue view.
    crate::catalog::feed::sync_pesantren(&tx, id).await?;
    let after = PesantrenView::from(
        pesantren::Entity::find_by_id(id)
            .one(&*tx)
            .await?
            .ok_or_else(|| ApiError::not_found("pesantren"))?,
    );
    tx.record(audit::Entry {
        action: "update",
        resource_type: "pesantren",
        resource_id: id,
        province_code: Some(after.province_code.clone()),
        changes: audit::diff(&before, &after),
    })
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// Moves a pesantren to `to`; `from` lists the states that allow it.
pub async fn set_status(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
    to: PesantrenStatus,
    reason: Option<String>,
    expected_version: Option<i32>,
) -> ApiResult<PesantrenView> {
    let current = scope::load::<pesantren::Entity>(db, caller, id).await?;
    check_version(expected_version, current.version)?;
    let allowed = match to {
        PesantrenStatus::Verified => matches!(
            current.status,
            PesantrenStatus::Registered | PesantrenStatus::Suspended
        ),
        PesantrenStatus::Suspended => matches!(
            current.status,
            PesantrenStatus::Registered | PesantrenStatus::Verified
        ),
        PesantrenStatus::Registered => false,
    };
    if !allowed {
        return Err(ApiError::Conflict(format!(
            "The pesantren is `{}`; it cannot become `{to}` from there.",
            current.status
        )));
    }
    let before = PesantrenView::from(current.clone());
    let now = db::now();
    let changes = pesantren::ActiveModel {
        status: Set(to),
        verified_at: Set(if to == PesantrenStatus::Verified {
            Some(now)
        } else {
            current.verified_at
        }),
        updated_at: Set(now),
        version: Set(current.version + 1),
        ..Default::default()
    };
    let mut tx = crate::catalog::feed::begin(db, &caller.actor()).await?;
    scope::update_if_version::<pesantren::Entity>(&*tx, id, current.version, changes).await?;
    // Verifying publishes its approved products; suspending withdraws them.
    crate::catalog::feed::sync_pesantren(&tx, id).await?;
    let after = PesantrenView::from(
        pesantren::Entity::find_by_id(id)
            .one(&*tx)
            .await?
            .ok_or_else(|| ApiError::not_found("pesantren"))?,
    );
    let mut diff = audit::diff(&before, &after);
    if let (Some(reason), Some(obj)) = (reason, diff.as_object_mut()) {
        obj.insert("reason".into(), serde_json::Value::String(reason));
    }
    tx.record(audit::Entry {
        action: if to == PesantrenStatus::Verified {
            "verify"
        } else {
            "suspend"
        },
        resource_type: "pesantren",
        resource_id: id,
        province_code: Some(after.province_code.clone()),
        changes: diff,
    })
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// The first manager of a registering pesantren.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ManagerInput {
    #[validate(email(message = "must be an email address"), length(max = 254))]
    #[schema(max_length = 254)]
    #[schema(example = "pengurus@sidogiri.net")]
    pub email: String,
    #[validate(length(min = 1, max = 200, message = "must be 1 to 200 characters"))]
    #[schema(min_length = 1, max_length = 200)]
    #[schema(example = "Ahmad Syaifuddin")]
    pub name: String,
    /// At least 10 characters.
    #[validate(length(min = 10, max = 1024, message = "must be at least 10 characters"))]
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
    pub manager: UserView,
}

pub async fn register(
    db: &DatabaseConnection,
    caller: &Caller,
    body: RegistrationRequest,
) -> ApiResult<Registration> {
    let mut errors = body.pesantren.check("pesantren");
    if let Err(e) = body.manager.validate() {
        errors.extend(field_errors(&e).into_iter().map(|mut f| {
            f.field = format!("manager.{}", f.field);
            f
        }));
    }
    if !errors.is_empty() {
        errors.sort_by(|a, b| a.field.cmp(&b.field));
        return Err(ApiError::Validation(errors));
    }
    if nspp_taken(db, &body.pesantren.nspp, None).await? {
        return Err(duplicate_nspp());
    }
    let email = body.manager.email.trim().to_lowercase();
    let email_taken = users::Entity::find()
        .filter(users::Column::Email.eq(email.as_str()))
        .one(db)
        .await?
        .is_some();
    let email_conflict = || ApiError::Conflict("An account with this email already exists.".into());
    if email_taken {
        return Err(email_conflict());
    }
    let password_hash = password::hash(&body.manager.password)?;
    let mut tx = WriteTx::begin(db, &caller.actor()).await?;
    let p = new_row(&body.pesantren, PesantrenStatus::Registered)
        .insert(&*tx)
        .await
        .map_err(|e| map_unique(e, duplicate_nspp))?;
    let now = db::now();
    let manager = users::ActiveModel {
        id: Set(db::new_id()),
        email: Set(email),
        name: Set(body.manager.name.trim().to_string()),
        password_hash: Set(password_hash),
        role: Set(Role::PesantrenManager),
        province_code: Set(Some(p.province_code.clone())),
        pesantren_id: Set(Some(p.id)),
        santri_id: Set(None),
        is_active: Set(true),
        last_login_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    }
    .insert(&*tx)
    .await
    .map_err(|e| {
        map_unique(e, || {
            ApiError::Conflict("An account with this email already exists.".into())
        })
    })?;
    let (pesantren, manager) = (PesantrenView::from(p), UserView::from(manager));
    for (kind, id, changes) in [
        ("pesantren", pesantren.id, audit::created(&pesantren)),
        ("user", manager.id, audit::created(&manager)),
    ] {
        tx.record(audit::Entry {
            action: "register",
            resource_type: kind,
            resource_id: id,
            province_code: Some(pesantren.province_code.clone()),
            changes,
        })
        .await?;
    }
    tx.commit().await?;
    Ok(Registration { pesantren, manager })
}

/// Register a pesantren online.
///
/// Anyone may register. The pesantren starts as `registered` and its first
/// manager account can log in once an admin of its province verifies it
/// (`POST /api/v1/pesantren/{id}/verify`). Registrations are limited per
/// address (429 with `Retry-After`).
#[utoipa::path(
    operation_id = "create_registration",
    tag = "pesantren",
    request_body = RegistrationRequest,
    security(()),
    responses(
        (status = 201, description = "Registered; waiting for verification.", body = Registration),
        (status = 409, description = "The NSPP or the manager's email is already registered.", body = crate::error::Problem, content_type = "application/problem+json")
    )
)]
#[post("/registrations")]
async fn create_registration(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    body: crate::http::Body<RegistrationRequest>,
) -> ApiResult<HttpResponse> {
    state
        .throttle
        .registration(crate::ratelimit::client_address(&req))?;
    let created = register(&state.db, &caller, body.into_inner()?).await?;
    Ok(HttpResponse::Created()
        .insert_header((
            "Location",
            format!("/api/v1/pesantren/{}", created.pesantren.id),
        ))
        .json(created))
}

/// Create a pesantren (secretariat).
///
/// It starts as `registered`. An admin of a province creates pesantren of
/// that province only.
#[utoipa::path(
    operation_id = "create_pesantren",
    tag = "pesantren",
    request_body = PesantrenInput,
    security(("bearer" = ["admin"])),
    responses(
        (status = 201, description = "Created.", body = PesantrenView),
        (status = 409, description = "The NSPP is already registered.", body = crate::error::Problem, content_type = "application/problem+json")
    )
)]
#[post("")]
async fn create_pesantren(
    state: web::Data<AppState>,
    auth: Require<AdminOnly>,
    body: crate::http::Body<PesantrenInput>,
) -> ApiResult<HttpResponse> {
    let p = create(&state.db, &auth, body.into_inner()?).await?;
    Ok(with_etag(HttpResponse::Created(), p.version)
        .insert_header(("Location", format!("/api/v1/pesantren/{}", p.id)))
        .json(p))
}

/// List pesantren.
///
/// Admins, curators and managers get the full records in their scope (every
/// status). Everyone else, and staff passing `public=true`, gets the public
/// directory: verified pesantren, public fields only.
#[utoipa::path(
    operation_id = "list_pesantren",
    tag = "pesantren",
    params(PageParams, PesantrenFilter),
    security((), ("bearer" = ["admin", "curator", "pesantren_manager", "santri", "partner"])),
    responses((status = 200, description = "One page of pesantren.", body = Page<PesantrenResponse>))
)]
#[get("")]
async fn list_pesantren(
    state: web::Data<AppState>,
    auth: Require<Public>,
    page: web::Query<PageParams>,
    filter: web::Query<PesantrenFilter>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(list(&state.db, &auth, &filter, &page).await?))
}

/// Get a pesantren.
///
/// The full record for staff in scope (with `ETag`); the public profile of a
/// verified pesantren for everyone else; 404 otherwise.
#[utoipa::path(
    operation_id = "get_pesantren",
    tag = "pesantren",
    params(("id" = Uuid, Path, description = "Pesantren id")),
    security((), ("bearer" = ["admin", "curator", "pesantren_manager", "santri", "partner"])),
    responses((status = 200, description = "The pesantren.", body = PesantrenResponse))
)]
#[get("/{id}")]
async fn get_pesantren(
    state: web::Data<AppState>,
    auth: Require<Public>,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    match get(&state.db, &auth, *id).await? {
        PesantrenResponse::Full(p) => Ok(with_etag(HttpResponse::Ok(), p.version).json(p)),
        public => Ok(HttpResponse::Ok().json(public)),
    }
}

/// Update a pesantren's profile.
///
/// Send every field (a full replacement). Managers edit their own
/// pesantren's profile; only admins change its NSPP, province or regency,
/// and moving it to another province moves its santri, koperasi, products
/// and accounts with it. Send `If-Match` with the ETag you read.
#[utoipa::path(
    operation_id = "update_pesantren",
    tag = "pesantren",
    params(("id" = Uuid, Path, description = "Pesantren id")),
    request_body = PesantrenInput,
    security(("bearer" = ["admin", "pesantren_manager"])),
    responses(
        (status = 200, description = "Updated.", body = PesantrenView),
        (status = 409, description = "The NSPP is taken by another pesantren.", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 412, description = "`If-Match` does not match the current version.", body = crate::error::Problem, content_type = "application/problem+json")
    )
)]
#[put("/{id}")]
async fn update_pesantren(
    state: web::Data<AppState>,
    auth: Require<RegisterWriters>,
    id: web::Path<Uuid>,
    req: HttpRequest,
    body: crate::http::Body<PesantrenInput>,
) -> ApiResult<HttpResponse> {
    let p = update(&state.db, &auth, *id, body.into_inner()?, if_match(&req)?).await?;
    Ok(with_etag(HttpResponse::Ok(), p.version).json(p))
}

/// Why a pesantren is suspended.
#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusChange {
    /// Recorded in the audit trail.
    #[validate(length(max = 1000, message = "must be at most 1000 characters"))]
    #[schema(max_length = 1000)]
    #[schema(example = "The operating permit is under review.")]
    pub reason: Option<String>,
}

/// Verify a pesantren (secretariat).
///
/// From `registered` or `suspended`. Its managers can log in from then on,
/// and its approved products can be published.
#[utoipa::path(
    operation_id = "verify_pesantren",
    tag = "pesantren",
    params(("id" = Uuid, Path, description = "Pesantren id")),
    security(("bearer" = ["admin"])),
    responses(
        (status = 200, description = "Verified.", body = PesantrenView),
        (status = 409, description = "Already verified.", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 412, description = "`If-Match` does not match the current version.", body = crate::error::Problem, content_type = "application/problem+json")
    )
)]
#[post("/{id}/verify")]
async fn verify_pesantren(
    state: web::Data<AppState>,
    auth: Require<AdminOnly>,
    id: web::Path<Uuid>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let p = set_status(
        &state.db,
        &auth,
        *id,
        PesantrenStatus::Verified,
        None,
        if_match(&req)?,
    )
    .await?;
    Ok(with_etag(HttpResponse::Ok(), p.version).json(p))
}

/// Suspend a pesantren (secretariat).
///
/// From `registered` or `verified`. Nothing of it is public while suspended,
/// and its managers cannot log in. The optional `reason` goes to the audit trail.
#[utoipa::path(
    operation_id = "suspend_pesantren",
    tag = "pesantren",
    params(("id" = Uuid, Path, description = "Pesantren id")),
    request_body(content = StatusChange, description = "Optional reason."),
    security(("bearer" = ["admin"])),
    responses(
        (status = 200, description = "Suspended.", body = PesantrenView),
        (status = 409, description = "Already suspended.", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 412, description = "`If-Match` does not match the current version.", body = crate::error::Problem, content_type = "application/problem+json")
    )
)]
#[post("/{id}/suspend")]
async fn suspend_pesantren(
    state: web::Data<AppState>,
    auth: Require<AdminOnly>,
    id: web::Path<Uuid>,
    req: HttpRequest,
    body: web::Bytes,
) -> ApiResult<HttpResponse> {
    let reason: StatusChange = crate::http::optional_json(&body)?;
    crate::validation::validate(&reason)?;
    let p = set_status(
        &state.db,
        &auth,
        *id,
        PesantrenStatus::Suspended,
        reason.reason,
        if_match(&req)?,
    )
    .await?;
    Ok(with_etag(HttpResponse::Ok(), p.version).json(p))
}

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create_registration);
    cfg.service(
        utoipa_actix_web::scope("/pesantren")
            .service(create_pesantren)
            .service(list_pesantren)
            .service(get_pesantren)
            .service(update_pesantren)
            .service(verify_pesantren)
            .service(suspend_pesantren),
    );
}
