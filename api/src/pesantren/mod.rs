//! Pesantren: the register's unit, its online registration, and its status.

pub mod endpoints;
pub mod model;
pub mod service;
pub mod status;

use utoipa_actix_web::service_config::ServiceConfig;

use crate::operation::op;
use endpoints::*;

pub use model::{PesantrenInput, PesantrenView, PublicPesantren};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(op(create_registration, __path_create_registration));
    cfg.service(
        utoipa_actix_web::scope("/pesantren")
            .service(op(create_pesantren, __path_create_pesantren))
            .service(op(list_pesantren, __path_list_pesantren))
            .service(op(get_pesantren, __path_get_pesantren))
            .service(op(update_pesantren, __path_update_pesantren))
            .service(op(patch_pesantren, __path_patch_pesantren))
            .service(op(verify_pesantren, __path_verify_pesantren))
            .service(op(suspend_pesantren, __path_suspend_pesantren)),
    );
}
