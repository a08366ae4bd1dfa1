//! Access cases of the orders routes.
//!
//! The matrix sends no `Idempotency-Key`, so the admitted partner's order is
//! refused with 400 (the header is judged after the guard, before the body);
//! the order read targets product A's id, which names no order: 404.

use super::*;

const PARTNER: &[&str] = &["partner"];

fn fresh_external_order_id() -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(1);
    format!("MTX-ORDER-{}", NEXT.fetch_add(1, Ordering::Relaxed))
}

pub fn cases() -> Vec<Case> {
    vec![
        Case {
            method: "POST",
            path: "/api/v1/catalog/orders",
            roles: PARTNER,
            anonymous: false,
            target: Target::None,
            body: |_, w| {
                Some(json!({
                    "product_id": w.product_a.id,
                    "quantity": 1,
                    "external_order_id": fresh_external_order_id(),
                }))
            },
            special: |a| (a.key == "partner").then_some(400),
            arrange: nothing,
        },
        Case {
            method: "GET",
            path: "/api/v1/catalog/orders/{id}",
            roles: PARTNER,
            anonymous: false,
            target: Target::ProductA,
            body: no_body,
            special: |a| (a.key == "partner").then_some(404),
            arrange: nothing,
        },
    ]
}
