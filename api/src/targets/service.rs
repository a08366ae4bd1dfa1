//! The programme's targets per province and year. The figures compare
//! against them; the deployment's configured targets are only the
//! national default (see `stats::service`).

use entity::targets;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};

use super::model::{TargetsFilter, TargetsInput, TargetsView};
use crate::activities::model::YEARS;
use crate::activities::service::year_error;
use crate::audit::{self, WriteTx};
use crate::auth::{rules, scope, Caller};
use crate::db;
use crate::edit::{check_version, Edit};
use crate::error::{ApiError, ApiResult, Code, FieldCode, FieldError};
use crate::ids;
use crate::pagination::{Page, PageParams};
use crate::validation::validate;

/// A province that exists and a year of the programme, or 422 naming them.
pub fn check_place(province_code: &str, year: i32) -> ApiResult<()> {
    let mut errors = Vec::new();
    if ids::validate_province_code(province_code).is_err() {
        errors.push(FieldError::new("province_code", FieldCode::ProvinceCode));
    }
    if !YEARS.contains(&year) {
        errors.push(year_error());
    }
    ApiError::check(errors)
}

/// The targets of `province_code` for `year`, if set.
pub async fn of(
    db: &impl ConnectionTrait,
    province_code: &str,
    year: i32,
) -> ApiResult<Option<targets::Model>> {
    Ok(targets::Entity::find()
        .filter(targets::Column::ProvinceCode.eq(province_code))
        .filter(targets::Column::Year.eq(year))
        .one(db)
        .await?)
}

/// Every province's targets for `year`, among those `caller` sees.
pub async fn of_year(
    db: &impl ConnectionTrait,
    caller: &Caller,
    year: i32,
) -> ApiResult<Vec<targets::Model>> {
    Ok(scope::find::<targets::Entity>(caller)
        .filter(targets::Column::Year.eq(year))
        .all(db)
        .await?)
}

fn apply(input: &TargetsInput, row: &mut targets::ActiveModel) {
    row.verified_pesantren = Set(input.verified_pesantren);
    row.flagship_products = Set(input.flagship_products);
    row.santripreneurs = Set(input.santripreneurs);
    row.sociopreneurs = Set(input.sociopreneurs);
    row.trained_santri = Set(input.trained_santri);
    row.deal_value_idr = Set(input.deal_value_idr);
}

/// Sets (`PUT`) or changes (`PATCH`) the targets of a province and year,
/// by an admin of that province or a national admin. Answers the targets
/// and whether they were new.
pub async fn put(
    db: &DatabaseConnection,
    caller: &Caller,
    province_code: &str,
    year: i32,
    edit: Edit<TargetsInput>,
    expected_version: Option<i32>,
) -> ApiResult<(TargetsView, bool)> {
    check_place(province_code, year)?;
    rules::own_province(caller, province_code)?;
    let current = of(db, province_code, year).await?;
    let before = current.clone().map(TargetsView::from);
    let input = match (&before, edit) {
        (Some(b), edit) => edit.resolve(b)?,
        (None, Edit::Patch(_)) => return Err(ApiError::new(Code::TargetNotFound)),
        (None, Edit::Input(i)) => i,
        (None, Edit::Replace(v)) => crate::validation::parse_value::<TargetsInput>(v)?,
    };
    validate(&input)?;
    match &current {
        Some(c) => check_version(expected_version, c.version)?,
        // `If-Match` names a version of targets that do not exist yet.
        None if expected_version.is_some() => {
            return Err(ApiError::new(Code::RequestVersionMismatch).with("version", 0))
        }
        None => {}
    }
    let now = db::now();
    let mut tx = WriteTx::begin(db, &caller.actor()).await?;
    let after = match &current {
        Some(current) => {
            let mut row = targets::ActiveModel {
                updated_by: Set(caller.user_id()),
                updated_at: Set(now),
                version: Set(current.version + 1),
                ..Default::default()
            };
            apply(&input, &mut row);
            scope::update_if_version::<targets::Entity>(&*tx, current.id, current.version, row)
                .await?;
            targets::Entity::find_by_id(current.id)
                .one(&*tx)
                .await?
                .ok_or_else(|| ApiError::new(Code::TargetNotFound))?
        }
        None => {
            let mut row = targets::ActiveModel {
                id: Set(db::new_id()),
                province_code: Set(province_code.to_string()),
                year: Set(year),
                updated_by: Set(caller.user_id()),
                created_at: Set(now),
                updated_at: Set(now),
                version: Set(1),
                ..Default::default()
            };
            apply(&input, &mut row);
            row.insert(&*tx).await.map_err(|e| match e.sql_err() {
                // Another admin set them in between: theirs stand, and this
                // write, made without seeing them, is refused as stale.
                Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => {
                    ApiError::new(Code::RequestVersionMismatch).with("version", 1)
                }
                _ => e.into(),
            })?
        }
    };
    let after = TargetsView::from(after);
    let created = before.is_none();
    tx.record(audit::Entry {
        action: if created { "create" } else { "update" },
        resource_type: "targets",
        resource_id: after.id,
        province_code: Some(after.province_code.clone()),
        changes: match &before {
            Some(b) => audit::diff(b, &after),
            None => audit::created(&after),
        },
    })
    .await?;
    tx.commit().await?;
    Ok((after, created))
}

/// The targets the caller sees, by province then year.
pub async fn list(
    db: &DatabaseConnection,
    caller: &Caller,
    filter: &TargetsFilter,
    page: &PageParams,
) -> ApiResult<Page<TargetsView>> {
    let limit = page.limit()?;
    let mut q = scope::find::<targets::Entity>(caller).order_by_asc(targets::Column::Id);
    if let Some(p) = &filter.province_code {
        if ids::validate_province_code(p).is_err() {
            return Err(ApiError::field("province_code", FieldCode::ProvinceCode));
        }
        q = q.filter(targets::Column::ProvinceCode.eq(p.as_str()));
    }
    if let Some(y) = filter.year {
        q = q.filter(targets::Column::Year.eq(y));
    }
    if let Some(after) = page.position::<uuid::Uuid>()? {
        q = q.filter(targets::Column::Id.gt(after));
    }
    let rows = q.limit(limit + 1).all(db).await?;
    Ok(Page::from_rows(rows, limit, |t| t.id, TargetsView::from))
}
