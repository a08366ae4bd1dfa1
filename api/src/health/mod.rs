//! Liveness and readiness probes.

pub mod endpoints;
pub mod model;
pub mod service;

use utoipa_actix_web::service_config::ServiceConfig;

use crate::operation::op;
use endpoints::*;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(
        utoipa_actix_web::scope("/health")
            .service(op(live, __path_live))
            .service(op(ready, __path_ready)),
    );
}
