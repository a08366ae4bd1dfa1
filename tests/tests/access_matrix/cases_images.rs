//! Access cases of product images.
//!
//! The matrix sends JSON only, so an upload that passes the guard and the
//! scope is refused as not `multipart/form-data` (415). Product A has no
//! images: reordering it to the empty list succeeds (200), and the route
//! with `{image_id}` is called with that literal text, which names no image
//! (404) once guard and scope have passed. `GET /images/{id}` is called
//! with the published product's id, which is no image's: 404 for everyone,
//! anonymous included.

use super::*;

const WRITERS: &[&str] = &["admin", "pesantren_manager"];
const READERS: &[&str] = REGISTER_READERS;

/// Admitted writers in product A's scope.
fn writer_in_scope(a: &Account) -> bool {
    matches!(a.key, "admin_national" | "admin_35" | "manager_a")
}

pub fn cases() -> Vec<Case> {
    vec![
        Case {
            method: "POST",
            path: "/api/v1/products/{id}/images",
            roles: WRITERS,
            anonymous: false,
            target: Target::ProductA,
            body: |_, _| Some(json!({"file": "aGVsbG8="})),
            special: |a| writer_in_scope(a).then_some(415),
            arrange: nothing,
        },
        Case {
            method: "GET",
            path: "/api/v1/products/{id}/images",
            roles: READERS,
            anonymous: false,
            target: Target::ProductA,
            body: no_body,
            special: no_special,
            arrange: nothing,
        },
        Case {
            method: "PUT",
            path: "/api/v1/products/{id}/images/order",
            roles: WRITERS,
            anonymous: false,
            target: Target::ProductA,
            body: |_, _| Some(json!({"ids": []})),
            special: no_special,
            arrange: nothing,
        },
        Case {
            method: "PATCH",
            path: "/api/v1/products/{id}/images/order",
            roles: WRITERS,
            anonymous: false,
            target: Target::ProductA,
            body: |_, _| Some(json!({"ids": []})),
            special: no_special,
            arrange: nothing,
        },
        Case {
            method: "DELETE",
            path: "/api/v1/products/{id}/images/{image_id}",
            roles: WRITERS,
            anonymous: false,
            target: Target::ProductA,
            body: no_body,
            special: |a| writer_in_scope(a).then_some(404),
            arrange: nothing,
        },
        Case {
            method: "GET",
            path: "/api/v1/images/{id}",
            roles: ALL,
            anonymous: true,
            target: Target::PublishedProduct,
            body: no_body,
            special: |_| Some(404),
            arrange: nothing,
        },
    ]
}
