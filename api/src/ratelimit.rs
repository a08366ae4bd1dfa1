//! Per-partner rate limits on the partner endpoints.
//!
//! A partner's calls draw from a bucket of `OPOP_PARTNER_RATE_BURST` calls
//! that refills at `OPOP_PARTNER_RATE_PER_MINUTE` (governor's GCRA, keyed by
//! partner id). Every metered answer, refused or not, carries `RateLimit-Limit`,
//! `RateLimit-Remaining` and `RateLimit-Reset` (seconds until the bucket is
//! full again), so an integration can pace itself before it is refused; a
//! refusal is a 429 with `Retry-After`. Counters live in each instance's
//! memory: behind a load balancer with N instances a partner gets up to N
//! times the rate (see `docs/partner-integration.md`).

use std::num::NonZeroU32;
use std::ops::Deref;
use std::time::Duration;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};
use futures_util::future::LocalBoxFuture;
use governor::clock::{Clock, DefaultClock};
use governor::middleware::StateInformationMiddleware;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};
use uuid::Uuid;

use crate::auth::{PartnerOnly, Require};
use crate::error::ApiError;
use crate::startup::AppState;

/// How fast partners may call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PartnerRate {
    pub per_minute: u32,
    pub burst: u32,
}

impl Default for PartnerRate {
    fn default() -> Self {
        Self {
            per_minute: 600,
            burst: 120,
        }
    }
}

type Limiter =
    RateLimiter<Uuid, DefaultKeyedStateStore<Uuid>, DefaultClock, StateInformationMiddleware>;

/// The limiter of every partner.
pub struct PartnerLimits {
    limiter: Limiter,
    burst: u32,
    refill: Duration,
    window_secs: u64,
}

/// What the headers of one answer say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateState {
    pub limit: u32,
    pub remaining: u32,
    /// Seconds until the bucket is full again.
    pub reset_secs: u64,
    /// Seconds the window spans (burst / rate), for `RateLimit-Policy`.
    pub window_secs: u64,
}

impl PartnerLimits {
    pub fn new(rate: PartnerRate) -> Self {
        let per_minute = NonZeroU32::new(rate.per_minute.max(1)).unwrap_or(NonZeroU32::MIN);
        let burst = NonZeroU32::new(rate.burst.max(1)).unwrap_or(NonZeroU32::MIN);
        let quota = Quota::per_minute(per_minute).allow_burst(burst);
        let refill = quota.replenish_interval();
        Self {
            limiter: RateLimiter::keyed(quota).with_middleware::<StateInformationMiddleware>(),
            burst: burst.get(),
            refill,
            window_secs: (refill * burst.get()).as_secs().max(1),
        }
    }

    fn state(&self, remaining: u32) -> RateState {
        let missing = self.burst.saturating_sub(remaining);
        RateState {
            limit: self.burst,
            remaining,
            reset_secs: (self.refill * missing).as_secs_f64().ceil() as u64,
            window_secs: self.window_secs,
        }
    }

    /// Takes one call from the partner's bucket: the state after it, or the
    /// state and the seconds to wait when the bucket is empty.
    pub fn check(&self, partner: Uuid) -> Result<RateState, (RateState, u64)> {
        if self.limiter.len() > 100_000 {
            self.limiter.retain_recent();
        }
        match self.limiter.check_key(&partner) {
            Ok(snapshot) => Ok(self.state(snapshot.remaining_burst_capacity())),
            Err(not_until) => {
                let wait = not_until.wait_time_from(self.limiter.clock().now());
                let mut state = self.state(0);
                state.reset_secs = state.reset_secs.max(1);
                Err((state, wait.as_secs_f64().ceil().max(1.0) as u64))
            }
        }
    }
}

/// A partner caller whose call was counted against its rate limit: the
/// guard of every partner endpoint (401/403 as `Require<PartnerOnly>`, then
/// 429 over the limit). Dereferences to the [`crate::auth::Caller`].
pub struct MeteredPartner(Require<PartnerOnly>);

impl Deref for MeteredPartner {
    type Target = crate::auth::Caller;

    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl FromRequest for MeteredPartner {
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        let auth = Require::<PartnerOnly>::from_request(req, payload);
        let req = req.clone();
        Box::pin(async move {
            let auth = auth.await?;
            let state = req
                .app_data::<web::Data<AppState>>()
                .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("no application state")))?;
            let Some(partner) = auth.principal.partner().map(|p| p.id) else {
                return Err(ApiError::Forbidden("Partners only.".into()).into());
            };
            match state.partner_limits.check(partner) {
                Ok(rate) => {
                    req.extensions_mut().insert(rate);
                    Ok(MeteredPartner(auth))
                }
                Err((rate, wait)) => {
                    req.extensions_mut().insert(rate);
                    Err(ApiError::TooManyRequests {
                        retry_after_secs: wait,
                    }
                    .into())
                }
            }
        })
    }
}

/// Middleware: copies the rate state a [`MeteredPartner`] left on the
/// request into the answer's `RateLimit-*` headers, on success and on error.
pub async fn headers(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let mut res = next.call(req).await?;
    let rate = res.request().extensions().get::<RateState>().copied();
    if let Some(rate) = rate {
        let h = res.headers_mut();
        for (name, value) in [
            ("ratelimit-limit", rate.limit.to_string()),
            ("ratelimit-remaining", rate.remaining.to_string()),
            ("ratelimit-reset", rate.reset_secs.to_string()),
            (
                "ratelimit-policy",
                format!("{};w={}", rate.limit, rate.window_secs),
            ),
        ] {
            if let Ok(v) = HeaderValue::from_str(&value) {
                h.insert(HeaderName::from_static(name), v);
            }
        }
    }
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_partner_spends_its_burst_then_waits_and_others_are_not_affected() {
        let limits = PartnerLimits::new(PartnerRate {
            per_minute: 60,
            burst: 3,
        });
        let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
        let remaining: Vec<u32> = (0..3)
            .map(|_| limits.check(a).map(|s| s.remaining).unwrap_or(99))
            .collect();
        assert_eq!(remaining, [2, 1, 0]);
        let Err((state, wait)) = limits.check(a) else {
            panic!("the fourth call must be refused");
        };
        assert_eq!(state.remaining, 0);
        assert!((1..=1).contains(&wait), "one call a second refills: {wait}");
        assert_eq!(state.reset_secs, 3);
        assert_eq!(limits.check(b).map(|s| s.remaining), Ok(2));
    }
}
