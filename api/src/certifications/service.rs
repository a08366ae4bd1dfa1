//! Certificates of a product (halal, P-IRT, BPOM, SNI, trademark): added by
//! the pesantren as `pending`, verified or rejected by curators and admins
//! of its province. A halal certificate decides publication for food,
//! beverage, herbal and cosmetics, so every write here ends with the
//! product's change-feed sync in the same transaction.

use entity::{certifications, products, CertificationStatus, CertificationType, ReviewedResource};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use uuid::Uuid;

use super::model::{CertificationFilter, CertificationInput, CertificationView, Position};
use super::review::{self, Action};
use crate::audit;
use crate::auth::{rules, scope, Caller};
use crate::db;
use crate::edit::{check_version, Edit};
use crate::error::{unique_as, ApiError, ApiResult, Code, FieldCode, FieldError};
use crate::feed;
use crate::pagination::{Page, PageParams};
use crate::publication;
use crate::reviews;
use crate::validation::validate;

fn duplicate() -> ApiError {
    ApiError::new(Code::CertificationTaken)
}

fn render(c: certifications::Model) -> CertificationView {
    CertificationView::new(c, publication::today())
}

async fn taken(
    db: &impl ConnectionTrait,
    product_id: Uuid,
    t: CertificationType,
    number: &str,
    except: Option<Uuid>,
) -> ApiResult<bool> {
    let mut q = certifications::Entity::find()
        .filter(certifications::Column::ProductId.eq(product_id))
        .filter(certifications::Column::CertType.eq(t))
        .filter(certifications::Column::Number.eq(number));
    if let Some(id) = except {
        q = q.filter(certifications::Column::Id.ne(id));
    }
    Ok(q.one(db).await?.is_some())
}

async fn reload(db: &impl ConnectionTrait, id: Uuid) -> ApiResult<CertificationView> {
    certifications::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(render)
        .ok_or_else(|| ApiError::new(Code::CertificationNotFound))
}

/// Adds a certificate to a product the caller may manage, as `pending`.
pub async fn create(
    db: &DatabaseConnection,
    caller: &Caller,
    product_id: Uuid,
    input: CertificationInput,
) -> ApiResult<CertificationView> {
    let product = scope::load::<products::Entity>(db, caller, product_id).await?;
    validate(&input)?;
    let number = input.number();
    if taken(db, product.id, input.cert_type, &number, None).await? {
        return Err(duplicate());
    }
    let now = db::now();
    let mut row = certifications::ActiveModel {
        id: Set(db::new_id()),
        product_id: Set(product.id),
        pesantren_id: Set(product.pesantren_id),
        province_code: Set(product.province_code.clone()),
        status: Set(CertificationStatus::Pending),
        rejection_reason: Set(None),
        verified_by: Set(None),
        verified_at: Set(None),
        created_by: Set(caller.user_id()),
        edited_by: Set(caller.user_id()),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
        ..Default::default()
    };
    input.apply(number, &mut row);
    let mut tx = feed::begin(db, &caller.actor()).await?;
    let saved = row
        .insert(&*tx)
        .await
        .map_err(unique_as(Code::CertificationTaken))?;
    // A pending certificate changes no publication, but the catalogue's
    // certification summary lists what a product holds.
    feed::sync_product(&tx, product.id).await?;
    let result = render(saved);
    tx.record(audit::Entry {
        action: "create",
        resource_type: "certification",
        resource_id: result.id,
        province_code: Some(result.province_code.clone()),
        changes: audit::created(&result),
    })
    .await?;
    tx.commit().await?;
    Ok(result)
}

pub async fn get(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
) -> ApiResult<CertificationView> {
    scope::load::<certifications::Entity>(db, caller, id)
        .await
        .map(render)
}

/// Corrects a certificate (`PUT` or `PATCH`). Whatever its state, it goes
/// back to `pending`: a curator verified what was there before, not what
/// is there now.
pub async fn update(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
    edit: Edit<CertificationInput>,
    expected_version: Option<i32>,
) -> ApiResult<CertificationView> {
    let current = scope::load::<certifications::Entity>(db, caller, id).await?;
    let input = edit.resolve(&render(current.clone()))?;
    validate(&input)?;
    let number = input.number();
    check_version(expected_version, current.version)?;
    if taken(db, current.product_id, input.cert_type, &number, Some(id)).await? {
        return Err(duplicate());
    }
    let before = render(current.clone());
    let mut row = certifications::ActiveModel {
        status: Set(CertificationStatus::Pending),
        rejection_reason: Set(None),
        verified_by: Set(None),
        verified_at: Set(None),
        edited_by: Set(caller.user_id()),
        updated_at: Set(db::now()),
        version: Set(current.version + 1),
        ..Default::default()
    };
    input.apply(number, &mut row);
    let mut tx = feed::begin(db, &caller.actor()).await?;
    scope::update_if_version::<certifications::Entity>(&*tx, id, current.version, row)
        .await
        .map_err(|e| match e.code() {
            Code::UniqueTaken => duplicate(),
            _ => e,
        })?;
    feed::sync_product(&tx, current.product_id).await?;
    let after = reload(&*tx, id).await?;
    tx.record(audit::Entry {
        action: "update",
        resource_type: "certification",
        resource_id: id,
        province_code: Some(after.province_code.clone()),
        changes: audit::diff(&before, &after),
    })
    .await?;
    tx.commit().await?;
    Ok(after)
}

pub async fn remove(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
    expected_version: Option<i32>,
) -> ApiResult<()> {
    let current = scope::load::<certifications::Entity>(db, caller, id).await?;
    check_version(expected_version, current.version)?;
    let mut tx = feed::begin(db, &caller.actor()).await?;
    scope::delete_if_version::<certifications::Entity>(&*tx, id, current.version).await?;
    feed::sync_product(&tx, current.product_id).await?;
    tx.record(audit::Entry {
        action: "delete",
        resource_type: "certification",
        resource_id: id,
        province_code: Some(current.province_code.clone()),
        changes: audit::created(&render(current)),
    })
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Verifies or rejects a certificate: curators and admins of its province,
/// never on a product they created themselves, and never an expired one.
pub async fn act(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
    action: Action,
    reason: Option<String>,
    expected_version: Option<i32>,
) -> ApiResult<CertificationView> {
    let current = scope::load::<certifications::Entity>(db, caller, id).await?;
    check_version(expected_version, current.version)?;
    let product = products::Entity::find_by_id(current.product_id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::new(Code::CertificationNotFound))?;
    rules::not_own_work(
        caller,
        &[product.created_by, current.created_by, current.edited_by],
        Code::CertificationOwnWork,
    )?;
    let status = review::next(current.status, action)?;
    let today = publication::today();
    if action == Action::Verify {
        if let Some(expired) = current.expires_on.filter(|d| *d < today) {
            return Err(ApiError::new(Code::CertificationExpired).with("date", expired.to_string()));
        }
    }
    let now = db::now();
    let row = certifications::ActiveModel {
        status: Set(status),
        rejection_reason: Set(reason.clone()),
        verified_by: Set(caller.user_id()),
        verified_at: Set(Some(now)),
        updated_at: Set(now),
        version: Set(current.version + 1),
        ..Default::default()
    };
    let before = render(current.clone());
    let mut tx = feed::begin(db, &caller.actor()).await?;
    scope::update_if_version::<certifications::Entity>(&*tx, id, current.version, row).await?;
    feed::sync_product(&tx, current.product_id).await?;
    let after = reload(&*tx, id).await?;
    reviews::service::record(
        &tx,
        caller,
        ReviewedResource::Certification,
        id,
        &after.province_code,
        action.decision(),
        reason.as_deref(),
    )
    .await?;
    tx.record(audit::Entry {
        action: action.verb(),
        resource_type: "certification",
        resource_id: id,
        province_code: Some(after.province_code.clone()),
        changes: audit::diff(&before, &after),
    })
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// Certificates in the caller's scope, newest first, or soonest to expire
/// first when `expiring_within_days` is given.
pub async fn list(
    db: &DatabaseConnection,
    caller: &Caller,
    filter: &CertificationFilter,
    page: &PageParams,
) -> ApiResult<Page<CertificationView>> {
    let limit = page.limit()?;
    let today = publication::today();
    let mut q = scope::find::<certifications::Entity>(caller);
    if let Some(s) = filter.status {
        q = q.filter(certifications::Column::Status.eq(s));
    }
    if let Some(t) = filter.cert_type {
        q = q.filter(certifications::Column::CertType.eq(t));
    }
    if let Some(p) = filter.product_id {
        q = q.filter(certifications::Column::ProductId.eq(p));
    }
    if let Some(p) = filter.pesantren_id {
        q = q.filter(certifications::Column::PesantrenId.eq(p));
    }
    match filter.expired {
        Some(true) => q = q.filter(certifications::Column::ExpiresOn.lt(today)),
        Some(false) => {
            q = q.filter(
                Condition::any()
                    .add(certifications::Column::ExpiresOn.is_null())
                    .add(certifications::Column::ExpiresOn.gte(today)),
            )
        }
        None => {}
    }
    let by_expiry = match filter.expiring_within_days {
        Some(days) if days > 3650 => {
            return Err(ApiError::validation(vec![FieldError::new(
                "expiring_within_days",
                FieldCode::RangeBetween,
            )
            .with("min", 0)
            .with("max", 3650)]))
        }
        Some(days) => {
            let until = today + chrono::Days::new(u64::from(days));
            q = q
                .filter(certifications::Column::ExpiresOn.gte(today))
                .filter(certifications::Column::ExpiresOn.lte(until));
            true
        }
        None => false,
    };
    if let Some(pos) = page.position::<Position>()? {
        q = match (by_expiry, pos.e) {
            (true, Some(e)) => q.filter(
                Condition::any()
                    .add(certifications::Column::ExpiresOn.gt(e))
                    .add(
                        Condition::all()
                            .add(certifications::Column::ExpiresOn.eq(e))
                            .add(certifications::Column::Id.gt(pos.id)),
                    ),
            ),
            (false, None) => q.filter(certifications::Column::Id.lt(pos.id)),
            _ => return Err(ApiError::new(Code::CursorOtherOrder)),
        };
    }
    q = if by_expiry {
        q.order_by_asc(certifications::Column::ExpiresOn)
            .order_by_asc(certifications::Column::Id)
    } else {
        q.order_by_desc(certifications::Column::Id)
    };
    let rows = q.limit(limit + 1).all(db).await?;
    Ok(Page::from_rows(
        rows,
        limit,
        |c| Position {
            e: if by_expiry { c.expires_on } else { None },
            id: c.id,
        },
        |c| CertificationView::new(c, today),
    ))
}

/// Every certificate of one product the caller may see, newest first.
pub async fn list_for_product(
    db: &DatabaseConnection,
    caller: &Caller,
    product_id: Uuid,
    page: &PageParams,
) -> ApiResult<Page<CertificationView>> {
    scope::load::<products::Entity>(db, caller, product_id).await?;
    let filter = CertificationFilter {
        product_id: Some(product_id),
        ..Default::default()
    };
    list(db, caller, &filter, page).await
}
