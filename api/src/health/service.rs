//! Whether this instance can serve.

use sea_orm::DatabaseConnection;

use crate::error::{ApiError, ApiResult, Code};

/// Ready when the database answers; 503 (with `Retry-After`) while it does not.
pub async fn ready(db: &DatabaseConnection) -> ApiResult<()> {
    if crate::db::ping(db).await {
        Ok(())
    } else {
        Err(ApiError::new(Code::DatabaseUnavailable))
    }
}
