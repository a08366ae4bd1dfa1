//! Review histories: every decision on a product, a certificate or a
//! pesantren kept as its own row, newest first, with who decided shown by
//! name to the secretariat and curators and by role alone to the
//! pesantren's side; read in the resource's own scope.

use entity::{reviews, ReviewDecision, ReviewedResource};
use opop_api::auth::principal::UserPrincipal;
use opop_api::auth::{Caller, Principal};
use opop_tests::world::World;
use opop_tests::{assert_problem, TestApp};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{json, Value};
use uuid::Uuid;

fn input(sku: &str) -> Value {
    json!({
        "name": "Sambal Bawang Santri",
        "description": "Sambal bawang pedas buatan dapur pesantren.",
        "category": "craft",
        "price_idr": 25000,
        "stock": 40,
        "unit": "botol",
        "weight_grams": 200,
        "sku": sku,
        "images": ["https://images.opop.example/sambal.jpg"],
    })
}

/// Every row of a history as `token` reads it, following the cursor with
/// pages of `limit`.
async fn history(app: &TestApp, token: &str, path: &str, limit: u32) -> Vec<Value> {
    let mut rows = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let url = match &cursor {
            Some(c) => format!("{path}?limit={limit}&cursor={c}"),
            None => format!("{path}?limit={limit}"),
        };
        let page = app.as_(token).get(&url).ok().await;
        rows.extend(page["data"].as_array().expect("data").iter().cloned());
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => return rows,
        }
    }
}

fn decisions(rows: &[Value]) -> Vec<&str> {
    rows.iter()
        .map(|r| r["decision"].as_str().expect("decision"))
        .collect()
}

async fn rows_of(app: &TestApp, id: Uuid) -> u64 {
    reviews::Entity::find()
        .filter(reviews::Column::ResourceId.eq(id))
        .count(&app.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_product_rejected_twice_then_approved_keeps_every_decision_and_both_reasons() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let manager = w.token("manager_a");
    let curator = w.token("curator_35");
    let created = app
        .as_(&manager)
        .post("/api/v1/products", &input("RV-1"))
        .expect(201)
        .await;
    let id = created["id"].as_str().unwrap().to_string();
    let act = |verb: &str| format!("/api/v1/products/{id}/{verb}");
    let reasons = ["Foto kemasan buram", "Label komposisi belum ada"];
    for reason in reasons {
        app.as_(&manager).post_empty(&act("submit")).ok().await;
        let rejected = app
            .as_(&curator)
            .post(&act("reject"), &json!({"reason": reason}))
            .ok()
            .await;
        // The product's own field holds the latest reason only.
        assert_eq!(rejected["rejection_reason"], reason);
        app.as_(&manager)
            .put(&format!("/api/v1/products/{id}"), &input("RV-1"))
            .ok()
            .await;
    }
    app.as_(&manager).post_empty(&act("submit")).ok().await;
    app.as_(&curator).post_empty(&act("approve")).ok().await;
    app.as_(&curator).post_empty(&act("flagship")).ok().await;
    app.as_(&manager).post_empty(&act("unlist")).ok().await;
    app.as_(&manager).post_empty(&act("relist")).ok().await;
    app.as_(&curator).delete(&act("flagship")).ok().await;

    let path = format!("/api/v1/products/{id}/reviews");
    let all = app.as_(&w.token("admin_35")).get(&path).ok().await;
    assert!(all["next_cursor"].is_null(), "{all}");
    let rows = all["data"].as_array().unwrap().clone();
    assert_eq!(
        decisions(&rows),
        [
            "withdraw_flagship",
            "relist",
            "unlist",
            "flagship",
            "approve",
            "submit",
            "reject",
            "submit",
            "reject",
            "submit"
        ],
        "newest first"
    );
    let reasons_kept: Vec<&Value> = rows
        .iter()
        .filter(|r| r["decision"] == "reject")
        .map(|r| &r["reason"])
        .collect();
    assert_eq!(reasons_kept, [&json!(reasons[1]), &json!(reasons[0])]);
    assert!(rows
        .iter()
        .filter(|r| r["decision"] != "reject")
        .all(|r| r["reason"].is_null()));
    let ats: Vec<&str> = rows.iter().map(|r| r["at"].as_str().unwrap()).collect();
    let mut sorted = ats.clone();
    sorted.sort_by(|a, b| {
        let t = |s: &str| chrono::DateTime::parse_from_rfc3339(s).unwrap();
        t(b).cmp(&t(a))
    });
    assert_eq!(ats, sorted, "`at` never grows down the list");

    // The secretariat sees who decided by name and role.
    for r in &rows {
        let (role, name) = match r["decision"].as_str().unwrap() {
            "submit" | "unlist" | "relist" => ("pesantren_manager", "manager_a"),
            _ => ("curator", "curator_35"),
        };
        assert_eq!(r["by_role"], role, "{r}");
        assert_eq!(r["by_name"], name, "{r}");
    }
    // Curators too.
    let as_curator = app.as_(&curator).get(&path).ok().await;
    assert_eq!(as_curator["data"], all["data"]);

    // The pesantren's side sees the role, never the name.
    for key in ["manager_a", "mentor_a"] {
        let seen = app.as_(&w.token(key)).get(&path).ok().await;
        let seen = seen["data"].as_array().unwrap();
        assert_eq!(decisions(seen), decisions(&rows), "{key}");
        for (r, full) in seen.iter().zip(&rows) {
            assert!(r.get("by_name").is_none(), "{key} sees a name: {r}");
            assert_eq!(r["by_role"], full["by_role"]);
            assert_eq!(r["reason"], full["reason"]);
            assert_eq!(r["at"], full["at"]);
        }
    }

    // Pages of three walk the same rows in the same order.
    let paged = history(&app, &w.token("admin_35"), &path, 3).await;
    assert_eq!(paged, rows);

    // Approval cleared the product's own reason; the history did not.
    let product = app
        .as_(&manager)
        .get(&format!("/api/v1/products/{id}"))
        .ok()
        .await;
    assert!(product["rejection_reason"].is_null(), "{product}");
}

#[tokio::test]
async fn a_certificate_rejected_then_verified_keeps_both_decisions() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let curator = w.token("curator_35");
    let id = w.certification_a.id;
    let rejected = app
        .as_(&curator)
        .post(
            &format!("/api/v1/certifications/{id}/reject"),
            &json!({"reason": "  Nomor tidak terdaftar di BPJPH  "}),
        )
        .ok()
        .await;
    assert_eq!(
        rejected["rejection_reason"],
        "Nomor tidak terdaftar di BPJPH"
    );
    // The pesantren corrects it, which makes it pending again.
    app.as_(&w.token("manager_a"))
        .patch(
            &format!("/api/v1/certifications/{id}"),
            &json!({"issuer": "BPJPH Kemenag"}),
        )
        .ok()
        .await;
    app.as_(&w.token("admin_35"))
        .post_empty(&format!("/api/v1/certifications/{id}/verify"))
        .ok()
        .await;

    let path = format!("/api/v1/certifications/{id}/reviews");
    let rows = app.as_(&curator).get(&path).ok().await["data"].clone();
    assert_eq!(
        rows,
        json!([
            {"at": rows[0]["at"], "decision": "verify", "reason": null, "by_role": "admin", "by_name": "admin_35"},
            {"at": rows[1]["at"], "decision": "reject", "reason": "Nomor tidak terdaftar di BPJPH", "by_role": "curator", "by_name": "curator_35"},
        ])
    );
    let managers = app.as_(&w.token("manager_a")).get(&path).ok().await["data"].clone();
    assert_eq!(
        managers,
        json!([
            {"at": rows[0]["at"], "decision": "verify", "reason": null, "by_role": "admin"},
            {"at": rows[1]["at"], "decision": "reject", "reason": "Nomor tidak terdaftar di BPJPH", "by_role": "curator"},
        ])
    );
}

#[tokio::test]
async fn a_pesantren_suspended_with_a_reason_then_verified_keeps_both() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let admin = w.token("admin_35");
    let a = w.pesantren_a.id;
    app.as_(&admin)
        .post(
            &format!("/api/v1/pesantren/{a}/suspend"),
            &json!({"reason": "Izin operasional sedang ditinjau ulang"}),
        )
        .ok()
        .await;
    app.as_(&admin)
        .post_empty(&format!("/api/v1/pesantren/{a}/verify"))
        .ok()
        .await;
    // A blank reason is kept as none.
    app.as_(&admin)
        .post(
            &format!("/api/v1/pesantren/{a}/suspend"),
            &json!({"reason": "   "}),
        )
        .ok()
        .await;
    app.as_(&admin)
        .post_empty(&format!("/api/v1/pesantren/{a}/verify"))
        .ok()
        .await;

    let path = format!("/api/v1/pesantren/{a}/reviews");
    let rows = app.as_(&w.token("admin_national")).get(&path).ok().await["data"].clone();
    let rows = rows.as_array().unwrap();
    assert_eq!(decisions(rows), ["verify", "suspend", "verify", "suspend"]);
    let reasons: Vec<&Value> = rows.iter().map(|r| &r["reason"]).collect();
    assert_eq!(
        reasons,
        [
            &Value::Null,
            &Value::Null,
            &Value::Null,
            &json!("Izin operasional sedang ditinjau ulang")
        ]
    );
    assert!(rows
        .iter()
        .all(|r| r["by_role"] == "admin" && r["by_name"] == "admin_35"));

    // Its manager (who may log in again) sees the secretariat's role only.
    let seen = app.as_(&w.token("manager_a")).get(&path).ok().await["data"].clone();
    let seen = seen.as_array().unwrap();
    assert_eq!(decisions(seen), decisions(rows));
    assert!(seen
        .iter()
        .all(|r| r["by_role"] == "admin" && r.get("by_name").is_none()));
    assert_eq!(seen[3]["reason"], "Izin operasional sedang ditinjau ulang");
}

#[tokio::test]
async fn histories_are_read_in_the_resources_own_scope() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let paths = [
        format!("/api/v1/products/{}/reviews", w.product_a.id),
        format!("/api/v1/certifications/{}/reviews", w.certification_a.id),
        format!("/api/v1/pesantren/{}/reviews", w.pesantren_a.id),
    ];
    for path in &paths {
        for key in ["admin_32", "curator_32", "manager_b", "mentor_lapsed"] {
            let res = app.as_(&w.token(key)).get(path).await;
            assert_problem(res, 404).await;
        }
        // Santri and partners never read the register's histories.
        for key in ["santri_a", "partner"] {
            assert_problem(app.as_(&w.token(key)).get(path).await, 403).await;
        }
        assert_problem(app.anon().get(path).await, 401).await;
        for key in [
            "admin_national",
            "admin_35",
            "curator_35",
            "manager_a",
            "mentor_a",
        ] {
            let page = app.as_(&w.token(key)).get(path).ok().await;
            assert_eq!(page, json!({"data": [], "next_cursor": null}), "{key}");
        }
    }
    // An id that is nothing answers as one out of scope.
    let nothing = Uuid::now_v7();
    for kind in ["products", "certifications", "pesantren"] {
        let path = format!("/api/v1/{kind}/{nothing}/reviews");
        assert_problem(app.as_(&w.token("admin_national")).get(&path).await, 404).await;
    }
}

#[tokio::test]
async fn a_refused_decision_leaves_no_row() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let curator = w.token("curator_35");
    let admin = w.token("admin_35");
    let product = w.product_a.id;
    let cert = w.certification_a.id;
    let a = w.pesantren_a.id;

    // Wrong states: 409.
    for (token, path) in [
        (&curator, format!("/api/v1/products/{product}/approve")),
        (
            &w.token("manager_a"),
            format!("/api/v1/products/{product}/relist"),
        ),
        (&admin, format!("/api/v1/pesantren/{a}/verify")),
    ] {
        assert_problem(app.as_(token).post_empty(&path).await, 409).await;
    }
    // A stale version: 412.
    let res = app
        .as_(&curator)
        .post_empty(&format!("/api/v1/certifications/{cert}/verify"))
        .header("If-Match", "\"7\"")
        .await;
    assert_problem(res, 412).await;
    // Out of province: 404.
    let res = app
        .as_(&w.token("curator_32"))
        .post(
            &format!("/api/v1/certifications/{cert}/reject"),
            &json!({"reason": "Palsu"}),
        )
        .await;
    assert_problem(res, 404).await;
    for id in [product, cert, a] {
        assert_eq!(rows_of(&app, id).await, 0);
    }
}

async fn reject(tx: &sea_orm::DatabaseTransaction, caller: &Caller, product: Uuid) {
    opop_api::reviews::service::record(
        tx,
        caller,
        ReviewedResource::Product,
        product,
        "35",
        ReviewDecision::Reject,
        Some("Kemasan bocor"),
    )
    .await
    .unwrap();
}

/// The history's row rides in the decision's transaction: when that
/// transaction does not commit, the row is not there either.
#[tokio::test]
async fn a_review_row_rolls_back_with_its_transaction() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let curator = w.account("curator_35");
    let caller = Caller {
        principal: Principal::User(UserPrincipal {
            id: curator.user_id.unwrap(),
            role: entity::Role::Curator,
            province_code: Some("35".into()),
            pesantren_id: None,
            santri_id: None,
        }),
        request_id: None,
        lang: Default::default(),
    };
    // Dropped without a commit.
    let tx = opop_api::audit::WriteTx::begin(&app.db, &caller.actor())
        .await
        .unwrap();
    reject(&tx, &caller, w.product_a.id).await;
    drop(tx);
    assert_eq!(rows_of(&app, w.product_a.id).await, 0);

    // Refused at commit: a write transaction without its audit entry.
    let tx = opop_api::audit::WriteTx::begin(&app.db, &caller.actor())
        .await
        .unwrap();
    reject(&tx, &caller, w.product_a.id).await;
    assert!(tx.commit().await.is_err());
    assert_eq!(rows_of(&app, w.product_a.id).await, 0);

    // A caller who is no user cannot decide at all.
    let tx = opop_api::audit::WriteTx::begin(&app.db, &caller.actor())
        .await
        .unwrap();
    let err = opop_api::reviews::service::record(
        &tx,
        &Caller::anonymous(),
        ReviewedResource::Product,
        w.product_a.id,
        "35",
        ReviewDecision::Approve,
        None,
    )
    .await
    .unwrap_err();
    assert_eq!(err.code(), opop_api::error::Code::Internal);
    drop(tx);
    assert_eq!(rows_of(&app, w.product_a.id).await, 0);
}
