//! Access cases of competitions, their entries, scores, awards and
//! grants, and the public winners.
//!
//! Competitions belong to province 35 as a whole (`Target::Shared`);
//! entries and awards are of pesantren A (`Target::Arranged`). Each
//! writing case makes its own record in the state it needs.

use entity::{CompetitionStatus, EntryStatus};
use opop_tests::competitions::{insert_award, insert_competition, insert_entry};

use super::*;

const STAFF: &[&str] = &["admin", "curator"];
const PROGRAMME: &[&str] = &["admin", "curator", "pesantren_manager"];
const CURATOR: &[&str] = &["curator"];
const STAGES: &[&str] = &["administrative", "province"];

fn other_province_forbidden(a: &Account) -> Option<u16> {
    (a.role == Some("admin") && a.place.province_code.as_deref() == Some("32")).then_some(403)
}

async fn competition(app: &TestApp, status: CompetitionStatus, closed: i32) -> Option<Uuid> {
    Some(
        insert_competition(app, "35", status, STAGES, closed)
            .await
            .id,
    )
}

/// An entry of pesantren A in a fresh competition of 35.
async fn entry(
    app: &TestApp,
    w: &World,
    status: CompetitionStatus,
    closed: i32,
    entry_status: EntryStatus,
) -> Option<Uuid> {
    let c = insert_competition(app, "35", status, STAGES, closed).await;
    let stage = closed.min(1);
    Some(
        insert_entry(app, &c, &w.pesantren_a, stage, entry_status)
            .await
            .id,
    )
}

async fn award(app: &TestApp, w: &World) -> Option<Uuid> {
    let c = insert_competition(app, "35", CompetitionStatus::Closed, STAGES, 2).await;
    let e = insert_entry(app, &c, &w.pesantren_a, 1, EntryStatus::Finalist).await;
    Some(insert_award(app, &c, &e, 1, 400_000_000).await.id)
}

fn shared(path: &'static str, method: &'static str, roles: &'static [&'static str]) -> Case {
    Case {
        method,
        path,
        roles,
        anonymous: false,
        target: Target::Shared,
        body: no_body,
        special: no_special,
        arrange: |app, _| Box::pin(competition(app, CompetitionStatus::Open, 0)),
    }
}

fn of_a(path: &'static str, method: &'static str, roles: &'static [&'static str]) -> Case {
    Case {
        method,
        path,
        roles,
        anonymous: false,
        target: Target::Arranged,
        body: no_body,
        special: no_special,
        arrange: |app, w| {
            Box::pin(entry(
                app,
                w,
                CompetitionStatus::Judging,
                0,
                EntryStatus::Active,
            ))
        },
    }
}

pub fn cases() -> Vec<Case> {
    vec![
        Case {
            method: "POST",
            path: "/api/v1/competitions",
            roles: ADMIN,
            anonymous: false,
            target: Target::None,
            body: |_, _| {
                Some(json!({
                    "title": "Audisi Pesantren Juara",
                    "province_code": "35",
                    "year": 2026,
                    "categories": ["start_up", "scale_up"],
                    "stages": ["administrative", "district", "province"],
                    "entries_close_on": "2026-08-31"
                }))
            },
            special: other_province_forbidden,
            arrange: nothing,
        },
        Case {
            method: "GET",
            path: "/api/v1/competitions",
            roles: PROGRAMME,
            anonymous: false,
            target: Target::None,
            body: no_body,
            special: no_special,
            arrange: nothing,
        },
        shared("/api/v1/competitions/{id}", "GET", PROGRAMME),
        Case {
            arrange: |app, _| Box::pin(competition(app, CompetitionStatus::Draft, 0)),
            ..shared("/api/v1/competitions/{id}/open", "POST", ADMIN)
        },
        shared("/api/v1/competitions/{id}/judge", "POST", ADMIN),
        Case {
            arrange: |app, _| Box::pin(competition(app, CompetitionStatus::Judging, 2)),
            ..shared("/api/v1/competitions/{id}/close", "POST", ADMIN)
        },
        Case {
            arrange: |app, _| Box::pin(competition(app, CompetitionStatus::Judging, 0)),
            ..shared("/api/v1/competitions/{id}/close-stage", "POST", ADMIN)
        },
        Case {
            arrange: |app, _| Box::pin(competition(app, CompetitionStatus::Judging, 0)),
            ..shared("/api/v1/competitions/{id}/standings", "GET", STAFF)
        },
        shared("/api/v1/competitions/{id}/entries", "GET", PROGRAMME),
        Case {
            body: |_, w| {
                Some(json!({
                    "pesantren_id": w.pesantren_a.id,
                    "category": "start_up",
                    "product_ids": [w.product_a.id]
                }))
            },
            ..shared("/api/v1/competitions/{id}/entries", "POST", PROGRAMME)
        },
        shared("/api/v1/competitions/{id}/awards", "GET", PROGRAMME),
        of_a("/api/v1/entries/{id}", "GET", PROGRAMME),
        of_a("/api/v1/entries/{id}/advance", "POST", ADMIN),
        Case {
            body: |_, _| Some(json!({"reason": "Dokumen koperasi belum lengkap."})),
            ..of_a("/api/v1/entries/{id}/eliminate", "POST", ADMIN)
        },
        Case {
            body: |_, _| Some(json!({"score": 80, "notes": "Kemasan rapi."})),
            ..of_a("/api/v1/entries/{id}/scores", "POST", CURATOR)
        },
        Case {
            body: |_, _| Some(json!({"rank": 1, "grant_idr": 400_000_000})),
            arrange: |app, w| {
                Box::pin(entry(
                    app,
                    w,
                    CompetitionStatus::Judging,
                    2,
                    EntryStatus::Finalist,
                ))
            },
            ..of_a("/api/v1/entries/{id}/awards", "POST", ADMIN)
        },
        Case {
            arrange: |app, w| Box::pin(award(app, w)),
            ..of_a("/api/v1/awards/{id}", "GET", PROGRAMME)
        },
        Case {
            body: |_, _| {
                Some(json!({
                    "amount_idr": 100_000_000,
                    "paid_on": "2026-11-20",
                    "reference": "SP2D/2026/0412"
                }))
            },
            arrange: |app, w| Box::pin(award(app, w)),
            ..of_a("/api/v1/awards/{id}/disbursements", "POST", ADMIN)
        },
        Case {
            method: "GET",
            path: "/api/v1/catalog/winners/{id}",
            roles: ALL,
            anonymous: true,
            target: Target::Arranged,
            body: no_body,
            // A winner of a closed competition: anyone sees it.
            special: |_| Some(200),
            arrange: |app, w| Box::pin(award(app, w)),
        },
        Case {
            method: "GET",
            path: "/api/v1/catalog/winners",
            roles: ALL,
            anonymous: true,
            target: Target::None,
            body: no_body,
            special: no_special,
            arrange: nothing,
        },
    ]
}
