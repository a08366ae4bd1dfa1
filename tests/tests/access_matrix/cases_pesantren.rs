//! Access cases of pesantren and registrations.

use super::*;

/// A new NSPP in `province` on every call.
fn fresh_nspp(province: &str) -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(100);
    format!("5100{province}{:06}", NEXT.fetch_add(1, Ordering::Relaxed))
}

fn input_for(province: &str) -> Value {
    let regency = if province == "32" { "3273" } else { "3578" };
    json!({
        "nspp": fresh_nspp(province),
        "name": "Pondok Pesantren Matriks",
        "province_code": province,
        "regency_code": regency,
        "address": "Jl. Pesantren 2",
        "leader_name": "KH. Matriks",
        "phone": "081234567890",
    })
}

/// Registration, creation, reads and updates. Suspension and verification of
/// pesantren A come last, each putting A in the state it starts from before
/// every caller; verification comes after suspension, so A ends verified.
pub fn cases() -> Vec<Case> {
    vec![
        Case {
            method: "POST",
            path: "/api/v1/registrations",
            roles: &[],
            anonymous: true,
            target: Target::None,
            body: |_, _| {
                Some(json!({
                    "pesantren": input_for("35"),
                    "manager": {"email": format!("reg-{}@test.opop", Uuid::now_v7().simple()), "name": "Pengurus", "password": "long-enough-password"},
                }))
            },
            special: no_special,
            arrange: nothing,
        },
        Case {
            method: "POST",
            path: "/api/v1/pesantren",
            roles: ADMIN,
            anonymous: false,
            target: Target::None,
            body: |a, _| Some(input_for(a.place.province_code.as_deref().unwrap_or("35"))),
            special: no_special,
            arrange: nothing,
        },
        Case {
            method: "GET",
            path: "/api/v1/pesantren",
            roles: ALL,
            anonymous: true,
            target: Target::None,
            body: no_body,
            special: no_special,
            arrange: nothing,
        },
        Case {
            method: "GET",
            path: "/api/v1/pesantren/{id}",
            roles: ALL,
            anonymous: true,
            target: Target::PesantrenA,
            body: no_body,
            // Pesantren A is verified: everyone sees at least its public profile.
            special: |_| Some(200),
            arrange: nothing,
        },
        Case {
            method: "PUT",
            path: "/api/v1/pesantren/{id}",
            roles: &["admin", "pesantren_manager"],
            anonymous: false,
            target: Target::PesantrenA,
            body: |_, w| {
                let a = &w.pesantren_a;
                Some(json!({
                    "nspp": a.nspp, "name": a.name, "province_code": a.province_code,
                    "regency_code": a.regency_code, "address": a.address,
                    "leader_name": a.leader_name, "phone": a.phone,
                }))
            },
            special: no_special,
            arrange: nothing,
        },
        Case {
            method: "PATCH",
            path: "/api/v1/pesantren/{id}",
            roles: &["admin", "pesantren_manager"],
            anonymous: false,
            target: Target::PesantrenA,
            body: |_, _| Some(json!({"address": "Jl. Pesantren 2"})),
            special: no_special,
            arrange: nothing,
        },
        Case {
            method: "POST",
            path: "/api/v1/pesantren/{id}/suspend",
            roles: ADMIN,
            anonymous: false,
            target: Target::PesantrenA,
            body: no_body,
            special: no_special,
            arrange: |app, w| Box::pin(pesantren_a_in(app, w, PesantrenStatus::Verified)),
        },
        Case {
            method: "POST",
            path: "/api/v1/pesantren/{id}/verify",
            roles: ADMIN,
            anonymous: false,
            target: Target::PesantrenA,
            body: no_body,
            special: no_special,
            arrange: |app, w| Box::pin(pesantren_a_in(app, w, PesantrenStatus::Suspended)),
        },
    ]
}
