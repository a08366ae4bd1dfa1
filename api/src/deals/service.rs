//! Deals of business matchings and expos: recorded confirmed by staff,
//! reported by managers and counted once staff confirm them.

use entity::{activities, deals, pesantren, products, DealStatus, Role};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use uuid::Uuid;

use super::model::{DealFilter, DealInput, DealView};
use crate::activities::status;
use crate::audit::{self, WriteTx};
use crate::auth::{scope, Caller};
use crate::db;
use crate::edit::check_version;
use crate::error::{ApiError, ApiResult, Code, FieldCode};
use crate::pagination::{Page, PageParams};
use crate::validation::validate;

/// The deals of an activity the caller sees: all for its staff, their own
/// pesantren's for a manager. In order of recording.
pub async fn list(
    db: &DatabaseConnection,
    caller: &Caller,
    activity_id: Uuid,
    filter: &DealFilter,
    page: &PageParams,
) -> ApiResult<Page<DealView>> {
    let limit = page.limit()?;
    scope::load::<activities::Entity>(db, caller, activity_id).await?;
    let mut q = scope::find::<deals::Entity>(caller)
        .filter(deals::Column::ActivityId.eq(activity_id))
        .order_by_asc(deals::Column::Id);
    if let Some(s) = filter.status {
        q = q.filter(deals::Column::Status.eq(s));
    }
    if let Some(p) = filter.pesantren_id {
        q = q.filter(deals::Column::PesantrenId.eq(p));
    }
    if let Some(after) = page.position::<Uuid>()? {
        q = q.filter(deals::Column::Id.gt(after));
    }
    let rows = q.limit(limit + 1).all(db).await?;
    Ok(Page::from_rows(rows, limit, |d| d.id, DealView::from))
}

pub async fn get(db: &DatabaseConnection, caller: &Caller, id: Uuid) -> ApiResult<DealView> {
    Ok(scope::load::<deals::Entity>(db, caller, id).await?.into())
}

/// Records a deal on a business matching or expo that was not cancelled.
/// Staff record it `confirmed`; a manager's is `reported` until staff
/// confirm it.
pub async fn record(
    db: &DatabaseConnection,
    caller: &Caller,
    activity_id: Uuid,
    input: DealInput,
) -> ApiResult<DealView> {
    validate(&input)?;
    let activity = scope::load::<activities::Entity>(db, caller, activity_id).await?;
    if !activity.kind.takes_deals() {
        return Err(ApiError::new(Code::DealActivityKind).with("kind", activity.kind.as_str()));
    }
    status::takes_deals(activity.status)?;
    let seller = scope::load::<pesantren::Entity>(db, caller, input.pesantren_id)
        .await
        .map_err(|_| ApiError::field("pesantren_id", FieldCode::NoSuchPesantren))?;
    if seller.province_code != activity.province_code {
        return Err(ApiError::field("pesantren_id", FieldCode::WithinProvince));
    }
    if let Some(pid) = input.product_id {
        let of_seller = products::Entity::find_by_id(pid)
            .filter(products::Column::PesantrenId.eq(seller.id))
            .one(db)
            .await?;
        if of_seller.is_none() {
            return Err(ApiError::field("product_id", FieldCode::NoSuchProduct));
        }
    }
    let by_staff = matches!(caller.role(), Some(Role::Admin | Role::Curator));
    let now = db::now();
    let row = deals::ActiveModel {
        id: Set(db::new_id()),
        activity_id: Set(activity.id),
        pesantren_id: Set(seller.id),
        province_code: Set(seller.province_code.clone()),
        buyer_name: Set(input.buyer_name.trim().to_string()),
        buyer_kind: Set(input.buyer_kind),
        product_id: Set(input.product_id),
        value_idr: Set(input.value_idr),
        kind: Set(input.kind),
        signed_on: Set(input.signed_on),
        status: Set(if by_staff {
            DealStatus::Confirmed
        } else {
            DealStatus::Reported
        }),
        reported_by: Set(caller.user_id()),
        confirmed_by: Set(by_staff.then(|| caller.user_id()).flatten()),
        confirmed_at: Set(by_staff.then_some(now)),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    };
    let mut tx = WriteTx::begin(db, &caller.actor()).await?;
    let saved = DealView::from(row.insert(&*tx).await?);
    tx.record(audit::Entry {
        action: if by_staff { "record" } else { "report" },
        resource_type: "deal",
        resource_id: saved.id,
        province_code: Some(saved.province_code.clone()),
        changes: audit::created(&saved),
    })
    .await?;
    tx.commit().await?;
    Ok(saved)
}

/// Confirms a reported deal: from then on it counts.
pub async fn confirm(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
    expected_version: Option<i32>,
) -> ApiResult<DealView> {
    let current = scope::load::<deals::Entity>(db, caller, id).await?;
    check_version(expected_version, current.version)?;
    if current.status == DealStatus::Confirmed {
        return Err(ApiError::new(Code::DealAlreadyConfirmed));
    }
    let activity = activities::Entity::find_by_id(current.activity_id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::new(Code::ActivityNotFound))?;
    status::takes_deals(activity.status)?;
    let before = DealView::from(current.clone());
    let now = db::now();
    let row = deals::ActiveModel {
        status: Set(DealStatus::Confirmed),
        confirmed_by: Set(caller.user_id()),
        confirmed_at: Set(Some(now)),
        updated_at: Set(now),
        version: Set(current.version + 1),
        ..Default::default()
    };
    let mut tx = WriteTx::begin(db, &caller.actor()).await?;
    scope::update_if_version::<deals::Entity>(&*tx, id, current.version, row).await?;
    let after = DealView::from(
        deals::Entity::find_by_id(id)
            .one(&*tx)
            .await?
            .ok_or_else(|| ApiError::new(Code::DealNotFound))?,
    );
    tx.record(audit::Entry {
        action: "confirm",
        resource_type: "deal",
        resource_id: id,
        province_code: Some(after.province_code.clone()),
        changes: audit::diff(&before, &after),
    })
    .await?;
    tx.commit().await?;
    Ok(after)
}
