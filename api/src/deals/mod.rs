//! Deals (transactions, contracts, commitments) made at business matchings
//! and expos: what the secretariat reports as the value of temu bisnis.

pub mod endpoints;
pub mod model;
pub mod service;

use utoipa_actix_web::service_config::ServiceConfig;

use crate::operation::op;
use endpoints::*;

/// Full paths under `/api/v1`, registered before the `/activities` scope.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(op(list_deals, __path_list_deals))
        .service(op(record_deal, __path_record_deal))
        .service(op(get_deal, __path_get_deal))
        .service(op(confirm_deal, __path_confirm_deal));
}
