//! E-commerce partners: machine clients created by a national admin.

use entity::partners;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use uuid::Uuid;

use super::model::{CreatePartner, CreatedPartner, PartnerView};
use crate::audit::{self, WriteTx};
use crate::auth::{password, Caller};
use crate::db;
use crate::error::{unique_as, ApiError, ApiResult, Code};
use crate::pagination::{Page, PageParams};
use crate::validation::validate;

pub async fn create(
    db: &DatabaseConnection,
    caller: &Caller,
    body: CreatePartner,
) -> ApiResult<CreatedPartner> {
    validate(&body)?;
    if !caller.is_national_admin() {
        return Err(ApiError::new(Code::PartnerNationalOnly));
    }
    let taken = partners::Entity::find()
        .filter(partners::Column::Code.eq(body.code.as_str()))
        .one(db)
        .await?
        .is_some();
    if taken {
        return Err(ApiError::new(Code::PartnerCodeTaken));
    }
    let secret = password::random_secret(40);
    let client_id = format!(
        "{}-{}",
        body.code,
        password::random_secret(12).to_lowercase()
    );
    let now = db::now();
    let mut tx = WriteTx::begin(db, &caller.actor()).await?;
    let partner = partners::ActiveModel {
        id: Set(db::new_id()),
        name: Set(body.name.trim().to_string()),
        code: Set(body.code.clone()),
        client_id: Set(client_id),
        client_secret_hash: Set(password::hash_async(&secret).await?),
        webhook_url: Set(None),
        webhook_secret: Set(None),
        is_active: Set(true),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    }
    .insert(&*tx)
    .await
    .map_err(unique_as(Code::PartnerCodeTaken))?;
    let view = PartnerView::from(partner);
    tx.record(audit::Entry {
        action: "create",
        resource_type: "partner",
        resource_id: view.id,
        province_code: None,
        changes: audit::created(&view),
    })
    .await?;
    tx.commit().await?;
    Ok(CreatedPartner {
        partner: view,
        client_secret: secret,
    })
}

pub async fn list(db: &DatabaseConnection, page: &PageParams) -> ApiResult<Page<PartnerView>> {
    let limit = page.limit()?;
    let mut q = partners::Entity::find().order_by_asc(partners::Column::Id);
    if let Some(after) = page.position::<Uuid>()? {
        q = q.filter(partners::Column::Id.gt(after));
    }
    let rows = q.limit(limit + 1).all(db).await?;
    Ok(Page::from_rows(rows, limit, |p| p.id, PartnerView::from))
}
