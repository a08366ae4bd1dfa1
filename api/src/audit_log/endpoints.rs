//! `/api/v1/audit`.

use actix_web::{web, HttpRequest, HttpResponse};

use super::model::{AuditEntryView, AuditFilter};
use super::{csv, service};
use crate::auth::{AdminOnly, Require};
use crate::error::{ApiError, ApiResult};
use crate::http::{csv_response, wants_csv, Query};
use crate::pagination::{Page, PageParams};
use crate::state::AppState;

/// Read the audit trail.
///
/// Every write, and every read of a santri's personal data, newest first:
/// who (id, name, role), what, when, the request id and the changed fields
/// (for santri, field names only). Admins; an admin of a province sees
/// the entries of that province, a national admin all of them. With
/// `Accept: text/csv`, the same page as a spreadsheet
/// (`id,at,actor_id,actor_name,actor_role,action,resource_type,resource_id,province_code,request_id,changes`),
/// the next page's cursor in the `X-Next-Cursor` header.
#[utoipa::path(
    get,
    path = "",
    tag = "audit",
    params(AuditFilter, PageParams),
    responses(
        (status = 200, description = "One page of the trail.",
            content(
                (Page<AuditEntryView> = "application/json"),
                (String = "text/csv", example = "id,at,actor_id,actor_name,actor_role,action,resource_type,resource_id,province_code,request_id,changes\n")
            ),
            headers(("X-Next-Cursor" = String, description = "CSV only: the cursor of the next page, absent on the last."))
        )
    )
)]
pub(super) async fn list_audit(
    auth: Require<AdminOnly>,
    state: web::Data<AppState>,
    req: HttpRequest,
    filter: Query<AuditFilter>,
    page: Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let entries = service::list(&state.db, &auth, &filter, &page).await?;
    if wants_csv(&req) {
        let body =
            csv::render(&entries.data).map_err(|e| ApiError::internal(anyhow::Error::from(e)))?;
        let mut answer = csv_response("opop-audit.csv", body);
        if let Some(next) = entries.next_cursor.as_deref() {
            if let Ok(value) = actix_web::http::header::HeaderValue::from_str(next) {
                answer.headers_mut().insert(
                    actix_web::http::header::HeaderName::from_static("x-next-cursor"),
                    value,
                );
            }
        }
        return Ok(answer);
    }
    Ok(HttpResponse::Ok().json(entries))
}
