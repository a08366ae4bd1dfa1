//! Entries of competitions and the jurors' scores of them.

pub mod endpoints;
pub mod model;
pub mod service;

use utoipa_actix_web::service_config::ServiceConfig;

use crate::operation::op;
use endpoints::*;

/// Full paths under `/api/v1`, registered before the `/competitions` scope.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(op(list_entries, __path_list_entries))
        .service(op(create_entry, __path_create_entry))
        .service(op(get_entry, __path_get_entry))
        .service(op(advance_entry, __path_advance_entry))
        .service(op(eliminate_entry, __path_eliminate_entry))
        .service(op(score_entry, __path_score_entry));
}
