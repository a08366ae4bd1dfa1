//! Certificates of products: numbers checked by type, review by curators,
//! renewals to chase, and publication following the halal certificate.

use chrono::Days;
use entity::{CertificationStatus, CertificationType, ChangeOp, ProductCategory};
use opop_tests::feed::ops_of;
use opop_tests::world::{insert_certification, insert_product, World};
use opop_tests::{assert_problem, error_fields, TestApp};
use reqwest::Method;
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{json, Value};
use uuid::Uuid;

fn halal(number: &str) -> Value {
    json!({"type": "halal", "number": number, "issuer": "BPJPH", "issued_on": "2024-03-01"})
}

async fn add(app: &TestApp, token: &str, product: Uuid, body: Value) -> Value {
    app.as_(token)
        .post(&format!("/api/v1/products/{product}/certifications"), &body)
        .ok()
        .await
}

async fn product(app: &TestApp, w: &World, id: Uuid) -> Value {
    app.as_(&w.token("admin_national"))
        .get(&format!("/api/v1/products/{id}"))
        .ok()
        .await
}

async fn certification_count(app: &TestApp) -> u64 {
    entity::certifications::Entity::find()
        .count(&app.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_manager_adds_a_pending_certificate_with_its_number_normalised() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let id = w.product_a.id;
    let res = app
        .as_(&w.token("manager_a"))
        .post(
            &format!("/api/v1/products/{id}/certifications"),
            &json!({
                "type": "bpom", "number": "md 2245 1000 1234", "issuer": "BPOM RI",
                "issued_on": "2023-01-10", "expires_on": "2028-01-09",
                "document_url": "https://docs.opop.example/bpom.pdf"
            }),
        )
        .await;
    assert_eq!(res.status().as_u16(), 201);
    assert_eq!(res.headers()["etag"], "\"1\"");
    let location = res.headers()["location"].to_str().unwrap().to_string();
    let c: Value = res.json().await.unwrap();
    assert_eq!(
        location,
        format!("/api/v1/certifications/{}", c["id"].as_str().unwrap())
    );
    assert_eq!(c["number"], "MD224510001234");
    assert_eq!(c["type"], "bpom");
    assert_eq!(c["status"], "pending");
    assert_eq!(c["expired"], false);
    assert_eq!(c["product_id"], json!(id));
    assert_eq!(c["pesantren_id"], json!(w.pesantren_a.id));
    assert_eq!(c["province_code"], "35");

    let listed = app
        .as_(&w.token("curator_35"))
        .get(&format!("/api/v1/products/{id}/certifications"))
        .ok()
        .await;
    let ids: Vec<&str> = listed["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [c["id"].as_str().unwrap(), &w.certification_a.id.to_string()],
        "newest first"
    );
    let got = app.as_(&w.token("manager_a")).get(&location).ok().await;
    assert_eq!(got, c);
}

#[tokio::test]
async fn numbers_and_dates_are_checked_all_at_once_and_nothing_is_stored() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let before = certification_count(&app).await;
    let path = format!("/api/v1/products/{}/certifications", w.product_a.id);
    let manager = w.token("manager_a");
    let tomorrow = opop_api::publication::today() + Days::new(1);
    for (body, fields) in [
        (
            json!({"type": "halal", "number": "MUI-123", "issuer": "BPJPH",
                   "issued_on": tomorrow, "document_url": "not a url"}),
            vec!["document_url", "issued_on", "number"],
        ),
        (
            json!({"type": "pirt", "number": "20635780101232", "issuer": "Dinkes",
                   "issued_on": "2024-01-01", "expires_on": "2023-12-31"}),
            vec!["expires_on", "number"],
        ),
        (
            json!({"type": "bpom", "number": "MX224510001234", "issuer": "B"}),
            vec!["issuer", "number"],
        ),
        (
            json!({"type": "bpom", "number": "NA1819120012", "issuer": "BPOM"}),
            vec!["number"],
        ),
    ] {
        let problem = assert_problem(app.as_(&manager).post(&path, &body).await, 422).await;
        let got = error_fields(&problem);
        assert_eq!(got, fields, "{body}: {problem}");
    }
    // An unknown type or field is named too.
    let problem = assert_problem(
        app.as_(&manager)
            .post(
                &path,
                &json!({"type": "iso", "number": "X1", "issuer": "ISO"}),
            )
            .await,
        422,
    )
    .await;
    assert_eq!(problem["errors"][0]["field"], "type", "{problem}");
    assert_eq!(certification_count(&app).await, before);

    // Valid numbers of every type are accepted.
    for body in [
        json!({"type": "pirt", "number": "206357801012326", "issuer": "Dinkes Kota Surabaya"}),
        json!({"type": "bpom", "number": "NA18191200123", "issuer": "BPOM RI"}),
        json!({"type": "sni", "number": "SPPT SNI 3542:2004", "issuer": "LSPro"}),
        json!({"type": "haki", "number": "IDM000123456", "issuer": "DJKI"}),
    ] {
        add(&app, &manager, w.product_a.id, body).await;
    }
    // The same type and number twice is a conflict, however it is typed.
    assert_problem(
        app.as_(&manager)
            .post(
                &path,
                &json!({"type": "pirt", "number": "2063-5780-1012-326", "issuer": "Dinkes"}),
            )
            .await,
        409,
    )
    .await;
    assert_eq!(certification_count(&app).await, before + 4);
}

#[tokio::test]
async fn a_verified_halal_certificate_publishes_its_product_and_rejecting_it_withdraws_it() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let id = w.product_a.id;
    assert_eq!(product(&app, &w, id).await["published"], false);
    let cert = w.certification_a.id;

    let verified = app
        .as_(&w.token("curator_35"))
        .post_empty(&format!("/api/v1/certifications/{cert}/verify"))
        .ok()
        .await;
    assert_eq!(verified["status"], "verified");
    assert_eq!(
        verified["verified_by"],
        json!(w.account("curator_35").user_id)
    );
    assert_eq!(product(&app, &w, id).await["published"], true);
    assert_eq!(ops_of(&app, id).await, [ChangeOp::Upsert]);

    let rejected = app
        .as_(&w.token("curator_35"))
        .post(
            &format!("/api/v1/certifications/{cert}/reject"),
            &json!({"reason": "Nomor tidak ditemukan di SIHALAL"}),
        )
        .ok()
        .await;
    assert_eq!(rejected["status"], "rejected");
    assert_eq!(
        rejected["rejection_reason"],
        "Nomor tidak ditemukan di SIHALAL"
    );
    assert_eq!(product(&app, &w, id).await["published"], false);
    assert_eq!(ops_of(&app, id).await, [ChangeOp::Upsert, ChangeOp::Delete]);

    // Corrected by the pesantren, it is pending again; verified, it
    // publishes the product again.
    let fixed = app
        .as_(&w.token("manager_a"))
        .put(
            &format!("/api/v1/certifications/{cert}"),
            &halal("ID35110000000002"),
        )
        .ok()
        .await;
    assert_eq!(fixed["status"], "pending");
    assert_eq!(fixed["rejection_reason"], Value::Null);
    assert_eq!(fixed["verified_by"], Value::Null);
    app.as_(&w.token("admin_35"))
        .post_empty(&format!("/api/v1/certifications/{cert}/verify"))
        .ok()
        .await;
    assert_eq!(product(&app, &w, id).await["published"], true);
    assert_eq!(
        ops_of(&app, id).await,
        [ChangeOp::Upsert, ChangeOp::Delete, ChangeOp::Upsert]
    );
}

#[tokio::test]
async fn editing_or_deleting_a_verified_halal_certificate_withdraws_the_product() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let id = w.product_a.id;
    let cert = w.certification_a.id;
    let verify = format!("/api/v1/certifications/{cert}/verify");
    app.as_(&w.token("curator_35"))
        .post_empty(&verify)
        .ok()
        .await;
    assert_eq!(product(&app, &w, id).await["published"], true);

    // An edit, even of the issuer only, needs a new verification.
    let mut body = halal(&w.certification_a.number);
    body["issuer"] = json!("BPJPH Kemenag RI");
    let res = app
        .as_(&w.token("manager_a"))
        .put(&format!("/api/v1/certifications/{cert}"), &body)
        .await;
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(res.headers()["etag"], "\"3\"");
    assert_eq!(product(&app, &w, id).await["published"], false);
    app.as_(&w.token("curator_35"))
        .post_empty(&verify)
        .ok()
        .await;
    assert_eq!(product(&app, &w, id).await["published"], true);

    // A stale If-Match deletes nothing.
    let stale = app
        .as_(&w.token("manager_a"))
        .delete(&format!("/api/v1/certifications/{cert}"))
        .header("If-Match", "\"1\"")
        .await;
    assert_problem(stale, 412).await;
    assert_eq!(product(&app, &w, id).await["published"], true);

    let res = app
        .as_(&w.token("manager_a"))
        .delete(&format!("/api/v1/certifications/{cert}"))
        .header("If-Match", "\"4\"")
        .await;
    assert_eq!(res.status().as_u16(), 204);
    assert_eq!(product(&app, &w, id).await["published"], false);
    assert_eq!(
        ops_of(&app, id).await,
        [
            ChangeOp::Upsert,
            ChangeOp::Delete,
            ChangeOp::Upsert,
            ChangeOp::Delete
        ]
    );
    assert_problem(
        app.as_(&w.token("manager_a"))
            .get(&format!("/api/v1/certifications/{cert}"))
            .await,
        404,
    )
    .await;
}

#[tokio::test]
async fn review_actions_not_allowed_from_the_current_state_are_refused_with_the_state_named() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let curator = w.token("curator_35");
    let cert = w.certification_a.id;
    let act = |verb: &str| format!("/api/v1/certifications/{cert}/{verb}");
    let reason = json!({"reason": "Kedaluwarsa"});

    app.as_(&curator).post_empty(&act("verify")).ok().await;
    let p = assert_problem(app.as_(&curator).post_empty(&act("verify")).await, 409).await;
    assert!(p["detail"].as_str().unwrap().contains("`verified`"), "{p}");

    app.as_(&curator).post(&act("reject"), &reason).ok().await;
    for (verb, body) in [("verify", None), ("reject", Some(&reason))] {
        let p = assert_problem(
            app.as_(&curator).call(Method::POST, &act(verb), body).await,
            409,
        )
        .await;
        assert!(p["detail"].as_str().unwrap().contains("`rejected`"), "{p}");
    }
    // A rejection needs a reason.
    let other = insert_certification(
        &app,
        &w.product_a,
        CertificationType::Pirt,
        "206357801012326",
        CertificationStatus::Pending,
        None,
    )
    .await;
    let p = assert_problem(
        app.as_(&curator)
            .post_empty(&format!("/api/v1/certifications/{}/reject", other.id))
            .await,
        422,
    )
    .await;
    assert_eq!(p["errors"][0]["field"], "reason");

    // An expired certificate cannot be verified.
    let yesterday = opop_api::publication::today() - Days::new(1);
    let expired = insert_certification(
        &app,
        &w.product_a,
        CertificationType::Halal,
        "ID35110000000777",
        CertificationStatus::Pending,
        Some(yesterday),
    )
    .await;
    let p = assert_problem(
        app.as_(&curator)
            .post_empty(&format!("/api/v1/certifications/{}/verify", expired.id))
            .await,
        409,
    )
    .await;
    assert!(p["detail"].as_str().unwrap().contains("expired"), "{p}");
    let unchanged = app
        .as_(&curator)
        .get(&format!("/api/v1/certifications/{}", expired.id))
        .ok()
        .await;
    assert_eq!(unchanged["status"], "pending");
    assert_eq!(unchanged["expired"], true);
    assert_eq!(unchanged["version"], 1);
}

#[tokio::test]
async fn nobody_reviews_the_certificates_of_a_product_they_created() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let admin = w.token("admin_35");
    let body = json!({
        "pesantren_id": w.pesantren_a.id, "name": "Sabun Sereh Santri",
        "description": "Sabun sereh wangi.", "category": "cosmetics",
        "price_idr": 15000, "stock": 10, "unit": "batang", "weight_grams": 100,
        "sku": "SABUN-1", "images": ["https://images.opop.example/sabun.jpg"]
    });
    let created = app.as_(&admin).post("/api/v1/products", &body).ok().await;
    let pid: Uuid = created["id"].as_str().unwrap().parse().unwrap();
    let cert = add(&app, &admin, pid, halal("ID35110000004242")).await;
    let verify = format!(
        "/api/v1/certifications/{}/verify",
        cert["id"].as_str().unwrap()
    );
    let p = assert_problem(app.as_(&admin).post_empty(&verify).await, 403).await;
    assert!(p["detail"].as_str().unwrap().contains("created"), "{p}");
    let done = app
        .as_(&w.token("curator_35"))
        .post_empty(&verify)
        .ok()
        .await;
    assert_eq!(done["status"], "verified");
}

#[tokio::test]
async fn scope_keeps_every_role_to_its_own_certificates() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let product_b = insert_product(
        &app,
        &w.pesantren_b,
        "SKU-B-1",
        ProductCategory::Herbal,
        entity::ProductStatus::Draft,
    )
    .await;
    let cert_b = insert_certification(
        &app,
        &product_b,
        CertificationType::Halal,
        "ID32730000000001",
        CertificationStatus::Pending,
        None,
    )
    .await;
    let a = w.certification_a.id;
    for (who, sees_a, sees_b) in [
        ("admin_national", true, true),
        ("curator_national", true, true),
        ("admin_35", true, false),
        ("curator_35", true, false),
        ("curator_32", false, true),
        ("manager_a", true, false),
        ("manager_b", false, true),
    ] {
        let token = w.token(who);
        for (id, sees) in [(a, sees_a), (cert_b.id, sees_b)] {
            let res = app
                .as_(&token)
                .get(&format!("/api/v1/certifications/{id}"))
                .await;
            assert_eq!(
                res.status().as_u16(),
                if sees { 200 } else { 404 },
                "{who} {id}"
            );
        }
        let listed = app.as_(&token).get("/api/v1/certifications").ok().await;
        let mut ids: Vec<String> = listed["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap().to_string())
            .collect();
        ids.sort();
        let mut want: Vec<String> = [(a, sees_a), (cert_b.id, sees_b)]
            .into_iter()
            .filter(|(_, s)| *s)
            .map(|(id, _)| id.to_string())
            .collect();
        want.sort();
        assert_eq!(ids, want, "{who}");
    }
    // Out of scope, a product is not found, so nothing can be added to it;
    // a curator may read but not add.
    let path = format!("/api/v1/products/{}/certifications", w.product_a.id);
    assert_problem(
        app.as_(&w.token("manager_b"))
            .post(&path, &halal("ID35110000000099"))
            .await,
        404,
    )
    .await;
    assert_problem(
        app.as_(&w.token("curator_35"))
            .post(&path, &halal("ID35110000000099"))
            .await,
        403,
    )
    .await;
    assert_problem(
        app.as_(&w.token("curator_35"))
            .post_empty(&format!("/api/v1/certifications/{}/verify", cert_b.id))
            .await,
        404,
    )
    .await;
}

#[tokio::test]
async fn the_secretariat_lists_renewals_due_soonest_first_and_the_expired_apart() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let today = opop_api::publication::today();
    let mut made = Vec::new();
    for (i, days) in [40i64, 5, -1, 0, 5, 400].into_iter().enumerate() {
        let expires = if days >= 0 {
            today + Days::new(days as u64)
        } else {
            today - Days::new(days.unsigned_abs())
        };
        let c = insert_certification(
            &app,
            &w.product_a,
            CertificationType::Pirt,
            &format!("2063578010123{i:02}"),
            CertificationStatus::Verified,
            Some(expires),
        )
        .await;
        made.push((c.id, days));
    }
    let admin = w.token("admin_35");
    let list = |query: &str| {
        let app = &app;
        let admin = admin.clone();
        let query = query.to_string();
        async move {
            let page = app
                .as_(&admin)
                .get(&format!("/api/v1/certifications?{query}"))
                .ok()
                .await;
            (
                page["data"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|c| c["id"].as_str().unwrap().parse::<Uuid>().unwrap())
                    .collect::<Vec<_>>(),
                page["next_cursor"].as_str().map(str::to_string),
            )
        }
    };
    let id_of = |d: i64| -> Vec<Uuid> {
        let mut v: Vec<Uuid> = made
            .iter()
            .filter(|(_, x)| *x == d)
            .map(|(id, _)| *id)
            .collect();
        v.sort();
        v
    };
    let mut want = id_of(0);
    want.extend(id_of(5));
    want.extend(id_of(40));
    let (got, _) = list("expiring_within_days=60").await;
    assert_eq!(
        got, want,
        "today, then the two in 5 days by id, then 40 days"
    );

    // Walked a page at a time, the same order.
    let mut walked = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let q = match &cursor {
            Some(c) => format!("expiring_within_days=60&limit=1&cursor={c}"),
            None => "expiring_within_days=60&limit=1".into(),
        };
        let (ids, next) = list(&q).await;
        walked.extend(ids);
        match next {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    assert_eq!(walked, want);

    let (got, _) = list("expiring_within_days=0").await;
    assert_eq!(got, id_of(0));
    let (got, _) = list("expired=true").await;
    assert_eq!(got, id_of(-1));
    let (got, _) = list("expired=false&type=pirt").await;
    assert_eq!(got.len(), 5);
    assert!(!got.contains(&id_of(-1)[0]));
    let (got, _) = list("status=pending").await;
    assert_eq!(got, [w.certification_a.id]);
    let (got, _) = list("type=halal&status=verified").await;
    assert!(got.is_empty());

    let res = app
        .as_(&admin)
        .get("/api/v1/certifications?expiring_within_days=5000")
        .await;
    assert_eq!(
        assert_problem(res, 422).await["errors"][0]["field"],
        "expiring_within_days"
    );
    let res = app
        .as_(&admin)
        .get("/api/v1/certifications?expiring_within_days=-3")
        .await;
    assert_problem(res, 400).await;
    let res = app
        .as_(&admin)
        .get("/api/v1/certifications?status=lost")
        .await;
    assert_problem(res, 400).await;
    // A cursor of one order is refused in the other.
    let (_, cursor) = list("expiring_within_days=60&limit=1").await;
    let res = app
        .as_(&admin)
        .get(&format!(
            "/api/v1/certifications?cursor={}",
            cursor.unwrap()
        ))
        .await;
    assert_problem(res, 400).await;
}
