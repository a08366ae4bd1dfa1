//! Variants, batch updates and partners' category mapping.

use entity::{product_variants, ProductCategory, ProductStatus};
use futures_util::future::join_all;
use opop_tests::catalogue::{create_and_approve, order, product_row, publish};
use opop_tests::feed::last_event_of;
use opop_tests::world::{insert_product, World};
use opop_tests::{error_fields, Answer, TestApp};
use sea_orm::EntityTrait;
use serde_json::{json, Value};
use uuid::Uuid;

fn variant(sku: &str, size: &str, colour: &str, price: i64, stock: i64) -> Value {
    json!({"sku": sku, "values": {"ukuran": size, "warna": colour},
           "price_idr": price, "stock": stock, "weight_grams": 350, "length_cm": 30})
}

fn batik(skus: &str) -> Value {
    json!({
        "name": "Batik Tulis Sidogiri", "description": "Batik tulis motif pesantren.",
        "category": "fashion", "unit": "potong", "weight_grams": 350, "sku": format!("{skus}-BATIK"),
        "images": ["https://images.opop.example/batik.jpg"],
        "options": ["ukuran", "warna"],
        "variants": [
            variant(&format!("{skus}-L-H"), "L", "hijau", 150_000, 3),
            variant(&format!("{skus}-M-H"), "M", "hijau", 140_000, 4),
            variant(&format!("{skus}-L-B"), "L", "biru", 155_000, 50),
        ],
    })
}

/// A published batik with three variants, through the API.
async fn published_batik(app: &TestApp, w: &World, skus: &str) -> Value {
    let p = create_and_approve(
        app,
        &w.token("manager_a"),
        &w.token("curator_35"),
        &batik(skus),
    )
    .await;
    assert_eq!(p["published"], true);
    p
}

async fn variant_stock(app: &TestApp, id: Uuid) -> i64 {
    product_variants::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .stock
}

fn uuid(v: &Value) -> Uuid {
    v.as_str().unwrap().parse().unwrap()
}

#[tokio::test]
async fn a_product_with_variants_goes_from_creation_through_publication_to_an_order_of_one_variant()
{
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let p = published_batik(&app, &w, "V1").await;
    let id = uuid(&p["id"]);
    assert_eq!(p["options"], json!(["ukuran", "warna"]));
    assert_eq!(p["price_idr"], 140_000, "the lowest variant price");
    assert_eq!(p["stock"], 57, "the total stock");
    let variants = p["variants"].as_array().unwrap().clone();
    assert_eq!(variants.len(), 3);
    assert_eq!(
        variants[0]["values"],
        json!({"ukuran": "L", "warna": "hijau"})
    );
    assert_eq!(variants[0]["weight_kg"], 0.35);

    // The catalogue and the feed carry the variants.
    let shown: Value = app
        .anon()
        .get(&format!("/api/v1/catalog/products/{id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(shown["variants"], p["variants"]);
    assert_eq!(shown["weight_kg"], 0.35);
    assert_eq!(
        last_event_of(&app, id).await.unwrap().payload.unwrap(),
        shown
    );

    // A partner orders two of one variant.
    let partner = w.token("partner");
    let l_hijau = uuid(&variants[0]["id"]);
    let buy = |key: &'static str, body: Value| {
        let (app, partner) = (&app, &partner);
        async move {
            let answer = order(app, partner, Some(key), &body).await;
            (answer.status, answer.body)
        }
    };
    let (s, o) = buy("k1", json!({"product_id": id, "variant_id": l_hijau, "quantity": 2, "external_order_id": "SHP-1"})).await;
    assert_eq!(s, 201, "{o}");
    assert_eq!(o["variant_id"], json!(l_hijau));
    assert_eq!(o["unit_price_idr"], 150_000);
    assert_eq!(o["total_idr"], 300_000);
    assert_eq!(o["stock_remaining"], 1);
    assert_eq!(variant_stock(&app, l_hijau).await, 1);
    assert_eq!(product_row(&app, id).await.stock, Some(55));
    let payload = last_event_of(&app, id).await.unwrap().payload.unwrap();
    assert_eq!(payload["variants"][0]["stock"], 1);
    assert_eq!(payload["stock"], 55);
    // The stored view was updated in place by the order: rendering the
    // product from the register now finds nothing to change.
    assert_eq!(opop_api::feed::sync_now(&app.db, id).await.unwrap(), None);

    // More than the variant holds: 409, even though the product has more.
    let (s, o) = buy("k2", json!({"product_id": id, "variant_id": l_hijau, "quantity": 2, "external_order_id": "SHP-2"})).await;
    assert_eq!(s, 409, "{o}");
    // Without a variant, or with another product's: 422, nothing taken.
    let (s, o) = buy(
        "k3",
        json!({"product_id": id, "quantity": 1, "external_order_id": "SHP-3"}),
    )
    .await;
    assert_eq!(
        (s, o["errors"][0]["field"].as_str()),
        (422, Some("variant_id")),
        "{o}"
    );
    let (s, o) = buy("k4", json!({"product_id": id, "variant_id": Uuid::now_v7(), "quantity": 1, "external_order_id": "SHP-4"})).await;
    assert_eq!(
        (s, o["errors"][0]["field"].as_str()),
        (422, Some("variant_id")),
        "{o}"
    );
    assert_eq!(product_row(&app, id).await.stock, Some(55));

    // A product without variants refuses a variant id.
    let plain = publish(&app, &w.pesantren_a, "PLAIN-1", ProductCategory::Craft).await;
    let (s, o) = buy("k5", json!({"product_id": plain.id, "variant_id": l_hijau, "quantity": 1, "external_order_id": "SHP-5"})).await;
    assert_eq!(s, 422, "{o}");
    let (s, o) = buy(
        "k6",
        json!({"product_id": plain.id, "quantity": 1, "external_order_id": "SHP-6"}),
    )
    .await;
    assert_eq!(s, 201, "{o}");
    assert!(o.get("variant_id").is_none());
}

#[tokio::test]
async fn variants_are_checked_all_at_once_and_nothing_is_stored() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let manager = w.token("manager_a");
    let mut body = batik("V2");
    body["variants"][1]["values"] = json!({"ukuran": "l", "warna": "HIJAU"});
    body["variants"][2]["sku"] = json!(w.product_a.sku);
    body["price_idr"] = json!(100_000);
    let (s, p) = app
        .as_(&manager)
        .post("/api/v1/products", &body)
        .status_and_json()
        .await;
    assert_eq!(s, 422, "{p}");
    let fields = error_fields(&p);
    assert_eq!(fields, ["price_idr", "variants[1].values"], "{p}");

    // A SKU taken by another product of the pesantren is found against the database.
    let mut body = batik("V2");
    body["variants"][2]["sku"] = json!(w.product_a.sku);
    let (s, p) = app
        .as_(&manager)
        .post("/api/v1/products", &body)
        .status_and_json()
        .await;
    assert_eq!(
        (s, p["errors"][0]["field"].as_str()),
        (422, Some("variants[2].sku")),
        "{p}"
    );

    let mut body = batik("V2");
    body.as_object_mut().unwrap().remove("variants");
    let (s, p) = app
        .as_(&manager)
        .post("/api/v1/products", &body)
        .status_and_json()
        .await;
    assert_eq!(
        (s, p["errors"][0]["field"].as_str()),
        (422, Some("variants")),
        "{p}"
    );
    // A product sold as one item may be a draft without its price and
    // stock; curation asks for them.
    let draft = app
        .as_(&manager)
        .post(
            "/api/v1/products",
            &json!({"name": "Kopi", "description": "Kopi.", "category": "craft",
                    "unit": "pcs", "weight_grams": 1, "sku": "K-1",
                    "images": ["https://images.opop.example/kopi.jpg"]}),
        )
        .expect(201)
        .await;
    let (s, p) = app
        .as_(&manager)
        .post_empty(&format!(
            "/api/v1/products/{}/submit",
            draft["id"].as_str().unwrap()
        ))
        .status_and_json()
        .await;
    assert_eq!(
        (s, error_fields(&p)),
        (422, vec!["price_idr", "stock"]),
        "a product sold as one item needs its price and stock: {p}"
    );
    assert_eq!(
        product_variants::Entity::find()
            .all(&app.db)
            .await
            .unwrap()
            .len(),
        0
    );
}

#[tokio::test]
async fn an_edit_keeps_the_variants_it_names_and_removes_the_others() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let p = published_batik(&app, &w, "V3").await;
    let id = p["id"].as_str().unwrap();
    let mut body = batik("V3");
    let kept: Vec<Value> = p["variants"].as_array().unwrap()[..2].to_vec();
    let kept_variants = json!([
        {"id": kept[0]["id"], "sku": kept[0]["sku"], "values": kept[0]["values"], "price_idr": 160_000, "stock": 3, "weight_grams": 350, "length_cm": 30},
        {"id": kept[1]["id"], "sku": kept[1]["sku"], "values": kept[1]["values"], "price_idr": 140_000, "stock": 4, "weight_grams": 350, "length_cm": 30},
    ]);
    body["variants"] = kept_variants.clone();
    let (s, after) = app
        .as_(&w.token("manager_a"))
        .put(&format!("/api/v1/products/{id}"), &body)
        .status_and_json()
        .await;
    assert_eq!(s, 200, "{after}");
    assert_eq!(
        after["status"], "approved",
        "prices, stock and dropping a variant show nothing unapproved"
    );
    let mut variants = kept_variants.as_array().unwrap().clone();
    variants.push(variant("V3-XL-H", "XL", "hijau", 170_000, 2));
    body["variants"] = json!(variants);
    let (s, after) = app
        .as_(&w.token("manager_a"))
        .put(&format!("/api/v1/products/{id}"), &body)
        .status_and_json()
        .await;
    assert_eq!(s, 200, "{after}");
    assert_eq!(
        after["status"], "in_review",
        "a new variant is content a curator has not seen"
    );
    let now = after["variants"].as_array().unwrap();
    assert_eq!(now[0]["id"], kept[0]["id"]);
    assert_eq!(now[0]["price_idr"], 160_000);
    assert_eq!(now[1]["id"], kept[1]["id"]);
    assert_eq!(now[2]["sku"], "V3-XL-H");
    assert_eq!(after["stock"], 9);
    let removed = uuid(&p["variants"][2]["id"]);
    assert!(product_variants::Entity::find_by_id(removed)
        .one(&app.db)
        .await
        .unwrap()
        .is_none());
    // An id that is not this product's variant is named.
    let mut body = batik("V3");
    body["variants"][0]["id"] = json!(Uuid::now_v7());
    let (s, p) = app
        .as_(&w.token("manager_a"))
        .put(&format!("/api/v1/products/{id}"), &body)
        .status_and_json()
        .await;
    assert_eq!(
        (s, p["errors"][0]["field"].as_str()),
        (422, Some("variants[0].id")),
        "{p}"
    );
}

#[tokio::test]
async fn a_hundred_concurrent_orders_of_one_variant_never_oversell_it() {
    // A hundred orders at once: alone, so that other suites' servers on the
    // same two cores cannot push an order past its deadline (seen once in
    // CI on SQLite), which would say nothing about overselling.
    opop_tests::alone(variant_race()).await;
}

async fn variant_race() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let p = published_batik(&app, &w, "V4").await;
    let id = uuid(&p["id"]);
    let l_biru = uuid(&p["variants"][2]["id"]);
    assert_eq!(variant_stock(&app, l_biru).await, 50);
    let partner = w.token("partner");
    let requests: Vec<(String, Value)> = (0..100)
        .map(|i| {
            (
                format!("race-{i}"),
                json!({"product_id": id, "variant_id": l_biru, "quantity": 1, "external_order_id": format!("RACE-{i}")}),
            )
        })
        .collect();
    let fire = || {
        join_all(
            requests
                .iter()
                .map(|(key, body)| order(&app, &partner, Some(key), body)),
        )
    };
    let first = fire().await;
    let created = first.iter().filter(|r| r.status == 201).count();
    assert_eq!(created, 50);
    assert!(first.iter().all(|r| r.status == 201 || r.status == 409));
    assert_eq!(variant_stock(&app, l_biru).await, 0);
    assert_eq!(
        product_row(&app, id).await.stock,
        Some(7),
        "the other variants' 3 + 4"
    );
    // Every retry answers its first answer again and takes nothing.
    let again = fire().await;
    for (before, after) in first.iter().zip(&again) {
        assert_eq!(before.status, after.status);
        if before.status == 201 {
            assert_eq!(before.body, after.body);
        }
        assert_eq!(after.replayed.as_deref(), Some("true"));
    }
    assert_eq!(variant_stock(&app, l_biru).await, 0);
    assert_eq!(product_row(&app, id).await.stock, Some(7));
}

#[tokio::test]
async fn a_batch_applies_the_good_items_and_names_the_bad_ones() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let p = published_batik(&app, &w, "V5").await;
    let id = uuid(&p["id"]);
    let m_hijau = uuid(&p["variants"][1]["id"]);
    let first_variant = uuid(&p["variants"][0]["id"]);
    let b_product = insert_product(
        &app,
        &w.pesantren_b,
        "B-ONLY",
        ProductCategory::Craft,
        ProductStatus::Approved,
    )
    .await;
    let manager = w.token("manager_a");
    let missing = Uuid::now_v7();
    let body = json!({"items": [
        {"id": w.product_a.id, "stock": 12},
        {"id": missing, "stock": 1},
        {"id": b_product.id, "stock": 1},
        {"id": id, "variant_id": first_variant, "stock": -5},
        {"id": id, "variant_id": m_hijau, "stock": 40},
        {"id": id, "stock": 40},
    ]});
    let Answer {
        status: s,
        body: r,
        replayed,
        ..
    } = app
        .as_(&manager)
        .post("/api/v1/products/stock", &body)
        .header("Idempotency-Key", "b-1")
        .answer()
        .await;
    assert_eq!(s, 200, "{r}");
    assert_eq!(replayed.as_deref(), Some("false"));
    let ok: Vec<Uuid> = r["succeeded"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| uuid(&x["id"]))
        .collect();
    assert_eq!(ok, [w.product_a.id, id]);
    let failed: Vec<(Uuid, u64)> = r["failed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| (uuid(&x["id"]), x["status"].as_u64().unwrap()))
        .collect();
    assert_eq!(
        failed,
        [(missing, 404), (b_product.id, 404), (id, 422), (id, 422)]
    );
    assert_eq!(product_row(&app, w.product_a.id).await.stock, Some(12));
    assert_eq!(variant_stock(&app, m_hijau).await, 40);
    assert_eq!(product_row(&app, id).await.stock, Some(3 + 40 + 50));
    assert_eq!(
        last_event_of(&app, id).await.unwrap().payload.unwrap()["stock"],
        93,
        "the change reached the feed"
    );
    assert_eq!(
        product_row(&app, b_product.id).await.stock,
        Some(100),
        "out of scope: untouched"
    );

    // The same key and body: the same answer, nothing applied again.
    let Answer {
        status: s,
        body: again,
        replayed,
        ..
    } = app
        .as_(&manager)
        .post("/api/v1/products/stock", &body)
        .header("Idempotency-Key", "b-1")
        .answer()
        .await;
    assert_eq!((s, replayed.as_deref()), (200, Some("true")));
    assert_eq!(again, r);
    let version = product_row(&app, w.product_a.id).await.version;
    // Another body under the key: 422 naming it; no key: 400; too many: 422.
    let (s, p) = app
        .as_(&manager)
        .post(
            "/api/v1/products/stock",
            &json!({"items": [{"id": w.product_a.id, "stock": 1}]}),
        )
        .header("Idempotency-Key", "b-1")
        .status_and_json()
        .await;
    assert_eq!(
        (s, p["errors"][0]["field"].as_str()),
        (422, Some("Idempotency-Key")),
        "{p}"
    );
    let (s, _) = app
        .as_(&manager)
        .post(
            "/api/v1/products/stock",
            &json!({"items": [{"id": w.product_a.id, "stock": 1}]}),
        )
        .status_and_json()
        .await;
    assert_eq!(s, 400);
    let many: Vec<Value> = (0..101)
        .map(|_| json!({"id": w.product_a.id, "stock": 1}))
        .collect();
    let (s, p) = app
        .as_(&manager)
        .post("/api/v1/products/stock", &json!({"items": many}))
        .header("Idempotency-Key", "b-2")
        .status_and_json()
        .await;
    assert_eq!(
        (s, p["errors"][0]["field"].as_str()),
        (422, Some("items")),
        "{p}"
    );
    assert_eq!(product_row(&app, w.product_a.id).await.version, version);

    // Prices of a variant move the product's lowest price.
    let (s, r) = app.as_(&manager).post("/api/v1/products/prices", &json!({"items": [{"id": id, "variant_id": m_hijau, "price_idr": 99_000}, {"id": w.product_a.id, "price_idr": 50}]})).header("Idempotency-Key", "p-1").status_and_json().await;
    assert_eq!(s, 200, "{r}");
    assert_eq!(r["succeeded"].as_array().unwrap().len(), 1);
    assert_eq!(r["failed"][0]["status"], 422);
    assert_eq!(product_row(&app, id).await.price_idr, Some(99_000));
    assert_eq!(product_row(&app, id).await.status, ProductStatus::Approved);
    // Curators may not batch; managers of another pesantren get 404 per item.
    let (s, _) = app
        .as_(&w.token("curator_35"))
        .post(
            "/api/v1/products/prices",
            &json!({"items": [{"id": id, "price_idr": 1000}]}),
        )
        .header("Idempotency-Key", "p-2")
        .status_and_json()
        .await;
    assert_eq!(s, 403);
    let (s, r) = app
        .as_(&w.token("manager_b"))
        .post(
            "/api/v1/products/prices",
            &json!({"items": [{"id": w.product_a.id, "price_idr": 1000}]}),
        )
        .header("Idempotency-Key", "p-3")
        .status_and_json()
        .await;
    assert_eq!((s, r["failed"][0]["status"].as_u64()), (200, Some(404)));
}

#[tokio::test]
async fn a_partner_keeps_its_own_category_and_attributes_for_a_listing() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let p = published_batik(&app, &w, "V6").await;
    let id = p["id"].as_str().unwrap();
    let path = format!("/api/v1/catalog/products/{id}/listing");
    let body = json!({"external_id": "77", "url": "https://shopee.co.id/batik-77", "category_id": "100017",
                      "attributes": {"brand": "Sidogiri", "material": ["katun"]}});
    let (s, l) = app
        .as_(&w.token("partner"))
        .put(&path, &body)
        .status_and_json()
        .await;
    assert_eq!(s, 201, "{l}");
    assert_eq!(l["category_id"], "100017");
    assert_eq!(l["attributes"]["material"], json!(["katun"]));
    let shown: Value = app
        .anon()
        .get(&format!("/api/v1/catalog/products/{id}"))
        .await
        .json()
        .await
        .unwrap();
    assert!(
        shown["listings"][0].get("category_id").is_none(),
        "kept for the partner only"
    );
    let attributes: serde_json::Map<String, Value> =
        (0..51).map(|i| (format!("a{i}"), json!(i))).collect();
    let (s, e) = app.as_(&w.token("partner")).put(&path, &json!({"external_id": "77", "url": "https://shopee.co.id/batik-77", "attributes": attributes})).status_and_json().await;
    assert_eq!(
        (s, e["errors"][0]["field"].as_str()),
        (422, Some("attributes")),
        "{e}"
    );
    let (_, l) = app
        .as_(&w.token("partner"))
        .get(&path)
        .status_and_json()
        .await;
    assert_eq!(l["category_id"], "100017");
}
