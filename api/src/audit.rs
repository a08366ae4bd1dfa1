//! The audit trail. Every write goes through a [`WriteTx`]: a database
//! transaction that refuses to commit unless at least one audit entry was
//! recorded in it, so a write path that forgets its audit entry fails loudly
//! in its first test instead of silently leaving no trace.
//!
//! Entries about santri (personal data of often minor persons, UU 27/2022)
//! keep the names of the fields that changed and never their values: see
//! [`names_only`] and `docs/data-protection.md`. The trail is read through
//! `GET /api/v1/audit` (`crate::audit_log`).

use entity::{audit_log, ActorType};
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DatabaseTransaction, EntityTrait, Set, TransactionTrait,
};
use serde::Serialize;
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::db;
use crate::error::{ApiError, ApiResult};

/// Who is making a change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub kind: ActorType,
    pub id: Option<Uuid>,
    /// Request id, to find the log lines of the change.
    pub request_id: Option<String>,
}

impl Actor {
    pub fn system() -> Self {
        Self {
            kind: ActorType::System,
            id: None,
            request_id: None,
        }
    }

    pub fn anonymous(request_id: Option<String>) -> Self {
        Self {
            kind: ActorType::Anonymous,
            id: None,
            request_id,
        }
    }
}

/// One audited change.
#[derive(Debug, Clone)]
pub struct Entry {
    pub action: &'static str,
    pub resource_type: &'static str,
    pub resource_id: Uuid,
    pub province_code: Option<String>,
    /// Changed fields, as produced by [`created`] or [`diff`].
    pub changes: Value,
}

/// A transaction for writes, audited by construction.
pub struct WriteTx {
    txn: DatabaseTransaction,
    actor: Actor,
    recorded: usize,
}

impl WriteTx {
    pub async fn begin(db: &DatabaseConnection, actor: &Actor) -> ApiResult<Self> {
        Ok(Self {
            // On SQLite, take the write lock at BEGIN: a deferred transaction
            // that reads first and writes later fails at once (not after the
            // busy timeout) when another writer committed in between.
            txn: db
                .begin_with_options(sea_orm::TransactionOptions {
                    sqlite_transaction_mode: Some(sea_orm::SqliteTransactionMode::Immediate),
                    ..Default::default()
                })
                .await?,
            actor: actor.clone(),
            recorded: 0,
        })
    }

    pub fn actor(&self) -> &Actor {
        &self.actor
    }

    /// Records an entry inside this transaction, so it commits or rolls back
    /// with the change it describes.
    pub async fn record(&mut self, entry: Entry) -> ApiResult<()> {
        self.record_all(vec![entry]).await
    }

    /// Records entries inside this transaction, in one statement.
    pub async fn record_all(&mut self, entries: Vec<Entry>) -> ApiResult<()> {
        if entries.is_empty() {
            return Ok(());
        }
        let n = entries.len();
        let now = db::now();
        let rows = entries.into_iter().map(|entry| {
            let changes = if is_personal(entry.resource_type) {
                names_only(&entry.changes)
            } else {
                entry.changes
            };
            audit_log::ActiveModel {
                id: Set(db::new_id()),
                actor_type: Set(self.actor.kind),
                actor_id: Set(self.actor.id),
                action: Set(entry.action.to_string()),
                resource_type: Set(entry.resource_type.to_string()),
                resource_id: Set(entry.resource_id),
                province_code: Set(entry.province_code),
                changes: Set(changes),
                request_id: Set(self.actor.request_id.clone()),
                created_at: Set(now),
            }
        });
        // Nothing is read back: an entry is written, never shown to its writer.
        audit_log::Entity::insert_many(rows)
            .exec_without_returning(&self.txn)
            .await?;
        self.recorded += n;
        Ok(())
    }

    pub async fn commit(self) -> ApiResult<()> {
        if self.recorded == 0 {
            // A programming error, not a client's: roll back and answer 500.
            self.txn.rollback().await?;
            return Err(ApiError::internal(anyhow::anyhow!(
                "a write transaction was committed without an audit entry"
            )));
        }
        self.txn.commit().await?;
        Ok(())
    }
}

impl std::ops::Deref for WriteTx {
    type Target = DatabaseTransaction;
    fn deref(&self) -> &Self::Target {
        &self.txn
    }
}

/// Resource types whose entries keep field names only: their values are
/// personal data that must not outlive the record (erasure) and that an
/// admin reading the trail has no need to see.
pub const PERSONAL: [&str; 1] = ["santri"];

pub fn is_personal(resource_type: &str) -> bool {
    PERSONAL.contains(&resource_type)
}

/// `{"fields": [names]}`: the changed fields of `changes` (as made by
/// [`created`] or [`diff`]), sorted, without their values. Idempotent.
pub fn names_only(changes: &Value) -> Value {
    let mut names: Vec<String> = match changes {
        Value::Object(map) if map.len() == 1 && map.get("fields").is_some_and(Value::is_array) => {
            return changes.clone()
        }
        Value::Object(map) => map.keys().cloned().collect(),
        _ => Vec::new(),
    };
    names.sort();
    serde_json::json!({ "fields": names })
}

/// Records that `actor` read the personal data of the records `ids` (each
/// with its province), as the law asks of processing: one `read` entry per
/// record, so a santri's history finds every read of them by index. `via`
/// names how (`get`, `list`, `export`).
pub async fn record_reads(
    db: &impl ConnectionTrait,
    actor: &Actor,
    resource_type: &'static str,
    ids: &[(Uuid, String)],
    via: &'static str,
) -> ApiResult<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let now = db::now();
    let rows = ids.iter().map(|(id, province)| audit_log::ActiveModel {
        id: Set(db::new_id()),
        actor_type: Set(actor.kind),
        actor_id: Set(actor.id),
        action: Set("read".to_string()),
        resource_type: Set(resource_type.to_string()),
        resource_id: Set(*id),
        province_code: Set(Some(province.clone())),
        changes: Set(serde_json::json!({ "via": via })),
        request_id: Set(actor.request_id.clone()),
        created_at: Set(now),
    });
    audit_log::Entity::insert_many(rows).exec(db).await?;
    Ok(())
}

/// Field names whose values never enter the audit trail.
fn is_secret(field: &str) -> bool {
    let f = field.to_ascii_lowercase();
    ["password", "secret", "token", "hash"]
        .iter()
        .any(|s| f.contains(s))
}

fn redact(field: &str, value: &Value) -> Value {
    if is_secret(field) {
        return Value::String("[redacted]".into());
    }
    if field == "nik" {
        if let Value::String(nik) = value {
            return Value::String(crate::masking::mask_nik(nik));
        }
    }
    value.clone()
}

fn to_object(value: &impl Serialize) -> Map<String, Value> {
    match serde_json::to_value(value) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    }
}

/// The fields of a new resource, redacted.
pub fn created(after: &impl Serialize) -> Value {
    let map = to_object(after)
        .iter()
        .map(|(k, v)| (k.clone(), redact(k, v)))
        .collect();
    Value::Object(map)
}

/// `{field: {"from": …, "to": …}}` for every field that differs, redacted.
/// Bookkeeping fields that change on every write are left out.
pub fn diff(before: &impl Serialize, after: &impl Serialize) -> Value {
    let before = to_object(before);
    let after = to_object(after);
    let mut out = Map::new();
    for (k, new) in &after {
        if matches!(k.as_str(), "updated_at" | "version") {
            continue;
        }
        let old = before.get(k).unwrap_or(&Value::Null);
        if old != new {
            out.insert(
                k.clone(),
                serde_json::json!({ "from": redact(k, old), "to": redact(k, new) }),
            );
        }
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn secrets_and_identity_numbers_are_redacted() {
        let v = created(&json!({
            "email": "a@b.id",
            "password_hash": "$argon2id$...",
            "client_secret": "abc",
            "refresh_token": "t",
            "nik": "3578014101990001",
        }));
        assert_eq!(v["email"], "a@b.id");
        assert_eq!(v["password_hash"], "[redacted]");
        assert_eq!(v["client_secret"], "[redacted]");
        assert_eq!(v["refresh_token"], "[redacted]");
        assert_eq!(v["nik"], "************0001");
    }

    #[test]
    fn personal_entries_keep_field_names_only() {
        let once = names_only(&json!({"phone": {"from": "+62811", "to": null}, "name": "Siti"}));
        assert_eq!(once, json!({"fields": ["name", "phone"]}));
        assert_eq!(names_only(&once), once);
        assert!(is_personal("santri") && !is_personal("product"));
    }

    #[test]
    fn diff_lists_only_changed_fields() {
        let d = diff(
            &json!({"name": "A", "phone": "+62811", "version": 1, "nik": "3578014101990001"}),
            &json!({"name": "B", "phone": "+62811", "version": 2, "nik": "3578014101990002"}),
        );
        assert_eq!(
            d,
            json!({
                "name": {"from": "A", "to": "B"},
                "nik": {"from": "************0001", "to": "************0002"}
            })
        );
    }
}
