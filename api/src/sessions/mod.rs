//! Sessions of people and tokens of partners: `/api/v1/auth`.

pub mod endpoints;
pub mod model;
pub mod service;

use utoipa_actix_web::service_config::ServiceConfig;

use crate::operation::op;
use endpoints::*;

pub use model::{PartnerToken, TokenPair};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(
        utoipa_actix_web::scope("/auth")
            .service(op(login, __path_login))
            .service(op(refresh, __path_refresh))
            .service(op(logout, __path_logout))
            .service(op(me, __path_me))
            .service(op(token, __path_token)),
    );
}
