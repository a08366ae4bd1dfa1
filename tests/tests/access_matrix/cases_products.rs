//! Access cases of products and their curation.

use super::*;

fn product_input(sku: String) -> Value {
    json!({
        "name": "Keripik Tempe Santri",
        "description": "Keripik tempe renyah buatan santri.",
        "category": "food",
        "price_idr": 15000,
        "stock": 50,
        "unit": "bungkus",
        "weight_grams": 200,
        "sku": sku,
        "shelf_life_days": 90,
        "images": ["https://images.opop.example/keripik.jpg"],
    })
}

fn fresh_sku() -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(1);
    format!("MTX-{}", NEXT.fetch_add(1, Ordering::Relaxed))
}

/// Product A starts `approved`. Each action puts it in the state the action
/// starts from before every caller, so each admitted caller performs it;
/// approving comes last, which leaves A approved for the cases after these.
pub fn cases() -> Vec<Case> {
    let writers: &'static [&'static str] = &["admin", "pesantren_manager"];
    let staff: &'static [&'static str] = &["admin", "curator"];
    let readers: &'static [&'static str] = REGISTER_READERS;
    vec![
        // The matrix sends no Idempotency-Key: admitted callers get 400 for
        // it (per-item scope is in tests/variants.rs).
        Case {
            method: "POST",
            path: "/api/v1/products/stock",
            roles: writers,
            anonymous: false,
            target: Target::None,
            body: |_, w| Some(json!({"items": [{"id": w.product_a.id, "stock": 5}]})),
            special: |a| matches!(a.role, Some("admin" | "pesantren_manager")).then_some(400),
            arrange: nothing,
        },
        Case {
            method: "POST",
            path: "/api/v1/products/prices",
            roles: writers,
            anonymous: false,
            target: Target::None,
            body: |_, w| Some(json!({"items": [{"id": w.product_a.id, "price_idr": 5000}]})),
            special: |a| matches!(a.role, Some("admin" | "pesantren_manager")).then_some(400),
            arrange: nothing,
        },
        Case {
            method: "POST",
            path: "/api/v1/products",
            roles: writers,
            anonymous: false,
            target: Target::None,
            body: |a, w| {
                let mut body = product_input(fresh_sku());
                // Admins name a pesantren; managers default to their own.
                if a.role == Some("admin") {
                    let p = if a.place.province_code.as_deref() == Some("32") {
                        &w.pesantren_b
                    } else {
                        &w.pesantren_a
                    };
                    body["pesantren_id"] = json!(p.id);
                }
                Some(body)
            },
            special: no_special,
            arrange: nothing,
        },
        Case {
            method: "GET",
            path: "/api/v1/products",
            roles: readers,
            anonymous: false,
            target: Target::None,
            body: no_body,
            special: no_special,
            arrange: nothing,
        },
        Case {
            method: "GET",
            path: "/api/v1/products/{id}",
            roles: readers,
            anonymous: false,
            target: Target::ProductA,
            body: no_body,
            special: no_special,
            arrange: nothing,
        },
        Case {
            method: "PUT",
            path: "/api/v1/products/{id}",
            roles: writers,
            anonymous: false,
            target: Target::ProductA,
            body: |_, w| {
                let mut body = product_input(w.product_a.sku.clone().unwrap_or_default());
                body["name"] = json!(w.product_a.name);
                body["description"] = json!(w.product_a.description);
                Some(body)
            },
            special: no_special,
            arrange: nothing,
        },
        Case {
            method: "PATCH",
            path: "/api/v1/products/{id}",
            roles: writers,
            anonymous: false,
            target: Target::ProductA,
            // Price alone: product A stays approved.
            body: |_, _| Some(json!({"price_idr": 16000})),
            special: no_special,
            arrange: nothing,
        },
        Case {
            method: "POST",
            path: "/api/v1/products/{id}/unlist",
            roles: writers,
            anonymous: false,
            target: Target::ProductA,
            body: no_body,
            special: no_special,
            arrange: |app, w| Box::pin(product_a_in(app, w, ProductStatus::Approved)),
        },
        Case {
            method: "POST",
            path: "/api/v1/products/{id}/relist",
            roles: writers,
            anonymous: false,
            target: Target::ProductA,
            body: no_body,
            special: no_special,
            arrange: |app, w| Box::pin(product_a_in(app, w, ProductStatus::Unlisted)),
        },
        Case {
            method: "POST",
            path: "/api/v1/products/{id}/submit",
            roles: writers,
            anonymous: false,
            target: Target::ProductA,
            body: no_body,
            special: no_special,
            arrange: |app, w| Box::pin(product_a_in(app, w, ProductStatus::Draft)),
        },
        Case {
            method: "POST",
            path: "/api/v1/products/{id}/reject",
            roles: staff,
            anonymous: false,
            target: Target::ProductA,
            body: |_, _| Some(json!({"reason": "Foto kurang jelas"})),
            special: no_special,
            arrange: |app, w| Box::pin(product_a_in(app, w, ProductStatus::InReview)),
        },
        Case {
            method: "POST",
            path: "/api/v1/products/{id}/approve",
            roles: staff,
            anonymous: false,
            target: Target::ProductA,
            body: no_body,
            special: no_special,
            arrange: |app, w| Box::pin(product_a_in(app, w, ProductStatus::InReview)),
        },
    ]
}
