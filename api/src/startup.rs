//! Building and running the server.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use actix_cors::Cors;
use actix_web::body::MessageBody;
use actix_web::dev::Server;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::error::InternalError;
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::http::KeepAlive;
use actix_web::middleware::{from_fn, Compress, ErrorHandlers, Next};
use actix_web::{web, App, HttpServer};
use sea_orm::DatabaseConnection;
use tracing_actix_web::TracingLogger;
use utoipa_actix_web::service_config::ServiceConfig;
use utoipa_swagger_ui::SwaggerUi;

use crate::auth::throttle::Throttle;
use crate::auth::token::JwtKeys;
use crate::auth::Authenticator;
use crate::config::Config;
use crate::error::{ApiError, Code};
use crate::feed::cache::CatalogCache;
use crate::replicas::Reads;
use crate::state::AppState;
use crate::storage::Storage;
use crate::vault::NikVault;
use crate::{db, http, openapi, routes};

pub struct Application {
    port: u16,
    server: Server,
    db: DatabaseConnection,
    background: Background,
}

/// The tasks an instance runs beside the server; they end with it.
struct Background {
    /// The certificate-expiry pass and the forgetting of old idempotency
    /// keys.
    tasks: Vec<tokio::task::JoinHandle<()>>,
    webhooks: Option<crate::webhooks::Deliverer>,
}

impl Background {
    async fn stop(self) {
        for task in self.tasks {
            task.abort();
            let _ = task.await;
        }
        if let Some(webhooks) = self.webhooks {
            webhooks.stop().await;
        }
    }
}

/// Stops a running [`Application`] from elsewhere (tests, embedding code);
/// SIGINT and SIGTERM do the same in the binary.
#[derive(Clone)]
pub struct StopHandle(actix_web::dev::ServerHandle);

impl StopHandle {
    /// Stops accepting and, when `graceful`, lets in-flight requests finish.
    /// [`Application::run_until_stopped`] then stops the background tasks
    /// and returns.
    pub async fn stop(&self, graceful: bool) {
        self.0.stop(graceful).await;
    }
}

impl Application {
    /// Connects, migrates, makes sure an admin exists and binds the listener
    /// (port 0 picks a free port, which tests use).
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        let db = db::connect(&config).await?;
        db::migrate(&db).await?;
        crate::feed::read_model::fill_at_start(&db).await?;
        let nik = Arc::new(config.nik_vault()?);
        crate::santri::rotation::seal_legacy(&db, &nik).await?;
        crate::regions::service::report_unknown_codes(&db).await;
        crate::auth::bootstrap::ensure_admin(&db, &config).await?;
        let reads = Reads::connect(&config, db.clone()).await?;
        Self::build_with_db(config, db, reads, nik)
    }

    /// Builds the server over an already migrated database.
    pub fn build_with_db(
        config: Config,
        db: DatabaseConnection,
        reads: Reads,
        nik: Arc<NikVault>,
    ) -> anyhow::Result<Self> {
        if config.jwt_secret_generated {
            tracing::warn!(
                "OPOP_JWT_SECRET is not set: using a random key, so tokens die with this process"
            );
        }
        crate::webhooks::install_crypto_provider();
        let listener = TcpListener::bind(config.bind)?;
        let port = listener.local_addr()?.port();
        let mut tasks = vec![crate::idempotency::spawn_expiry(
            db.clone(),
            crate::idempotency::EXPIRY_INTERVAL,
        )];
        if config.expiry_interval_secs > 0 {
            tasks.push(crate::feed::expiry::spawn(
                db.clone(),
                Duration::from_secs(config.expiry_interval_secs),
            ));
        }
        if config.retention.interval_secs > 0 {
            tasks.push(crate::santri::retention::spawn(
                db.clone(),
                config.retention,
            ));
        }
        // Images stored before uploads were re-encoded lose their metadata
        // (and unsafe ones are taken down) in the background, once.
        tasks.push(crate::images::stripping::spawn(
            db.clone(),
            Storage::from_config(&config)?,
            config.public_url.clone().unwrap_or_default(),
        ));
        let webhooks = if config.webhook_interval_ms > 0 {
            Some(crate::webhooks::spawn(
                db.clone(),
                crate::webhooks::Options::from_config(&config),
            )?)
        } else {
            None
        };
        tasks.extend(reads.spawn_watch());
        // A read from a replica may show the catalogue from before a change
        // for as long as the lag allowed, plus the watcher's sampling.
        let replica_lag = (!config.replica_urls.is_empty()).then(|| {
            Duration::from_millis(config.replica_max_lag_ms) + 2 * crate::replicas::WATCH_INTERVAL
        });
        let catalog = CatalogCache::new(config.catalog_cache_mb, replica_lag);
        tasks.extend(catalog.spawn_watch(db.clone()));
        let server = run(listener, config, db.clone(), reads, nik, catalog)?;
        Ok(Self {
            port,
            server,
            db,
            background: Background { tasks, webhooks },
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn db(&self) -> &DatabaseConnection {
        &self.db
    }

    /// A handle that stops the application.
    pub fn stop_handle(&self) -> StopHandle {
        StopHandle(self.server.handle())
    }

    /// Serves until SIGINT or SIGTERM (or [`StopHandle::stop`]), lets
    /// in-flight requests finish, then stops the background tasks.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let result = self.server.await;
        self.background.stop().await;
        result
    }
}

fn run(
    listener: TcpListener,
    config: Config,
    db: DatabaseConnection,
    reads: Reads,
    nik: Arc<NikVault>,
    catalog: CatalogCache,
) -> anyhow::Result<Server> {
    let workers = config.workers;
    let config = Arc::new(config);
    let keys = JwtKeys::new(&config.jwt_secret, config.access_token_ttl_secs);
    let state = web::Data::new(AppState {
        db: db.clone(),
        reads,
        catalog,
        keys: keys.clone(),
        throttle: Throttle::new(config.throttle),
        storage: Storage::from_config(&config)?,
        config: config.clone(),
        nik,
    });
    let authenticator = web::Data::new(Authenticator { db, keys });
    let partner_limits = web::Data::new(crate::ratelimit::PartnerLimits::new(config.partner_rate));
    // Shared by every worker: one set of counters and buckets per instance.
    let metrics = web::Data::new(crate::metrics::Metrics::new(config.db_max_connections)?);
    let public_limits = web::Data::new(crate::ratelimit::PublicLimits::new(
        config.public_rate,
        config.trusted_proxies.clone(),
    ));
    let timeout = RequestTimeout(
        (config.request_timeout_secs > 0).then(|| Duration::from_secs(config.request_timeout_secs)),
    );
    // Generated once, and served as generated; its paths are also the table
    // that tells a method a path does not serve (405) from a path that does
    // not exist (404).
    let doc = openapi::document()?;
    let route_table = web::Data::new(openapi::route_table(&doc));
    let mut server = HttpServer::new(move || {
        let cors = config
            .cors_origins
            .iter()
            .fold(Cors::default(), |cors, origin| cors.allowed_origin(origin))
            .allow_any_method()
            .allow_any_header()
            .expose_headers([
                "ETag",
                "Location",
                "Retry-After",
                "X-Request-Id",
                "RateLimit-Limit",
                "RateLimit-Remaining",
                "RateLimit-Reset",
                "RateLimit-Policy",
                "Idempotent-Replayed",
                "X-Next-Cursor",
                "X-Has-More",
            ])
            .max_age(3600);
        App::new()
            .app_data(state.clone())
            .app_data(authenticator.clone())
            .app_data(partner_limits.clone())
            .app_data(route_table.clone())
            .app_data(metrics.clone())
            .app_data(public_limits.clone())
            .app_data(timeout)
            .app_data(http::path_config())
            .app_data(web::PayloadConfig::new(config.body_limit))
            .configure(|cfg| {
                let mut cfg = ServiceConfig::new(cfg);
                routes::routes(&mut cfg);
            })
            .service(
                SwaggerUi::new("/docs/{_:.*}")
                    .url("/api-docs/openapi.json", doc.clone())
                    .config(
                        utoipa_swagger_ui::Config::default()
                            // Otherwise Swagger UI fetches a badge from the internet.
                            .validator_url("none")
                            .persist_authorization(true)
                            .display_operation_id(true),
                    ),
            )
            .service(web::redirect("/docs", "/docs/"))
            // For the operators' scraper, not API clients: outside /api and
            // outside the OpenAPI document (see `metrics`).
            .route("/metrics", web::get().to(crate::metrics::serve))
            .default_service(web::to(http::unmatched))
            // Innermost first. The public rate limit sits inside
            // `ErrorHandlers`, so its refusals get a request id; the time
            // limit answers with an error, which puts the id in itself.
            .wrap(from_fn(time_limit))
            // Outside the time limit: a write cut off by it may still
            // have committed.
            .wrap(from_fn(forget_catalogue_after_writes))
            .wrap(from_fn(crate::ratelimit::public))
            .wrap(from_fn(crate::ratelimit::headers))
            .wrap(ErrorHandlers::new().default_handler(http::normalise_error))
            .wrap(Compress::default())
            .wrap(cors)
            // Outside CORS, so that its own answers (preflights) have them too.
            .wrap(from_fn(security_headers))
            .wrap(from_fn(request_id_header))
            // Inside the tracing span, so its access line has the request id.
            .wrap(from_fn(crate::metrics::record))
            .wrap(TracingLogger::<crate::telemetry::RootSpan>::new())
    })
    .listen(listener)?
    // Slow clients: the request head must arrive within 10 s (slowloris),
    // and an idle connection is closed after 75 s, longer than the usual
    // load balancer idle timeout (60 s) so the balancer closes first.
    .client_request_timeout(Duration::from_secs(10))
    .client_disconnect_timeout(Duration::from_secs(5))
    .keep_alive(KeepAlive::Timeout(Duration::from_secs(75)))
    .shutdown_timeout(30);
    if let Some(n) = workers {
        server = server.workers(n);
    }
    Ok(server.run())
}

/// Sends the request id (the one in logs and error bodies) as `X-Request-Id`.
async fn request_id_header(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    use actix_web::HttpMessage;
    let id = req
        .extensions()
        .get::<tracing_actix_web::RequestId>()
        .and_then(|id| HeaderValue::from_str(&id.to_string()).ok());
    let add = |h: &mut header::HeaderMap| {
        if let Some(id) = id {
            h.insert(HeaderName::from_static("x-request-id"), id);
        }
    };
    with_headers(next.call(req).await, add)
}

/// Applies `add` to the headers of an answer, or of the answer an error
/// raised by a middleware (the time limit, CORS) will become.
///
/// Such an error has no request to make a [`ServiceResponse`] with: a
/// middleware cannot keep a copy of the request across the call, since
/// actix's router needs to own it to record the matched path. So the error
/// is turned into its answer here and carried on as an error with a ready
/// answer.
fn with_headers<B>(
    result: Result<ServiceResponse<B>, actix_web::Error>,
    add: impl FnOnce(&mut header::HeaderMap),
) -> Result<ServiceResponse<B>, actix_web::Error> {
    match result {
        Ok(mut res) => {
            add(res.headers_mut());
            Ok(res)
        }
        Err(e) => {
            let mut res = e.error_response();
            add(res.headers_mut());
            Err(InternalError::from_response(e, res).into())
        }
    }
}

/// The time a request may take to be answered; `None` for no limit.
#[derive(Clone, Copy)]
pub struct RequestTimeout(pub Option<Duration>);

/// Middleware: answers 503 problem+json with `Retry-After` when the rest of
/// the stack has not produced an answer in time, and drops the work (a
/// database transaction in progress rolls back when dropped). Only the
/// answer's head is timed: a long download is not cut off.
pub async fn time_limit(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let Some(limit) = req.app_data::<RequestTimeout>().and_then(|t| t.0) else {
        return next.call(req).await;
    };
    // What the answer needs of the request is taken first: the request
    // itself goes into the stack, whose router must own it.
    let lang = http::request_lang(req.request());
    let request_id = http::request_id(req.request());
    match tokio::time::timeout(limit, next.call(req)).await {
        Ok(res) => res,
        Err(_) => {
            tracing::warn!(limit_secs = limit.as_secs_f64(), "request timed out");
            let err = ApiError::new(Code::RequestTimedOut).retry_after(1);
            // The error handlers, which write problems in the caller's
            // language with the request id, see answers, not errors: this
            // one is written here.
            let res = err.response(lang, request_id);
            Err(InternalError::from_response(err, res).into())
        }
    }
}

/// Middleware: after a request that may have written (unless it was
/// refused with a 4xx), the catalogue answers kept in memory are not served again, so a
/// caller reading right after its own write reads it (`feed::cache`).
pub async fn forget_catalogue_after_writes(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let writes = !req.method().is_safe();
    let cache = writes
        .then(|| {
            req.app_data::<web::Data<AppState>>()
                .map(|s| s.catalog.clone())
        })
        .flatten();
    let res = next.call(req).await;
    // A refused request (4xx) changed nothing, and flushing for it would
    // let anyone empty the cache with junk requests; a timeout (an error
    // here) may have committed, so it counts.
    let refused = res.as_ref().is_ok_and(|r| r.status().is_client_error());
    if let Some(cache) = cache.filter(|_| !refused) {
        cache.changed();
    }
    res
}

/// What a JSON API's answers may load or be framed by: nothing.
const API_CSP: &str = "default-src 'none'; frame-ancestors 'none'";
/// Swagger UI at /docs loads its scripts, styles and the document from this
/// same origin, sets inline styles and uses data: images; nothing else.
const DOCS_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/// Middleware: the security headers of every answer, errors included.
async fn security_headers(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let hsts = req
        .app_data::<web::Data<AppState>>()
        .map(|s| s.config.hsts_max_age_secs)
        .filter(|&secs| secs > 0)
        .and_then(|secs| HeaderValue::from_str(&format!("max-age={secs}; includeSubDomains")).ok());
    let path = req.path();
    let csp = if path == "/docs" || path.starts_with("/docs/") {
        DOCS_CSP
    } else {
        API_CSP
    };
    // Product images are embedded by marketplaces and other sites;
    // everything else is for this origin or for CORS requests, which
    // Cross-Origin-Resource-Policy does not apply to.
    let corp = if path.starts_with("/api/v1/images/") {
        "cross-origin"
    } else {
        "same-origin"
    };
    let add = |h: &mut header::HeaderMap| {
        for (name, value) in [
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            (header::X_FRAME_OPTIONS, "DENY"),
            (header::REFERRER_POLICY, "no-referrer"),
            (header::CONTENT_SECURITY_POLICY, csp),
            (
                HeaderName::from_static("cross-origin-resource-policy"),
                corp,
            ),
        ] {
            if !h.contains_key(&name) {
                h.insert(name, HeaderValue::from_static(value));
            }
        }
        if let Some(hsts) = hsts {
            h.insert(header::STRICT_TRANSPORT_SECURITY, hsts);
        }
    };
    with_headers(next.call(req).await, add)
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::{test, HttpResponse};

    async fn slow() -> HttpResponse {
        tokio::time::sleep(Duration::from_secs(5)).await;
        HttpResponse::Ok().finish()
    }

    #[actix_web::test]
    async fn a_request_over_the_time_limit_is_answered_503_with_retry_after() {
        let app = test::init_service(
            App::new()
                .app_data(RequestTimeout(Some(Duration::from_millis(100))))
                .route("/slow", web::get().to(slow))
                .route("/fast", web::get().to(HttpResponse::NoContent))
                .wrap(from_fn(time_limit)),
        )
        .await;
        let started = std::time::Instant::now();
        let err = test::try_call_service(&app, test::TestRequest::get().uri("/slow").to_request())
            .await
            .err()
            .expect("the slow request must be cut off");
        assert!(started.elapsed() < Duration::from_secs(2));
        let res = err.error_response();
        assert_eq!(res.status(), 503);
        assert_eq!(res.headers().get(header::RETRY_AFTER).unwrap(), "1");
        assert_eq!(
            res.headers().get(header::CONTENT_TYPE).unwrap(),
            crate::error::PROBLEM_JSON
        );
        let res =
            test::call_service(&app, test::TestRequest::get().uri("/fast").to_request()).await;
        assert_eq!(res.status(), 204);
    }
}
