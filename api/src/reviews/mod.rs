//! The review history of products, certificates and pesantren: every
//! decision of their state machines (`products::curation`,
//! `certifications::review`, `pesantren::status`) kept as a row of its own,
//! written by [`service::record`] in the decision's transaction, and read
//! newest first at `/{products,certifications,pesantren}/{id}/reviews`.
//! The `rejection_reason` fields of products and certificates still hold
//! the latest reason; this is where the earlier ones stay.

pub mod endpoints;
pub mod model;
pub mod service;

use utoipa_actix_web::service_config::ServiceConfig;

use crate::operation::op;
use endpoints::*;

pub use model::ReviewView;

/// Full paths under `/api/v1`, registered before the `/pesantren` and
/// `/products` scopes, which would otherwise take them.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(op(list_product_reviews, __path_list_product_reviews))
        .service(op(
            list_certification_reviews,
            __path_list_certification_reviews,
        ))
        .service(op(list_pesantren_reviews, __path_list_pesantren_reviews));
}
