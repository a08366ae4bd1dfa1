//! HTTP plumbing shared by every route: extractor error handlers and the
//! middleware that makes every error response problem+json with a request id.

use actix_web::body::{to_bytes, MessageBody};
use actix_web::dev::ServiceResponse;
use actix_web::error::{JsonPayloadError, PathError, QueryPayloadError};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::ErrorHandlerResponse;
use actix_web::{web, HttpMessage, HttpRequest, HttpResponse};
use serde_json::{json, Value};
use tracing_actix_web::RequestId;

use crate::error::{problem_type, slug_for_status, ApiError, FieldError, PROBLEM_JSON};

pub fn json_config(limit: usize) -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(limit)
        // Many phone clients forget the header; a body that is not JSON still
        // fails to parse and gets a 400 that says so.
        .content_type_required(false)
        .error_handler(|err, _req| json_error(err).into())
}

pub fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|err: PathError, _req| {
        ApiError::BadRequest(format!("A path parameter cannot be parsed: {err}.")).into()
    })
}

pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|err: QueryPayloadError, _req| {
        ApiError::BadRequest(format!("A query parameter cannot be parsed: {err}.")).into()
    })
}

fn json_error(err: JsonPayloadError) -> ApiError {
    match err {
        JsonPayloadError::Overflow { limit }
        | JsonPayloadError::OverflowKnownLength { limit, .. } => ApiError::PayloadTooLarge(
            format!("The request body is larger than the limit of {limit} bytes."),
        ),
        JsonPayloadError::ContentType => ApiError::UnsupportedMediaType(
            "Send the request body as JSON with `Content-Type: application/json`.".into(),
        ),
        // Well-formed JSON of the wrong shape is a validation failure (422);
        // only text that is not JSON at all is a 400.
        JsonPayloadError::Deserialize(e) if e.is_data() => {
            ApiError::Validation(vec![serde_field_error(&e)])
        }
        JsonPayloadError::Deserialize(e) => {
            ApiError::BadRequest(format!("The request body is not valid JSON: {e}."))
        }
        other => ApiError::BadRequest(format!("The request body cannot be read: {other}.")),
    }
}

/// Best effort at naming the field serde complained about.
fn serde_field_error(e: &serde_json::Error) -> FieldError {
    let msg = e.to_string();
    let quoted = msg.split('`').nth(1).map(str::to_string);
    if msg.starts_with("missing field") {
        FieldError::new(
            quoted.unwrap_or_else(|| "body".into()),
            "required",
            "is required",
        )
    } else if msg.starts_with("unknown field") {
        FieldError::new(
            quoted.unwrap_or_else(|| "body".into()),
            "unknown",
            "is not a known field",
        )
    } else {
        FieldError::new("body", "type", msg)
    }
}

/// Default `detail` for responses that did not come from an [`ApiError`].
fn default_detail(status: u16, req: &HttpRequest) -> String {
    match status {
        404 => format!("Nothing is served at {}.", req.path()),
        405 => format!("{} is not allowed on {}.", req.method(), req.path()),
        413 => "The request body is larger than the limit.".into(),
        _ => "The request could not be completed.".into(),
    }
}

/// `ErrorHandlers` default handler: turns every 4xx/5xx into problem+json and
/// puts the request id into the body, keeping the status and headers.
pub fn normalise_error<B: MessageBody + 'static>(
    res: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let request_id = res
        .request()
        .extensions()
        .get::<RequestId>()
        .map(|id| id.to_string());
    let indonesian = crate::i18n::wants_indonesian(res.request());
    let is_problem = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes() == PROBLEM_JSON.as_bytes());
    Ok(ErrorHandlerResponse::Future(Box::pin(async move {
        let (req, res) = res.into_parts();
        let status = res.status();
        let headers = res.headers().clone();
        let existing: Option<Value> = if is_problem {
            to_bytes(res.into_body())
                .await
                .ok()
                .and_then(|b| serde_json::from_slice(&b).ok())
        } else {
            None
        };
        let mut problem = existing.unwrap_or_else(|| {
            json!({
                "type": problem_type(slug_for_status(status)),
                "title": status.canonical_reason().unwrap_or("Error"),
                "status": status.as_u16(),
                "detail": default_detail(status.as_u16(), &req),
            })
        });
        if let (Some(id), Some(obj)) = (request_id, problem.as_object_mut()) {
            obj.insert("request_id".into(), Value::String(id));
        }
        if indonesian {
            crate::i18n::translate_problem(&mut problem);
        }
        let mut out = HttpResponse::build(status);
        for (name, value) in headers.iter() {
            if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
                out.append_header((name.clone(), value.clone()));
            }
        }
        out.insert_header((header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON)));
        let res = out.body(problem.to_string());
        Ok(ServiceResponse::new(req, res).map_into_right_body())
    })))
}

/// Answer for paths that match no route.
pub async fn not_found(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    Err(ApiError::NotFound(format!(
        "Nothing is served at {}.",
        req.path()
    )))
}

/// The id of this request, as logged and as sent in `X-Request-Id`.
pub fn request_id(req: &HttpRequest) -> Option<String> {
    req.extensions().get::<RequestId>().map(|id| id.to_string())
}

/// Adds `ETag: "<version>"` to a response for one resource.
pub fn with_etag(
    mut builder: actix_web::HttpResponseBuilder,
    version: i32,
) -> actix_web::HttpResponseBuilder {
    builder.insert_header((header::ETAG, format!("\"{version}\"")));
    builder
}

/// The version named by `If-Match`, if the header is present. `*` matches
/// any version and counts as absent.
pub fn if_match(req: &HttpRequest) -> Result<Option<i32>, ApiError> {
    let Some(value) = req.headers().get(header::IF_MATCH) else {
        return Ok(None);
    };
    let text = value.to_str().unwrap_or_default().trim();
    if text == "*" {
        return Ok(None);
    }
    let tag = text.strip_prefix("W/").unwrap_or(text).trim_matches('"');
    tag.parse::<i32>().map(Some).map_err(|_| {
        ApiError::BadRequest("If-Match must be the ETag of the resource, such as \"3\".".into())
    })
}

/// Refuses a write whose `If-Match` names another version than the current one.
pub fn check_version(expected: Option<i32>, current: i32) -> Result<(), ApiError> {
    match expected {
        Some(v) if v != current => Err(ApiError::PreconditionFailed {
            current_version: current,
        }),
        _ => Ok(()),
    }
}

/// An optional JSON body: empty means the default, anything else must parse
/// (a malformed body is never silently ignored).
pub fn optional_json<T: serde::de::DeserializeOwned + Default>(body: &[u8]) -> Result<T, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    serde_json::from_slice(body).map_err(|e| {
        if e.is_data() {
            ApiError::Validation(vec![serde_field_error(&e)])
        } else {
            ApiError::BadRequest(format!("The request body is not valid JSON: {e}."))
        }
    })
}
