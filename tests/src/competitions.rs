//! Competition records made directly, bypassing the API: competitions in a
//! given state, entries at a given stage and awards, for tests (the access
//! matrix) that need them so.

use entity::{
    competition_awards, competition_entries, competitions, pesantren, CompetitionStatus,
    EntryStatus,
};
use sea_orm::{ActiveModelTrait, Set};
use serde_json::json;

use crate::programme::day;
use crate::TestApp;

/// A competition of `province` for 2026 with categories `start_up` and
/// `scale_up`, in `status`, with `closed` of its `stages` closed.
pub async fn insert_competition(
    app: &TestApp,
    province: &str,
    status: CompetitionStatus,
    stages: &[&str],
    closed: i32,
) -> competitions::Model {
    let now = opop_api::db::now();
    competitions::ActiveModel {
        id: Set(opop_api::db::new_id()),
        province_code: Set(province.into()),
        year: Set(2026),
        title: Set("Audisi Pesantren Juara".into()),
        description: Set(None),
        categories: Set(json!(["start_up", "scale_up"])),
        stages: Set(json!(stages)),
        entries_close_on: Set(day(12, 31)),
        status: Set(status),
        current_stage: Set(closed),
        created_by: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    }
    .insert(&app.db)
    .await
    .expect("inserting a competition")
}

/// An entry of pesantren `p` in `competition`, category `start_up`, at
/// stage `stage_index` in `status`, competing with no product.
pub async fn insert_entry(
    app: &TestApp,
    competition: &competitions::Model,
    p: &pesantren::Model,
    stage_index: i32,
    status: EntryStatus,
) -> competition_entries::Model {
    let now = opop_api::db::now();
    competition_entries::ActiveModel {
        id: Set(opop_api::db::new_id()),
        competition_id: Set(competition.id),
        pesantren_id: Set(p.id),
        province_code: Set(competition.province_code.clone()),
        regency_code: Set(p.regency_code.clone()),
        district_code: Set(p.district_code.clone()),
        category: Set("start_up".into()),
        product_ids: Set(json!([])),
        stage_index: Set(stage_index),
        status: Set(status),
        eliminated_reason: Set(None),
        decided_by: Set(None),
        decided_at: Set(None),
        entered_by: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    }
    .insert(&app.db)
    .await
    .expect("inserting an entry")
}

/// An award of `entry` with a grant of `grant_idr`, nothing paid.
pub async fn insert_award(
    app: &TestApp,
    competition: &competitions::Model,
    entry: &competition_entries::Model,
    rank: i32,
    grant_idr: i64,
) -> competition_awards::Model {
    let now = opop_api::db::now();
    competition_awards::ActiveModel {
        id: Set(opop_api::db::new_id()),
        competition_id: Set(competition.id),
        entry_id: Set(entry.id),
        pesantren_id: Set(entry.pesantren_id),
        province_code: Set(entry.province_code.clone()),
        year: Set(competition.year),
        category: Set(entry.category.clone()),
        rank: Set(rank),
        grant_idr: Set(grant_idr),
        disbursed_idr: Set(0),
        awarded_by: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    }
    .insert(&app.db)
    .await
    .expect("inserting an award")
}
