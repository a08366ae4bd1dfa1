//! User accounts: created and deactivated by admins within their province.

pub mod endpoints;
pub mod model;
pub mod service;

use utoipa_actix_web::service_config::ServiceConfig;

use crate::operation::op;
use endpoints::*;

pub use model::UserView;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(
        utoipa_actix_web::scope("/users")
            .service(op(create_user, __path_create_user))
            .service(op(list_users, __path_list_users))
            .service(op(get_user, __path_get_user))
            .service(op(deactivate_user, __path_deactivate_user))
            .service(op(activate_user, __path_activate_user)),
    );
}
