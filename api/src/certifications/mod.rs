//! Certificates of a product and their review.

pub mod endpoints;
pub mod model;
pub mod review;
pub mod service;

use utoipa_actix_web::service_config::ServiceConfig;

use crate::operation::op;
use endpoints::*;

pub use model::CertificationView;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(op(create_certification, __path_create_certification))
        .service(op(
            list_product_certifications,
            __path_list_product_certifications,
        ))
        .service(op(list_certifications, __path_list_certifications))
        .service(op(get_certification, __path_get_certification))
        .service(op(update_certification, __path_update_certification))
        .service(op(patch_certification, __path_patch_certification))
        .service(op(delete_certification, __path_delete_certification))
        .service(op(verify_certification, __path_verify_certification))
        .service(op(reject_certification, __path_reject_certification));
}
