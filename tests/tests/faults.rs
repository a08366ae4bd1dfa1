//! Surviving faults (issue 8): the database stopping under load, and two
//! instances sharing one database. (SIGTERM under load is
//! `api/tests/shutdown.rs`, where the real binary is at hand.)

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::Days;
use entity::{
    audit_log, catalog_changes, certifications, orders, products, ChangeOp, ProductCategory,
};
use futures_util::future::join_all;
use futures_util::StreamExt;
use opop_tests::catalogue::{order, order_body, publish_certified, publish_stocked, ORDERS};
use opop_tests::feed::{catalogue, edit_body, Follower};
use opop_tests::proxy::{Cut, Proxy};
use opop_tests::world::World;
use opop_tests::{Answer, TestApp, TestDatabase};
use reqwest::Method;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter,
    QueryOrder, Set,
};
use serde_json::{json, Value};
use uuid::Uuid;

const CATALOGUE: &str = "/api/v1/catalog/products?limit=20";

/// What the issue allows between the database stopping and the answer.
const WITHIN: Duration = Duration::from_secs(2);

/// Settings for an instance under load: no background task writing on its
/// own, and rate limits out of the way (they are tested elsewhere).
const UNDER_LOAD: &[(&str, &str)] = &[
    ("OPOP_EXPIRY_INTERVAL_SECS", "0"),
    ("OPOP_WEBHOOK_INTERVAL_MS", "0"),
    ("OPOP_PUBLIC_RATE_BURST", "1000000"),
    ("OPOP_PUBLIC_RATE_PER_MINUTE", "60000000"),
];

// ---------------------------------------------------------------------------
// The database stops under load.

/// One answered (or failed) request of the load.
#[derive(Debug, Clone)]
struct Outcome {
    what: &'static str,
    sent: Instant,
    answered: Instant,
    /// 0 when no HTTP answer came (connection error or client timeout).
    status: u16,
    content_type: String,
    retry_after: Option<String>,
    /// The order's idempotency key, for orders.
    key: Option<String>,
    error: Option<String>,
}

impl Outcome {
    fn took(&self) -> Duration {
        self.answered - self.sent
    }
}

async fn timed(what: &'static str, key: Option<String>, req: reqwest::RequestBuilder) -> Outcome {
    let sent = Instant::now();
    // Far above the bound under test, so a hang shows as a late answer.
    let res = req.timeout(Duration::from_secs(10)).send().await;
    let (status, content_type, retry_after, error) = match res {
        Ok(res) => {
            let header = |name: &str| {
                res.headers()
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_string)
            };
            let content_type = header("content-type").unwrap_or_default();
            let retry_after = header("retry-after");
            let status = res.status().as_u16();
            match res.bytes().await {
                Ok(_) => (status, content_type, retry_after, None),
                Err(e) => (0, content_type, retry_after, Some(e.to_string())),
            }
        }
        Err(e) => (0, String::new(), None, Some(e.to_string())),
    };
    Outcome {
        what,
        sent,
        answered: Instant::now(),
        status,
        content_type,
        retry_after,
        key,
        error,
    }
}

/// Clients hammering the catalogue and the order endpoint until stopped.
struct Load {
    stop: Arc<AtomicBool>,
    log: Arc<Mutex<Vec<Outcome>>>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Load {
    fn start(app: &TestApp, partner: &str, product: Uuid, readers: usize, writers: usize) -> Load {
        let stop = Arc::new(AtomicBool::new(false));
        let log = Arc::new(Mutex::new(Vec::new()));
        let mut tasks = Vec::new();
        for client in 0..readers + writers {
            let (stop, log) = (stop.clone(), log.clone());
            let http = app.client.clone();
            let base = app.address.clone();
            let partner = partner.to_string();
            tasks.push(tokio::spawn(async move {
                let mut n = 0;
                while !stop.load(Ordering::SeqCst) {
                    let outcome = if client < readers {
                        timed("catalogue", None, http.get(format!("{base}{CATALOGUE}"))).await
                    } else {
                        let key = format!("load-{client}-{n}");
                        let req = http
                            .post(format!("{base}{ORDERS}"))
                            .bearer_auth(&partner)
                            .header("Idempotency-Key", &key)
                            .json(&order_body(product, 1, &key));
                        timed("order", Some(key), req).await
                    };
                    n += 1;
                    // Order clients back off a little after a 503, as a
                    // partner would; readers keep hammering.
                    let back_off = outcome.status == 503 && outcome.key.is_some();
                    log.lock().unwrap().push(outcome);
                    if back_off {
                        tokio::time::sleep(Duration::from_millis(200)).await;
                    }
                }
            }));
        }
        Load { stop, log, tasks }
    }

    async fn finish(self) -> Vec<Outcome> {
        self.stop.store(true, Ordering::SeqCst);
        for t in self.tasks {
            t.await.unwrap();
        }
        let log = self.log.lock().unwrap();
        log.clone()
    }
}

/// What one outage looked like from outside.
#[derive(Debug)]
struct Outage {
    how: Cut,
    cut: Instant,
    restored: Instant,
    /// From the cut to `/health/ready` answering 503.
    not_ready_after: Duration,
    /// From the restore to `/health/ready` and the catalogue answering 200.
    ready_after: Duration,
    serving_after: Duration,
}

async fn outage(app: &TestApp, proxy: &Proxy, how: Cut) -> Outage {
    // Steady load first.
    tokio::time::sleep(Duration::from_millis(1000)).await;
    let cut = Instant::now();
    proxy.cut(how).await;

    // The probe says "not ready", fast; the process itself is alive.
    let not_ready_after = loop {
        let probe = timed(
            "ready",
            None,
            app.anon().request(Method::GET, "/health/ready"),
        )
        .await;
        assert!(
            probe.took() <= WITHIN,
            "{how:?}: the readiness probe took {:?}",
            probe.took()
        );
        if probe.status == 503 {
            assert_eq!(probe.content_type, "application/problem+json");
            assert!(probe.retry_after.is_some(), "{probe:?}");
            break probe.answered - cut;
        }
        assert_eq!(probe.status, 200, "{how:?}: {probe:?}");
        assert!(
            cut.elapsed() < WITHIN,
            "{how:?}: still ready {:?} after the cut",
            cut.elapsed()
        );
    };
    let live = app.anon().get("/health/live").await;
    assert_eq!(
        live.status(),
        200,
        "liveness does not depend on the database"
    );

    tokio::time::sleep_until((cut + Duration::from_secs(4)).into()).await;
    let restored = Instant::now();
    proxy.restore().await;

    let deadline = restored + Duration::from_secs(10);
    let ready_after = loop {
        if app.anon().get("/health/ready").await.status() == 200 {
            break restored.elapsed();
        }
        assert!(Instant::now() < deadline, "{how:?}: not ready again");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let serving_after = loop {
        if app.anon().get(CATALOGUE).await.status() == 200 {
            break restored.elapsed();
        }
        assert!(Instant::now() < deadline, "{how:?}: not serving again");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    // Load again on the recovered process.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    Outage {
        how,
        cut,
        restored,
        not_ready_after,
        ready_after,
        serving_after,
    }
}

/// Checks every answer of the load against the outages, and prints the
/// figures.
fn judge(log: &[Outcome], outages: &[Outage]) {
    // When the database is up, recovering, or down, the answers allowed.
    let grace = Duration::from_secs(1);
    for o in log {
        assert!(
            o.status != 0,
            "the server must always answer: {o:?} ({:?})",
            o.error
        );
        assert!(
            matches!(o.status, 200 | 201 | 503),
            "only success or 503, never another error: {o:?}"
        );
        if o.status == 503 {
            assert_eq!(o.content_type, "application/problem+json", "{o:?}");
            assert!(o.retry_after.is_some(), "a 503 says when to retry: {o:?}");
        }
        let during = outages
            .iter()
            .find(|w| o.answered >= w.cut && o.sent < w.restored + grace);
        match during {
            None => assert_ne!(o.status, 503, "503 with the database up: {o:?}"),
            Some(w) => {
                // No request waits more than 2 s while the database is away,
                // a 503 comes within 2 s of the later of the cut and the
                // request, and none hangs after the restore either.
                let start = o.sent.max(w.cut);
                let waited_down = o.answered.min(w.restored).saturating_duration_since(start);
                assert!(
                    waited_down <= WITHIN,
                    "{:?}: waited {waited_down:?} while the database was away: {o:?}",
                    w.how
                );
                if o.status == 503 {
                    assert!(
                        o.answered - start <= WITHIN,
                        "{:?}: a 503 after {:?}: {o:?}",
                        w.how,
                        o.answered - start
                    );
                }
                if o.answered > w.restored {
                    let after = o.answered - o.sent.max(w.restored);
                    assert!(
                        after <= WITHIN,
                        "{:?}: answered {after:?} after the restore: {o:?}",
                        w.how
                    );
                }
                // Sent while the database was away, and answered before it
                // was back: nothing but a 503 is possible.
                if o.sent >= w.cut && o.answered < w.restored {
                    assert_eq!(o.status, 503, "{:?}: {o:?}", w.how);
                }
            }
        }
    }
    for w in outages {
        let down: Vec<&Outcome> = log
            .iter()
            .filter(|o| o.sent >= w.cut && o.answered < w.restored)
            .collect();
        assert!(
            down.iter().filter(|o| o.what == "catalogue").count() >= 8
                && down.iter().filter(|o| o.what == "order").count() >= 4,
            "{:?}: the outage must have been met by the load ({} answers)",
            w.how,
            down.len()
        );
        let first_503 = log
            .iter()
            .filter(|o| o.status == 503 && o.answered >= w.cut)
            .map(|o| o.answered - w.cut)
            .min()
            .unwrap();
        let slowest = down.iter().map(|o| o.took()).max().unwrap();
        let after: Vec<&Outcome> = log
            .iter()
            .filter(|o| o.sent >= w.restored && o.sent < w.restored + grace)
            .collect();
        eprintln!(
            "{:?}: first 503 {:?} after the cut; slowest answer while down {:?} ({} answers, all 503); \
             /health/ready 503 after {:?}; after the restore ready in {:?}, serving in {:?}; \
             {} of {} requests in the first second after it were 503",
            w.how,
            first_503,
            slowest,
            down.len(),
            w.not_ready_after,
            w.ready_after,
            w.serving_after,
            after.iter().filter(|o| o.status == 503).count(),
            after.len(),
        );
        assert!(w.ready_after <= Duration::from_secs(5), "{w:?}");
        assert!(w.serving_after <= Duration::from_secs(5), "{w:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn when_the_database_stops_under_load_requests_get_a_fast_503_and_the_same_process_recovers()
{
    if opop_tests::backend_name() != "postgres" {
        eprintln!(
            "skipped: a database server that stops is a PostgreSQL fault; \
             run with OPOP_TEST_DATABASE_URL=postgres://… (CI does)"
        );
        return;
    }
    // Its bounds are seconds under the load it makes itself: other tests'
    // load on the same cores would make them a measure of the machine.
    opop_tests::alone(the_database_stops_under_load()).await;
}

async fn the_database_stops_under_load() {
    let mut database = TestDatabase::create().await;
    let proxy = Proxy::for_url(&database.url).await;
    database.url = proxy.through(&database.url);
    let app = TestApp::spawn_on(database, UNDER_LOAD).await;
    let w = World::build(&app).await;
    let partner = w.token("partner");
    const STOCK: i64 = 1_000_000;
    let product = publish_stocked(&app, &w.pesantren_a, "TAHAN-1", STOCK, 1).await;

    let load = Load::start(&app, &partner, product.id, 10, 6);
    let mut outages = Vec::new();
    for how in [Cut::Refuse, Cut::Reset] {
        outages.push(outage(&app, &proxy, how).await);
    }
    let log = load.finish().await;
    judge(&log, &outages);

    // No order was half taken: an order whose answer was a 503 either
    // committed whole or not at all, and its retry with the same key now
    // places it or answers the first success again.
    let orders_sent: Vec<&Outcome> = log.iter().filter(|o| o.what == "order").collect();
    let lost: Vec<&Outcome> = orders_sent
        .iter()
        .copied()
        .filter(|o| o.status == 503)
        .collect();
    assert!(!lost.is_empty());
    // A few at a time, as clients backing off would: a thousand at once
    // would queue past the pool's deadline and be shed with 503 again.
    let retries: Vec<_> = futures_util::stream::iter(lost.iter().map(|o| {
        let key = o.key.clone().unwrap();
        app.as_(&partner)
            .post(ORDERS, &order_body(product.id, 1, &key))
            .header("Idempotency-Key", key.clone())
            .send()
    }))
    .buffer_unordered(8)
    .collect()
    .await;
    for r in retries {
        assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    }
    let placed = orders::Entity::find()
        .filter(orders::Column::ProductId.eq(product.id))
        .all(&app.db)
        .await
        .unwrap();
    let keys: BTreeSet<&str> = placed.iter().map(|o| o.idempotency_key.as_str()).collect();
    let expected: BTreeSet<&str> = orders_sent
        .iter()
        .map(|o| o.key.as_deref().unwrap())
        .collect();
    assert_eq!(keys, expected, "every order exactly once");
    assert_eq!(placed.len(), expected.len());
    let left = products::Entity::find_by_id(product.id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .stock;
    assert_eq!(
        left,
        Some(STOCK - placed.len() as i64),
        "stock matches the orders"
    );
    eprintln!(
        "{} requests in all; {} orders, {} of them answered 503 and retried",
        log.len(),
        orders_sent.len(),
        lost.len()
    );
}

// ---------------------------------------------------------------------------
// Two instances, one database.

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_on_one_database_keep_the_feed_and_order_guarantees_and_expire_once() {
    // Both instances run the expiry task every second, besides the passes
    // this test runs itself: every pass races every other.
    let settings: &[(&str, &str)] = &[
        ("OPOP_EXPIRY_INTERVAL_SECS", "1"),
        ("OPOP_WEBHOOK_INTERVAL_MS", "0"),
        ("OPOP_PUBLIC_RATE_BURST", "1000000"),
        ("OPOP_PUBLIC_RATE_PER_MINUTE", "60000000"),
    ];
    let writer = TestApp::spawn_with(settings).await;
    let reader = TestApp::spawn_on(writer.database.share(), settings).await;
    let w = World::build(&writer).await;
    let manager = w.token("manager_a");
    let partner = w.token("partner");

    let mut crafts = Vec::new();
    for i in 0..5 {
        crafts.push(
            publish_stocked(&writer, &w.pesantren_a, &format!("DUA-C{i}"), 40, 1)
                .await
                .id,
        );
    }
    const STOCK: i64 = 25;
    const N: usize = 60;
    let scarce = publish_stocked(&writer, &w.pesantren_a, "DUA-LANGKA", STOCK, 1).await;
    let mut beverages = Vec::new();
    for i in 0..4 {
        let (product, cert) = publish_certified(
            &writer,
            &w.pesantren_a,
            &format!("DUA-B{i}"),
            ProductCategory::Beverage,
            &format!("ID350000000099{i}"),
        )
        .await;
        beverages.push((product.id, cert.id));
    }

    // Writes go to the writer; the follower reads the reader. Orders race
    // for the scarce product through both instances at once.
    let done = AtomicBool::new(false);
    let mut follower = Follower::new(partner.clone());
    let editor = async {
        for i in 0..15 {
            let id = crafts[i % crafts.len()];
            let res = writer
                .as_(&manager)
                .get(&format!("/api/v1/products/{id}"))
                .await;
            assert_eq!(res.status(), 200);
            let view: Value = res.json().await.unwrap();
            let mut body = edit_body(&view);
            body["price_idr"] = json!(30_000 + 250 * i);
            body["stock"] = json!(20 + i);
            let res = writer
                .as_(&manager)
                .put(&format!("/api/v1/products/{id}"), &body)
                .await;
            let status = res.status().as_u16();
            // Without If-Match an edit may meet a concurrent order (412).
            assert!(
                status == 200 || status == 412,
                "edit: {status} {}",
                res.text().await.unwrap()
            );
        }
    };
    let requests: Vec<(String, Value)> = (0..N)
        .map(|i| {
            (
                format!("dua-{i}"),
                order_body(scarce.id, 1, &format!("SHP-{i}")),
            )
        })
        .collect();
    let orderer = async {
        join_all(requests.iter().enumerate().map(|(i, (key, b))| {
            let app = if i % 2 == 0 { &writer } else { &reader };
            order(app, &partner, Some(key), b)
        }))
        .await
    };
    let writes = async {
        let out = tokio::join!(editor, orderer);
        done.store(true, Ordering::SeqCst);
        out.1
    };
    let follow = async {
        let mut during = 0;
        while !done.load(Ordering::SeqCst) {
            if !follower.step(&reader, 7).await {
                tokio::time::sleep(Duration::from_millis(3)).await;
            }
            during = follower.events;
        }
        during
    };
    let (first, read_during_writes) = tokio::join!(writes, follow);
    assert!(
        read_during_writes > 0,
        "the follower read while others wrote"
    );

    // Stock: exactly what there was is sold, across both instances.
    let created: Vec<&Answer> = first.iter().filter(|a| a.status == 201).collect();
    assert_eq!(created.len(), STOCK as usize, "{first:?}");
    assert_eq!(
        first.iter().filter(|a| a.status == 409).count(),
        N - STOCK as usize,
        "{first:?}"
    );
    let remaining: BTreeSet<i64> = created
        .iter()
        .map(|a| a.body["stock_remaining"].as_i64().unwrap())
        .collect();
    assert_eq!(remaining, (0..STOCK).collect());
    // A retry through the other instance gets the first answer again.
    let again = join_all(requests.iter().enumerate().map(|(i, (key, b))| {
        let app = if i % 2 == 0 { &reader } else { &writer };
        order(app, &partner, Some(key), b)
    }))
    .await;
    for (before, after) in first.iter().zip(&again) {
        assert_eq!(after.status, before.status);
        assert_eq!(after.content(), before.content());
        assert_eq!(after.replayed.as_deref(), Some("true"), "{after:?}");
    }
    let sold = orders::Entity::find()
        .filter(orders::Column::ProductId.eq(scarce.id))
        .count(&writer.db)
        .await
        .unwrap();
    assert_eq!(sold, STOCK as u64);

    // Time passes: every beverage's certificate runs out. Both instances'
    // tasks, and passes started here on both at once, race to withdraw them.
    let before_expiry: i64 = catalog_changes::Entity::find()
        .order_by_desc(catalog_changes::Column::Seq)
        .one(&writer.db)
        .await
        .unwrap()
        .map_or(0, |c| c.seq);
    let yesterday = opop_api::publication::today() - Days::new(1);
    for (_, cert) in &beverages {
        let mut row = certifications::Entity::find_by_id(*cert)
            .one(&writer.db)
            .await
            .unwrap()
            .unwrap()
            .into_active_model();
        row.expires_on = Set(Some(yesterday));
        row.update(&writer.db).await.unwrap();
    }
    let passes = join_all((0..6).map(|i| {
        let db = if i % 2 == 0 { &writer.db } else { &reader.db };
        opop_api::feed::expiry::run_once(db)
    }))
    .await;
    let withdrawn: usize = passes.into_iter().map(|r| r.unwrap()).sum();
    // Let each instance's own task make at least two more passes.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert!(
        withdrawn <= beverages.len(),
        "{withdrawn} withdrawals counted for {} products",
        beverages.len()
    );
    for (product, _) in &beverages {
        let events = catalog_changes::Entity::find()
            .filter(catalog_changes::Column::ProductId.eq(*product))
            .filter(catalog_changes::Column::Seq.gt(before_expiry))
            .all(&writer.db)
            .await
            .unwrap();
        let ops: Vec<ChangeOp> = events.iter().map(|e| e.op).collect();
        assert_eq!(ops, [ChangeOp::Delete], "one delete for {product}");
        let trail = audit_log::Entity::find()
            .filter(audit_log::Column::ResourceId.eq(*product))
            .filter(audit_log::Column::Action.eq("withdraw"))
            .count(&writer.db)
            .await
            .unwrap();
        assert_eq!(trail, 1, "one withdrawal in the audit trail of {product}");
    }

    // The follower, reading the reader, ends with the catalogue, as both
    // instances serve it.
    follower.drain(&reader).await;
    let truth = catalogue(&reader).await;
    assert_eq!(catalogue(&writer).await, truth);
    assert_eq!(truth.len(), crafts.len() + 1, "crafts and the sold-out one");
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
        "missing {missing:?}, extra {extra:?}"
    );
    for (id, product) in &truth {
        assert_eq!(&follower.copy[id], product, "the copy of {id} is stale");
    }
    assert_eq!(follower.copy[&scarce.id]["stock"], 0);
    eprintln!(
        "two instances ({}): {} feed events followed; {} of {N} racing orders sold, {} withdrawals by {} racing passes",
        opop_tests::backend_name(),
        follower.events,
        created.len(),
        withdrawn,
        6
    );

    reader.stop().await;
    writer.stop().await;
}
