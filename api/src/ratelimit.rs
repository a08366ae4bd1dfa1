//! Rate limits: per partner on the partner endpoints, and per client address
//! on the anonymous public endpoints (catalogue and images).
//!
//! A caller's requests draw from a bucket of `burst` calls that refills at
//! `per_minute` (governor's GCRA, keyed by partner id or client address).
//! Every metered answer, refused or not, carries `RateLimit-Limit`,
//! `RateLimit-Remaining` and `RateLimit-Reset` (seconds until the bucket is
//! full again), so an integration can pace itself before it is refused; a
//! refusal is a 429 with `Retry-After`. Counters live in each instance's
//! memory: behind a load balancer with N instances a caller gets up to N
//! times the rate (see `docs/partner-integration.md` and
//! `docs/deployment.md`).

use std::hash::Hash;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::{web, HttpMessage, HttpRequest};
use governor::clock::{Clock, DefaultClock};
use governor::middleware::StateInformationMiddleware;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};
use uuid::Uuid;

use crate::config::{PartnerRate, PublicRate};
use crate::error::{ApiError, Code};

type Limiter<K> =
    RateLimiter<K, DefaultKeyedStateStore<K>, DefaultClock, StateInformationMiddleware>;

/// One bucket per key (partner id, client address).
pub struct KeyedLimits<K: Hash + Eq + Clone> {
    limiter: Limiter<K>,
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

/// The limiter of every partner.
pub type PartnerLimits = KeyedLimits<Uuid>;

impl PartnerLimits {
    pub fn new(rate: PartnerRate) -> Self {
        Self::with_rate(rate.per_minute, rate.burst)
    }
}

impl<K: Hash + Eq + Clone> KeyedLimits<K> {
    fn with_rate(per_minute: u32, burst: u32) -> Self {
        let per_minute = NonZeroU32::new(per_minute.max(1)).unwrap_or(NonZeroU32::MIN);
        let burst = NonZeroU32::new(burst.max(1)).unwrap_or(NonZeroU32::MIN);
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

    /// Takes one call from the key's bucket: the state after it, or the
    /// state and the seconds to wait when the bucket is empty.
    pub fn check(&self, key: K) -> Result<RateState, (RateState, u64)> {
        // Full buckets carry no information; dropping them bounds the memory
        // an address scan (or many partners) can make this map take.
        if self.limiter.len() > 100_000 {
            self.limiter.retain_recent();
        }
        match self.limiter.check_key(&key) {
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

/// Per-address limits on the anonymous public endpoints; `None` when off.
pub struct PublicLimits {
    limits: Option<KeyedLimits<IpAddr>>,
    trusted_proxies: Vec<ipnet::IpNet>,
}

/// The route templates an anonymous caller can reach in bulk. `/health` is
/// left out on purpose: load balancers probe it.
const PUBLIC_ROUTES: &[&str] = &[
    "/api/v1/catalog/products",
    "/api/v1/catalog/products/{id}",
    "/api/v1/images/{id}",
];

impl PublicLimits {
    pub fn new(rate: PublicRate, trusted_proxies: Vec<ipnet::IpNet>) -> Self {
        Self {
            limits: (rate.per_minute > 0)
                .then(|| KeyedLimits::with_rate(rate.per_minute, rate.burst)),
            trusted_proxies,
        }
    }

    /// The address a request comes from: the peer, unless the peer is a
    /// trusted proxy, in which case the nearest address in
    /// `X-Forwarded-For` that is not itself a trusted proxy. Entries left of
    /// that one are written by the client and could be anything.
    pub fn client_ip(&self, req: &HttpRequest) -> Option<IpAddr> {
        client_ip(req, &self.trusted_proxies)
    }
}

/// The client's address as [`PublicLimits::client_ip`] works it out, for
/// any per-address limit (login and registration throttles); the peer
/// address when the application has no such configuration (unit tests).
pub fn client_address(req: &HttpRequest) -> Option<IpAddr> {
    match req.app_data::<web::Data<PublicLimits>>() {
        Some(limits) => limits.client_ip(req),
        None => req.peer_addr().map(|a| a.ip()),
    }
}

/// See [`PublicLimits::client_ip`].
pub fn client_ip(req: &HttpRequest, trusted_proxies: &[ipnet::IpNet]) -> Option<IpAddr> {
    let peer = req.peer_addr()?.ip();
    let trusted = |ip: &IpAddr| trusted_proxies.iter().any(|net| net.contains(ip));
    if !trusted(&peer) {
        return Some(peer);
    }
    let forwarded: Vec<IpAddr> = req
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    Some(
        forwarded
            .into_iter()
            .rev()
            .find(|ip| !trusted(ip))
            .unwrap_or(peer),
    )
}

/// Middleware: counts anonymous public calls (GET and HEAD of
/// [`PUBLIC_ROUTES`]) against the caller's address, answering 429 over the
/// limit. Runs inside [`headers`], which turns the state into headers.
pub async fn public(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    // Cheapest test first: with the limit off (load tests) nothing is looked up.
    let limits = req
        .app_data::<web::Data<PublicLimits>>()
        .filter(|l| l.limits.is_some())
        .filter(|_| matches!(*req.method(), Method::GET | Method::HEAD))
        .filter(|_| {
            req.match_pattern()
                .is_some_and(|p| PUBLIC_ROUTES.contains(&p.as_str()))
        })
        .cloned();
    if let Some(public) = limits {
        let ip = public.client_ip(req.request());
        if let (Some(limits), Some(ip)) = (&public.limits, ip) {
            match limits.check(ip) {
                Ok(rate) => {
                    req.extensions_mut().insert(rate);
                }
                Err((rate, wait)) => {
                    req.extensions_mut().insert(rate);
                    // Carrying the error, so that the error handlers write
                    // it in the caller's language with the request id.
                    let res = actix_web::HttpResponse::from_error(
                        ApiError::new(Code::RequestRateLimited)
                            .with("seconds", wait)
                            .retry_after(wait),
                    );
                    return Ok(req.into_response(res).map_into_right_body());
                }
            }
        }
    }
    Ok(next.call(req).await?.map_into_left_body())
}

/// Middleware: copies the rate state a [`crate::auth::Partner`] left on the
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
    fn the_client_address_is_the_peer_unless_the_peer_is_a_trusted_proxy() {
        use actix_web::test::TestRequest;
        let req = |peer: &str, forwarded: Option<&str>| {
            let mut r = TestRequest::default().peer_addr(peer.parse().unwrap());
            if let Some(f) = forwarded {
                r = r.insert_header(("X-Forwarded-For", f));
            }
            r.to_http_request()
        };
        let ip = |s: &str| Some(s.parse::<IpAddr>().unwrap());
        let trusted: Vec<ipnet::IpNet> = vec!["10.0.0.0/8".parse().unwrap()];
        // Not trusted: the header is ignored.
        assert_eq!(
            client_ip(&req("203.0.113.7:5000", Some("198.51.100.1")), &trusted),
            ip("203.0.113.7")
        );
        // Trusted: the nearest entry that is not a proxy of ours.
        assert_eq!(
            client_ip(
                &req("10.0.0.2:5000", Some("1.2.3.4, 198.51.100.1, 10.0.0.9")),
                &trusted
            ),
            ip("198.51.100.1")
        );
        // Trusted, but no usable header: the proxy itself.
        assert_eq!(
            client_ip(&req("10.0.0.2:5000", Some("garbage")), &trusted),
            ip("10.0.0.2")
        );
        assert_eq!(client_ip(&req("10.0.0.2:5000", None), &[]), ip("10.0.0.2"));
    }

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
