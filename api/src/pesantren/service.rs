//! Pesantren: the register's unit. Admins create and verify them, managers
//! keep their own profile, anyone may register one online, and the public
//! sees verified pesantren through a reduced view.

use entity::{
    activity_participants, certifications, deals, enterprises, koperasi, mentor_assignments,
    mentoring_sessions, orders, pesantren, product_images, products, santri, users,
    PesantrenStatus, ReviewedResource, Role,
};
use sea_orm::sea_query::{Expr, LikeExpr};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, ExprTrait,
    QueryFilter, QueryOrder, QuerySelect, Set, TryInsertResult,
};
use uuid::Uuid;

use super::model::{
    PesantrenFilter, PesantrenInput, PesantrenResponse, PesantrenView, RegisteredManager,
    Registration, RegistrationRequest,
};
use super::status;
use crate::audit::{self, WriteTx};
use crate::auth::{password, rules, scope, Caller};
use crate::db;
use crate::edit::{check_version, Edit};
use crate::error::{unique_as, ApiError, ApiResult, Code};
use crate::feed;
use crate::pagination::{Page, PageParams};
use crate::reviews;
use crate::users::UserView;
use crate::validation::validate;

fn duplicate_nspp() -> ApiError {
    ApiError::new(Code::PesantrenNsppTaken)
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

pub async fn create(
    db: &DatabaseConnection,
    caller: &Caller,
    input: PesantrenInput,
) -> ApiResult<PesantrenView> {
    validate(&input)?;
    rules::own_province(caller, &input.province_code)?;
    if nspp_taken(db, &input.nspp, None).await? {
        return Err(duplicate_nspp());
    }
    let mut tx = WriteTx::begin(db, &caller.actor()).await?;
    let row = new_row(&input, PesantrenStatus::Registered)
        .insert(&*tx)
        .await
        .map_err(unique_as(Code::PesantrenNsppTaken))?;
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
        Some(Role::Admin | Role::Curator | Role::PesantrenManager | Role::Mentor)
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
        .ok_or_else(|| ApiError::new(Code::PesantrenNotFound))
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
    carry!(
        santri,
        koperasi,
        orders,
        users,
        products,
        certifications,
        product_images,
        activity_participants,
        deals,
        mentor_assignments,
        mentoring_sessions,
        enterprises
    );
    Ok(())
}

/// Replaces (`PUT`) or patches (`PATCH`) a pesantren's profile.
pub async fn update(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
    edit: Edit<PesantrenInput>,
    expected_version: Option<i32>,
) -> ApiResult<PesantrenView> {
    let current = scope::load::<pesantren::Entity>(db, caller, id).await?;
    let input = edit.resolve(&PesantrenView::from(current.clone()))?;
    validate(&input)?;
    check_version(expected_version, current.version)?;
    let moves = input.province_code != current.province_code
        || input.regency_code != current.regency_code
        || input.nspp != current.nspp;
    if moves && caller.role() != Some(Role::Admin) {
        return Err(ApiError::new(Code::PesantrenMoveForbidden));
    }
    rules::own_province(caller, &input.province_code)?;
    if input.nspp != current.nspp && nspp_taken(db, &input.nspp, Some(id)).await? {
        return Err(duplicate_nspp());
    }
    let before = PesantrenView::from(current.clone());
    let mut row = new_row(&input, current.status);
    row.id = Set(id);
    row.created_at = Set(current.created_at);
    row.verified_at = Set(current.verified_at);
    row.version = Set(current.version + 1);
    let mut tx = feed::begin(db, &caller.actor()).await?;
    scope::update_if_version::<pesantren::Entity>(&*tx, id, current.version, row)
        .await
        .map_err(|e| match e.code() {
            Code::UniqueTaken => duplicate_nspp(),
            _ => e,
        })?;
    if input.province_code != current.province_code {
        move_province(&*tx, id, &input.province_code).await?;
    }
    // Its name and region are part of every product's catalogue view.
    feed::sync_pesantren(&tx, id).await?;
    let after = PesantrenView::from(
        pesantren::Entity::find_by_id(id)
            .one(&*tx)
            .await?
            .ok_or_else(|| ApiError::new(Code::PesantrenNotFound))?,
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

/// Moves a pesantren to `to`, as [`status::next`] allows. Verifying
/// publishes its approved products; suspending withdraws them.
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
    let to = status::next(current.status, to)?;
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
    let mut tx = feed::begin(db, &caller.actor()).await?;
    scope::update_if_version::<pesantren::Entity>(&*tx, id, current.version, changes).await?;
    feed::sync_pesantren(&tx, id).await?;
    let after = PesantrenView::from(
        pesantren::Entity::find_by_id(id)
            .one(&*tx)
            .await?
            .ok_or_else(|| ApiError::new(Code::PesantrenNotFound))?,
    );
    let decision = status::decision(to).ok_or_else(|| {
        ApiError::internal(anyhow::anyhow!(
            "a pesantren moved to `{to}`, which is no decision"
        ))
    })?;
    reviews::service::record(
        &tx,
        caller,
        ReviewedResource::Pesantren,
        id,
        &after.province_code,
        decision,
        reason.as_deref(),
    )
    .await?;
    let mut diff = audit::diff(&before, &after);
    if let (Some(reason), Some(obj)) = (reason, diff.as_object_mut()) {
        obj.insert("reason".into(), serde_json::Value::String(reason));
    }
    tx.record(audit::Entry {
        action: status::action(to),
        resource_type: "pesantren",
        resource_id: id,
        province_code: Some(after.province_code.clone()),
        changes: diff,
    })
    .await?;
    tx.commit().await?;
    Ok(after)
}

pub async fn register(
    db: &DatabaseConnection,
    caller: &Caller,
    body: RegistrationRequest,
) -> ApiResult<Registration> {
    validate(&body)?;
    if nspp_taken(db, &body.pesantren.nspp, None).await? {
        return Err(duplicate_nspp());
    }
    let email = crate::text::normalize_email(&body.manager.email);
    // Hashed whether or not the email is free, so that both answers take
    // as long.
    let password_hash = password::hash_async(&body.manager.password).await?;
    let mut tx = WriteTx::begin(db, &caller.actor()).await?;
    let p = new_row(&body.pesantren, PesantrenStatus::Registered)
        .insert(&*tx)
        .await
        .map_err(unique_as(Code::PesantrenNsppTaken))?;
    let now = db::now();
    let manager_id = db::new_id();
    // An email that already has an account gets no second one, and no
    // different answer: a conflict on the email inserts nothing, in the
    // same transaction, also when two registrations race.
    let inserted = users::Entity::insert(users::ActiveModel {
        id: Set(manager_id),
        email: Set(email.clone()),
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
    })
    .on_conflict_do_nothing_on([users::Column::Email])
    .exec_without_returning(&*tx)
    .await?;
    let created = matches!(inserted, TryInsertResult::Inserted(1));
    let pesantren = PesantrenView::from(p);
    tx.record(audit::Entry {
        action: "register",
        resource_type: "pesantren",
        resource_id: pesantren.id,
        province_code: Some(pesantren.province_code.clone()),
        changes: audit::created(&pesantren),
    })
    .await?;
    let account = users::Entity::find()
        .filter(users::Column::Email.eq(email.as_str()))
        .one(&*tx)
        .await?
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("the manager's account is gone")))?;
    if created {
        tx.record(audit::Entry {
            action: "register",
            resource_type: "user",
            resource_id: account.id,
            province_code: Some(pesantren.province_code.clone()),
            changes: audit::created(&UserView::from(account)),
        })
        .await?;
    } else {
        // For the admins who verify the pesantren: it has no manager yet,
        // because the email named one who already had an account.
        tx.record(audit::Entry {
            action: "register_email_taken",
            resource_type: "user",
            resource_id: account.id,
            province_code: Some(pesantren.province_code.clone()),
            changes: serde_json::json!({"pesantren_id": pesantren.id}),
        })
        .await?;
    }
    tx.commit().await?;
    let manager = RegisteredManager {
        email,
        name: body.manager.name.trim().to_string(),
        role: Role::PesantrenManager,
        province_code: pesantren.province_code.clone(),
        pesantren_id: pesantren.id,
    };
    Ok(Registration { pesantren, manager })
}
