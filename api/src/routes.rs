//! The route table: every feature's routes, in the order actix must see
//! them. Each feature registers its own with `operation::op`.

use utoipa_actix_web::service_config::ServiceConfig;

/// Every documented route. The OpenAPI document is generated from this same
/// function, so what is served and what is documented cannot drift apart.
pub fn routes(cfg: &mut ServiceConfig) {
    crate::health::configure(cfg);
    cfg.service(
        utoipa_actix_web::scope("/api/v1")
            .configure(crate::sessions::configure)
            .configure(crate::users::configure)
            // Before `partners`: `/partners/me/webhook` belongs to webhooks.
            .configure(crate::webhooks::configure)
            .configure(crate::partners::configure)
            // Before `pesantren`: actix gives a path to the first scope whose
            // prefix matches, and `/pesantren/{id}/santri` belongs to santri.
            // Before `santri` and `pesantren`: full paths under their prefixes.
            // `reviews` also has one under `/products`.
            .configure(crate::reviews::configure)
            .configure(crate::enterprises::configure)
            .configure(crate::mentoring::configure)
            .configure(crate::santri::configure)
            .configure(crate::pesantren::configure)
            .configure(crate::koperasi::configure)
            .configure(crate::regions::configure)
            // Before `products`: `/products/{id}/certifications` and
            // `/products/{id}/images` belong to their own modules.
            .configure(crate::certifications::configure)
            .configure(crate::images::configure)
            .configure(crate::products::configure)
            .configure(crate::audit_log::configure)
            .configure(crate::stats::configure)
            .configure(crate::targets::configure)
            // Before `activities`: `/activities/{id}/participants` and
            // `/activities/{id}/deals` belong to their own modules.
            .configure(crate::participants::configure)
            .configure(crate::deals::configure)
            .configure(crate::activities::configure)
            // Before `competitions`: `/competitions/{id}/entries` and
            // `/competitions/{id}/awards` belong to their own modules.
            .configure(crate::entries::configure)
            .configure(crate::awards::configure)
            .configure(crate::competitions::configure)
            .service(
                utoipa_actix_web::scope("/catalog")
                    .configure(crate::catalog::configure)
                    .configure(crate::activities::configure_catalog)
                    .configure(crate::awards::configure_catalog)
                    .configure(crate::listings::configure)
                    .configure(crate::orders::configure),
            ),
    );
}
