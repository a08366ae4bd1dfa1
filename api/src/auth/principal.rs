//! Who is calling, established once per request from the bearer token, and
//! the typed route guard [`Require`] that declares which roles a route admits.

use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;

use actix_web::{dev::Payload, http::header, web, FromRequest, HttpMessage, HttpRequest};
use entity::{partners, pesantren, users, PesantrenStatus, Role};
use sea_orm::{DatabaseConnection, EntityTrait};
use uuid::Uuid;

use crate::audit::Actor;
use crate::error::ApiError;
use crate::startup::AppState;

/// Role name of partner machine clients (users have [`Role`]).
pub const PARTNER: &str = "partner";

#[derive(Debug, Clone)]
pub struct UserPrincipal {
    pub id: Uuid,
    pub role: Role,
    pub province_code: Option<String>,
    pub pesantren_id: Option<Uuid>,
    pub santri_id: Option<Uuid>,
}

#[derive(Debug, Clone)]
pub struct PartnerPrincipal {
    pub id: Uuid,
    pub code: String,
}

#[derive(Debug, Clone)]
pub enum Principal {
    Anonymous,
    User(UserPrincipal),
    Partner(PartnerPrincipal),
}

impl Principal {
    /// The role name as used in tokens and in the OpenAPI document.
    pub fn role_name(&self) -> Option<&'static str> {
        match self {
            Self::Anonymous => None,
            Self::User(u) => Some(u.role.as_str()),
            Self::Partner(_) => Some(PARTNER),
        }
    }

    pub fn user(&self) -> Option<&UserPrincipal> {
        match self {
            Self::User(u) => Some(u),
            _ => None,
        }
    }

    pub fn partner(&self) -> Option<&PartnerPrincipal> {
        match self {
            Self::Partner(p) => Some(p),
            _ => None,
        }
    }
}

/// The caller of a request: principal plus request id, which is what the
/// domain functions need to scope reads and audit writes.
#[derive(Debug, Clone)]
pub struct Caller {
    pub principal: Principal,
    pub request_id: Option<String>,
}

impl Caller {
    pub fn anonymous() -> Self {
        Self {
            principal: Principal::Anonymous,
            request_id: None,
        }
    }

    pub fn actor(&self) -> Actor {
        match &self.principal {
            Principal::Anonymous => Actor::anonymous(self.request_id.clone()),
            Principal::User(u) => Actor {
                kind: entity::ActorType::User,
                id: Some(u.id),
                request_id: self.request_id.clone(),
            },
            Principal::Partner(p) => Actor {
                kind: entity::ActorType::Partner,
                id: Some(p.id),
                request_id: self.request_id.clone(),
            },
        }
    }

    pub fn user(&self) -> Option<&UserPrincipal> {
        self.principal.user()
    }

    /// An admin with no province: the only caller allowed national actions.
    pub fn is_national_admin(&self) -> bool {
        matches!(self.user(), Some(u) if u.role == Role::Admin && u.province_code.is_none())
    }
}

fn unauthorized() -> ApiError {
    ApiError::Unauthorized("The access token is missing, invalid or expired.".into())
}

/// Resolves the bearer token of a request, if any, into a principal. The
/// account is read on every request, so deactivating a user or partner
/// takes effect at once rather than when the token expires.
async fn resolve(
    db: DatabaseConnection,
    keys: super::token::JwtKeys,
    token: Option<String>,
) -> Result<Principal, ApiError> {
    let Some(token) = token else {
        return Ok(Principal::Anonymous);
    };
    let claims = keys.verify(&token).ok_or_else(unauthorized)?;
    if claims.role == PARTNER {
        let partner = partners::Entity::find_by_id(claims.sub)
            .one(&db)
            .await?
            .filter(|p| p.is_active)
            .ok_or_else(unauthorized)?;
        return Ok(Principal::Partner(PartnerPrincipal {
            id: partner.id,
            code: partner.code,
        }));
    }
    let user = users::Entity::find_by_id(claims.sub)
        .one(&db)
        .await?
        .filter(|u| u.is_active && u.role.as_str() == claims.role)
        .ok_or_else(unauthorized)?;
    Ok(Principal::User(UserPrincipal {
        id: user.id,
        role: user.role,
        province_code: user.province_code,
        pesantren_id: user.pesantren_id,
        santri_id: user.santri_id,
    }))
}

/// Whether a user of a pesantren may act: only once the secretariat has
/// verified their pesantren.
pub async fn pesantren_allows_login(
    db: &DatabaseConnection,
    user: &users::Model,
) -> Result<bool, ApiError> {
    if !matches!(user.role, Role::PesantrenManager | Role::Santri) {
        return Ok(true);
    }
    let Some(pid) = user.pesantren_id else {
        return Ok(false);
    };
    Ok(pesantren::Entity::find_by_id(pid)
        .one(db)
        .await?
        .is_some_and(|p| p.status == PesantrenStatus::Verified))
}

fn bearer(req: &HttpRequest) -> Result<Option<String>, ApiError> {
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

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let request_id = req
            .extensions()
            .get::<tracing_actix_web::RequestId>()
            .map(|id| id.to_string());
        // Resolved at most once per request, even if several extractors ask.
        if let Some(principal) = req.extensions().get::<Principal>().cloned() {
            return Box::pin(async move {
                Ok(Caller {
                    principal,
                    request_id,
                })
            });
        }
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = bearer(req);
        let req = req.clone();
        Box::pin(async move {
            let state = state.ok_or_else(|| ApiError::Internal(anyhow::anyhow!("no app state")))?;
            let principal = resolve(state.db.clone(), state.keys.clone(), token?).await?;
            req.extensions_mut().insert(principal.clone());
            Ok(Caller {
                principal,
                request_id,
            })
        })
    }
}

/// The roles a route admits. Implemented by the marker types below; the same
/// names appear in the route's OpenAPI `security` requirement.
pub trait Policy {
    const ROLES: &'static [&'static str];
    /// Whether callers without a token are admitted too.
    const ANONYMOUS: bool = false;
}

/// A route guard: extracting it authenticates the caller and refuses roles
/// the route does not admit (401 without a valid token, 403 for a role not
/// in `P::ROLES`). Object-level scope is then applied by [`super::scope`].
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
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let caller = Caller::from_request(req, payload);
        Box::pin(async move {
            let caller = caller.await?;
            match caller.principal.role_name() {
                None if P::ANONYMOUS => {}
                None => return Err(unauthorized()),
                Some(role) if P::ROLES.contains(&role) => {}
                Some(role) => {
                    return Err(ApiError::Forbidden(format!(
                        "The role `{role}` may not do this."
                    )))
                }
            }
            Ok(Require {
                caller,
                _policy: PhantomData,
            })
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
    /// and the santri themself (contact fields only, checked by the domain).
    SantriWriters, [ADMIN, MANAGER, SANTRI], anonymous = false
);
policy!(
    /// Every person with an account.
    AnyUser, [ADMIN, CURATOR, MANAGER, SANTRI], anonymous = false
);
policy!(
    /// E-commerce partners (machine clients).
    PartnerOnly, [PARTNER], anonymous = false
);
policy!(
    /// Everyone, with or without a token.
    Public, [ADMIN, CURATOR, MANAGER, SANTRI, PARTNER], anonymous = true
);
