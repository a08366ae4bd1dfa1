//! `Idempotency-Key`: a retried write gets the first answer again instead
//! of being applied twice.
//!
//! A write that takes a key ([`Key`]) computes the fingerprint of its parsed
//! body, looks for an earlier use of the key by the same caller
//! ([`Claim::replay`]: the stored answer, or 422 when the key came with
//! another body), and stores its answer under the key ([`Claim::store`]),
//! in the same transaction as the change where it has one, so that the
//! answer exists exactly when the change does. Two requests racing with one
//! key cannot both store: the unique index on (caller, key) refuses the
//! second, which then replays the first. Keys are remembered for
//! [`TTL_SECS`]; [`spawn_expiry`] forgets older ones.

use std::time::Duration;

use actix_web::http::{header, StatusCode};
use actix_web::{FromRequest, HttpRequest, HttpResponse, HttpResponseBuilder};
use entity::idempotency_keys;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, ExprTrait, QueryFilter, Set,
};
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::auth::Caller;
use crate::error::{is_unique_violation, ApiError, ApiResult, Code, FieldCode, PROBLEM_JSON};

/// The request header naming one attempt at a write.
pub const HEADER: &str = "Idempotency-Key";
/// The response header telling a replayed answer from a first one.
pub const REPLAYED: &str = "Idempotent-Replayed";
/// Longest accepted key.
pub const MAX_KEY_LEN: usize = 255;
/// How long a key is remembered.
pub const TTL_SECS: i64 = 24 * 60 * 60;
/// How often each instance forgets expired keys.
pub const EXPIRY_INTERVAL: Duration = Duration::from_secs(10 * 60);

/// The `Idempotency-Key` of a request: present once, 1 to 255 visible ASCII
/// characters; otherwise 400.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key(String);

impl Key {
    pub fn parse(req: &HttpRequest) -> ApiResult<Key> {
        let invalid = || ApiError::new(Code::IdempotencyKeyInvalid).with("max", MAX_KEY_LEN);
        let mut values = req.headers().get_all(HEADER);
        let value = values
            .next()
            .ok_or_else(|| ApiError::new(Code::IdempotencyKeyMissing).with("max", MAX_KEY_LEN))?;
        if values.next().is_some() {
            return Err(invalid());
        }
        let bytes = value.as_bytes();
        if bytes.is_empty()
            || bytes.len() > MAX_KEY_LEN
            || !bytes.iter().all(|b| (0x21..=0x7e).contains(b))
        {
            return Err(invalid());
        }
        // Visible ASCII only, so this never replaces anything.
        Ok(Key(String::from_utf8_lossy(bytes).into_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromRequest for Key {
    type Error = ApiError;
    type Future = std::future::Ready<ApiResult<Key>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        std::future::ready(Key::parse(req))
    }
}

/// SHA-256 of the canonical JSON of a parsed request: the same request sent
/// with other whitespace or key order has the same fingerprint.
pub fn fingerprint(request: &impl Serialize) -> ApiResult<String> {
    let canonical = serde_json::to_vec(request).map_err(anyhow::Error::from)?;
    Ok(hex::encode(Sha256::digest(&canonical)))
}

/// Who a key belongs to: keys are per caller.
fn owner(caller: &Caller) -> String {
    match (&caller.principal.user(), caller.principal.partner()) {
        (Some(u), _) => format!("user:{}", u.id),
        (None, Some(p)) => format!("partner:{}", p.id),
        (None, None) => "anonymous".into(),
    }
}

/// An answer given under a key: its status and body, and whether it is the
/// stored answer of an earlier request.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    pub status: u16,
    pub body: Value,
    pub replayed: bool,
}

/// One request's use of a key on one endpoint.
pub struct Claim {
    owner: String,
    key: String,
    endpoint: &'static str,
    fingerprint: String,
}

/// What storing an answer came to.
pub enum Stored {
    Yes,
    /// A concurrent request with the same key stored first; replay its
    /// answer.
    Raced,
}

impl Claim {
    pub fn new(
        caller: &Caller,
        key: &Key,
        endpoint: &'static str,
        request: &impl Serialize,
    ) -> ApiResult<Claim> {
        Ok(Claim {
            owner: owner(caller),
            key: key.0.clone(),
            endpoint,
            fingerprint: fingerprint(request)?,
        })
    }

    fn now() -> i64 {
        chrono::Utc::now().timestamp()
    }

    /// The stored answer of an earlier use of the key, if it was for this
    /// very request; 422 when the key came with another request.
    pub async fn replay(&self, conn: &impl ConnectionTrait) -> ApiResult<Option<Answer>> {
        let Some(row) = idempotency_keys::Entity::find()
            .filter(idempotency_keys::Column::Principal.eq(self.owner.as_str()))
            .filter(idempotency_keys::Column::Key.eq(self.key.as_str()))
            .filter(idempotency_keys::Column::ExpiresAt.gt(Self::now()))
            .one(conn)
            .await?
        else {
            return Ok(None);
        };
        if row.endpoint != self.endpoint || row.request_hash != self.fingerprint {
            return Err(ApiError::field(HEADER, FieldCode::KeyReused));
        }
        let status = u16::try_from(row.response_status).map_err(|_| {
            anyhow::anyhow!("stored status {} is out of range", row.response_status)
        })?;
        Ok(Some(Answer {
            status,
            body: row.response_body,
            replayed: true,
        }))
    }

    /// Forgets an expired use of the key, so that this request may store
    /// its own answer under it.
    pub async fn forget_expired(&self, conn: &impl ConnectionTrait) -> ApiResult<()> {
        idempotency_keys::Entity::delete_many()
            .filter(idempotency_keys::Column::Principal.eq(self.owner.as_str()))
            .filter(idempotency_keys::Column::Key.eq(self.key.as_str()))
            .filter(idempotency_keys::Column::ExpiresAt.lte(Self::now()))
            .exec(conn)
            .await?;
        Ok(())
    }

    /// Stores the answer under the key, on `conn` (the write's own
    /// transaction, where it has one). An expired use of the key is
    /// replaced in the same statement; a live one means a concurrent request
    /// with the same key stored first ([`Stored::Raced`]).
    pub async fn store(
        &self,
        conn: &impl ConnectionTrait,
        status: u16,
        body: &Value,
    ) -> ApiResult<Stored> {
        use idempotency_keys::Column as C;
        let now = crate::db::now();
        let row = idempotency_keys::ActiveModel {
            id: Set(crate::db::new_id()),
            principal: Set(self.owner.clone()),
            key: Set(self.key.clone()),
            endpoint: Set(self.endpoint.to_string()),
            request_hash: Set(self.fingerprint.clone()),
            response_status: Set(i32::from(status)),
            response_body: Set(body.clone()),
            created_at: Set(now),
            expires_at: Set(now.timestamp() + TTL_SECS),
        };
        let replace_expired = OnConflict::columns([C::Principal, C::Key])
            .update_columns([
                C::Endpoint,
                C::RequestHash,
                C::ResponseStatus,
                C::ResponseBody,
                C::CreatedAt,
                C::ExpiresAt,
            ])
            .action_and_where(
                Expr::col((idempotency_keys::Entity, C::ExpiresAt)).lte(now.timestamp()),
            )
            .to_owned();
        // Nothing is read back (on SQLite, `insert` would select the row).
        let saved = idempotency_keys::Entity::insert(row)
            .on_conflict(replace_expired)
            .exec_without_returning(conn)
            .await;
        match saved {
            Ok(0) => Ok(Stored::Raced),
            Ok(_) => Ok(Stored::Yes),
            Err(e) if is_unique_violation(&e) => Ok(Stored::Raced),
            Err(e) => Err(e.into()),
        }
    }
}

/// The HTTP answer of an [`Answer`]: its status, `Idempotent-Replayed`, and
/// its body (a problem body as problem+json), with the headers of the
/// resource in its body (`Location` under `location`, `ETag`).
pub fn respond(answer: &Answer, location: Option<&str>) -> ApiResult<HttpResponse> {
    let status = StatusCode::from_u16(answer.status).map_err(anyhow::Error::from)?;
    let mut res: HttpResponseBuilder = HttpResponse::build(status);
    res.insert_header((REPLAYED, if answer.replayed { "true" } else { "false" }));
    if status.is_client_error() || status.is_server_error() {
        res.insert_header((header::CONTENT_TYPE, PROBLEM_JSON));
        return Ok(res.body(answer.body.to_string()));
    }
    if let (Some(base), Some(id)) = (location, answer.body.get("id").and_then(Value::as_str)) {
        res.insert_header((header::LOCATION, format!("{base}/{id}")));
    }
    let version = answer.body.get("version").and_then(Value::as_i64);
    if let Some(version) = version.and_then(|v| i32::try_from(v).ok()) {
        res = crate::http::with_etag(res, version);
    }
    Ok(res.json(&answer.body))
}

/// Forgets every expired key; answers how many.
pub async fn expire(db: &DatabaseConnection) -> ApiResult<u64> {
    let done = idempotency_keys::Entity::delete_many()
        .filter(idempotency_keys::Column::ExpiresAt.lte(chrono::Utc::now().timestamp()))
        .exec(db)
        .await?;
    Ok(done.rows_affected)
}

/// Runs [`expire`] every `interval` until the process ends.
pub fn spawn_expiry(db: DatabaseConnection, interval: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(interval);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticker.tick().await;
            match expire(&db).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(forgotten = n, "forgot expired idempotency keys"),
                Err(e) => {
                    tracing::warn!(error = %e, "forgetting idempotency keys failed; it will run again")
                }
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    #[test]
    fn keys_must_be_sent_once_as_short_visible_ascii() {
        let key = |v: &str| {
            Key::parse(
                &TestRequest::default()
                    .insert_header((HEADER, v))
                    .to_http_request(),
            )
        };
        assert_eq!(key("order-1").unwrap().as_str(), "order-1");
        assert_eq!(key(&"k".repeat(255)).unwrap().as_str().len(), 255);
        assert_eq!(
            key(&"k".repeat(256)).unwrap_err().code(),
            Code::IdempotencyKeyInvalid
        );
        assert!(key("").is_err());
        assert!(key("two words").is_err());
        assert_eq!(
            Key::parse(&TestRequest::default().to_http_request())
                .unwrap_err()
                .code(),
            Code::IdempotencyKeyMissing
        );
        let twice = TestRequest::default()
            .append_header((HEADER, "a"))
            .append_header((HEADER, "b"))
            .to_http_request();
        assert!(Key::parse(&twice).is_err());
    }

    #[test]
    fn the_fingerprint_ignores_the_layout_of_the_body() {
        #[derive(serde::Deserialize, Serialize)]
        struct Order {
            a: Vec<u8>,
            b: u8,
        }
        let read = |s: &str| serde_json::from_str::<Order>(s).unwrap();
        let a = read(r#"{"b":1,"a":[1,2]}"#);
        let b = read("{ \"a\" : [1, 2],\n \"b\": 1 }");
        assert_eq!(fingerprint(&a).unwrap(), fingerprint(&b).unwrap());
        let c = read(r#"{"a":[2,1],"b":1}"#);
        assert_ne!(fingerprint(&a).unwrap(), fingerprint(&c).unwrap());
    }
}
