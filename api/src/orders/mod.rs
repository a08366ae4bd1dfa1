//! Orders that partners report: each takes stock from a published product,
//! atomically and at most once per `Idempotency-Key`.
//!
//! The stock is taken by one conditional `UPDATE` (`stock >= quantity` and
//! still published), so stock never goes below zero however many orders race.
//! The answer to a request is stored under its key in the same transaction as
//! the order it placed, so a retry gets the first answer again and never
//! takes stock twice; a concurrent request with the same key that loses the
//! race rolls back and replays the winner's answer.

pub mod endpoints;
pub mod model;
pub mod service;

use utoipa_actix_web::service_config::ServiceConfig;

use crate::operation::op;
use endpoints::*;

/// Routes under `/catalog` (the route table's scope).
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(op(create_order, __path_create_order))
        .service(op(get_order, __path_get_order));
}

#[cfg(test)]
mod tests {
    use super::model::validate_external_order_id;

    #[test]
    fn external_order_ids_must_not_be_blank_or_long() {
        assert!(validate_external_order_id("SHP-1").is_ok());
        assert!(validate_external_order_id("   ").is_err());
        assert!(validate_external_order_id(&"x".repeat(101)).is_err());
        assert!(validate_external_order_id("a\u{7}b").is_err());
    }
}
