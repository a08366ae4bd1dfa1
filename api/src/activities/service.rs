//! Programme activities: created and run by the staff of their province,
//! seen by the managers of that province, public ones listed for everyone.

use std::collections::HashMap;

use chrono::NaiveDate;
use entity::{activities, deals, ActivityStatus, DealStatus};
use sea_orm::sea_query::{Alias, Expr};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait,
    ExprTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use uuid::Uuid;

use super::model::{
    ActivityFilter, ActivityInput, ActivityView, EventFilter, EventView, Position, YEARS,
};
use super::status::{self, Action};
use crate::audit::{self, WriteTx};
use crate::auth::{rules, scope, Caller};
use crate::db;
use crate::edit::{check_version, Edit};
use crate::error::{ApiError, ApiResult, Code, FieldCode, FieldError};
use crate::ids;
use crate::pagination::{Page, PageParams};
use crate::validation::validate;

fn trimmed(s: &Option<String>) -> Option<String> {
    s.as_ref()
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

/// `CAST(SUM(value_idr) AS BIGINT)`: PostgreSQL sums a `BIGINT` into a
/// `NUMERIC`, SQLite into an integer; both read back as `i64` this way.
pub fn sum_idr(col: deals::Column) -> Expr {
    Expr::col(col).sum().cast_as(Alias::new("BIGINT"))
}

/// The confirmed deal total of each activity in `ids`, in one query.
pub async fn deal_totals(
    db: &impl ConnectionTrait,
    ids: Vec<Uuid>,
) -> ApiResult<HashMap<Uuid, i64>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(Uuid, Option<i64>)> = deals::Entity::find()
        .select_only()
        .column(deals::Column::ActivityId)
        .column_as(sum_idr(deals::Column::ValueIdr), "total")
        .filter(deals::Column::ActivityId.is_in(ids))
        .filter(deals::Column::Status.eq(DealStatus::Confirmed))
        .group_by(deals::Column::ActivityId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, total)| (id, total.unwrap_or_default()))
        .collect())
}

/// One activity as answered, with its deal total.
pub async fn view(db: &impl ConnectionTrait, a: activities::Model) -> ApiResult<ActivityView> {
    let total = deal_totals(db, vec![a.id]).await?;
    let sum = total.get(&a.id).copied().unwrap_or_default();
    Ok(ActivityView::new(a, sum))
}

async fn reload(db: &impl ConnectionTrait, id: Uuid) -> ApiResult<ActivityView> {
    let row = activities::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::new(Code::ActivityNotFound))?;
    view(db, row).await
}

fn apply(input: &ActivityInput, row: &mut activities::ActiveModel) {
    row.title = Set(input.title.trim().to_string());
    row.description = Set(trimmed(&input.description));
    row.regency_code = Set(input.regency_code.clone());
    row.starts_on = Set(input.starts_on);
    row.ends_on = Set(input.ends_on);
    row.location = Set(trimmed(&input.location));
    row.online = Set(input.online);
    row.capacity = Set(input.capacity);
    row.registration_closes_on = Set(input.registration_closes_on);
    row.public = Set(input.public);
}

/// Creates an activity, `planned`, in the caller's own province.
pub async fn create(
    db: &DatabaseConnection,
    caller: &Caller,
    input: ActivityInput,
) -> ApiResult<ActivityView> {
    validate(&input)?;
    rules::own_province(caller, &input.province_code)?;
    let now = db::now();
    let mut row = activities::ActiveModel {
        id: Set(db::new_id()),
        kind: Set(input.kind),
        province_code: Set(input.province_code.clone()),
        status: Set(ActivityStatus::Planned),
        enrolled: Set(0),
        created_by: Set(caller.user_id()),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
        ..Default::default()
    };
    apply(&input, &mut row);
    let mut tx = WriteTx::begin(db, &caller.actor()).await?;
    let saved = row.insert(&*tx).await?;
    let result = ActivityView::new(saved, 0);
    tx.record(audit::Entry {
        action: "create",
        resource_type: "activity",
        resource_id: result.id,
        province_code: Some(result.province_code.clone()),
        changes: audit::created(&result),
    })
    .await?;
    tx.commit().await?;
    Ok(result)
}

fn check_province_filter(code: &Option<String>) -> ApiResult<()> {
    match code {
        Some(p) if ids::validate_province_code(p).is_err() => {
            Err(ApiError::field("province_code", FieldCode::ProvinceCode))
        }
        _ => Ok(()),
    }
}

/// The activities in the caller's scope, by first day.
pub async fn list(
    db: &DatabaseConnection,
    caller: &Caller,
    filter: &ActivityFilter,
    page: &PageParams,
) -> ApiResult<Page<ActivityView>> {
    let limit = page.limit()?;
    check_province_filter(&filter.province_code)?;
    let mut q = scope::find::<activities::Entity>(caller)
        .order_by_asc(activities::Column::StartsOn)
        .order_by_asc(activities::Column::Id);
    if let Some(p) = &filter.province_code {
        q = q.filter(activities::Column::ProvinceCode.eq(p.as_str()));
    }
    if let Some(k) = filter.kind {
        q = q.filter(activities::Column::Kind.eq(k));
    }
    if let Some(s) = filter.status {
        q = q.filter(activities::Column::Status.eq(s));
    }
    if let Some(from) = filter.from {
        q = q.filter(activities::Column::EndsOn.gte(from));
    }
    if let Some(to) = filter.to {
        q = q.filter(activities::Column::StartsOn.lte(to));
    }
    if let Some(year) = filter.year {
        let (first, last) = year_bounds(year)?;
        q = q
            .filter(activities::Column::StartsOn.gte(first))
            .filter(activities::Column::StartsOn.lte(last));
    }
    if let Some(after) = page.position::<Position>()? {
        q = q.filter(after_position(after));
    }
    let rows = q.limit(limit + 1).all(db).await?;
    let totals = deal_totals(db, rows.iter().map(|r| r.id).collect()).await?;
    Ok(Page::from_rows(
        rows,
        limit,
        |a| Position {
            day: a.starts_on,
            id: a.id,
        },
        |a| {
            let total = totals.get(&a.id).copied().unwrap_or_default();
            ActivityView::new(a, total)
        },
    ))
}

fn after_position(after: Position) -> Condition {
    Condition::any()
        .add(activities::Column::StartsOn.gt(after.day))
        .add(
            Condition::all()
                .add(activities::Column::StartsOn.eq(after.day))
                .add(activities::Column::Id.gt(after.id)),
        )
}

/// The error of a year outside the programme's years.
pub fn year_error() -> FieldError {
    FieldError::new("year", FieldCode::RangeBetween)
        .with("min", *YEARS.start())
        .with("max", *YEARS.end())
}

/// The first and last day of `year`, one of the programme's years.
pub fn year_bounds(year: i32) -> ApiResult<(NaiveDate, NaiveDate)> {
    let bounds = YEARS
        .contains(&year)
        .then(|| NaiveDate::from_ymd_opt(year, 1, 1).zip(NaiveDate::from_ymd_opt(year, 12, 31)))
        .flatten();
    bounds.ok_or_else(|| ApiError::with_fields(Code::RequestInvalid, vec![year_error()]))
}

pub async fn get(db: &DatabaseConnection, caller: &Caller, id: Uuid) -> ApiResult<ActivityView> {
    let row = scope::load::<activities::Entity>(db, caller, id).await?;
    view(db, row).await
}

/// Replaces (`PUT`) or patches (`PATCH`) an activity. Its kind and province
/// stay; its capacity cannot fall below the pesantren already enrolled.
pub async fn update(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
    edit: Edit<ActivityInput>,
    expected_version: Option<i32>,
) -> ApiResult<ActivityView> {
    let current = scope::load::<activities::Entity>(db, caller, id).await?;
    let before = view(db, current.clone()).await?;
    let input = edit.resolve(&before)?;
    let mut errors = Vec::new();
    if input.kind != current.kind {
        errors.push(FieldError::new("kind", FieldCode::ReadOnly));
    }
    if input.province_code != current.province_code {
        errors.push(FieldError::new("province_code", FieldCode::ReadOnly));
    }
    ApiError::check(errors)?;
    validate(&input)?;
    check_version(expected_version, current.version)?;
    let mut row = activities::ActiveModel {
        updated_at: Set(db::now()),
        version: Set(current.version + 1),
        ..Default::default()
    };
    apply(&input, &mut row);
    let mut tx = WriteTx::begin(db, &caller.actor()).await?;
    // The version and the places taken are checked in the write itself: an
    // enrolment between the read and this write cannot be squeezed out.
    let mut write = activities::Entity::update_many()
        .set(row)
        .filter(activities::Column::Id.eq(id))
        .filter(activities::Column::Version.eq(current.version));
    if let Some(cap) = input.capacity {
        write = write.filter(activities::Column::Enrolled.lte(cap));
    }
    if write.exec(&*tx).await?.rows_affected == 0 {
        let now = activities::Entity::find_by_id(id)
            .one(&*tx)
            .await?
            .ok_or_else(|| ApiError::new(Code::ActivityNotFound))?;
        if now.version != current.version {
            return Err(ApiError::new(Code::RequestVersionMismatch).with("version", now.version));
        }
        return Err(
            ApiError::new(Code::ActivityCapacityBelowEnrolled).with("enrolled", now.enrolled)
        );
    }
    let after = reload(&*tx, id).await?;
    tx.record(audit::Entry {
        action: "update",
        resource_type: "activity",
        resource_id: id,
        province_code: Some(after.province_code.clone()),
        changes: audit::diff(&before, &after),
    })
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// Opens, closes, completes or cancels an activity.
pub async fn act(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
    action: Action,
    expected_version: Option<i32>,
) -> ApiResult<ActivityView> {
    let current = scope::load::<activities::Entity>(db, caller, id).await?;
    check_version(expected_version, current.version)?;
    let next = status::next(current.status, action)?;
    let before = view(db, current.clone()).await?;
    let row = activities::ActiveModel {
        status: Set(next),
        updated_at: Set(db::now()),
        version: Set(current.version + 1),
        ..Default::default()
    };
    let mut tx = WriteTx::begin(db, &caller.actor()).await?;
    scope::update_if_version::<activities::Entity>(&*tx, id, current.version, row).await?;
    let after = reload(&*tx, id).await?;
    tx.record(audit::Entry {
        action: action.verb(),
        resource_type: "activity",
        resource_id: id,
        province_code: Some(after.province_code.clone()),
        changes: audit::diff(&before, &after),
    })
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// Public activities that are not cancelled: what anyone may see.
fn public_events() -> Condition {
    Condition::all()
        .add(activities::Column::Public.eq(true))
        .add(activities::Column::Status.ne(ActivityStatus::Cancelled))
}

/// One public event, or 404.
pub async fn event(db: &DatabaseConnection, id: Uuid) -> ApiResult<EventView> {
    activities::Entity::find_by_id(id)
        .filter(public_events())
        .one(db)
        .await?
        .map(EventView::from)
        .ok_or_else(|| ApiError::new(Code::ActivityNotFound))
}

/// Public activities that are not cancelled, soonest first: what anyone
/// may see of the programme's events.
pub async fn events(
    db: &DatabaseConnection,
    filter: &EventFilter,
    page: &PageParams,
) -> ApiResult<Page<EventView>> {
    let limit = page.limit()?;
    check_province_filter(&filter.province_code)?;
    let mut q = activities::Entity::find()
        .filter(public_events())
        .order_by_asc(activities::Column::StartsOn)
        .order_by_asc(activities::Column::Id);
    if let Some(p) = &filter.province_code {
        q = q.filter(activities::Column::ProvinceCode.eq(p.as_str()));
    }
    if let Some(from) = filter.from {
        q = q.filter(activities::Column::EndsOn.gte(from));
    }
    if let Some(after) = page.position::<Position>()? {
        q = q.filter(after_position(after));
    }
    let rows = q.limit(limit + 1).all(db).await?;
    Ok(Page::from_rows(
        rows,
        limit,
        |a| Position {
            day: a.starts_on,
            id: a.id,
        },
        EventView::from,
    ))
}
