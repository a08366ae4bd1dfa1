//! Access cases of health, auth, users and partners.

use super::*;

pub fn cases() -> Vec<Case> {
    vec![
        Case {
            method: "GET",
            path: "/health/live",
            roles: &[],
            anonymous: true,
            target: Target::None,
            body: no_body,
            special: no_special,
            arrange: nothing,
        },
        Case {
            method: "GET",
            path: "/health/ready",
            roles: &[],
            anonymous: true,
            target: Target::None,
            body: no_body,
            special: no_special,
            arrange: nothing,
        },
        Case {
            method: "POST",
            path: "/api/v1/auth/login",
            roles: &[],
            anonymous: true,
            target: Target::None,
            body: |a, _| {
                Some(
                    json!({"email": format!("nobody-{}@test.opop", a.key), "password": "wrong-password"}),
                )
            },
            // Public route; wrong credentials are its own 401.
            special: |_| Some(401),
            arrange: nothing,
        },
        Case {
            method: "POST",
            path: "/api/v1/auth/refresh",
            roles: &[],
            anonymous: true,
            target: Target::None,
            body: |_, _| Some(json!({"refresh_token": "not-a-token"})),
            special: |_| Some(401),
            arrange: nothing,
        },
        Case {
            method: "POST",
            path: "/api/v1/auth/logout",
            roles: &[],
            anonymous: true,
            target: Target::None,
            body: |_, _| Some(json!({"refresh_token": "not-a-token"})),
            special: no_special,
            arrange: nothing,
        },
        Case {
            method: "POST",
            path: "/api/v1/auth/token",
            roles: &[],
            anonymous: true,
            target: Target::None,
            body: |_, w| {
                Some(json!({"client_id": w.partner_client_id, "client_secret": w.partner_secret}))
            },
            special: no_special,
            arrange: nothing,
        },
        Case {
            method: "GET",
            path: "/api/v1/auth/me",
            roles: PEOPLE,
            anonymous: false,
            target: Target::None,
            body: no_body,
            special: no_special,
            arrange: nothing,
        },
        Case {
            method: "POST",
            path: "/api/v1/users",
            roles: ADMIN,
            anonymous: false,
            target: Target::None,
            body: |a, _| {
                Some(json!({
                    "email": format!("new-{}@test.opop", Uuid::now_v7().simple()),
                    "name": "New curator",
                    "password": "long-enough-password",
                    "role": "curator",
                    "province_code": a.place.province_code.clone().unwrap_or_else(|| "35".into()),
                }))
            },
            special: no_special,
            arrange: nothing,
        },
        Case {
            method: "GET",
            path: "/api/v1/users",
            roles: ADMIN,
            anonymous: false,
            target: Target::None,
            body: no_body,
            special: no_special,
            arrange: nothing,
        },
        Case {
            method: "GET",
            path: "/api/v1/users/{id}",
            roles: ADMIN,
            anonymous: false,
            target: Target::Victim,
            body: no_body,
            special: no_special,
            arrange: nothing,
        },
        Case {
            method: "POST",
            path: "/api/v1/users/{id}/deactivate",
            roles: ADMIN,
            anonymous: false,
            target: Target::Victim,
            body: no_body,
            special: no_special,
            arrange: nothing,
        },
        Case {
            method: "POST",
            path: "/api/v1/users/{id}/activate",
            roles: ADMIN,
            anonymous: false,
            target: Target::Victim,
            body: no_body,
            special: no_special,
            arrange: nothing,
        },
        Case {
            method: "POST",
            path: "/api/v1/partners",
            roles: ADMIN,
            anonymous: false,
            target: Target::None,
            body: |_, _| {
                Some(
                    json!({"name": "Mitra", "code": format!("m-{}", &Uuid::now_v7().simple().to_string()[20..])}),
                )
            },
            // Partners serve every province: only the national admin creates them.
            special: |a| {
                (a.role == Some("admin") && a.place.province_code.is_some()).then_some(403)
            },
            arrange: nothing,
        },
        Case {
            method: "GET",
            path: "/api/v1/partners",
            roles: ADMIN,
            anonymous: false,
            target: Target::None,
            body: no_body,
            special: no_special,
            arrange: nothing,
        },
    ]
}
