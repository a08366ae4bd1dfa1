//! Liveness and readiness probes for load balancers and orchestrators.

use actix_web::{get, web, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::error::ApiError;
use crate::startup::AppState;

#[derive(Serialize, ToSchema)]
pub struct HealthStatus {
    /// `ok` when healthy.
    #[schema(example = "ok")]
    pub status: &'static str,
}

/// Whether the process is up.
///
/// Answers 200 as long as the process serves HTTP; it does not touch the database.
#[utoipa::path(
    operation_id = "get_liveness",
    tag = "health",
    responses((status = 200, description = "The process is up.", body = HealthStatus))
)]
#[get("/live")]
async fn live() -> HttpResponse {
    HttpResponse::Ok().json(HealthStatus { status: "ok" })
}

/// Whether the process can serve requests: the database answers.
///
/// Answers 503 (problem+json, with `Retry-After`) while the database cannot be reached.
#[utoipa::path(
    operation_id = "get_readiness",
    tag = "health",
    responses(
        (status = 200, description = "The database answers.", body = HealthStatus),
        (status = 503, description = "The database cannot be reached.", body = crate::error::Problem, content_type = "application/problem+json")
    )
)]
#[get("/ready")]
async fn ready(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    if crate::db::ping(&state.db).await {
        Ok(HttpResponse::Ok().json(HealthStatus { status: "ok" }))
    } else {
        Err(ApiError::Unavailable)
    }
}

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(
        utoipa_actix_web::scope("/health")
            .service(live)
            .service(ready),
    );
}
