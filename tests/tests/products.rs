//! Products, their curation, and publication through every path in and out.

use chrono::Duration;
use entity::{catalog_changes, CertificationStatus, CertificationType, ChangeOp, PesantrenStatus};
use opop_tests::catalogue::{create_and_approve, product_row};
use opop_tests::feed::ops_of;
use opop_tests::world::{insert_certification, insert_pesantren, World};
use opop_tests::{assert_problem, error_fields, TestApp};
use reqwest::Method;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, Set,
};
use serde_json::{json, Value};
use uuid::Uuid;

fn input(sku: &str, category: &str) -> Value {
    json!({
        "name": "Kopi Robusta Sidogiri",
        "description": "Kopi robusta dari lereng Bromo, disangrai santri.",
        "category": category,
        "price_idr": 40000,
        "stock": 25,
        "unit": "bungkus",
        "weight_grams": 250,
        "sku": sku,
        "images": ["https://images.opop.example/kopi.jpg"],
        "flagship_requested": true,
        "brand": "Santri Coffee",
        "length_cm": 20, "width_cm": 10, "height_cm": 5,
        "shelf_life_days": 180,
    })
}

/// A beverage of pesantren A, created by its manager, submitted, approved by
/// the curator of 35, and given a verified halal certificate: published.
async fn published_product(app: &TestApp, w: &World) -> Value {
    let manager = w.token("manager_a");
    let approved = create_and_approve(
        app,
        &manager,
        &w.token("curator_35"),
        &input("KOPI-250", "beverage"),
    )
    .await;
    let id = approved["id"].as_str().unwrap();
    assert_eq!(approved["published"], false, "no halal certificate yet");
    assert!(ops_of(app, id.parse().unwrap()).await.is_empty());
    let product = product_row(app, id.parse().unwrap()).await;
    insert_certification(
        app,
        &product,
        CertificationType::Halal,
        "ID35110099999999",
        CertificationStatus::Verified,
        None,
    )
    .await;
    // The certificate was inserted behind the API; an edit of the price
    // makes the product sync, as any write does.
    let mut body = input("KOPI-250", "beverage");
    body["price_idr"] = json!(42000);
    let now = app
        .as_(&manager)
        .put(&format!("/api/v1/products/{id}"), &body)
        .ok()
        .await;
    assert_eq!(now["published"], true);
    assert_eq!(
        now["status"], "approved",
        "a price change keeps it approved"
    );
    assert_eq!(ops_of(app, product.id).await, [ChangeOp::Upsert]);
    now
}

#[tokio::test]
async fn a_manager_creates_a_draft_of_their_own_pesantren_with_every_marketplace_field() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let res = app
        .as_(&w.token("manager_a"))
        .post("/api/v1/products", &input("KOPI-1", "beverage"))
        .await;
    assert_eq!(res.status(), 201);
    assert_eq!(res.headers()["etag"], "\"1\"");
    let p: Value = res.json().await.unwrap();
    assert_eq!(p["pesantren_id"], w.pesantren_a.id.to_string());
    assert_eq!(p["province_code"], "35");
    assert_eq!(p["status"], "draft");
    assert_eq!(p["price_idr"], 40000);
    assert_eq!(p["condition"], "new");
    assert_eq!(p["min_order_qty"], 1);
    assert_eq!(p["images"], json!(["https://images.opop.example/kopi.jpg"]));
    assert_eq!(p["published"], false);
    let read = app
        .as_(&w.token("curator_35"))
        .get(&format!("/api/v1/products/{}", p["id"].as_str().unwrap()))
        .ok()
        .await;
    assert_eq!(read, p);
}

#[tokio::test]
async fn product_fields_are_validated_all_at_once_and_skus_are_unique_per_pesantren() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let manager = w.token("manager_a");
    let bad = json!({
        "name": "K", "description": "", "category": "food", "price_idr": 50, "stock": -1,
        "unit": "", "weight_grams": 0, "sku": "has space", "images": ["http://insecure.example/a.jpg"],
        "length_cm": 0,
    });
    let body = assert_problem(app.as_(&manager).post("/api/v1/products", &bad).await, 422).await;
    let fields = error_fields(&body);
    assert_eq!(
        fields,
        [
            "description",
            "images",
            "length_cm",
            "name",
            "price_idr",
            "sku",
            "stock",
            "unit",
            "weight_grams"
        ],
        "what is sent is checked at once; what is missing (shelf_life_days) waits for submit"
    );
    let mut eleven = input("K-11", "craft");
    eleven["images"] = json!((0..11)
        .map(|i| format!("https://img.example/{i}.jpg"))
        .collect::<Vec<_>>());
    assert_problem(
        app.as_(&manager).post("/api/v1/products", &eleven).await,
        422,
    )
    .await;
    let body = assert_problem(
        app.as_(&manager)
            .post("/api/v1/products", &json!({"name": 5}))
            .await,
        422,
    )
    .await;
    assert!(body["errors"].is_array());

    app.as_(&manager)
        .post("/api/v1/products", &input("SAME", "craft"))
        .ok()
        .await;
    let body = assert_problem(
        app.as_(&manager)
            .post("/api/v1/products", &input("SAME", "craft"))
            .await,
        409,
    )
    .await;
    assert!(body["detail"].as_str().unwrap().contains("SKU"));
    // The same SKU in another pesantren is fine.
    app.as_(&w.token("manager_b"))
        .post("/api/v1/products", &input("SAME", "craft"))
        .ok()
        .await;
    // A koperasi of another pesantren is refused.
    let mut other = input("K-KOP", "craft");
    other["koperasi_id"] = json!(Uuid::now_v7());
    let body = assert_problem(
        app.as_(&manager).post("/api/v1/products", &other).await,
        422,
    )
    .await;
    assert_eq!(body["errors"][0]["field"], "koperasi_id");
}

#[tokio::test]
async fn every_transition_the_contract_does_not_allow_is_refused_with_the_state_named() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let manager = w.token("manager_a");
    let curator = w.token("curator_35");
    let p = app
        .as_(&manager)
        .post("/api/v1/products", &input("T-1", "craft"))
        .ok()
        .await;
    let id = p["id"].as_str().unwrap();
    let act = |verb: &'static str, token: &String| {
        let path = format!("/api/v1/products/{id}/{verb}");
        let body = (verb == "reject").then(|| json!({"reason": "Kemasan belum layak"}));
        app.as_(token).call(Method::POST, &path, body.as_ref())
    };
    // draft: only submit.
    for (verb, token) in [
        ("approve", &curator),
        ("reject", &curator),
        ("unlist", &manager),
        ("relist", &manager),
    ] {
        let body = assert_problem(act(verb, token).await, 409).await;
        assert!(
            body["detail"].as_str().unwrap().contains("`draft`"),
            "{verb}: {body}"
        );
    }
    app.as_(&manager)
        .post_empty(&format!("/api/v1/products/{id}/submit"))
        .ok()
        .await;
    // in_review: only approve or reject.
    for (verb, token) in [
        ("submit", &manager),
        ("unlist", &manager),
        ("relist", &manager),
    ] {
        let body = assert_problem(act(verb, token).await, 409).await;
        assert!(
            body["detail"].as_str().unwrap().contains("`in_review`"),
            "{verb}: {body}"
        );
    }
    let rejected = app
        .as_(&curator)
        .post(
            &format!("/api/v1/products/{id}/reject"),
            &json!({"reason": "Kemasan belum layak"}),
        )
        .ok()
        .await;
    assert_eq!(rejected["status"], "rejected");
    assert_eq!(rejected["rejection_reason"], "Kemasan belum layak");
    for (verb, token) in [
        ("submit", &manager),
        ("approve", &curator),
        ("reject", &curator),
        ("unlist", &manager),
        ("relist", &manager),
    ] {
        let body = assert_problem(act(verb, token).await, 409).await;
        assert!(
            body["detail"].as_str().unwrap().contains("`rejected`"),
            "{verb}: {body}"
        );
    }
    // Editing a rejected product makes it a draft again.
    let edited = app
        .as_(&manager)
        .put(&format!("/api/v1/products/{id}"), &input("T-1", "craft"))
        .ok()
        .await;
    assert_eq!(edited["status"], "draft");
    assert!(edited["rejection_reason"].is_null());
    app.as_(&manager)
        .post_empty(&format!("/api/v1/products/{id}/submit"))
        .ok()
        .await;
    app.as_(&curator)
        .post_empty(&format!("/api/v1/products/{id}/approve"))
        .ok()
        .await;
    // approved: only unlist.
    for (verb, token) in [
        ("submit", &manager),
        ("approve", &curator),
        ("reject", &curator),
        ("relist", &manager),
    ] {
        let body = assert_problem(act(verb, token).await, 409).await;
        assert!(
            body["detail"].as_str().unwrap().contains("`approved`"),
            "{verb}: {body}"
        );
    }
    app.as_(&manager)
        .post_empty(&format!("/api/v1/products/{id}/unlist"))
        .ok()
        .await;
    for (verb, token) in [
        ("submit", &manager),
        ("approve", &curator),
        ("reject", &curator),
        ("unlist", &manager),
    ] {
        let body = assert_problem(act(verb, token).await, 409).await;
        assert!(
            body["detail"].as_str().unwrap().contains("`unlisted`"),
            "{verb}: {body}"
        );
    }
    let back = app
        .as_(&manager)
        .post_empty(&format!("/api/v1/products/{id}/relist"))
        .ok()
        .await;
    assert_eq!(back["status"], "approved");
    // A reject without a reason is a validation failure.
    let p2 = app
        .as_(&manager)
        .post("/api/v1/products", &input("T-2", "craft"))
        .ok()
        .await;
    let id2 = p2["id"].as_str().unwrap();
    app.as_(&manager)
        .post_empty(&format!("/api/v1/products/{id2}/submit"))
        .ok()
        .await;
    let body = assert_problem(
        app.as_(&curator)
            .post_empty(&format!("/api/v1/products/{id2}/reject"))
            .await,
        422,
    )
    .await;
    assert_eq!(body["errors"][0]["field"], "reason");
}

#[tokio::test]
async fn only_staff_of_the_province_review_and_never_their_own_products() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let admin = w.token("admin_35");
    let mut body = input("OWN-1", "craft");
    body["pesantren_id"] = json!(w.pesantren_a.id);
    let p = app.as_(&admin).post("/api/v1/products", &body).ok().await;
    let id = p["id"].as_str().unwrap();
    app.as_(&admin)
        .post_empty(&format!("/api/v1/products/{id}/submit"))
        .ok()
        .await;
    let approve = format!("/api/v1/products/{id}/approve");
    let body = assert_problem(app.as_(&admin).post_empty(&approve).await, 403).await;
    assert!(body["detail"]
        .as_str()
        .unwrap()
        .contains("created themselves"));
    assert_problem(
        app.as_(&w.token("curator_32")).post_empty(&approve).await,
        404,
    )
    .await;
    assert_problem(
        app.as_(&w.token("manager_a")).post_empty(&approve).await,
        403,
    )
    .await;
    assert_problem(app.as_(&w.token("partner")).post_empty(&approve).await, 403).await;
    app.as_(&w.token("curator_35"))
        .post_empty(&approve)
        .ok()
        .await;
}

#[tokio::test]
async fn a_product_is_published_and_withdrawn_by_rejection_of_its_content_change() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let p = published_product(&app, &w).await;
    let id = p["id"].as_str().unwrap();
    // A new name sends it back to review, out of the catalogue.
    let mut renamed = input("KOPI-250", "beverage");
    renamed["name"] = json!("Kopi Arabika Sidogiri");
    let now = app
        .as_(&w.token("manager_a"))
        .put(&format!("/api/v1/products/{id}"), &renamed)
        .ok()
        .await;
    assert_eq!(now["status"], "in_review");
    assert_eq!(now["published"], false);
    let rejected = app
        .as_(&w.token("curator_35"))
        .post(
            &format!("/api/v1/products/{id}/reject"),
            &json!({"reason": "Nama tidak sesuai"}),
        )
        .ok()
        .await;
    assert_eq!(rejected["status"], "rejected");
    assert_eq!(
        ops_of(&app, id.parse().unwrap()).await,
        [ChangeOp::Upsert, ChangeOp::Delete]
    );
}

#[tokio::test]
async fn a_product_is_withdrawn_by_unlisting_and_returns_when_relisted() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let p = published_product(&app, &w).await;
    let id = p["id"].as_str().unwrap();
    let m = w.token("manager_a");
    assert_eq!(
        app.as_(&m)
            .post_empty(&format!("/api/v1/products/{id}/unlist"))
            .ok()
            .await["published"],
        false
    );
    assert_eq!(
        app.as_(&m)
            .post_empty(&format!("/api/v1/products/{id}/relist"))
            .ok()
            .await["published"],
        true
    );
    assert_eq!(
        ops_of(&app, id.parse().unwrap()).await,
        [ChangeOp::Upsert, ChangeOp::Delete, ChangeOp::Upsert]
    );
}

#[tokio::test]
async fn a_product_is_withdrawn_when_its_pesantren_is_suspended_and_returns_when_verified() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let p = published_product(&app, &w).await;
    let id: Uuid = p["id"].as_str().unwrap().parse().unwrap();
    let a = w.pesantren_a.id;
    let admin = w.token("admin_35");
    app.as_(&admin)
        .post_empty(&format!("/api/v1/pesantren/{a}/suspend"))
        .ok()
        .await;
    assert_eq!(
        app.as_(&admin)
            .get(&format!("/api/v1/products/{id}"))
            .ok()
            .await["published"],
        false
    );
    app.as_(&admin)
        .post_empty(&format!("/api/v1/pesantren/{a}/verify"))
        .ok()
        .await;
    assert_eq!(
        ops_of(&app, id).await,
        [ChangeOp::Upsert, ChangeOp::Delete, ChangeOp::Upsert]
    );
    // A new pesantren name reaches the feed as an upsert with the new name.
    let body = json!({
        "nspp": w.pesantren_a.nspp, "name": "Pondok Pesantren A Baru", "province_code": "35",
        "regency_code": "3578", "address": w.pesantren_a.address, "leader_name": w.pesantren_a.leader_name, "phone": w.pesantren_a.phone,
    });
    app.as_(&admin)
        .put(&format!("/api/v1/pesantren/{a}"), &body)
        .ok()
        .await;
    let last = catalog_changes::Entity::find()
        .filter(catalog_changes::Column::ProductId.eq(id))
        .order_by_desc(catalog_changes::Column::Seq)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(last.op, ChangeOp::Upsert);
    assert_eq!(
        last.payload.unwrap()["pesantren"]["name"],
        "Pondok Pesantren A Baru"
    );
}

#[tokio::test]
async fn a_product_is_withdrawn_when_its_halal_certificate_expires_without_anyone_touching_it() {
    let app = TestApp::spawn_with(&[("OPOP_EXPIRY_INTERVAL_SECS", "0")]).await;
    let w = World::build(&app).await;
    let p = published_product(&app, &w).await;
    let id: Uuid = p["id"].as_str().unwrap().parse().unwrap();
    // Let the certificate run out: it was valid until yesterday.
    let cert = entity::certifications::Entity::find()
        .filter(entity::certifications::Column::ProductId.eq(id))
        .filter(entity::certifications::Column::Status.eq(CertificationStatus::Verified))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let mut cert = cert.into_active_model();
    cert.expires_on = Set(Some(opop_api::publication::today() - Duration::days(1)));
    cert.update(&app.db).await.unwrap();

    // Unpublished at once, before any task runs …
    let read = app
        .as_(&w.token("manager_a"))
        .get(&format!("/api/v1/products/{id}"))
        .ok()
        .await;
    assert_eq!(read["published"], false);
    // … and the task records it for the feed exactly once, however many
    // instances run it together.
    let runs =
        futures_util::future::join_all((0..4).map(|_| opop_api::feed::expiry::run_once(&app.db)))
            .await;
    let withdrawn: usize = runs.into_iter().map(|r| r.unwrap()).sum();
    assert_eq!(withdrawn, 1);
    assert_eq!(opop_api::feed::expiry::run_once(&app.db).await.unwrap(), 0);
    assert_eq!(ops_of(&app, id).await, [ChangeOp::Upsert, ChangeOp::Delete]);
    let trail = entity::audit_log::Entity::find()
        .filter(entity::audit_log::Column::ResourceId.eq(id))
        .filter(entity::audit_log::Column::Action.eq("withdraw"))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(trail.len(), 1);
}

#[tokio::test]
async fn categories_that_need_no_halal_certificate_publish_on_approval() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let approved = create_and_approve(
        &app,
        &w.token("manager_a"),
        &w.token("admin_35"),
        &input("SARUNG-1", "fashion"),
    )
    .await;
    assert_eq!(approved["published"], true);
    // …but not while the pesantren is unverified.
    let reg = insert_pesantren(
        &app,
        "510035781111",
        "35",
        "3578",
        PesantrenStatus::Registered,
    )
    .await;
    let mut body = input("SARUNG-2", "fashion");
    body["pesantren_id"] = json!(reg.id);
    let approved = create_and_approve(
        &app,
        &w.token("admin_national"),
        &w.token("curator_35"),
        &body,
    )
    .await;
    assert_eq!(approved["published"], false);
}

#[tokio::test]
async fn scope_keeps_managers_and_curators_to_their_own_products() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let a = w.product_a.id;
    for who in ["manager_b", "curator_32", "admin_32"] {
        assert_problem(
            app.as_(&w.token(who))
                .get(&format!("/api/v1/products/{a}"))
                .await,
            404,
        )
        .await;
        let list = app.as_(&w.token(who)).get("/api/v1/products").ok().await;
        assert!(
            list["data"]
                .as_array()
                .unwrap()
                .iter()
                .all(|p| p["province_code"] == "32"),
            "{who}"
        );
    }
    let body = json!({"name": "X"});
    assert_problem(
        app.as_(&w.token("curator_35"))
            .put(&format!("/api/v1/products/{a}"), &body)
            .await,
        403,
    )
    .await;
    assert_problem(
        app.as_(&w.token("santri_a")).get("/api/v1/products").await,
        403,
    )
    .await;
    assert_problem(app.anon().get("/api/v1/products").await, 401).await;
    let mut body = input("X-1", "craft");
    body["pesantren_id"] = json!(w.pesantren_b.id);
    let err = assert_problem(
        app.as_(&w.token("manager_a"))
            .post("/api/v1/products", &body)
            .await,
        422,
    )
    .await;
    assert_eq!(err["errors"][0]["field"], "pesantren_id");
}

#[tokio::test]
async fn lists_filter_and_sort_with_stable_cursors() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let m = w.token("manager_a");
    for (i, (name, price, cat)) in [
        ("Ámbon Pisang", 12000, "food"),
        ("batik tulis", 250000, "fashion"),
        ("Cokelat", 30000, "food"),
        ("ambon kue", 12000, "food"),
        ("Zaitun", 90000, "herbal"),
    ]
    .iter()
    .enumerate()
    {
        let mut body = input(&format!("S-{i}"), cat);
        body["name"] = json!(name);
        body["price_idr"] = json!(price);
        body["flagship_requested"] = json!(i == 0);
        app.as_(&m).post("/api/v1/products", &body).ok().await;
    }
    let walk = |sort: &'static str| {
        let app = &app;
        let m = m.clone();
        async move {
            let mut names = Vec::new();
            let mut cursor: Option<String> = None;
            loop {
                let mut path = format!(
                    "/api/v1/products?limit=2&sort={sort}&pesantren_id={}",
                    w.pesantren_a.id
                );
                if let Some(c) = &cursor {
                    path.push_str(&format!("&cursor={c}"));
                }
                let page = app.as_(&m).get(&path).ok().await;
                names.extend(
                    page["data"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|p| p["name"].as_str().unwrap().to_string()),
                );
                match page["next_cursor"].as_str() {
                    Some(c) => cursor = Some(c.to_string()),
                    None => break names,
                }
            }
        }
    };
    let by_name = walk("name").await;
    assert_eq!(
        by_name,
        [
            "ambon kue",
            "Ámbon Pisang",
            "batik tulis",
            "Cokelat",
            "Produk SKU-A-1",
            "Zaitun"
        ]
    );
    let by_price = walk("price").await;
    assert_eq!(&by_price[..2], ["Ámbon Pisang", "ambon kue"]);
    assert_eq!(by_price.last().unwrap(), "batik tulis");
    let dear = walk("price_desc").await;
    assert_eq!(dear.first().unwrap(), "batik tulis");
    let newest = walk("newest").await;
    assert_eq!(newest.first().unwrap(), "Zaitun");
    assert_eq!(newest.len(), 6);

    let count = |v: Value| v["data"].as_array().unwrap().len();
    assert_eq!(
        count(app.as_(&m).get("/api/v1/products?category=food").ok().await),
        4
    );
    assert_eq!(
        count(
            app.as_(&m)
                .get("/api/v1/products?flagship_requested=true")
                .ok()
                .await
        ),
        1
    );
    assert_eq!(
        count(
            app.as_(&m)
                .get("/api/v1/products?status=approved")
                .ok()
                .await
        ),
        1
    );
    assert_eq!(
        count(app.as_(&m).get("/api/v1/products?q=AMBON").ok().await),
        2
    );
    // A cursor made for one order is refused in another.
    let page = app
        .as_(&m)
        .get("/api/v1/products?limit=1&sort=name")
        .ok()
        .await;
    let c = page["next_cursor"].as_str().unwrap();
    assert_problem(
        app.as_(&m)
            .get(&format!("/api/v1/products?sort=price&cursor={c}"))
            .await,
        400,
    )
    .await;
    assert_problem(app.as_(&m).get("/api/v1/products?sort=cheapest").await, 400).await;
}

#[tokio::test]
async fn a_stale_if_match_on_a_product_is_refused_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let m = w.token("manager_a");
    let p = app
        .as_(&m)
        .post("/api/v1/products", &input("V-1", "craft"))
        .ok()
        .await;
    let path = format!("/api/v1/products/{}", p["id"].as_str().unwrap());
    let mut body = input("V-1", "craft");
    body["price_idr"] = json!(99000);
    let res = app
        .as_(&m)
        .put(&path, &body)
        .header("If-Match", "\"9\"")
        .await;
    assert_problem(res, 412).await;
    let res = app
        .as_(&m)
        .post_empty(&format!("{path}/submit"))
        .header("If-Match", "\"9\"")
        .await;
    assert_problem(res, 412).await;
    let now = app.as_(&m).get(&path).ok().await;
    assert_eq!(now["price_idr"], 40000);
    assert_eq!(now["status"], "draft");
    assert_eq!(now["version"], 1);
}

#[tokio::test]
async fn the_servers_own_background_task_records_an_expiry_for_the_feed() {
    let app = TestApp::spawn_with(&[("OPOP_EXPIRY_INTERVAL_SECS", "1")]).await;
    let w = World::build(&app).await;
    let p = published_product(&app, &w).await;
    let id: Uuid = p["id"].as_str().unwrap().parse().unwrap();
    let cert = entity::certifications::Entity::find()
        .filter(entity::certifications::Column::ProductId.eq(id))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let mut cert = cert.into_active_model();
    cert.expires_on = Set(Some(opop_api::publication::today() - Duration::days(1)));
    cert.update(&app.db).await.unwrap();
    // Nobody calls anything: the task running in the server notices.
    for _ in 0..100 {
        if ops_of(&app, id).await == [ChangeOp::Upsert, ChangeOp::Delete] {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("no delete event after 10 s: {:?}", ops_of(&app, id).await);
}
