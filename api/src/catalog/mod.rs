//! The public catalogue: what a published product looks like to the public
//! and to partners, the change feed that mirrors it, partners' listings and
//! the orders they report.

use utoipa_actix_web::service_config::ServiceConfig;

pub mod changes;
pub mod expiry;
pub mod feed;
pub mod listings;
pub mod orders;
pub mod public;
pub mod view;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(
        utoipa_actix_web::scope("/catalog")
            .configure(public::configure)
            .configure(listings::configure)
            .configure(changes::configure)
            .configure(orders::configure),
    );
}
