//! Who is calling: the principal a bearer token names, resolved once per
//! request, and the [`Caller`] the domain functions take.

use entity::{partners, pesantren, users, PesantrenStatus, Role};
use sea_orm::{ConnectionTrait, DatabaseConnection, EntityTrait};
use uuid::Uuid;

use super::token::JwtKeys;
use crate::audit::Actor;
use crate::error::{ApiError, ApiResult, Code};
use crate::i18n::Lang;

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

/// The caller of a request: principal, request id and language, which is
/// what the domain functions need to scope reads, audit writes and write
/// the answers they store.
#[derive(Debug, Clone)]
pub struct Caller {
    pub principal: Principal,
    pub request_id: Option<String>,
    pub lang: Lang,
}

impl Caller {
    /// Nobody in particular: background tasks and tools.
    pub fn anonymous() -> Self {
        Self {
            principal: Principal::Anonymous,
            request_id: None,
            lang: Lang::En,
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

    pub fn user_id(&self) -> Option<Uuid> {
        self.user().map(|u| u.id)
    }

    pub fn role(&self) -> Option<Role> {
        self.user().map(|u| u.role)
    }

    /// An admin with no province: the only caller allowed national actions.
    pub fn is_national_admin(&self) -> bool {
        matches!(self.user(), Some(u) if u.role == Role::Admin && u.province_code.is_none())
    }
}

/// Turns bearer tokens into principals. The account is read on every
/// request, so deactivating a user or partner takes effect at once rather
/// than when the token expires.
#[derive(Clone)]
pub struct Authenticator {
    pub db: DatabaseConnection,
    pub keys: JwtKeys,
}

pub(super) fn unauthorized() -> ApiError {
    ApiError::new(Code::AuthTokenInvalid)
}

impl Authenticator {
    /// The principal `token` names; anonymous without one, 401 for a bad one.
    pub async fn principal(&self, token: Option<&str>) -> ApiResult<Principal> {
        let Some(token) = token else {
            return Ok(Principal::Anonymous);
        };
        let claims = self.keys.verify(token).ok_or_else(unauthorized)?;
        if claims.role == PARTNER {
            let partner = partners::Entity::find_by_id(claims.sub)
                .one(&self.db)
                .await?
                .filter(|p| p.is_active)
                .ok_or_else(unauthorized)?;
            return Ok(Principal::Partner(PartnerPrincipal {
                id: partner.id,
                code: partner.code,
            }));
        }
        // The account and its pesantren in one statement: a pesantren that
        // is suspended (or no longer verified) ends its people's sessions
        // at once, not when their access tokens expire.
        let (user, pesantren) = users::Entity::find_by_id(claims.sub)
            .find_also_related(pesantren::Entity)
            .one(&self.db)
            .await?
            .filter(|(u, _)| u.is_active && u.role.as_str() == claims.role)
            .ok_or_else(unauthorized)?;
        if matches!(user.role, Role::PesantrenManager | Role::Santri)
            && !pesantren.is_some_and(|p| p.status == PesantrenStatus::Verified)
        {
            return Err(ApiError::new(Code::AuthPesantrenUnverified));
        }
        Ok(Principal::User(UserPrincipal {
            id: user.id,
            role: user.role,
            province_code: user.province_code,
            pesantren_id: user.pesantren_id,
            santri_id: user.santri_id,
        }))
    }
}

/// Whether a user of a pesantren may act: only once the secretariat has
/// verified their pesantren.
pub async fn pesantren_allows_login(
    db: &impl ConnectionTrait,
    user: &users::Model,
) -> ApiResult<bool> {
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
