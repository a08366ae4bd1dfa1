//! Access cases of santri.

use opop_tests::world::insert_santri;

use super::*;

/// A new santri of pesantren A, without a user account.
async fn new_santri(app: &TestApp, w: &World) -> Option<Uuid> {
    Some(
        insert_santri(app, &w.pesantren_a, "Santri Matriks")
            .await
            .id,
    )
}

/// Curators read the register but never change it; one that can see the
/// santri is refused by role (403), the others are out of scope (404).
pub fn cases() -> Vec<Case> {
    vec![
        Case {
            method: "POST",
            path: "/api/v1/pesantren/{id}/santri",
            roles: &["admin", "pesantren_manager"],
            anonymous: false,
            target: Target::PesantrenA,
            body: |a, _| {
                Some(json!({
                    "name": format!("Santri baru dari {}", a.key),
                    "gender": "P",
                    "entry_year": 2023,
                    "phone": "081234567890",
                }))
            },
            special: no_special,
            arrange: nothing,
        },
        Case {
            method: "GET",
            path: "/api/v1/pesantren/{id}/santri",
            roles: &["admin", "pesantren_manager"],
            anonymous: false,
            target: Target::PesantrenA,
            body: no_body,
            special: no_special,
            arrange: nothing,
        },
        Case {
            method: "GET",
            path: "/api/v1/santri/{id}",
            roles: SANTRI_READERS,
            anonymous: false,
            target: Target::SantriA,
            body: no_body,
            special: no_special,
            arrange: nothing,
        },
        Case {
            method: "PUT",
            path: "/api/v1/santri/{id}",
            roles: &["admin", "pesantren_manager", "santri"],
            anonymous: false,
            target: Target::SantriA,
            // A santri may change only their contact fields; staff any field.
            body: |a, _| {
                Some(if a.role == Some("santri") {
                    json!({"phone": "081298765432"})
                } else {
                    json!({"phone": "081234567890", "is_santripreneur": true, "entry_year": 2022})
                })
            },
            special: no_special,
            arrange: nothing,
        },
        Case {
            method: "PATCH",
            path: "/api/v1/santri/{id}",
            roles: &["admin", "pesantren_manager", "santri"],
            anonymous: false,
            target: Target::SantriA,
            body: |a, _| {
                Some(if a.role == Some("santri") {
                    json!({"address": "Dusun Krajan RT 01"})
                } else {
                    json!({"entry_year": 2021})
                })
            },
            special: no_special,
            arrange: nothing,
        },
        // Each caller deletes a santri of pesantren A made for it, without a
        // user account (santri A's account makes a delete a 409, tested in
        // `tests/santri.rs`).
        Case {
            method: "DELETE",
            path: "/api/v1/santri/{id}",
            roles: &["admin", "pesantren_manager"],
            anonymous: false,
            target: Target::Arranged,
            body: no_body,
            special: no_special,
            arrange: |app, w| Box::pin(new_santri(app, w)),
        },
    ]
}
