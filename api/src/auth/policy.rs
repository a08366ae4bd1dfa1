//! Route policies: which roles a route admits, declared once as the type of
//! its handler's first argument.
//!
//! The first argument of every handler is a guard: [`Require<P>`] (people
//! and partners whose role is in `P::ROLES`), [`Partner`] (partners,
//! counted against their rate limit) or [`Open`] (no token read at all).
//! `operation::op` reads the guard off the handler's type: it admits the caller
//! before any other argument is extracted (so a caller who may not call a
//! route learns nothing else about it: no 400 or 422 before the 401 or 403),
//! and it writes the operation's OpenAPI `security` from the same type, so
//! the document cannot say other than what is enforced.

use std::future::{ready, Future, Ready};
use std::marker::PhantomData;
use std::pin::Pin;

use actix_web::http::header;
use actix_web::{dev::Payload, web, FromRequest, HttpMessage, HttpRequest};
use uuid::Uuid;

use super::principal::{unauthorized, Authenticator, Caller, Principal, PARTNER};
use crate::error::{ApiError, ApiResult, Code};
use crate::http::{request_id, request_lang};
use crate::ratelimit::PartnerLimits;

/// Name of the bearer security scheme in the OpenAPI document.
pub const BEARER: &str = "bearer";

type LocalFuture<T> = Pin<Box<dyn Future<Output = T>>>;

fn bearer(req: &HttpRequest) -> ApiResult<Option<String>> {
    let Some(value) = req.headers().get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let value = value.to_str().map_err(|_| unauthorized())?;
    match value.split_once(' ') {
        Some((scheme, token))
            if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() =>
        {
            Ok(Some(token.trim().to_string()))
        }
        _ => Err(unauthorized()),
    }
}

/// The caller of `req`, resolved from its token at most once per request.
fn caller_of(req: &HttpRequest) -> LocalFuture<ApiResult<Caller>> {
    let (request_id, lang) = (request_id(req), request_lang(req));
    if let Some(principal) = req.extensions().get::<Principal>().cloned() {
        return Box::pin(ready(Ok(Caller {
            principal,
            request_id,
            lang,
        })));
    }
    let auth = req.app_data::<web::Data<Authenticator>>().cloned();
    let token = bearer(req);
    let req = req.clone();
    Box::pin(async move {
        let auth = auth.ok_or_else(|| ApiError::internal(anyhow::anyhow!("no authenticator")))?;
        let principal = auth.principal(token?.as_deref()).await?;
        req.extensions_mut().insert(principal.clone());
        Ok(Caller {
            principal,
            request_id,
            lang,
        })
    })
}

/// The roles a route admits.
pub trait Policy {
    const ROLES: &'static [&'static str];
    /// Whether callers without a token are admitted too.
    const ANONYMOUS: bool = false;
}

/// The first argument of a handler: it admits or refuses the caller, and
/// says whom it admits for the OpenAPI document.
pub trait RouteGuard: FromRequest<Error = ApiError> + 'static {
    /// Role names admitted with a bearer token.
    const ROLES: &'static [&'static str];
    /// Whether callers without a token are admitted.
    const ANONYMOUS: bool;

    /// Authenticates the caller of `req` and admits it, or answers 401,
    /// 403 or 429. Runs before any other argument is extracted.
    fn admit(req: &HttpRequest) -> LocalFuture<ApiResult<()>>;
}

fn admitted<P: Policy>(caller: &Caller) -> ApiResult<()> {
    match caller.principal.role_name() {
        None if P::ANONYMOUS => Ok(()),
        None => Err(unauthorized()),
        Some(role) if P::ROLES.contains(&role) => Ok(()),
        Some(role) => Err(ApiError::new(Code::AuthRoleForbidden).with("role", role)),
    }
}

/// A route guard: 401 without a valid token, 403 for a role not in
/// `P::ROLES`. Object-level scope is then applied by [`super::scope`].
pub struct Require<P: Policy> {
    pub caller: Caller,
    _policy: PhantomData<P>,
}

impl<P: Policy> std::ops::Deref for Require<P> {
    type Target = Caller;
    fn deref(&self) -> &Caller {
        &self.caller
    }
}

impl<P: Policy + 'static> FromRequest for Require<P> {
    type Error = ApiError;
    type Future = LocalFuture<ApiResult<Self>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let caller = caller_of(req);
        Box::pin(async move {
            let caller = caller.await?;
            admitted::<P>(&caller)?;
            Ok(Require {
                caller,
                _policy: PhantomData,
            })
        })
    }
}

impl<P: Policy + 'static> RouteGuard for Require<P> {
    const ROLES: &'static [&'static str] = P::ROLES;
    const ANONYMOUS: bool = P::ANONYMOUS;

    fn admit(req: &HttpRequest) -> LocalFuture<ApiResult<()>> {
        let caller = caller_of(req);
        Box::pin(async move { admitted::<P>(&caller.await?) })
    }
}

/// A route that reads no token at all (health probes, login, registration):
/// documented as anonymous. Carries an anonymous [`Caller`] with the
/// request's id and language, for the audit trail.
pub struct Open(pub Caller);

impl std::ops::Deref for Open {
    type Target = Caller;
    fn deref(&self) -> &Caller {
        &self.0
    }
}

impl FromRequest for Open {
    type Error = ApiError;
    type Future = Ready<ApiResult<Self>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(Open(Caller {
            principal: Principal::Anonymous,
            request_id: request_id(req),
            lang: request_lang(req),
        })))
    }
}

impl RouteGuard for Open {
    const ROLES: &'static [&'static str] = &[];
    const ANONYMOUS: bool = true;

    fn admit(_: &HttpRequest) -> LocalFuture<ApiResult<()>> {
        Box::pin(ready(Ok(())))
    }
}

/// A partner (machine client): 401 without a partner's valid token, 403 for
/// people, 429 over the partner's rate limit (`RateLimit-*` headers on every
/// answer). The domain functions of partner routes take it instead of a
/// [`Caller`], so none of them has to ask whether the caller is a partner.
#[derive(Debug, Clone)]
pub struct Partner {
    pub caller: Caller,
    pub id: Uuid,
    pub code: String,
}

impl std::ops::Deref for Partner {
    type Target = Caller;
    fn deref(&self) -> &Caller {
        &self.caller
    }
}

impl Partner {
    /// The partner behind `caller`, if it is one.
    pub fn of(caller: &Caller) -> Option<Partner> {
        caller.principal.partner().map(|p| Partner {
            caller: caller.clone(),
            id: p.id,
            code: p.code.clone(),
        })
    }
}

impl FromRequest for Partner {
    type Error = ApiError;
    type Future = LocalFuture<ApiResult<Self>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let caller = caller_of(req);
        Box::pin(async move {
            let caller = caller.await?;
            admitted::<PartnerOnly>(&caller)?;
            Partner::of(&caller).ok_or_else(unauthorized)
        })
    }
}

impl RouteGuard for Partner {
    const ROLES: &'static [&'static str] = PartnerOnly::ROLES;
    const ANONYMOUS: bool = false;

    fn admit(req: &HttpRequest) -> LocalFuture<ApiResult<()>> {
        let caller = caller_of(req);
        let limits = req.app_data::<web::Data<PartnerLimits>>().cloned();
        let req = req.clone();
        Box::pin(async move {
            let caller = caller.await?;
            admitted::<PartnerOnly>(&caller)?;
            let partner = Partner::of(&caller).ok_or_else(unauthorized)?;
            let Some(limits) = limits else {
                return Ok(());
            };
            match limits.check(partner.id) {
                Ok(rate) => {
                    req.extensions_mut().insert(rate);
                    Ok(())
                }
                Err((rate, wait)) => {
                    req.extensions_mut().insert(rate);
                    Err(ApiError::new(Code::RequestRateLimited)
                        .with("seconds", wait)
                        .retry_after(wait))
                }
            }
        })
    }
}

macro_rules! policy {
    ($(#[$m:meta])* $name:ident, [$($role:expr),*], anonymous = $anon:expr) => {
        $(#[$m])*
        pub struct $name;
        impl Policy for $name {
            const ROLES: &'static [&'static str] = &[$($role),*];
            const ANONYMOUS: bool = $anon;
        }
    };
}

const ADMIN: &str = "admin";
const CURATOR: &str = "curator";
const MANAGER: &str = "pesantren_manager";
const SANTRI: &str = "santri";
const MENTOR: &str = "mentor";

policy!(
    /// The provincial secretariat.
    AdminOnly, [ADMIN], anonymous = false
);
policy!(
    /// Secretariat and curators.
    Staff, [ADMIN, CURATOR], anonymous = false
);
policy!(
    /// Those who work on a pesantren's register: staff and its managers.
    RegisterStaff, [ADMIN, CURATOR, MANAGER], anonymous = false
);
policy!(
    /// Those who may change a pesantren's register: admins and its managers.
    RegisterWriters, [ADMIN, MANAGER], anonymous = false
);
policy!(
    /// Those who may change a santri record: admins, its pesantren's managers,
    /// and the santri themself (contact fields only, see `rules`).
    SantriWriters, [ADMIN, MANAGER, SANTRI], anonymous = false
);
policy!(
    /// Those who read a pesantren's profile, products and certificates:
    /// staff, its managers and the mentors assigned to it (never its santri).
    RegisterReaders, [ADMIN, CURATOR, MANAGER, MENTOR], anonymous = false
);
policy!(
    /// Those who read a santri record: admins, the pesantren's managers and
    /// the santri themself. Curators review products and mentors coach
    /// pesantren: neither needs a child's personal data, so both see counts
    /// only (UU 27/2022: need to know).
    SantriReaders, [ADMIN, MANAGER, SANTRI], anonymous = false
);
policy!(
    /// Those who list a pesantren's santri: admins and its managers.
    SantriKeepers, [ADMIN, MANAGER], anonymous = false
);
policy!(
    /// Curators, who award flagship status.
    CuratorOnly, [CURATOR], anonymous = false
);
policy!(
    /// Mentors (pendamping), who record mentoring sessions.
    MentorOnly, [MENTOR], anonymous = false
);
policy!(
    /// Every person with an account.
    AnyUser, [ADMIN, CURATOR, MANAGER, SANTRI, MENTOR], anonymous = false
);
policy!(
    /// E-commerce partners (machine clients).
    PartnerOnly, [PARTNER], anonymous = false
);
policy!(
    /// Everyone, with or without a token.
    Public, [ADMIN, CURATOR, MANAGER, SANTRI, MENTOR, PARTNER], anonymous = true
);
