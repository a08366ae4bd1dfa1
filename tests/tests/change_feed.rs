//! The change feed under concurrent writers: a follower that replays it
//! while others create, edit, unlist, suspend, expire and order ends with
//! exactly the published catalogue, in every repetition, on both databases.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use chrono::Days;
use entity::{certifications, ProductCategory};
use opop_tests::catalogue::{order, order_body, publish, publish_certified};
use opop_tests::feed::{catalogue, edit_body, Follower};
use opop_tests::world::World;
use opop_tests::TestApp;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set};
use serde_json::{json, Value};

/// A small deterministic generator, so a failing repetition can be re-run.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) % n as u64) as usize
    }
}

fn repetitions() -> usize {
    std::env::var("OPOP_FEED_REPETITIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(4)
}

/// Asserts the status is one the scenario allows (a race may make an action
/// no longer allowed from the state another writer left: 409).
/// An edit without `If-Match` may also meet a concurrent write between its
/// read and its write (412).
fn allowed(what: &str, status: u16, body: &Value) {
    assert!(
        (200..300).contains(&status) || status == 409 || status == 412,
        "{what}: {status} {body}"
    );
}

fn new_product(sku: &str, category: &str) -> Value {
    json!({
        "name": format!("Produk {sku}"), "description": "Buatan santri.", "category": category,
        "price_idr": 25000, "stock": 40, "unit": "pcs", "weight_grams": 300, "sku": sku,
        "shelf_life_days": 120,
        "images": ["https://images.opop.example/produk.jpg"],
    })
}

async fn scenario(rep: usize) {
    let app = TestApp::spawn_with(&[
        ("OPOP_EXPIRY_INTERVAL_SECS", "0"),
        ("OPOP_PARTNER_RATE_BURST", "1000000"),
        ("OPOP_PARTNER_RATE_PER_MINUTE", "1000000"),
    ])
    .await;
    let w = World::build(&app).await;

    // A catalogue to start from: crafts of both pesantren, and beverages
    // whose halal certificates the expirer plays with.
    let mut a_products = Vec::new();
    let mut beverages = Vec::new();
    for i in 0..6 {
        let (p, category) = if i % 3 == 2 {
            (&w.pesantren_b, ProductCategory::Craft)
        } else {
            (&w.pesantren_a, ProductCategory::Craft)
        };
        let product = publish(&app, p, &format!("R{rep}-C{i}"), category).await;
        if p.id == w.pesantren_a.id {
            a_products.push(product.id);
        }
    }
    for i in 0..3 {
        let (product, cert) = publish_certified(
            &app,
            &w.pesantren_a,
            &format!("R{rep}-B{i}"),
            ProductCategory::Beverage,
            &format!("ID3500000000{rep}{i}"),
        )
        .await;
        a_products.push(product.id);
        beverages.push((product.id, cert.id));
    }

    let done = AtomicBool::new(false);
    let writes = AtomicUsize::new(0);
    let mut follower = Follower::new(w.token("partner"));
    let manager = w.token("manager_a");
    let curator = w.token("curator_35");
    let admin = w.token("admin_national");
    let partner = w.token("partner");

    let creator = async {
        for i in 0..4 {
            let category = if i % 2 == 0 { "fashion" } else { "craft" };
            let (s, p) = app
                .as_(&manager)
                .post(
                    "/api/v1/products",
                    &new_product(&format!("R{rep}-N{i}"), category),
                )
                .status_and_json()
                .await;
            allowed("create", s, &p);
            let id = p["id"].as_str().unwrap().to_string();
            let (s, b) = app
                .as_(&manager)
                .post_empty(&format!("/api/v1/products/{id}/submit"))
                .status_and_json()
                .await;
            allowed("submit", s, &b);
            let (s, b) = app
                .as_(&curator)
                .post_empty(&format!("/api/v1/products/{id}/approve"))
                .status_and_json()
                .await;
            allowed("approve", s, &b);
            writes.fetch_add(3, Ordering::Relaxed);
        }
    };
    let editor = async {
        let mut rng = Lcg(rep as u64 * 7 + 1);
        for i in 0..12 {
            let id = a_products[rng.next(a_products.len())];
            let (s, view) = app
                .as_(&manager)
                .get(&format!("/api/v1/products/{id}"))
                .status_and_json()
                .await;
            assert_eq!(s, 200, "{view}");
            let mut body = edit_body(&view);
            body["price_idr"] = json!(20000 + 500 * i);
            // Inserted beverages have no shelf life yet; the form asks for one.
            body["shelf_life_days"] = json!(180);
            body["stock"] = json!(10 + i);
            if i % 4 == 3 {
                // A content change sends it back to review; the curator approves again.
                body["description"] = json!(format!("Deskripsi baru {i}"));
            }
            let (s, b) = app
                .as_(&manager)
                .put(&format!("/api/v1/products/{id}"), &body)
                .status_and_json()
                .await;
            allowed("edit", s, &b);
            if b["status"] == "in_review" {
                let (s, b) = app
                    .as_(&curator)
                    .post_empty(&format!("/api/v1/products/{id}/approve"))
                    .status_and_json()
                    .await;
                allowed("re-approve", s, &b);
            }
            writes.fetch_add(1, Ordering::Relaxed);
        }
    };
    let unlister = async {
        let mut rng = Lcg(rep as u64 * 13 + 5);
        for _ in 0..8 {
            let id = a_products[rng.next(a_products.len())];
            for action in ["unlist", "relist"] {
                let (s, b) = app
                    .as_(&manager)
                    .post_empty(&format!("/api/v1/products/{id}/{action}"))
                    .status_and_json()
                    .await;
                allowed(action, s, &b);
            }
            writes.fetch_add(2, Ordering::Relaxed);
        }
    };
    let suspender = async {
        let id = w.pesantren_b.id;
        for _ in 0..3 {
            for action in ["suspend", "verify"] {
                let (s, b) = app
                    .as_(&admin)
                    .post(
                        &format!("/api/v1/pesantren/{id}/{action}"),
                        &json!({"reason": "Pemeriksaan berkala"}),
                    )
                    .status_and_json()
                    .await;
                allowed(action, s, &b);
            }
            writes.fetch_add(2, Ordering::Relaxed);
        }
    };
    let expirer = async {
        let yesterday = opop_api::publication::today() - Days::new(1);
        for (round, (product, cert)) in beverages.iter().enumerate() {
            // Time passes: the certificate runs out, and the task notices.
            let row = certifications::Entity::find_by_id(*cert)
                .one(&app.db)
                .await
                .unwrap()
                .unwrap();
            let mut row = row.into_active_model();
            row.expires_on = Set(Some(yesterday));
            row.update(&app.db).await.unwrap();
            opop_api::feed::expiry::run_once(&app.db).await.unwrap();
            // The pesantren uploads the renewed certificate, and a curator
            // verifies it.
            let body = json!({"type": "halal", "number": format!("ID3511000000{rep}{round}9"), "issuer": "BPJPH"});
            let (s, c) = app
                .as_(&manager)
                .post(&format!("/api/v1/products/{product}/certifications"), &body)
                .status_and_json()
                .await;
            allowed("renew", s, &c);
            let new_cert = c["id"].as_str().unwrap().to_string();
            let (s, b) = app
                .as_(&curator)
                .post_empty(&format!("/api/v1/certifications/{new_cert}/verify"))
                .status_and_json()
                .await;
            allowed("verify", s, &b);
            writes.fetch_add(3, Ordering::Relaxed);
        }
    };
    let orderer = async {
        let mut rng = Lcg(rep as u64 * 31 + 11);
        for i in 0..12 {
            let id = a_products[rng.next(a_products.len())];
            let placed = order(
                &app,
                &partner,
                Some(&format!("r{rep}-order-{i}")),
                &order_body(id, 1, &format!("SHP-{rep}-{i}")),
            )
            .await;
            // Unpublished at that moment (404) or sold out (409) are fine.
            assert!(
                matches!(placed.status, 201 | 404 | 409),
                "order: {placed:?}"
            );
            writes.fetch_add(1, Ordering::Relaxed);
        }
    };
    let writers = async {
        tokio::join!(creator, editor, unlister, suspender, expirer, orderer);
        done.store(true, Ordering::SeqCst);
    };
    let follow = async {
        let mut during = 0;
        while !done.load(Ordering::SeqCst) {
            if !follower.step(&app, 7).await {
                tokio::time::sleep(std::time::Duration::from_millis(3)).await;
            }
            during = follower.events;
        }
        during
    };
    let ((), read_during_writes) = tokio::join!(writers, follow);
    follower.drain(&app).await;

    assert!(writes.load(Ordering::Relaxed) > 50);
    assert!(
        read_during_writes > 0,
        "the follower must have read while others wrote"
    );
    let truth = catalogue(&app).await;
    assert!(!truth.is_empty());
    let missing: Vec<_> = truth
        .keys()
        .filter(|k| !follower.copy.contains_key(k))
        .collect();
    let extra: Vec<_> = follower
        .copy
        .keys()
        .filter(|k| !truth.contains_key(k))
        .collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "rep {rep}: missing {missing:?}, extra {extra:?}"
    );
    for (id, product) in &truth {
        assert_eq!(
            &follower.copy[id], product,
            "rep {rep}: the copy of {id} is stale"
        );
    }

    // A second partner starting from nothing, now, gets the same.
    let mut late = Follower::new(w.token("partner"));
    late.drain(&app).await;
    assert_eq!(late.copy, truth);
    // Nothing is in the feed's "in catalogue" marker that is not published.
    let marked = entity::products::Entity::find()
        .filter(entity::products::Column::InFeed.eq(true))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(marked.len(), truth.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_follower_replaying_the_feed_during_concurrent_writes_ends_with_the_catalogue() {
    for rep in 0..repetitions() {
        scenario(rep).await;
    }
}

#[tokio::test]
async fn replaying_the_feed_of_the_demo_data_gives_the_demo_catalogue() {
    let app = TestApp::spawn().await;
    opop_api::seed::seed_demo(&app.db, &app.nik_vault())
        .await
        .unwrap();
    let truth = catalogue(&app).await;
    assert!(
        truth.len() > 50,
        "the demo has a real catalogue: {}",
        truth.len()
    );
    let token: Value = app
        .anon()
        .post(
            "/api/v1/auth/token",
            &json!({
                "client_id": opop_api::seed::DEMO_PARTNER_CLIENT_ID,
                "client_secret": opop_api::seed::DEMO_PARTNER_SECRET,
            }),
        )
        .await
        .json()
        .await
        .unwrap();
    let token = token["access_token"].as_str().unwrap().to_string();
    let mut follower = Follower::new(token.clone());
    follower.drain(&app).await;
    assert_eq!(follower.copy, truth);

    // A cursor the feed never handed out is refused rather than trusted.
    let (status, body) = app
        .as_(&token)
        .get("/api/v1/catalog/changes?cursor=999999999")
        .status_and_json()
        .await;
    assert_eq!(status, 400, "{body}");
    let (status, _) = app
        .as_(&token)
        .get("/api/v1/catalog/changes?cursor=abc")
        .status_and_json()
        .await;
    assert_eq!(status, 400);
    let (status, _) = app
        .as_(&token)
        .get("/api/v1/catalog/changes?limit=0")
        .status_and_json()
        .await;
    assert_eq!(status, 422);
}

/// The next cursor and whether there is more come as headers too, equal to
/// the body's, so a client can ask for the next page before parsing this one.
#[tokio::test]
async fn each_page_names_its_next_cursor_and_whether_there_is_more_in_headers() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    publish(&app, &w.pesantren_a, "TIKAR-1", ProductCategory::Craft).await;
    publish(&app, &w.pesantren_b, "TIKAR-2", ProductCategory::Craft).await;
    let partner = w.token("partner");
    let mut cursor = String::new();
    let mut pages = 0;
    loop {
        let res = app
            .as_(&partner)
            .get(&format!("/api/v1/catalog/changes?limit=1&cursor={cursor}"))
            .await;
        assert_eq!(res.status(), 200);
        let header = |name: &str| res.headers()[name].to_str().unwrap().to_string();
        let (next, more) = (header("x-next-cursor"), header("x-has-more"));
        let page: Value = res.json().await.unwrap();
        assert_eq!(page["next_cursor"], next);
        assert_eq!(page["has_more"].as_bool().unwrap().to_string(), more);
        pages += 1;
        cursor = next;
        if more == "false" {
            break;
        }
    }
    assert_eq!(
        pages, 2,
        "one event a page, and the last says there is no more"
    );
}
