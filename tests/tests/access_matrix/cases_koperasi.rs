//! Access cases of koperasi.
//!
//! Order matters at the end: `DELETE /koperasi/{id}` really deletes the
//! world's koperasi A, so it is the last koperasi case, and of the callers
//! in the world's order (anonymous, admin_national, admin_35, …) the first
//! admitted one, `admin_national`, must delete it (204) while `admin_35`,
//! who would be admitted too, then finds nothing (404). Both admins in
//! scope deleting successfully is covered in `tests/koperasi.rs`, where
//! each test has its own world.

use super::*;

const WRITERS: &[&str] = &["admin", "pesantren_manager"];
const EVERYONE: &[&str] = &["admin", "curator", "pesantren_manager", "santri", "partner"];

/// Whether a writer's scope covers pesantren A (province 35). `special`
/// sees only the account, so this restates `World::sees` for that place.
fn writes_for_a(a: &Account) -> bool {
    match a.role {
        Some("admin") => matches!(a.place.province_code.as_deref(), None | Some("35")),
        Some("pesantren_manager") => a.key == "manager_a",
        _ => false,
    }
}

pub fn cases() -> Vec<Case> {
    vec![
        Case {
            method: "POST",
            path: "/api/v1/koperasi",
            roles: WRITERS,
            anonymous: false,
            target: Target::None,
            // Everyone asks for a koperasi of pesantren A, which has one:
            // writers in scope get past every check to the 409.
            body: |_, w| {
                Some(json!({
                    "pesantren_id": w.pesantren_a.id,
                    "name": "Kopontren kedua",
                    "member_count": 10,
                }))
            },
            // Writers whose scope misses pesantren A learn nothing about it:
            // its id is a validation error of the body, as for any unknown id.
            special: |a| {
                (a.role.is_some_and(|r| WRITERS.contains(&r)) && !writes_for_a(a)).then_some(422)
            },
        },
        Case {
            method: "GET",
            path: "/api/v1/koperasi",
            roles: EVERYONE,
            anonymous: true,
            target: Target::None,
            body: no_body,
            special: no_special,
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
        },
        // Last: it deletes koperasi A (see the module comment).
        Case {
            method: "DELETE",
            path: "/api/v1/koperasi/{id}",
            roles: ADMIN,
            anonymous: false,
            target: Target::KoperasiA,
            body: no_body,
            special: |a| (a.key == "admin_35").then_some(404),
        },
    ]
}
