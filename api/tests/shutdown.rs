//! SIGTERM under load (issue 8): the real binary, sent SIGTERM while it
//! serves many requests, finishes the requests it has begun, refuses new
//! connections, and exits with status 0.
//!
//! On SQLite by default; on a fresh PostgreSQL database of its own when
//! `OPOP_TEST_DATABASE_URL=postgres://…` is set, as the rest of the suite.

use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use sea_orm::{ConnectionTrait, TransactionTrait};
use serde_json::{json, Value};

const ADMIN_EMAIL: &str = "admin@test.opop";
const ADMIN_PASSWORD: &str = "admin-password-123";
const JWT_SECRET: &str = "test-secret-test-secret-test-secret-0123";
/// 32 bytes of base64: the server and the seed must seal and open alike.
const NIK_KEY: &str = "c2h1dGRvd24tdGVzdC1uaWsta2V5LXNodXRkb3duLTA=";

/// Concurrent requests in flight when the signal is sent.
const CATALOGUE_CLIENTS: usize = 24;
const ORDER_CLIENTS: usize = 8;

/// A database for this test only.
struct Database {
    url: String,
    _dir: tempfile::TempDir,
    /// The server's URL and the database's name, to drop it afterwards.
    postgres: Option<(String, String)>,
}

impl Database {
    async fn create() -> Database {
        let dir = tempfile::tempdir().expect("a temporary directory");
        match std::env::var("OPOP_TEST_DATABASE_URL")
            .ok()
            .filter(|u| u.starts_with("postgres"))
        {
            Some(base) => {
                let name = format!("opop_test_{}", uuid::Uuid::new_v4().simple());
                let admin = sea_orm::Database::connect(&base)
                    .await
                    .expect("OPOP_TEST_DATABASE_URL must point at a reachable PostgreSQL");
                admin
                    .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
                    .await
                    .expect("creating the test database");
                admin.close().await.ok();
                Database {
                    url: with_database(&base, &name),
                    _dir: dir,
                    postgres: Some((base, name)),
                }
            }
            None => Database {
                url: format!("sqlite://{}/opop.db?mode=rwc", dir.path().display()),
                _dir: dir,
                postgres: None,
            },
        }
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        let Some((base, name)) = self.postgres.take() else {
            return;
        };
        // Drop runs inside the test's runtime, which cannot block on a
        // future; a thread with its own runtime can.
        let _ = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            rt.block_on(async move {
                if let Ok(admin) = sea_orm::Database::connect(&base).await {
                    let _ = admin
                        .execute_unprepared(&format!(
                            "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
                        ))
                        .await;
                    let _ = admin.close().await;
                }
            });
        })
        .join();
    }
}

/// `url` (`postgres://user@host:port/db?query`) naming database `name`.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let host = base[scheme_end..].split('/').next().unwrap_or_default();
    let mut out = format!("{}{}/{}", &base[..scheme_end], host, name);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

/// The server process; killed if the test ends before it exits.
struct Server {
    child: Child,
    addr: SocketAddr,
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

fn start_server(database: &Database, log: &std::path::Path) -> Server {
    let port = free_port();
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let log = std::fs::File::create(log).expect("the server's log file");
    let child = Command::new(env!("CARGO_BIN_EXE_opop-api"))
        .arg("serve")
        .env("DATABASE_URL", &database.url)
        .env("OPOP_BIND", addr.to_string())
        .env("OPOP_JWT_SECRET", JWT_SECRET)
        .env("OPOP_NIK_KEY", NIK_KEY)
        .env("OPOP_ADMIN_EMAIL", ADMIN_EMAIL)
        .env("OPOP_ADMIN_PASSWORD", ADMIN_PASSWORD)
        // Few workers and connections, so that the requests queue and many
        // are still in flight when the signal comes.
        .env("OPOP_WORKERS", "2")
        .env("OPOP_DB_MAX_CONNECTIONS", "4")
        .env("OPOP_PUBLIC_RATE_BURST", "1000000")
        .env("OPOP_PUBLIC_RATE_PER_MINUTE", "60000000")
        .env("OPOP_PARTNER_RATE_BURST", "1000000")
        .env("OPOP_PARTNER_RATE_PER_MINUTE", "60000000")
        .env("OPOP_MEDIA_DIR", database._dir.path().join("media"))
        .env("RUST_LOG", "info")
        .stdin(Stdio::null())
        .stdout(log.try_clone().expect("the log file"))
        .stderr(log)
        .spawn()
        .expect("starting the server binary");
    Server { child, addr }
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .pool_max_idle_per_host(1)
        .timeout(Duration::from_secs(60))
        .build()
        .expect("an HTTP client")
}

async fn wait_until_ready(server: &mut Server, http: &reqwest::Client, log: &std::path::Path) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(Some(status)) = server.child.try_wait() {
            panic!(
                "the server exited at start-up ({status}):\n{}",
                std::fs::read_to_string(log).unwrap_or_default()
            );
        }
        if let Ok(res) = http
            .get(format!("http://{}/health/ready", server.addr))
            .send()
            .await
        {
            if res.status() == 200 {
                return;
            }
        }
        assert!(Instant::now() < deadline, "the server never became ready");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn sigterm(child: &Child) {
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("running kill");
    assert!(status.success(), "kill -TERM failed");
}

/// One slow request's fate.
#[derive(Debug)]
struct Fate {
    what: &'static str,
    status: Result<u16, String>,
    finished: Instant,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigterm_under_load_finishes_in_flight_requests_refuses_new_connections_and_exits_cleanly()
{
    opop_api::webhooks::install_crypto_provider();
    let database = Database::create().await;
    {
        let db = opop_api::db::connect_url(&database.url, 2)
            .await
            .expect("connecting");
        opop_api::db::migrate(&db).await.expect("migrating");
        let key = opop_api::vault::parse_key(NIK_KEY).expect("a key");
        let vault = opop_api::vault::NikVault::new(&key, &[]);
        opop_api::seed::seed_demo(&db, &vault)
            .await
            .expect("the demo data");
        db.close().await.ok();
    }
    let log = database._dir.path().join("server.log");
    let mut server = start_server(&database, &log);
    let http = client();
    wait_until_ready(&mut server, &http, &log).await;
    let base = format!("http://{}", server.addr);

    let token: Value = http
        .post(format!("{base}/api/v1/auth/token"))
        .json(&json!({
            "client_id": opop_api::seed::DEMO_PARTNER_CLIENT_ID,
            "client_secret": opop_api::seed::DEMO_PARTNER_SECRET,
        }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = token["access_token"].as_str().expect("a token").to_string();
    let page: Value = http
        .get(format!("{base}/api/v1/catalog/products?limit=100"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let product = page["data"]
        .as_array()
        .unwrap()
        .iter()
        .max_by_key(|p| p["stock"].as_i64().unwrap_or(0))
        .expect("a published product")
        .clone();
    assert!(product["stock"].as_i64().unwrap() >= ORDER_CLIENTS as i64);
    let product_id = product["id"].as_str().unwrap().to_string();

    // Every client opens its connection first (a request the server has
    // begun is what must finish; one still in the kernel's queue when the
    // listener closes is refused, and safe to retry), then all send their
    // slow request at once: a page of a hundred products, or an order.
    let clients = CATALOGUE_CLIENTS + ORDER_CLIENTS;
    let start = Arc::new(tokio::sync::Barrier::new(clients + 1));
    let mut tasks = Vec::new();
    for i in 0..clients {
        let http = client();
        let live = http
            .get(format!("{base}/health/live"))
            .send()
            .await
            .unwrap();
        assert_eq!(live.status(), 200);
        live.bytes().await.unwrap();
        let start = start.clone();
        let (base, token, product_id) = (base.clone(), token.clone(), product_id.clone());
        tasks.push(tokio::spawn(async move {
            let (what, req) = if i < CATALOGUE_CLIENTS {
                (
                    "catalogue",
                    http.get(format!("{base}/api/v1/catalog/products?limit=100")),
                )
            } else {
                (
                    "order",
                    http.post(format!("{base}/api/v1/catalog/orders"))
                        .bearer_auth(&token)
                        .header("Idempotency-Key", format!("sigterm-{i}"))
                        .json(&json!({"product_id": product_id, "quantity": 1, "external_order_id": format!("SIG-{i}")})),
                )
            };
            start.wait().await;
            let status = match req.send().await {
                Ok(res) => {
                    let status = res.status().as_u16();
                    match res.bytes().await {
                        Ok(_) => Ok(status),
                        Err(e) => Err(format!("{status}, then {e}")),
                    }
                }
                Err(e) => Err(format!("{e:?}")),
            };
            Fate {
                what,
                status,
                finished: Instant::now(),
            }
        }));
    }
    // The orders wait on a lock the test holds until after the signal (the
    // product's row on PostgreSQL, the write lock on SQLite), so they are
    // certainly in flight when it comes, however fast the machine.
    let blocker_db = opop_api::db::connect_url(&database.url, 1)
        .await
        .expect("connecting");
    let blocker = blocker_db
        .begin_with_options(sea_orm::TransactionOptions {
            sqlite_transaction_mode: Some(sea_orm::SqliteTransactionMode::Immediate),
            ..Default::default()
        })
        .await
        .expect("a transaction");
    {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        let id: uuid::Uuid = product_id.parse().expect("an id");
        entity::products::Entity::update_many()
            .col_expr(
                entity::products::Column::Stock,
                sea_orm::sea_query::Expr::col(entity::products::Column::Stock),
            )
            .filter(entity::products::Column::Id.eq(id))
            .exec(&blocker)
            .await
            .expect("locking the ordered product");
    }
    start.wait().await;
    let sent = Instant::now();
    // Long enough for the server to have read every request, short enough
    // that most are still being served.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let signalled = Instant::now();
    sigterm(&server.child);

    // New connections are refused soon after the signal.
    let refused_after = loop {
        match TcpStream::connect_timeout(&server.addr, Duration::from_millis(200)) {
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
                break signalled.elapsed();
            }
            Ok(stream) => drop(stream),
            Err(_) => {}
        }
        assert!(
            signalled.elapsed() < Duration::from_secs(2),
            "still accepting connections 2 s after SIGTERM"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    };
    let fresh = client()
        .get(format!("{base}/health/live"))
        .send()
        .await
        .expect_err("a new connection after SIGTERM must fail");
    assert!(fresh.is_connect(), "{fresh:?}");
    blocker.rollback().await.expect("releasing the lock");
    blocker_db.close().await.ok();

    // Every request in flight finishes, successfully.
    let mut fates = Vec::new();
    for t in tasks {
        fates.push(t.await.unwrap());
    }
    let in_flight = fates.iter().filter(|f| f.finished > signalled).count();
    let log_text = || std::fs::read_to_string(&log).unwrap_or_default();
    for f in &fates {
        match &f.status {
            Ok(status) => assert!(
                (200..300).contains(status),
                "{f:?}\nserver log:\n{}",
                log_text()
            ),
            Err(e) => panic!(
                "{} request failed: {e}\nserver log:\n{}",
                f.what,
                log_text()
            ),
        }
    }
    let last = fates.iter().map(|f| f.finished).max().unwrap();
    assert!(
        in_flight >= clients / 4,
        "only {in_flight} of {clients} requests were still in flight at the signal: \
         the test did not test shutdown under load"
    );

    // And the process exits, cleanly, well within its 30 s grace.
    let deadline = signalled + Duration::from_secs(35);
    let status = loop {
        if let Some(status) = server.child.try_wait().expect("waiting for the server") {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "the server did not exit after SIGTERM"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let exited_after = signalled.elapsed();
    assert!(status.success(), "exit status {status}\n{}", log_text());
    eprintln!(
        "SIGTERM {:?} after sending {clients} requests; {in_flight} still in flight then, all finished 2xx, \
         the last {:?} after the signal; new connections refused {refused_after:?} after it; \
         the process exited with {status} {exited_after:?} after it",
        signalled - sent,
        last.saturating_duration_since(signalled),
    );
}
