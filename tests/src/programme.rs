//! Programme records made directly, bypassing the API: activities, their
//! participants and deals, for tests that need them in a given state.

use chrono::NaiveDate;
use entity::{
    activities, activity_participants, deals, pesantren, ActivityKind, ActivityStatus, BuyerKind,
    DealKind, DealStatus,
};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, ExprTrait, QueryFilter, Set};
use serde_json::json;
use uuid::Uuid;

use crate::TestApp;

/// A day of 2026.
pub fn day(month: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, month, d).expect("a day")
}

/// An activity of `province`, in `status`, held in person on 2026-06-10/11.
pub async fn insert_activity(
    app: &TestApp,
    province: &str,
    kind: ActivityKind,
    status: ActivityStatus,
    capacity: Option<i32>,
) -> activities::Model {
    let now = opop_api::db::now();
    activities::ActiveModel {
        id: Set(opop_api::db::new_id()),
        kind: Set(kind),
        title: Set(format!("Kegiatan {kind}")),
        description: Set(None),
        province_code: Set(province.into()),
        regency_code: Set(None),
        starts_on: Set(day(6, 10)),
        ends_on: Set(day(6, 11)),
        location: Set(Some("Gedung Serbaguna".into())),
        online: Set(false),
        capacity: Set(capacity),
        registration_closes_on: Set(None),
        public: Set(kind == ActivityKind::Expo),
        status: Set(status),
        enrolled: Set(0),
        created_by: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    }
    .insert(&app.db)
    .await
    .expect("inserting an activity")
}

/// Enrols pesantren `p` in `activity`, taking a place.
pub async fn insert_participant(
    app: &TestApp,
    activity: Uuid,
    p: &pesantren::Model,
) -> activity_participants::Model {
    let now = opop_api::db::now();
    activities::Entity::update_many()
        .col_expr(
            activities::Column::Enrolled,
            Expr::col(activities::Column::Enrolled).add(1),
        )
        .filter(activities::Column::Id.eq(activity))
        .exec(&app.db)
        .await
        .expect("taking a place");
    activity_participants::ActiveModel {
        id: Set(opop_api::db::new_id()),
        activity_id: Set(activity),
        pesantren_id: Set(p.id),
        province_code: Set(p.province_code.clone()),
        santri_ids: Set(json!([])),
        santri_count: Set(0),
        attended: Set(None),
        enrolled_at: Set(now),
        enrolled_by: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    }
    .insert(&app.db)
    .await
    .expect("inserting a participant")
}

/// A deal of pesantren `p` at `activity`.
pub async fn insert_deal(
    app: &TestApp,
    activity: Uuid,
    p: &pesantren::Model,
    status: DealStatus,
    value_idr: i64,
) -> deals::Model {
    let now = opop_api::db::now();
    deals::ActiveModel {
        id: Set(opop_api::db::new_id()),
        activity_id: Set(activity),
        pesantren_id: Set(p.id),
        province_code: Set(p.province_code.clone()),
        buyer_name: Set("PT Pembeli".into()),
        buyer_kind: Set(BuyerKind::Offtaker),
        product_id: Set(None),
        value_idr: Set(value_idr),
        kind: Set(DealKind::Contract),
        signed_on: Set(day(6, 10)),
        status: Set(status),
        reported_by: Set(None),
        confirmed_by: Set(None),
        confirmed_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    }
    .insert(&app.db)
    .await
    .expect("inserting a deal")
}
