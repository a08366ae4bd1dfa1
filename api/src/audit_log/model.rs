//! The audit trail as read by admins and inspectors.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// Who made a change or read a record.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AuditActor {
    /// The user's or partner's id; `null` for the system and anonymous callers.
    pub id: Option<Uuid>,
    /// The user's or partner's name as it is now; `null` when there is none.
    #[schema(example = "Dewi Lestari")]
    pub name: Option<String>,
    /// The user's role (`admin`, `curator`, `pesantren_manager`, `santri`,
    /// `mentor`), or `partner`, `system`, `anonymous`.
    #[schema(example = "curator")]
    pub role: String,
}

/// One entry of the audit trail: a change, or a read of personal data.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AuditEntryView {
    /// Entry id (UUID v7).
    pub id: Uuid,
    /// When it happened (UTC).
    pub at: DateTime<Utc>,
    pub actor: AuditActor,
    /// The verb: `create`, `update`, `delete`, `read`, `approve`, `erase`, …
    #[schema(example = "update")]
    pub action: String,
    /// What kind of resource: `product`, `santri`, `pesantren`, …
    #[schema(example = "product")]
    pub resource_type: String,
    /// The resource's id.
    pub resource_id: Uuid,
    /// The resource's province; `null` for national resources (partners).
    #[schema(example = "35")]
    pub province_code: Option<String>,
    /// The request's id (`X-Request-Id`), to find its log lines.
    pub request_id: Option<String>,
    /// The changed fields as `{"field": {"from": …, "to": …}}` (secrets
    /// redacted). For santri, only `{"fields": [names]}`: their values are
    /// personal data and never enter the trail. A `read` has `{"via": …}`.
    #[schema(value_type = Object, example = json!({"price_idr": {"from": 40000, "to": 45000}}))]
    pub changes: serde_json::Value,
}

/// Filters of the audit trail; all optional, combined with AND.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditFilter {
    /// Only entries about this kind of resource (`product`, `santri`, …).
    #[param(example = "santri")]
    pub resource_type: Option<String>,
    /// Only entries about this resource.
    pub resource_id: Option<Uuid>,
    /// Only entries by this user or partner.
    pub actor_id: Option<Uuid>,
    /// Only this verb (`update`, `read`, …).
    #[param(example = "update")]
    pub action: Option<String>,
    /// From this day on (inclusive; days are WIB, UTC+7).
    #[param(example = "2026-11-01")]
    pub from: Option<NaiveDate>,
    /// Up to this day (inclusive; WIB).
    #[param(example = "2026-11-30")]
    pub to: Option<NaiveDate>,
}
