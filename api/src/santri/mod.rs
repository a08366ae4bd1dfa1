//! Santri (students and alumni) of a pesantren.

pub mod endpoints;
pub mod erasure;
pub mod model;
pub mod retention;
pub mod rotation;
pub mod service;

use utoipa_actix_web::service_config::ServiceConfig;

use crate::operation::op;
use endpoints::*;

pub use model::SantriView;

/// The collection routes sit under `/pesantren/{id}` but are registered here
/// with their full paths; `crate::routes::routes` must configure this module
/// before `pesantren`, whose `/pesantren` scope would otherwise take them.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(op(create_santri, __path_create_santri));
    cfg.service(op(list_santri, __path_list_santri));
    cfg.service(
        utoipa_actix_web::scope("/santri")
            .service(op(get_santri, __path_get_santri))
            .service(op(update_santri, __path_update_santri))
            .service(op(patch_santri, __path_patch_santri))
            .service(op(delete_santri, __path_delete_santri))
            .service(op(erase_santri, __path_erase_santri))
            .service(op(export_santri, __path_export_santri))
            .service(op(withdraw_consent, __path_withdraw_consent)),
    );
}
