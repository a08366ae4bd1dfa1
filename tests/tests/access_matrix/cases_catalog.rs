//! Access cases of the public catalogue, the change feed and listings.
//!
//! The catalogue is public: every caller, with or without a token, reads
//! the published product (200). Listings belong to the partner that
//! records them: it records (201), reads (200) and removes (204) its own.

use super::*;

const PARTNER: &[&str] = &["partner"];

pub fn cases() -> Vec<Case> {
    vec![
        Case {
            method: "GET",
            path: "/api/v1/catalog/products",
            roles: ALL,
            anonymous: true,
            target: Target::None,
            body: no_body,
            special: no_special,
            arrange: nothing,
        },
        Case {
            method: "GET",
            path: "/api/v1/catalog/products/{id}",
            roles: ALL,
            anonymous: true,
            target: Target::PublishedProduct,
            body: no_body,
            special: |_| Some(200),
            arrange: nothing,
        },
        Case {
            method: "GET",
            path: "/api/v1/catalog/changes",
            roles: PARTNER,
            anonymous: false,
            target: Target::None,
            body: no_body,
            special: no_special,
            arrange: nothing,
        },
        Case {
            method: "PUT",
            path: "/api/v1/catalog/products/{id}/listing",
            roles: PARTNER,
            anonymous: false,
            target: Target::PublishedProduct,
            body: |_, _| {
                Some(
                    json!({"external_id": "998877", "url": "https://shopee.co.id/product/1/998877"}),
                )
            },
            special: |a| (a.key == "partner").then_some(201),
            arrange: nothing,
        },
        // After the PUT: the partner has a listing to patch.
        Case {
            method: "PATCH",
            path: "/api/v1/catalog/products/{id}/listing",
            roles: PARTNER,
            anonymous: false,
            target: Target::PublishedProduct,
            body: |_, _| Some(json!({"url": "https://shopee.co.id/product/1/998878"})),
            special: |a| (a.key == "partner").then_some(200),
            arrange: nothing,
        },
        Case {
            method: "GET",
            path: "/api/v1/catalog/products/{id}/listing",
            roles: PARTNER,
            anonymous: false,
            target: Target::PublishedProduct,
            body: no_body,
            special: |a| (a.key == "partner").then_some(200),
            arrange: nothing,
        },
        Case {
            method: "DELETE",
            path: "/api/v1/catalog/products/{id}/listing",
            roles: PARTNER,
            anonymous: false,
            target: Target::PublishedProduct,
            body: no_body,
            special: |a| (a.key == "partner").then_some(204),
            arrange: nothing,
        },
    ]
}
