//! Access cases of koperasi.
//!
//! Koperasi A is read and updated first. Each caller of `DELETE` deletes the
//! koperasi pesantren A has (one is made for it when an earlier caller
//! deleted A's), and each caller of `POST` registers one for pesantren A,
//! which has none by then: every writer in scope succeeds. Both come last,
//! as nothing after them may need koperasi A.

use entity::koperasi;
use opop_tests::world::insert_koperasi;
use sea_orm::{ColumnTrait, QueryFilter};

use super::*;

const WRITERS: &[&str] = &["admin", "pesantren_manager"];
const EVERYONE: &[&str] = &[
    "admin",
    "curator",
    "pesantren_manager",
    "santri",
    "mentor",
    "partner",
];

/// Whether a writer's scope covers pesantren A (province 35). `special`
/// sees only the account, so this restates `World::sees` for that place.
fn writes_for_a(a: &Account) -> bool {
    match a.role {
        Some("admin") => matches!(a.place.province_code.as_deref(), None | Some("35")),
        Some("pesantren_manager") => a.key == "manager_a",
        _ => false,
    }
}

/// The koperasi of pesantren A, made anew when there is none.
async fn with_koperasi(app: &TestApp, w: &World) -> Option<Uuid> {
    let existing = koperasi::Entity::find()
        .filter(koperasi::Column::PesantrenId.eq(w.pesantren_a.id))
        .one(&app.db)
        .await
        .unwrap();
    Some(match existing {
        Some(k) => k.id,
        None => insert_koperasi(app, &w.pesantren_a).await.id,
    })
}

/// Pesantren A without a koperasi.
async fn without_koperasi(app: &TestApp, w: &World) -> Option<Uuid> {
    koperasi::Entity::delete_many()
        .filter(koperasi::Column::PesantrenId.eq(w.pesantren_a.id))
        .exec(&app.db)
        .await
        .unwrap();
    None
}

pub fn cases() -> Vec<Case> {
    vec![
        Case {
            method: "GET",
            path: "/api/v1/koperasi",
            roles: EVERYONE,
            anonymous: true,
            target: Target::None,
            body: no_body,
            special: no_special,
            arrange: nothing,
        },
        Case {
            method: "GET",
            path: "/api/v1/koperasi/{id}",
            roles: EVERYONE,
            anonymous: true,
            target: Target::KoperasiA,
            body: no_body,
            // Pesantren A is verified, so everyone may read the public
            // profile of its koperasi; staff in scope read it in full (the
            // difference is tested in `tests/koperasi.rs`).
            special: |_| Some(200),
            arrange: nothing,
        },
        Case {
            method: "PUT",
            path: "/api/v1/koperasi/{id}",
            roles: WRITERS,
            anonymous: false,
            target: Target::KoperasiA,
            body: |a, _| {
                Some(json!({
                    "name": format!("Kopontren A ({})", a.key),
                    "member_count": 30,
                    "business_units": ["toko"],
                }))
            },
            special: no_special,
            arrange: nothing,
        },
        Case {
            method: "PATCH",
            path: "/api/v1/koperasi/{id}",
            roles: WRITERS,
            anonymous: false,
            target: Target::KoperasiA,
            body: |_, _| Some(json!({"member_count": 31})),
            special: no_special,
            arrange: nothing,
        },
        Case {
            method: "DELETE",
            path: "/api/v1/koperasi/{id}",
            roles: ADMIN,
            anonymous: false,
            target: Target::Arranged,
            body: no_body,
            special: no_special,
            arrange: |app, w| Box::pin(with_koperasi(app, w)),
        },
        Case {
            method: "POST",
            path: "/api/v1/koperasi",
            roles: WRITERS,
            anonymous: false,
            target: Target::None,
            // Everyone asks for a koperasi of pesantren A, which has none.
            body: |_, w| {
                Some(json!({
                    "pesantren_id": w.pesantren_a.id,
                    "name": "Kopontren baru",
                    "member_count": 10,
                }))
            },
            // Writers whose scope misses pesantren A learn nothing about it:
            // its id is a validation error of the body, as for any unknown id.
            special: |a| {
                (a.role.is_some_and(|r| WRITERS.contains(&r)) && !writes_for_a(a)).then_some(422)
            },
            arrange: |app, w| Box::pin(without_koperasi(app, w)),
        },
    ]
}
