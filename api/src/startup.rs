//! Building and running the server.

use std::net::TcpListener;
use std::sync::Arc;

use actix_cors::Cors;
use actix_web::dev::Server;
use actix_web::middleware::{Compress, DefaultHeaders, ErrorHandlers};
use actix_web::{web, App, HttpServer};
use sea_orm::DatabaseConnection;
use tracing_actix_web::TracingLogger;
use utoipa_actix_web::service_config::ServiceConfig;
use utoipa_swagger_ui::SwaggerUi;

use crate::auth::throttle::Throttle;
use crate::auth::token::JwtKeys;
use crate::config::Config;
use crate::{db, health, http, openapi};

/// What every handler may reach.
pub struct AppState {
    pub db: DatabaseConnection,
    pub config: Arc<Config>,
    pub keys: JwtKeys,
    pub throttle: Throttle,
    pub partner_limits: crate::ratelimit::PartnerLimits,
}

/// Every documented route. The OpenAPI document is generated from this same
/// function, so what is served and what is documented cannot drift apart.
pub fn routes(cfg: &mut ServiceConfig) {
    health::configure(cfg);
    cfg.service(
        utoipa_actix_web::scope("/api/v1")
            .configure(crate::auth::endpoints::configure)
            .configure(crate::users::configure)
            // Before `partners`: `/partners/me/webhook` belongs to webhooks.
            .configure(crate::webhooks::configure)
            .configure(crate::partners::configure)
            // Before `pesantren`: actix gives a path to the first scope whose
            // prefix matches, and `/pesantren/{id}/santri` belongs to santri.
            .configure(crate::santri::configure)
            .configure(crate::pesantren::configure)
            .configure(crate::koperasi::configure)
            // Before `products`: `/products/{id}/certifications` and
            // `/products/{id}/images` belong to their own modules.
            .configure(crate::certifications::configure)
            .configure(crate::images::configure)
            .configure(crate::products::configure)
            .configure(crate::stats::configure)
            .configure(crate::catalog::configure),
    );
}

pub struct Application {
    port: u16,
    server: Server,
    db: DatabaseConnection,
    background: Background,
}

/// The tasks an instance runs beside the server; they end with it.
struct Background {
    expiry: Option<tokio::task::JoinHandle<()>>,
    webhooks: Option<crate::webhooks::Deliverer>,
}

impl Background {
    async fn stop(self) {
        if let Some(expiry) = self.expiry {
            expiry.abort();
            let _ = expiry.await;
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
        crate::auth::bootstrap::ensure_admin(&db, &config).await?;
        Self::build_with_db(config, db)
    }

    /// Builds the server over an already migrated database.
    pub fn build_with_db(config: Config, db: DatabaseConnection) -> anyhow::Result<Self> {
        if config.jwt_secret_generated {
            tracing::warn!(
                "OPOP_JWT_SECRET is not set: using a random key, so tokens die with this process"
            );
        }
        crate::webhooks::install_crypto_provider();
        let listener = TcpListener::bind(config.bind)?;
        let port = listener.local_addr()?.port();
        let expiry = (config.expiry_interval_secs > 0).then(|| {
            crate::catalog::expiry::spawn(
                db.clone(),
                std::time::Duration::from_secs(config.expiry_interval_secs),
            )
        });
        let webhooks = if config.webhook_interval_ms > 0 {
            Some(crate::webhooks::spawn(
                db.clone(),
                crate::webhooks::Options::from_config(&config),
            )?)
        } else {
            None
        };
        let server = run(listener, config, db.clone())?;
        Ok(Self {
            port,
            server,
            db,
            background: Background { expiry, webhooks },
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

fn run(listener: TcpListener, config: Config, db: DatabaseConnection) -> anyhow::Result<Server> {
    let workers = config.workers;
    let config = Arc::new(config);
    let state = web::Data::new(AppState {
        db,
        keys: JwtKeys::new(&config.jwt_secret, config.access_token_ttl_secs),
        throttle: Throttle::new(config.throttle),
        partner_limits: crate::ratelimit::PartnerLimits::new(config.partner_rate),
        config: config.clone(),
    });
    // Generated once, and served as generated.
    let doc = openapi::document()?;
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
            ])
            .max_age(3600);
        App::new()
            .app_data(state.clone())
            .app_data(http::json_config(config.body_limit))
            .app_data(http::path_config())
            .app_data(http::query_config())
            .app_data(web::PayloadConfig::new(config.body_limit))
            .configure(|cfg| {
                let mut cfg = ServiceConfig::new(cfg);
                routes(&mut cfg);
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
            .default_service(web::to(http::not_found))
            .wrap(actix_web::middleware::from_fn(crate::ratelimit::headers))
            .wrap(ErrorHandlers::new().default_handler(http::normalise_error))
            .wrap(
                DefaultHeaders::new()
                    .add(("X-Content-Type-Options", "nosniff"))
                    .add(("X-Frame-Options", "DENY"))
                    .add(("Referrer-Policy", "no-referrer")),
            )
            .wrap(Compress::default())
            .wrap(cors)
            .wrap(actix_web::middleware::from_fn(request_id_header))
            .wrap(TracingLogger::default())
    })
    .listen(listener)?
    .shutdown_timeout(30);
    if let Some(n) = workers {
        server = server.workers(n);
    }
    Ok(server.run())
}

/// Sends the request id (the one in logs and error bodies) as `X-Request-Id`.
async fn request_id_header(
    req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody>,
) -> Result<actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>, actix_web::Error> {
    use actix_web::HttpMessage;
    let id = req
        .extensions()
        .get::<tracing_actix_web::RequestId>()
        .map(|id| id.to_string());
    let mut res = next.call(req).await?;
    if let Some(id) = id.and_then(|id| actix_web::http::header::HeaderValue::from_str(&id).ok()) {
        res.headers_mut().insert(
            actix_web::http::header::HeaderName::from_static("x-request-id"),
            id,
        );
    }
    Ok(res)
}
