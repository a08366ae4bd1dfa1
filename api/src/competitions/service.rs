//! Competitions: created and run by the admins of their province, seen by
//! its curators (the jurors) and, once open, by its pesantren managers.

use std::collections::HashMap;

use entity::{
    competition_entries, competition_scores, competitions, pesantren, CompetitionStatus,
    EntryStatus, Role,
};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use uuid::Uuid;

use super::model::{
    names, CompetitionFilter, CompetitionInput, CompetitionView, Outcome, Standing, StandingsQuery,
    StandingsView,
};
use super::status::{self, Action, AreaLevel, AtStage};
use crate::audit::{self, WriteTx};
use crate::auth::{rules, scope, Caller};
use crate::db;
use crate::edit::check_version;
use crate::error::{ApiError, ApiResult, Code, FieldCode, FieldError};
use crate::ids;
use crate::pagination::{Page, PageParams};
use crate::validation::validate;

fn is_staff(caller: &Caller) -> bool {
    matches!(caller.role(), Some(Role::Admin | Role::Curator))
}

/// One competition the caller sees: in scope, and, for a manager, no
/// longer a draft.
pub async fn load(
    db: &impl ConnectionTrait,
    caller: &Caller,
    id: Uuid,
) -> ApiResult<competitions::Model> {
    let c = scope::load::<competitions::Entity>(db, caller, id).await?;
    if c.status == CompetitionStatus::Draft && !is_staff(caller) {
        return Err(ApiError::new(Code::CompetitionNotFound));
    }
    Ok(c)
}

/// Holds the competition's row for the rest of the transaction, if it is
/// still judging `stage_index`: every decision on its entries and the
/// closing of a stage go through here, so they happen one at a time and
/// never on a stage that has just closed.
pub async fn hold_stage(
    db: &impl ConnectionTrait,
    competition_id: Uuid,
    stage_index: i32,
) -> ApiResult<()> {
    let held = competitions::Entity::update_many()
        .col_expr(
            competitions::Column::UpdatedAt,
            Expr::col(competitions::Column::UpdatedAt),
        )
        .filter(competitions::Column::Id.eq(competition_id))
        .filter(competitions::Column::Status.eq(CompetitionStatus::Judging))
        .filter(competitions::Column::CurrentStage.eq(stage_index))
        .exec(db)
        .await?;
    if held.rows_affected == 0 {
        return Err(ApiError::new(Code::CompetitionStageMoved));
    }
    Ok(())
}

/// The name of stage `index`, if there is one.
pub fn stage_name(c: &competitions::Model, index: i32) -> Option<String> {
    usize::try_from(index)
        .ok()
        .and_then(|i| names(&c.stages).get(i).cloned())
}

/// Creates a competition, `draft`, in the caller's own province.
pub async fn create(
    db: &DatabaseConnection,
    caller: &Caller,
    input: CompetitionInput,
) -> ApiResult<CompetitionView> {
    validate(&input)?;
    rules::own_province(caller, &input.province_code)?;
    let now = db::now();
    let row = competitions::ActiveModel {
        id: Set(db::new_id()),
        province_code: Set(input.province_code.clone()),
        year: Set(input.year),
        title: Set(input.title.trim().to_string()),
        description: Set(input
            .description
            .as_ref()
            .map(|d| d.trim().to_string())
            .filter(|d| !d.is_empty())),
        categories: Set(serde_json::json!(input.categories)),
        stages: Set(serde_json::json!(input.stages)),
        entries_close_on: Set(input.entries_close_on),
        status: Set(CompetitionStatus::Draft),
        current_stage: Set(0),
        created_by: Set(caller.user_id()),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    };
    let mut tx = WriteTx::begin(db, &caller.actor()).await?;
    let saved = CompetitionView::from(row.insert(&*tx).await?);
    tx.record(audit::Entry {
        action: "create",
        resource_type: "competition",
        resource_id: saved.id,
        province_code: Some(saved.province_code.clone()),
        changes: audit::created(&saved),
    })
    .await?;
    tx.commit().await?;
    Ok(saved)
}

/// The competitions the caller sees, newest first.
pub async fn list(
    db: &DatabaseConnection,
    caller: &Caller,
    filter: &CompetitionFilter,
    page: &PageParams,
) -> ApiResult<Page<CompetitionView>> {
    let limit = page.limit()?;
    ApiError::check(filter.check())?;
    let mut q = scope::find::<competitions::Entity>(caller).order_by_desc(competitions::Column::Id);
    if !is_staff(caller) {
        q = q.filter(competitions::Column::Status.ne(CompetitionStatus::Draft));
    }
    if let Some(p) = &filter.province_code {
        q = q.filter(competitions::Column::ProvinceCode.eq(p.as_str()));
    }
    if let Some(y) = filter.year {
        q = q.filter(competitions::Column::Year.eq(y));
    }
    if let Some(s) = filter.status {
        q = q.filter(competitions::Column::Status.eq(s));
    }
    if let Some(before) = page.position::<Uuid>()? {
        q = q.filter(competitions::Column::Id.lt(before));
    }
    let rows = q.limit(limit + 1).all(db).await?;
    Ok(Page::from_rows(
        rows,
        limit,
        |c| c.id,
        CompetitionView::from,
    ))
}

pub async fn get(db: &DatabaseConnection, caller: &Caller, id: Uuid) -> ApiResult<CompetitionView> {
    Ok(load(db, caller, id).await?.into())
}

async fn reload(db: &impl ConnectionTrait, id: Uuid) -> ApiResult<CompetitionView> {
    competitions::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(CompetitionView::from)
        .ok_or_else(|| ApiError::new(Code::CompetitionNotFound))
}

fn stage_count(c: &competitions::Model) -> i32 {
    i32::try_from(names(&c.stages).len()).unwrap_or(i32::MAX)
}

/// Opens, starts judging or closes a competition.
pub async fn act(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
    action: Action,
    expected_version: Option<i32>,
) -> ApiResult<CompetitionView> {
    let current = load(db, caller, id).await?;
    check_version(expected_version, current.version)?;
    let left = usize::try_from(stage_count(&current) - current.current_stage).unwrap_or(0);
    let next = status::next(current.status, action, left)?;
    let before = CompetitionView::from(current.clone());
    let row = competitions::ActiveModel {
        status: Set(next),
        updated_at: Set(db::now()),
        version: Set(current.version + 1),
        ..Default::default()
    };
    let mut tx = WriteTx::begin(db, &caller.actor()).await?;
    scope::update_if_version::<competitions::Entity>(&*tx, id, current.version, row).await?;
    let after = reload(&*tx, id).await?;
    tx.record(audit::Entry {
        action: action.verb(),
        resource_type: "competition",
        resource_id: id,
        province_code: Some(after.province_code.clone()),
        changes: audit::diff(&before, &after),
    })
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// The entries that reached stage `index`, as the area rules see them.
pub async fn at_stage(
    db: &impl ConnectionTrait,
    c: &competitions::Model,
    index: i32,
) -> ApiResult<Vec<(competition_entries::Model, AtStage)>> {
    let level = stage_name(c, index).as_deref().and_then(AreaLevel::of);
    let last = stage_count(c) - 1;
    let entries = competition_entries::Entity::find()
        .filter(competition_entries::Column::CompetitionId.eq(c.id))
        .filter(competition_entries::Column::StageIndex.gte(index))
        .order_by_asc(competition_entries::Column::Id)
        .all(db)
        .await?;
    let scored: Vec<Uuid> = competition_scores::Entity::find()
        .select_only()
        .column(competition_scores::Column::EntryId)
        .filter(competition_scores::Column::CompetitionId.eq(c.id))
        .filter(competition_scores::Column::StageIndex.eq(index))
        .distinct()
        .into_tuple()
        .all(db)
        .await?;
    Ok(entries
        .into_iter()
        .map(|e| {
            let area = level
                .map(|l| l.code_of(&e.regency_code, e.district_code.as_deref()))
                .unwrap_or_default()
                .to_string();
            let at = AtStage {
                area,
                advanced: e.stage_index > index
                    || (e.stage_index == last && e.status == EntryStatus::Finalist),
                pending: e.stage_index == index && e.status == EntryStatus::Active,
                scored: scored.contains(&e.id),
            };
            (e, at)
        })
        .collect())
}

/// Closes the stage being judged, once every entry at it is decided and,
/// at an area stage, every area that was judged has a nominee. After the
/// last stage, awards may be recorded and the competition closed.
pub async fn close_stage(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
    expected_version: Option<i32>,
) -> ApiResult<CompetitionView> {
    let current = load(db, caller, id).await?;
    check_version(expected_version, current.version)?;
    status::judging(current.status)?;
    let index = current.current_stage;
    let Some(stage) = stage_name(&current, index) else {
        return Err(ApiError::new(Code::CompetitionStagesDone));
    };
    let before = CompetitionView::from(current.clone());
    let mut tx = WriteTx::begin(db, &caller.actor()).await?;
    hold_stage(&*tx, id, index).await?;
    let entries = at_stage(&*tx, &current, index).await?;
    let seen: Vec<AtStage> = entries.into_iter().map(|(_, a)| a).collect();
    status::may_close_stage(&stage, &seen)?;
    let row = competitions::ActiveModel {
        current_stage: Set(index + 1),
        updated_at: Set(db::now()),
        version: Set(current.version + 1),
        ..Default::default()
    };
    scope::update_if_version::<competitions::Entity>(&*tx, id, current.version, row).await?;
    let after = reload(&*tx, id).await?;
    tx.record(audit::Entry {
        action: "close_stage",
        resource_type: "competition",
        resource_id: id,
        province_code: Some(after.province_code.clone()),
        changes: audit::diff(&before, &after),
    })
    .await?;
    tx.commit().await?;
    Ok(after)
}

#[derive(Default)]
struct Tally {
    sum: i64,
    count: u32,
    lowest: i32,
}

/// The standings of a stage: entries that reached it, by mean score.
pub async fn standings(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
    query: &StandingsQuery,
) -> ApiResult<StandingsView> {
    let c = load(db, caller, id).await?;
    let stages = names(&c.stages);
    let index = match &query.stage {
        Some(name) => stages.iter().position(|s| s == name).ok_or_else(|| {
            ApiError::with_fields(
                Code::RequestInvalid,
                vec![FieldError::new("stage", FieldCode::OneOf).with("allowed", stages.join(", "))],
            )
        })?,
        None => usize::try_from(c.current_stage)
            .unwrap_or(0)
            .min(stages.len().saturating_sub(1)),
    };
    let index = i32::try_from(index).unwrap_or(0);
    let stage = stage_name(&c, index).unwrap_or_default();
    let level = AreaLevel::of(&stage);
    if let Some(cat) = &query.category {
        if !names(&c.categories).contains(cat) {
            return Err(ApiError::with_fields(
                Code::RequestInvalid,
                vec![FieldError::new("category", FieldCode::OneOf)
                    .with("allowed", names(&c.categories).join(", "))],
            ));
        }
    }

    let mut entries = at_stage(db, &c, index).await?;
    if let Some(cat) = &query.category {
        entries.retain(|(e, _)| &e.category == cat);
    }
    let scores: Vec<(Uuid, i32)> = competition_scores::Entity::find()
        .select_only()
        .column(competition_scores::Column::EntryId)
        .column(competition_scores::Column::Score)
        .filter(competition_scores::Column::CompetitionId.eq(c.id))
        .filter(competition_scores::Column::StageIndex.eq(index))
        .into_tuple()
        .all(db)
        .await?;
    let mut tallies: HashMap<Uuid, Tally> = HashMap::new();
    for (entry, score) in scores {
        let t = tallies.entry(entry).or_insert(Tally {
            lowest: i32::MAX,
            ..Default::default()
        });
        t.sum += i64::from(score);
        t.count += 1;
        t.lowest = t.lowest.min(score);
    }
    let pesantren_ids: Vec<Uuid> = entries.iter().map(|(e, _)| e.pesantren_id).collect();
    let names_of: HashMap<Uuid, String> = pesantren::Entity::find()
        .select_only()
        .column(pesantren::Column::Id)
        .column(pesantren::Column::Name)
        .filter(pesantren::Column::Id.is_in(pesantren_ids))
        .into_tuple::<(Uuid, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect();

    // The documented order: mean score (unscored last), then more scores,
    // then the higher lowest score, then earlier entry (ids sort by time).
    let key = |e: &competition_entries::Model| {
        let t = tallies.get(&e.id);
        let mean = t.map(|t| t.sum as f64 / f64::from(t.count.max(1)));
        (
            mean,
            t.map_or(0, |t| t.count),
            t.map_or(i32::MIN, |t| t.lowest),
        )
    };
    entries.sort_by(|(a, _), (b, _)| {
        let (ma, ca, la) = key(a);
        let (mb, cb, lb) = key(b);
        mb.partial_cmp(&ma)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(cb.cmp(&ca))
            .then(lb.cmp(&la))
            .then(a.id.cmp(&b.id))
    });

    let mut per_category: HashMap<String, u32> = HashMap::new();
    let mut best_seen: Vec<String> = Vec::new();
    let data = entries
        .into_iter()
        .enumerate()
        .map(|(i, (e, at))| {
            let (mean, count, _) = key(&e);
            let category_rank = {
                let n = per_category.entry(e.category.clone()).or_default();
                *n += 1;
                *n
            };
            let best_in_area = level.is_some() && count > 0 && !best_seen.contains(&at.area) && {
                best_seen.push(at.area.clone());
                true
            };
            Standing {
                rank: u32::try_from(i + 1).unwrap_or(u32::MAX),
                category_rank,
                entry_id: e.id,
                pesantren_id: e.pesantren_id,
                pesantren_name: names_of.get(&e.pesantren_id).cloned().unwrap_or_default(),
                category: e.category,
                mean_score: mean.map(|m| (m * 100.0).round() / 100.0),
                scores: count,
                area_code: level.map(|_| at.area.clone()),
                area_name: level.and_then(|_| ids::region_name(&at.area)),
                best_in_area,
                outcome: if at.advanced {
                    Outcome::Advanced
                } else if at.pending {
                    Outcome::Pending
                } else {
                    Outcome::Eliminated
                },
                status: e.status,
            }
        })
        .collect();
    Ok(StandingsView {
        competition_id: c.id,
        stage,
        area_level: level.map(|l| l.as_str().to_string()),
        data,
    })
}
