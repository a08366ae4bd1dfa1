//! NIKs sealed anew: plain NIKs of rows written before sealing existed
//! ([`seal_legacy`], at every start), and NIKs sealed under an old key
//! ([`rotate`], the `opop-api rotate-nik-key` command).
//!
//! Both run beside serving instances. Each row is rewritten by a write
//! conditional on the value it read, so a row an API request changed in
//! between is left as that request wrote it (under the current key), and
//! neither the version nor the ETag moves: the record's content is the same.

use entity::santri;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, TransactionTrait,
};
use uuid::Uuid;

use crate::error::ApiResult;
use crate::vault::NikVault;

/// Rows handled per transaction.
const BATCH: u64 = 500;

/// What a pass did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Resealed {
    /// Rows rewritten.
    pub rows: u64,
    /// Rows that changed under the pass and were left as they were.
    pub changed_meanwhile: u64,
}

/// Where a pass reads the NIKs it seals anew.
#[derive(Clone, Copy)]
enum Source {
    /// The plain column of rows written before sealing existed.
    Plain,
    /// Sealed values under a key other than the current one.
    OldKey,
}

impl Source {
    fn column(self) -> santri::Column {
        match self {
            Self::Plain => santri::Column::NikLegacy,
            Self::OldKey => santri::Column::NikSealed,
        }
    }

    fn rows(self, vault: &NikVault) -> sea_orm::Select<santri::Entity> {
        match self {
            Self::Plain => santri::Entity::find().filter(santri::Column::NikLegacy.is_not_null()),
            Self::OldKey => old_keys(vault, santri::Entity::find()),
        }
    }
}

/// Seals under the current key every NIK `source` holds, by id in batches
/// (so the pass ends even if rows keep arriving), each row written only if
/// it still holds what was read.
async fn reseal_all(
    db: &DatabaseConnection,
    vault: &NikVault,
    source: Source,
) -> ApiResult<Resealed> {
    let column = source.column();
    let mut done = Resealed::default();
    let mut after: Option<Uuid> = None;
    loop {
        let mut q = source
            .rows(vault)
            .select_only()
            .column(santri::Column::Id)
            .column(column)
            .order_by_asc(santri::Column::Id)
            .limit(BATCH);
        if let Some(id) = after {
            q = q.filter(santri::Column::Id.gt(id));
        }
        let rows: Vec<(Uuid, Option<String>)> = q.into_tuple().all(db).await?;
        let Some((last, _)) = rows.last() else {
            break;
        };
        after = Some(*last);
        let tx = db.begin().await?;
        for (id, held) in rows {
            let Some(held) = held else { continue };
            let plain = match source {
                Source::Plain => held.clone(),
                Source::OldKey => vault.open(id, &held)?,
            };
            let sealed = vault.seal(id, &plain)?;
            let written = santri::Entity::update_many()
                .col_expr(santri::Column::NikSealed, Expr::value(sealed.sealed))
                .col_expr(santri::Column::NikHash, Expr::value(sealed.hash))
                .col_expr(santri::Column::NikLast4, Expr::value(sealed.last4))
                .col_expr(
                    santri::Column::NikLegacy,
                    Expr::value(Option::<String>::None),
                )
                .filter(santri::Column::Id.eq(id))
                .filter(column.eq(held))
                .exec(&tx)
                .await?;
            if written.rows_affected == 1 {
                done.rows += 1;
            } else {
                done.changed_meanwhile += 1;
            }
        }
        tx.commit().await?;
    }
    Ok(done)
}

/// Seals the plain NIKs of rows written before NIKs were sealed (migration
/// 000014 keeps the old column, which this empties).
pub async fn seal_legacy(db: &DatabaseConnection, vault: &NikVault) -> ApiResult<Resealed> {
    let done = reseal_all(db, vault, Source::Plain).await?;
    if done.rows > 0 {
        tracing::info!(rows = done.rows, "plain NIKs sealed");
    }
    Ok(done)
}

/// Reseals under the current key every NIK sealed under another one, then
/// answers what it did and how many rows are still under an old key (rows
/// written meanwhile by an instance that does not have the new key yet).
pub async fn rotate(db: &DatabaseConnection, vault: &NikVault) -> ApiResult<(Resealed, u64)> {
    let done = reseal_all(db, vault, Source::OldKey).await?;
    let left = old_keys(vault, santri::Entity::find()).count(db).await?;
    tracing::info!(
        rows = done.rows,
        changed_meanwhile = done.changed_meanwhile,
        left,
        key = vault.current_key_id(),
        "NIKs resealed"
    );
    Ok((done, left))
}

/// Rows whose NIK is sealed under a key other than the current one.
fn old_keys(
    vault: &NikVault,
    q: sea_orm::Select<santri::Entity>,
) -> sea_orm::Select<santri::Entity> {
    q.filter(santri::Column::NikSealed.is_not_null())
        .filter(santri::Column::NikSealed.not_like(format!("{}%", vault.current_prefix())))
}

/// Rows to insert with their plain NIK (the demo data set builds them so)
/// sealed before they reach the database.
pub fn seal_rows(
    vault: &NikVault,
    rows: Vec<santri::ActiveModel>,
) -> ApiResult<Vec<santri::ActiveModel>> {
    rows.into_iter()
        .map(|mut row| {
            if let (ActiveValue::Set(id), ActiveValue::Set(Some(plain))) =
                (&row.id, &row.nik_legacy)
            {
                let sealed = vault.seal(*id, plain)?;
                row.nik_sealed = ActiveValue::Set(Some(sealed.sealed));
                row.nik_hash = ActiveValue::Set(Some(sealed.hash));
                row.nik_last4 = ActiveValue::Set(Some(sealed.last4));
            }
            row.nik_legacy = ActiveValue::Set(None);
            Ok(row)
        })
        .collect()
}

/// Whether any row still holds a plain NIK (for tests and `migrate`).
pub async fn plain_left(db: &impl ConnectionTrait) -> ApiResult<u64> {
    Ok(santri::Entity::find()
        .filter(santri::Column::NikLegacy.is_not_null())
        .count(db)
        .await?)
}
