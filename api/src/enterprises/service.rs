//! Enterprises of alumni: what makes a sociopreneur (a `social` one) in
//! the figures, instead of guessing from a flag.

use chrono::NaiveDate;
use entity::{enterprises, santri, SantriStatus};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, QueryFilter, QueryOrder, QuerySelect, Set,
};
use uuid::Uuid;

use super::model::{EnterpriseInput, EnterpriseView};
use crate::audit::{self, WriteTx};
use crate::auth::{scope, Caller};
use crate::db;
use crate::error::{ApiError, ApiResult, Code, FieldCode};
use crate::pagination::{Page, PageParams};
use crate::validation::validate;

/// The enterprises of a santri the caller sees, in order of recording.
pub async fn list(
    db: &DatabaseConnection,
    caller: &Caller,
    santri_id: Uuid,
    page: &PageParams,
) -> ApiResult<Page<EnterpriseView>> {
    let limit = page.limit()?;
    scope::load::<santri::Entity>(db, caller, santri_id).await?;
    let mut q = scope::find::<enterprises::Entity>(caller)
        .filter(enterprises::Column::SantriId.eq(santri_id))
        .order_by_asc(enterprises::Column::Id);
    if let Some(after) = page.position::<Uuid>()? {
        q = q.filter(enterprises::Column::Id.gt(after));
    }
    let rows = q.limit(limit + 1).all(db).await?;
    Ok(Page::from_rows(rows, limit, |e| e.id, EnterpriseView::from))
}

/// Records an enterprise of an alumnus: by an admin of the province, the
/// pesantren's manager, or the alumnus themself.
pub async fn create(
    db: &DatabaseConnection,
    caller: &Caller,
    santri_id: Uuid,
    input: EnterpriseInput,
    today: NaiveDate,
) -> ApiResult<EnterpriseView> {
    let owner = scope::load::<santri::Entity>(db, caller, santri_id).await?;
    validate(&input)?;
    if input.started_on > today {
        return Err(ApiError::field("started_on", FieldCode::NotInFuture));
    }
    if owner.status != SantriStatus::Alumni {
        return Err(ApiError::new(Code::EnterpriseNotAlumnus).with("status", owner.status.as_str()));
    }
    let now = db::now();
    let row = enterprises::ActiveModel {
        id: Set(db::new_id()),
        santri_id: Set(owner.id),
        pesantren_id: Set(owner.pesantren_id),
        province_code: Set(owner.province_code.clone()),
        name: Set(input.name.trim().to_string()),
        kind: Set(input.kind),
        started_on: Set(input.started_on),
        description: Set(input
            .description
            .map(|d| d.trim().to_string())
            .filter(|d| !d.is_empty())),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    };
    let mut tx = WriteTx::begin(db, &caller.actor()).await?;
    let saved = EnterpriseView::from(row.insert(&*tx).await?);
    tx.record(audit::Entry {
        action: "create",
        resource_type: "enterprise",
        resource_id: saved.id,
        province_code: Some(saved.province_code.clone()),
        changes: audit::created(&saved),
    })
    .await?;
    tx.commit().await?;
    Ok(saved)
}
