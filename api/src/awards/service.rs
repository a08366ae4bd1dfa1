//! Awards of competitions and the payments of their grants. The payments
//! of an award are held by the database: each raises the award's
//! `disbursed_idr` in one conditional statement that keeps it within the
//! grant, so two payments recorded at once never exceed it.

use std::collections::HashMap;

use entity::{
    competition_awards, competition_entries, competitions, grant_disbursements, pesantren,
    CompetitionStatus, EntryStatus,
};
use sea_orm::sea_query::{Expr, Query as SqlQuery};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait,
    ExprTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use uuid::Uuid;

use super::model::{
    AwardInput, AwardView, DisbursementInput, DisbursementView, Position, WinnerFilter, WinnerView,
};
use crate::audit::{self, WriteTx};
use crate::auth::{scope, Caller};
use crate::competitions::model::{names, CompetitionFilter};
use crate::competitions::service as competitions_service;
use crate::db;
use crate::error::{is_unique_violation, ApiError, ApiResult, Code};
use crate::ids;
use crate::pagination::{Page, PageParams};
use crate::validation::validate;

async fn views(
    db: &impl ConnectionTrait,
    awards: Vec<competition_awards::Model>,
) -> ApiResult<Vec<AwardView>> {
    let ids: Vec<Uuid> = awards.iter().map(|a| a.id).collect();
    let mut paid: HashMap<Uuid, Vec<DisbursementView>> = HashMap::new();
    if !ids.is_empty() {
        for d in grant_disbursements::Entity::find()
            .filter(grant_disbursements::Column::AwardId.is_in(ids))
            .order_by_asc(grant_disbursements::Column::Id)
            .all(db)
            .await?
        {
            paid.entry(d.award_id).or_default().push(d.into());
        }
    }
    Ok(awards
        .into_iter()
        .map(|a| {
            let d = paid.remove(&a.id).unwrap_or_default();
            AwardView::new(a, d)
        })
        .collect())
}

async fn reload(db: &impl ConnectionTrait, id: Uuid) -> ApiResult<AwardView> {
    let row = competition_awards::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::new(Code::AwardNotFound))?;
    views(db, vec![row])
        .await?
        .pop()
        .ok_or_else(|| ApiError::new(Code::AwardNotFound))
}

/// Records an award to a finalist, once its competition's last stage has
/// closed.
pub async fn award(
    db: &DatabaseConnection,
    caller: &Caller,
    entry_id: Uuid,
    input: AwardInput,
) -> ApiResult<AwardView> {
    validate(&input)?;
    let entry = scope::load::<competition_entries::Entity>(db, caller, entry_id).await?;
    let c = competitions::Entity::find_by_id(entry.competition_id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::new(Code::EntryNotFound))?;
    let stages = i32::try_from(names(&c.stages).len()).unwrap_or(i32::MAX);
    let judged = matches!(
        c.status,
        CompetitionStatus::Judging | CompetitionStatus::Closed
    ) && c.current_stage >= stages;
    if !judged {
        return Err(ApiError::new(Code::AwardTooEarly).with("status", c.status.as_str()));
    }
    if entry.status != EntryStatus::Finalist {
        return Err(ApiError::new(Code::AwardNotFinalist).with("status", entry.status.as_str()));
    }
    let taken = competition_awards::Entity::find()
        .filter(competition_awards::Column::CompetitionId.eq(c.id))
        .filter(
            Condition::any()
                .add(competition_awards::Column::EntryId.eq(entry.id))
                .add(
                    Condition::all()
                        .add(competition_awards::Column::Category.eq(entry.category.as_str()))
                        .add(competition_awards::Column::Rank.eq(input.rank)),
                ),
        )
        .one(db)
        .await?;
    let clash = |a: &competition_awards::Model| {
        if a.entry_id == entry.id {
            ApiError::new(Code::AwardAlreadyGiven)
        } else {
            ApiError::new(Code::AwardRankTaken)
                .with("rank", a.rank)
                .with("category", a.category.clone())
        }
    };
    if let Some(a) = &taken {
        return Err(clash(a));
    }
    let now = db::now();
    let row = competition_awards::ActiveModel {
        id: Set(db::new_id()),
        competition_id: Set(c.id),
        entry_id: Set(entry.id),
        pesantren_id: Set(entry.pesantren_id),
        province_code: Set(entry.province_code.clone()),
        year: Set(c.year),
        category: Set(entry.category.clone()),
        rank: Set(input.rank),
        grant_idr: Set(input.grant_idr),
        disbursed_idr: Set(0),
        awarded_by: Set(caller.user_id()),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    };
    let mut tx = WriteTx::begin(db, &caller.actor()).await?;
    let saved = row.insert(&*tx).await.map_err(|e| {
        if is_unique_violation(&e) {
            ApiError::new(Code::AwardRankTaken)
                .with("rank", input.rank)
                .with("category", entry.category.clone())
        } else {
            e.into()
        }
    })?;
    let result = AwardView::new(saved, Vec::new());
    tx.record(audit::Entry {
        action: "create",
        resource_type: "competition_award",
        resource_id: result.id,
        province_code: Some(result.province_code.clone()),
        changes: audit::created(&result),
    })
    .await?;
    tx.commit().await?;
    Ok(result)
}

pub async fn get(db: &DatabaseConnection, caller: &Caller, id: Uuid) -> ApiResult<AwardView> {
    let row = scope::load::<competition_awards::Entity>(db, caller, id).await?;
    reload(db, row.id).await
}

/// The awards of a competition the caller sees, by category and rank.
pub async fn list(
    db: &DatabaseConnection,
    caller: &Caller,
    competition_id: Uuid,
    page: &PageParams,
) -> ApiResult<Page<AwardView>> {
    let limit = page.limit()?;
    let c = competitions_service::load(db, caller, competition_id).await?;
    let mut q = scope::find::<competition_awards::Entity>(caller)
        .filter(competition_awards::Column::CompetitionId.eq(c.id))
        .order_by_asc(competition_awards::Column::Id);
    if let Some(after) = page.position::<Uuid>()? {
        q = q.filter(competition_awards::Column::Id.gt(after));
    }
    let rows = q.limit(limit + 1).all(db).await?;
    let page = Page::from_rows(rows, limit, |a| a.id, |a| a);
    Ok(Page {
        data: views(db, page.data).await?,
        next_cursor: page.next_cursor,
    })
}

/// Records a payment of an award's grant, within what is left of it.
pub async fn disburse(
    db: &DatabaseConnection,
    caller: &Caller,
    award_id: Uuid,
    input: DisbursementInput,
) -> ApiResult<AwardView> {
    validate(&input)?;
    let award = scope::load::<competition_awards::Entity>(db, caller, award_id).await?;
    let before = reload(db, award.id).await?;
    let mut tx = WriteTx::begin(db, &caller.actor()).await?;
    // The check and the raise are one statement: of two payments that
    // would together exceed the grant, the second finds too little left.
    let raised = competition_awards::Entity::update_many()
        .col_expr(
            competition_awards::Column::DisbursedIdr,
            Expr::col(competition_awards::Column::DisbursedIdr).add(input.amount_idr),
        )
        .col_expr(
            competition_awards::Column::Version,
            Expr::col(competition_awards::Column::Version).add(1),
        )
        .col_expr(
            competition_awards::Column::UpdatedAt,
            Expr::value(db::now()),
        )
        .filter(competition_awards::Column::Id.eq(award.id))
        .filter(
            Expr::col(competition_awards::Column::DisbursedIdr)
                .add(input.amount_idr)
                .lte(Expr::col(competition_awards::Column::GrantIdr)),
        )
        .exec(&*tx)
        .await?;
    if raised.rows_affected == 0 {
        let now = competition_awards::Entity::find_by_id(award.id)
            .one(&*tx)
            .await?
            .ok_or_else(|| ApiError::new(Code::AwardNotFound))?;
        return Err(ApiError::new(Code::AwardOverGrant)
            .with("remaining", Ord::max(now.grant_idr - now.disbursed_idr, 0))
            .with("grant", now.grant_idr));
    }
    let now = db::now();
    grant_disbursements::ActiveModel {
        id: Set(db::new_id()),
        award_id: Set(award.id),
        pesantren_id: Set(award.pesantren_id),
        province_code: Set(award.province_code.clone()),
        amount_idr: Set(input.amount_idr),
        paid_on: Set(input.paid_on),
        reference: Set(input.reference.trim().to_string()),
        recorded_by: Set(caller.user_id()),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    }
    .insert(&*tx)
    .await?;
    let after = reload(&*tx, award.id).await?;
    tx.record(audit::Entry {
        action: "disburse",
        resource_type: "competition_award",
        resource_id: award.id,
        province_code: Some(after.province_code.clone()),
        changes: audit::diff(&before, &after),
    })
    .await?;
    tx.commit().await?;
    Ok(after)
}

fn after_position(p: Position) -> Condition {
    use competition_awards::Column as A;
    Condition::any()
        .add(A::CompetitionId.gt(p.competition_id))
        .add(
            Condition::all()
                .add(A::CompetitionId.eq(p.competition_id))
                .add(A::Rank.gt(p.rank)),
        )
        .add(
            Condition::all()
                .add(A::CompetitionId.eq(p.competition_id))
                .add(A::Rank.eq(p.rank))
                .add(A::Id.gt(p.id)),
        )
}

/// The ids of closed competitions: the only ones whose awards are public.
fn closed_competitions() -> sea_orm::sea_query::SelectStatement {
    SqlQuery::select()
        .column(competitions::Column::Id)
        .from(competitions::Entity)
        .and_where(competitions::Column::Status.eq(CompetitionStatus::Closed))
        .to_owned()
}

/// One award of a closed competition, for anyone; 404 otherwise.
pub async fn winner(db: &DatabaseConnection, id: Uuid) -> ApiResult<WinnerView> {
    let row = competition_awards::Entity::find_by_id(id)
        .filter(competition_awards::Column::CompetitionId.in_subquery(closed_competitions()))
        .one(db)
        .await?
        .ok_or_else(|| ApiError::new(Code::AwardNotFound))?;
    render_winners(db, vec![row])
        .await?
        .pop()
        .ok_or_else(|| ApiError::new(Code::AwardNotFound))
}

/// The awards of closed competitions, for anyone: by competition, then
/// rank (the winners of every category first), then order of award.
pub async fn winners(
    db: &DatabaseConnection,
    filter: &WinnerFilter,
    page: &PageParams,
) -> ApiResult<Page<WinnerView>> {
    let limit = page.limit()?;
    ApiError::check(
        CompetitionFilter {
            province_code: filter.province_code.clone(),
            year: filter.year,
            status: None,
        }
        .check(),
    )?;
    let mut q = competition_awards::Entity::find()
        .filter(competition_awards::Column::CompetitionId.in_subquery(closed_competitions()))
        .order_by_asc(competition_awards::Column::CompetitionId)
        .order_by_asc(competition_awards::Column::Rank)
        .order_by_asc(competition_awards::Column::Id);
    if let Some(p) = &filter.province_code {
        q = q.filter(competition_awards::Column::ProvinceCode.eq(p.as_str()));
    }
    if let Some(y) = filter.year {
        q = q.filter(competition_awards::Column::Year.eq(y));
    }
    if let Some(after) = page.position::<Position>()? {
        q = q.filter(after_position(after));
    }
    let rows = q.limit(limit + 1).all(db).await?;
    let page = Page::from_rows(
        rows,
        limit,
        |a| Position {
            competition_id: a.competition_id,
            rank: a.rank,
            id: a.id,
        },
        |a| a,
    );
    Ok(Page {
        data: render_winners(db, page.data).await?,
        next_cursor: page.next_cursor,
    })
}

/// Awards as the public sees them, with their competition and pesantren.
async fn render_winners(
    db: &DatabaseConnection,
    rows: Vec<competition_awards::Model>,
) -> ApiResult<Vec<WinnerView>> {
    let competition_ids: Vec<Uuid> = rows.iter().map(|a| a.competition_id).collect();
    let pesantren_ids: Vec<Uuid> = rows.iter().map(|a| a.pesantren_id).collect();
    let titles: HashMap<Uuid, String> = competitions::Entity::find()
        .select_only()
        .column(competitions::Column::Id)
        .column(competitions::Column::Title)
        .filter(competitions::Column::Id.is_in(competition_ids))
        .into_tuple::<(Uuid, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let places: HashMap<Uuid, (String, String)> = pesantren::Entity::find()
        .select_only()
        .column(pesantren::Column::Id)
        .column(pesantren::Column::Name)
        .column(pesantren::Column::RegencyCode)
        .filter(pesantren::Column::Id.is_in(pesantren_ids))
        .into_tuple::<(Uuid, String, String)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(id, name, regency)| (id, (name, regency)))
        .collect();
    Ok(rows
        .into_iter()
        .map(|a| {
            let (name, regency) = places.get(&a.pesantren_id).cloned().unwrap_or_default();
            WinnerView {
                award_id: a.id,
                competition_id: a.competition_id,
                competition_title: titles.get(&a.competition_id).cloned().unwrap_or_default(),
                province_name: ids::region_name(&a.province_code),
                province_code: a.province_code,
                year: a.year,
                category: a.category,
                rank: a.rank,
                grant_idr: a.grant_idr,
                pesantren_id: a.pesantren_id,
                pesantren_name: name,
                regency_name: ids::region_name(&regency),
                regency_code: regency,
            }
        })
        .collect())
}
