//! Object-level scope: the one place that decides which rows a caller may
//! see. Every scoped read goes through [`find`] or [`load`], which put the
//! caller's scope into the query itself; a row outside it is simply not
//! found (404), so scope is never revealed.

use chrono::NaiveDate;
use entity::Role;
use sea_orm::sea_query::{Expr, Query, SelectStatement, SimpleExpr};
use sea_orm::ExprTrait;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, PrimaryKeyTrait, QueryFilter, Select,
};
use uuid::Uuid;

use super::principal::{Caller, Principal};
use crate::error::{ApiError, ApiResult, Code};
use crate::publication;

/// What a mentor (pendamping) sees of a table.
pub enum MentorSees<C> {
    /// Nothing (santri, users, orders, …).
    Nothing,
    /// The rows of the pesantren assigned to the mentor today.
    Assigned,
    /// The rows whose column names the mentor (their own assignments).
    Own(C),
}

/// A table whose rows belong to a province and, mostly, a pesantren.
pub trait Scoped: EntityTrait {
    /// The answer for a row that is not there or not in scope.
    const NOT_FOUND: Code;
    /// Column holding the province code.
    fn province_column() -> Self::Column;
    /// Column holding the owning pesantren's id (`id` on `pesantren`
    /// itself); `None` for rows of a whole province (activities, targets),
    /// which the managers of every pesantren of that province see.
    fn pesantren_column() -> Option<Self::Column>;
    /// Column holding the santri id a `santri` user may see, if the table has
    /// rows of santri (`id` on `santri`).
    fn santri_column() -> Option<Self::Column> {
        None
    }
    /// Rows that only admins see (a santri whose consent was withdrawn or
    /// whose data was erased): the condition the others' rows must meet.
    fn unrestricted() -> Option<Condition> {
        None
    }
    /// What a mentor sees of the table.
    fn mentor_sees() -> MentorSees<Self::Column> {
        MentorSees::Nothing
    }
    /// The `id` column.
    fn id_column() -> Self::Column;
    /// The `version` column.
    fn version_column() -> Self::Column;
}

/// The pesantren assigned to `mentor` on `day`: the assignments that have
/// started and not yet ended. Read on every request, so an assignment that
/// ends (or is removed) closes the mentor's view at once.
pub fn assigned_pesantren(mentor: Uuid, day: NaiveDate) -> SelectStatement {
    use entity::mentor_assignments::Column as A;
    Query::select()
        .column(A::PesantrenId)
        .from(entity::mentor_assignments::Entity)
        .and_where(A::MentorId.eq(mentor))
        .and_where(A::StartsOn.lte(day))
        .cond_where(
            Condition::any()
                .add(A::EndsOn.is_null())
                .add(A::EndsOn.gte(day)),
        )
        .to_owned()
}

fn nothing() -> SimpleExpr {
    Expr::val(1).eq(0)
}

/// The rows of `E` the caller may see.
pub fn condition<E: Scoped>(caller: &Caller) -> Condition {
    let base = role_condition::<E>(caller);
    match (caller.role(), E::unrestricted()) {
        (Some(Role::Admin), _) | (_, None) => base,
        (_, Some(unrestricted)) => base.add(unrestricted),
    }
}

fn role_condition<E: Scoped>(caller: &Caller) -> Condition {
    let Principal::User(user) = &caller.principal else {
        // Anonymous callers and partners see no register rows; public views
        // (catalogue, verified pesantren) are separate queries.
        return Condition::all().add(nothing());
    };
    match user.role {
        Role::Admin | Role::Curator => match &user.province_code {
            Some(p) => Condition::all().add(E::province_column().eq(p.clone())),
            None => Condition::all(),
        },
        Role::PesantrenManager => match (user.pesantren_id, E::pesantren_column()) {
            (Some(pid), Some(col)) => Condition::all().add(col.eq(pid)),
            // Rows of the whole province of the manager's pesantren.
            (Some(pid), None) => Condition::all().add(
                E::province_column().in_subquery(
                    Query::select()
                        .column(entity::pesantren::Column::ProvinceCode)
                        .from(entity::pesantren::Entity)
                        .and_where(entity::pesantren::Column::Id.eq(pid))
                        .to_owned(),
                ),
            ),
            (None, _) => Condition::all().add(nothing()),
        },
        Role::Mentor => match (E::mentor_sees(), E::pesantren_column()) {
            (MentorSees::Assigned, Some(col)) => Condition::all()
                .add(col.in_subquery(assigned_pesantren(user.id, publication::today()))),
            (MentorSees::Own(col), _) => Condition::all().add(col.eq(user.id)),
            _ => Condition::all().add(nothing()),
        },
        Role::Santri => match (E::santri_column(), user.santri_id) {
            (Some(col), Some(sid)) => Condition::all().add(col.eq(sid)),
            _ => Condition::all().add(nothing()),
        },
    }
}

/// The audit entries a caller may read: those of an admin's province, all
/// of them for a national admin, none for anybody else. Entries without a
/// province (partners, national settings) are national.
pub fn trail(caller: &Caller) -> Condition {
    match caller.user() {
        Some(u) if u.role == Role::Admin => match &u.province_code {
            Some(p) => Condition::all().add(entity::audit_log::Column::ProvinceCode.eq(p.clone())),
            None => Condition::all(),
        },
        _ => Condition::all().add(nothing()),
    }
}

/// A query over the rows of `E` in the caller's scope.
pub fn find<E: Scoped>(caller: &Caller) -> Select<E> {
    E::find().filter(condition::<E>(caller))
}

/// One row of `E` by id, if it is in the caller's scope; otherwise 404.
pub async fn load<E>(db: &impl ConnectionTrait, caller: &Caller, id: Uuid) -> ApiResult<E::Model>
where
    E: Scoped,
    <E::PrimaryKey as PrimaryKeyTrait>::ValueType: From<Uuid>,
{
    E::find_by_id(id)
        .filter(condition::<E>(caller))
        .one(db)
        .await?
        .ok_or_else(|| ApiError::new(E::NOT_FOUND))
}

macro_rules! scoped {
    ($module:ident, $code:ident, pesantren = $pesantren:expr
        $(, santri = $santri:ident)? $(, mentor = $mentor:expr)?
        $(, unrestricted = $unrestricted:expr)?) => {
        impl Scoped for entity::$module::Entity {
            const NOT_FOUND: Code = Code::$code;
            fn province_column() -> Self::Column {
                entity::$module::Column::ProvinceCode
            }
            fn pesantren_column() -> Option<Self::Column> {
                #[allow(unused_imports)]
                use entity::$module::Column::*;
                $pesantren
            }
            fn id_column() -> Self::Column {
                entity::$module::Column::Id
            }
            fn version_column() -> Self::Column {
                entity::$module::Column::Version
            }
            $(fn santri_column() -> Option<Self::Column> {
                Some(entity::$module::Column::$santri)
            })?
            $(fn unrestricted() -> Option<Condition> {
                #[allow(unused_imports)]
                use entity::$module::Column::*;
                Some($unrestricted)
            })?
            $(fn mentor_sees() -> MentorSees<Self::Column> {
                #[allow(unused_imports)]
                use entity::$module::Column::*;
                #[allow(unused_imports)]
                use MentorSees::*;
                $mentor
            })?
        }
    };
}

scoped!(
    pesantren,
    PesantrenNotFound,
    pesantren = Some(Id),
    mentor = Assigned
);
scoped!(
    santri,
    SantriNotFound,
    pesantren = Some(PesantrenId),
    santri = Id,
    unrestricted = Condition::all()
        .add(ConsentWithdrawnAt.is_null())
        .add(ErasedAt.is_null())
);
scoped!(
    koperasi,
    KoperasiNotFound,
    pesantren = Some(PesantrenId),
    mentor = Assigned
);
scoped!(
    products,
    ProductNotFound,
    pesantren = Some(PesantrenId),
    mentor = Assigned
);
scoped!(
    certifications,
    CertificationNotFound,
    pesantren = Some(PesantrenId),
    mentor = Assigned
);
scoped!(orders, OrderNotFound, pesantren = Some(PesantrenId));
scoped!(
    users,
    UserNotFound,
    pesantren = Some(PesantrenId),
    santri = SantriId
);
scoped!(activities, ActivityNotFound, pesantren = None);
scoped!(
    activity_participants,
    ParticipantNotFound,
    pesantren = Some(PesantrenId)
);
scoped!(deals, DealNotFound, pesantren = Some(PesantrenId));
scoped!(
    mentor_assignments,
    AssignmentNotFound,
    pesantren = Some(PesantrenId),
    mentor = Own(MentorId)
);
scoped!(
    mentoring_sessions,
    MentoringSessionNotFound,
    pesantren = Some(PesantrenId),
    mentor = Assigned
);
scoped!(targets, TargetNotFound, pesantren = None);
scoped!(competitions, CompetitionNotFound, pesantren = None);
scoped!(
    competition_entries,
    EntryNotFound,
    pesantren = Some(PesantrenId)
);
scoped!(
    competition_awards,
    AwardNotFound,
    pesantren = Some(PesantrenId)
);
scoped!(
    enterprises,
    EnterpriseNotFound,
    pesantren = Some(PesantrenId),
    santri = SantriId
);

/// The 412 of a write that lost to another one: the row is past `version`.
fn stale(version: i32) -> ApiError {
    ApiError::new(Code::RequestVersionMismatch).with("version", version + 1)
}

/// Writes `changes` to the row `id` only if it is still at `version`. The
/// version check and the write are one statement, so of two concurrent
/// writers that read the same version exactly one wins; the other gets 412.
/// `changes` must set `version` to `version + 1` and `updated_at`.
pub async fn update_if_version<E>(
    db: &impl ConnectionTrait,
    id: Uuid,
    version: i32,
    changes: E::ActiveModel,
) -> ApiResult<()>
where
    E: Scoped,
    <E::PrimaryKey as PrimaryKeyTrait>::ValueType: From<Uuid>,
{
    let done = E::update_many()
        .set(changes)
        .filter(E::id_column().eq(id))
        .filter(E::version_column().eq(version))
        .exec(db)
        .await?;
    if done.rows_affected == 0 {
        return Err(stale(version));
    }
    Ok(())
}

/// Deletes the row `id` only if it is still at `version` (412 otherwise), in
/// one statement, like [`update_if_version`].
pub async fn delete_if_version<E>(
    db: &impl ConnectionTrait,
    id: Uuid,
    version: i32,
) -> ApiResult<()>
where
    E: Scoped,
{
    let done = E::delete_many()
        .filter(E::id_column().eq(id))
        .filter(E::version_column().eq(version))
        .exec(db)
        .await?;
    if done.rows_affected == 0 {
        return Err(stale(version));
    }
    Ok(())
}
