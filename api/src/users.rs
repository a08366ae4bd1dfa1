//! User accounts: created and deactivated by admins within their province.

use actix_web::{get, post, web, HttpRequest, HttpResponse};
use entity::{pesantren, santri, users, Role};
use sea_orm::sea_query::Expr;
use sea_orm::ExprTrait;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use validator::Validate;

use crate::audit::{self, WriteTx};
use crate::auth::{password, scope, AdminOnly, Caller, Require};
use crate::db;
use crate::error::{ApiError, ApiResult, FieldError};
use crate::http::{check_version, if_match, with_etag};
use crate::pagination::{Page, PageParams};
use crate::startup::AppState;
use crate::validation::validate;

/// A user account, as answered (never with its password hash).
#[derive(Debug, Serialize, ToSchema)]
pub struct UserView {
    pub id: Uuid,
    #[schema(example = "kurator@opop.jatimprov.go.id")]
    pub email: String,
    #[schema(example = "Dr. Siti Rahmawati")]
    pub name: String,
    pub role: Role,
    /// Province of an admin or curator (`null`: all provinces), or of the
    /// pesantren of a manager or santri.
    #[schema(example = "35")]
    pub province_code: Option<String>,
    pub pesantren_id: Option<Uuid>,
    pub santri_id: Option<Uuid>,
    pub is_active: bool,
    pub last_login_at: Option<chrono::DateTime<chrono::Utc>>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
    pub version: i32,
}

impl From<users::Model> for UserView {
    fn from(u: users::Model) -> Self {
        Self {
            id: u.id,
            email: u.email,
            name: u.name,
            role: u.role,
            province_code: u.province_code,
            pesantren_id: u.pesantren_id,
            santri_id: u.santri_id,
            is_active: u.is_active,
            last_login_at: u.last_login_at,
            created_at: u.created_at,
            updated_at: u.updated_at,
            version: u.version,
        }
    }
}

/// A new user account.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUser {
    #[validate(email(message = "must be an email address"), length(max = 254))]
    #[schema(max_length = 254)]
    #[schema(example = "kurator@opop.jatimprov.go.id")]
    pub email: String,
    #[validate(length(min = 1, max = 200, message = "must be 1 to 200 characters"))]
    #[schema(min_length = 1, max_length = 200)]
    #[schema(example = "Dr. Siti Rahmawati")]
    pub name: String,
    /// At least 10 characters.
    #[validate(length(min = 10, max = 1024, message = "must be at least 10 characters"))]
    #[schema(min_length = 10, max_length = 1024)]
    #[schema(example = "a-long-password")]
    pub password: String,
    pub role: Role,
    /// For `admin` and `curator`: the province they work in; omit for all
    /// provinces (national admins only). Derived for other roles.
    #[validate(custom(function = "crate::ids::validate_province_code"))]
    #[schema(pattern = r"^[0-9]{2}$")]
    #[schema(example = "35")]
    pub province_code: Option<String>,
    /// Required for `pesantren_manager`.
    pub pesantren_id: Option<Uuid>,
    /// Required for `santri`: the santri record the account belongs to.
    pub santri_id: Option<Uuid>,
}

/// Filters of the user list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UserFilter {
    pub role: Option<Role>,
    pub pesantren_id: Option<Uuid>,
    pub is_active: Option<bool>,
}

/// Where the new account sits: province, pesantren and santri, checked
/// against the role and the creating admin's own province.
async fn placement(
    db: &DatabaseConnection,
    caller: &Caller,
    body: &CreateUser,
) -> ApiResult<(Option<String>, Option<Uuid>, Option<Uuid>)> {
    let own_province = caller.user().and_then(|u| u.province_code.clone());
    let field = |f: &str, m: &str| ApiError::Validation(vec![FieldError::new(f, "invalid", m)]);
    match body.role {
        Role::Admin | Role::Curator => {
            if body.pesantren_id.is_some() || body.santri_id.is_some() {
                return Err(field(
                    "pesantren_id",
                    "must be omitted for admins and curators",
                ));
            }
            if let Some(own) = own_province {
                if body.province_code.as_deref() != Some(own.as_str()) {
                    return Err(ApiError::Forbidden(format!(
                        "An admin of province {own} can only create admins and curators of province {own}."
                    )));
                }
            }
            Ok((body.province_code.clone(), None, None))
        }
        Role::PesantrenManager => {
            let pid = body.pesantren_id.ok_or_else(|| {
                ApiError::validation_one(
                    "pesantren_id",
                    "required",
                    "is required for a pesantren manager",
                )
            })?;
            let p = scope::load::<pesantren::Entity>(db, caller, pid)
                .await
                .map_err(|_| field("pesantren_id", "names no pesantren you can manage"))?;
            Ok((Some(p.province_code), Some(p.id), None))
        }
        Role::Santri => {
            let sid = body.santri_id.ok_or_else(|| {
                ApiError::validation_one(
                    "santri_id",
                    "required",
                    "is required for a santri account",
                )
            })?;
            let s = scope::load::<santri::Entity>(db, caller, sid)
                .await
                .map_err(|_| field("santri_id", "names no santri you can manage"))?;
            Ok((Some(s.province_code), Some(s.pesantren_id), Some(s.id)))
        }
    }
}

pub async fn create(
    db: &DatabaseConnection,
    caller: &Caller,
    body: CreateUser,
) -> ApiResult<UserView> {
    validate(&body)?;
    let (province_code, pesantren_id, santri_id) = placement(db, caller, &body).await?;
    let email = body.email.trim().to_lowercase();
    let taken = users::Entity::find()
        .filter(users::Column::Email.eq(email.as_str()))
        .one(db)
        .await?
        .is_some();
    if taken {
        return Err(ApiError::Conflict(
            "A user with this email already exists.".into(),
        ));
    }
    let now = db::now();
    let mut tx = WriteTx::begin(db, &caller.actor()).await?;
    let user = users::ActiveModel {
        id: Set(db::new_id()),
        email: Set(email),
        name: Set(body.name.trim().to_string()),
        password_hash: Set(password::hash(&body.password)?),
        role: Set(body.role),
        province_code: Set(province_code),
        pesantren_id: Set(pesantren_id),
        santri_id: Set(santri_id),
        is_active: Set(true),
        last_login_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    }
    .insert(&*tx)
    .await
    .map_err(|e| match e.sql_err() {
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => {
            ApiError::Conflict("A user with this email already exists.".into())
        }
        _ => e.into(),
    })?;
    let view = UserView::from(user);
    tx.record(audit::Entry {
        action: "create",
        resource_type: "user",
        resource_id: view.id,
        province_code: view.province_code.clone(),
        changes: audit::created(&view),
    })
    .await?;
    tx.commit().await?;
    Ok(view)
}

pub async fn list(
    db: &DatabaseConnection,
    caller: &Caller,
    filter: &UserFilter,
    page: &PageParams,
) -> ApiResult<Page<UserView>> {
    let limit = page.limit()?;
    let mut q = scope::find::<users::Entity>(caller).order_by_asc(users::Column::Id);
    if let Some(role) = filter.role {
        q = q.filter(users::Column::Role.eq(role));
    }
    if let Some(pid) = filter.pesantren_id {
        q = q.filter(users::Column::PesantrenId.eq(pid));
    }
    if let Some(active) = filter.is_active {
        q = q.filter(users::Column::IsActive.eq(active));
    }
    if let Some(after) = page.position::<Uuid>()? {
        q = q.filter(users::Column::Id.gt(after));
    }
    let rows = q.limit(limit + 1).all(db).await?;
    Ok(Page::from_rows(rows, limit, |u| u.id, UserView::from))
}

pub async fn get(db: &DatabaseConnection, caller: &Caller, id: Uuid) -> ApiResult<UserView> {
    Ok(scope::load::<users::Entity>(db, caller, id).await?.into())
}

/// The caller's own account.
pub async fn me(db: &DatabaseConnection, caller: &Caller) -> ApiResult<UserView> {
    let id = caller
        .user()
        .map(|u| u.id)
        .ok_or_else(|| ApiError::Forbidden("Only user accounts have a profile.".into()))?;
    users::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(UserView::from)
        .ok_or_else(|| ApiError::not_found("user"))
}

/// Activates or deactivates an account. Deactivation takes effect at once:
/// tokens are checked against the account on every request, and its
/// refresh tokens are revoked.
pub async fn set_active(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
    active: bool,
    expected_version: Option<i32>,
) -> ApiResult<UserView> {
    let current = scope::load::<users::Entity>(db, caller, id).await?;
    if caller.user().map(|u| u.id) == Some(id) && !active {
        return Err(ApiError::Conflict(
            "You cannot deactivate your own account.".into(),
        ));
    }
    check_version(expected_version, current.version)?;
    let mut tx = WriteTx::begin(db, &caller.actor()).await?;
    let done = users::Entity::update_many()
        .col_expr(users::Column::IsActive, Expr::value(active))
        .col_expr(users::Column::UpdatedAt, Expr::value(db::now()))
        .col_expr(
            users::Column::Version,
            Expr::col(users::Column::Version).add(1),
        )
        .filter(users::Column::Id.eq(id))
        .filter(users::Column::Version.eq(current.version))
        .exec(&*tx)
        .await?;
    if done.rows_affected == 0 {
        return Err(ApiError::PreconditionFailed {
            current_version: current.version + 1,
        });
    }
    if !active {
        crate::auth::service::revoke_all_for_user(&*tx, id).await?;
    }
    tx.record(audit::Entry {
        action: if active { "activate" } else { "deactivate" },
        resource_type: "user",
        resource_id: id,
        province_code: current.province_code.clone(),
        changes: serde_json::json!({"is_active": {"from": current.is_active, "to": active}}),
    })
    .await?;
    tx.commit().await?;
    get(db, caller, id).await
}

/// Create a user account.
///
/// An admin of a province creates admins and curators of that province only,
/// and managers and santri accounts of pesantren in it; a national admin
/// (no province) creates any. Passwords have at least 10 characters.
#[utoipa::path(
    operation_id = "create_user",
    tag = "users",
    request_body = CreateUser,
    security(("bearer" = ["admin"])),
    responses(
        (status = 201, description = "Created.", body = UserView),
        (status = 409, description = "A user with this email already exists.", body = crate::error::Problem, content_type = "application/problem+json")
    )
)]
#[post("")]
async fn create_user(
    state: web::Data<AppState>,
    auth: Require<AdminOnly>,
    body: crate::http::Body<CreateUser>,
) -> ApiResult<HttpResponse> {
    let user = create(&state.db, &auth, body.into_inner()?).await?;
    Ok(with_etag(HttpResponse::Created(), user.version)
        .insert_header(("Location", format!("/api/v1/users/{}", user.id)))
        .json(user))
}

/// List user accounts in the caller's province.
#[utoipa::path(
    operation_id = "list_users",
    tag = "users",
    params(PageParams, UserFilter),
    security(("bearer" = ["admin"])),
    responses((status = 200, description = "One page of users.", body = Page<UserView>))
)]
#[get("")]
async fn list_users(
    state: web::Data<AppState>,
    auth: Require<AdminOnly>,
    page: web::Query<PageParams>,
    filter: web::Query<UserFilter>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(list(&state.db, &auth, &filter, &page).await?))
}

/// Get one user account.
#[utoipa::path(
    operation_id = "get_user",
    tag = "users",
    params(("id" = Uuid, Path, description = "User id")),
    security(("bearer" = ["admin"])),
    responses((status = 200, description = "The user.", body = UserView))
)]
#[get("/{id}")]
async fn get_user(
    state: web::Data<AppState>,
    auth: Require<AdminOnly>,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let user = get(&state.db, &auth, *id).await?;
    Ok(with_etag(HttpResponse::Ok(), user.version).json(user))
}

/// Deactivate a user account.
///
/// The account can no longer log in, its tokens stop working at once and its
/// refresh tokens are revoked. Send `If-Match` to avoid overwriting a change.
#[utoipa::path(
    operation_id = "deactivate_user",
    tag = "users",
    params(("id" = Uuid, Path, description = "User id")),
    security(("bearer" = ["admin"])),
    responses(
        (status = 200, description = "Deactivated.", body = UserView),
        (status = 409, description = "You cannot deactivate your own account.", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 412, description = "`If-Match` does not match the current version.", body = crate::error::Problem, content_type = "application/problem+json")
    )
)]
#[post("/{id}/deactivate")]
async fn deactivate_user(
    state: web::Data<AppState>,
    auth: Require<AdminOnly>,
    id: web::Path<Uuid>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let user = set_active(&state.db, &auth, *id, false, if_match(&req)?).await?;
    Ok(with_etag(HttpResponse::Ok(), user.version).json(user))
}

/// Reactivate a user account.
#[utoipa::path(
    operation_id = "activate_user",
    tag = "users",
    params(("id" = Uuid, Path, description = "User id")),
    security(("bearer" = ["admin"])),
    responses(
        (status = 200, description = "Activated.", body = UserView),
        (status = 412, description = "`If-Match` does not match the current version.", body = crate::error::Problem, content_type = "application/problem+json")
    )
)]
#[post("/{id}/activate")]
async fn activate_user(
    state: web::Data<AppState>,
    auth: Require<AdminOnly>,
    id: web::Path<Uuid>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let user = set_active(&state.db, &auth, *id, true, if_match(&req)?).await?;
    Ok(with_etag(HttpResponse::Ok(), user.version).json(user))
}

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(
        utoipa_actix_web::scope("/users")
            .service(create_user)
            .service(list_users)
            .service(get_user)
            .service(deactivate_user)
            .service(activate_user),
    );
}
