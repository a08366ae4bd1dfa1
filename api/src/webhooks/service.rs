//! Webhook subscriptions: each partner's URL, secret and position in the
//! change feed, as the partner registers, reads, replays and removes it.

use entity::webhooks;
use sea_orm::{ActiveModelTrait, ConnectionTrait, DatabaseConnection, EntityTrait, Set};
use uuid::Uuid;

use super::guard::check_target;
use super::model::{view, Audited, ReplayInput, WebhookInput, WebhookRegistered, WebhookView};
use super::signing::new_secret;
use crate::audit::{self, WriteTx};
use crate::auth::Partner;
use crate::db;
use crate::edit::{check_version, Edit};
use crate::error::{unique_as, ApiError, ApiResult, Code, FieldCode};
use crate::feed;

fn no_subscription() -> ApiError {
    ApiError::new(Code::WebhookNotFound)
}

async fn own(conn: &impl ConnectionTrait, partner: Uuid) -> ApiResult<Option<webhooks::Model>> {
    Ok(webhooks::Entity::find_by_id(partner).one(conn).await?)
}

/// Registers (`PUT`) or changes (`PUT` again, `PATCH`) the partner's
/// webhook. Answers the subscription with its secret, and whether it is
/// new. `allow_private` lets the URL point at private addresses
/// (development only).
pub async fn register(
    db: &DatabaseConnection,
    allow_private: bool,
    partner: &Partner,
    edit: Edit<WebhookInput>,
    expected_version: Option<i32>,
) -> ApiResult<(WebhookRegistered, bool)> {
    let current = own(db, partner.id).await?;
    let input = match (&current, edit) {
        (_, Edit::Input(input)) => input,
        (Some(c), edit) => edit.resolve(&view(c.clone(), feed::last_seq(db).await?))?,
        (None, Edit::Replace(body)) => Edit::Replace(body).resolve(&serde_json::json!({}))?,
        (None, Edit::Patch(_)) => return Err(no_subscription()),
    };
    let url = check_target(&input.url, allow_private)
        .await
        .map_err(|e| ApiError::validation(vec![e]))?
        .to_string();
    let now = db::now();
    let mut tx = WriteTx::begin(db, &partner.actor()).await?;
    let before = own(&*tx, partner.id).await?;
    if let Some(b) = &before {
        check_version(expected_version, b.version)?;
    }
    let created = before.is_none();
    let saved = match before.clone() {
        Some(existing) => {
            let rotate = input.rotate_secret;
            let mut row: webhooks::ActiveModel = existing.clone().into();
            row.url = Set(url.clone());
            if rotate {
                row.secret = Set(new_secret());
            }
            // A new address or secret: try at once, and take the
            // subscription from any deliverer still sending to the old one.
            row.attempts = Set(0);
            row.next_attempt_at = Set(0);
            row.last_error = Set(None);
            row.lease_owner = Set(None);
            row.leased_until = Set(0);
            row.updated_at = Set(now);
            row.version = Set(existing.version + 1);
            row.update(&*tx).await?
        }
        None => {
            // Starts at the feed's end: the first full sync goes through
            // `GET /catalog/changes`, which is much faster than a push per
            // product.
            let end = feed::last_seq(&*tx).await?;
            webhooks::ActiveModel {
                partner_id: Set(partner.id),
                url: Set(url.clone()),
                secret: Set(new_secret()),
                cursor: Set(end),
                attempts: Set(0),
                next_attempt_at: Set(0),
                leased_until: Set(0),
                lease_owner: Set(None),
                last_error: Set(None),
                last_attempt_at: Set(None),
                last_delivered_at: Set(None),
                created_at: Set(now),
                updated_at: Set(now),
                version: Set(1),
            }
            .insert(&*tx)
            .await
            .map_err(unique_as(Code::WebhookConcurrent))?
        }
    };
    let after = Audited {
        url: saved.url.clone(),
        cursor: saved.cursor,
        signing_key_rotated: created || input.rotate_secret,
    };
    tx.record(audit::Entry {
        action: if created { "create" } else { "update" },
        resource_type: "webhook",
        resource_id: partner.id,
        province_code: None,
        changes: match &before {
            Some(b) => audit::diff(
                &Audited {
                    url: b.url.clone(),
                    cursor: b.cursor,
                    signing_key_rotated: false,
                },
                &after,
            ),
            None => audit::created(&after),
        },
    })
    .await?;
    tx.commit().await?;
    Ok((
        WebhookRegistered {
            url: saved.url,
            secret: saved.secret,
            cursor: saved.cursor.to_string(),
            version: saved.version,
        },
        created,
    ))
}

/// The partner's subscription and its delivery state.
pub async fn state(db: &DatabaseConnection, partner: &Partner) -> ApiResult<WebhookView> {
    let sub = own(db, partner.id).await?.ok_or_else(no_subscription)?;
    Ok(view(sub, feed::last_seq(db).await?))
}

/// Removes the caller's subscription: nothing more is delivered.
pub async fn remove(
    db: &DatabaseConnection,
    partner: &Partner,
    expected_version: Option<i32>,
) -> ApiResult<()> {
    let mut tx = WriteTx::begin(db, &partner.actor()).await?;
    let existing = own(&*tx, partner.id).await?.ok_or_else(no_subscription)?;
    check_version(expected_version, existing.version)?;
    webhooks::Entity::delete_by_id(partner.id)
        .exec(&*tx)
        .await?;
    tx.record(audit::Entry {
        action: "delete",
        resource_type: "webhook",
        resource_id: partner.id,
        province_code: None,
        changes: audit::created(&Audited {
            url: existing.url,
            cursor: existing.cursor,
            signing_key_rotated: false,
        }),
    })
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Moves the caller's cursor so that the events after `cursor` are
/// delivered (again), starting now.
pub async fn replay(
    db: &DatabaseConnection,
    partner: &Partner,
    input: ReplayInput,
    expected_version: Option<i32>,
) -> ApiResult<WebhookView> {
    let target = match input.cursor.as_deref().map(str::trim) {
        None | Some("") => 0,
        Some(c) => c
            .parse::<i64>()
            .ok()
            .filter(|n| *n >= 0)
            .ok_or_else(|| ApiError::field("cursor", FieldCode::FeedCursor))?,
    };
    let mut tx = WriteTx::begin(db, &partner.actor()).await?;
    let existing = own(&*tx, partner.id).await?.ok_or_else(no_subscription)?;
    check_version(expected_version, existing.version)?;
    let end = feed::last_seq(&*tx).await?;
    if target > end {
        return Err(ApiError::new(Code::WebhookCursorPastEnd).with("end", end));
    }
    let mut row: webhooks::ActiveModel = existing.clone().into();
    row.cursor = Set(target);
    row.attempts = Set(0);
    row.next_attempt_at = Set(0);
    row.last_error = Set(None);
    // Take the subscription from a deliverer in the middle of a batch: its
    // next cursor update is refused, and it stops.
    row.lease_owner = Set(None);
    row.leased_until = Set(0);
    row.updated_at = Set(db::now());
    row.version = Set(existing.version + 1);
    let saved = row.update(&*tx).await?;
    tx.record(audit::Entry {
        action: "replay",
        resource_type: "webhook",
        resource_id: partner.id,
        province_code: None,
        changes: serde_json::json!({"cursor": {"from": existing.cursor, "to": target}}),
    })
    .await?;
    tx.commit().await?;
    Ok(view(saved, end))
}
