//! The programme's targets, per province and year, which the figures
//! compare against.

pub mod endpoints;
pub mod model;
pub mod service;

use utoipa_actix_web::service_config::ServiceConfig;

use crate::operation::op;
use endpoints::*;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(
        utoipa_actix_web::scope("/targets")
            .service(op(list_targets, __path_list_targets))
            .service(op(put_targets, __path_put_targets))
            .service(op(patch_targets, __path_patch_targets)),
    );
}
