//! HTTP plumbing shared by every route: the body and query extractors, the
//! extractor error handlers, conditional-request headers, and the
//! middleware that writes every error answer as problem+json in the
//! caller's language with the request id.

use actix_web::body::MessageBody;
use actix_web::dev::ServiceResponse;
use actix_web::error::PathError;
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::ErrorHandlerResponse;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest, HttpResponse};
use futures_util::future::LocalBoxFuture;
use serde::de::DeserializeOwned;
use tracing_actix_web::RequestId;

use crate::error::{ApiError, ApiResult, Code, PROBLEM_JSON};
use crate::i18n::Lang;
use crate::validation::Check;

/// The language a request asks for (`Accept-Language`).
pub fn request_lang(req: &HttpRequest) -> Lang {
    Lang::negotiate(
        req.headers()
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
    )
}

/// Whether the client asked for a spreadsheet (`Accept: text/csv`).
pub fn wants_csv(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(',').any(|t| {
                t.split(';')
                    .next()
                    .is_some_and(|m| m.trim().eq_ignore_ascii_case("text/csv"))
            })
        })
}

/// A CSV answer, offered as a download named `filename`.
pub fn csv_response(filename: &str, body: Vec<u8>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{filename}\""),
        ))
        .body(body)
}

pub fn path_config() -> web::PathConfig {
    web::PathConfig::default()
        .error_handler(|_: PathError, _req| ApiError::new(Code::RequestPathInvalid).into())
}

/// The bytes of a request body, or its 413 or 400.
async fn read_body(
    req: &HttpRequest,
    payload: &mut actix_web::dev::Payload,
) -> ApiResult<web::Bytes> {
    web::Bytes::from_request(req, payload).await.map_err(|e| {
        match e.as_error::<actix_web::error::PayloadError>() {
            Some(actix_web::error::PayloadError::Overflow) => ApiError::new(Code::RequestTooLarge),
            _ => ApiError::new(Code::RequestBodyUnreadable),
        }
    })
}

fn blank(bytes: &[u8]) -> bool {
    bytes.iter().all(u8::is_ascii_whitespace)
}

/// The body, unless it is empty (400).
fn required(bytes: &[u8]) -> ApiResult<&[u8]> {
    if blank(bytes) {
        Err(ApiError::new(Code::RequestBodyRequired))
    } else {
        Ok(bytes)
    }
}

/// The future of a body extractor: the body read whole (413 past the
/// limit), then `read` into what the handler takes.
fn read_then<T: 'static>(
    req: &HttpRequest,
    payload: &mut actix_web::dev::Payload,
    read: impl FnOnce(web::Bytes) -> ApiResult<T> + 'static,
) -> LocalBoxFuture<'static, ApiResult<T>> {
    let req = req.clone();
    let mut payload = payload.take();
    Box::pin(async move { read(read_body(&req, &mut payload).await?) })
}

/// A JSON request body, read with every bad field reported at once (see
/// [`crate::validation::parse`]): 400 when it is missing or not JSON, 413
/// over the limit, 422 naming each bad field.
pub struct Body<T>(pub T);

impl<T> Body<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T: DeserializeOwned + Check + 'static> FromRequest for Body<T> {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        read_then(req, payload, |bytes| {
            crate::validation::parse(required(&bytes)?).map(Body)
        })
    }
}

/// A JSON body that may be left out: an empty body means `T::default()`;
/// anything else must read (a malformed body is never silently ignored).
pub struct OptionalBody<T>(pub T);

impl<T> OptionalBody<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T: DeserializeOwned + Check + Default + 'static> FromRequest for OptionalBody<T> {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        read_then(req, payload, |bytes| {
            if blank(&bytes) {
                Ok(OptionalBody(T::default()))
            } else {
                crate::validation::parse(&bytes).map(OptionalBody)
            }
        })
    }
}

/// A JSON document of any shape (a `PUT` body, read against the resource's
/// representation by `edit::Edit`): 400 when missing or not JSON.
pub struct JsonValue(pub serde_json::Value);

fn json_document(bytes: &[u8]) -> ApiResult<serde_json::Value> {
    serde_json::from_slice(required(bytes)?).map_err(crate::validation::not_json)
}

impl FromRequest for JsonValue {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        read_then(req, payload, |bytes| json_document(&bytes).map(JsonValue))
    }
}

/// A JSON Merge Patch (RFC 7396) body: `application/merge-patch+json`, or
/// `application/json` (or no type) for clients that cannot set one.
pub struct MergePatch(pub serde_json::Value);

impl FromRequest for MergePatch {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        let media = req.mime_type().ok().flatten();
        let accepted = media.as_ref().is_none_or(|m| {
            let essence = m.essence_str();
            essence == "application/merge-patch+json" || essence == "application/json"
        });
        if !accepted {
            return Box::pin(std::future::ready(Err(ApiError::new(
                Code::RequestPatchMediaType,
            ))));
        }
        read_then(req, payload, |bytes| json_document(&bytes).map(MergePatch))
    }
}

/// Query parameters, read with every bad one named: 400 with `errors`
/// listing each parameter that cannot be read, in the caller's language.
pub struct Query<T>(pub T);

impl<T> std::ops::Deref for Query<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for Query<T> {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        std::future::ready(crate::validation::parse_query(req.query_string()).map(Query))
    }
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
pub fn if_match(req: &HttpRequest) -> ApiResult<Option<i32>> {
    let Some(value) = req.headers().get(header::IF_MATCH) else {
        return Ok(None);
    };
    let text = value.to_str().unwrap_or_default().trim();
    if text == "*" {
        return Ok(None);
    }
    let tag = text.strip_prefix("W/").unwrap_or(text).trim_matches('"');
    tag.parse::<i32>()
        .map(Some)
        .map_err(|_| ApiError::new(Code::RequestIfMatchInvalid))
}

/// The `If-Match` version of a request, as an extractor (400 when it is not
/// an ETag of ours).
pub struct IfMatch(pub Option<i32>);

impl FromRequest for IfMatch {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        std::future::ready(if_match(req).map(IfMatch))
    }
}

/// The routes the server serves, by path template, for answering a method a
/// path does not serve with 405 and `Allow` (see [`unmatched`]).
#[derive(Default)]
pub struct RouteTable {
    routes: Vec<(actix_web::dev::ResourceDef, Vec<Method>)>,
}

impl RouteTable {
    /// From `(path template, methods)` pairs, such as the OpenAPI document's.
    pub fn new(paths: impl IntoIterator<Item = (String, Vec<Method>)>) -> Self {
        let mut routes: Vec<(actix_web::dev::ResourceDef, Vec<Method>)> = Vec::new();
        for (path, methods) in paths {
            routes.push((actix_web::dev::ResourceDef::new(path), methods));
        }
        Self { routes }
    }

    /// The methods served at `path`, if any route's template matches it.
    pub fn allowed(&self, path: &str) -> Option<Vec<Method>> {
        let mut found: Option<Vec<Method>> = None;
        for (def, methods) in &self.routes {
            if def.is_match(path) {
                let all = found.get_or_insert_with(Vec::new);
                for m in methods {
                    if !all.contains(m) {
                        all.push(m.clone());
                    }
                }
            }
        }
        found
    }
}

/// Answer for a request no route took: 405 with `Allow` when the path is
/// served with other methods, 404 otherwise.
pub async fn unmatched(req: HttpRequest) -> HttpResponse {
    let allowed = req
        .app_data::<web::Data<RouteTable>>()
        .and_then(|t| t.allowed(req.path()));
    let error = match &allowed {
        Some(methods) => ApiError::new(Code::RequestMethodNotAllowed)
            .with("method", req.method().as_str())
            .with("path", req.path())
            .with("allow", allow_header(methods)),
        None => ApiError::new(Code::RequestNotFound).with("path", req.path()),
    };
    let mut res = HttpResponse::from_error(error);
    if let Some(methods) = allowed {
        if let Ok(v) = HeaderValue::from_str(&allow_header(&methods)) {
            res.headers_mut().insert(header::ALLOW, v);
        }
    }
    res
}

fn allow_header(methods: &[Method]) -> String {
    let mut names: Vec<&str> = methods.iter().map(Method::as_str).collect();
    names.sort_unstable();
    names.join(", ")
}

/// The problem of an answer that did not come from an [`ApiError`] (actix's
/// own 404, 405, 413, …).
fn problem_of_status(status: StatusCode, req: &HttpRequest) -> ApiError {
    match status.as_u16() {
        404 => ApiError::new(Code::RequestNotFound).with("path", req.path()),
        405 => ApiError::new(Code::RequestMethodNotAllowed)
            .with("method", req.method().as_str())
            .with("path", req.path())
            .with("allow", "-"),
        406 => ApiError::new(Code::RequestNotAcceptable),
        413 => ApiError::new(Code::RequestTooLarge),
        415 => ApiError::new(Code::RequestJsonOnly),
        503 => ApiError::new(Code::DatabaseUnavailable),
        s if s >= 500 => ApiError::new(Code::Internal),
        _ => ApiError::new(Code::RequestFailed),
    }
}

/// `ErrorHandlers` default handler: every 4xx/5xx answer becomes
/// problem+json in the caller's language with the request id, keeping its
/// status and headers. An answer made from an [`ApiError`] is written again
/// from the error itself; a problem body made earlier (a stored answer
/// replayed under an idempotency key) is kept and given this request's id;
/// any other answer gets the problem of its status.
pub fn normalise_error<B: MessageBody + 'static>(
    res: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let (req, res) = res.into_parts();
    let lang = request_lang(&req);
    let id = request_id(&req);
    let status = res.status();
    let rendered = res
        .error()
        .and_then(|e| e.as_error::<ApiError>())
        .filter(|e| e.status() == status)
        .map(|e| e.response(lang, id.clone()));
    let is_problem = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes() == PROBLEM_JSON.as_bytes());
    Ok(ErrorHandlerResponse::Future(Box::pin(async move {
        let headers = res.headers().clone();
        let mut out = match rendered {
            Some(out) => out,
            None if is_problem => {
                let body = actix_web::body::to_bytes(res.into_body()).await.ok();
                let mut problem: serde_json::Value = body
                    .and_then(|b| serde_json::from_slice(&b).ok())
                    .unwrap_or_default();
                if let (Some(id), Some(obj)) = (id, problem.as_object_mut()) {
                    obj.insert("request_id".into(), serde_json::Value::String(id));
                }
                HttpResponse::build(status)
                    .insert_header((header::CONTENT_TYPE, PROBLEM_JSON))
                    .body(problem.to_string())
            }
            None => {
                let mut fresh = problem_of_status(status, &req).response(lang, id);
                *fresh.status_mut() = status;
                fresh
            }
        };
        // Headers the answer had beyond those the problem sets (Allow,
        // Retry-After, RateLimit-*, CORS, Idempotent-Replayed).
        for (name, value) in headers.iter() {
            if name != header::CONTENT_TYPE
                && name != header::CONTENT_LENGTH
                && !out.headers().contains_key(name)
            {
                out.headers_mut().append(name.clone(), value.clone());
            }
        }
        Ok(ServiceResponse::new(req, out).map_into_right_body())
    })))
}
