//! The answer of the probes.

use serde::Serialize;
use utoipa::ToSchema;

/// A probe's verdict.
#[derive(Serialize, ToSchema)]
pub struct HealthStatus {
    /// `ok` when healthy.
    #[schema(example = "ok")]
    pub status: &'static str,
}

impl HealthStatus {
    pub const OK: HealthStatus = HealthStatus { status: "ok" };
}
