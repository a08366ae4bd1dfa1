//! `/health`: liveness and readiness probes for load balancers and
//! orchestrators. They read no token: a probe never needs one.

use actix_web::{web, HttpResponse};

use super::model::HealthStatus;
use super::service;
use crate::auth::Open;
use crate::error::ApiResult;
use crate::state::AppState;

/// Whether the process is up.
///
/// Answers 200 as long as the process serves HTTP; it does not touch the database.
#[utoipa::path(
    get,
    path = "/live",
    operation_id = "get_liveness",
    tag = "health",
    responses((status = 200, description = "The process is up.", body = HealthStatus))
)]
pub(super) async fn live(_: Open) -> HttpResponse {
    HttpResponse::Ok().json(HealthStatus::OK)
}

/// Whether the process can serve requests: the database answers.
///
/// Answers 503 (problem+json, with `Retry-After`) while the database cannot be reached.
#[utoipa::path(
    get,
    path = "/ready",
    operation_id = "get_readiness",
    tag = "health",
    responses(
        (status = 200, description = "The database answers.", body = HealthStatus),
        (status = 503, description = "The database cannot be reached.")
    )
)]
pub(super) async fn ready(_: Open, state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    service::ready(&state.db).await?;
    Ok(HttpResponse::Ok().json(HealthStatus::OK))
}
