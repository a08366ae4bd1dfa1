//! Indonesia's administrative regions (Kemendagri codes): the 38 provinces,
//! their regencies and cities, and their districts (kecamatan), read from
//! the `regions` table that migration 000009 loads. The validators of every
//! region code the API takes (`ids`) check the same embedded data set; see
//! `docs/regions.md`.

pub mod endpoints;
pub mod model;
pub mod service;

use utoipa_actix_web::service_config::ServiceConfig;

use crate::operation::op;
use endpoints::*;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(
        utoipa_actix_web::scope("/regions")
            .service(op(list_regions, __path_list_regions))
            .service(op(get_region, __path_get_region)),
    );
}
