//! Request and response types of an activity's participants.

use chrono::{DateTime, Utc};
use entity::activity_participants;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

/// At most this many santri sent by one pesantren to one activity.
pub const MAX_SANTRI: usize = 100;

/// A pesantren enrolled in an activity.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ParticipantView {
    pub activity_id: Uuid,
    /// The pesantren enrolled; also the participant's id in paths.
    pub pesantren_id: Uuid,
    pub province_code: String,
    /// The santri of the pesantren who take part.
    pub santri_ids: Vec<Uuid>,
    /// Whether it attended, as recorded by staff; `null` until recorded.
    pub attended: Option<bool>,
    pub enrolled_at: DateTime<Utc>,
    /// Who enrolled it.
    pub enrolled_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

impl From<activity_participants::Model> for ParticipantView {
    fn from(p: activity_participants::Model) -> Self {
        Self {
            activity_id: p.activity_id,
            pesantren_id: p.pesantren_id,
            province_code: p.province_code,
            santri_ids: serde_json::from_value(p.santri_ids).unwrap_or_default(),
            attended: p.attended,
            enrolled_at: p.enrolled_at,
            enrolled_by: p.enrolled_by,
            created_at: p.created_at,
            updated_at: p.updated_at,
            version: p.version,
        }
    }
}

/// An enrolment: a pesantren of the activity's province, and the santri of
/// it who take part.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EnrolRequest {
    /// The pesantren; a manager enrols their own.
    pub pesantren_id: Uuid,
    /// Santri of that pesantren who take part, at most 100, no repeats.
    #[validate(length(max = 100, message = "field.items_max"))]
    #[serde(default)]
    #[schema(max_items = 100)]
    pub santri_ids: Vec<Uuid>,
}

crate::check_with_validator!(EnrolRequest);

/// Whether a participant attended.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttendanceInput {
    /// `true` if the pesantren (and the santri it sent) attended.
    pub attended: bool,
}

crate::check_nothing!(AttendanceInput);

crate::merge_patch_schema!(
    /// A JSON Merge Patch (RFC 7396) of `AttendanceInput`.
    AttendancePatch,
    AttendanceInput
);
