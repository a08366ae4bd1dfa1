//! Request and response types of webhook subscriptions.

use entity::webhooks;
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::ToSchema;

use super::failure::{Failure, FailureKind};

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
    /// While failing: why the last attempt failed, in words (English). The
    /// texts are fixed, one per category, so never a detail of this
    /// server's network or TLS library; `last_error_code` is the category.
    #[schema(example = "the endpoint answered HTTP 500")]
    pub last_error: Option<String>,
    /// While failing: the category of the last failure, for programs.
    #[schema(example = "http_status")]
    pub last_error_code: Option<FailureKind>,
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
pub(super) struct Audited {
    pub url: String,
    pub cursor: i64,
    pub signing_key_rotated: bool,
}

fn millis_to_time(ms: i64) -> Option<chrono::DateTime<chrono::Utc>> {
    chrono::DateTime::from_timestamp_millis(ms)
}

pub fn view(sub: webhooks::Model, end: i64) -> WebhookView {
    let failing = sub.attempts > 0;
    let failure = sub
        .last_error
        .as_deref()
        .filter(|_| failing)
        .map(Failure::parse);
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
        last_error: failure.map(|f| f.text()),
        last_error_code: failure.map(|f| f.kind),
        last_attempt_at: sub.last_attempt_at,
        last_delivered_at: sub.last_delivered_at,
        created_at: sub.created_at,
        updated_at: sub.updated_at,
        version: sub.version,
    }
}

crate::check_nothing!(WebhookInput, ReplayInput);

crate::merge_patch_schema!(
    /// A JSON Merge Patch (RFC 7396) of `WebhookInput`: only the fields to change;
    /// `null` clears an optional one.
    WebhookPatch,
    WebhookInput
);
