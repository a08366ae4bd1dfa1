//! Prometheus metrics at `GET /metrics`: requests and their latency by route
//! template and status, and the database pool's use.
//!
//! Routes are labelled with the template they matched
//! (`/api/v1/products/{id}`), never the raw path, so the number of series
//! stays bounded whatever paths clients send; paths that match no route share
//! one label. Each [`crate::startup::Application`] has its own registry, so
//! two servers in one process (tests) do not mix their counts.
//!
//! `/metrics` is served only when `OPOP_METRICS_TOKEN` is set, and then only
//! to `Authorization: Bearer <token>`: the figures tell an outsider the
//! traffic and the routes in use, which is not theirs to read. It is not part
//! of the OpenAPI document, which describes the API for its clients, not the
//! operators' scraping endpoint.

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{header, Method};
use actix_web::middleware::Next;
use actix_web::{web, HttpRequest, HttpResponse};
use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounterVec, IntGauge, IntGaugeVec, Opts, Registry,
    TextEncoder,
};
use sea_orm::{DatabaseConnection, DatabaseConnectionType};
use sha2::{Digest, Sha256};

use crate::error::{ApiError, Code};
use crate::state::AppState;

/// The label of requests that matched no route.
const UNMATCHED: &str = "unmatched";

/// The collectors of one application.
pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    pool_connections: IntGaugeVec,
    pool_max: IntGauge,
}

impl Metrics {
    pub fn new(max_connections: u32) -> Result<Self, prometheus::Error> {
        let registry = Registry::new();
        let requests = IntCounterVec::new(
            Opts::new("opop_http_requests_total", "HTTP requests answered."),
            &["method", "route", "status"],
        )?;
        let latency = HistogramVec::new(
            HistogramOpts::new(
                "opop_http_request_duration_seconds",
                "Time from the request to its answer's headers, in seconds.",
            )
            .buckets(vec![
                0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
            ]),
            &["method", "route"],
        )?;
        let pool_connections = IntGaugeVec::new(
            Opts::new(
                "opop_db_pool_connections",
                "Database connections held by this instance's pool, by state (in_use, idle).",
            ),
            &["state"],
        )?;
        let pool_max = IntGauge::new(
            "opop_db_pool_max_connections",
            "The most database connections this instance's pool may open.",
        )?;
        pool_max.set(i64::from(max_connections));
        registry.register(Box::new(requests.clone()))?;
        registry.register(Box::new(latency.clone()))?;
        registry.register(Box::new(pool_connections.clone()))?;
        registry.register(Box::new(pool_max.clone()))?;
        Ok(Self {
            registry,
            requests,
            latency,
            pool_connections,
            pool_max,
        })
    }

    fn observe(&self, method: &Method, route: &str, status: u16, seconds: f64) {
        let method = method_label(method);
        self.requests
            .with_label_values(&[method, route, &status.to_string()])
            .inc();
        self.latency
            .with_label_values(&[method, route])
            .observe(seconds);
    }

    /// The text exposition, with the pool gauges read now.
    pub fn render(&self, db: &DatabaseConnection) -> Result<String, ApiError> {
        if let Some((size, idle, max)) = pool_use(db) {
            self.pool_connections
                .with_label_values(&["in_use"])
                .set(i64::from(size.saturating_sub(idle)));
            self.pool_connections
                .with_label_values(&["idle"])
                .set(i64::from(idle));
            self.pool_max.set(i64::from(max));
        }
        let mut out = Vec::new();
        TextEncoder::new()
            .encode(&self.registry.gather(), &mut out)
            .map_err(ApiError::internal)?;
        String::from_utf8(out).map_err(ApiError::internal)
    }
}

/// Connections open, idle and allowed in the pool.
fn pool_use(db: &DatabaseConnection) -> Option<(u32, u32, u32)> {
    // The getters panic on the other backend, hence the match first.
    match &db.inner {
        DatabaseConnectionType::SqlxPostgresPoolConnection(_) => {
            let pool = db.get_postgres_connection_pool();
            Some((
                pool.size(),
                u32::try_from(pool.num_idle()).unwrap_or(u32::MAX),
                pool.options().get_max_connections(),
            ))
        }
        DatabaseConnectionType::SqlxSqlitePoolConnection(_) => {
            let pool = db.get_sqlite_connection_pool();
            Some((
                pool.size(),
                u32::try_from(pool.num_idle()).unwrap_or(u32::MAX),
                pool.options().get_max_connections(),
            ))
        }
        _ => None,
    }
}

/// Standard methods by name; anything else (a client can send any token)
/// shares one label.
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// Middleware: counts every answer and its latency under its route template,
/// and writes the one access line of the request (target `opop::access`, at
/// `info`: method, route template, path without the query, status, caller
/// id, latency; silence it with `RUST_LOG=info,opop::access=off`). It runs
/// inside the request's span, so the line carries the request id.
pub async fn record(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let metrics = req.app_data::<web::Data<Metrics>>().cloned();
    let method = req.method().clone();
    let route = req.match_pattern();
    let path = tracing::enabled!(target: "opop::access", tracing::Level::INFO)
        .then(|| req.path().to_string());
    let result = next.call(req).await;
    let status = match &result {
        Ok(res) => res.status().as_u16(),
        Err(e) => e.as_response_error().status_code().as_u16(),
    };
    // The caller's id (a user's or partner's), from the principal the
    // guard put in the request; never a name or a token.
    let caller = match &result {
        Ok(res) => {
            use actix_web::HttpMessage;
            res.request()
                .extensions()
                .get::<crate::auth::Principal>()
                .and_then(|p| match p {
                    crate::auth::Principal::User(u) => Some(u.id.to_string()),
                    crate::auth::Principal::Partner(p) => Some(p.id.to_string()),
                    crate::auth::Principal::Anonymous => None,
                })
        }
        Err(_) => None,
    };
    let elapsed = started.elapsed();
    let route = route.as_deref().unwrap_or(UNMATCHED);
    if let Some(metrics) = metrics {
        metrics.observe(&method, route, status, elapsed.as_secs_f64());
    }
    tracing::info!(
        target: "opop::access",
        method = method.as_str(),
        route,
        path = path.as_deref().unwrap_or_default(),
        status,
        caller = caller.as_deref().unwrap_or("-"),
        latency_ms = elapsed.as_secs_f64() * 1000.0,
        "request"
    );
    result
}

/// `GET /metrics`: 404 unless a token is configured, 401 without it.
pub async fn serve(
    req: HttpRequest,
    state: web::Data<AppState>,
    metrics: web::Data<Metrics>,
) -> Result<HttpResponse, ApiError> {
    let Some(expected) = state.config.metrics_token.as_deref() else {
        return Err(ApiError::new(Code::RequestNotFound).with("path", req.path()));
    };
    let presented = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    if !presented.is_some_and(|p| token_matches(p, expected)) {
        return Err(ApiError::new(Code::MetricsTokenInvalid));
    }
    Ok(HttpResponse::Ok()
        .content_type(prometheus::TEXT_FORMAT)
        .body(metrics.render(&state.db)?))
}

/// Compares digests, so the time taken says nothing about how much of the
/// token was right.
fn token_matches(presented: &str, expected: &str) -> bool {
    Sha256::digest(presented.as_bytes()) == Sha256::digest(expected.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_counted_by_template_and_status() {
        let m = Metrics::new(7).unwrap();
        m.observe(&Method::GET, "/api/v1/products/{id}", 200, 0.003);
        m.observe(&Method::GET, "/api/v1/products/{id}", 200, 0.004);
        m.observe(&Method::from_bytes(b"BREW").unwrap(), UNMATCHED, 404, 0.001);
        let mut out = Vec::new();
        TextEncoder::new()
            .encode(&m.registry.gather(), &mut out)
            .unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains(
            r#"opop_http_requests_total{method="GET",route="/api/v1/products/{id}",status="200"} 2"#
        ));
        assert!(text.contains(
            r#"opop_http_requests_total{method="other",route="unmatched",status="404"} 1"#
        ));
        assert!(text.contains("opop_db_pool_max_connections 7"));
    }

    #[test]
    fn tokens_match_only_exactly() {
        assert!(token_matches("abc", "abc"));
        assert!(!token_matches("abd", "abc"));
        assert!(!token_matches("", "abc"));
    }
}
