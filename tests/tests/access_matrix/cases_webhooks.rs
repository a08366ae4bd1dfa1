//! Access cases of the webhook routes: partners only, each for its own
//! subscription.
//!
//! The matrix runs without `OPOP_WEBHOOK_ALLOW_PRIVATE` and its URL names a
//! host that does not resolve (`hooks.example.com`), so the admitted
//! partner's registration is refused on `url` (422) and, having no webhook,
//! it gets 404 from the others.

use super::*;

const PARTNER: &[&str] = &["partner"];

fn url_body(_: &Account, _: &World) -> Option<Value> {
    Some(json!({"url": "https://hooks.example.com/opop"}))
}

fn replay_body(_: &Account, _: &World) -> Option<Value> {
    Some(json!({"cursor": null}))
}

pub fn cases() -> Vec<Case> {
    vec![
        Case {
            method: "PUT",
            path: "/api/v1/partners/me/webhook",
            roles: PARTNER,
            anonymous: false,
            target: Target::None,
            body: url_body,
            special: |a| (a.key == "partner").then_some(422),
            arrange: nothing,
        },
        // The partner's PUT was refused (a private address), so it has no
        // webhook to patch.
        Case {
            method: "PATCH",
            path: "/api/v1/partners/me/webhook",
            roles: PARTNER,
            anonymous: false,
            target: Target::None,
            body: url_body,
            special: |a| (a.key == "partner").then_some(404),
            arrange: nothing,
        },
        Case {
            method: "GET",
            path: "/api/v1/partners/me/webhook",
            roles: PARTNER,
            anonymous: false,
            target: Target::None,
            body: no_body,
            special: |a| (a.key == "partner").then_some(404),
            arrange: nothing,
        },
        Case {
            method: "POST",
            path: "/api/v1/partners/me/webhook/replay",
            roles: PARTNER,
            anonymous: false,
            target: Target::None,
            body: replay_body,
            special: |a| (a.key == "partner").then_some(404),
            arrange: nothing,
        },
        Case {
            method: "DELETE",
            path: "/api/v1/partners/me/webhook",
            roles: PARTNER,
            anonymous: false,
            target: Target::None,
            body: no_body,
            special: |a| (a.key == "partner").then_some(404),
            arrange: nothing,
        },
    ]
}
