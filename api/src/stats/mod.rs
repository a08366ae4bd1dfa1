//! The programme's figures against its targets, by province.

pub mod csv;
pub mod endpoints;
pub mod model;
pub mod service;

use utoipa_actix_web::service_config::ServiceConfig;

use crate::operation::op;
use endpoints::*;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(
        utoipa_actix_web::scope("/stats")
            .service(op(get_stats_overview, __path_get_stats_overview)),
    );
}
