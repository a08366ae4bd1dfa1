//! The one error type of the API, and its one mapping to RFC 9457 problem
//! details. Nothing else in the crate builds an error response.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use sea_orm::{DbErr, SqlErr};
use serde::Serialize;
use utoipa::ToSchema;

/// Media type of every error body.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// Seconds a client should wait before retrying when the database is away.
const DB_RETRY_AFTER_SECS: u64 = 5;

/// One invalid field of a request.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
pub struct FieldError {
    /// The field, as named in the request (`manager.email` for nested ones).
    #[schema(example = "name")]
    pub field: String,
    /// A stable machine-readable code: `required`, `format`, `length`, `range`, …
    #[schema(example = "length")]
    pub code: String,
    /// What is wrong, for a person.
    #[schema(example = "must be 1 to 200 characters")]
    pub message: String,
}

impl FieldError {
    pub fn new(
        field: impl Into<String>,
        code: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            field: field.into(),
            code: code.into(),
            message: message.into(),
        }
    }
}

/// An RFC 9457 problem details body.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem; resolvable under `/docs`.
    #[schema(example = "https://opop.example/problems/not-found")]
    pub r#type: String,
    /// Short summary of the kind of problem.
    #[schema(example = "Not Found")]
    pub title: String,
    /// HTTP status code.
    #[schema(example = 404)]
    pub status: u16,
    /// What happened in this case.
    #[schema(example = "No pesantren with this id.")]
    pub detail: String,
    /// One entry per invalid field (validation failures only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<FieldError>>,
    /// The id of the request, also sent as `X-Request-Id`; quote it when reporting a problem.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "01936f3e-5b7a-7c42-9d1e-2f3a4b5c6d7e")]
    pub request_id: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("the resource has changed since it was read")]
    PreconditionFailed { current_version: i32 },
    #[error("{0}")]
    PayloadTooLarge(String),
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error("the request failed validation")]
    Validation(Vec<FieldError>),
    #[error("{0}")]
    Unprocessable(String),
    #[error("too many requests")]
    TooManyRequests { retry_after_secs: u64 },
    #[error("the database is unavailable")]
    Unavailable,
    /// The request took longer than the configured time limit.
    #[error("the request took too long")]
    TimedOut { retry_after_secs: u64 },
    /// Anything unexpected: logged in full, answered opaquely.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn not_found(what: &str) -> Self {
        Self::NotFound(format!("No {what} with this id."))
    }

    pub fn validation_one(field: &str, code: &str, message: impl Into<String>) -> Self {
        Self::Validation(vec![FieldError::new(field, code, message)])
    }

    fn slug(&self) -> &'static str {
        match self {
            Self::BadRequest(_) => "bad-request",
            Self::Unauthorized(_) => "unauthorized",
            Self::Forbidden(_) => "forbidden",
            Self::NotFound(_) => "not-found",
            Self::Conflict(_) => "conflict",
            Self::PreconditionFailed { .. } => "precondition-failed",
            Self::PayloadTooLarge(_) => "payload-too-large",
            Self::UnsupportedMediaType(_) => "unsupported-media-type",
            Self::Validation(_) => "validation",
            Self::Unprocessable(_) => "unprocessable",
            Self::TooManyRequests { .. } => "too-many-requests",
            Self::Unavailable => "unavailable",
            Self::TimedOut { .. } => "timeout",
            Self::Internal(_) => "internal",
        }
    }

    fn detail(&self) -> String {
        match self {
            Self::Validation(errors) => {
                format!("{} field(s) failed validation; see `errors`.", errors.len())
            }
            Self::PreconditionFailed { current_version } => format!(
                "The resource has changed since you read it (it is now at version {current_version}); read it again and retry with its new ETag."
            ),
            Self::TooManyRequests { retry_after_secs } => {
                format!("Too many requests; retry after {retry_after_secs} seconds.")
            }
            Self::Unavailable => "The database cannot be reached right now; retry shortly.".into(),
            Self::TimedOut { .. } => "The request took too long to answer and was abandoned; retry shortly.".into(),
            // Never leak internals: the full error goes to the log only.
            Self::Internal(_) => "An unexpected error occurred; it has been logged.".into(),
            other => other.to_string(),
        }
    }

    pub fn to_problem(&self) -> Problem {
        let status = self.status_code();
        Problem {
            r#type: problem_type(self.slug()),
            title: status.canonical_reason().unwrap_or("Error").to_string(),
            status: status.as_u16(),
            detail: self.detail(),
            errors: match self {
                Self::Validation(errors) => Some(errors.clone()),
                _ => None,
            },
            request_id: None,
        }
    }
}

/// The `type` URI of a problem kind.
pub fn problem_type(slug: &str) -> String {
    format!("https://opop.example/problems/{slug}")
}

/// The problem kind of a bare status code, for responses that did not come
/// from an [`ApiError`] (actix's own 404, 405, 413 …).
pub fn slug_for_status(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "bad-request",
        401 => "unauthorized",
        403 => "forbidden",
        404 => "not-found",
        405 => "method-not-allowed",
        406 => "not-acceptable",
        408 => "request-timeout",
        409 => "conflict",
        411 => "length-required",
        412 => "precondition-failed",
        413 => "payload-too-large",
        415 => "unsupported-media-type",
        422 => "validation",
        429 => "too-many-requests",
        503 => "unavailable",
        _ if status.is_server_error() => "internal",
        _ => "error",
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::PreconditionFailed { .. } => StatusCode::PRECONDITION_FAILED,
            Self::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Validation(_) | Self::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable | Self::TimedOut { .. } => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let Self::Internal(err) = self {
            tracing::error!(error = ?err, "internal error");
        }
        let mut res = HttpResponse::build(self.status_code());
        res.insert_header((header::CONTENT_TYPE, PROBLEM_JSON));
        match self {
            Self::Unauthorized(_) => {
                res.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
            }
            Self::TooManyRequests { retry_after_secs } | Self::TimedOut { retry_after_secs } => {
                res.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
            }
            Self::Unavailable => {
                res.insert_header((header::RETRY_AFTER, DB_RETRY_AFTER_SECS.to_string()));
            }
            _ => {}
        }
        res.body(serde_json::to_string(&self.to_problem()).unwrap_or_default())
    }
}

impl From<DbErr> for ApiError {
    fn from(err: DbErr) -> Self {
        if is_connection_error(&err) {
            tracing::warn!(error = %err, "database unavailable");
            return Self::Unavailable;
        }
        match err.sql_err() {
            // Callers that expect a particular constraint map it themselves with a
            // precise message; this is the fallback for a race they did not foresee.
            Some(SqlErr::UniqueConstraintViolation(_)) => {
                Self::Conflict("A resource with this unique value already exists.".into())
            }
            Some(SqlErr::ForeignKeyConstraintViolation(_)) => Self::Conflict(
                "The change refers to a resource that does not exist, or removes one that others still use.".into(),
            ),
            _ => Self::Internal(anyhow::Error::new(err)),
        }
    }
}

/// Whether a database error means "cannot reach the database" (answered 503)
/// rather than "the query failed".
///
/// A server that stops shows itself in several ways, depending on when it
/// is met: no pooled connection can be made before the acquire deadline
/// (`PoolTimedOut`), a socket that is refused, reset or closed under a query
/// (`Io`, or `Protocol` when it dies mid-message), or the server's own
/// goodbye on a live connection (SQLSTATE 57P01-57P03, or class 08).
pub fn is_connection_error(err: &DbErr) -> bool {
    use sea_orm::RuntimeErr;
    match err {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => true,
        DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e)) => {
            is_unreachable(e)
        }
        _ => false,
    }
}

fn is_unreachable(err: &sea_orm::sqlx::Error) -> bool {
    use sea_orm::sqlx::Error;
    match err {
        Error::Io(_)
        | Error::Protocol(_)
        | Error::PoolTimedOut
        | Error::PoolClosed
        | Error::WorkerCrashed
        | Error::Tls(_) => true,
        Error::Database(db) => db.code().is_some_and(|code| is_unreachable_sqlstate(&code)),
        _ => false,
    }
}

/// PostgreSQL's codes for "this connection or server is going away":
/// admin_shutdown, crash_shutdown, cannot_connect_now, and the connection
/// exception class.
fn is_unreachable_sqlstate(code: &str) -> bool {
    matches!(code, "57P01" | "57P02" | "57P03") || code.starts_with("08")
}

impl From<validator::ValidationErrors> for ApiError {
    fn from(errors: validator::ValidationErrors) -> Self {
        Self::Validation(crate::validation::field_errors(&errors))
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use sea_orm::sqlx::Error as SqlxError;
    use sea_orm::{ConnAcquireErr, RuntimeErr};

    use super::*;

    fn query(e: SqlxError) -> DbErr {
        DbErr::Query(RuntimeErr::SqlxError(Arc::new(e)))
    }

    #[test]
    fn a_database_that_cannot_be_reached_is_a_503_with_retry_after() {
        let unreachable = [
            DbErr::ConnectionAcquire(ConnAcquireErr::Timeout),
            query(SqlxError::PoolTimedOut),
            query(SqlxError::Io(std::io::ErrorKind::UnexpectedEof.into())),
            query(SqlxError::Io(std::io::ErrorKind::ConnectionReset.into())),
            query(SqlxError::Protocol("unexpected end of message".into())),
            DbErr::Exec(RuntimeErr::SqlxError(Arc::new(SqlxError::Io(
                std::io::ErrorKind::BrokenPipe.into(),
            )))),
        ];
        for err in unreachable {
            let api = ApiError::from(err);
            assert!(matches!(api, ApiError::Unavailable), "{api:?}");
            let res = api.error_response();
            assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
            assert!(res.headers().contains_key(header::RETRY_AFTER));
        }
        for err in [
            query(SqlxError::RowNotFound),
            query(SqlxError::ColumnNotFound("x".into())),
        ] {
            assert!(matches!(ApiError::from(err), ApiError::Internal(_)));
        }
    }

    #[test]
    fn the_server_saying_goodbye_counts_as_unreachable() {
        for code in ["57P01", "57P02", "57P03", "08006", "08003"] {
            assert!(is_unreachable_sqlstate(code), "{code}");
        }
        // Constraint violations, serialization failures, syntax errors: the
        // query failed, the database is there.
        for code in ["23505", "40001", "42601", "2067", "5"] {
            assert!(!is_unreachable_sqlstate(code), "{code}");
        }
    }
}
