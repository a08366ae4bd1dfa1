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
            ApiError::Validation(vec![field_error(".", &e)])
        }
        JsonPayloadError::Deserialize(e) => {
            ApiError::BadRequest(format!("The request body is not valid JSON: {e}."))
        }
        other => ApiError::BadRequest(format!("The request body cannot be read: {other}.")),
    }
}

/// Parses a JSON body, naming the field at fault: a malformed document is
/// a 400, a well-formed one with a wrong, missing or unknown field a 422
/// whose `field` is the path to it (`type`, `items[2].stock`).
pub fn parse_json<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if inner.is_data() {
            ApiError::Validation(vec![field_error(&path, &inner)])
        } else {
            not_json(&inner)
        }
    })?;
    // Trailing characters after the document.
    de.end().map_err(|e| not_json(&e))?;
    Ok(value)
}

fn not_json(e: &serde_json::Error) -> ApiError {
    ApiError::BadRequest(format!("The request body is not valid JSON: {e}."))
}

fn field_error(path: &str, e: &serde_json::Error) -> FieldError {
    let msg = e.to_string();
    let quoted = msg.split('`').nth(1).unwrap_or("body");
    // For a missing field the path names the object holding it; an unknown
    // key is already the path's last segment.
    let inside = |name: &str| match path {
        "." | "" => name.to_string(),
        parent => format!("{parent}.{name}"),
    };
    if msg.starts_with("missing field") {
        FieldError::new(inside(quoted), "required", "is required")
    } else if msg.starts_with("unknown field") {
        let field = if path == "." {
            quoted.to_string()
        } else {
            path.to_string()
        };
        FieldError::new(field, "unknown", "is not a known field")
    } else {
        let field = if path == "." {
            "body".to_string()
        } else {
            path.to_string()
        };
        let message = msg.split(" at line ").next().unwrap_or(&msg).to_string();
        FieldError::new(field, "type", message)
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
    parse_json(body)
}

/// A JSON request body whose problems are reported only when the handler
/// takes it, after the route guard has run. actix resolves a handler's
/// extractors together, and a body that fails to parse would otherwise
/// answer 400/422 before `Require` answered 401/403: a caller who may not
/// call a route must learn nothing else about it.
pub struct Body<T>(Result<T, ApiError>);

impl<T> Body<T> {
    /// The parsed body, or its 400/413/422 problem.
    pub fn into_inner(self) -> Result<T, ApiError> {
        self.0
    }
}

impl<T: serde::de::DeserializeOwned + 'static> actix_web::FromRequest for Body<T> {
    type Error = actix_web::Error;
    type Future = futures_util::future::LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        let bytes = web::Bytes::from_request(req, payload);
        Box::pin(async move {
            let parsed = match bytes.await {
                Ok(b) if b.iter().all(u8::is_ascii_whitespace) => Err(ApiError::BadRequest(
                    "The request needs a JSON body.".into(),
                )),
                Ok(b) => parse_json(&b),
                Err(e) => Err(match e.as_error::<actix_web::error::PayloadError>() {
                    Some(actix_web::error::PayloadError::Overflow) => ApiError::PayloadTooLarge(
                        "The request body is larger than the limit.".into(),
                    ),
                    _ => ApiError::BadRequest(format!("The request body cannot be read: {e}.")),
                }),
            };
            Ok(Body(parsed))
        })
    }
}
