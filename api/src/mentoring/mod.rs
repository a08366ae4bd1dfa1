//! Mentoring (pendampingan): mentors from campuses assigned to pesantren
//! for a period, and the sessions they hold. A mentor's view of the
//! register is the scope rule `MentorSees` of `auth::scope`.

pub mod endpoints;
pub mod model;
pub mod service;

use utoipa_actix_web::service_config::ServiceConfig;

use crate::operation::op;
use endpoints::*;

/// Full paths under `/api/v1`; the sessions before the `/pesantren` scope.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(op(create_assignment, __path_create_assignment))
        .service(op(list_assignments, __path_list_assignments))
        .service(op(delete_assignment, __path_delete_assignment))
        .service(op(list_mentoring_sessions, __path_list_mentoring_sessions))
        .service(op(
            create_mentoring_session,
            __path_create_mentoring_session,
        ));
}
