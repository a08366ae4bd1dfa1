//! The OpenAPI document. It is generated from the registered routes (so a
//! route cannot be served undocumented), committed at `openapi/openapi.json`,
//! served at `/api-docs/openapi.json`, and a test fails when the two differ.

use actix_web::App;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::AppExt;

use crate::error::{FieldError, Problem};

/// Name of the bearer security scheme in the document.
pub const BEARER: &str = "bearer";

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
Errors are RFC 9457 problem details (`application/problem+json`) with a `request_id`.",
        license(name = "MIT", identifier = "MIT"),
        version = env!("CARGO_PKG_VERSION")
    ),
    modifiers(&SecurityAddon),
    tags(
        (name = "health", description = "Liveness and readiness probes."),
        (name = "auth", description = "Login, token refresh and logout for people; client-credential tokens for partners."),
        (name = "users", description = "User accounts (admins, curators, pesantren managers, santri), managed by admins within their province."),
        (name = "partners", description = "E-commerce partners and off-takers: machine clients of the catalogue."),
        (name = "pesantren", description = "The register of pesantren, and online registration of new ones."),
        (name = "santri", description = "Students and alumni of a pesantren. Personal data: never public, NIK always masked."),
        (name = "koperasi", description = "The cooperative (kopontren) of a pesantren: the legal body that sells."),
        (name = "products", description = "Products of a pesantren and their curation: draft, in review, approved or rejected, unlisted. Published when approved, of a verified pesantren, and (food, beverage, herbal, cosmetics) halal-certified."),
        (name = "certifications", description = "Certificates of a product (halal, P-IRT, BPOM, SNI, trademark), added by the pesantren and verified by curators; the renewals to chase."),
        (name = "stats", description = "The programme's figures against its targets, by province."),
        (name = "catalog", description = "The public catalogue of published products (no token needed), and what marketplaces use to mirror it: the change feed, their listings, and the orders they report. Partner endpoints are rate-limited per partner (`RateLimit-*` headers, 429 with `Retry-After`). See docs/partner-integration.md."),
    ),
    components(schemas(Problem, FieldError))
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

/// The document for the routes of [`crate::startup::routes`], with the
/// standard error responses added to every operation.
///
/// The error responses are added on the JSON form, which must read back as a
/// document. A schema that does not round-trip is an error here rather than
/// a silent fallback: the fallback once shipped a document without them.
pub fn document() -> Result<utoipa::openapi::OpenApi, serde_json::Error> {
    let (_, api) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(crate::startup::routes)
        .split_for_parts();
    let mut value = serde_json::to_value(&api)?;
    add_error_responses(&mut value);
    serde_json::from_value(value)
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
    let components = &mut doc["components"];
    for (_, name, description) in ERRORS {
        components["responses"][name] = json!({
            "description": description,
            "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
        });
    }
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
                }
            }
        }
    }
}

/// The document as committed: pretty JSON with a final newline.
pub fn document_json() -> Result<String, serde_json::Error> {
    let mut json = document()?.to_pretty_json()?;
    json.push('\n');
    Ok(json)
}
