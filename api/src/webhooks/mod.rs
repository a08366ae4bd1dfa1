//! Webhooks: the catalogue change feed pushed to each partner's URL.
//!
//! The feed (`catalog_changes`) is the durable outbox. Its positions are
//! handed out in commit order and it is never compacted (see
//! `docs/change-feed.md`), so nothing has to be written when the catalogue
//! changes: a subscription only remembers the last position its partner
//! acknowledged (`cursor`). A deliverer task runs on every instance
//! ([`spawn`]); each pass claims the due subscriptions that are behind the
//! feed with one conditional `UPDATE` (a lease: `lease_owner`,
//! `leased_until`), POSTs the events after the cursor one by one, in order,
//! and moves the cursor after each 2xx. A crash loses at most the event in
//! flight, which is sent again: delivery is at least once, and receivers
//! de-duplicate by `X-OPOP-Event-Id` (the event's feed position). A failure
//! (non-2xx, timeout, refused connection, forbidden address) keeps the
//! cursor and backs off exponentially, capped at an hour.
//!
//! Every write of the deliverer is fenced by its lease token, and every
//! write of the partner (new URL, replay, removal) drops the lease, so a
//! deliverer that lost its lease stops at its next event instead of moving
//! a cursor the partner just set.
//!
//! Targets are checked against server-side request forgery: https only, and
//! never an address that is loopback, private, link-local, CGNAT, multicast
//! and the like (unless `OPOP_WEBHOOK_ALLOW_PRIVATE`), both when the URL is
//! registered and, through the client's resolver, at every connection, so
//! a name re-pointed after registration (DNS rebinding) is refused too.

pub mod deliverer;
pub mod endpoints;
pub mod failure;
pub mod guard;
pub mod model;
pub mod service;
pub mod signing;

use utoipa_actix_web::service_config::ServiceConfig;

use crate::operation::op;
use endpoints::*;

pub use deliverer::{backoff, spawn, Deliverer, Options};
pub use guard::{install_crypto_provider, is_forbidden};
pub use signing::signature;

/// Mounted inside `/api/v1`, before the `/partners` scope, with full paths.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(op(put_webhook, __path_put_webhook))
        .service(op(patch_webhook, __path_patch_webhook))
        .service(op(get_webhook, __path_get_webhook))
        .service(op(delete_webhook, __path_delete_webhook))
        .service(op(replay_webhook, __path_replay_webhook));
}
