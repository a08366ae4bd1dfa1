//! Access cases of certifications.
//!
//! Certification A (a pending halal certificate of product A) is edited
//! (still `pending`), then verified and rejected, put back to `pending`
//! before every caller so that each admitted one reviews it. Each caller
//! deletes a pending certificate of product A made for it.

use entity::CertificationType;
use opop_tests::world::insert_certification;

use super::*;

const WRITERS: &[&str] = &["admin", "pesantren_manager"];
const STAFF: &[&str] = &["admin", "curator"];
const READERS: &[&str] = REGISTER_READERS;

fn fresh_halal_number() -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(1);
    format!("ID3599{:010}", NEXT.fetch_add(1, Ordering::Relaxed))
}

/// A new pending halal certificate of product A.
async fn pending_certificate(app: &TestApp, w: &World) -> Option<Uuid> {
    let cert = insert_certification(
        app,
        &w.product_a,
        CertificationType::Halal,
        &fresh_halal_number(),
        CertificationStatus::Pending,
        None,
    )
    .await;
    Some(cert.id)
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
            arrange: nothing,
        },
        Case {
            method: "GET",
            path: "/api/v1/products/{id}/certifications",
            roles: READERS,
            anonymous: false,
            target: Target::ProductA,
            body: no_body,
            special: no_special,
            arrange: nothing,
        },
        Case {
            method: "GET",
            path: "/api/v1/certifications",
            roles: READERS,
            anonymous: false,
            target: Target::None,
            body: no_body,
            special: no_special,
            arrange: nothing,
        },
        Case {
            method: "GET",
            path: "/api/v1/certifications/{id}",
            roles: READERS,
            anonymous: false,
            target: Target::CertificationA,
            body: no_body,
            special: no_special,
            arrange: nothing,
        },
        Case {
            method: "PUT",
            path: "/api/v1/certifications/{id}",
            roles: WRITERS,
            anonymous: false,
            target: Target::CertificationA,
            body: |_, w| Some(input(w.certification_a.number.clone())),
            special: no_special,
            arrange: nothing,
        },
        Case {
            method: "PATCH",
            path: "/api/v1/certifications/{id}",
            roles: WRITERS,
            anonymous: false,
            target: Target::CertificationA,
            body: |_, _| Some(json!({"issuer": "BPJPH"})),
            special: no_special,
            arrange: nothing,
        },
        Case {
            method: "POST",
            path: "/api/v1/certifications/{id}/verify",
            roles: STAFF,
            anonymous: false,
            target: Target::CertificationA,
            body: no_body,
            special: no_special,
            arrange: |app, w| Box::pin(certification_a_in(app, w, CertificationStatus::Pending)),
        },
        Case {
            method: "POST",
            path: "/api/v1/certifications/{id}/reject",
            roles: STAFF,
            anonymous: false,
            target: Target::CertificationA,
            body: |_, _| Some(json!({"reason": "Nomor tidak terdaftar di BPJPH"})),
            special: no_special,
            arrange: |app, w| Box::pin(certification_a_in(app, w, CertificationStatus::Pending)),
        },
        Case {
            method: "DELETE",
            path: "/api/v1/certifications/{id}",
            roles: WRITERS,
            anonymous: false,
            target: Target::Arranged,
            body: no_body,
            special: no_special,
            arrange: |app, w| Box::pin(pending_certificate(app, w)),
        },
    ]
}
