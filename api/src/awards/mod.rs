//! Awards of competitions, the payments (tranches) of their grants, and
//! the public list of winners.

pub mod endpoints;
pub mod model;
pub mod service;

use utoipa_actix_web::service_config::ServiceConfig;

use crate::operation::op;
use endpoints::*;

/// Full paths under `/api/v1`, registered before the `/competitions` scope.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(op(create_award, __path_create_award))
        .service(op(list_awards, __path_list_awards))
        .service(op(get_award, __path_get_award))
        .service(op(create_disbursement, __path_create_disbursement));
}

/// Routes under `/catalog` (the scope is the route table's).
pub fn configure_catalog(cfg: &mut ServiceConfig) {
    cfg.service(op(list_winners, __path_list_winners))
        .service(op(get_winner, __path_get_winner));
}
