//! Webhooks: the change feed pushed to a partner's endpoint, signed, in
//! order, at least once, across failures and restarts.
//!
//! Every test runs a real HTTP receiver on 127.0.0.1 (hence
//! `OPOP_WEBHOOK_ALLOW_PRIVATE=true`) and a deliverer that passes every
//! 50 ms; back-off is counted in passes, so retries come within a second.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use entity::{audit_log, webhooks, PesantrenStatus, ProductCategory, ProductStatus};
use hmac::{Hmac, Mac};
use opop_tests::catalogue;
use opop_tests::world::{create_partner, insert_pesantren, World};
use opop_tests::{assert_problem, TestApp};
use reqwest::Method;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::{json, Value};
use sha2::Sha256;
use uuid::Uuid;

const FAST: &[(&str, &str)] = &[
    ("OPOP_WEBHOOK_ALLOW_PRIVATE", "true"),
    ("OPOP_WEBHOOK_INTERVAL_MS", "50"),
];
const WEBHOOK: &str = "/api/v1/partners/me/webhook";
const REPLAY: &str = "/api/v1/partners/me/webhook/replay";

// ---------------------------------------------------------------------------
// The receiver
// ---------------------------------------------------------------------------

/// One request the receiver got.
#[derive(Debug, Clone)]
struct Delivery {
    event_id: String,
    timestamp: String,
    signature: String,
    body: Vec<u8>,
    /// What the receiver answered.
    status: u16,
}

impl Delivery {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("a JSON body")
    }
}

#[derive(Default)]
struct ReceiverState {
    /// Requests to answer 500 before answering 200 again.
    fail_next: usize,
    deliveries: Vec<Delivery>,
}

#[derive(Clone, Default)]
struct Receiver(Arc<Mutex<ReceiverState>>);

impl Receiver {
    fn fail_next(&self, n: usize) {
        self.0.lock().unwrap().fail_next = n;
    }

    fn all(&self) -> Vec<Delivery> {
        self.0.lock().unwrap().deliveries.clone()
    }

    /// The acknowledged deliveries, de-duplicated by `X-OPOP-Event-Id`
    /// (first copy kept), in the order they came.
    fn acknowledged_once(&self) -> Vec<Delivery> {
        let mut seen = BTreeSet::new();
        self.all()
            .into_iter()
            .filter(|d| (200..300).contains(&d.status))
            .filter(|d| seen.insert(d.event_id.clone()))
            .collect()
    }

    fn acknowledged_ids(&self) -> Vec<i64> {
        self.acknowledged_once()
            .iter()
            .map(|d| d.event_id.parse().unwrap())
            .collect()
    }
}

async fn hook(req: HttpRequest, body: web::Bytes, rx: web::Data<Receiver>) -> HttpResponse {
    let header = |name: &str| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    let mut state = rx.0.lock().unwrap();
    let status = if state.fail_next > 0 {
        state.fail_next -= 1;
        500
    } else {
        200
    };
    state.deliveries.push(Delivery {
        event_id: header("x-opop-event-id"),
        timestamp: header("x-opop-timestamp"),
        signature: header("x-opop-signature"),
        body: body.to_vec(),
        status,
    });
    if status == 200 {
        HttpResponse::Ok().finish()
    } else {
        HttpResponse::InternalServerError().finish()
    }
}

/// Starts a receiver on `port` (0: any free port); answers its URL and a
/// handle that takes it down.
async fn start_receiver(rx: &Receiver, port: u16) -> (String, actix_web::dev::ServerHandle) {
    let data = web::Data::new(rx.clone());
    let server = HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .route("/hook", web::post().to(hook))
    })
    .workers(1)
    .disable_signals()
    .bind(("127.0.0.1", port))
    .expect("binding the receiver");
    let port = server.addrs()[0].port();
    let server = server.run();
    let handle = server.handle();
    tokio::spawn(server);
    (format!("http://127.0.0.1:{port}/hook"), handle)
}

/// A port nothing listens on (for a receiver that is down), and the socket
/// that keeps it so: every suite of the binary opens sockets, and a port let
/// go could be given to any of them before the receiver binds it. A bound
/// socket that does not listen refuses connections, and with SO_REUSEADDR
/// on both (actix sets it) the receiver can still bind the port.
fn closed_port() -> (u16, tokio::net::TcpSocket) {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.set_reuseaddr(true).unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    (socket.local_addr().unwrap().port(), socket)
}

// ---------------------------------------------------------------------------
// Arrangements and checks
// ---------------------------------------------------------------------------

/// A verified pesantren and a partner token.
async fn arrange(app: &TestApp) -> (entity::pesantren::Model, String) {
    let pesantren =
        insert_pesantren(app, "510035780001", "35", "3578", PesantrenStatus::Verified).await;
    let admin = app.admin_token().await;
    let partner = create_partner(app, &admin, "Tokopedia", "tokopedia").await;
    (pesantren, partner.token)
}

/// Publishes a new craft product: one `upsert` in the feed.
async fn publish(app: &TestApp, p: &entity::pesantren::Model, sku: &str) -> Uuid {
    catalogue::publish(app, p, sku, ProductCategory::Craft)
        .await
        .id
}

/// Takes a product off the catalogue: one `delete` in the feed.
async fn withdraw(app: &TestApp, id: Uuid) {
    let product = entity::products::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let mut row: entity::products::ActiveModel = product.into();
    row.status = Set(ProductStatus::Draft);
    row.update(&app.db).await.unwrap();
    opop_api::feed::sync_now(&app.db, id).await.unwrap();
}

async fn register(app: &TestApp, token: &str, url: &str) -> Value {
    let res = app.as_(token).put(WEBHOOK, &json!({"url": url})).await;
    let status = res.status();
    let body: Value = res.json().await.unwrap();
    assert!(
        status == 201 || status == 200,
        "registering {url}: {status} {body}"
    );
    body
}

async fn subscription(app: &TestApp, token: &str) -> Value {
    app.as_(token).get(WEBHOOK).expect(200).await
}

/// The feed's events after `cursor`, as the feed answers them.
async fn feed_after(app: &TestApp, token: &str, cursor: &str) -> Vec<Value> {
    let page = app
        .as_(token)
        .get(&format!(
            "/api/v1/catalog/changes?limit=1000&cursor={cursor}"
        ))
        .expect(200)
        .await;
    page["data"].as_array().unwrap().clone()
}

/// Waits until `done` holds, failing the test after 15 seconds.
async fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(15);
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn verify_signature(secret: &str, d: &Delivery) {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(d.timestamp.as_bytes());
    mac.update(b".");
    mac.update(&d.body);
    let expected = format!("sha256={}", hex::encode(mac.finalize().into_bytes()));
    assert_eq!(
        d.signature, expected,
        "bad signature on event {}",
        d.event_id
    );
    let ts: i64 = d
        .timestamp
        .parse()
        .expect("X-OPOP-Timestamp is unix seconds");
    let age = chrono::Utc::now().timestamp() - ts;
    assert!((-5..=60).contains(&age), "timestamp {ts} is not recent");
}

fn ids_of(events: &[Value]) -> Vec<i64> {
    events
        .iter()
        .map(|e| e["cursor"].as_str().unwrap().parse().unwrap())
        .collect()
}

// ---------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------

#[tokio::test]
async fn events_are_delivered_in_order_and_signed_with_the_partners_secret() {
    let app = TestApp::spawn_with(FAST).await;
    let (pesantren, token) = arrange(&app).await;
    // Events from before the registration are not pushed: the partner
    // mirrors them through the feed.
    let early = publish(&app, &pesantren, "WH-EARLY").await;
    let rx = Receiver::default();
    let (url, _receiver) = start_receiver(&rx, 0).await;

    let registered = register(&app, &token, &url).await;
    let secret = registered["secret"].as_str().unwrap().to_string();
    assert_eq!(secret.len(), 64, "32 random bytes, hex");
    assert_eq!(registered["url"], url.as_str());
    let start = registered["cursor"].as_str().unwrap().to_string();
    assert_eq!(
        ids_of(&feed_after(&app, &token, "").await),
        vec![start.parse::<i64>().unwrap()]
    );

    let a = publish(&app, &pesantren, "WH-A").await;
    publish(&app, &pesantren, "WH-B").await;
    withdraw(&app, early).await;
    withdraw(&app, a).await;
    publish(&app, &pesantren, "WH-C").await;
    let expected = feed_after(&app, &token, &start).await;
    assert_eq!(expected.len(), 5);

    wait_until("every event is acknowledged", || {
        rx.acknowledged_once().len() >= expected.len()
    })
    .await;
    let got = rx.all();
    assert_eq!(got.len(), expected.len(), "no retries were needed");
    for (d, e) in got.iter().zip(&expected) {
        verify_signature(&secret, d);
        assert_eq!(d.event_id, e["cursor"].as_str().unwrap());
        // The body is one element of the feed's `data`, as the feed shows it.
        assert_eq!(&d.json(), e);
    }
    let ops: Vec<&str> = expected.iter().map(|e| e["op"].as_str().unwrap()).collect();
    assert_eq!(ops, ["upsert", "upsert", "delete", "delete", "upsert"]);

    let deadline = Instant::now() + Duration::from_secs(5);
    let state = loop {
        let s = subscription(&app, &token).await;
        if s["pending_events"] == 0 || Instant::now() > deadline {
            break s;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!(state["cursor"], expected.last().unwrap()["cursor"]);
    assert_eq!(state["pending_events"], 0);
    assert_eq!(state["attempts"], 0);
    assert!(state["last_error"].is_null());
    assert!(state["next_attempt_at"].is_null());
    assert!(state["last_delivered_at"].is_string());
    assert!(
        state.get("secret").is_none(),
        "the secret is never shown again"
    );

    // The audit trail records the registration, never the secret.
    let entries = audit_log::Entity::find()
        .filter(audit_log::Column::ResourceType.eq("webhook"))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].action, "create");
    assert!(!entries[0].changes.to_string().contains(&secret));
}

#[tokio::test]
async fn a_failing_receiver_gets_every_event_once_after_retries_with_backoff() {
    let app = TestApp::spawn_with(FAST).await;
    let (pesantren, token) = arrange(&app).await;
    let rx = Receiver::default();
    rx.fail_next(3);
    let (url, _receiver) = start_receiver(&rx, 0).await;
    let registered = register(&app, &token, &url).await;
    let start = registered["cursor"].as_str().unwrap().to_string();
    for sku in ["WH-F1", "WH-F2", "WH-F3"] {
        publish(&app, &pesantren, sku).await;
    }
    let expected = ids_of(&feed_after(&app, &token, &start).await);
    assert_eq!(expected.len(), 3);

    // While failing, the subscription shows it: attempts, the error, when
    // the next attempt is due, and the cursor has not moved.
    let deadline = Instant::now() + Duration::from_secs(15);
    let failing = loop {
        let s = subscription(&app, &token).await;
        if s["attempts"].as_i64().unwrap() >= 2 {
            break s;
        }
        assert!(Instant::now() < deadline, "no failed attempts seen: {s}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    };
    assert_eq!(failing["cursor"], start.as_str());
    assert_eq!(failing["pending_events"], 3);
    assert!(
        failing["last_error"].as_str().unwrap().contains("500"),
        "{failing}"
    );
    let next: chrono::DateTime<chrono::Utc> = failing["next_attempt_at"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let last: chrono::DateTime<chrono::Utc> = failing["last_attempt_at"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    // Two failures: at least 50 ms × 2² later.
    assert!(
        next - last >= chrono::Duration::milliseconds(190),
        "back-off after two failures: {failing}"
    );

    wait_until("every event is acknowledged", || {
        rx.acknowledged_ids().len() == 3
    })
    .await;
    assert_eq!(rx.acknowledged_ids(), expected, "each event once, in order");
    let all = rx.all();
    let failed: Vec<&Delivery> = all.iter().filter(|d| d.status == 500).collect();
    assert_eq!(failed.len(), 3);
    // The failing event is retried; later ones wait for it.
    assert!(failed.iter().all(|d| d.event_id == expected[0].to_string()));

    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let s = subscription(&app, &token).await;
        if s["pending_events"] == 0 {
            assert_eq!(s["attempts"], 0);
            assert!(s["last_error"].is_null());
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the cursor did not reach the end: {s}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn a_restarted_application_delivers_what_the_stopped_one_could_not() {
    let app = TestApp::spawn_with(FAST).await;
    let (pesantren, token) = arrange(&app).await;
    // The receiver is down: nothing listens on its port yet.
    let (port, held) = closed_port();
    let url = format!("http://127.0.0.1:{port}/hook");
    let registered = register(&app, &token, &url).await;
    let secret = registered["secret"].as_str().unwrap().to_string();
    let start = registered["cursor"].as_str().unwrap().to_string();
    for sku in ["WH-R1", "WH-R2", "WH-R3", "WH-R4"] {
        publish(&app, &pesantren, sku).await;
    }
    let expected = feed_after(&app, &token, &start).await;
    assert_eq!(expected.len(), 4);
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let s = subscription(&app, &token).await;
        if s["attempts"].as_i64().unwrap() >= 1 {
            assert!(s["last_error"].as_str().unwrap().contains("connect"), "{s}");
            break;
        }
        assert!(Instant::now() < deadline, "no failed attempt seen: {s}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    // Stop it as SIGTERM would; it leaves no lease behind.
    let database = app.stop().await;
    let check = opop_api::db::connect_url(&database.url, 1).await.unwrap();
    let row = webhooks::Entity::find().one(&check).await.unwrap().unwrap();
    assert!(row.lease_owner.is_none(), "a lease survived the stop");
    assert_eq!(row.cursor.to_string(), start);
    check.close().await.ok();

    // The receiver comes up, and a new application on the same database
    // delivers everything.
    let rx = Receiver::default();
    let (_, _receiver) = start_receiver(&rx, port).await;
    drop(held);
    let app = TestApp::spawn_on(database, FAST).await;
    wait_until("every event is acknowledged", || {
        rx.acknowledged_once().len() >= expected.len()
    })
    .await;
    let got = rx.acknowledged_once();
    assert_eq!(got.len(), expected.len());
    for (d, e) in got.iter().zip(&expected) {
        verify_signature(&secret, d);
        assert_eq!(&d.json(), e);
    }
    // The old token still works: the same signing key.
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let s = subscription(&app, &token).await;
        if s["pending_events"] == 0 {
            assert_eq!(s["cursor"], expected.last().unwrap()["cursor"]);
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the cursor did not reach the end: {s}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn a_name_that_resolves_to_a_private_address_is_refused_at_delivery_time() {
    // Registered where private targets are allowed (as a name that
    // resolves to loopback)...
    let app = TestApp::spawn_with(FAST).await;
    let (pesantren, token) = arrange(&app).await;
    let (port, _held) = closed_port();
    let url = format!("https://localhost:{port}/hook");
    register(&app, &token, &url).await;
    let database = app.stop().await;

    // ...then delivered by an instance where they are not: the name is
    // resolved again at each connection, and refused.
    let app = TestApp::spawn_on(database, &[("OPOP_WEBHOOK_INTERVAL_MS", "50")]).await;
    publish(&app, &pesantren, "WH-DNS").await;
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let s = subscription(&app, &token).await;
        if s["attempts"].as_i64().unwrap() >= 1 {
            let error = s["last_error"].as_str().unwrap();
            assert!(error.contains("forbidden address"), "{s}");
            assert_eq!(s["pending_events"], 1);
            break;
        }
        assert!(Instant::now() < deadline, "no failed attempt seen: {s}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn replay_delivers_again_from_the_cursor_given() {
    let app = TestApp::spawn_with(FAST).await;
    let (pesantren, token) = arrange(&app).await;
    let before = publish(&app, &pesantren, "WH-P0").await;
    let rx = Receiver::default();
    let (url, _receiver) = start_receiver(&rx, 0).await;
    let registered = register(&app, &token, &url).await;
    let start = registered["cursor"].as_str().unwrap().to_string();
    for sku in ["WH-P1", "WH-P2", "WH-P3"] {
        publish(&app, &pesantren, sku).await;
    }
    let after_start = ids_of(&feed_after(&app, &token, &start).await);
    wait_until("the first three events are acknowledged", || {
        rx.all().len() == 3
    })
    .await;

    // From the first event's cursor: the second and third again.
    let res = app
        .as_(&token)
        .post(REPLAY, &json!({"cursor": after_start[0].to_string()}))
        .await;
    assert_eq!(res.status(), 200);
    let moved: Value = res.json().await.unwrap();
    assert_eq!(moved["cursor"], after_start[0].to_string());
    assert_eq!(moved["pending_events"], 2);
    wait_until("the replayed events arrive", || rx.all().len() == 5).await;
    let ids: Vec<i64> = rx
        .all()
        .iter()
        .map(|d| d.event_id.parse().unwrap())
        .collect();
    assert_eq!(
        ids,
        [after_start.clone(), after_start[1..].to_vec()].concat()
    );

    // `null`: the whole feed, from the very beginning, including the event
    // from before the registration.
    let res = app.as_(&token).post(REPLAY, &json!({"cursor": null})).await;
    assert_eq!(res.status(), 200);
    let whole = ids_of(&feed_after(&app, &token, "").await);
    assert_eq!(whole.len(), 4);
    wait_until("the whole feed arrives again", || rx.all().len() == 5 + 4).await;
    let tail: Vec<Value> = rx.all()[5..].iter().map(Delivery::json).collect();
    assert_eq!(ids_of(&tail), whole);
    assert_eq!(tail[0]["product_id"], before.to_string());

    // Past the feed's end: 400; not a cursor: 422 on `cursor`; the field is
    // required.
    let end = whole.last().unwrap();
    let res = app
        .as_(&token)
        .post(REPLAY, &json!({"cursor": (end + 1).to_string()}))
        .await;
    assert_problem(res, 400).await;
    let res = app
        .as_(&token)
        .post(REPLAY, &json!({"cursor": "abc"}))
        .await;
    let problem = assert_problem(res, 422).await;
    assert_eq!(problem["errors"][0]["field"], "cursor");
    let res = app.as_(&token).post(REPLAY, &json!({})).await;
    let problem = assert_problem(res, 422).await;
    assert_eq!(problem["errors"][0]["field"], "cursor");

    // Every change is audited, the replays included.
    let actions: Vec<String> = audit_log::Entity::find()
        .filter(audit_log::Column::ResourceType.eq("webhook"))
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(actions, ["create", "replay", "replay"]);
}

#[tokio::test]
async fn registering_again_keeps_the_secret_unless_rotated_and_removal_stops_deliveries() {
    let app = TestApp::spawn_with(FAST).await;
    let (pesantren, token) = arrange(&app).await;
    let rx = Receiver::default();
    let (url, _receiver) = start_receiver(&rx, 0).await;
    let res = app.as_(&token).get(WEBHOOK).await;
    assert_problem(res, 404).await;

    let first = register(&app, &token, &url).await;
    let again = app.as_(&token).put(WEBHOOK, &json!({"url": url})).await;
    assert_eq!(again.status(), 200);
    assert_eq!(again.headers()["etag"], "\"2\"");
    let again: Value = again.json().await.unwrap();
    assert_eq!(again["secret"], first["secret"]);
    let rotated = app
        .as_(&token)
        .put(WEBHOOK, &json!({"url": url, "rotate_secret": true}))
        .await;
    assert_eq!(rotated.status(), 200);
    let rotated: Value = rotated.json().await.unwrap();
    assert_ne!(rotated["secret"], first["secret"]);
    // A stale If-Match changes nothing.
    let res = app
        .as_(&token)
        .put(WEBHOOK, &json!({"url": url, "rotate_secret": true}))
        .header("If-Match", "\"1\"")
        .await;
    assert_problem(res, 412).await;

    // The subscription as read goes back unchanged by PUT or a PATCH,
    // keeping its secret.
    let read = subscription(&app, &token).await;
    let saved = app.as_(&token).put(WEBHOOK, &read).expect(200).await;
    assert_eq!(saved["secret"], rotated["secret"]);
    assert_eq!(saved["url"], read["url"]);
    let patched = app
        .as_(&token)
        .patch(WEBHOOK, &json!({"url": url}))
        .expect(200)
        .await;
    assert_eq!(patched["secret"], rotated["secret"]);

    // Deliveries are signed with the new secret.
    publish(&app, &pesantren, "WH-S1").await;
    wait_until("the event arrives", || rx.all().len() == 1).await;
    verify_signature(rotated["secret"].as_str().unwrap(), &rx.all()[0]);

    let res = app.as_(&token).delete(WEBHOOK).await;
    assert_eq!(res.status(), 204);
    publish(&app, &pesantren, "WH-S2").await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(rx.all().len(), 1, "nothing is delivered after removal");
    let res = app.as_(&token).get(WEBHOOK).await;
    assert_problem(res, 404).await;
    let res = app.as_(&token).delete(WEBHOOK).await;
    assert_problem(res, 404).await;
    let res = app.as_(&token).post(REPLAY, &json!({"cursor": null})).await;
    assert_problem(res, 404).await;

    let audited = audit_log::Entity::find()
        .filter(audit_log::Column::ResourceType.eq("webhook"))
        .all(&app.db)
        .await
        .unwrap();
    let actions: Vec<&str> = audited.iter().map(|e| e.action.as_str()).collect();
    // Register again, rotate, PUT as read, PATCH.
    assert_eq!(
        actions,
        ["create", "update", "update", "update", "update", "delete"]
    );
    for entry in &audited {
        let text = entry.changes.to_string();
        for secret in [&first["secret"], &rotated["secret"]] {
            assert!(!text.contains(secret.as_str().unwrap()), "{text}");
        }
    }
}

#[tokio::test]
async fn private_targets_are_refused_and_only_partners_may_subscribe() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let token = world.token("partner");
    for url in [
        "http://127.0.0.1/hook",
        "https://10.0.0.1/hook",
        "https://localhost/hook",
        "https://[::1]/hook",
        "https://169.254.169.254/latest/meta-data",
        "https://100.64.0.1/hook",
        "https://192.168.1.10/hook",
        "ftp://hooks.example.com/hook",
        "not a url",
    ] {
        let res = app.as_(&token).put(WEBHOOK, &json!({"url": url})).await;
        let problem = assert_problem(res, 422).await;
        assert_eq!(problem["errors"][0]["field"], "url", "{url}: {problem}");
    }
    // Nothing was registered.
    assert!(webhooks::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .is_empty());

    for account in &world.accounts {
        if account.key == "partner" {
            continue;
        }
        let expected = if account.token.is_some() { 403 } else { 401 };
        for (method, path, body) in [
            (
                Method::PUT,
                WEBHOOK,
                Some(json!({"url": "https://hooks.example.com/x"})),
            ),
            (Method::GET, WEBHOOK, None),
            (Method::DELETE, WEBHOOK, None),
            (Method::POST, REPLAY, Some(json!({"cursor": null}))),
        ] {
            let res = app
                .as_account(account)
                .call(method.clone(), path, body.as_ref())
                .await;
            assert_eq!(
                res.status().as_u16(),
                expected,
                "{method} {path} as {}",
                account.key
            );
        }
    }

    // The `/partners` routes beside these still answer.
    let admin = world.token("admin_national");
    let res = app.as_(&admin).get("/api/v1/partners").await;
    assert_eq!(res.status(), 200);
}

/// The last failure of a subscription once one is recorded.
async fn first_failure(app: &TestApp, token: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let s = subscription(app, token).await;
        if s["attempts"].as_i64().unwrap() >= 1 {
            return s;
        }
        assert!(Instant::now() < deadline, "no failed attempt seen: {s}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Security review, finding 10: `last_error` answered the client's raw
/// error chain (the TLS library's alert, `tcp connect error`, `os error
/// 111`, the addresses tried). It is now one of a fixed set of texts, with
/// its category in `last_error_code`.
#[tokio::test]
async fn delivery_failures_are_answered_as_fixed_categories_never_as_the_client_s_error_chain() {
    let app = TestApp::spawn_with(FAST).await;
    let (pesantren, token) = arrange(&app).await;

    // An endpoint that does not speak TLS: it answers a ClientHello in
    // plain HTTP.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let plain = tokio::spawn(async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        while let Ok((mut socket, _)) = listener.accept().await {
            let mut buf = [0u8; 1024];
            let _ = socket.read(&mut buf).await;
            let _ = socket
                .write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
                .await;
        }
    });
    register(&app, &token, &format!("https://127.0.0.1:{port}/hook")).await;
    publish(&app, &pesantren, "WH-TLS").await;
    let s = first_failure(&app, &token).await;
    assert_eq!(s["last_error_code"], "tls", "{s}");
    assert_eq!(
        s["last_error"],
        "the TLS handshake with the endpoint failed (its certificate is not trusted, has expired or names another host, or it does not speak TLS)"
    );
    plain.abort();

    // A port nobody listens on.
    let (port, _held) = closed_port();
    app.as_(&token)
        .put(
            WEBHOOK,
            &json!({"url": format!("https://localhost:{port}/hook")}),
        )
        .ok()
        .await;
    let s = first_failure(&app, &token).await;
    assert_eq!(s["last_error_code"], "connect", "{s}");
    assert_eq!(s["last_error"], "cannot connect to the endpoint");

    // Nothing of the chain is stored either.
    let row = webhooks::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.last_error.as_deref(), Some("connect"));
    for text in [s.to_string(), format!("{row:?}")] {
        for internal in [
            "os error",
            "rustls",
            "tcp connect",
            "127.0.0.1",
            "Connection refused",
        ] {
            assert!(!text.contains(internal), "{internal} in {text}");
        }
    }
}
