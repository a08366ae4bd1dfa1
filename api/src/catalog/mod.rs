//! The public catalogue of published products, and the change feed that
//! marketplaces mirror it by.

pub mod endpoints;
pub mod model;
pub mod service;

use utoipa_actix_web::service_config::ServiceConfig;

use crate::operation::op;
use endpoints::*;

/// Routes under `/catalog` (the scope is the route table's, shared with
/// listings and orders).
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(op(list_catalog_products, __path_list_catalog_products))
        .service(op(get_catalog_product, __path_get_catalog_product))
        .service(op(list_catalog_changes, __path_list_catalog_changes));
}
