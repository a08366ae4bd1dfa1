//! Enterprises run by alumni (sociopreneurs and santri businesses).

pub mod endpoints;
pub mod model;
pub mod service;

use utoipa_actix_web::service_config::ServiceConfig;

use crate::operation::op;
use endpoints::*;

/// Full paths under `/api/v1`, registered before the `/santri` scope.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(op(list_enterprises, __path_list_enterprises))
        .service(op(create_enterprise, __path_create_enterprise));
}
