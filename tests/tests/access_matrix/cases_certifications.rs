//! Access cases of certifications.
//!
//! Certification A (a pending halal certificate of product A) walks through
//! the cases in order: it is edited (still `pending`), verified by the first
//! admitted caller (`admin_national`; the others then get 409), rejected the
//! same way, and finally deleted by `admin_national`, after which the other
//! admitted callers in scope find nothing (404).

use super::*;

const WRITERS: &[&str] = &["admin", "pesantren_manager"];
const STAFF: &[&str] = &["admin", "curator"];
const READERS: &[&str] = &["admin", "curator", "pesantren_manager"];

fn fresh_halal_number() -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(1);
    format!("ID3599{:010}", NEXT.fetch_add(1, Ordering::Relaxed))
}

fn input(number: String) -> Value {
    json!({"type": "halal", "number": number, "issuer": "BPJPH", "issued_on": "2024-05-01"})
}

pub fn cases() -> Vec<Case> {
    vec![
        Case {
            method: "POST",
            path: "/api/v1/products/{id}/certifications",
            roles: WRITERS,
            anonymous: false,
            target: Target::ProductA,
            body: |_, _| Some(input(fresh_halal_number())),
            special: no_special,
        },
        Case {
            method: "GET",
            path: "/api/v1/products/{id}/certifications",
            roles: READERS,
            anonymous: false,
            target: Target::ProductA,
            body: no_body,
            special: no_special,
        },
        Case {
            method: "GET",
            path: "/api/v1/certifications",
            roles: READERS,
            anonymous: false,
            target: Target::None,
            body: no_body,
            special: no_special,
        },
        Case {
            method: "GET",
            path: "/api/v1/certifications/{id}",
            roles: READERS,
            anonymous: false,
            target: Target::CertificationA,
            body: no_body,
            special: no_special,
        },
        Case {
            method: "PUT",
            path: "/api/v1/certifications/{id}",
            roles: WRITERS,
            anonymous: false,
            target: Target::CertificationA,
            body: |_, w| Some(input(w.certification_a.number.clone())),
            special: no_special,
        },
        Case {
            method: "POST",
            path: "/api/v1/certifications/{id}/verify",
            roles: STAFF,
            anonymous: false,
            target: Target::CertificationA,
            body: no_body,
            special: no_special,
        },
        Case {
            method: "POST",
            path: "/api/v1/certifications/{id}/reject",
            roles: STAFF,
            anonymous: false,
            target: Target::CertificationA,
            body: |_, _| Some(json!({"reason": "Nomor tidak terdaftar di BPJPH"})),
            special: no_special,
        },
        // Last: it deletes certification A (see the module comment).
        Case {
            method: "DELETE",
            path: "/api/v1/certifications/{id}",
            roles: WRITERS,
            anonymous: false,
            target: Target::CertificationA,
            body: no_body,
            special: |a| matches!(a.key, "admin_35" | "manager_a").then_some(404),
        },
    ]
}
