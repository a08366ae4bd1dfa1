//! `GET /api/v1/audit`: the audit trail (written by `crate::audit`) as
//! admins and inspectors read it.

mod csv;
pub mod endpoints;
pub mod model;
pub mod service;

use utoipa_actix_web::service_config::ServiceConfig;

use crate::operation::op;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(
        utoipa_actix_web::scope("/audit")
            .service(op(endpoints::list_audit, endpoints::__path_list_audit)),
    );
}
