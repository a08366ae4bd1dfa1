//! Partners' orders: stock taken atomically, at most once per
//! `Idempotency-Key`, and reaching the change feed.

use std::collections::BTreeSet;

use entity::{idempotency_keys, orders, products, ChangeOp, ProductCategory};
use futures_util::future::join_all;
use opop_tests::catalogue::{order, order_body, product_row, publish_stocked, ORDERS};
use opop_tests::feed::events_of;
use opop_tests::world::{create_partner, World};
use opop_tests::{assert_problem, error_fields, Answer, TestApp};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, Set,
};
use serde_json::{json, Value};
use uuid::Uuid;

async fn order_count(app: &TestApp, product: Uuid) -> u64 {
    orders::Entity::find()
        .filter(orders::Column::ProductId.eq(product))
        .count(&app.db)
        .await
        .unwrap()
}

async fn stored_keys(app: &TestApp) -> u64 {
    idempotency_keys::Entity::find()
        .count(&app.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn concurrent_orders_never_oversell_and_every_retry_gets_its_first_answer_again() {
    // 120 orders at once: with other suites' servers on the same two cores
    // an order could wait past its deadline (a 503, seen once on
    // PostgreSQL), which says nothing about overselling.
    opop_tests::alone(orders_race()).await;
}

async fn orders_race() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let partner = w.token("partner");
    let p = publish_stocked(&app, &w.pesantren_a, "TIKAR-50", 50, 1).await;
    const N: usize = 120;
    let requests: Vec<(String, Value)> = (0..N)
        .map(|i| (format!("key-{i}"), order_body(p.id, 1, &format!("SHP-{i}"))))
        .collect();

    let first = join_all(
        requests
            .iter()
            .map(|(key, b)| order(&app, &partner, Some(key), b)),
    )
    .await;
    let created: Vec<&Answer> = first.iter().filter(|a| a.status == 201).collect();
    let refused: Vec<&Answer> = first.iter().filter(|a| a.status == 409).collect();
    assert_eq!(created.len(), 50, "exactly the stock is sold");
    assert_eq!(
        refused.len(),
        N - 50,
        "everything else is refused: {first:?}"
    );
    for a in &first {
        assert_eq!(a.replayed.as_deref(), Some("false"), "{a:?}");
    }
    // Each sale saw the stock its predecessor left: 49, 48, …, 0.
    let remaining: BTreeSet<i64> = created
        .iter()
        .map(|a| a.body["stock_remaining"].as_i64().unwrap())
        .collect();
    assert_eq!(remaining, (0..50).collect());
    for a in &created {
        let id = a.body["id"].as_str().unwrap();
        assert_eq!(
            a.location.as_deref(),
            Some(format!("{ORDERS}/{id}").as_str())
        );
        assert_eq!(a.body["quantity"], 1);
        assert_eq!(a.body["unit_price_idr"], json!(p.price_idr));
        assert_eq!(a.body["total_idr"], json!(p.price_idr));
    }
    for a in &refused {
        assert_eq!(a.content_type, "application/problem+json");
        assert!(
            a.body["detail"].as_str().unwrap().contains("in stock"),
            "{a:?}"
        );
    }
    assert_eq!(product_row(&app, p.id).await.stock, Some(0));
    assert_eq!(order_count(&app, p.id).await, 50);
    let events = events_of(&app, p.id).await;
    assert_eq!(events.last().unwrap().payload.as_ref().unwrap()["stock"], 0);

    // Every request again, concurrently, with its own key and body.
    let again = join_all(
        requests
            .iter()
            .map(|(key, b)| order(&app, &partner, Some(key), b)),
    )
    .await;
    for (before, after) in first.iter().zip(&again) {
        assert_eq!(after.status, before.status);
        assert_eq!(after.content(), before.content());
        assert_eq!(after.replayed.as_deref(), Some("true"), "{after:?}");
        assert_eq!(after.location, before.location);
    }
    assert_eq!(product_row(&app, p.id).await.stock, Some(0));
    assert_eq!(order_count(&app, p.id).await, 50);
    assert_eq!(events_of(&app, p.id).await, events, "the feed is unchanged");
}

#[tokio::test]
async fn the_same_key_with_another_body_is_a_422_naming_the_key_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let partner = w.token("partner");
    let p = publish_stocked(&app, &w.pesantren_a, "PECI-1", 10, 1).await;
    let first = order(&app, &partner, Some("k-1"), &order_body(p.id, 2, "SHP-1")).await;
    assert_eq!(first.status, 201, "{first:?}");
    let events = events_of(&app, p.id).await;

    for other in [
        order_body(p.id, 3, "SHP-1"),
        order_body(p.id, 2, "SHP-2"),
        json!({"product_id": p.id, "quantity": 2, "external_order_id": "SHP-1 "}),
    ] {
        let res = app
            .as_(&partner)
            .post(ORDERS, &other)
            .header("Idempotency-Key", "k-1")
            .await;
        let problem = assert_problem(res, 422).await;
        assert_eq!(
            problem["errors"][0]["field"], "Idempotency-Key",
            "{problem}"
        );
        assert_eq!(problem["errors"][0]["code"], "reused");
    }
    assert_eq!(product_row(&app, p.id).await.stock, Some(8));
    assert_eq!(order_count(&app, p.id).await, 1);
    assert_eq!(events_of(&app, p.id).await, events);
    assert_eq!(stored_keys(&app).await, 1);
}

#[tokio::test]
async fn a_body_that_differs_only_in_whitespace_and_key_order_is_the_same_request() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let partner = w.token("partner");
    let p = publish_stocked(&app, &w.pesantren_a, "PECI-2", 10, 1).await;
    let id = p.id;
    let first = app
        .as_(&partner)
        .post_raw(
            ORDERS,
            "application/json",
            format!(r#"{{"product_id":"{id}","quantity":2,"external_order_id":"SHP-7"}}"#),
        )
        .header("Idempotency-Key", "k-ws")
        .answer()
        .await;
    assert_eq!(first.status, 201, "{first:?}");
    let again = app
        .as_(&partner)
        .post_raw(
            ORDERS,
            "application/json",
            format!(
                "{{\n  \"external_order_id\" : \"SHP-7\",\n\t\"quantity\": 2 ,\n  \"product_id\": \"{id}\"\n}}\n"
            ),
        )
        .header("Idempotency-Key", "k-ws")
        .answer()
        .await;
    assert_eq!(again.status, 201, "{again:?}");
    assert_eq!(again.replayed.as_deref(), Some("true"));
    assert_eq!(again.body, first.body);
    assert_eq!(product_row(&app, p.id).await.stock, Some(8));
    assert_eq!(order_count(&app, p.id).await, 1);
}

#[tokio::test]
async fn concurrent_requests_with_the_same_key_place_exactly_one_order() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let partner = w.token("partner");
    let p = publish_stocked(&app, &w.pesantren_a, "SARUNG-9", 100, 1).await;
    let b = order_body(p.id, 3, "SHP-ONCE");
    let answers = join_all((0..40).map(|_| order(&app, &partner, Some("one-key"), &b))).await;
    let bodies: BTreeSet<String> = answers.iter().map(|a| a.body.to_string()).collect();
    assert_eq!(bodies.len(), 1, "every answer is the same: {answers:?}");
    for a in &answers {
        assert_eq!(a.status, 201, "{a:?}");
    }
    let firsts = answers
        .iter()
        .filter(|a| a.replayed.as_deref() == Some("false"))
        .count();
    assert_eq!(firsts, 1, "one request placed it, the others replayed it");
    assert_eq!(answers[0].body["stock_remaining"], 97);
    assert_eq!(product_row(&app, p.id).await.stock, Some(97));
    assert_eq!(order_count(&app, p.id).await, 1);
}

#[tokio::test]
async fn a_stock_short_refusal_is_replayed_even_after_stock_is_added() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let partner = w.token("partner");
    let p = publish_stocked(&app, &w.pesantren_a, "BATIK-3", 3, 1).await;
    let b = order_body(p.id, 5, "SHP-BIG");
    let first = order(&app, &partner, Some("big"), &b).await;
    assert_eq!(first.status, 409, "{first:?}");
    assert_eq!(first.replayed.as_deref(), Some("false"));
    assert!(first.body["detail"]
        .as_str()
        .unwrap()
        .starts_with("Only 3 in stock"));
    assert_eq!(
        product_row(&app, p.id).await.stock,
        Some(3),
        "nothing was taken"
    );

    // Restocked behind the API: the retry still gets its first answer.
    let mut row = products::Entity::find_by_id(p.id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .into_active_model();
    row.stock = Set(Some(10));
    row.update(&app.db).await.unwrap();
    let again = order(&app, &partner, Some("big"), &b).await;
    assert_eq!(again.status, 409);
    assert_eq!(again.replayed.as_deref(), Some("true"));
    assert_eq!(again.content(), first.content());
    assert_eq!(product_row(&app, p.id).await.stock, Some(10));
    // A new key is a new attempt.
    let fresh = order(&app, &partner, Some("big-2"), &b).await;
    assert_eq!(fresh.status, 201, "{fresh:?}");
    assert_eq!(fresh.body["stock_remaining"], 5);
}

#[tokio::test]
async fn an_order_without_a_usable_idempotency_key_is_a_400_naming_the_header() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let partner = w.token("partner");
    let p = publish_stocked(&app, &w.pesantren_a, "KOPIAH-1", 10, 1).await;
    let b = order_body(p.id, 1, "SHP-1");
    let long = "k".repeat(256);
    for key in [None, Some(""), Some("two words"), Some(long.as_str())] {
        let call = app.as_(&partner).post(ORDERS, &b);
        let call = match key {
            Some(k) => call.header("Idempotency-Key", k),
            None => call,
        };
        let problem = assert_problem(call.await, 400).await;
        assert!(
            problem["detail"]
                .as_str()
                .unwrap()
                .contains("Idempotency-Key"),
            "{problem}"
        );
    }
    // A key of 255 visible characters is fine.
    let ok = order(&app, &partner, Some(&"k".repeat(255)), &b).await;
    assert_eq!(ok.status, 201, "{ok:?}");
    assert_eq!(product_row(&app, p.id).await.stock, Some(9));
}

#[tokio::test]
async fn an_invalid_order_body_is_a_422_naming_every_bad_field() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let partner = w.token("partner");
    let p = publish_stocked(&app, &w.pesantren_a, "KOPIAH-2", 10, 1).await;
    let cases = [
        (
            json!({"product_id": p.id, "quantity": 0, "external_order_id": ""}),
            vec!["external_order_id", "quantity"],
        ),
        (
            json!({"product_id": p.id, "quantity": 10_001, "external_order_id": "x".repeat(101)}),
            vec!["external_order_id", "quantity"],
        ),
        (
            json!({"product_id": p.id, "quantity": 1, "external_order_id": "   "}),
            vec!["external_order_id"],
        ),
        (
            json!({"product_id": p.id, "quantity": 1}),
            vec!["external_order_id"],
        ),
        (
            json!({"product_id": p.id, "quantity": "two", "external_order_id": "A"}),
            vec!["quantity"],
        ),
        (
            json!({"product_id": "not-a-uuid", "quantity": 1, "external_order_id": "A"}),
            vec!["product_id"],
        ),
        (
            json!({"product_id": p.id, "quantity": 1, "external_order_id": "A", "price": 1}),
            vec!["price"],
        ),
    ];
    for (i, (b, expected)) in cases.iter().enumerate() {
        let res = app
            .as_(&partner)
            .post(ORDERS, b)
            .header("Idempotency-Key", format!("bad-{i}"))
            .await;
        let problem = assert_problem(res, 422).await;
        assert_eq!(&error_fields(&problem), expected, "{b}: {problem}");
    }
    let not_json = app
        .as_(&partner)
        .post_raw(ORDERS, "application/json", "{\"product_id\":")
        .header("Idempotency-Key", "bad-json")
        .await;
    assert_problem(not_json, 400).await;
    assert_eq!(product_row(&app, p.id).await.stock, Some(10));
    assert_eq!(
        stored_keys(&app).await,
        0,
        "refusals of the body are not stored"
    );
}

#[tokio::test]
async fn an_unknown_or_unpublished_product_is_not_found_and_the_key_stays_unused() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let partner = w.token("partner");
    let unknown = order(
        &app,
        &partner,
        Some("k-1"),
        &order_body(Uuid::now_v7(), 1, "SHP-1"),
    )
    .await;
    assert_eq!(unknown.status, 404, "{unknown:?}");
    // Product A is approved food without a halal certificate: not published.
    let b = order_body(w.product_a.id, 1, "SHP-2");
    let hidden = order(&app, &partner, Some("k-2"), &b).await;
    assert_eq!(hidden.status, 404, "{hidden:?}");
    assert_eq!(hidden.content_type, "application/problem+json");
    assert_eq!(
        product_row(&app, w.product_a.id).await.stock,
        w.product_a.stock
    );
    assert_eq!(stored_keys(&app).await, 0);

    // Once it is published, the same key places the order.
    let mut row = w.product_a.clone().into_active_model();
    row.category = Set(ProductCategory::Craft);
    row.update(&app.db).await.unwrap();
    let placed = order(&app, &partner, Some("k-2"), &b).await;
    assert_eq!(placed.status, 201, "{placed:?}");
    assert_eq!(placed.replayed.as_deref(), Some("false"));
}

#[tokio::test]
async fn fewer_units_than_the_minimum_order_is_a_422_on_quantity() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let partner = w.token("partner");
    let p = publish_stocked(&app, &w.pesantren_a, "GROSIR-1", 100, 12).await;
    let res = app
        .as_(&partner)
        .post(ORDERS, &order_body(p.id, 11, "SHP-1"))
        .header("Idempotency-Key", "k-min")
        .await;
    let problem = assert_problem(res, 422).await;
    assert_eq!(problem["errors"][0]["field"], "quantity", "{problem}");
    assert!(problem["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("12"));
    assert_eq!(product_row(&app, p.id).await.stock, Some(100));
    let ok = order(
        &app,
        &partner,
        Some("k-min-2"),
        &order_body(p.id, 12, "SHP-1"),
    )
    .await;
    assert_eq!(ok.status, 201, "{ok:?}");
    assert_eq!(product_row(&app, p.id).await.stock, Some(88));
}

#[tokio::test]
async fn an_external_order_reported_again_under_a_new_key_is_a_409_and_takes_nothing() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let partner = w.token("partner");
    let p = publish_stocked(&app, &w.pesantren_a, "MUKENA-1", 10, 1).await;
    let first = order(&app, &partner, Some("k-1"), &order_body(p.id, 2, "SHP-42")).await;
    assert_eq!(first.status, 201, "{first:?}");
    let events = events_of(&app, p.id).await;
    for key in ["k-2", "k-3"] {
        let res = app
            .as_(&partner)
            .post(ORDERS, &order_body(p.id, 2, " SHP-42 "))
            .header("Idempotency-Key", key)
            .await;
        let problem = assert_problem(res, 409).await;
        assert!(
            problem["detail"]
                .as_str()
                .unwrap()
                .contains("already reported"),
            "{problem}"
        );
    }
    assert_eq!(product_row(&app, p.id).await.stock, Some(8));
    assert_eq!(order_count(&app, p.id).await, 1);
    assert_eq!(events_of(&app, p.id).await, events);
}

#[tokio::test]
async fn only_partners_may_report_orders() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let p = publish_stocked(&app, &w.pesantren_a, "KIPAS-1", 10, 1).await;
    let b = order_body(p.id, 1, "SHP-1");
    for account in &w.accounts {
        let Some(token) = &account.token else {
            continue;
        };
        if account.key == "partner" {
            continue;
        }
        let res = app
            .as_(token)
            .post(ORDERS, &b)
            .header("Idempotency-Key", "k")
            .await;
        assert_problem(res, 403).await;
    }
    let anonymous = app
        .anon()
        .post(ORDERS, &b)
        .header("Idempotency-Key", "k")
        .await;
    assert_problem(anonymous, 401).await;
    // The guard answers before anything about the request is judged.
    let no_key_bad_body = app
        .anon()
        .post_raw(ORDERS, "application/json", "not json")
        .await;
    assert_problem(no_key_bad_body, 401).await;
    assert_eq!(product_row(&app, p.id).await.stock, Some(10));
}

#[tokio::test]
async fn a_placed_order_reaches_the_change_feed_with_the_new_stock() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let partner = w.token("partner");
    let p = publish_stocked(&app, &w.pesantren_a, "BLANGKON-1", 30, 1).await;
    let before = events_of(&app, p.id).await;
    let placed = order(
        &app,
        &partner,
        Some("k-feed"),
        &order_body(p.id, 4, "SHP-9"),
    )
    .await;
    assert_eq!(placed.status, 201, "{placed:?}");
    assert_eq!(placed.body["stock_remaining"], 26);
    let after = events_of(&app, p.id).await;
    assert_eq!(after.len(), before.len() + 1);
    let last = after.last().unwrap();
    assert_eq!(last.op, ChangeOp::Upsert);
    assert_eq!(last.payload.as_ref().unwrap()["stock"], 26);
    assert_eq!(product_row(&app, p.id).await.stock, Some(26));
    // The order's view is the stored one with the new stock, not rendered
    // again: rendering it from the register now finds nothing to change.
    assert_eq!(opop_api::feed::sync_now(&app.db, p.id).await.unwrap(), None);
    assert_eq!(events_of(&app, p.id).await.len(), after.len());
    // The sale is in the audit trail, by the partner.
    let trail = entity::audit_log::Entity::find()
        .filter(entity::audit_log::Column::ResourceType.eq("order"))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(trail.len(), 1);
    assert_eq!(trail[0].actor_id, Some(w.partner_id));
}

#[tokio::test]
async fn a_partner_reads_its_own_orders_and_no_one_elses() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let partner = w.token("partner");
    let p = publish_stocked(&app, &w.pesantren_a, "SAJADAH-1", 10, 1).await;
    let placed = order(
        &app,
        &partner,
        Some("k-read"),
        &order_body(p.id, 2, "SHP-5"),
    )
    .await;
    assert_eq!(placed.status, 201, "{placed:?}");
    let location = placed.location.clone().unwrap();

    let res = app.as_(&partner).get(&location).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["etag"], "\"1\"");
    let read: Value = res.json().await.unwrap();
    let mut expected = placed.body.clone();
    expected.as_object_mut().unwrap().remove("stock_remaining");
    assert_eq!(read, expected);

    // Another partner finds nothing there.
    let admin = app.admin_token().await;
    let other = create_partner(&app, &admin, "Tokopedia", "tokopedia").await;
    let other_token = other.token.as_str();
    let res = app.as_(other_token).get(&location).await;
    assert_problem(res, 404).await;
    // Keys are per partner: the other partner's "k-read" is a new order.
    let theirs = order(
        &app,
        other_token,
        Some("k-read"),
        &order_body(p.id, 1, "SHP-5"),
    )
    .await;
    assert_eq!(theirs.status, 201, "{theirs:?}");
    assert_eq!(theirs.replayed.as_deref(), Some("false"));
    let res = app
        .as_(&partner)
        .get(&format!("{ORDERS}/{}", Uuid::now_v7()))
        .await;
    assert_problem(res, 404).await;
}

#[tokio::test]
async fn a_key_is_forgotten_after_24_hours() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let partner = w.token("partner");
    let p = publish_stocked(&app, &w.pesantren_a, "TASBIH-1", 10, 1).await;
    let first = order(&app, &partner, Some("k-old"), &order_body(p.id, 1, "SHP-1")).await;
    assert_eq!(first.status, 201, "{first:?}");
    let stored = idempotency_keys::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let now = chrono::Utc::now().timestamp();
    assert!((now + 24 * 3600 - stored.expires_at).abs() < 60);
    let mut row = stored.into_active_model();
    row.expires_at = Set(now - 1);
    row.update(&app.db).await.unwrap();

    // Expired: the key is unused again, even for another body.
    let second = order(&app, &partner, Some("k-old"), &order_body(p.id, 2, "SHP-2")).await;
    assert_eq!(second.status, 201, "{second:?}");
    assert_eq!(second.replayed.as_deref(), Some("false"));
    assert_eq!(product_row(&app, p.id).await.stock, Some(7));
    assert_eq!(stored_keys(&app).await, 1);
    let again = order(&app, &partner, Some("k-old"), &order_body(p.id, 2, "SHP-2")).await;
    assert_eq!(again.replayed.as_deref(), Some("true"));
    assert_eq!(again.body, second.body);
}

#[tokio::test]
async fn the_periodic_pass_forgets_expired_keys_and_keeps_live_ones() {
    let app = TestApp::spawn_with(&[("OPOP_EXPIRY_INTERVAL_SECS", "0")]).await;
    let w = World::build(&app).await;
    let partner = w.token("partner");
    let p = publish_stocked(&app, &w.pesantren_a, "SAJADAH-1", 10, 1).await;
    for (key, ext) in [("k-a", "SHP-A"), ("k-b", "SHP-B")] {
        let placed = order(&app, &partner, Some(key), &order_body(p.id, 1, ext)).await;
        assert_eq!(placed.status, 201, "{placed:?}");
    }
    let old = idempotency_keys::Entity::find()
        .filter(idempotency_keys::Column::Key.eq("k-a"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let mut row = old.into_active_model();
    row.expires_at = Set(chrono::Utc::now().timestamp() - 1);
    row.update(&app.db).await.unwrap();
    opop_api::idempotency::expire(&app.db).await.unwrap();
    let left: Vec<String> = idempotency_keys::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|k| k.key)
        .collect();
    assert_eq!(left, ["k-b"]);
}
