//! A partner's own listing of a published product on its marketplace: the
//! external id is the partner's business, the URL becomes a public buy link.
//! Every query here is keyed by the calling partner, so one partner can
//! never read or change another's listing.

pub mod endpoints;
pub mod model;
pub mod service;

use utoipa_actix_web::service_config::ServiceConfig;

use crate::operation::op;
use endpoints::*;

/// Routes under `/catalog` (the route table's scope).
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(op(put_catalog_listing, __path_put_catalog_listing))
        .service(op(patch_catalog_listing, __path_patch_catalog_listing))
        .service(op(get_catalog_listing, __path_get_catalog_listing))
        .service(op(delete_catalog_listing, __path_delete_catalog_listing));
}
