//! E-commerce partners and off-takers: machine clients of the catalogue.

pub mod endpoints;
pub mod model;
pub mod service;

use utoipa_actix_web::service_config::ServiceConfig;

use crate::operation::op;
use endpoints::*;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(
        utoipa_actix_web::scope("/partners")
            .service(op(create_partner, __path_create_partner))
            .service(op(list_partners, __path_list_partners)),
    );
}
