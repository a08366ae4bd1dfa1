//! Mentoring: admins assign mentors (pendamping) to pesantren of their
//! province for a period; a mentor sees the pesantren assigned to them
//! today (through `auth::scope`) and records sessions on them.

use chrono::NaiveDate;
use entity::{mentor_assignments, mentoring_sessions, pesantren, users, Role};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use uuid::Uuid;

use super::model::{
    AssignmentFilter, AssignmentInput, AssignmentView, Position, SessionInput, SessionView,
};
use crate::audit::{self, WriteTx};
use crate::auth::{scope, Caller};
use crate::db;
use crate::edit::check_version;
use crate::error::{ApiError, ApiResult, Code, FieldCode, FieldError};
use crate::pagination::{Page, PageParams};
use crate::validation::validate;

/// Assigns a mentor to a pesantren of the admin's province.
pub async fn assign(
    db: &DatabaseConnection,
    caller: &Caller,
    input: AssignmentInput,
    today: NaiveDate,
) -> ApiResult<AssignmentView> {
    validate(&input)?;
    let target = scope::load::<pesantren::Entity>(db, caller, input.pesantren_id)
        .await
        .map_err(|_| ApiError::field("pesantren_id", FieldCode::NoSuchPesantren))?;
    let mentor = users::Entity::find_by_id(input.mentor_id)
        // Curators mentor too (kurator-pendamping): an assignment changes
        // nothing of what they see, and bars them from judging the
        // pesantren in competitions.
        .filter(users::Column::Role.is_in([Role::Mentor, Role::Curator]))
        .filter(users::Column::IsActive.eq(true))
        .one(db)
        .await?
        .ok_or_else(|| ApiError::field("mentor_id", FieldCode::NotAMentor))?;
    if let Some(p) = mentor.province_code.as_deref() {
        if p != target.province_code {
            return Err(ApiError::with_fields(
                Code::RequestInvalid,
                vec![FieldError::new("mentor_id", FieldCode::MentorOtherProvince)
                    .with("province", p)],
            ));
        }
    }
    // Two periods overlap when each starts before the other ends.
    let mut overlap = mentor_assignments::Entity::find()
        .filter(mentor_assignments::Column::MentorId.eq(mentor.id))
        .filter(mentor_assignments::Column::PesantrenId.eq(target.id))
        .filter(
            Condition::any()
                .add(mentor_assignments::Column::EndsOn.is_null())
                .add(mentor_assignments::Column::EndsOn.gte(input.starts_on)),
        );
    if let Some(end) = input.ends_on {
        overlap = overlap.filter(mentor_assignments::Column::StartsOn.lte(end));
    }
    if overlap.one(db).await?.is_some() {
        return Err(ApiError::new(Code::AssignmentOverlaps));
    }
    let now = db::now();
    let row = mentor_assignments::ActiveModel {
        id: Set(db::new_id()),
        mentor_id: Set(mentor.id),
        pesantren_id: Set(target.id),
        province_code: Set(target.province_code.clone()),
        starts_on: Set(input.starts_on),
        ends_on: Set(input.ends_on),
        created_by: Set(caller.user_id()),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    };
    let mut tx = WriteTx::begin(db, &caller.actor()).await?;
    let saved = AssignmentView::new(row.insert(&*tx).await?, today);
    tx.record(audit::Entry {
        action: "assign",
        resource_type: "mentor_assignment",
        resource_id: saved.id,
        province_code: Some(saved.province_code.clone()),
        changes: audit::created(&saved),
    })
    .await?;
    tx.commit().await?;
    Ok(saved)
}

/// The assignments the caller sees: staff those of their province, a
/// manager those of their pesantren, a mentor their own.
pub async fn list_assignments(
    db: &DatabaseConnection,
    caller: &Caller,
    filter: &AssignmentFilter,
    page: &PageParams,
    today: NaiveDate,
) -> ApiResult<Page<AssignmentView>> {
    let limit = page.limit()?;
    let mut q = scope::find::<mentor_assignments::Entity>(caller)
        .order_by_asc(mentor_assignments::Column::Id);
    if let Some(m) = filter.mentor_id {
        q = q.filter(mentor_assignments::Column::MentorId.eq(m));
    }
    if let Some(p) = filter.pesantren_id {
        q = q.filter(mentor_assignments::Column::PesantrenId.eq(p));
    }
    if let Some(current) = filter.current {
        let holds = Condition::all()
            .add(mentor_assignments::Column::StartsOn.lte(today))
            .add(
                Condition::any()
                    .add(mentor_assignments::Column::EndsOn.is_null())
                    .add(mentor_assignments::Column::EndsOn.gte(today)),
            );
        q = q.filter(if current { holds } else { holds.not() });
    }
    if let Some(after) = page.position::<Uuid>()? {
        q = q.filter(mentor_assignments::Column::Id.gt(after));
    }
    let rows = q.limit(limit + 1).all(db).await?;
    Ok(Page::from_rows(
        rows,
        limit,
        |a| a.id,
        |a| AssignmentView::new(a, today),
    ))
}

/// Ends an assignment by removing it: the mentor no longer sees the
/// pesantren; the sessions they recorded stay with it.
pub async fn remove_assignment(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
    expected_version: Option<i32>,
    today: NaiveDate,
) -> ApiResult<()> {
    let current = scope::load::<mentor_assignments::Entity>(db, caller, id).await?;
    check_version(expected_version, current.version)?;
    let mut tx = WriteTx::begin(db, &caller.actor()).await?;
    scope::delete_if_version::<mentor_assignments::Entity>(&*tx, id, current.version).await?;
    tx.record(audit::Entry {
        action: "delete",
        resource_type: "mentor_assignment",
        resource_id: id,
        province_code: Some(current.province_code.clone()),
        changes: audit::created(&AssignmentView::new(current, today)),
    })
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The sessions of a pesantren the caller sees, newest first.
pub async fn list_sessions(
    db: &DatabaseConnection,
    caller: &Caller,
    pesantren_id: Uuid,
    page: &PageParams,
) -> ApiResult<Page<SessionView>> {
    let limit = page.limit()?;
    scope::load::<pesantren::Entity>(db, caller, pesantren_id).await?;
    let mut q = scope::find::<mentoring_sessions::Entity>(caller)
        .filter(mentoring_sessions::Column::PesantrenId.eq(pesantren_id))
        .order_by_desc(mentoring_sessions::Column::HeldOn)
        .order_by_desc(mentoring_sessions::Column::Id);
    if let Some(after) = page.position::<Position>()? {
        q = q.filter(
            Condition::any()
                .add(mentoring_sessions::Column::HeldOn.lt(after.day))
                .add(
                    Condition::all()
                        .add(mentoring_sessions::Column::HeldOn.eq(after.day))
                        .add(mentoring_sessions::Column::Id.lt(after.id)),
                ),
        );
    }
    let rows = q.limit(limit + 1).all(db).await?;
    Ok(Page::from_rows(
        rows,
        limit,
        |s| Position {
            day: s.held_on,
            id: s.id,
        },
        SessionView::from,
    ))
}

/// Records a session by the mentor on a pesantren assigned to them today
/// (any other is not found for them), held on a day not in the future.
pub async fn record_session(
    db: &DatabaseConnection,
    caller: &Caller,
    pesantren_id: Uuid,
    input: SessionInput,
    today: NaiveDate,
) -> ApiResult<SessionView> {
    let target = scope::load::<pesantren::Entity>(db, caller, pesantren_id).await?;
    validate(&input)?;
    if input.held_on > today {
        return Err(ApiError::field("held_on", FieldCode::NotInFuture));
    }
    let mentor_id = caller
        .user_id()
        .ok_or_else(|| ApiError::new(Code::AuthTokenInvalid))?;
    let now = db::now();
    let row = mentoring_sessions::ActiveModel {
        id: Set(db::new_id()),
        pesantren_id: Set(target.id),
        province_code: Set(target.province_code.clone()),
        mentor_id: Set(mentor_id),
        held_on: Set(input.held_on),
        topic: Set(input.topic.trim().to_string()),
        notes: Set(input.notes.trim().to_string()),
        follow_up: Set(input
            .follow_up
            .map(|f| f.trim().to_string())
            .filter(|f| !f.is_empty())),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    };
    let mut tx = WriteTx::begin(db, &caller.actor()).await?;
    let saved = SessionView::from(row.insert(&*tx).await?);
    tx.record(audit::Entry {
        action: "create",
        resource_type: "mentoring_session",
        resource_id: saved.id,
        province_code: Some(saved.province_code.clone()),
        changes: audit::created(&saved),
    })
    .await?;
    tx.commit().await?;
    Ok(saved)
}
