//! Login, refresh-token rotation, logout and partner tokens.

use entity::{partners, refresh_tokens, users};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use super::model::{PartnerToken, TokenPair};
use crate::audit::{self, Actor, WriteTx};
use crate::auth::password;
use crate::auth::principal::{pesantren_allows_login, PARTNER};
use crate::auth::token::{new_refresh_token, sha256_hex, JwtKeys};
use crate::db;
use crate::error::{ApiError, ApiResult, Code};

fn bad_credentials() -> ApiError {
    ApiError::new(Code::AuthBadCredentials)
}

fn bad_refresh() -> ApiError {
    ApiError::new(Code::AuthRefreshInvalid)
}

/// A hash to verify against when the account does not exist, so that an
/// unknown email takes as long as a wrong password.
async fn dummy_hash() -> &'static str {
    static HASH: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
    HASH.get_or_init(|| async {
        password::hash_async("not-a-real-password")
            .await
            .unwrap_or_default()
    })
    .await
}

async fn issue_pair(
    db: &DatabaseConnection,
    keys: &JwtKeys,
    user: &users::Model,
    family_id: Uuid,
    refresh_ttl_secs: i64,
) -> ApiResult<TokenPair> {
    let refresh = new_refresh_token();
    refresh_tokens::ActiveModel {
        id: Set(db::new_id()),
        user_id: Set(user.id),
        family_id: Set(family_id),
        token_hash: Set(sha256_hex(&refresh)),
        expires_at: Set(chrono::Utc::now().timestamp() + refresh_ttl_secs),
        used_at: Set(None),
        revoked_at: Set(None),
        created_at: Set(db::now()),
    }
    .insert(db)
    .await?;
    Ok(TokenPair {
        access_token: keys.issue(user.id, user.role.as_str())?,
        token_type: "Bearer",
        expires_in: keys.access_ttl_secs,
        refresh_token: refresh,
    })
}

/// Records a security event that changes nothing else (a failed login, a
/// reused refresh token, a partner's token) in a transaction of its own.
async fn record_event(
    db: &DatabaseConnection,
    actor: &Actor,
    action: &'static str,
    resource_type: &'static str,
    resource_id: Uuid,
    province_code: Option<String>,
    changes: serde_json::Value,
) -> ApiResult<()> {
    let mut tx = WriteTx::begin(db, actor).await?;
    tx.record(audit::Entry {
        action,
        resource_type,
        resource_id,
        province_code,
        changes,
    })
    .await?;
    tx.commit().await
}

pub async fn login(
    db: &DatabaseConnection,
    keys: &JwtKeys,
    refresh_ttl_secs: i64,
    email: &str,
    password_given: &str,
    request_id: Option<String>,
) -> ApiResult<TokenPair> {
    let email = crate::text::normalize_email(email);
    let user = users::Entity::find()
        .filter(users::Column::Email.eq(email.as_str()))
        .one(db)
        .await?;
    let hash = user
        .as_ref()
        .map(|u| u.password_hash.as_str())
        .unwrap_or(dummy_hash().await);
    let password_ok = password::verify_async(password_given, hash).await;
    let user = match user {
        Some(u) if password_ok && u.is_active => u,
        other => {
            // The attempted address is not kept (it may be a mistyped
            // password); an unknown account is the nil id.
            let (id, province) = other
                .map(|u| (u.id, u.province_code))
                .unwrap_or((Uuid::nil(), None));
            record_event(
                db,
                &Actor::anonymous(request_id),
                "login_failed",
                "user",
                id,
                province,
                serde_json::json!({"known_account": id != Uuid::nil()}),
            )
            .await?;
            return Err(bad_credentials());
        }
    };
    if !pesantren_allows_login(db, &user).await? {
        return Err(ApiError::new(Code::AuthPesantrenUnverified));
    }
    let actor = Actor {
        kind: entity::ActorType::User,
        id: Some(user.id),
        request_id,
    };
    let mut tx = WriteTx::begin(db, &actor).await?;
    users::Entity::update_many()
        .col_expr(users::Column::LastLoginAt, Expr::value(db::now()))
        .filter(users::Column::Id.eq(user.id))
        .exec(&*tx)
        .await?;
    tx.record(audit::Entry {
        action: "login",
        resource_type: "user",
        resource_id: user.id,
        province_code: user.province_code.clone(),
        changes: serde_json::json!({}),
    })
    .await?;
    tx.commit().await?;
    issue_pair(db, keys, &user, db::new_id(), refresh_ttl_secs).await
}

/// Rotates a refresh token: the presented one is spent and a new pair is
/// issued in the same family. Presenting a spent token again means it was
/// stolen or replayed, so the whole family is revoked.
pub async fn refresh(
    db: &DatabaseConnection,
    keys: &JwtKeys,
    refresh_ttl_secs: i64,
    token: &str,
    request_id: Option<String>,
) -> ApiResult<TokenPair> {
    let row = refresh_tokens::Entity::find()
        .filter(refresh_tokens::Column::TokenHash.eq(sha256_hex(token)))
        .one(db)
        .await?
        .ok_or_else(bad_refresh)?;
    if row.revoked_at.is_some() || row.expires_at < chrono::Utc::now().timestamp() {
        return Err(bad_refresh());
    }
    // Spend it with one conditional update, so two concurrent uses cannot both win.
    let spent = refresh_tokens::Entity::update_many()
        .col_expr(refresh_tokens::Column::UsedAt, Expr::value(db::now()))
        .filter(refresh_tokens::Column::Id.eq(row.id))
        .filter(refresh_tokens::Column::UsedAt.is_null())
        .filter(refresh_tokens::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    if spent.rows_affected == 0 {
        revoke_family(db, row.family_id).await?;
        tracing::warn!(user_id = %row.user_id, "refresh token reused; its family is revoked");
        let province = users::Entity::find_by_id(row.user_id)
            .one(db)
            .await?
            .and_then(|u| u.province_code);
        record_event(
            db,
            &Actor::anonymous(request_id),
            "refresh_reused",
            "user",
            row.user_id,
            province,
            serde_json::json!({"family_revoked": row.family_id}),
        )
        .await?;
        return Err(ApiError::new(Code::AuthRefreshReused));
    }
    let user = users::Entity::find_by_id(row.user_id)
        .one(db)
        .await?
        .filter(|u| u.is_active)
        .ok_or_else(bad_refresh)?;
    if !pesantren_allows_login(db, &user).await? {
        return Err(bad_refresh());
    }
    issue_pair(db, keys, &user, row.family_id, refresh_ttl_secs).await
}

async fn revoke_family(db: &DatabaseConnection, family_id: Uuid) -> ApiResult<()> {
    refresh_tokens::Entity::update_many()
        .col_expr(refresh_tokens::Column::RevokedAt, Expr::value(db::now()))
        .filter(refresh_tokens::Column::FamilyId.eq(family_id))
        .filter(refresh_tokens::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// Revokes the session (token family) of a refresh token. Unknown tokens
/// are accepted silently: logging out twice is not an error.
pub async fn logout(
    db: &DatabaseConnection,
    token: &str,
    request_id: Option<String>,
) -> ApiResult<()> {
    let row = refresh_tokens::Entity::find()
        .filter(refresh_tokens::Column::TokenHash.eq(sha256_hex(token)))
        .one(db)
        .await?;
    if let Some(row) = row {
        let province = users::Entity::find_by_id(row.user_id)
            .one(db)
            .await?
            .and_then(|u| u.province_code);
        let actor = Actor {
            kind: entity::ActorType::User,
            id: Some(row.user_id),
            request_id,
        };
        let mut tx = WriteTx::begin(db, &actor).await?;
        refresh_tokens::Entity::update_many()
            .col_expr(refresh_tokens::Column::RevokedAt, Expr::value(db::now()))
            .filter(refresh_tokens::Column::FamilyId.eq(row.family_id))
            .filter(refresh_tokens::Column::RevokedAt.is_null())
            .exec(&*tx)
            .await?;
        tx.record(audit::Entry {
            action: "logout",
            resource_type: "user",
            resource_id: row.user_id,
            province_code: province,
            changes: serde_json::json!({"family_revoked": row.family_id}),
        })
        .await?;
        tx.commit().await?;
    }
    Ok(())
}

pub async fn partner_token(
    db: &DatabaseConnection,
    keys: &JwtKeys,
    client_id: &str,
    client_secret: &str,
    request_id: Option<String>,
) -> ApiResult<PartnerToken> {
    let partner = partners::Entity::find()
        .filter(partners::Column::ClientId.eq(client_id.trim()))
        .one(db)
        .await?;
    let hash = partner
        .as_ref()
        .map(|p| p.client_secret_hash.as_str())
        .unwrap_or(dummy_hash().await);
    let ok = password::verify_async(client_secret, hash).await;
    let partner = match partner {
        Some(p) if ok && p.is_active => p,
        other => {
            let id = other.map(|p| p.id).unwrap_or(Uuid::nil());
            record_event(
                db,
                &Actor::anonymous(request_id),
                "token_failed",
                "partner",
                id,
                None,
                serde_json::json!({"known_client": id != Uuid::nil()}),
            )
            .await?;
            return Err(ApiError::new(Code::AuthBadClient));
        }
    };
    record_event(
        db,
        &Actor {
            kind: entity::ActorType::Partner,
            id: Some(partner.id),
            request_id,
        },
        "token",
        "partner",
        partner.id,
        None,
        serde_json::json!({}),
    )
    .await?;
    Ok(PartnerToken {
        access_token: keys.issue(partner.id, PARTNER)?,
        token_type: "Bearer",
        expires_in: keys.access_ttl_secs,
    })
}
