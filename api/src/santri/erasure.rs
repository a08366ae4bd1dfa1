//! Erasing a santri's personal data (UU 27/2022 art. 8 and 43), so that
//! afterwards no personal value of theirs is anywhere in the database:
//!
//! - the santri row keeps only what the figures count (pesantren, province,
//!   status, santripreneur, gender) and `erased_at`; every other personal
//!   field is emptied;
//! - user accounts bound to the record are deactivated and anonymised, and
//!   their sessions revoked;
//! - audit entries about the santri and those accounts keep field names
//!   only (santri entries never held values; see `audit::names_only`).
//!
//! What the database engines keep of the old bytes is handled by
//! [`sweep`]; see `docs/data-protection.md`.

use entity::{audit_log, refresh_tokens, santri, users};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseBackend, DatabaseConnection,
    EntityTrait, QueryFilter, Set,
};
use uuid::Uuid;

use super::model::SantriView;
use crate::audit::{self, WriteTx};
use crate::auth::scope;
use crate::db;
use crate::error::{ApiError, ApiResult, Code};

/// Empties the personal fields of `current` inside `tx`, with the audit
/// entry `action` (`erase`, `erase_consent_withdrawn`, `erase_retention`).
/// A row that changed since it was read gets 412, so two erasers (two
/// instances of the retention task) erase it once.
pub async fn erase(
    tx: &mut WriteTx,
    current: &santri::Model,
    action: &'static str,
) -> ApiResult<santri::Model> {
    scrub_links(tx, current.id).await?;
    let now = db::now();
    scope::update_if_version::<santri::Entity>(
        &**tx,
        current.id,
        current.version,
        santri::ActiveModel {
            name: Set(String::new()),
            search_name: Set(String::new()),
            nik_legacy: Set(None),
            nik_sealed: Set(None),
            nik_hash: Set(None),
            nik_last4: Set(None),
            birth_date: Set(None),
            entry_year: Set(None),
            phone: Set(None),
            email: Set(None),
            address: Set(None),
            guardian_name: Set(None),
            guardian_consent_at: Set(None),
            consent_relation: Set(None),
            consent_method: Set(None),
            consent_given_on: Set(None),
            consent_recorded_by: Set(None),
            left_on: Set(None),
            erased_at: Set(Some(now)),
            updated_at: Set(now),
            version: Set(current.version + 1),
            ..Default::default()
        },
    )
    .await?;
    let after = santri::Entity::find_by_id(current.id)
        .one(&**tx)
        .await?
        .ok_or_else(|| ApiError::new(Code::SantriNotFound))?;
    tx.record(audit::Entry {
        action,
        resource_type: "santri",
        resource_id: current.id,
        province_code: Some(current.province_code.clone()),
        changes: audit::diff(
            &SantriView::from(current.clone()),
            &SantriView::from(after.clone()),
        ),
    })
    .await?;
    Ok(after)
}

/// Deactivates and anonymises the accounts bound to santri `id`, revokes
/// their sessions, and reduces the audit entries about them and about the
/// santri to field names.
pub async fn scrub_links(tx: &WriteTx, id: Uuid) -> ApiResult<()> {
    let accounts = users::Entity::find()
        .filter(users::Column::SantriId.eq(id))
        .all(&**tx)
        .await?;
    let now = db::now();
    for account in &accounts {
        refresh_tokens::Entity::delete_many()
            .filter(refresh_tokens::Column::UserId.eq(account.id))
            .exec(&**tx)
            .await?;
        users::ActiveModel {
            id: Set(account.id),
            // Unique and not an address of anybody's: `.invalid` is reserved.
            email: Set(format!("erased-{}@erased.invalid", account.id)),
            name: Set(String::new()),
            password_hash: Set("!erased".into()),
            santri_id: Set(None),
            is_active: Set(false),
            updated_at: Set(now),
            version: Set(account.version + 1),
            ..Default::default()
        }
        .update(&**tx)
        .await?;
        names_only(&**tx, "user", account.id).await?;
    }
    names_only(&**tx, "santri", id).await?;
    for account in &accounts {
        // After the rewrite above, so that this entry is not rewritten.
        audit_log::ActiveModel {
            id: Set(db::new_id()),
            actor_type: Set(tx.actor().kind),
            actor_id: Set(tx.actor().id),
            action: Set("erase".into()),
            resource_type: Set("user".into()),
            resource_id: Set(account.id),
            province_code: Set(account.province_code.clone()),
            changes: Set(
                serde_json::json!({"fields": ["email", "is_active", "name", "password_hash"]}),
            ),
            request_id: Set(tx.actor().request_id.clone()),
            created_at: Set(now),
        }
        .insert(&**tx)
        .await?;
    }
    Ok(())
}

/// Rewrites the entries about one resource to field names only.
async fn names_only(conn: &impl ConnectionTrait, resource_type: &str, id: Uuid) -> ApiResult<()> {
    let entries = audit_log::Entity::find()
        .filter(audit_log::Column::ResourceType.eq(resource_type))
        .filter(audit_log::Column::ResourceId.eq(id))
        .all(conn)
        .await?;
    for e in entries {
        let reduced = audit::names_only(&e.changes);
        if reduced != e.changes {
            audit_log::ActiveModel {
                id: Set(e.id),
                changes: Set(reduced),
                ..Default::default()
            }
            .update(conn)
            .await?;
        }
    }
    Ok(())
}

/// After an erasure has committed: asks the engine to let go of the old
/// bytes too. SQLite runs with `secure_delete` (freed content is zeroed);
/// the write-ahead log still holds the old pages until a checkpoint, which
/// this forces. PostgreSQL keeps the old row versions as dead tuples until
/// vacuum, which this starts in the background (VACUUM cannot run in a
/// transaction, and need not delay the answer). Failures are logged, not
/// answered: the erasure itself is done.
pub async fn sweep(db: &DatabaseConnection) {
    match db.get_database_backend() {
        DatabaseBackend::Sqlite => {
            if let Err(e) = db
                .execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)")
                .await
            {
                tracing::warn!(error = %e, "the checkpoint after an erasure failed");
            }
        }
        DatabaseBackend::Postgres => {
            let db = db.clone();
            tokio::spawn(async move {
                if let Err(e) = db
                    .execute_unprepared("VACUUM santri, users, refresh_tokens, audit_log")
                    .await
                {
                    tracing::warn!(error = %e, "the vacuum after an erasure failed");
                }
            });
        }
        _ => {}
    }
}
