//! Object-level scope: the one place that decides which rows a caller may
//! see. Every scoped read goes through [`find`] or [`load`], which put the
//! caller's scope into the query itself; a row outside it is simply not
//! found (404), so scope is never revealed.

use entity::Role;
use sea_orm::sea_query::{Expr, SimpleExpr};
use sea_orm::ExprTrait;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, PrimaryKeyTrait, QueryFilter, Select,
};
use uuid::Uuid;

use super::principal::{Caller, Principal};
use crate::error::{ApiError, ApiResult, Code};

/// A table whose rows belong to a province and a pesantren.
pub trait Scoped: EntityTrait {
    /// The answer for a row that is not there or not in scope.
    const NOT_FOUND: Code;
    /// Column holding the province code.
    fn province_column() -> Self::Column;
    /// Column holding the owning pesantren's id (`id` on `pesantren` itself).
    fn pesantren_column() -> Self::Column;
    /// Column holding the santri id a `santri` user may see, if the table has
    /// rows of santri (`id` on `santri`).
    fn santri_column() -> Option<Self::Column> {
        None
    }
    /// The `id` column.
    fn id_column() -> Self::Column;
    /// The `version` column.
    fn version_column() -> Self::Column;
}

fn nothing() -> SimpleExpr {
    Expr::val(1).eq(0)
}

/// The rows of `E` the caller may see.
pub fn condition<E: Scoped>(caller: &Caller) -> Condition {
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
        Role::PesantrenManager => match user.pesantren_id {
            Some(pid) => Condition::all().add(E::pesantren_column().eq(pid)),
            None => Condition::all().add(nothing()),
        },
        Role::Santri => match (E::santri_column(), user.santri_id) {
            (Some(col), Some(sid)) => Condition::all().add(col.eq(sid)),
            _ => Condition::all().add(nothing()),
        },
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
    ($module:ident, $code:ident, $pesantren:ident $(, santri = $santri:ident)?) => {
        impl Scoped for entity::$module::Entity {
            const NOT_FOUND: Code = Code::$code;
            fn province_column() -> Self::Column {
                entity::$module::Column::ProvinceCode
            }
            fn pesantren_column() -> Self::Column {
                entity::$module::Column::$pesantren
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
        }
    };
}

scoped!(pesantren, PesantrenNotFound, Id);
scoped!(santri, SantriNotFound, PesantrenId, santri = Id);
scoped!(koperasi, KoperasiNotFound, PesantrenId);
scoped!(products, ProductNotFound, PesantrenId);
scoped!(certifications, CertificationNotFound, PesantrenId);
scoped!(orders, OrderNotFound, PesantrenId);
scoped!(users, UserNotFound, PesantrenId, santri = SantriId);

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
