//! What a review history answers.

use chrono::{DateTime, Utc};
use entity::{ReviewDecision, Role};
use serde::Serialize;
use utoipa::ToSchema;

/// One decision on a product, a certificate or a pesantren, as it was made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[schema(example = json!({
    "at": "2026-01-15T08:30:00Z",
    "decision": "reject",
    "reason": "Foto kemasan buram; label komposisi tidak terbaca",
    "by_role": "curator",
    "by_name": "Dr. Siti Rahmawati"
}))]
pub struct ReviewView {
    /// When the decision was made (UTC).
    #[schema(example = "2026-01-15T08:30:00Z")]
    pub at: DateTime<Utc>,
    /// What was decided. Products: `submit`, `approve`, `reject`, `unlist`,
    /// `relist`, `flagship`, `withdraw_flagship`; certificates: `verify`,
    /// `reject`; pesantren: `verify`, `suspend`.
    pub decision: ReviewDecision,
    /// The reason given with it: always for a rejection, optionally for a
    /// suspension, `null` otherwise.
    #[schema(
        required = true,
        example = "Foto kemasan buram; label komposisi tidak terbaca"
    )]
    pub reason: Option<String>,
    /// The role of who decided, as it was then.
    pub by_role: Role,
    /// The name of who decided. Only admins and curators see it; for a
    /// pesantren's managers (and everyone else outside the secretariat)
    /// the field is absent and the role alone says who it was.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false, example = "Dr. Siti Rahmawati")]
    pub by_name: Option<String>,
}

/// One page of a resource's decisions, newest first: the shape of every
/// list (`data`, `next_cursor`), named so that the document shows a
/// review's fields once.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewPage {
    pub data: Vec<ReviewView>,
    /// Pass as `cursor` to get the next page; `null` on the last page.
    #[schema(required = true)]
    pub next_cursor: Option<String>,
}

impl From<crate::pagination::Page<ReviewView>> for ReviewPage {
    fn from(p: crate::pagination::Page<ReviewView>) -> Self {
        Self {
            data: p.data,
            next_cursor: p.next_cursor,
        }
    }
}
