//! Webhooks: the catalogue change feed pushed to each partner's URL.
//!
//! The feed (`catalog_changes`) is the durable outbox. Its positions are
//! handed out in commit order and it is never compacted (see
//! `docs/change-feed.md`), so nothing has to be written when the catalogue
//! changes: a subscription only remembers the last position its partner
//! acknowledged (`cursor`). A deliverer task runs on every instance
//! ([`spawn`]); each pass claims the due subscriptions that are behind the
//! feed with one conditional `UPDATE` (a lease: `lease_owner`,
//! `leased_until`), POSTs the events after the cursor one by one, in order,
//! and moves the cursor after each 2xx. A crash loses at most the event in
//! flight, which is sent again: delivery is at least once, and receivers
//! de-duplicate by `X-OPOP-Event-Id` (the event's feed position). A failure
//! (non-2xx, timeout, refused connection, forbidden address) keeps the
//! cursor and backs off exponentially, capped at an hour.
//!
//! Every write of the deliverer is fenced by its lease token, and every
//! write of the partner (new URL, replay, removal) drops the lease, so a
//! deliverer that lost its lease stops at its next event instead of moving
//! a cursor the partner just set.
//!
//! Targets are checked against server-side request forgery: https only, and
//! never an address that is loopback, private, link-local, CGNAT, multicast
//! and the like (unless `OPOP_WEBHOOK_ALLOW_PRIVATE`), both when the URL is
//! registered and, through the client's resolver, at every connection, so
//! a name re-pointed after registration (DNS rebinding) is refused too.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use actix_web::{delete, get, post, put, web, HttpRequest, HttpResponse};
use entity::{catalog_changes, partners, webhooks};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, QueryTrait, Set,
};
use serde::{Deserialize, Deserializer, Serialize};
use sha2::Sha256;
use tokio::sync::watch;
use tokio::task::JoinSet;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::audit::{self, WriteTx};
use crate::auth::Caller;
use crate::catalog::changes::ChangeEvent;
use crate::config::Config;
use crate::db;
use crate::error::{ApiError, ApiResult};
use crate::http::{check_version, if_match, with_etag, Body};
use crate::ratelimit::MeteredPartner;
use crate::startup::AppState;

/// Events read from the feed at a time for one subscription.
const BATCH: u64 = 100;
/// Batches one claim may send before the subscription goes back to the
/// pool (so one busy partner does not keep a deliverer forever).
const BATCHES_PER_CLAIM: usize = 10;
/// Subscriptions one instance serves at once.
const MAX_IN_FLIGHT: usize = 32;
/// The longest wait between two attempts after failures.
const MAX_BACKOFF: Duration = Duration::from_secs(3600);
/// Longest URL accepted.
const MAX_URL_LEN: usize = 500;
/// How long a name may take to resolve when a URL is registered.
const RESOLVE_TIMEOUT: Duration = Duration::from_secs(5);

// ---------------------------------------------------------------------------
// Addresses
// ---------------------------------------------------------------------------

/// Whether a webhook may never be sent to `ip` (unless private targets are
/// allowed): loopback, unspecified, "this network", link-local, private
/// (RFC 1918, fc00::/7), CGNAT (100.64/10), multicast, broadcast and the
/// other reserved ranges; IPv4 addresses embedded in IPv6 (mapped, NAT64,
/// 6to4) are judged as IPv4.
pub fn is_forbidden(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => forbidden_v4(v4),
        IpAddr::V6(v6) => forbidden_v6(v6),
    }
}

fn forbidden_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_multicast()
        || ip.is_broadcast()
        || a == 0 // "this network"
        || (a == 100 && (64..128).contains(&b)) // CGNAT 100.64.0.0/10
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments
        || (a == 198 && (b == 18 || b == 19)) // benchmarking
        || a >= 240 // reserved
}

fn forbidden_v6(ip: Ipv6Addr) -> bool {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return forbidden_v4(v4);
    }
    let s = ip.segments();
    // NAT64 (64:ff9b::/96) and 6to4 (2002::/16) carry an IPv4 address.
    if s[0] == 0x64 && s[1] == 0xff9b && s[2..6] == [0, 0, 0, 0] {
        return forbidden_v4(Ipv4Addr::new(
            (s[6] >> 8) as u8,
            s[6] as u8,
            (s[7] >> 8) as u8,
            s[7] as u8,
        ));
    }
    if s[0] == 0x2002 {
        return forbidden_v4(Ipv4Addr::new(
            (s[1] >> 8) as u8,
            s[1] as u8,
            (s[2] >> 8) as u8,
            s[2] as u8,
        ));
    }
    ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_multicast()
        || (s[0] & 0xfe00) == 0xfc00 // unique local fc00::/7
        || (s[0] & 0xffc0) == 0xfe80 // link-local fe80::/10
        || (s[0] & 0xffc0) == 0xfec0 // site-local fec0::/10 (deprecated)
        // IPv4-compatible ::a.b.c.d (deprecated)
        || (s[0..6] == [0, 0, 0, 0, 0, 0])
}

/// Why a URL cannot receive webhooks: `(code, message)` for the `url` field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetRefused {
    pub code: &'static str,
    pub message: String,
}

impl TargetRefused {
    fn new(code: &'static str, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }
}

/// The URL, parsed, if its form is acceptable (scheme, host, no
/// credentials, and, for an IP literal, an allowed address). Names are
/// resolved by [`check_target`].
fn parse_target(url: &str, allow_private: bool) -> Result<reqwest::Url, TargetRefused> {
    if url.len() > MAX_URL_LEN {
        return Err(TargetRefused::new(
            "length",
            format!("must be at most {MAX_URL_LEN} characters"),
        ));
    }
    let parsed = reqwest::Url::parse(url.trim())
        .map_err(|_| TargetRefused::new("format", "must be an absolute https URL"))?;
    match parsed.scheme() {
        "https" => {}
        "http" if allow_private => {}
        _ => return Err(TargetRefused::new("scheme", "must be an https URL")),
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(TargetRefused::new(
            "format",
            "must not carry credentials; check the signature of each delivery instead",
        ));
    }
    let Some(host) = parsed.host_str() else {
        return Err(TargetRefused::new("format", "must name a host"));
    };
    if let Ok(ip) = host.trim_matches(['[', ']']).parse::<IpAddr>() {
        if !allow_private && is_forbidden(ip) {
            return Err(TargetRefused::new(
                "address",
                "must not point at a loopback, private, link-local or reserved address",
            ));
        }
    }
    Ok(parsed)
}

/// Checks a URL as a webhook target: its form, then every address its host
/// resolves to. A host that does not resolve is refused too: nothing could
/// be delivered to it.
pub async fn check_target(url: &str, allow_private: bool) -> Result<reqwest::Url, TargetRefused> {
    let parsed = parse_target(url, allow_private)?;
    let host = parsed
        .host_str()
        .unwrap_or_default()
        .trim_matches(['[', ']']);
    if host.parse::<IpAddr>().is_ok() {
        return Ok(parsed);
    }
    let port = parsed.port_or_known_default().unwrap_or(443);
    let unresolvable = || TargetRefused::new("unresolvable", "the host name does not resolve");
    let addrs: Vec<SocketAddr> =
        match tokio::time::timeout(RESOLVE_TIMEOUT, tokio::net::lookup_host((host, port))).await {
            Ok(Ok(addrs)) => addrs.collect(),
            _ => return Err(unresolvable()),
        };
    if addrs.is_empty() {
        return Err(unresolvable());
    }
    if !allow_private && addrs.iter().any(|a| is_forbidden(a.ip())) {
        return Err(TargetRefused::new(
            "address",
            "the host resolves to a loopback, private, link-local or reserved address",
        ));
    }
    Ok(parsed)
}

/// The resolver of the delivery client: the system's, refusing any name
/// that resolves to a forbidden address at connection time.
struct GuardedResolver {
    allow_private: bool,
}

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let allow_private = self.allow_private;
        let host = name.as_str().to_string();
        Box::pin(async move {
            let addrs: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            if !allow_private && addrs.iter().any(|a| is_forbidden(a.ip())) {
                return Err("the host resolves to a forbidden address".into());
            }
            let addrs: reqwest::dns::Addrs = Box::new(addrs.into_iter());
            Ok(addrs)
        })
    }
}

/// Makes ring the process's default rustls provider, once. Every TLS
/// client of the server (webhooks, the database, the object store) uses
/// ring; reqwest is built without a provider of its own, so a client built
/// without a preconfigured TLS setup (as the test harness builds one) needs
/// this default.
pub fn install_crypto_provider() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // Fails only when another provider was installed first; that one
        // stays.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

/// The HTTP client deliveries go out with: rustls (ring) verifying against
/// the system's trust store (as curl does), HTTP/1.1, no redirects, no
/// proxy, the guarded resolver.
pub fn client(allow_private: bool, timeout: Duration) -> anyhow::Result<reqwest::Client> {
    use rustls_platform_verifier::BuilderVerifierExt;
    install_crypto_provider();
    let tls = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()?
    .with_platform_verifier()?
    .with_no_client_auth();
    Ok(reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .dns_resolver(GuardedResolver { allow_private })
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .timeout(timeout)
        .connect_timeout(timeout.min(Duration::from_secs(5)))
        .user_agent(concat!("OPOP-Webhooks/", env!("CARGO_PKG_VERSION")))
        .build()?)
}

// ---------------------------------------------------------------------------
// Signing
// ---------------------------------------------------------------------------

/// `sha256=<hex>` of HMAC-SHA256, keyed with the secret as given to the
/// partner (its ASCII bytes), over `timestamp + "." + body`.
pub fn signature(secret: &str, timestamp: &str, body: &[u8]) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC accepts keys of any length");
    mac.update(timestamp.as_bytes());
    mac.update(b".");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

// ---------------------------------------------------------------------------
// The partner's endpoints
// ---------------------------------------------------------------------------

/// Where to send the catalogue's changes.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookInput {
    /// Your receiving endpoint: an https URL whose host resolves to public
    /// addresses only. Each change of the catalogue is POSTed to it.
    #[schema(example = "https://hooks.example.com/opop")]
    pub url: String,
    /// Issue a new signing secret (the old one stops working at once).
    /// A first registration always gets one.
    #[serde(default)]
    pub rotate_secret: bool,
}

/// The subscription as registered, with its signing secret.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WebhookRegistered {
    /// Where events are POSTed.
    #[schema(example = "https://hooks.example.com/opop")]
    pub url: String,
    /// The HMAC-SHA256 key of `X-OPOP-Signature` (its ASCII bytes). Keep
    /// it secret; it is answered by this call only.
    #[schema(example = "6f1c0d3e9a4b5c7d8e9f00112233445566778899aabbccddeeff001122334455")]
    pub secret: String,
    /// The feed position after which events will be delivered. A new
    /// subscription starts at the feed's current end: mirror the catalogue
    /// first through `GET /api/v1/catalog/changes` up to this cursor.
    #[schema(example = "1042")]
    pub cursor: String,
    /// Grows by one with every change you make to the subscription.
    pub version: i32,
}

/// The subscription and how its deliveries are going (never the secret).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WebhookView {
    /// Where events are POSTed.
    #[schema(example = "https://hooks.example.com/opop")]
    pub url: String,
    /// The feed position of the last event your endpoint acknowledged
    /// (answered 2xx); the next delivery is the event after it.
    #[schema(example = "1042")]
    pub cursor: String,
    /// Events of the feed not yet acknowledged.
    pub pending_events: i64,
    /// Failed attempts in a row; 0 while deliveries succeed.
    pub attempts: i32,
    /// While failing: when the next attempt is due (the wait doubles with
    /// each failure, up to an hour). Null otherwise.
    pub next_attempt_at: Option<chrono::DateTime<chrono::Utc>>,
    /// While failing: why the last attempt failed.
    #[schema(example = "the endpoint answered HTTP 500")]
    pub last_error: Option<String>,
    /// When an event was last sent (successfully or not).
    pub last_attempt_at: Option<chrono::DateTime<chrono::Utc>>,
    /// When an event was last acknowledged.
    pub last_delivered_at: Option<chrono::DateTime<chrono::Utc>>,
    /// When the subscription was registered.
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// When you last changed the subscription (delivery progress aside).
    pub updated_at: chrono::DateTime<chrono::Utc>,
    /// Grows by one with every change you make to the subscription.
    pub version: i32,
}

/// Where to deliver from again.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReplayInput {
    /// A feed position (the `cursor` of an event, or a `next_cursor` of
    /// the feed): the events after it are delivered again. `null` replays
    /// the whole feed from the very beginning. Must not be past the feed's
    /// end.
    #[serde(deserialize_with = "present_nullable")]
    #[schema(example = "1000", nullable)]
    pub cursor: Option<String>,
}

/// A field that must be present but may be null.
fn present_nullable<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Option::<String>::deserialize(d)
}

/// What the audit trail keeps of a subscription (never its secret).
#[derive(Debug, Serialize)]
struct Audited {
    url: String,
    cursor: i64,
    signing_key_rotated: bool,
}

fn partner_of(caller: &Caller) -> ApiResult<Uuid> {
    caller
        .principal
        .partner()
        .map(|p| p.id)
        .ok_or_else(|| ApiError::Forbidden("Partners only.".into()))
}

fn no_subscription() -> ApiError {
    ApiError::NotFound("You have no webhook; register one with PUT first.".into())
}

/// The feed's last position.
pub async fn feed_end(conn: &impl ConnectionTrait) -> ApiResult<i64> {
    use sea_orm::ExprTrait;
    let row = conn
        .query_one(
            &sea_orm::sea_query::Query::select()
                .column("last_seq")
                .from("catalog_feed_state")
                .and_where(Expr::col("id").eq(1))
                .to_owned(),
        )
        .await?
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("the feed counter row is missing")))?;
    Ok(row.try_get("", "last_seq")?)
}

fn millis_to_time(ms: i64) -> Option<chrono::DateTime<chrono::Utc>> {
    chrono::DateTime::from_timestamp_millis(ms)
}

fn view(sub: webhooks::Model, end: i64) -> WebhookView {
    let failing = sub.attempts > 0;
    WebhookView {
        url: sub.url,
        cursor: sub.cursor.to_string(),
        pending_events: (end - sub.cursor).max(0),
        attempts: sub.attempts,
        next_attempt_at: if failing {
            millis_to_time(sub.next_attempt_at)
        } else {
            None
        },
        last_error: if failing { sub.last_error } else { None },
        last_attempt_at: sub.last_attempt_at,
        last_delivered_at: sub.last_delivered_at,
        created_at: sub.created_at,
        updated_at: sub.updated_at,
        version: sub.version,
    }
}

async fn own(conn: &impl ConnectionTrait, partner: Uuid) -> ApiResult<Option<webhooks::Model>> {
    Ok(webhooks::Entity::find_by_id(partner).one(conn).await?)
}

/// Registers (or changes) the caller's webhook. Answers the subscription
/// with its secret, and whether it is new.
pub async fn register(
    db: &DatabaseConnection,
    config: &Config,
    caller: &Caller,
    input: WebhookInput,
    expected_version: Option<i32>,
) -> ApiResult<(WebhookRegistered, bool)> {
    let partner = partner_of(caller)?;
    let url = check_target(&input.url, config.webhook_allow_private)
        .await
        .map_err(|r| ApiError::validation_one("url", r.code, r.message))?
        .to_string();
    let now = db::now();
    let mut tx = WriteTx::begin(db, &caller.actor()).await?;
    let before = own(&*tx, partner).await?;
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
            let end = feed_end(&*tx).await?;
            webhooks::ActiveModel {
                partner_id: Set(partner),
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
            .map_err(|e| match e.sql_err() {
                Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => ApiError::Conflict(
                    "The webhook was registered by a concurrent call; send it again.".into(),
                ),
                _ => e.into(),
            })?
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
        resource_id: partner,
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

/// The caller's subscription and its delivery state.
pub async fn state(db: &DatabaseConnection, caller: &Caller) -> ApiResult<WebhookView> {
    let partner = partner_of(caller)?;
    let sub = own(db, partner).await?.ok_or_else(no_subscription)?;
    Ok(view(sub, feed_end(db).await?))
}

/// Removes the caller's subscription: nothing more is delivered.
pub async fn remove(
    db: &DatabaseConnection,
    caller: &Caller,
    expected_version: Option<i32>,
) -> ApiResult<()> {
    let partner = partner_of(caller)?;
    let mut tx = WriteTx::begin(db, &caller.actor()).await?;
    let existing = own(&*tx, partner).await?.ok_or_else(no_subscription)?;
    check_version(expected_version, existing.version)?;
    webhooks::Entity::delete_by_id(partner).exec(&*tx).await?;
    tx.record(audit::Entry {
        action: "delete",
        resource_type: "webhook",
        resource_id: partner,
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
    caller: &Caller,
    input: ReplayInput,
    expected_version: Option<i32>,
) -> ApiResult<WebhookView> {
    let partner = partner_of(caller)?;
    let target = match input.cursor.as_deref().map(str::trim) {
        None | Some("") => 0,
        Some(c) => c.parse::<i64>().ok().filter(|n| *n >= 0).ok_or_else(|| {
            ApiError::validation_one(
                "cursor",
                "format",
                "must be a cursor of the change feed, such as \"1042\", or null",
            )
        })?,
    };
    let mut tx = WriteTx::begin(db, &caller.actor()).await?;
    let existing = own(&*tx, partner).await?.ok_or_else(no_subscription)?;
    check_version(expected_version, existing.version)?;
    let end = feed_end(&*tx).await?;
    if target > end {
        return Err(ApiError::BadRequest(format!(
            "The cursor is past the feed's end ({end}); it was not handed out by this feed."
        )));
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
        resource_id: partner,
        province_code: None,
        changes: serde_json::json!({"cursor": {"from": existing.cursor, "to": target}}),
    })
    .await?;
    tx.commit().await?;
    Ok(view(saved, end))
}

const PROBLEM: &str = "application/problem+json";

/// Register your webhook.
///
/// OPOP then POSTs every change of the published catalogue to `url`, one
/// event per request, in feed order: the body is one element of the change
/// feed's `data` (`{"cursor", "op", "product_id", "product"?,
/// "recorded_at"}`). Each request carries `X-OPOP-Event-Id` (the event's
/// feed position: de-duplicate by it, since an event may come more than
/// once), `X-OPOP-Timestamp` (unix seconds) and `X-OPOP-Signature:
/// sha256=<hex HMAC-SHA256 of timestamp + "." + raw body>` keyed with the
/// `secret` of this answer. Answer 2xx within 10 seconds to acknowledge;
/// anything else is retried, with waits doubling up to an hour, without
/// skipping: later events wait for the failing one.
///
/// A new subscription starts at the feed's current end (`cursor`): mirror
/// the catalogue first through `GET /api/v1/catalog/changes` up to it.
/// Sending the call again changes the URL and keeps the position and the
/// secret, unless `rotate_secret` is true. The URL must be https and
/// resolve to public addresses only. 201 the first time, 200 after.
#[utoipa::path(
    operation_id = "put_webhook",
    tag = "partners",
    request_body = WebhookInput,
    security(("bearer" = ["partner"])),
    responses(
        (status = 200, description = "Your webhook, changed.", body = WebhookRegistered),
        (status = 201, description = "Your webhook, registered.", body = WebhookRegistered),
        (status = 412, description = "`If-Match` does not match the subscription's version.", body = crate::error::Problem, content_type = PROBLEM),
        (status = 422, description = "The URL is not https, does not resolve, or points at a private or reserved address.", body = crate::error::Problem, content_type = PROBLEM),
        (status = 429, description = "Over your rate limit; see `Retry-After`.", body = crate::error::Problem, content_type = PROBLEM)
    )
)]
#[put("/partners/me/webhook")]
async fn put_webhook(
    state: web::Data<AppState>,
    auth: MeteredPartner,
    req: HttpRequest,
    body: Body<WebhookInput>,
) -> ApiResult<HttpResponse> {
    let input = body.into_inner()?;
    let expected = if_match(&req)?;
    let (registered, created) = register(&state.db, &state.config, &auth, input, expected).await?;
    let builder = if created {
        HttpResponse::Created()
    } else {
        HttpResponse::Ok()
    };
    Ok(with_etag(builder, registered.version)
        .insert_header(("Cache-Control", "no-store"))
        .json(registered))
}

/// Get your webhook.
///
/// The subscription and how deliveries are going: the cursor acknowledged
/// so far, events pending, and while failing the attempts, the last error
/// and when the next attempt is due. The secret is never shown again.
#[utoipa::path(
    operation_id = "get_webhook",
    tag = "partners",
    security(("bearer" = ["partner"])),
    responses(
        (status = 200, description = "Your webhook.", body = WebhookView),
        (status = 404, description = "You have no webhook.", body = crate::error::Problem, content_type = PROBLEM)
    )
)]
#[get("/partners/me/webhook")]
async fn get_webhook(state: web::Data<AppState>, auth: MeteredPartner) -> ApiResult<HttpResponse> {
    let current = self::state(&state.db, &auth).await?;
    Ok(with_etag(HttpResponse::Ok(), current.version).json(current))
}

/// Remove your webhook.
///
/// Nothing more is delivered. The change feed stays available.
#[utoipa::path(
    operation_id = "delete_webhook",
    tag = "partners",
    security(("bearer" = ["partner"])),
    responses(
        (status = 204, description = "Removed."),
        (status = 404, description = "You have no webhook.", body = crate::error::Problem, content_type = PROBLEM),
        (status = 412, description = "`If-Match` does not match the subscription's version.", body = crate::error::Problem, content_type = PROBLEM)
    )
)]
#[delete("/partners/me/webhook")]
async fn delete_webhook(
    state: web::Data<AppState>,
    auth: MeteredPartner,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    remove(&state.db, &auth, if_match(&req)?).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Replay webhook deliveries.
///
/// Moves your subscription's cursor: the events after `cursor` are
/// delivered again, in order, starting now (also after failures: the
/// attempts start over). `null` replays the whole feed. Use it after
/// restoring your side from a backup, or to move forward past events you
/// already took from the feed.
#[utoipa::path(
    operation_id = "replay_webhook",
    tag = "partners",
    request_body = ReplayInput,
    security(("bearer" = ["partner"])),
    responses(
        (status = 200, description = "Your webhook, at its new cursor.", body = WebhookView),
        (status = 400, description = "The cursor is past the feed's end.", body = crate::error::Problem, content_type = PROBLEM),
        (status = 404, description = "You have no webhook.", body = crate::error::Problem, content_type = PROBLEM),
        (status = 412, description = "`If-Match` does not match the subscription's version.", body = crate::error::Problem, content_type = PROBLEM)
    )
)]
#[post("/partners/me/webhook/replay")]
async fn replay_webhook(
    state: web::Data<AppState>,
    auth: MeteredPartner,
    req: HttpRequest,
    body: Body<ReplayInput>,
) -> ApiResult<HttpResponse> {
    let input = body.into_inner()?;
    let current = replay(&state.db, &auth, input, if_match(&req)?).await?;
    Ok(with_etag(HttpResponse::Ok(), current.version).json(current))
}

/// Mounted inside `/api/v1`, before the `/partners` scope, with full paths.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(put_webhook)
        .service(get_webhook)
        .service(delete_webhook)
        .service(replay_webhook);
}

// ---------------------------------------------------------------------------
// The deliverer
// ---------------------------------------------------------------------------

/// How the deliverer runs.
#[derive(Debug, Clone)]
pub struct Options {
    /// Time between passes.
    pub interval: Duration,
    /// The wait after a first failure; it doubles with each further failure
    /// in a row, up to an hour.
    pub backoff_unit: Duration,
    /// Whether targets may be private addresses (development and tests).
    pub allow_private: bool,
    /// The longest a receiver may take to answer one event.
    pub timeout: Duration,
}

impl Options {
    /// From the configuration: a pass every `OPOP_WEBHOOK_INTERVAL_MS`, and
    /// the back-off counted in the same unit, so the default of one second
    /// gives waits of 2, 4, 8 … seconds (capped at an hour), and a test
    /// that passes every 50 ms retries within a second.
    pub fn from_config(config: &Config) -> Self {
        let interval = Duration::from_millis(config.webhook_interval_ms.max(1));
        Self {
            interval,
            backoff_unit: interval,
            allow_private: config.webhook_allow_private,
            timeout: Duration::from_secs(10),
        }
    }

    /// How long a claim holds a subscription: renewed after every event, so
    /// it only has to outlast one event's delivery.
    fn lease(&self) -> Duration {
        (self.timeout * 6).max(Duration::from_secs(60))
    }
}

/// The wait after `attempts` failures in a row: `unit × 2^attempts`, at most
/// an hour, plus up to a tenth more at random so that receivers coming back
/// are not hit by every instance at once.
pub fn backoff(attempts: i32, unit: Duration) -> Duration {
    let exp = attempts.clamp(0, 30) as u32;
    let base = unit
        .checked_mul(1u32 << exp)
        .unwrap_or(MAX_BACKOFF)
        .min(MAX_BACKOFF);
    let jitter = (base.as_millis() as u64 / 10).max(1);
    base + Duration::from_millis(rand::random::<u64>() % jitter)
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// A running deliverer; [`Deliverer::stop`] ends it.
pub struct Deliverer {
    stop: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl Deliverer {
    /// Stops claiming, abandons the deliveries in flight (their events are
    /// sent again later: at least once) and releases this instance's leases
    /// so another instance can take over at once.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        let _ = self.task.await;
    }
}

/// Starts the deliverer of this instance.
pub fn spawn(db: DatabaseConnection, options: Options) -> anyhow::Result<Deliverer> {
    let client = client(options.allow_private, options.timeout)?;
    let (stop, mut stopped) = watch::channel(false);
    let instance = Uuid::now_v7().simple().to_string();
    let ctx = Arc::new(Context {
        db,
        client,
        options,
    });
    let task = tokio::spawn(async move {
        let mut ticker = tokio::time::interval(ctx.options.interval);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut in_flight: JoinSet<()> = JoinSet::new();
        let mut pass: u64 = 0;
        loop {
            tokio::select! {
                _ = ticker.tick() => {}
                _ = stopped.changed() => break,
            }
            while in_flight.try_join_next().is_some() {}
            let room = MAX_IN_FLIGHT.saturating_sub(in_flight.len());
            if room == 0 {
                continue;
            }
            pass += 1;
            let token = format!("{instance}:{pass}");
            match claim(&ctx, &token, room as u64).await {
                Ok(subs) => {
                    for sub in subs {
                        let ctx = ctx.clone();
                        let token = token.clone();
                        in_flight.spawn(async move { serve(&ctx, sub, &token).await });
                    }
                }
                Err(e) => tracing::warn!(error = %e, "claiming webhook subscriptions failed"),
            }
        }
        in_flight.shutdown().await;
        if let Err(e) = release_instance(&ctx.db, &instance).await {
            tracing::warn!(error = %e, "releasing webhook leases at shutdown failed");
        }
    });
    Ok(Deliverer { stop, task })
}

struct Context {
    db: DatabaseConnection,
    client: reqwest::Client,
    options: Options,
}

/// Claims up to `limit` subscriptions that are due, free (or whose lease
/// expired) and behind the feed, for `token`. The probe only narrows the
/// candidates; the conditional `UPDATE` decides, so two instances never
/// hold the same subscription.
async fn claim(ctx: &Context, token: &str, limit: u64) -> ApiResult<Vec<webhooks::Model>> {
    let db = &ctx.db;
    let end = feed_end(db).await?;
    let now = now_ms();
    let due = || {
        sea_orm::Condition::all()
            .add(webhooks::Column::NextAttemptAt.lte(now))
            .add(webhooks::Column::Cursor.lt(end))
            .add(
                sea_orm::Condition::any()
                    .add(webhooks::Column::LeaseOwner.is_null())
                    .add(webhooks::Column::LeasedUntil.lte(now)),
            )
    };
    let candidates: Vec<Uuid> = webhooks::Entity::find()
        .select_only()
        .column(webhooks::Column::PartnerId)
        .filter(due())
        .filter(
            webhooks::Column::PartnerId.in_subquery(
                partners::Entity::find()
                    .select_only()
                    .column(partners::Column::Id)
                    .filter(partners::Column::IsActive.eq(true))
                    .into_query(),
            ),
        )
        .order_by_asc(webhooks::Column::NextAttemptAt)
        .limit(limit)
        .into_tuple()
        .all(db)
        .await?;
    if candidates.is_empty() {
        return Ok(Vec::new());
    }
    let until = now + ctx.options.lease().as_millis() as i64;
    let claimed = webhooks::Entity::update_many()
        .col_expr(webhooks::Column::LeaseOwner, Expr::value(token))
        .col_expr(webhooks::Column::LeasedUntil, Expr::value(until))
        .filter(webhooks::Column::PartnerId.is_in(candidates))
        .filter(due())
        .exec(db)
        .await?;
    if claimed.rows_affected == 0 {
        return Ok(Vec::new());
    }
    Ok(webhooks::Entity::find()
        .filter(webhooks::Column::LeaseOwner.eq(token))
        .all(db)
        .await?)
}

/// Sends the claimed subscription's pending events, in order, until none is
/// left, one fails, or the lease is lost.
async fn serve(ctx: &Context, sub: webhooks::Model, token: &str) {
    let partner = sub.partner_id;
    if let Err(e) = serve_inner(ctx, &sub, token).await {
        // The lease runs out by itself and another pass tries again.
        tracing::warn!(partner = %partner, error = %e, "webhook delivery stopped on an error");
    }
}

async fn serve_inner(ctx: &Context, sub: &webhooks::Model, token: &str) -> ApiResult<()> {
    let db = &ctx.db;
    let partner = sub.partner_id;
    // Checked again at every delivery: the rules, and (through the client's
    // resolver) the addresses the name resolves to now.
    let url = match parse_target(&sub.url, ctx.options.allow_private) {
        Ok(url) => url,
        Err(refused) => {
            let error = format!("the URL is refused: {}", refused.message);
            return fail(ctx, partner, token, sub.attempts, error).await;
        }
    };
    let mut cursor = sub.cursor;
    // Failures in a row so far; a success starts the count again.
    let mut attempts = sub.attempts;
    for _ in 0..BATCHES_PER_CLAIM {
        let events = catalog_changes::Entity::find()
            .filter(catalog_changes::Column::Seq.gt(cursor))
            .order_by_asc(catalog_changes::Column::Seq)
            .limit(BATCH)
            .all(db)
            .await?;
        if events.is_empty() {
            break;
        }
        let full = events.len() as u64 == BATCH;
        for event in events {
            let seq = event.seq;
            if let Err(error) = post(ctx, &url, &sub.secret, event).await {
                tracing::info!(partner = %partner, event = seq, error = %error, "webhook delivery failed; will retry");
                return fail(ctx, partner, token, attempts, error).await;
            }
            if !advance(ctx, partner, token, seq).await? {
                // The partner changed the subscription (replay, new URL,
                // removal) or the lease expired: someone else goes on.
                return Ok(());
            }
            cursor = seq;
            attempts = 0;
        }
        if !full {
            break;
        }
    }
    release(db, partner, token).await
}

/// POSTs one event; `Err` says why it was not acknowledged.
async fn post(
    ctx: &Context,
    url: &reqwest::Url,
    secret: &str,
    event: catalog_changes::Model,
) -> Result<(), String> {
    let seq = event.seq;
    let body = serde_json::to_vec(&ChangeEvent {
        cursor: seq.to_string(),
        op: event.op,
        product_id: event.product_id,
        product: event.payload,
        recorded_at: event.created_at,
    })
    .map_err(|e| format!("the event cannot be encoded: {e}"))?;
    let timestamp = chrono::Utc::now().timestamp().to_string();
    let signature = signature(secret, &timestamp, &body);
    let res = ctx
        .client
        .post(url.clone())
        .header("Content-Type", "application/json")
        .header("X-OPOP-Event-Id", seq.to_string())
        .header("X-OPOP-Timestamp", timestamp)
        .header("X-OPOP-Signature", signature)
        .body(body)
        .send()
        .await
        .map_err(|e| describe(&e, ctx.options.timeout))?;
    let status = res.status();
    if status.is_success() {
        Ok(())
    } else {
        Err(format!("the endpoint answered HTTP {}", status.as_u16()))
    }
}

/// A delivery error for the partner's eyes: what went wrong, without the
/// internals of the client.
fn describe(e: &reqwest::Error, timeout: Duration) -> String {
    if e.is_timeout() {
        return format!(
            "the endpoint did not answer within {} seconds",
            timeout.as_secs()
        );
    }
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    let mut text = if e.is_connect() {
        format!("cannot connect to the endpoint ({text})")
    } else {
        format!("the request failed ({text})")
    };
    if text.len() > 500 {
        let mut cut = 500;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        text.truncate(cut);
    }
    text
}

/// Records an acknowledged event and renews the lease; false when the lease
/// is no longer ours.
async fn advance(ctx: &Context, partner: Uuid, token: &str, seq: i64) -> ApiResult<bool> {
    let now = db::now();
    let res = webhooks::Entity::update_many()
        .col_expr(webhooks::Column::Cursor, Expr::value(seq))
        .col_expr(webhooks::Column::Attempts, Expr::value(0))
        .col_expr(webhooks::Column::NextAttemptAt, Expr::value(0i64))
        .col_expr(
            webhooks::Column::LastError,
            Expr::value(Option::<String>::None),
        )
        .col_expr(webhooks::Column::LastAttemptAt, Expr::value(now))
        .col_expr(webhooks::Column::LastDeliveredAt, Expr::value(now))
        .col_expr(
            webhooks::Column::LeasedUntil,
            Expr::value(now_ms() + ctx.options.lease().as_millis() as i64),
        )
        .filter(webhooks::Column::PartnerId.eq(partner))
        .filter(webhooks::Column::LeaseOwner.eq(token))
        .exec(&ctx.db)
        .await?;
    Ok(res.rows_affected == 1)
}

/// Records a failed attempt after `before` failures in a row: the cursor
/// stays, the next attempt waits.
async fn fail(
    ctx: &Context,
    partner: Uuid,
    token: &str,
    before: i32,
    error: String,
) -> ApiResult<()> {
    let attempts = before.saturating_add(1);
    let wait = backoff(attempts, ctx.options.backoff_unit);
    webhooks::Entity::update_many()
        .col_expr(webhooks::Column::Attempts, Expr::value(attempts))
        .col_expr(
            webhooks::Column::NextAttemptAt,
            Expr::value(now_ms() + wait.as_millis() as i64),
        )
        .col_expr(webhooks::Column::LastError, Expr::value(Some(error)))
        .col_expr(webhooks::Column::LastAttemptAt, Expr::value(db::now()))
        .col_expr(
            webhooks::Column::LeaseOwner,
            Expr::value(Option::<String>::None),
        )
        .col_expr(webhooks::Column::LeasedUntil, Expr::value(0i64))
        .filter(webhooks::Column::PartnerId.eq(partner))
        .filter(webhooks::Column::LeaseOwner.eq(token))
        .exec(&ctx.db)
        .await?;
    Ok(())
}

/// Gives a subscription back after a successful claim.
async fn release(db: &DatabaseConnection, partner: Uuid, token: &str) -> ApiResult<()> {
    webhooks::Entity::update_many()
        .col_expr(
            webhooks::Column::LeaseOwner,
            Expr::value(Option::<String>::None),
        )
        .col_expr(webhooks::Column::LeasedUntil, Expr::value(0i64))
        .filter(webhooks::Column::PartnerId.eq(partner))
        .filter(webhooks::Column::LeaseOwner.eq(token))
        .exec(db)
        .await?;
    Ok(())
}

/// Gives back every subscription this instance holds (at shutdown).
async fn release_instance(db: &DatabaseConnection, instance: &str) -> ApiResult<()> {
    webhooks::Entity::update_many()
        .col_expr(
            webhooks::Column::LeaseOwner,
            Expr::value(Option::<String>::None),
        )
        .col_expr(webhooks::Column::LeasedUntil, Expr::value(0i64))
        .filter(webhooks::Column::LeaseOwner.starts_with(format!("{instance}:")))
        .exec(db)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_and_reserved_addresses_are_forbidden() {
        for ip in [
            "127.0.0.1",
            "0.0.0.0",
            "10.0.0.1",
            "172.16.5.4",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "100.127.255.254",
            "224.0.0.1",
            "255.255.255.255",
            "::1",
            "::",
            "fe80::1",
            "fc00::1",
            "fd12:3456::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::ffff:10.1.2.3",
            "64:ff9b::a00:1",
            "2002:c0a8:101::1",
        ] {
            assert!(is_forbidden(ip.parse().unwrap()), "{ip} must be forbidden");
        }
        for ip in [
            "8.8.8.8",
            "1.1.1.1",
            "100.128.0.1",
            "172.32.0.1",
            "2606:4700:4700::1111",
            "::ffff:8.8.8.8",
        ] {
            assert!(!is_forbidden(ip.parse().unwrap()), "{ip} must be allowed");
        }
    }

    #[test]
    fn urls_are_judged_by_form_before_resolution() {
        let refused = |u: &str| parse_target(u, false).unwrap_err().code;
        assert_eq!(refused("http://hooks.example.com/x"), "scheme");
        assert_eq!(refused("ftp://hooks.example.com/x"), "scheme");
        assert_eq!(refused("not a url"), "format");
        assert_eq!(refused("https://user:pw@hooks.example.com/x"), "format");
        assert_eq!(refused("https://10.0.0.1/x"), "address");
        assert_eq!(refused("https://[::1]/x"), "address");
        assert!(parse_target("https://hooks.example.com/x", false).is_ok());
        assert!(parse_target("http://127.0.0.1:9000/x", true).is_ok());
    }

    #[test]
    fn signatures_are_hmac_sha256_of_timestamp_dot_body() {
        // RFC 4231, test case 2.
        assert_eq!(
            signature("Jefe", "what do ya want for nothing?", b"").len(),
            "sha256=".len() + 64
        );
        let mut mac = Hmac::<Sha256>::new_from_slice(b"Jefe").unwrap();
        mac.update(b"1700000000.{}");
        assert_eq!(
            signature("Jefe", "1700000000", b"{}"),
            format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
        );
    }

    #[tokio::test]
    async fn the_delivery_resolver_refuses_names_of_private_addresses() {
        use reqwest::dns::Resolve;
        let strict = GuardedResolver {
            allow_private: false,
        };
        let name: reqwest::dns::Name = "localhost".parse().unwrap();
        assert!(strict.resolve(name).await.is_err());
        let lax = GuardedResolver {
            allow_private: true,
        };
        let name: reqwest::dns::Name = "localhost".parse().unwrap();
        assert!(lax.resolve(name).await.unwrap().next().is_some());
    }

    #[test]
    fn backoff_doubles_and_is_capped() {
        let unit = Duration::from_secs(1);
        let b1 = backoff(1, unit);
        assert!(b1 >= Duration::from_secs(2) && b1 <= Duration::from_millis(2200));
        let b3 = backoff(3, unit);
        assert!(b3 >= Duration::from_secs(8) && b3 <= Duration::from_millis(8800));
        let big = backoff(40, unit);
        assert!(big >= MAX_BACKOFF && big <= MAX_BACKOFF + MAX_BACKOFF / 10);
    }
}
