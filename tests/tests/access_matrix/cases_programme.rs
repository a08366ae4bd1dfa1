//! Access cases of the programme: activities, participants, deals,
//! mentoring, targets, flagship awards and enterprises.
//!
//! Activities belong to province 35 as a whole (`Target::Shared`): its
//! staff and the managers of its pesantren see them. Each writing case
//! makes its own record in the state it needs, so that every admitted
//! caller succeeds.

use entity::{
    mentor_assignments, santri, targets, ActivityKind, ActivityStatus, DealStatus, SantriStatus,
};
use opop_tests::programme::{insert_activity, insert_deal, insert_participant};
use opop_tests::world::insert_assignment;
use sea_orm::{ColumnTrait, IntoActiveModel, QueryFilter};

use super::*;

const STAFF: &[&str] = &["admin", "curator"];
const PROGRAMME: &[&str] = &["admin", "curator", "pesantren_manager"];
const CURATOR: &[&str] = &["curator"];
const MENTOR: &[&str] = &["mentor"];
const SANTRI_WRITERS: &[&str] = &["admin", "pesantren_manager", "santri"];

fn in_other_province(a: &Account) -> bool {
    a.place.province_code.as_deref() == Some("32")
}

/// Staff of province 32 may not act in 35.
fn other_province_forbidden(a: &Account) -> Option<u16> {
    (matches!(a.role, Some("admin" | "curator")) && in_other_province(a)).then_some(403)
}

async fn activity_in(app: &TestApp, kind: ActivityKind, status: ActivityStatus) -> Option<Uuid> {
    Some(
        insert_activity(app, "35", kind, status, Some(1000))
            .await
            .id,
    )
}

async fn with_a_enrolled(app: &TestApp, w: &World) -> Option<Uuid> {
    let a = insert_activity(
        app,
        "35",
        ActivityKind::Training,
        ActivityStatus::Open,
        None,
    )
    .await;
    insert_participant(app, a.id, &w.pesantren_a).await;
    Some(a.id)
}

async fn reported_deal(app: &TestApp, w: &World) -> Option<Uuid> {
    let a = insert_activity(
        app,
        "35",
        ActivityKind::BusinessMatching,
        ActivityStatus::Done,
        None,
    )
    .await;
    Some(
        insert_deal(app, a.id, &w.pesantren_a, DealStatus::Reported, 5_000_000)
            .await
            .id,
    )
}

/// No assignment of the spare mentor, so that each caller may make one.
async fn spare_mentor_free(app: &TestApp, w: &World) -> Option<Uuid> {
    mentor_assignments::Entity::delete_many()
        .filter(mentor_assignments::Column::MentorId.eq(w.spare_mentor_id))
        .exec(&app.db)
        .await
        .unwrap();
    None
}

async fn spare_assignment(app: &TestApp, w: &World) -> Option<Uuid> {
    Some(
        insert_assignment(app, w.spare_mentor_id, &w.pesantren_a, None)
            .await
            .id,
    )
}

async fn targets_set(app: &TestApp, _: &World) -> Option<Uuid> {
    let existing = targets::Entity::find()
        .filter(targets::Column::ProvinceCode.eq("35"))
        .filter(targets::Column::Year.eq(2026))
        .one(&app.db)
        .await
        .unwrap();
    if existing.is_none() {
        let now = opop_api::db::now();
        targets::ActiveModel {
            id: Set(opop_api::db::new_id()),
            province_code: Set("35".into()),
            year: Set(2026),
            verified_pesantren: Set(Some(100)),
            flagship_products: Set(None),
            santripreneurs: Set(None),
            sociopreneurs: Set(None),
            trained_santri: Set(None),
            deal_value_idr: Set(None),
            updated_by: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            version: Set(1),
        }
        .insert(&app.db)
        .await
        .unwrap();
    }
    None
}

/// Santri A as an alumnus, who may have enterprises.
async fn santri_a_alumnus(app: &TestApp, w: &World) -> Option<Uuid> {
    let mut row = santri::Entity::find_by_id(w.santri_a.id)
        .one(&app.db)
        .await
        .unwrap()
        .expect("santri A")
        .into_active_model();
    row.status = Set(SantriStatus::Alumni);
    row.update(&app.db).await.unwrap();
    None
}

/// Product A approved and not flagship, or flagship, for each caller.
async fn product_a_flagship(app: &TestApp, w: &World, flagship: bool) -> Option<Uuid> {
    product_a_in(app, w, ProductStatus::Approved).await;
    let mut row = products::Entity::find_by_id(w.product_a.id)
        .one(&app.db)
        .await
        .unwrap()
        .expect("product A")
        .into_active_model();
    row.is_flagship = Set(flagship);
    row.update(&app.db).await.unwrap();
    None
}

fn activity_body() -> Value {
    json!({
        "kind": "training",
        "province_code": "35",
        "title": "Pelatihan Manajemen Koperasi",
        "starts_on": "2026-07-01",
        "ends_on": "2026-07-03",
        "location": "Surabaya",
        "capacity": 30
    })
}

fn deal_body(w: &World) -> Value {
    json!({
        "pesantren_id": w.pesantren_a.id,
        "buyer_name": "PT Sinar Niaga",
        "buyer_kind": "retailer",
        "value_idr": 25_000_000,
        "kind": "transaction",
        "signed_on": "2026-06-10"
    })
}

/// Manager A of the activity's pesantren; every other manager is out of
/// scope, and staff of 32 see no activity of 35.
fn shared(case: &'static str, method: &'static str, roles: &'static [&'static str]) -> Case {
    Case {
        method,
        path: case,
        roles,
        anonymous: false,
        target: Target::Shared,
        body: no_body,
        special: no_special,
        arrange: |app, _| Box::pin(activity_in(app, ActivityKind::Expo, ActivityStatus::Open)),
    }
}

pub fn cases() -> Vec<Case> {
    vec![
        Case {
            method: "POST",
            path: "/api/v1/activities",
            roles: STAFF,
            anonymous: false,
            target: Target::None,
            body: |_, _| Some(activity_body()),
            special: other_province_forbidden,
            arrange: nothing,
        },
        Case {
            method: "GET",
            path: "/api/v1/activities",
            roles: PROGRAMME,
            anonymous: false,
            target: Target::None,
            body: no_body,
            special: no_special,
            arrange: nothing,
        },
        shared("/api/v1/activities/{id}", "GET", PROGRAMME),
        Case {
            body: |_, _| Some(activity_body()),
            arrange: |app, _| {
                Box::pin(activity_in(
                    app,
                    ActivityKind::Training,
                    ActivityStatus::Planned,
                ))
            },
            ..shared("/api/v1/activities/{id}", "PUT", STAFF)
        },
        Case {
            body: |_, _| Some(json!({"capacity": 50})),
            arrange: |app, _| {
                Box::pin(activity_in(
                    app,
                    ActivityKind::Training,
                    ActivityStatus::Planned,
                ))
            },
            ..shared("/api/v1/activities/{id}", "PATCH", STAFF)
        },
        Case {
            arrange: |app, _| {
                Box::pin(activity_in(
                    app,
                    ActivityKind::Training,
                    ActivityStatus::Planned,
                ))
            },
            ..shared("/api/v1/activities/{id}/open", "POST", STAFF)
        },
        Case {
            arrange: |app, _| {
                Box::pin(activity_in(
                    app,
                    ActivityKind::Training,
                    ActivityStatus::Open,
                ))
            },
            ..shared("/api/v1/activities/{id}/close", "POST", STAFF)
        },
        Case {
            arrange: |app, _| {
                Box::pin(activity_in(
                    app,
                    ActivityKind::Training,
                    ActivityStatus::Closed,
                ))
            },
            ..shared("/api/v1/activities/{id}/complete", "POST", STAFF)
        },
        Case {
            arrange: |app, _| {
                Box::pin(activity_in(
                    app,
                    ActivityKind::Training,
                    ActivityStatus::Planned,
                ))
            },
            ..shared("/api/v1/activities/{id}/cancel", "POST", STAFF)
        },
        shared("/api/v1/activities/{id}/participants", "GET", PROGRAMME),
        Case {
            body: |_, w| Some(json!({"pesantren_id": w.pesantren_a.id})),
            arrange: |app, _| {
                Box::pin(activity_in(
                    app,
                    ActivityKind::Training,
                    ActivityStatus::Open,
                ))
            },
            ..shared("/api/v1/activities/{id}/participants", "POST", PROGRAMME)
        },
        Case {
            arrange: |app, w| Box::pin(with_a_enrolled(app, w)),
            ..shared(
                "/api/v1/activities/{id}/participants/{pesantren_id}",
                "DELETE",
                PROGRAMME,
            )
        },
        Case {
            body: |_, _| Some(json!({"attended": true})),
            arrange: |app, w| Box::pin(with_a_enrolled(app, w)),
            ..shared(
                "/api/v1/activities/{id}/participants/{pesantren_id}/attendance",
                "PUT",
                STAFF,
            )
        },
        Case {
            body: |_, _| Some(json!({"attended": false})),
            arrange: |app, w| Box::pin(with_a_enrolled(app, w)),
            ..shared(
                "/api/v1/activities/{id}/participants/{pesantren_id}/attendance",
                "PATCH",
                STAFF,
            )
        },
        Case {
            arrange: |app, _| {
                Box::pin(activity_in(
                    app,
                    ActivityKind::BusinessMatching,
                    ActivityStatus::Done,
                ))
            },
            ..shared("/api/v1/activities/{id}/deals", "GET", PROGRAMME)
        },
        Case {
            body: |_, w| Some(deal_body(w)),
            arrange: |app, _| {
                Box::pin(activity_in(
                    app,
                    ActivityKind::BusinessMatching,
                    ActivityStatus::Open,
                ))
            },
            ..shared("/api/v1/activities/{id}/deals", "POST", PROGRAMME)
        },
        Case {
            method: "GET",
            path: "/api/v1/deals/{id}",
            roles: PROGRAMME,
            anonymous: false,
            target: Target::Arranged,
            body: no_body,
            special: no_special,
            arrange: |app, w| Box::pin(reported_deal(app, w)),
        },
        Case {
            method: "POST",
            path: "/api/v1/deals/{id}/confirm",
            roles: STAFF,
            anonymous: false,
            target: Target::Arranged,
            body: no_body,
            special: no_special,
            arrange: |app, w| Box::pin(reported_deal(app, w)),
        },
        Case {
            method: "GET",
            path: "/api/v1/catalog/events",
            roles: ALL,
            anonymous: true,
            target: Target::None,
            body: no_body,
            special: no_special,
            arrange: nothing,
        },
        Case {
            method: "GET",
            path: "/api/v1/catalog/events/{id}",
            roles: ALL,
            anonymous: true,
            target: Target::Shared,
            body: no_body,
            // A public event: anyone sees it, whatever their scope.
            special: |_| Some(200),
            arrange: |app, _| Box::pin(activity_in(app, ActivityKind::Expo, ActivityStatus::Open)),
        },
        Case {
            method: "POST",
            path: "/api/v1/mentoring/assignments",
            roles: ADMIN,
            anonymous: false,
            target: Target::None,
            body: |_, w| {
                Some(json!({
                    "mentor_id": w.spare_mentor_id,
                    "pesantren_id": w.pesantren_a.id,
                    "starts_on": "2026-01-01"
                }))
            },
            // Pesantren A is out of reach of the admin of 32: a bad field.
            special: |a| (a.role == Some("admin") && in_other_province(a)).then_some(422),
            arrange: |app, w| Box::pin(spare_mentor_free(app, w)),
        },
        Case {
            method: "GET",
            path: "/api/v1/mentoring/assignments",
            roles: REGISTER_READERS,
            anonymous: false,
            target: Target::None,
            body: no_body,
            special: no_special,
            arrange: nothing,
        },
        Case {
            method: "DELETE",
            path: "/api/v1/mentoring/assignments/{id}",
            roles: ADMIN,
            anonymous: false,
            target: Target::Arranged,
            body: no_body,
            special: no_special,
            arrange: |app, w| Box::pin(spare_assignment(app, w)),
        },
        Case {
            method: "GET",
            path: "/api/v1/pesantren/{id}/mentoring-sessions",
            roles: REGISTER_READERS,
            anonymous: false,
            target: Target::PesantrenA,
            body: no_body,
            special: no_special,
            arrange: nothing,
        },
        Case {
            method: "POST",
            path: "/api/v1/pesantren/{id}/mentoring-sessions",
            roles: MENTOR,
            anonymous: false,
            target: Target::PesantrenA,
            body: |_, _| {
                Some(json!({
                    "held_on": "2026-01-15",
                    "topic": "Pembukuan koperasi",
                    "notes": "Buku kas dipisah per unit."
                }))
            },
            special: no_special,
            arrange: nothing,
        },
        Case {
            method: "PUT",
            path: "/api/v1/targets/{province_code}/{year}",
            roles: ADMIN,
            anonymous: false,
            target: Target::None,
            body: |_, _| {
                Some(json!({"verified_pesantren": 500, "deal_value_idr": 25_000_000_000i64}))
            },
            special: other_province_forbidden,
            arrange: nothing,
        },
        Case {
            method: "PATCH",
            path: "/api/v1/targets/{province_code}/{year}",
            roles: ADMIN,
            anonymous: false,
            target: Target::None,
            body: |_, _| Some(json!({"trained_santri": 1000})),
            special: other_province_forbidden,
            arrange: |app, w| Box::pin(targets_set(app, w)),
        },
        Case {
            method: "GET",
            path: "/api/v1/targets",
            roles: STAFF,
            anonymous: false,
            target: Target::None,
            body: no_body,
            special: no_special,
            arrange: nothing,
        },
        Case {
            method: "POST",
            path: "/api/v1/products/{id}/flagship",
            roles: CURATOR,
            anonymous: false,
            target: Target::ProductA,
            body: no_body,
            special: no_special,
            arrange: |app, w| Box::pin(product_a_flagship(app, w, false)),
        },
        Case {
            method: "DELETE",
            path: "/api/v1/products/{id}/flagship",
            roles: CURATOR,
            anonymous: false,
            target: Target::ProductA,
            body: no_body,
            special: no_special,
            arrange: |app, w| Box::pin(product_a_flagship(app, w, true)),
        },
        Case {
            method: "GET",
            path: "/api/v1/santri/{id}/enterprises",
            roles: SANTRI_READERS,
            anonymous: false,
            target: Target::SantriA,
            body: no_body,
            special: no_special,
            arrange: nothing,
        },
        Case {
            method: "POST",
            path: "/api/v1/santri/{id}/enterprises",
            roles: SANTRI_WRITERS,
            anonymous: false,
            target: Target::SantriA,
            body: |_, _| {
                Some(json!({
                    "name": "Bank Sampah Santri",
                    "kind": "social",
                    "started_on": "2025-08-17"
                }))
            },
            special: no_special,
            arrange: |app, w| Box::pin(santri_a_alumnus(app, w)),
        },
    ]
}
