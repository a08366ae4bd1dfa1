//! Reads on a real streaming replica (`DATABASE_REPLICA_URL`): the public
//! catalogue and the change feed are served from it; a follower reading the
//! feed there while others write on the primary ends equal to the
//! catalogue; a replica that lags past `OPOP_REPLICA_MAX_LAG_MS` is skipped.

use std::time::{Duration, Instant};

use entity::ProductCategory;
use opop_tests::catalogue::{order, order_body, publish};
use opop_tests::feed::{catalogue, edit_body, Follower};
use opop_tests::replica::StreamingReplica;
use opop_tests::world::World;
use opop_tests::{backend_name, TestApp, TestDatabase};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, EntityTrait, Statement};
use serde_json::Value;
use uuid::Uuid;

async fn sql(db: &DatabaseConnection, text: &str) {
    db.execute_raw(Statement::from_string(db.get_database_backend(), text))
        .await
        .unwrap_or_else(|e| panic!("{text}: {e}"));
}

async fn last_seq(db: &DatabaseConnection) -> i64 {
    opop_api::feed::last_seq(db).await.unwrap()
}

/// Waits until `check` holds, for at most 30 s.
async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + Duration::from_secs(30);
    while !check().await {
        assert!(Instant::now() < deadline, "never: {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn status_of(app: &TestApp, id: Uuid) -> u16 {
    app.anon()
        .get(&format!("/api/v1/catalog/products/{id}"))
        .await
        .status()
        .as_u16()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_follower_reading_the_feed_from_a_streaming_replica_ends_equal_to_the_catalogue() {
    if backend_name() != "postgres" {
        eprintln!(
            "skipped: replicas are PostgreSQL streaming replicas; \
             run with OPOP_TEST_DATABASE_URL=postgres://… (CI does)"
        );
        return;
    }
    let primary = std::env::var("OPOP_TEST_DATABASE_URL").expect("the primary");
    // The replica first: the test's database, made next, reaches it by
    // streaming like every later write.
    let replica = StreamingReplica::start(&primary).await;
    let database = TestDatabase::create().await;
    let replica_url = replica.url_of(&database.url);
    // The database reaches the replica by streaming: wait for it.
    let deadline = Instant::now() + Duration::from_secs(30);
    let standby = loop {
        match Database::connect(&replica_url).await {
            Ok(db) => break db,
            Err(e) => {
                assert!(
                    Instant::now() < deadline,
                    "the replica never had the database: {e}"
                );
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    };
    let second = database.share();
    let limits = [
        ("OPOP_EXPIRY_INTERVAL_SECS", "0"),
        ("OPOP_PARTNER_RATE_BURST", "1000000"),
        ("OPOP_PARTNER_RATE_PER_MINUTE", "1000000"),
        ("DATABASE_REPLICA_URL", replica_url.as_str()),
    ];
    let app = TestApp::spawn_on(
        database,
        &[&limits[..], &[("OPOP_REPLICA_MAX_LAG_MS", "60000")]].concat(),
    )
    .await;
    let w = World::build(&app).await;

    // Catalogue reads are served by the replica: with its replay paused, a
    // product published on the primary is not there yet; resumed, it is.
    let first = publish(&app, &w.pesantren_a, "REP-1", ProductCategory::Craft).await;
    eventually("the first product on the replica", || async {
        status_of(&app, first.id).await == 200
    })
    .await;
    sql(&standby, "SELECT pg_wal_replay_pause()").await;
    let paused = publish(&app, &w.pesantren_a, "REP-2", ProductCategory::Craft).await;
    assert!(
        entity::catalog_entries::Entity::find_by_id(paused.id)
            .one(&app.db)
            .await
            .unwrap()
            .is_some(),
        "published on the primary"
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        status_of(&app, paused.id).await,
        404,
        "read from the paused replica"
    );

    // A second instance that tolerates 300 ms of lag stops reading from the
    // paused replica once it is that far behind, and reads the primary.
    let strict = TestApp::spawn_on(
        second,
        &[&limits[..], &[("OPOP_REPLICA_MAX_LAG_MS", "300")]].concat(),
    )
    .await;
    let bump = publish(&strict, &w.pesantren_a, "REP-3", ProductCategory::Craft).await;
    eventually("the lagging replica is skipped", || async {
        status_of(&strict, bump.id).await == 200
    })
    .await;
    assert_eq!(
        status_of(&app, bump.id).await,
        404,
        "the tolerant instance still reads the paused replica"
    );
    sql(&standby, "SELECT pg_wal_replay_resume()").await;
    eventually("the replica caught up", || async {
        status_of(&app, paused.id).await == 200 && status_of(&app, bump.id).await == 200
    })
    .await;
    strict.stop().await;

    // A follower reads the feed (from the replica) while the manager edits
    // and publishes and a partner orders, on the primary.
    let manager = w.token("manager_a");
    let partner = w.token("partner");
    let mut ids = vec![first.id, paused.id, bump.id];
    let mut follower = Follower::new(partner.clone());
    let done = std::sync::atomic::AtomicBool::new(false);
    let writers = async {
        for i in 0..8 {
            let p = publish(
                &app,
                &w.pesantren_a,
                &format!("REP-W{i}"),
                ProductCategory::Craft,
            )
            .await;
            ids.push(p.id);
            let id = ids[i % ids.len()];
            let view: Value = app
                .as_(&manager)
                .get(&format!("/api/v1/products/{id}"))
                .ok()
                .await;
            let mut body = edit_body(&view);
            body["stock"] = (100 + i).into();
            let (s, b) = app
                .as_(&manager)
                .put(&format!("/api/v1/products/{id}"), &body)
                .status_and_json()
                .await;
            assert!(matches!(s, 200 | 412), "edit: {s} {b}");
            let placed = order(
                &app,
                &partner,
                Some(&format!("rep-order-{i}")),
                &order_body(ids[(i + 1) % ids.len()], 1, &format!("SHP-REP-{i}")),
            )
            .await;
            assert!(matches!(placed.status, 201 | 409), "order: {placed:?}");
        }
        done.store(true, std::sync::atomic::Ordering::SeqCst);
    };
    let follow = async {
        let mut during = 0;
        while !done.load(std::sync::atomic::Ordering::SeqCst) {
            if !follower.step(&app, 5).await {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            during = follower.events;
        }
        during
    };
    let ((), during) = tokio::join!(writers, follow);
    assert!(during > 0, "the follower read while others wrote");

    // Once the replica has replayed everything, the follower (still
    // reading there) ends with exactly the catalogue, as the primary has it.
    let end = last_seq(&app.db).await;
    eventually("the replica replayed the feed", || async {
        last_seq(&standby).await == end
    })
    .await;
    follower.drain(&app).await;
    let truth = catalogue(&app).await;
    assert_eq!(follower.copy, truth);
    let on_primary: std::collections::BTreeMap<Uuid, Value> =
        entity::catalog_entries::Entity::find()
            .all(&app.db)
            .await
            .unwrap()
            .into_iter()
            .map(|e| (e.product_id, serde_json::from_str(&e.body).unwrap()))
            .collect();
    assert_eq!(follower.copy, on_primary);
    assert!(follower.copy.len() >= 11);
    drop(standby);
    drop(replica);
}
