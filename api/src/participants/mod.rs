//! The pesantren enrolled in an activity, the santri they send, and their
//! attendance. Places are held by the database (see `service`).

pub mod endpoints;
pub mod model;
pub mod service;

use utoipa_actix_web::service_config::ServiceConfig;

use crate::operation::op;
use endpoints::*;

/// Full paths under `/api/v1`, registered before the `/activities` scope,
/// which would otherwise take them.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(op(list_participants, __path_list_participants))
        .service(op(enrol_participant, __path_enrol_participant))
        .service(op(withdraw_participant, __path_withdraw_participant))
        .service(op(put_attendance, __path_put_attendance))
        .service(op(patch_attendance, __path_patch_attendance));
}
