//! Koperasi pondok pesantren (kopontren): the cooperative through which a
//! pesantren sells. One per pesantren; admins of its province and the
//! pesantren's own managers keep it, curators read it, and everyone else
//! sees the basic profile of the koperasi of verified pesantren.
//!
//! What the public sees: the profile (name, province, members, business
//! units) and the two legal identifiers, the NIB and the number of the deed
//! of establishment. Both are public registrations (OSS publishes NIBs, and
//! a cooperative's legal-entity status is announced by the government), and
//! they are what a buyer checks to know that the seller is a legal body.
//! The bookkeeping fields (`created_at`, `updated_at`, `version`) are shown
//! only to callers whose scope covers the koperasi, who are the ones that
//! edit or review it.

pub mod endpoints;
pub mod model;
pub mod service;

use utoipa_actix_web::service_config::ServiceConfig;

use crate::operation::op;
use endpoints::*;

pub use model::KoperasiView;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(
        utoipa_actix_web::scope("/koperasi")
            .service(op(create_koperasi, __path_create_koperasi))
            .service(op(list_koperasi, __path_list_koperasi))
            .service(op(get_koperasi, __path_get_koperasi))
            .service(op(update_koperasi, __path_update_koperasi))
            .service(op(patch_koperasi, __path_patch_koperasi))
            .service(op(delete_koperasi, __path_delete_koperasi)),
    );
}
