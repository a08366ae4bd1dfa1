//! `/api/v1/stats`.

use actix_web::{web, HttpRequest, HttpResponse};

use super::model::{StatsOverview, StatsQuery};
use super::{csv, service};
use crate::auth::{Require, Staff};
use crate::error::{ApiError, ApiResult};
use crate::http::{csv_response, wants_csv, Query};
use crate::publication;
use crate::state::AppState;

/// The programme's figures.
///
/// Counts of pesantren by status, santri, santripreneurs and sociopreneurs,
/// koperasi, products by status, published and flagship products, and the
/// halal coverage of the categories that need it, for each province and in
/// total; and the programme's work in `year`: activities by kind,
/// participants and attendance, confirmed deal value, mentoring sessions
/// and pesantren mentored, each beside the target of the province and year
/// (`PUT /api/v1/targets/{province_code}/{year}`; the deployment's targets
/// where none is set). Published products and halal validity are judged on
/// `as_of`, today in WIB. For admins and curators; those of a province see
/// that province only (403 asking for another). With `Accept: text/csv`,
/// the same figures as a spreadsheet: `as_of,year,scope,measure,value,target`.
#[utoipa::path(
    get,
    path = "/overview",
    tag = "stats",
    params(StatsQuery),
    responses(
        (status = 200, description = "The figures in the caller's scope.",
            content(
                (StatsOverview = "application/json"),
                (String = "text/csv", example = "as_of,year,scope,measure,value,target\n2026-12-01,2026,32,deal_value_idr,21000000000,25000000000\n")
            )
        ),
        (status = 403, description = "A province outside the caller's own.")
    )
)]
pub(super) async fn get_stats_overview(
    auth: Require<Staff>,
    state: web::Data<AppState>,
    req: HttpRequest,
    query: Query<StatsQuery>,
) -> ApiResult<HttpResponse> {
    let figures = service::overview(
        state.reads.lagging(),
        &auth,
        &query,
        state.config.targets,
        publication::today(),
    )
    .await?;
    if wants_csv(&req) {
        let text = csv::render(&figures).map_err(|e| ApiError::internal(anyhow::Error::from(e)))?;
        return Ok(csv_response(
            &format!("opop-figures-{}.csv", figures.year),
            text.into_bytes(),
        ));
    }
    Ok(HttpResponse::Ok().json(figures))
}
