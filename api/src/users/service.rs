//! User accounts: created and deactivated by admins within their province.

use entity::{pesantren, santri, users, Role};
use sea_orm::sea_query::Expr;
use sea_orm::ExprTrait;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use uuid::Uuid;

use super::model::{CreateUser, UserFilter, UserView};
use crate::audit::{self, WriteTx};
use crate::auth::{password, rules, scope, Caller};
use crate::db;
use crate::edit::check_version;
use crate::error::{unique_as, ApiError, ApiResult, Code, FieldCode};
use crate::pagination::{Page, PageParams};

/// Where the new account sits: province, pesantren and santri, checked
/// against the role and the creating admin's own province.
async fn placement(
    db: &DatabaseConnection,
    caller: &Caller,
    body: &CreateUser,
) -> ApiResult<(Option<String>, Option<Uuid>, Option<Uuid>)> {
    let own_province = caller.user().and_then(|u| u.province_code.clone());

    match body.role {
        Role::Admin | Role::Curator | Role::Mentor => {
            if body.pesantren_id.is_some() || body.santri_id.is_some() {
                return Err(ApiError::field("pesantren_id", FieldCode::OmitForStaff));
            }
            // A provincial admin's staff are of its own province; leaving
            // the province out would make them national.
            if own_province.is_some() {
                rules::own_province(caller, body.province_code.as_deref().unwrap_or(""))?;
            }
            Ok((body.province_code.clone(), None, None))
        }
        Role::PesantrenManager => {
            let pid = body
                .pesantren_id
                .ok_or_else(|| ApiError::field("pesantren_id", FieldCode::RequiredForManager))?;
            let p = scope::load::<pesantren::Entity>(db, caller, pid)
                .await
                .map_err(|_| ApiError::field("pesantren_id", FieldCode::NoSuchPesantren))?;
            Ok((Some(p.province_code), Some(p.id), None))
        }
        Role::Santri => {
            let sid = body
                .santri_id
                .ok_or_else(|| ApiError::field("santri_id", FieldCode::RequiredForSantri))?;
            let s = scope::load::<santri::Entity>(db, caller, sid)
                .await
                .map_err(|_| ApiError::field("santri_id", FieldCode::NoSuchSantri))?;
            Ok((Some(s.province_code), Some(s.pesantren_id), Some(s.id)))
        }
    }
}

pub async fn create(
    db: &DatabaseConnection,
    caller: &Caller,
    body: CreateUser,
) -> ApiResult<UserView> {
    crate::validation::validate(&body)?;
    let (province_code, pesantren_id, santri_id) = placement(db, caller, &body).await?;
    let email = crate::text::normalize_email(&body.email);
    let taken = users::Entity::find()
        .filter(users::Column::Email.eq(email.as_str()))
        .one(db)
        .await?
        .is_some();
    if taken {
        return Err(ApiError::new(Code::UserEmailTaken));
    }
    let now = db::now();
    let mut tx = WriteTx::begin(db, &caller.actor()).await?;
    let user = users::ActiveModel {
        id: Set(db::new_id()),
        email: Set(email),
        name: Set(body.name.trim().to_string()),
        password_hash: Set(password::hash_async(&body.password).await?),
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
    .map_err(unique_as(Code::UserEmailTaken))?;
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
        .ok_or_else(|| ApiError::new(Code::UserNoProfile))?;
    users::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(UserView::from)
        .ok_or_else(|| ApiError::new(Code::UserNotFound))
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
        return Err(ApiError::new(Code::UserSelfDeactivation));
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
        return Err(
            ApiError::new(Code::RequestVersionMismatch).with("version", current.version + 1)
        );
    }
    if !active {
        crate::auth::token::revoke_all_for_user(&*tx, id).await?;
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
