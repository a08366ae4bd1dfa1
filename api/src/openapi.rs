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

/// The document for the routes of [`crate::startup::routes`].
pub fn document() -> utoipa::openapi::OpenApi {
    let (_, api) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(crate::startup::routes)
        .split_for_parts();
    api
}

/// The document as committed: pretty JSON with a final newline.
pub fn document_json() -> String {
    let mut json = document()
        .to_pretty_json()
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    json.push('\n');
    json
}
