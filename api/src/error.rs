//! The one error type of the API, and its one mapping to RFC 9457 problem
//! details. Nothing else in the crate builds an error response.
//!
//! Every error has a stable [`Code`] (`product.not_found`): the code decides
//! the status and names the texts in [`crate::i18n`], so the answer can be
//! written in the caller's language once the request is known (see
//! `http::normalise_error`). Invalid fields are [`FieldError`]s with a
//! [`FieldCode`] each, translated the same way.

use std::sync::atomic::{AtomicBool, Ordering};

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use sea_orm::{DbErr, SqlErr};
use serde::Serialize;
use utoipa::ToSchema;

use crate::i18n::{self, Arg, Args, Lang};

mod codes;

pub use codes::{Code, FieldCode};

/// Media type of every error body.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// Seconds a client should wait before retrying when the database is away.
const DB_RETRY_AFTER_SECS: u64 = 5;

/// The kind of a problem: its status, `type` URI and title.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    BadRequest,
    Unauthorized,
    Forbidden,
    NotFound,
    MethodNotAllowed,
    NotAcceptable,
    Conflict,
    PreconditionFailed,
    PayloadTooLarge,
    UnsupportedMediaType,
    /// 422 with `errors`.
    Validation,
    /// 422 without field errors.
    Unprocessable,
    TooManyRequests,
    Internal,
    Unavailable,
    TimedOut,
}

impl Kind {
    pub const ALL: [Kind; 16] = [
        Kind::BadRequest,
        Kind::Unauthorized,
        Kind::Forbidden,
        Kind::NotFound,
        Kind::MethodNotAllowed,
        Kind::NotAcceptable,
        Kind::Conflict,
        Kind::PreconditionFailed,
        Kind::PayloadTooLarge,
        Kind::UnsupportedMediaType,
        Kind::Validation,
        Kind::Unprocessable,
        Kind::TooManyRequests,
        Kind::Internal,
        Kind::Unavailable,
        Kind::TimedOut,
    ];

    pub fn status(self) -> StatusCode {
        match self {
            Self::BadRequest => StatusCode::BAD_REQUEST,
            Self::Unauthorized => StatusCode::UNAUTHORIZED,
            Self::Forbidden => StatusCode::FORBIDDEN,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::NotAcceptable => StatusCode::NOT_ACCEPTABLE,
            Self::Conflict => StatusCode::CONFLICT,
            Self::PreconditionFailed => StatusCode::PRECONDITION_FAILED,
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Validation | Self::Unprocessable => StatusCode::UNPROCESSABLE_ENTITY,
            Self::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            Self::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            Self::Unavailable | Self::TimedOut => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    /// The last segment of the `type` URI.
    pub fn slug(self) -> &'static str {
        match self {
            Self::BadRequest => "bad-request",
            Self::Unauthorized => "unauthorized",
            Self::Forbidden => "forbidden",
            Self::NotFound => "not-found",
            Self::MethodNotAllowed => "method-not-allowed",
            Self::NotAcceptable => "not-acceptable",
            Self::Conflict => "conflict",
            Self::PreconditionFailed => "precondition-failed",
            Self::PayloadTooLarge => "payload-too-large",
            Self::UnsupportedMediaType => "unsupported-media-type",
            Self::Validation => "validation",
            Self::Unprocessable => "unprocessable",
            Self::TooManyRequests => "too-many-requests",
            Self::Internal => "internal",
            Self::Unavailable => "unavailable",
            Self::TimedOut => "timeout",
        }
    }

    /// The code of its title in [`crate::i18n`].
    pub fn title_code(self) -> &'static str {
        match self {
            Self::BadRequest => "title.bad_request",
            Self::Unauthorized => "title.unauthorized",
            Self::Forbidden => "title.forbidden",
            Self::NotFound => "title.not_found",
            Self::MethodNotAllowed => "title.method_not_allowed",
            Self::NotAcceptable => "title.not_acceptable",
            Self::Conflict => "title.conflict",
            Self::PreconditionFailed => "title.precondition_failed",
            Self::PayloadTooLarge => "title.payload_too_large",
            Self::UnsupportedMediaType => "title.unsupported_media_type",
            Self::Validation => "title.validation",
            Self::Unprocessable => "title.unprocessable",
            Self::TooManyRequests => "title.too_many_requests",
            Self::Internal => "title.internal",
            Self::Unavailable => "title.unavailable",
            Self::TimedOut => "title.timed_out",
        }
    }
}

/// One invalid field of a request, before it is written in a language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The field, as named in the request (`manager.email`, `items[2].stock`).
    pub field: String,
    pub code: FieldCode,
    pub args: Args,
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: FieldCode) -> Self {
        Self {
            field: field.into(),
            code,
            args: Vec::new(),
        }
    }

    /// Adds an argument of the message.
    pub fn with(mut self, name: &'static str, value: impl Into<Arg>) -> Self {
        self.args.push((name, value.into()));
        self
    }

    /// The same error for a field nested under `prefix` (`manager`).
    pub fn under(mut self, prefix: &str) -> Self {
        if !prefix.is_empty() {
            self.field = format!("{prefix}.{}", self.field);
        }
        self
    }

    /// The field's message in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        i18n::render(self.code.as_str(), lang, &self.args)
    }

    fn body(&self, lang: Lang) -> FieldProblem {
        FieldProblem {
            field: self.field.clone(),
            code: self.code.wire().to_string(),
            message: self.message(lang),
        }
    }
}

/// One invalid field of a request.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
#[schema(as = FieldError)]
pub struct FieldProblem {
    /// The field, as named in the request (`manager.email` for nested ones,
    /// `items[2].stock` in lists, a header such as `Idempotency-Key`).
    #[schema(example = "name")]
    pub field: String,
    /// A stable machine-readable code: `required`, `format`, `length`,
    /// `range`, `unknown`, `type`, `read_only`, … (every one is listed in
    /// `docs/errors.md`)
    #[schema(example = "length")]
    pub code: String,
    /// What is wrong, for a person, in the language of `Accept-Language`
    /// (English or Indonesian).
    #[schema(example = "must be 1 to 200 characters")]
    pub message: String,
}

/// An RFC 9457 problem details body.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem.
    #[schema(example = "https://opop.example/problems/not-found")]
    pub r#type: String,
    /// Short summary of the kind of problem, in the language of
    /// `Accept-Language` (English or Indonesian).
    #[schema(example = "Not Found")]
    pub title: String,
    /// HTTP status code.
    #[schema(example = 404)]
    pub status: u16,
    /// What happened in this case, in the language of `Accept-Language`.
    #[schema(example = "No pesantren with this id.")]
    pub detail: String,
    /// A stable machine-readable code for this problem (`product.not_found`,
    /// `product.state_conflict`, `request.invalid`); clients that localise
    /// themselves switch on it. `docs/errors.md` lists every code.
    #[schema(example = "pesantren.not_found")]
    pub code: String,
    /// One entry per invalid field; absent when no field is at fault.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<FieldProblem>>,
    /// The id of the request, also sent as `X-Request-Id`; quote it when reporting a problem.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "01936f3e-5b7a-7c42-9d1e-2f3a4b5c6d7e")]
    pub request_id: Option<String>,
}

/// The API's error: a code, the arguments of its text, and for validation
/// failures every invalid field.
#[derive(Debug)]
pub struct ApiError {
    code: Code,
    args: Args,
    errors: Vec<FieldError>,
    retry_after_secs: Option<u64>,
    /// What went wrong inside, for the log (internal errors only).
    source: Option<anyhow::Error>,
    /// Whether `source` is in the log already: an answer may be written
    /// more than once (by actix, then again in the caller's language).
    logged: AtomicBool,
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn new(code: Code) -> Self {
        Self {
            code,
            args: Vec::new(),
            errors: Vec::new(),
            retry_after_secs: None,
            source: None,
            logged: AtomicBool::new(false),
        }
    }

    /// Adds an argument of the detail text.
    pub fn with(mut self, name: &'static str, value: impl Into<Arg>) -> Self {
        self.args.push((name, value.into()));
        self
    }

    /// A 422 listing every invalid field, sorted by field so that answers
    /// are stable.
    pub fn validation(errors: Vec<FieldError>) -> Self {
        Self::with_fields(Code::RequestInvalid, errors)
    }

    /// A problem of `code` listing every invalid field (`count` is the
    /// argument of its text).
    pub fn with_fields(code: Code, mut errors: Vec<FieldError>) -> Self {
        errors.sort_by(|a, b| a.field.cmp(&b.field));
        let count = errors.len();
        let mut e = Self::new(code).with("count", count);
        e.errors = errors;
        e
    }

    /// A 422 for one field.
    pub fn field(field: impl Into<String>, code: FieldCode) -> Self {
        Self::validation(vec![FieldError::new(field, code)])
    }

    /// Answers `Ok(())` when `errors` is empty, the 422 otherwise.
    pub fn check(errors: Vec<FieldError>) -> ApiResult<()> {
        Self::check_as(Code::RequestInvalid, errors)
    }

    /// [`Self::check`] with the problem `code`.
    pub fn check_as(code: Code, errors: Vec<FieldError>) -> ApiResult<()> {
        if errors.is_empty() {
            Ok(())
        } else {
            Err(Self::with_fields(code, errors))
        }
    }

    /// 429 or 503 with `Retry-After`.
    pub fn retry_after(mut self, secs: u64) -> Self {
        self.retry_after_secs = Some(secs);
        self
    }

    /// Anything unexpected: logged in full, answered opaquely.
    pub fn internal(source: impl Into<anyhow::Error>) -> Self {
        let mut e = Self::new(Code::Internal);
        e.source = Some(source.into());
        e
    }

    pub fn code(&self) -> Code {
        self.code
    }

    pub fn kind(&self) -> Kind {
        self.code.kind()
    }

    pub fn status(&self) -> StatusCode {
        self.kind().status()
    }

    pub fn field_errors(&self) -> &[FieldError] {
        &self.errors
    }

    /// The detail in `lang`. Internal errors never say more than that one
    /// happened: the source goes to the log only.
    pub fn detail(&self, lang: Lang) -> String {
        i18n::render(self.code.as_str(), lang, &self.args)
    }

    pub fn problem(&self, lang: Lang, request_id: Option<String>) -> Problem {
        let kind = self.kind();
        Problem {
            r#type: problem_type(kind),
            title: i18n::render(kind.title_code(), lang, &[]),
            status: kind.status().as_u16(),
            detail: self.detail(lang),
            code: self.code.as_str().to_string(),
            errors: (!self.errors.is_empty())
                .then(|| self.errors.iter().map(|e| e.body(lang)).collect()),
            request_id,
        }
    }

    /// What went wrong inside, the first time it is asked for only.
    fn unlogged_source(&self) -> Option<&anyhow::Error> {
        let source = self.source.as_ref()?;
        (!self.logged.swap(true, Ordering::Relaxed)).then_some(source)
    }

    /// The answer in `lang` with the request id in its body.
    pub fn response(&self, lang: Lang, request_id: Option<String>) -> HttpResponse {
        if let Some(source) = self.unlogged_source() {
            tracing::error!(error = ?source, "internal error");
        }
        let mut res = HttpResponse::build(self.status());
        res.insert_header((header::CONTENT_TYPE, PROBLEM_JSON));
        res.insert_header((header::CONTENT_LANGUAGE, lang.tag()));
        match self.kind() {
            Kind::Unauthorized => {
                res.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
            }
            Kind::Unavailable => {
                let secs = self.retry_after_secs.unwrap_or(DB_RETRY_AFTER_SECS);
                res.insert_header((header::RETRY_AFTER, secs.to_string()));
            }
            Kind::TooManyRequests | Kind::TimedOut => {
                let secs = self.retry_after_secs.unwrap_or(1);
                res.insert_header((header::RETRY_AFTER, secs.to_string()));
            }
            _ => {}
        }
        let body = serde_json::to_string(&self.problem(lang, request_id)).unwrap_or_default();
        res.body(body)
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.detail(Lang::En))?;
        if let Some(source) = &self.source {
            write!(f, " ({source:#})")?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

impl From<Code> for ApiError {
    fn from(code: Code) -> Self {
        Self::new(code)
    }
}

/// The `type` URI of a problem kind.
pub fn problem_type(kind: Kind) -> String {
    format!("https://opop.example/problems/{}", kind.slug())
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status()
    }

    /// In English and without a request id: `http::normalise_error` writes
    /// it again in the caller's language with the id.
    fn error_response(&self) -> HttpResponse {
        self.response(Lang::En, None)
    }
}

impl From<anyhow::Error> for ApiError {
    fn from(err: anyhow::Error) -> Self {
        Self::internal(err)
    }
}

impl From<DbErr> for ApiError {
    fn from(err: DbErr) -> Self {
        if is_connection_error(&err) {
            tracing::warn!(error = %err, "database unavailable");
            return Self::new(Code::DatabaseUnavailable);
        }
        match err.sql_err() {
            // Callers that expect a particular constraint map it themselves with a
            // precise message; this is the fallback for a race they did not foresee.
            Some(SqlErr::UniqueConstraintViolation(_)) => Self::new(Code::UniqueTaken),
            Some(SqlErr::ForeignKeyConstraintViolation(_)) => Self::new(Code::ReferenceConflict),
            _ => Self::internal(err),
        }
    }
}

/// Whether a database error is a unique-constraint violation (a value
/// taken, or a concurrent insert of the same row).
pub fn is_unique_violation(err: &DbErr) -> bool {
    matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_)))
}

/// Maps a unique violation to `code`, anything else as usual.
pub fn unique_as(code: Code) -> impl Fn(DbErr) -> ApiError {
    move |e| {
        if is_unique_violation(&e) {
            ApiError::new(code)
        } else {
            e.into()
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

/// `docs/errors.md`: every problem code with its status and texts, every
/// field message, and the titles; printed by `opop-api error-codes`, and a
/// test keeps the committed file the same.
pub fn catalogue_markdown() -> String {
    let text = |code: &str, lang| {
        i18n::template(code, lang)
            .unwrap_or_default()
            .replace('|', "\\|")
    };
    let mut out = String::from(
        "# Error codes\n\n\
Every problem answered by the API (`application/problem+json`) carries a \
stable `code`, and every invalid field of a 422 a stable message code \
behind its short `code`. Texts are English by default and Indonesian with \
`Accept-Language: id`; `{name}` stands for a value put in (a field, a \
number, a state). Generated by `cargo run -- error-codes > docs/errors.md`; \
a test fails when this file differs.\n\n\
## Problems\n\n| code | status | English | Indonesian |\n|---|---|---|---|\n",
    );
    for code in Code::ALL {
        out.push_str(&format!(
            "| `{}` | {} | {} | {} |\n",
            code.as_str(),
            code.kind().status().as_u16(),
            text(code.as_str(), Lang::En),
            text(code.as_str(), Lang::Id)
        ));
    }
    out.push_str(
        "\n## Field messages\n\n\
The `code` of a field error is the short one; the message code names its \
text.\n\n| message code | `code` | English | Indonesian |\n|---|---|---|---|\n",
    );
    for code in FieldCode::ALL {
        out.push_str(&format!(
            "| `{}` | `{}` | {} | {} |\n",
            code.as_str(),
            code.wire(),
            text(code.as_str(), Lang::En),
            text(code.as_str(), Lang::Id)
        ));
    }
    out.push_str("\n## Titles\n\n| status | `type` | English | Indonesian |\n|---|---|---|---|\n");
    for kind in Kind::ALL {
        out.push_str(&format!(
            "| {} | `{}` | {} | {} |\n",
            kind.status().as_u16(),
            problem_type(kind),
            text(kind.title_code(), Lang::En),
            text(kind.title_code(), Lang::Id)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;
    use std::sync::Arc;

    use sea_orm::sqlx::Error as SqlxError;
    use sea_orm::{ConnAcquireErr, RuntimeErr};

    use super::*;

    fn query(e: SqlxError) -> DbErr {
        DbErr::Query(RuntimeErr::SqlxError(Arc::new(e)))
    }

    #[test]
    fn an_internal_error_is_logged_once_however_often_it_is_answered() {
        let e = ApiError::internal(anyhow::anyhow!("disk full"));
        assert_eq!(
            e.unlogged_source().map(|s| s.to_string()).as_deref(),
            Some("disk full")
        );
        let again = e.response(Lang::Id, None);
        assert_eq!(again.status(), 500);
        assert!(e.unlogged_source().is_none());
        assert!(ApiError::new(Code::ProductNotFound)
            .unlogged_source()
            .is_none());
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
            assert_eq!(api.code(), Code::DatabaseUnavailable, "{api:?}");
            let res = api.error_response();
            assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
            assert!(res.headers().contains_key(header::RETRY_AFTER));
        }
        for err in [
            query(SqlxError::RowNotFound),
            query(SqlxError::ColumnNotFound("x".into())),
        ] {
            assert_eq!(ApiError::from(err).code(), Code::Internal);
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

    /// Every code, field code and title has an English and an Indonesian
    /// text, the two name the same placeholders, and no text is left over
    /// without a code.
    #[test]
    fn every_code_has_english_and_indonesian() {
        let mut wanted: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
        wanted.extend(FieldCode::ALL.iter().map(|c| c.as_str()));
        wanted.extend(Kind::ALL.iter().map(|k| k.title_code()));
        let mut problems = Vec::new();
        let mut seen = HashSet::new();
        for code in &wanted {
            if !seen.insert(*code) {
                problems.push(format!("{code}: defined twice"));
            }
            let (Some(en), Some(id)) = (
                i18n::template(code, Lang::En),
                i18n::template(code, Lang::Id),
            ) else {
                problems.push(format!("{code}: no text in one of the languages"));
                continue;
            };
            if en.trim().is_empty() || id.trim().is_empty() {
                problems.push(format!("{code}: an empty text"));
            }
            if en == id {
                problems.push(format!("{code}: the Indonesian text is the English one"));
            }
            if i18n::placeholders(en) != i18n::placeholders(id) {
                problems.push(format!(
                    "{code}: placeholders differ: {:?} and {:?}",
                    i18n::placeholders(en),
                    i18n::placeholders(id)
                ));
            }
        }
        for code in i18n::codes() {
            if !wanted.contains(&code) {
                problems.push(format!("{code}: a text without a code"));
            }
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    #[test]
    fn a_problem_has_the_same_shape_in_both_languages() {
        let plain = ApiError::new(Code::ProductNotFound);
        let invalid =
            ApiError::validation(vec![FieldError::new("price_idr", FieldCode::RangeBetween)
                .with("min", 100)
                .with("max", 100_000_000)]);
        for error in [plain, invalid] {
            let keys = |lang| {
                let body = serde_json::to_value(error.problem(lang, Some("r".into()))).unwrap();
                body.as_object()
                    .unwrap()
                    .keys()
                    .cloned()
                    .collect::<Vec<_>>()
            };
            assert_eq!(keys(Lang::En), keys(Lang::Id));
        }
        let en = serde_json::to_value(ApiError::new(Code::ProductNotFound).problem(Lang::En, None))
            .unwrap();
        assert!(en.get("errors").is_none(), "{en}");
        assert_eq!(en["code"], "product.not_found");
    }

    #[test]
    fn the_committed_list_of_codes_is_the_generated_one() {
        let committed =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/errors.md"))
                .unwrap_or_default();
        assert!(
            committed == catalogue_markdown(),
            "docs/errors.md is stale: run `cargo run -- error-codes > docs/errors.md`"
        );
    }
}
