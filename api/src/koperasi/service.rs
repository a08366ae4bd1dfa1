//! Koperasi pondok pesantren (kopontren): the cooperative through which a
//! pesantren sells.

use std::collections::HashSet;

use entity::{koperasi, pesantren, PesantrenStatus};
use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use uuid::Uuid;

use super::model::{CreateKoperasi, KoperasiFilter, KoperasiView, Shown, UpdateKoperasi};
use crate::audit::{self, WriteTx};
use crate::auth::{scope, Caller};
use crate::db;
use crate::edit::{check_version, Edit};
use crate::error::{ApiError, ApiResult, Code, FieldCode};
use crate::ids;
use crate::pagination::{Page, PageParams};
use crate::validation::validate;

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
    ApiError::new(Code::KoperasiOnePerPesantren).with("existing", existing.to_string())
}

fn nib_taken() -> ApiError {
    ApiError::new(Code::KoperasiNibTaken)
}

/// Turns a unique violation of the database (a race the checks before the
/// write could not see) into the conflict it means.
fn map_unique(e: sea_orm::DbErr) -> ApiError {
    match e.sql_err() {
        Some(sea_orm::SqlErr::UniqueConstraintViolation(msg)) if msg.contains("nib") => nib_taken(),
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => {
            ApiError::new(Code::KoperasiAlreadyExists)
        }
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
    validate(&body)?;
    let owner = match scope::load::<pesantren::Entity>(db, caller, body.pesantren_id).await {
        Ok(p) => p,
        Err(e) if e.code() == Code::PesantrenNotFound => {
            return Err(ApiError::field("pesantren_id", FieldCode::NoSuchPesantren))
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
        if ids::validate_province_code(p).is_err() {
            return Err(ApiError::field("province_code", FieldCode::ProvinceCode));
        }
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
        .ok_or_else(|| ApiError::new(Code::KoperasiNotFound))
}

/// Replaces (`PUT`) or patches (`PATCH`) the writable fields of a koperasi.
pub async fn update(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
    edit: Edit<UpdateKoperasi>,
    expected_version: Option<i32>,
) -> ApiResult<KoperasiView> {
    let current = scope::load::<koperasi::Entity>(db, caller, id).await?;
    let body = edit.resolve(&KoperasiView::full(current.clone()))?;
    validate(&body)?;
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
        .map_err(|e| match e.code() {
            Code::UniqueTaken => nib_taken(),
            _ => e,
        })?;
    let after = KoperasiView::full(
        koperasi::Entity::find_by_id(id)
            .one(&*tx)
            .await?
            .ok_or_else(|| ApiError::new(Code::KoperasiNotFound))?,
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
