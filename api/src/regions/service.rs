//! Reading the regions, and reporting rows written before region codes
//! were checked against the data set.

use entity::{activities, pesantren, regions};
use sea_orm::sea_query::{Expr, ExprTrait, Query, SelectStatement};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use super::model::{RegionView, RegionsParams};
use crate::error::{ApiError, ApiResult, Code, FieldCode, FieldError};
use crate::ids;
use crate::pagination::{decode_cursor, Page, MAX_LIMIT};

/// Rows per page when the caller names no `limit`: more than any region has
/// children, so lists come in one page.
pub const DEFAULT_LIMIT: u64 = 100;

fn limit(params: &RegionsParams) -> ApiResult<u64> {
    match params.limit {
        None => Ok(DEFAULT_LIMIT),
        Some(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
        Some(_) => Err(ApiError::validation(vec![FieldError::new(
            "limit",
            FieldCode::RangeBetween,
        )
        .with("min", 1)
        .with("max", MAX_LIMIT)])),
    }
}

/// The provinces (no `parent`), or the children of a province or regency,
/// ordered by code. A `parent` that is no province or regency of the data
/// set is a 422 naming `parent`.
pub async fn list(
    db: &impl ConnectionTrait,
    params: &RegionsParams,
) -> ApiResult<Page<RegionView>> {
    let limit = limit(params)?;
    let mut q = regions::Entity::find().order_by_asc(regions::Column::Code);
    q = match params.parent.as_deref() {
        None => q.filter(regions::Column::Parent.is_null()),
        Some(parent) => {
            let has_children =
                ids::region(parent).is_some_and(|r| r.level != migration::regions::Level::District);
            if !has_children {
                return Err(ApiError::field("parent", FieldCode::RegionParent));
            }
            q.filter(regions::Column::Parent.eq(parent))
        }
    };
    if let Some(cursor) = params.cursor.as_deref() {
        let after: String = decode_cursor(cursor)?;
        q = q.filter(regions::Column::Code.gt(after));
    }
    let rows = q.limit(limit + 1).all(db).await?;
    Ok(Page::from_rows(
        rows,
        limit,
        |r| r.code.clone(),
        RegionView::from,
    ))
}

/// One region by code, or 404 `region.not_found`.
pub async fn get(db: &impl ConnectionTrait, code: &str) -> ApiResult<RegionView> {
    regions::Entity::find_by_id(code.to_string())
        .one(db)
        .await?
        .map(RegionView::from)
        .ok_or_else(|| ApiError::new(Code::RegionNotFound))
}

/// The codes of one level in the `regions` table.
fn codes(level: &str) -> SelectStatement {
    Query::select()
        .column(regions::Column::Code)
        .from(regions::Entity)
        .and_where(regions::Column::Level.eq(level))
        .to_owned()
}

/// The most ids a warning lists.
const LISTED: usize = 50;

fn warn_rows(what: &str, ids: &[Uuid]) {
    if !ids.is_empty() {
        let listed: Vec<String> = ids.iter().take(LISTED).map(Uuid::to_string).collect();
        tracing::warn!(
            count = ids.len(),
            ids = %listed.join(","),
            "{what} carry region codes that are not in the Kemendagri data set ({}); they are kept as they are, and the next edit of each must correct them (see docs/regions.md){}",
            migration::regions::SOURCE,
            if ids.len() > LISTED { "; the first 50 ids are listed" } else { "" },
        );
    }
}

/// Logs a warning for each kind of row whose region codes the validators
/// would refuse today (pesantren province, regency or district; activity
/// regency; santri whose NIK starts with no district), with counts and
/// ids, never NIK values. Changes nothing. Run after the migrations (at
/// start-up and by `migrate`); a failure to look is logged, not fatal.
pub async fn report_unknown_codes(db: &impl ConnectionTrait) {
    if let Err(e) = find_unknown_codes(db).await {
        tracing::warn!(error = ?e, "could not check the region codes of existing rows");
    }
}

async fn find_unknown_codes(db: &impl ConnectionTrait) -> ApiResult<()> {
    let district_of_regency = Expr::cust("substr(district_code, 1, 4)");
    let pesantren_ids: Vec<Uuid> = pesantren::Entity::find()
        .select_only()
        .column(pesantren::Column::Id)
        .filter(
            Condition::any()
                .add(pesantren::Column::ProvinceCode.not_in_subquery(codes("province")))
                .add(pesantren::Column::RegencyCode.not_in_subquery(codes("regency")))
                .add(
                    Condition::all()
                        .add(pesantren::Column::DistrictCode.is_not_null())
                        .add(
                            Condition::any()
                                .add(
                                    pesantren::Column::DistrictCode
                                        .not_in_subquery(codes("district")),
                                )
                                .add(
                                    district_of_regency
                                        .ne(Expr::col(pesantren::Column::RegencyCode)),
                                ),
                        ),
                ),
        )
        .order_by_asc(pesantren::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    warn_rows("pesantren", &pesantren_ids);
    let activity_ids: Vec<Uuid> = activities::Entity::find()
        .select_only()
        .column(activities::Column::Id)
        .filter(activities::Column::RegencyCode.is_not_null())
        .filter(activities::Column::RegencyCode.not_in_subquery(codes("regency")))
        .order_by_asc(activities::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    warn_rows("activities", &activity_ids);
    // Santri are not checked: their NIK is sealed (`santri::vault`), and
    // opening every one at each start to read six digits would undo the
    // point of sealing. A NIK's district is checked when it is written.
    Ok(())
}
