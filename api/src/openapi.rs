//! The OpenAPI document. It is generated from the registered routes (so a
//! route cannot be served undocumented), committed at `openapi/openapi.json`,
//! served at `/api-docs/openapi.json`, and a test fails when the two differ.

use actix_web::App;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::AppExt;

use crate::error::{ApiError, Code, FieldCode, FieldError, FieldProblem, Problem};
use crate::i18n::Lang;

pub use crate::auth::policy::BEARER;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "OPOP API",
        description = "API of One Pesantren One Product (OPOP): the register of pesantren, santri, \
cooperatives, products and certifications of several provinces, product curation, the public \
catalogue, and marketplace synchronisation.\n\n\
Conventions: JSON in and out with `snake_case` fields; ids are UUID v7; timestamps are RFC 3339 \
in UTC; money is whole rupiah (`price_idr`). Lists take `limit` (1-100, default 20) and an opaque \
`cursor` and answer `{\"data\": [...], \"next_cursor\": ...}`. Every resource carries `version`; \
single-resource responses send `ETag: \"<version>\"` and writes with a stale `If-Match` get 412. \
Errors are RFC 9457 problem details (`application/problem+json`) with a stable `code` and a `request_id`; with `Accept-Language: id` their texts are in Indonesian. A method a path does not serve is 405 with `Allow`. Resources with `PUT` also take `PATCH` (JSON Merge Patch, RFC 7396).",
        license(name = "MIT", identifier = "MIT"),
        version = env!("CARGO_PKG_VERSION")
    ),
    // Relative: the document is served by the API it describes, so clients
    // resolve paths against wherever they fetched it from.
    servers((url = "/", description = "The server this document is served from")),
    modifiers(&SecurityAddon),
    tags(
        (name = "health", description = "Liveness and readiness probes."),
        (name = "auth", description = "Login, token refresh and logout for people; client-credential tokens for partners."),
        (name = "users", description = "User accounts (admins, curators, pesantren managers, santri), managed by admins within their province."),
        (name = "partners", description = "E-commerce partners and off-takers: machine clients of the catalogue."),
        (name = "pesantren", description = "The register of pesantren, and online registration of new ones."),
        (name = "regions", description = "Kemendagri's provinces, regencies and cities, and districts (kecamatan), by code: the codes every region field must name (no token needed)."),
        (name = "santri", description = "Students and alumni of a pesantren. Personal data: never public, NIK always masked."),
        (name = "koperasi", description = "The cooperative (kopontren) of a pesantren: the legal body that sells."),
        (name = "products", description = "Products of a pesantren and their curation: draft, in review, approved or rejected, unlisted. Published when approved, of a verified pesantren, and (food, beverage, herbal, cosmetics) halal-certified."),
        (name = "certifications", description = "Certificates of a product (halal, P-IRT, BPOM, SNI, trademark), added by the pesantren and verified by curators; the renewals to chase."),
        (name = "competitions", description = "Competitions (audisi) of a province and year: entries of pesantren, jurors' scores stage by stage, standings, awards and the payments of their grants. See docs/competitions.md."),
        (name = "audit", description = "The audit trail: every write and every read of a santri's personal data, for admins and inspectors; santri entries keep field names, never values. See docs/data-protection.md."),
        (name = "stats", description = "The programme's figures against its targets, by province."),
        (name = "catalog", description = "The public catalogue of published products (no token needed), and what marketplaces use to mirror it: the change feed, their listings, and the orders they report. Partner endpoints are rate-limited per partner (`RateLimit-*` headers, 429 with `Retry-After`). See docs/partner-integration.md."),
    ),
    components(schemas(Problem, FieldProblem))
)]
pub struct ApiDoc;

struct SecurityAddon;

impl Modify for SecurityAddon {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            BEARER,
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some(
                        "Access token from `POST /api/v1/auth/login` (people) or \
                         `POST /api/v1/auth/token` (partners).",
                    ))
                    .build(),
            ),
        );
    }
}

/// The document for the routes of [`crate::routes::routes`], with the
/// standard error responses added to every operation.
///
/// The error responses are added on the JSON form, which must read back as a
/// document. A schema that does not round-trip is an error here rather than
/// a silent fallback: the fallback once shipped a document without them.
pub fn document() -> Result<utoipa::openapi::OpenApi, serde_json::Error> {
    let (_, api) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(crate::routes::routes)
        .split_for_parts();
    let mut value = serde_json::to_value(&api)?;
    add_error_responses(&mut value);
    add_body_examples(&mut value);
    serde_json::from_value(value)
}

/// The paths of the document and the methods each serves, for answering a
/// method a path does not serve (405 with `Allow`).
pub fn route_table(doc: &utoipa::openapi::OpenApi) -> crate::http::RouteTable {
    use actix_web::http::Method;
    crate::http::RouteTable::new(doc.paths.paths.iter().map(|(path, item)| {
        let methods = [
            (item.get.is_some(), Method::GET),
            (item.put.is_some(), Method::PUT),
            (item.post.is_some(), Method::POST),
            (item.delete.is_some(), Method::DELETE),
            (item.patch.is_some(), Method::PATCH),
            (item.head.is_some(), Method::HEAD),
            (item.options.is_some(), Method::OPTIONS),
            (item.trace.is_some(), Method::TRACE),
        ]
        .into_iter()
        .filter_map(|(served, m)| served.then_some(m))
        .collect();
        (path.clone(), methods)
    }))
}

/// Every role name a route may admit.
pub const ALL_ROLES: [&str; 5] = ["admin", "curator", "pesantren_manager", "santri", "partner"];

const ERRORS: [(&str, &str, &str); 11] = [
    (
        "400",
        "BadRequest",
        "The body is not JSON, or a parameter cannot be parsed.",
    ),
    (
        "401",
        "Unauthorized",
        "No token, or a bad, expired or revoked one. Sent with `WWW-Authenticate: Bearer`.",
    ),
    ("403", "Forbidden", "The caller's role may not do this."),
    (
        "404",
        "NotFound",
        "No such resource, or one outside the caller's scope.",
    ),
    (
        "409",
        "Conflict",
        "A unique value is taken, or the state does not allow this change.",
    ),
    (
        "412",
        "PreconditionFailed",
        "`If-Match` does not match the current version.",
    ),
    (
        "413",
        "PayloadTooLarge",
        "The body is larger than the limit (1 MiB by default).",
    ),
    (
        "422",
        "Unprocessable",
        "Well-formed JSON that fails validation; `errors` lists every bad field.",
    ),
    (
        "429",
        "TooManyRequests",
        "Too many requests; retry after `Retry-After` seconds.",
    ),
    (
        "500",
        "Internal",
        "An unexpected error; the detail is only in the server log, under `request_id`.",
    ),
    (
        "503",
        "Unavailable",
        "The database cannot be reached; retry after `Retry-After` seconds.",
    ),
];

/// Adds the error responses each operation can give, judged from what it
/// declares: a body, path or query parameters, its security requirement.
/// Responses an operation declares itself are kept.
fn add_error_responses(doc: &mut serde_json::Value) {
    use serde_json::{json, Value};
    let mut used: Vec<&str> = Vec::new();
    let Some(paths) = doc["paths"].as_object_mut() else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for (method, op) in item.iter_mut() {
            if !["get", "put", "post", "delete", "patch"].contains(&method.as_str()) {
                continue;
            }
            let params: Vec<String> = op["parameters"]
                .as_array()
                .map(|ps| {
                    ps.iter()
                        .filter_map(|p| p["in"].as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default();
            // An operation that declares no requirement is anonymous; saying so
            // explicitly (`[{}]`) keeps generators and linters from falling back
            // to a document-wide default that does not exist.
            if op.get("security").is_none() {
                op["security"] = json!([{}]);
            }
            let security = op["security"].as_array().cloned().unwrap_or_default();
            let anonymous = security.is_empty()
                || security
                    .iter()
                    .any(|s| s.as_object().is_some_and(|o| o.is_empty()));
            let roles: Vec<&str> = security
                .iter()
                .filter_map(|s| s[BEARER].as_array())
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            let mut codes = vec!["500"];
            if path.starts_with("/api/") {
                codes.extend(["429", "503"]);
            }
            if op.get("requestBody").is_some() {
                codes.extend(["400", "413", "422"]);
            }
            if params.iter().any(|p| p == "path") {
                codes.extend(["400", "404"]);
            }
            if params.iter().any(|p| p == "query") {
                codes.extend(["400", "422"]);
            }
            if !roles.is_empty() {
                codes.push("401");
                if roles.len() < ALL_ROLES.len() || !anonymous {
                    codes.push("403");
                }
            }
            let responses = &mut op["responses"];
            for code in codes {
                if responses.get(code).is_none() {
                    let name = ERRORS
                        .iter()
                        .find(|(c, _, _)| *c == code)
                        .map(|e| e.1)
                        .unwrap_or("Internal");
                    responses[code] = json!({"$ref": format!("#/components/responses/{name}")});
                    if !used.contains(&name) {
                        used.push(name);
                    }
                }
            }
            if let Some(responses) = responses.as_object_mut() {
                for (code, response) in responses.iter_mut() {
                    // An error an operation declares itself (to say when it
                    // happens) is a problem like every other: the body is
                    // attached here, once, rather than in every handler.
                    let is_error = code.starts_with('4') || code.starts_with('5');
                    if is_error
                        && response.get("$ref").is_none()
                        && response.get("content").is_none()
                    {
                        response["content"] = json!({"application/problem+json": {
                            "schema": {"$ref": "#/components/schemas/Problem"}
                        }});
                    }
                    add_problem_example(code, response);
                }
            }
        }
    }
    // Only the responses some operation refers to: an unused component is
    // noise to a client generator.
    for (code, name, description) in ERRORS {
        if used.contains(&name) {
            let mut response = json!({
                "description": description,
                "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
            });
            add_problem_example(code, &mut response);
            doc["components"]["responses"][name] = response;
        }
    }
}

/// Puts on a problem+json response without an example the body the error
/// type itself produces for that status, so the example cannot drift from
/// what the server sends.
fn add_problem_example(code: &str, response: &mut serde_json::Value) {
    let Some(media) = response
        .get_mut("content")
        .and_then(|c| c.get_mut("application/problem+json"))
        .and_then(serde_json::Value::as_object_mut)
    else {
        return;
    };
    if media.contains_key("example") || media.contains_key("examples") {
        return;
    }
    let Some(problem) = example_problem(code) else {
        return;
    };
    if let Ok(value) = serde_json::to_value(problem) {
        media.insert("example".into(), value);
    }
}

fn example_problem(code: &str) -> Option<Problem> {
    let error = match code {
        "400" => ApiError::new(Code::RequestNotJson)
            .with("line", 1)
            .with("column", 1),
        "401" => ApiError::new(Code::AuthTokenInvalid),
        "403" => ApiError::new(Code::AuthRoleForbidden).with("role", "santri"),
        "404" => ApiError::new(Code::PesantrenNotFound),
        "405" => ApiError::new(Code::RequestMethodNotAllowed)
            .with("method", "DELETE")
            .with("path", "/api/v1/pesantren")
            .with("allow", "GET, POST"),
        "409" => ApiError::new(Code::ProductStateConflict)
            .with("status", "approved")
            .with("action", "submit"),
        "412" => ApiError::new(Code::RequestVersionMismatch).with("version", 3),
        "413" => ApiError::new(Code::RequestTooLargeLimit).with("limit", 1_048_576),
        "415" => ApiError::new(Code::RequestJsonOnly),
        "422" => ApiError::validation(vec![FieldError::new("name", FieldCode::LengthBetween)
            .with("min", 1)
            .with("max", 200)]),
        "429" => ApiError::new(Code::RequestRateLimited)
            .with("seconds", 30)
            .retry_after(30),
        "500" => ApiError::new(Code::Internal),
        "503" => ApiError::new(Code::DatabaseUnavailable),
        _ => return None,
    };
    Some(error.problem(Lang::En, Some(EXAMPLE_REQUEST_ID.into())))
}

const EXAMPLE_REQUEST_ID: &str = "01936f3e-5b7a-7c42-9d1e-2f3a4b5c6d7e";

/// The document as committed: pretty JSON with a final newline.
pub fn document_json() -> Result<String, serde_json::Error> {
    let mut json = document()?.to_pretty_json()?;
    json.push('\n');
    Ok(json)
}

/// Puts an example on every JSON request body and success response that has
/// none, composed from the schema: the examples its fields declare
/// (`#[schema(example = ...)]`), and for fields without one a value of the
/// declared type and format. `contract/run` lints every example against its
/// schema, so one that a constraint rules out fails CI rather than shipping.
fn add_body_examples(doc: &mut serde_json::Value) {
    let schemas = doc["components"]["schemas"].clone();
    let Some(paths) = doc["paths"].as_object_mut() else {
        return;
    };
    for item in paths.values_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for op in item.values_mut() {
            let Some(op) = op.as_object_mut() else {
                continue;
            };
            let mut contents: Vec<&mut serde_json::Value> = Vec::new();
            for (key, value) in op.iter_mut() {
                match (key.as_str(), value) {
                    ("requestBody", body) => contents.push(body),
                    ("responses", serde_json::Value::Object(responses)) => contents.extend(
                        responses
                            .iter_mut()
                            .filter(|(code, _)| code.starts_with('2'))
                            .map(|(_, r)| r),
                    ),
                    _ => {}
                }
            }
            for holder in contents {
                let Some(content) = holder
                    .get_mut("content")
                    .and_then(serde_json::Value::as_object_mut)
                else {
                    continue;
                };
                // `application/json` and `application/merge-patch+json`.
                for (media_type, media) in content.iter_mut() {
                    let Some(media) = media
                        .as_object_mut()
                        .filter(|_| media_type.ends_with("json"))
                    else {
                        continue;
                    };
                    if media.contains_key("example") || media.contains_key("examples") {
                        continue;
                    }
                    if let Some(schema) = media.get("schema") {
                        let example = example_of(schema, &schemas, 0);
                        media.insert("example".into(), example);
                    }
                }
            }
        }
    }
}

/// An instance of `schema`: see [`add_body_examples`].
fn example_of(
    schema: &serde_json::Value,
    schemas: &serde_json::Value,
    depth: usize,
) -> serde_json::Value {
    use serde_json::{json, Value};
    // Schemas are not recursive today; the bound keeps a future recursive one
    // from looping.
    if depth > 12 {
        return Value::Null;
    }
    if let Some(example) = schema.get("example") {
        return example.clone();
    }
    if let Some(example) = schema["examples"].as_array().and_then(|e| e.first()) {
        return example.clone();
    }
    if let Some(default) = schema.get("default") {
        return default.clone();
    }
    if let Some(reference) = schema["$ref"].as_str() {
        let name = reference.trim_start_matches("#/components/schemas/");
        return example_of(&schemas[name], schemas, depth + 1);
    }
    if let Some(value) = schema.get("const") {
        return value.clone();
    }
    if let Some(value) = schema["enum"]
        .as_array()
        .and_then(|e| e.iter().find(|v| !v.is_null()))
    {
        return value.clone();
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(choices) = schema[key].as_array() {
            // The first alternative that is not `null`: an example shows a value.
            let choice = choices
                .iter()
                .find(|c| c["type"] != "null")
                .or(choices.first());
            if let Some(choice) = choice {
                return example_of(choice, schemas, depth + 1);
            }
        }
    }
    if let Some(parts) = schema["allOf"].as_array() {
        let mut merged = serde_json::Map::new();
        for part in parts {
            if let Value::Object(fields) = example_of(part, schemas, depth + 1) {
                merged.extend(fields);
            }
        }
        return Value::Object(merged);
    }
    let kind = match &schema["type"] {
        Value::String(kind) => kind.as_str(),
        Value::Array(kinds) => kinds
            .iter()
            .filter_map(Value::as_str)
            .find(|k| *k != "null")
            .unwrap_or("null"),
        _ if schema.get("properties").is_some() => "object",
        _ => "",
    };
    match kind {
        "object" => {
            let mut fields = serde_json::Map::new();
            if let Some(properties) = schema["properties"].as_object() {
                for (name, property) in properties {
                    fields.insert(name.clone(), example_of(property, schemas, depth + 1));
                }
            } else if let Some(values) =
                schema.get("additionalProperties").filter(|v| v.is_object())
            {
                fields.insert("key".into(), example_of(values, schemas, depth + 1));
            }
            Value::Object(fields)
        }
        "array" => {
            let count = schema["minItems"].as_u64().unwrap_or(1).max(1);
            let item = example_of(&schema["items"], schemas, depth + 1);
            Value::Array(vec![item; count as usize])
        }
        "string" => match schema["format"].as_str() {
            Some("uuid") => json!("01936f3e-5b7a-7c42-9d1e-2f3a4b5c6d7e"),
            Some("date-time") => json!("2026-01-15T08:30:00Z"),
            Some("date") => json!("2026-01-15"),
            Some("email") => json!("pengelola@example.org"),
            Some("uri") => json!("https://opop.example.go.id/"),
            Some("binary") => json!(""),
            _ => {
                let min = schema["minLength"].as_u64().unwrap_or(0) as usize;
                json!("text".repeat(min.div_ceil(4).max(1)))
            }
        },
        "integer" => {
            let min = schema["minimum"]
                .as_i64()
                .or_else(|| schema["exclusiveMinimum"].as_i64().map(|m| m + 1));
            json!(min.unwrap_or(1))
        }
        "number" => json!(schema["minimum"].as_f64().unwrap_or(1.5)),
        "boolean" => json!(true),
        _ => Value::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `contract/run` lints, checked here too so that `cargo test`
    /// alone catches an operation that loses its security or its examples.
    #[test]
    fn every_operation_declares_security_and_every_json_body_has_an_example() {
        let doc = serde_json::to_value(document().expect("document")).expect("json");
        let mut missing = Vec::new();
        for (path, item) in doc["paths"].as_object().expect("paths") {
            for (method, op) in item.as_object().expect("path item") {
                if op["security"].as_array().is_none_or(|s| s.is_empty()) {
                    missing.push(format!("{method} {path}: security"));
                }
                let mut bodies = vec![("request", &op["requestBody"])];
                for (code, response) in op["responses"].as_object().expect("responses") {
                    bodies.push((code.as_str(), response));
                }
                for (what, body) in bodies {
                    for (media_type, media) in body["content"].as_object().into_iter().flatten() {
                        if media_type.contains("json") && media.get("example").is_none() {
                            missing.push(format!("{method} {path} {what} {media_type}: example"));
                        }
                    }
                }
            }
        }
        assert!(missing.is_empty(), "{missing:#?}");
    }

    #[test]
    fn a_composed_example_follows_the_schema() {
        let schemas = serde_json::json!({
            "Kind": {"type": "string", "enum": ["food", "craft"]},
        });
        let schema = serde_json::json!({
            "type": "object",
            "properties": {
                "id": {"type": "string", "format": "uuid"},
                "name": {"type": "string", "example": "Kopi"},
                "kind": {"$ref": "#/components/schemas/Kind"},
                "stock": {"type": ["integer", "null"], "minimum": 0},
                "tags": {"type": "array", "items": {"type": "string", "minLength": 6}},
                "note": {"oneOf": [{"type": "null"}, {"type": "boolean"}]},
            }
        });
        assert_eq!(
            example_of(&schema, &schemas, 0),
            serde_json::json!({
                "id": "01936f3e-5b7a-7c42-9d1e-2f3a4b5c6d7e",
                "name": "Kopi",
                "kind": "food",
                "stock": 0,
                "tags": ["texttext"],
                "note": true,
            })
        );
    }
}
