//! Programme activities: trainings (pelatihan), internships (magang),
//! camps (Santri OPOP Camp), expos (OPOP Expo), business matchings (temu
//! bisnis) and mentoring clinics. Each is run by the staff of one province
//! through the states of [`status`]; the managers of that province see
//! them and enrol their pesantren (`participants`); deals are recorded on
//! expos and business matchings (`deals`); public ones are listed for
//! everyone at `/catalog/events`.

pub mod endpoints;
pub mod model;
pub mod service;
pub mod status;

use utoipa_actix_web::service_config::ServiceConfig;

use crate::operation::op;
use endpoints::*;

pub use model::ActivityView;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(
        utoipa_actix_web::scope("/activities")
            .service(op(create_activity, __path_create_activity))
            .service(op(list_activities, __path_list_activities))
            .service(op(get_activity, __path_get_activity))
            .service(op(update_activity, __path_update_activity))
            .service(op(patch_activity, __path_patch_activity))
            .service(op(open_activity, __path_open_activity))
            .service(op(close_activity, __path_close_activity))
            .service(op(complete_activity, __path_complete_activity))
            .service(op(cancel_activity, __path_cancel_activity)),
    );
}

/// Routes under `/catalog` (the scope is the route table's).
pub fn configure_catalog(cfg: &mut ServiceConfig) {
    cfg.service(op(list_events, __path_list_events))
        .service(op(get_event, __path_get_event));
}
