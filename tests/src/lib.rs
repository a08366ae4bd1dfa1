//! Test harness: each test gets the real application, listening on a free
//! port, over a database of its own.
//!
//! - By default the database is a SQLite file in a temporary directory.
//! - With `OPOP_TEST_DATABASE_URL=postgres://…` each test creates a fresh
//!   PostgreSQL database, and drops it when the test ends.
//!
//! Requests go as one kind of caller, `app.anon()` or `app.as_(&token)`
//! (`call`). Every suite shares one process: each database holds a turn of
//! the gate behind [`alone()`], for the tests that must have the machine to
//! themselves.

use std::collections::HashMap;
use std::time::Duration;

use opop_api::config::Config;
use opop_api::startup::Application;
use reqwest::Response;
use sea_orm::{ConnectionTrait, DatabaseConnection};
use serde_json::Value;

pub const ADMIN_EMAIL: &str = "admin@test.opop";
pub const ADMIN_PASSWORD: &str = "admin-password-123";
pub const JWT_SECRET: &str = "test-secret-test-secret-test-secret-0123";
/// The key that seals NIKs in tests (32 bytes of base64), as a deployment
/// sets `OPOP_NIK_KEY`.
pub const NIK_KEY: &str = "dGVzdC1uaWsta2V5LXRlc3QtbmlrLWtleS10ZXN0LTA=";

/// Which database the suite runs on.
pub fn backend_name() -> &'static str {
    if postgres_base_url().is_some() {
        "postgres"
    } else {
        "sqlite"
    }
}

fn postgres_base_url() -> Option<String> {
    std::env::var("OPOP_TEST_DATABASE_URL")
        .ok()
        .filter(|u| u.starts_with("postgres"))
}

/// A database that lives as long as the test.
pub struct TestDatabase {
    pub url: String,
    cleanup: Cleanup,
    /// Dropped after `cleanup` has run (fields drop after `Drop::drop`).
    _turn: Option<alone::Turn<'static>>,
}

enum Cleanup {
    Sqlite(#[allow(dead_code)] tempfile::TempDir),
    Postgres {
        base_url: String,
        name: String,
    },
    /// Another handle to a database that its owner removes.
    Shared,
}

impl TestDatabase {
    pub async fn create() -> Self {
        let turn = alone::database_turn().await;
        let template = template().await;
        match postgres_base_url() {
            Some(base_url) => {
                let name = format!("opop_test_{}", uuid::Uuid::new_v4().simple());
                let admin = sea_orm::Database::connect(&base_url)
                    .await
                    .expect("OPOP_TEST_DATABASE_URL must point at a reachable PostgreSQL");
                admin
                    .execute_unprepared(&format!(
                        "CREATE DATABASE \"{name}\" TEMPLATE \"{template}\""
                    ))
                    .await
                    .expect("creating the test database");
                admin.close().await.ok();
                let url = replace_database(&base_url, &name);
                Self {
                    url,
                    cleanup: Cleanup::Postgres { base_url, name },
                    _turn: Some(turn),
                }
            }
            None => {
                let dir = tempfile::tempdir().expect("creating a temporary directory");
                let file = dir.path().join("opop.db");
                std::fs::copy(template, &file).expect("copying the migrated database");
                let url = format!("sqlite://{}?mode=rwc", file.display());
                Self {
                    url,
                    cleanup: Cleanup::Sqlite(dir),
                    _turn: Some(turn),
                }
            }
        }
    }
}

/// A database with every migration applied, made once per test process:
/// each test's database starts as a copy of it (`CREATE DATABASE … TEMPLATE`
/// on PostgreSQL, a file copy on SQLite), so the migrations, the regions
/// table's thousands of rows among them, run once rather than once per test.
/// The application still runs its migrations at start-up, and finds none to
/// apply. Answers the template's database name or file.
async fn template() -> &'static str {
    static TEMPLATE: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
    TEMPLATE.get_or_init(make_template).await
}

/// Templates are named after the process that made them, so that one left
/// by a process that has ended (tests never drop it) can be told apart from
/// one still in use by a run in parallel, and removed.
const TEMPLATE_PREFIX: &str = "opop_template_";

fn template_is_stale(name: &str) -> bool {
    let pid = name
        .trim_start_matches(TEMPLATE_PREFIX)
        .split(['_', '.'])
        .next()
        .unwrap_or_default();
    !pid.is_empty() && !std::path::Path::new(&format!("/proc/{pid}")).exists()
}

async fn make_template() -> String {
    let name = format!(
        "{TEMPLATE_PREFIX}{}_{}",
        std::process::id(),
        uuid::Uuid::new_v4().simple()
    );
    match postgres_base_url() {
        Some(base_url) => {
            let admin = sea_orm::Database::connect(&base_url)
                .await
                .expect("OPOP_TEST_DATABASE_URL must point at a reachable PostgreSQL");
            let old: Vec<String> = admin
                .query_all_raw(sea_orm::Statement::from_string(
                    admin.get_database_backend(),
                    format!(
                        "SELECT datname FROM pg_database WHERE datname LIKE '{TEMPLATE_PREFIX}%'"
                    ),
                ))
                .await
                .expect("listing test templates")
                .iter()
                .filter_map(|row| row.try_get::<String>("", "datname").ok())
                .collect();
            for stale in old.iter().filter(|n| template_is_stale(n)) {
                let _ = admin
                    .execute_unprepared(&format!(
                        "DROP DATABASE IF EXISTS \"{stale}\" WITH (FORCE)"
                    ))
                    .await;
            }
            admin
                .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
                .await
                .expect("creating the template database");
            admin.close().await.ok();
            let db = sea_orm::Database::connect(replace_database(&base_url, &name))
                .await
                .expect("connecting to the template database");
            opop_api::db::migrate(&db)
                .await
                .expect("migrating the template database");
            db.close().await.ok();
            name
        }
        None => {
            let dir = std::env::temp_dir();
            if let Ok(entries) = std::fs::read_dir(&dir) {
                for entry in entries.flatten() {
                    let file = entry.file_name().to_string_lossy().to_string();
                    if file.starts_with(TEMPLATE_PREFIX) && template_is_stale(&file) {
                        let _ = std::fs::remove_file(entry.path());
                    }
                }
            }
            let work = tempfile::tempdir().expect("creating a temporary directory");
            let url = format!("sqlite://{}/opop.db?mode=rwc", work.path().display());
            let db = sea_orm::Database::connect(&url)
                .await
                .expect("creating the template database");
            opop_api::db::migrate(&db)
                .await
                .expect("migrating the template database");
            // One self-contained file, whatever the journal mode left beside it.
            let file = dir.join(format!("{name}.db"));
            db.execute_unprepared(&format!("VACUUM INTO '{}'", file.display()))
                .await
                .expect("writing the template database");
            db.close().await.ok();
            file.display().to_string()
        }
    }
}

impl TestDatabase {
    /// A second handle to the same database, for a second instance of the
    /// application; the database goes when the original handle is dropped,
    /// so that one must outlive the instances using this one.
    pub fn share(&self) -> TestDatabase {
        TestDatabase {
            url: self.url.clone(),
            cleanup: Cleanup::Shared,
            // The original holds the test's turn.
            _turn: None,
        }
    }
}

/// The same server URL with another database name.
pub fn replace_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let host_and_path = &base[scheme_end..];
    let host = host_and_path.split('/').next().unwrap_or(host_and_path);
    let mut out = format!("{}{}/{}", &base[..scheme_end], host, name);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Cleanup::Postgres { base_url, name } = &self.cleanup {
            let (base_url, name) = (base_url.clone(), name.clone());
            // Drop runs inside the test's runtime, which cannot block on a
            // future; a thread with its own runtime can.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("a runtime for cleanup");
                rt.block_on(async move {
                    if let Ok(admin) = sea_orm::Database::connect(&base_url).await {
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
}

/// The running application and a client for it.
pub struct TestApp {
    pub address: String,
    pub port: u16,
    pub client: reqwest::Client,
    /// A direct connection, for arranging and checking state behind the API.
    pub db: DatabaseConnection,
    pub database: TestDatabase,
    pub config: Config,
    stop: opop_api::startup::StopHandle,
    running: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl TestApp {
    pub async fn spawn() -> Self {
        Self::spawn_with(&[]).await
    }

    /// Spawns with extra or overriding environment variables.
    pub async fn spawn_with(overrides: &[(&str, &str)]) -> Self {
        Self::spawn_on(TestDatabase::create().await, overrides).await
    }

    /// Spawns over an existing database, such as the one [`TestApp::stop`]
    /// answers: a restart.
    pub async fn spawn_on(database: TestDatabase, overrides: &[(&str, &str)]) -> Self {
        let mut env: HashMap<String, String> = [
            ("OPOP_BIND", "127.0.0.1:0"),
            ("DATABASE_URL", database.url.as_str()),
            ("OPOP_JWT_SECRET", JWT_SECRET),
            ("OPOP_NIK_KEY", NIK_KEY),
            ("OPOP_ADMIN_EMAIL", ADMIN_EMAIL),
            ("OPOP_ADMIN_PASSWORD", ADMIN_PASSWORD),
            ("OPOP_WORKERS", "2"),
            ("OPOP_DB_MAX_CONNECTIONS", "5"),
            // Tests fire hundreds of partner calls at once; the rate-limit
            // test sets its own small bucket.
            ("OPOP_PARTNER_RATE_BURST", "1000000"),
            ("OPOP_PARTNER_RATE_PER_MINUTE", "60000000"),
            // Likewise every test calls the public catalogue from one address.
            ("OPOP_PUBLIC_RATE_BURST", "1000000"),
            ("OPOP_PUBLIC_RATE_PER_MINUTE", "60000000"),
            // The image host the suites' products link to, allowed as a
            // deployment would allow its own CDN (`security_media` checks
            // that other hosts are refused).
            ("OPOP_IMAGE_HOSTS", "images.opop.example"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        for (k, v) in overrides {
            env.insert(k.to_string(), v.to_string());
        }
        let config = Config::from_lookup(|k| env.get(k).cloned()).expect("test configuration");
        let app = Application::build(config.clone())
            .await
            .expect("building the application");
        let port = app.port();
        let db = app.db().clone();
        let stop = app.stop_handle();
        let running = tokio::spawn(app.run_until_stopped());
        // reqwest is built without a TLS provider of its own (the server
        // installs ring as the process's default).
        opop_api::webhooks::install_crypto_provider();
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(30))
            .build()
            .expect("an HTTP client");
        Self {
            address: format!("http://127.0.0.1:{port}"),
            port,
            client,
            db,
            database,
            config,
            stop,
            running,
        }
    }

    /// Stops the application as SIGTERM would (the server, then its
    /// background tasks) and answers its database, to start another
    /// application on it with [`TestApp::spawn_on`].
    pub async fn stop(self) -> TestDatabase {
        self.stop.stop(true).await;
        self.running
            .await
            .expect("the application task")
            .expect("the application stopped cleanly");
        self.db.close().await.ok();
        self.database
    }

    /// The keys this application seals NIKs with.
    pub fn nik_vault(&self) -> opop_api::vault::NikVault {
        self.config.nik_vault().expect("the test NIK key")
    }

    /// The NIK a santri row holds, opened with this application's key;
    /// checks on the way that nothing of it is stored in the clear but the
    /// last four digits.
    pub fn stored_nik(&self, row: &entity::santri::Model) -> Option<String> {
        assert!(row.nik_legacy.is_none(), "a plain NIK is stored");
        let sealed = row.nik_sealed.as_deref()?;
        let nik = self
            .nik_vault()
            .open(row.id, sealed)
            .expect("the sealed NIK opens");
        assert!(!sealed.contains(&nik), "the NIK is in the sealed value");
        assert_eq!(row.nik_last4.as_deref(), Some(&nik[nik.len() - 4..]));
        Some(nik)
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }
}

impl TestApp {
    /// Logs in and answers the access token; panics unless it succeeds.
    pub async fn login(&self, email: &str, password: &str) -> String {
        let pair = self.login_pair(email, password).await;
        pair["access_token"]
            .as_str()
            .expect("access_token")
            .to_string()
    }

    /// Logs in and answers the whole token pair.
    pub async fn login_pair(&self, email: &str, password: &str) -> Value {
        let res = self.try_login(email, password).await;
        assert_eq!(res.status(), 200, "login of {email} failed");
        res.json().await.expect("a token pair")
    }

    /// A login attempt, whatever its answer.
    pub async fn try_login(&self, email: &str, password: &str) -> Response {
        self.anon()
            .post(
                "/api/v1/auth/login",
                &serde_json::json!({"email": email, "password": password}),
            )
            .await
    }

    pub async fn admin_token(&self) -> String {
        self.login(ADMIN_EMAIL, ADMIN_PASSWORD).await
    }
}

pub mod alone;
mod call;
pub mod catalogue;
pub mod competitions;
pub mod feed;
pub mod png;
pub mod programme;
pub mod proxy;
pub mod replica;
pub mod world;

pub use alone::alone;
pub use call::{Answer, Call, Caller};

/// Asserts a problem+json answer with `status`, and returns its body.
pub async fn assert_problem(res: Response, status: u16) -> Value {
    assert_eq!(res.status().as_u16(), status, "unexpected status");
    let content_type = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    assert_eq!(content_type, "application/problem+json");
    let body: Value = res.json().await.expect("a JSON problem body");
    assert_eq!(body["status"], status);
    for field in ["type", "title", "detail"] {
        assert!(body[field].is_string(), "problem without `{field}`: {body}");
    }
    assert!(
        body["request_id"].is_string(),
        "problem without request_id: {body}"
    );
    body
}

/// The fields a problem's `errors` name, in its order.
/// `s` percent-encoded for a query string (every byte but ASCII letters
/// and digits).
pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

pub fn error_fields(problem: &Value) -> Vec<&str> {
    problem["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect()
}

/// The field errors of a 422 problem, as (field, code) pairs; each with a
/// message.
pub async fn field_errors(res: Response) -> Vec<(String, String)> {
    let body = assert_problem(res, 422).await;
    body["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| {
            assert!(
                e["message"].as_str().is_some_and(|m| !m.is_empty()),
                "an error without a message: {e}"
            );
            (
                e["field"].as_str().unwrap().to_string(),
                e["code"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}
