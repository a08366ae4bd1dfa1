//! Products of a pesantren, their curation, variants and batch updates.

pub mod batch;
pub mod curation;
pub mod endpoints;
pub mod model;
pub mod service;
pub mod variants;

use utoipa_actix_web::service_config::ServiceConfig;

use crate::operation::op;
use endpoints::*;

pub use model::{ProductInput, ProductView};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(
        utoipa_actix_web::scope("/products")
            .service(op(update_product_stock, __path_update_product_stock))
            .service(op(update_product_prices, __path_update_product_prices))
            .service(op(create_product, __path_create_product))
            .service(op(list_products, __path_list_products))
            .service(op(get_product, __path_get_product))
            .service(op(update_product, __path_update_product))
            .service(op(patch_product, __path_patch_product))
            .service(op(submit_product, __path_submit_product))
            .service(op(approve_product, __path_approve_product))
            .service(op(reject_product, __path_reject_product))
            .service(op(unlist_product, __path_unlist_product))
            .service(op(relist_product, __path_relist_product))
            .service(op(award_flagship, __path_award_flagship))
            .service(op(withdraw_flagship, __path_withdraw_flagship)),
    );
}
