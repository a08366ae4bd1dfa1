//! Enrolment in activities, withdrawals and attendance.
//!
//! Places are held by the database: an enrolment raises the activity's
//! `enrolled` in one conditional statement (only while `open` and below
//! `capacity`) and inserts the participant in the same transaction, whose
//! unique index keeps one enrolment per pesantren. However many managers
//! race for the last place, exactly one gets it, on SQLite and PostgreSQL.

use std::collections::HashSet;

use chrono::NaiveDate;
use entity::{activities, activity_participants, pesantren, santri, ActivityStatus};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, DatabaseConnection, EntityTrait, ExprTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use uuid::Uuid;

use super::model::{AttendanceInput, EnrolRequest, ParticipantView};
use crate::activities::status;
use crate::audit::{self, WriteTx};
use crate::auth::{scope, Caller};
use crate::db;
use crate::edit::{check_version, Edit};
use crate::error::{ApiError, ApiResult, Code, FieldCode, FieldError};
use crate::pagination::{Page, PageParams};
use crate::validation::validate;

fn already() -> ApiError {
    ApiError::new(Code::ParticipantAlreadyEnrolled)
}

async fn participant(
    db: &impl sea_orm::ConnectionTrait,
    caller: &Caller,
    activity_id: Uuid,
    pesantren_id: Uuid,
) -> ApiResult<activity_participants::Model> {
    scope::find::<activity_participants::Entity>(caller)
        .filter(activity_participants::Column::ActivityId.eq(activity_id))
        .filter(activity_participants::Column::PesantrenId.eq(pesantren_id))
        .one(db)
        .await?
        .ok_or_else(|| ApiError::new(Code::ParticipantNotFound))
}

/// The participants of an activity the caller sees: all of them for its
/// staff, their own pesantren's for a manager. In order of enrolment.
pub async fn list(
    db: &DatabaseConnection,
    caller: &Caller,
    activity_id: Uuid,
    page: &PageParams,
) -> ApiResult<Page<ParticipantView>> {
    let limit = page.limit()?;
    scope::load::<activities::Entity>(db, caller, activity_id).await?;
    let mut q = scope::find::<activity_participants::Entity>(caller)
        .filter(activity_participants::Column::ActivityId.eq(activity_id))
        .order_by_asc(activity_participants::Column::Id);
    if let Some(after) = page.position::<Uuid>()? {
        q = q.filter(activity_participants::Column::Id.gt(after));
    }
    let rows = q.limit(limit + 1).all(db).await?;
    Ok(Page::from_rows(
        rows,
        limit,
        |p| p.id,
        ParticipantView::from,
    ))
}

/// Enrols a pesantren of the activity's province, with santri of its own,
/// while the activity is open, before its deadline and within capacity.
pub async fn enrol(
    db: &DatabaseConnection,
    caller: &Caller,
    activity_id: Uuid,
    body: EnrolRequest,
    today: NaiveDate,
) -> ApiResult<ParticipantView> {
    validate(&body)?;
    let activity = scope::load::<activities::Entity>(db, caller, activity_id).await?;
    let owner = scope::load::<pesantren::Entity>(db, caller, body.pesantren_id)
        .await
        .map_err(|_| ApiError::field("pesantren_id", FieldCode::NoSuchPesantren))?;
    if owner.province_code != activity.province_code {
        return Err(ApiError::field("pesantren_id", FieldCode::WithinProvince));
    }
    check_santri(db, owner.id, &body.santri_ids).await?;
    status::may_enrol(activity.status, activity.registration_closes_on, today)?;
    if participant(db, caller, activity_id, owner.id).await.is_ok() {
        return Err(already());
    }

    let mut tx = WriteTx::begin(db, &caller.actor()).await?;
    // The place first, in one statement: it holds the row (PostgreSQL) or
    // the database (SQLite) until the transaction ends.
    let taken = activities::Entity::update_many()
        .col_expr(
            activities::Column::Enrolled,
            Expr::col(activities::Column::Enrolled).add(1),
        )
        .filter(activities::Column::Id.eq(activity_id))
        .filter(activities::Column::Status.eq(ActivityStatus::Open))
        .filter(
            Condition::any()
                .add(activities::Column::Capacity.is_null())
                .add(
                    Expr::col(activities::Column::Enrolled)
                        .lt(Expr::col(activities::Column::Capacity)),
                ),
        )
        .exec(&*tx)
        .await?;
    if taken.rows_affected == 0 {
        let now = activities::Entity::find_by_id(activity_id)
            .one(&*tx)
            .await?
            .ok_or_else(|| ApiError::new(Code::ActivityNotFound))?;
        status::may_enrol(now.status, None, today)?;
        return Err(
            ApiError::new(Code::ActivityFull).with("capacity", now.capacity.unwrap_or_default())
        );
    }
    let stamp = db::now();
    let row = activity_participants::ActiveModel {
        id: Set(db::new_id()),
        activity_id: Set(activity_id),
        pesantren_id: Set(owner.id),
        province_code: Set(owner.province_code.clone()),
        santri_ids: Set(serde_json::json!(body.santri_ids)),
        santri_count: Set(i32::try_from(body.santri_ids.len()).unwrap_or(i32::MAX)),
        attended: Set(None),
        enrolled_at: Set(stamp),
        enrolled_by: Set(caller.user_id()),
        created_at: Set(stamp),
        updated_at: Set(stamp),
        version: Set(1),
    }
    .insert(&*tx)
    .await
    .map_err(|e| match e.sql_err() {
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => already(),
        _ => e.into(),
    })?;
    let result = ParticipantView::from(row);
    tx.record(audit::Entry {
        action: "enrol",
        resource_type: "activity_participant",
        resource_id: activity_id,
        province_code: Some(result.province_code.clone()),
        changes: audit::created(&result),
    })
    .await?;
    tx.commit().await?;
    Ok(result)
}

/// Every santri named must be of the pesantren, once.
async fn check_santri(db: &DatabaseConnection, pesantren_id: Uuid, ids: &[Uuid]) -> ApiResult<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let known: HashSet<Uuid> = santri::Entity::find()
        .select_only()
        .column(santri::Column::Id)
        .filter(santri::Column::PesantrenId.eq(pesantren_id))
        .filter(santri::Column::Id.is_in(ids.to_vec()))
        .into_tuple::<Uuid>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let mut seen = HashSet::new();
    let mut errors = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        let field = format!("santri_ids[{i}]");
        if !seen.insert(*id) {
            errors.push(FieldError::new(field, FieldCode::Duplicate));
        } else if !known.contains(id) {
            errors.push(FieldError::new(field, FieldCode::NotOfPesantren));
        }
    }
    ApiError::check(errors)
}

/// Withdraws a pesantren from an activity that is not over, freeing its
/// place.
pub async fn withdraw(
    db: &DatabaseConnection,
    caller: &Caller,
    activity_id: Uuid,
    pesantren_id: Uuid,
    expected_version: Option<i32>,
) -> ApiResult<()> {
    let activity = scope::load::<activities::Entity>(db, caller, activity_id).await?;
    let current = participant(db, caller, activity_id, pesantren_id).await?;
    check_version(expected_version, current.version)?;
    status::participants_change(activity.status)?;
    let mut tx = WriteTx::begin(db, &caller.actor()).await?;
    scope::delete_if_version::<activity_participants::Entity>(&*tx, current.id, current.version)
        .await?;
    activities::Entity::update_many()
        .col_expr(
            activities::Column::Enrolled,
            Expr::col(activities::Column::Enrolled).sub(1),
        )
        .filter(activities::Column::Id.eq(activity_id))
        .filter(activities::Column::Enrolled.gt(0))
        .exec(&*tx)
        .await?;
    tx.record(audit::Entry {
        action: "withdraw",
        resource_type: "activity_participant",
        resource_id: activity_id,
        province_code: Some(current.province_code.clone()),
        changes: audit::created(&ParticipantView::from(current)),
    })
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Records whether a participant attended, once the activity has opened.
pub async fn record_attendance(
    db: &DatabaseConnection,
    caller: &Caller,
    activity_id: Uuid,
    pesantren_id: Uuid,
    edit: Edit<AttendanceInput>,
    expected_version: Option<i32>,
) -> ApiResult<ParticipantView> {
    let activity = scope::load::<activities::Entity>(db, caller, activity_id).await?;
    let current = participant(db, caller, activity_id, pesantren_id).await?;
    let before = ParticipantView::from(current.clone());
    let input = edit.resolve(&before)?;
    check_version(expected_version, current.version)?;
    status::records_attendance(activity.status)?;
    let row = activity_participants::ActiveModel {
        attended: Set(Some(input.attended)),
        updated_at: Set(db::now()),
        version: Set(current.version + 1),
        ..Default::default()
    };
    let mut tx = WriteTx::begin(db, &caller.actor()).await?;
    scope::update_if_version::<activity_participants::Entity>(
        &*tx,
        current.id,
        current.version,
        row,
    )
    .await?;
    let after = ParticipantView::from(
        activity_participants::Entity::find_by_id(current.id)
            .one(&*tx)
            .await?
            .ok_or_else(|| ApiError::new(Code::ParticipantNotFound))?,
    );
    tx.record(audit::Entry {
        action: "record_attendance",
        resource_type: "activity_participant",
        resource_id: activity_id,
        province_code: Some(after.province_code.clone()),
        changes: audit::diff(&before, &after),
    })
    .await?;
    tx.commit().await?;
    Ok(after)
}
