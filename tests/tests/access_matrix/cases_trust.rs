//! Access cases of the audit trail and of the rights over santri data
//! (export, erasure, withdrawal of consent).

use opop_tests::world::insert_santri;
use sea_orm::{ActiveModelTrait, Set};

use super::*;

/// A new santri of pesantren A whose guardian consented.
async fn consenting_santri(app: &TestApp, w: &World) -> Option<Uuid> {
    let s = insert_santri(app, &w.pesantren_a, "Santri Persetujuan").await;
    let mut row: entity::santri::ActiveModel = s.into();
    row.guardian_name = Set(Some("Hj. Aminah".into()));
    row.guardian_consent_at = Set(Some(opop_api::db::now()));
    Some(row.update(&app.db).await.expect("recording consent").id)
}

async fn new_santri(app: &TestApp, w: &World) -> Option<Uuid> {
    Some(insert_santri(app, &w.pesantren_a, "Santri Hapus").await.id)
}

/// A santri reaches their own record only: a record made for the case is
/// not theirs.
fn santri_not_theirs(a: &Account) -> Option<u16> {
    (a.role == Some("santri")).then_some(404)
}

pub fn cases() -> Vec<Case> {
    vec![
        Case {
            method: "GET",
            path: "/api/v1/audit",
            roles: &["admin"],
            anonymous: false,
            target: Target::None,
            body: no_body,
            special: no_special,
            arrange: nothing,
        },
        Case {
            method: "GET",
            path: "/api/v1/santri/{id}/export",
            roles: &["admin", "pesantren_manager", "santri"],
            anonymous: false,
            target: Target::SantriA,
            body: no_body,
            special: no_special,
            arrange: nothing,
        },
        Case {
            method: "POST",
            path: "/api/v1/santri/{id}/erase",
            roles: &["admin", "pesantren_manager"],
            anonymous: false,
            target: Target::Arranged,
            body: no_body,
            special: no_special,
            arrange: |app, w| Box::pin(new_santri(app, w)),
        },
        Case {
            method: "POST",
            path: "/api/v1/santri/{id}/consent/withdraw",
            roles: &["admin", "pesantren_manager", "santri"],
            anonymous: false,
            target: Target::Arranged,
            body: no_body,
            special: santri_not_theirs,
            arrange: |app, w| Box::pin(consenting_santri(app, w)),
        },
    ]
}
