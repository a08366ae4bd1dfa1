//! Entries of competitions: entered by managers (their own verified
//! pesantren) or staff, scored by the province's curators as jurors, and
//! advanced or eliminated by its admins, stage by stage.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use entity::{
    competition_entries, competition_scores, competitions, mentor_assignments, pesantren, products,
    users, CompetitionStatus, EntryStatus, PesantrenStatus, Role,
};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use uuid::Uuid;

use super::model::{
    EliminateInput, EntryFilter, EntryInput, EntryView, ScoreInput, ScoreView, MAX_PRODUCTS,
};
use crate::audit::{self, WriteTx};
use crate::auth::{scope, Caller};
use crate::competitions::model::names;
use crate::competitions::service::{self as competitions_service, hold_stage, stage_name};
use crate::competitions::status::{self, AreaLevel};
use crate::db;
use crate::edit::check_version;
use crate::error::{ApiError, ApiResult, Code, FieldCode, FieldError};
use crate::pagination::{Page, PageParams};
use crate::validation::validate;

/// The entries as answered to `caller`, with their scores; juror names are
/// kept from the pesantren's own people.
async fn views(
    db: &impl ConnectionTrait,
    caller: &Caller,
    c: &competitions::Model,
    entries: Vec<competition_entries::Model>,
) -> ApiResult<Vec<EntryView>> {
    let ids: Vec<Uuid> = entries.iter().map(|e| e.id).collect();
    let scores = if ids.is_empty() {
        Vec::new()
    } else {
        competition_scores::Entity::find()
            .filter(competition_scores::Column::EntryId.is_in(ids))
            .order_by_asc(competition_scores::Column::Id)
            .all(db)
            .await?
    };
    let show_jurors = matches!(caller.role(), Some(Role::Admin | Role::Curator));
    let jurors: HashMap<Uuid, String> = if show_jurors && !scores.is_empty() {
        let ids: HashSet<Uuid> = scores.iter().map(|s| s.juror_id).collect();
        users::Entity::find()
            .select_only()
            .column(users::Column::Id)
            .column(users::Column::Name)
            .filter(users::Column::Id.is_in(ids))
            .into_tuple::<(Uuid, String)>()
            .all(db)
            .await?
            .into_iter()
            .collect()
    } else {
        HashMap::new()
    };
    let mut by_entry: HashMap<Uuid, Vec<ScoreView>> = HashMap::new();
    for s in scores {
        by_entry.entry(s.entry_id).or_default().push(ScoreView {
            id: s.id,
            stage: stage_name(c, s.stage_index).unwrap_or_default(),
            score: s.score,
            notes: s.notes,
            juror_id: show_jurors.then_some(s.juror_id),
            juror_name: jurors.get(&s.juror_id).cloned(),
            created_at: s.created_at,
        });
    }
    Ok(entries
        .into_iter()
        .map(|e| EntryView {
            id: e.id,
            competition_id: e.competition_id,
            pesantren_id: e.pesantren_id,
            province_code: e.province_code,
            regency_code: e.regency_code,
            district_code: e.district_code,
            category: e.category,
            product_ids: serde_json::from_value(e.product_ids).unwrap_or_default(),
            stage: stage_name(c, e.stage_index).unwrap_or_default(),
            status: e.status,
            eliminated_reason: e.eliminated_reason,
            decided_at: e.decided_at,
            entered_by: e.entered_by,
            scores: by_entry.remove(&e.id).unwrap_or_default(),
            created_at: e.created_at,
            updated_at: e.updated_at,
            version: e.version,
        })
        .collect())
}

async fn view(
    db: &impl ConnectionTrait,
    caller: &Caller,
    c: &competitions::Model,
    entry: competition_entries::Model,
) -> ApiResult<EntryView> {
    views(db, caller, c, vec![entry])
        .await?
        .pop()
        .ok_or_else(|| ApiError::new(Code::EntryNotFound))
}

/// One entry in the caller's scope, with its competition.
async fn load(
    db: &impl ConnectionTrait,
    caller: &Caller,
    id: Uuid,
) -> ApiResult<(competitions::Model, competition_entries::Model)> {
    let entry = scope::load::<competition_entries::Entity>(db, caller, id).await?;
    let c = competitions::Entity::find_by_id(entry.competition_id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::new(Code::EntryNotFound))?;
    Ok((c, entry))
}

/// Enters a verified pesantren of the competition's province, once, while
/// the competition takes entries.
pub async fn enter(
    db: &DatabaseConnection,
    caller: &Caller,
    competition_id: Uuid,
    input: EntryInput,
    today: NaiveDate,
) -> ApiResult<EntryView> {
    validate(&input)?;
    let c = competitions_service::load(db, caller, competition_id).await?;
    let owner = scope::load::<pesantren::Entity>(db, caller, input.pesantren_id)
        .await
        .map_err(|_| ApiError::field("pesantren_id", FieldCode::NoSuchPesantren))?;
    let mut errors = Vec::new();
    if owner.province_code != c.province_code {
        errors.push(
            FieldError::new("pesantren_id", FieldCode::WithinProvince)
                .with("province", c.province_code.clone()),
        );
    } else if owner.status != PesantrenStatus::Verified {
        errors.push(
            FieldError::new("pesantren_id", FieldCode::PesantrenNotVerified)
                .with("status", owner.status.as_str()),
        );
    } else if owner.district_code.is_none()
        && names(&c.stages)
            .iter()
            .any(|s| AreaLevel::of(s) == Some(AreaLevel::District))
    {
        errors.push(FieldError::new("pesantren_id", FieldCode::DistrictRequired));
    }
    let categories = names(&c.categories);
    if !categories.contains(&input.category) {
        errors.push(
            FieldError::new("category", FieldCode::OneOf).with("allowed", categories.join(", ")),
        );
    }
    let known: HashSet<Uuid> = products::Entity::find()
        .select_only()
        .column(products::Column::Id)
        .filter(products::Column::PesantrenId.eq(owner.id))
        .filter(products::Column::Id.is_in(input.product_ids.clone()))
        .into_tuple::<Uuid>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let mut seen = HashSet::new();
    for (i, id) in input.product_ids.iter().enumerate().take(MAX_PRODUCTS) {
        let field = format!("product_ids[{i}]");
        if !seen.insert(*id) {
            errors.push(FieldError::new(field, FieldCode::Duplicate));
        } else if !known.contains(id) {
            errors.push(FieldError::new(field, FieldCode::NoSuchProduct));
        }
    }
    ApiError::check(errors)?;
    status::takes_entries(c.status, c.entries_close_on, today)?;
    let already = competition_entries::Entity::find()
        .filter(competition_entries::Column::CompetitionId.eq(c.id))
        .filter(competition_entries::Column::PesantrenId.eq(owner.id))
        .count(db)
        .await?;
    if already > 0 {
        return Err(ApiError::new(Code::EntryAlreadyEntered));
    }

    let now = db::now();
    let row = competition_entries::ActiveModel {
        id: Set(db::new_id()),
        competition_id: Set(c.id),
        pesantren_id: Set(owner.id),
        province_code: Set(c.province_code.clone()),
        regency_code: Set(owner.regency_code.clone()),
        district_code: Set(owner.district_code.clone()),
        category: Set(input.category.clone()),
        product_ids: Set(serde_json::json!(input.product_ids)),
        stage_index: Set(0),
        status: Set(EntryStatus::Active),
        eliminated_reason: Set(None),
        decided_by: Set(None),
        decided_at: Set(None),
        entered_by: Set(caller.user_id()),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    };
    let mut tx = WriteTx::begin(db, &caller.actor()).await?;
    // Still open when the entry is written: judging may have started since
    // the competition was read.
    let open = competitions::Entity::update_many()
        .col_expr(
            competitions::Column::UpdatedAt,
            Expr::col(competitions::Column::UpdatedAt),
        )
        .filter(competitions::Column::Id.eq(c.id))
        .filter(competitions::Column::Status.eq(CompetitionStatus::Open))
        .exec(&*tx)
        .await?;
    if open.rows_affected == 0 {
        let now = competitions::Entity::find_by_id(c.id)
            .one(&*tx)
            .await?
            .ok_or_else(|| ApiError::new(Code::CompetitionNotFound))?;
        return Err(ApiError::new(Code::CompetitionNotOpen).with("status", now.status.as_str()));
    }
    let saved = row.insert(&*tx).await.map_err(|e| {
        if crate::error::is_unique_violation(&e) {
            ApiError::new(Code::EntryAlreadyEntered)
        } else {
            e.into()
        }
    })?;
    let result = view(&*tx, caller, &c, saved).await?;
    tx.record(audit::Entry {
        action: "create",
        resource_type: "competition_entry",
        resource_id: result.id,
        province_code: Some(result.province_code.clone()),
        changes: audit::created(&result),
    })
    .await?;
    tx.commit().await?;
    Ok(result)
}

/// The entries of a competition the caller sees: all of them for staff,
/// their own pesantren's for a manager. In order of entry.
pub async fn list(
    db: &DatabaseConnection,
    caller: &Caller,
    competition_id: Uuid,
    filter: &EntryFilter,
    page: &PageParams,
) -> ApiResult<Page<EntryView>> {
    let limit = page.limit()?;
    let c = competitions_service::load(db, caller, competition_id).await?;
    let mut q = scope::find::<competition_entries::Entity>(caller)
        .filter(competition_entries::Column::CompetitionId.eq(c.id))
        .order_by_asc(competition_entries::Column::Id);
    if let Some(s) = filter.status {
        q = q.filter(competition_entries::Column::Status.eq(s));
    }
    if let Some(stage) = &filter.stage {
        let stages = names(&c.stages);
        let Some(i) = stages.iter().position(|s| s == stage) else {
            return Err(ApiError::with_fields(
                Code::RequestInvalid,
                vec![FieldError::new("stage", FieldCode::OneOf).with("allowed", stages.join(", "))],
            ));
        };
        q = q.filter(competition_entries::Column::StageIndex.eq(i32::try_from(i).unwrap_or(0)));
    }
    if let Some(cat) = &filter.category {
        q = q.filter(competition_entries::Column::Category.eq(cat.as_str()));
    }
    if let Some(after) = page.position::<Uuid>()? {
        q = q.filter(competition_entries::Column::Id.gt(after));
    }
    let rows = q.limit(limit + 1).all(db).await?;
    let page = Page::from_rows(rows, limit, |e| e.id, |e| e);
    Ok(Page {
        data: views(db, caller, &c, page.data).await?,
        next_cursor: page.next_cursor,
    })
}

pub async fn get(db: &DatabaseConnection, caller: &Caller, id: Uuid) -> ApiResult<EntryView> {
    let (c, entry) = load(db, caller, id).await?;
    view(db, caller, &c, entry).await
}

/// An entry that is still competing at the stage being judged.
fn judged_now(c: &competitions::Model, e: &competition_entries::Model) -> ApiResult<()> {
    status::judging(c.status)?;
    if e.status != EntryStatus::Active {
        return Err(ApiError::new(Code::EntryDecided).with("status", e.status.as_str()));
    }
    if e.stage_index != c.current_stage {
        return Err(ApiError::new(Code::EntryNotAtStage)
            .with("stage", stage_name(c, e.stage_index).unwrap_or_default())
            .with(
                "current",
                stage_name(c, c.current_stage).unwrap_or_default(),
            ));
    }
    Ok(())
}

async fn decide(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
    expected_version: Option<i32>,
    eliminate: Option<EliminateInput>,
) -> ApiResult<EntryView> {
    if let Some(input) = &eliminate {
        validate(input)?;
    }
    let (c, current) = load(db, caller, id).await?;
    check_version(expected_version, current.version)?;
    judged_now(&c, &current)?;
    let before = view(db, caller, &c, current.clone()).await?;
    let last = i32::try_from(names(&c.stages).len()).unwrap_or(1) - 1;
    let now = db::now();
    let mut row = competition_entries::ActiveModel {
        decided_by: Set(caller.user_id()),
        decided_at: Set(Some(now)),
        updated_at: Set(now),
        version: Set(current.version + 1),
        ..Default::default()
    };
    match &eliminate {
        Some(input) => {
            row.status = Set(EntryStatus::Eliminated);
            row.eliminated_reason = Set(Some(input.reason.trim().to_string()));
        }
        None if current.stage_index >= last => row.status = Set(EntryStatus::Finalist),
        None => row.stage_index = Set(current.stage_index + 1),
    }
    let mut tx = WriteTx::begin(db, &caller.actor()).await?;
    // One decision at a time per competition, and only on the stage being
    // judged: the area rule below counts the entries as they are now.
    hold_stage(&*tx, c.id, current.stage_index).await?;
    if eliminate.is_some() {
        let stage = competitions_service::at_stage(&*tx, &c, current.stage_index).await?;
        let mut this = None;
        let mut others = Vec::new();
        for (e, at) in stage {
            if e.id == id {
                this = Some(at);
            } else {
                others.push(at);
            }
        }
        let level = stage_name(&c, current.stage_index)
            .as_deref()
            .and_then(AreaLevel::of);
        if let (Some(_), Some(this)) = (level, this) {
            let same_area: Vec<_> = others.into_iter().filter(|o| o.area == this.area).collect();
            status::may_eliminate(&this.area, this.scored, &same_area)?;
        }
    }
    scope::update_if_version::<competition_entries::Entity>(&*tx, id, current.version, row).await?;
    let saved = competition_entries::Entity::find_by_id(id)
        .one(&*tx)
        .await?
        .ok_or_else(|| ApiError::new(Code::EntryNotFound))?;
    let after = view(&*tx, caller, &c, saved).await?;
    tx.record(audit::Entry {
        action: if eliminate.is_some() {
            "eliminate"
        } else {
            "advance"
        },
        resource_type: "competition_entry",
        resource_id: id,
        province_code: Some(after.province_code.clone()),
        changes: audit::diff(&before, &after),
    })
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// Advances an entry to the next stage; out of the last one, it becomes a
/// finalist.
pub async fn advance(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
    expected_version: Option<i32>,
) -> ApiResult<EntryView> {
    decide(db, caller, id, expected_version, None).await
}

/// Eliminates an entry at the stage being judged, with a reason.
pub async fn eliminate(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
    input: EliminateInput,
    expected_version: Option<i32>,
) -> ApiResult<EntryView> {
    decide(db, caller, id, expected_version, Some(input)).await
}

/// Why `juror` may not judge `pesantren_id` in the competition's year, if
/// they may not: they mentor it (an assignment overlapping the year) or
/// they created one of its products.
async fn conflict(
    db: &impl ConnectionTrait,
    juror: Uuid,
    pesantren_id: Uuid,
    year: i32,
) -> ApiResult<Option<Code>> {
    let (first, last) = crate::activities::service::year_bounds(year)?;
    let mentors = mentor_assignments::Entity::find()
        .filter(mentor_assignments::Column::MentorId.eq(juror))
        .filter(mentor_assignments::Column::PesantrenId.eq(pesantren_id))
        .filter(mentor_assignments::Column::StartsOn.lte(last))
        .filter(
            Condition::any()
                .add(mentor_assignments::Column::EndsOn.is_null())
                .add(mentor_assignments::Column::EndsOn.gte(first)),
        )
        .count(db)
        .await?;
    if mentors > 0 {
        return Ok(Some(Code::ScoreJurorMentors));
    }
    let created = products::Entity::find()
        .filter(products::Column::PesantrenId.eq(pesantren_id))
        .filter(products::Column::CreatedBy.eq(juror))
        .count(db)
        .await?;
    Ok((created > 0).then_some(Code::ScoreJurorCreatedProducts))
}

/// A juror's score of an entry at the stage being judged, once.
pub async fn score(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
    input: ScoreInput,
) -> ApiResult<EntryView> {
    validate(&input)?;
    let (c, entry) = load(db, caller, id).await?;
    judged_now(&c, &entry)?;
    let juror = caller
        .user_id()
        .ok_or_else(|| ApiError::new(Code::AuthRoleForbidden))?;
    if let Some(code) = conflict(db, juror, entry.pesantren_id, c.year).await? {
        return Err(ApiError::new(code));
    }
    let now = db::now();
    let row = competition_scores::ActiveModel {
        id: Set(db::new_id()),
        entry_id: Set(entry.id),
        competition_id: Set(c.id),
        pesantren_id: Set(entry.pesantren_id),
        province_code: Set(entry.province_code.clone()),
        stage_index: Set(entry.stage_index),
        juror_id: Set(juror),
        score: Set(input.score),
        notes: Set(input
            .notes
            .as_ref()
            .map(|n| n.trim().to_string())
            .filter(|n| !n.is_empty())),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    };
    let mut tx = WriteTx::begin(db, &caller.actor()).await?;
    hold_stage(&*tx, c.id, entry.stage_index).await?;
    let saved = row.insert(&*tx).await.map_err(|e| {
        if crate::error::is_unique_violation(&e) {
            ApiError::new(Code::ScoreAlreadyGiven)
        } else {
            e.into()
        }
    })?;
    tx.record(audit::Entry {
        action: "score",
        resource_type: "competition_entry",
        resource_id: entry.id,
        province_code: Some(entry.province_code.clone()),
        changes: serde_json::json!({
            "score_id": {"to": saved.id},
            "stage": {"to": stage_name(&c, saved.stage_index)},
            "score": {"to": saved.score},
        }),
    })
    .await?;
    let after = view(&*tx, caller, &c, entry).await?;
    tx.commit().await?;
    Ok(after)
}
