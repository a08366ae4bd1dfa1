//! Writing a decision into the review history, and reading one resource's
//! history back.

use std::collections::HashMap;

use entity::{
    certifications, pesantren, products, reviews, users, ReviewDecision, ReviewedResource, Role,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use uuid::Uuid;

use super::model::ReviewView;
use crate::auth::{scope, Caller};
use crate::db;
use crate::error::{ApiError, ApiResult};
use crate::pagination::{Page, PageParams};

/// Keeps `decision` on a resource as a row of its own. It takes the
/// decision's transaction, not a connection, so the row commits or rolls
/// back with the change it describes: a refused or failed decision leaves
/// no trace in the history.
pub async fn record(
    tx: &DatabaseTransaction,
    caller: &Caller,
    resource: ReviewedResource,
    resource_id: Uuid,
    province_code: &str,
    decision: ReviewDecision,
    reason: Option<&str>,
) -> ApiResult<()> {
    // Every decision route admits people only; a decision without one is a
    // programming error, answered 500 and rolled back.
    let role = caller.role().ok_or_else(|| {
        ApiError::internal(anyhow::anyhow!(
            "a {} decision on a {} by a caller who is no user",
            decision,
            resource
        ))
    })?;
    reviews::ActiveModel {
        id: Set(db::new_id()),
        resource_type: Set(resource),
        resource_id: Set(resource_id),
        province_code: Set(province_code.to_string()),
        decision: Set(decision),
        reason: Set(reason.map(str::to_string)),
        actor_id: Set(caller.user_id()),
        actor_role: Set(role),
        created_at: Set(db::now()),
    }
    .insert(tx)
    .await?;
    Ok(())
}

/// Whether the caller sees who decided by name. Curators' names are for
/// the secretariat and the curators themselves: a pesantren's managers
/// (and mentors, who work on the pesantren's side) see the role alone.
fn sees_names(caller: &Caller) -> bool {
    matches!(caller.role(), Some(Role::Admin | Role::Curator))
}

/// The history of a product the caller may read (404 otherwise, as for
/// the product itself).
pub async fn for_product(
    db: &impl ConnectionTrait,
    caller: &Caller,
    id: Uuid,
    page: &PageParams,
) -> ApiResult<Page<ReviewView>> {
    scope::load::<products::Entity>(db, caller, id).await?;
    history(db, caller, ReviewedResource::Product, id, page).await
}

/// The history of a certificate the caller may read.
pub async fn for_certification(
    db: &impl ConnectionTrait,
    caller: &Caller,
    id: Uuid,
    page: &PageParams,
) -> ApiResult<Page<ReviewView>> {
    scope::load::<certifications::Entity>(db, caller, id).await?;
    history(db, caller, ReviewedResource::Certification, id, page).await
}

/// The history of a pesantren whose full record the caller may read (the
/// public profile of a verified pesantren carries no history).
pub async fn for_pesantren(
    db: &impl ConnectionTrait,
    caller: &Caller,
    id: Uuid,
    page: &PageParams,
) -> ApiResult<Page<ReviewView>> {
    scope::load::<pesantren::Entity>(db, caller, id).await?;
    history(db, caller, ReviewedResource::Pesantren, id, page).await
}

/// One resource's decisions, newest first. Ids are UUID v7, so their order
/// is the order of the decisions (timestamps are never compared in SQL:
/// `docs/architecture.md`), and the page is one range of the index on
/// `(resource_type, resource_id, id)`.
async fn history(
    db: &impl ConnectionTrait,
    caller: &Caller,
    resource: ReviewedResource,
    id: Uuid,
    page: &PageParams,
) -> ApiResult<Page<ReviewView>> {
    let limit = page.limit()?;
    let mut q = reviews::Entity::find()
        .filter(reviews::Column::ResourceType.eq(resource))
        .filter(reviews::Column::ResourceId.eq(id));
    if let Some(after) = page.position::<Uuid>()? {
        q = q.filter(reviews::Column::Id.lt(after));
    }
    let rows = q
        .order_by_desc(reviews::Column::Id)
        .limit(limit + 1)
        .all(db)
        .await?;
    // Names are read now, not copied into the row: the history shows an
    // account as it is named today.
    let names: HashMap<Uuid, String> = if sees_names(caller) {
        let mut ids: Vec<Uuid> = rows.iter().filter_map(|r| r.actor_id).collect();
        ids.sort_unstable();
        ids.dedup();
        if ids.is_empty() {
            HashMap::new()
        } else {
            users::Entity::find()
                .select_only()
                .column(users::Column::Id)
                .column(users::Column::Name)
                .filter(users::Column::Id.is_in(ids))
                .into_tuple::<(Uuid, String)>()
                .all(db)
                .await?
                .into_iter()
                .collect()
        }
    } else {
        HashMap::new()
    };
    Ok(Page::from_rows(
        rows,
        limit,
        |r| r.id,
        |r| ReviewView {
            at: r.created_at,
            decision: r.decision,
            reason: r.reason,
            by_role: r.actor_role,
            by_name: r.actor_id.and_then(|a| names.get(&a).cloned()),
        },
    ))
}
