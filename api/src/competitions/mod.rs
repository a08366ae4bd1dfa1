//! Competitions (audisi): West Java's "pesantren juara" auditions and East
//! Java's product competitions. One province runs each, for one year, in
//! categories and through an ordered list of stages ([`status`] holds
//! the rules); pesantren enter (`entries`), curators of the province
//! score as jurors, and finalists receive awards with grants paid in
//! tranches (`awards`).

pub mod endpoints;
pub mod model;
pub mod service;
pub mod status;

use utoipa_actix_web::service_config::ServiceConfig;

use crate::operation::op;
use endpoints::*;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(
        utoipa_actix_web::scope("/competitions")
            .service(op(create_competition, __path_create_competition))
            .service(op(list_competitions, __path_list_competitions))
            .service(op(get_competition, __path_get_competition))
            .service(op(open_competition, __path_open_competition))
            .service(op(judge_competition, __path_judge_competition))
            .service(op(close_competition, __path_close_competition))
            .service(op(close_stage, __path_close_stage))
            .service(op(get_standings, __path_get_standings)),
    );
}
