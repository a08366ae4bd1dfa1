//! Certificates of a product (halal, P-IRT, BPOM, SNI, trademark): added by
//! the pesantren as `pending`, verified or rejected by curators and admins
//! of its province. A halal certificate decides publication for food,
//! beverage, herbal and cosmetics, so every write here ends with the
//! product's change-feed sync in the same transaction.

use actix_web::{delete, get, post, put, web, HttpRequest, HttpResponse};
use chrono::NaiveDate;
use entity::{certifications, products, CertificationStatus, CertificationType};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use validator::Validate;

use crate::audit;
use crate::auth::{scope, Caller, RegisterStaff, RegisterWriters, Require, Staff};
use crate::catalog::feed;
use crate::db;
use crate::error::{ApiError, ApiResult, FieldError};
use crate::http::{check_version, if_match, optional_json, with_etag, Body};
use crate::pagination::{Page, PageParams};
use crate::publication;
use crate::startup::AppState;
use crate::validation::field_errors;

/// The review of a certificate: the only place that knows which state
/// follows which.
pub mod review {
    use entity::CertificationStatus::{self, *};

    use crate::error::ApiError;

    /// What a curator or admin does to a certificate.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum Action {
        Verify,
        Reject,
    }

    impl Action {
        pub fn verb(self) -> &'static str {
            match self {
                Self::Verify => "verify",
                Self::Reject => "reject",
            }
        }
    }

    /// The state after `action`, or a 409 naming the current state. A
    /// verified certificate may still be rejected (found forged or
    /// withdrawn by its issuer); a rejected one must be corrected by its
    /// pesantren, which makes it `pending` again, before it is verified.
    pub fn next(
        status: CertificationStatus,
        action: Action,
    ) -> Result<CertificationStatus, ApiError> {
        match (status, action) {
            (Pending, Action::Verify) => Ok(Verified),
            (Pending | Verified, Action::Reject) => Ok(Rejected),
            _ => Err(ApiError::Conflict(format!(
                "The certification is `{status}`; it cannot be {}ed from there.",
                action
                    .verb()
                    .trim_end_matches('y')
                    .replace("verif", "verifi")
            ))),
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use sea_orm::Iterable;

        #[test]
        fn only_the_review_transitions_are_allowed() {
            let allowed = [
                (Pending, Action::Verify, Verified),
                (Pending, Action::Reject, Rejected),
                (Verified, Action::Reject, Rejected),
            ];
            for status in CertificationStatus::iter() {
                for action in [Action::Verify, Action::Reject] {
                    let want = allowed
                        .iter()
                        .find(|(s, a, _)| *s == status && *a == action)
                        .map(|t| t.2);
                    match (next(status, action), want) {
                        (Ok(got), Some(want)) => assert_eq!(got, want),
                        (Err(ApiError::Conflict(msg)), None) => {
                            assert!(msg.contains(&format!("`{status}`")), "{msg}")
                        }
                        (got, want) => panic!("{status} + {action:?}: got {got:?}, want {want:?}"),
                    }
                }
            }
        }

        #[test]
        fn refusals_read_as_english() {
            let Err(ApiError::Conflict(msg)) = next(Verified, Action::Verify) else {
                panic!("verifying twice must be refused");
            };
            assert!(msg.ends_with("cannot be verified from there."), "{msg}");
            let Err(ApiError::Conflict(msg)) = next(Rejected, Action::Reject) else {
                panic!("rejecting twice must be refused");
            };
            assert!(msg.ends_with("cannot be rejected from there."), "{msg}");
        }
    }
}

use review::Action;

/// A certificate of a product.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CertificationView {
    pub id: Uuid,
    pub product_id: Uuid,
    pub pesantren_id: Uuid,
    #[schema(example = "35")]
    pub province_code: String,
    #[serde(rename = "type")]
    #[schema(rename = "type")]
    pub cert_type: CertificationType,
    /// As printed on the certificate, upper-cased and without spaces.
    #[schema(example = "ID35110000123450822")]
    pub number: String,
    /// Who issued it.
    #[schema(example = "BPJPH")]
    pub issuer: String,
    pub issued_on: Option<NaiveDate>,
    /// Last day of validity; `null` when it does not expire (halal
    /// certificates issued since 2023).
    pub expires_on: Option<NaiveDate>,
    pub status: CertificationStatus,
    /// Why a curator rejected it (while `rejected`).
    #[schema(example = "The number on the document does not match.")]
    pub rejection_reason: Option<String>,
    /// Link to a scan of the certificate.
    #[schema(example = "https://opop.example.go.id/dokumen/halal-ID35110012345670224.pdf")]
    pub document_url: Option<String>,
    /// Whether `expires_on` has passed (judged in WIB, UTC+7). An expired
    /// halal certificate no longer publishes its product.
    pub expired: bool,
    /// The curator or admin who verified or rejected it.
    pub verified_by: Option<Uuid>,
    pub verified_at: Option<chrono::DateTime<chrono::Utc>>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
    pub version: i32,
}

impl CertificationView {
    fn new(c: certifications::Model, today: NaiveDate) -> Self {
        Self {
            expired: c.expires_on.is_some_and(|d| d < today),
            id: c.id,
            product_id: c.product_id,
            pesantren_id: c.pesantren_id,
            province_code: c.province_code,
            cert_type: c.cert_type,
            number: c.number,
            issuer: c.issuer,
            issued_on: c.issued_on,
            expires_on: c.expires_on,
            status: c.status,
            rejection_reason: c.rejection_reason,
            document_url: c.document_url,
            verified_by: c.verified_by,
            verified_at: c.verified_at,
            created_at: c.created_at,
            updated_at: c.updated_at,
            version: c.version,
        }
    }
}

fn render(c: certifications::Model) -> CertificationView {
    CertificationView::new(c, publication::today())
}

/// What the pesantren types from its certificate.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CertificationInput {
    #[serde(rename = "type")]
    #[schema(rename = "type")]
    pub cert_type: CertificationType,
    /// Halal: `ID` and digits (BPJPH). P-IRT: 15 digits. BPOM: `MD` or `ML`
    /// and 12 digits, or `NA` and 11 for cosmetics. SNI and trademark: as
    /// printed, 3 to 100 characters. Spaces are dropped and letters
    /// upper-cased.
    #[schema(example = "ID35110000123450822")]
    pub number: String,
    #[validate(length(min = 2, max = 200, message = "must be 2 to 200 characters"))]
    #[schema(min_length = 2, max_length = 200)]
    #[schema(example = "BPJPH")]
    pub issuer: String,
    /// Not in the future.
    pub issued_on: Option<NaiveDate>,
    /// Last day of validity; omit when it does not expire. Not before
    /// `issued_on`.
    pub expires_on: Option<NaiveDate>,
    #[validate(
        url(message = "must be a URL"),
        length(max = 500, message = "must be at most 500 characters")
    )]
    #[schema(example = "https://opop.example.go.id/dokumen/halal-ID35110012345670224.pdf")]
    pub document_url: Option<String>,
}

/// Drops spaces, dots and dashes a scan or a form may add, upper-cases.
fn normalise_number(t: CertificationType, raw: &str) -> String {
    let squeezed: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
    match t {
        CertificationType::Halal | CertificationType::Pirt | CertificationType::Bpom => squeezed
            .chars()
            .filter(|c| !matches!(c, '.' | '-'))
            .collect::<String>()
            .to_ascii_uppercase(),
        CertificationType::Sni | CertificationType::Haki => raw.trim().to_ascii_uppercase(),
    }
}

/// Why `number` is not a number of type `t`, if it is not.
fn number_problem(t: CertificationType, number: &str) -> Option<&'static str> {
    let digits = |s: &str, n: std::ops::RangeInclusive<usize>| {
        n.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
    };
    let ok = match t {
        CertificationType::Halal => number
            .strip_prefix("ID")
            .is_some_and(|rest| digits(rest, 8..=30)),
        CertificationType::Pirt => digits(number, 15..=15),
        CertificationType::Bpom => match number.get(..2) {
            Some("MD" | "ML") => digits(&number[2..], 12..=12),
            Some("NA") => digits(&number[2..], 11..=11),
            _ => false,
        },
        CertificationType::Sni | CertificationType::Haki => {
            (3..=100).contains(&number.chars().count()) && !number.chars().any(char::is_control)
        }
    };
    if ok {
        return None;
    }
    Some(match t {
        CertificationType::Halal => "must be `ID` followed by 8 to 30 digits (a BPJPH number)",
        CertificationType::Pirt => "must be 15 digits (a P-IRT number)",
        CertificationType::Bpom => "must be `MD` or `ML` and 12 digits, or `NA` and 11 digits",
        CertificationType::Sni | CertificationType::Haki => "must be 3 to 100 characters",
    })
}

impl CertificationInput {
    /// Checks the fields and answers the normalised number.
    fn check(&self, today: NaiveDate) -> ApiResult<String> {
        let mut errors = match self.validate() {
            Ok(()) => Vec::new(),
            Err(e) => field_errors(&e),
        };
        let number = normalise_number(self.cert_type, &self.number);
        if let Some(message) = number_problem(self.cert_type, &number) {
            errors.push(FieldError::new("number", "format", message));
        }
        if self.issued_on.is_some_and(|d| d > today) {
            errors.push(FieldError::new(
                "issued_on",
                "range",
                "must not be in the future",
            ));
        }
        if let (Some(issued), Some(expires)) = (self.issued_on, self.expires_on) {
            if expires < issued {
                errors.push(FieldError::new(
                    "expires_on",
                    "range",
                    "must not be before issued_on",
                ));
            }
        }
        if errors.is_empty() {
            Ok(number)
        } else {
            errors.sort_by(|a, b| a.field.cmp(&b.field));
            Err(ApiError::Validation(errors))
        }
    }

    fn apply(&self, number: String, row: &mut certifications::ActiveModel) {
        row.cert_type = Set(self.cert_type);
        row.number = Set(number);
        row.issuer = Set(self.issuer.trim().to_string());
        row.issued_on = Set(self.issued_on);
        row.expires_on = Set(self.expires_on);
        row.document_url = Set(self.document_url.clone());
    }
}

fn duplicate() -> ApiError {
    ApiError::Conflict(
        "This product already has a certificate of this type with this number.".into(),
    )
}

fn map_unique(e: sea_orm::DbErr) -> ApiError {
    match e.sql_err() {
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => duplicate(),
        _ => e.into(),
    }
}

async fn taken(
    db: &impl ConnectionTrait,
    product_id: Uuid,
    t: CertificationType,
    number: &str,
    except: Option<Uuid>,
) -> ApiResult<bool> {
    let mut q = certifications::Entity::find()
        .filter(certifications::Column::ProductId.eq(product_id))
        .filter(certifications::Column::CertType.eq(t))
        .filter(certifications::Column::Number.eq(number));
    if let Some(id) = except {
        q = q.filter(certifications::Column::Id.ne(id));
    }
    Ok(q.one(db).await?.is_some())
}

async fn reload(db: &impl ConnectionTrait, id: Uuid) -> ApiResult<CertificationView> {
    certifications::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(render)
        .ok_or_else(|| ApiError::not_found("certification"))
}

/// Adds a certificate to a product the caller may manage, as `pending`.
pub async fn create(
    db: &DatabaseConnection,
    caller: &Caller,
    product_id: Uuid,
    input: CertificationInput,
) -> ApiResult<CertificationView> {
    let product = scope::load::<products::Entity>(db, caller, product_id).await?;
    let number = input.check(publication::today())?;
    if taken(db, product.id, input.cert_type, &number, None).await? {
        return Err(duplicate());
    }
    let now = db::now();
    let mut row = certifications::ActiveModel {
        id: Set(db::new_id()),
        product_id: Set(product.id),
        pesantren_id: Set(product.pesantren_id),
        province_code: Set(product.province_code.clone()),
        status: Set(CertificationStatus::Pending),
        rejection_reason: Set(None),
        verified_by: Set(None),
        verified_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
        ..Default::default()
    };
    input.apply(number, &mut row);
    let mut tx = feed::begin(db, &caller.actor()).await?;
    let saved = row.insert(&*tx).await.map_err(map_unique)?;
    // A pending certificate changes no publication, but the catalogue's
    // certification summary lists what a product holds.
    feed::sync_product(&tx, product.id).await?;
    let result = render(saved);
    tx.record(audit::Entry {
        action: "create",
        resource_type: "certification",
        resource_id: result.id,
        province_code: Some(result.province_code.clone()),
        changes: audit::created(&result),
    })
    .await?;
    tx.commit().await?;
    Ok(result)
}

pub async fn get(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
) -> ApiResult<CertificationView> {
    scope::load::<certifications::Entity>(db, caller, id)
        .await
        .map(render)
}

/// Corrects a certificate. Whatever its state, it goes back to `pending`:
/// a curator verified what was there before, not what is there now.
pub async fn update(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
    input: CertificationInput,
    expected_version: Option<i32>,
) -> ApiResult<CertificationView> {
    let current = scope::load::<certifications::Entity>(db, caller, id).await?;
    let number = input.check(publication::today())?;
    check_version(expected_version, current.version)?;
    if taken(db, current.product_id, input.cert_type, &number, Some(id)).await? {
        return Err(duplicate());
    }
    let before = render(current.clone());
    let mut row = certifications::ActiveModel {
        status: Set(CertificationStatus::Pending),
        rejection_reason: Set(None),
        verified_by: Set(None),
        verified_at: Set(None),
        updated_at: Set(db::now()),
        version: Set(current.version + 1),
        ..Default::default()
    };
    input.apply(number, &mut row);
    let mut tx = feed::begin(db, &caller.actor()).await?;
    scope::update_if_version::<certifications::Entity>(&*tx, id, current.version, row)
        .await
        .map_err(|e| match e {
            ApiError::Conflict(_) => duplicate(),
            other => other,
        })?;
    feed::sync_product(&tx, current.product_id).await?;
    let after = reload(&*tx, id).await?;
    tx.record(audit::Entry {
        action: "update",
        resource_type: "certification",
        resource_id: id,
        province_code: Some(after.province_code.clone()),
        changes: audit::diff(&before, &after),
    })
    .await?;
    tx.commit().await?;
    Ok(after)
}

pub async fn remove(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
    expected_version: Option<i32>,
) -> ApiResult<()> {
    let current = scope::load::<certifications::Entity>(db, caller, id).await?;
    check_version(expected_version, current.version)?;
    let mut tx = feed::begin(db, &caller.actor()).await?;
    scope::delete_if_version::<certifications::Entity>(&*tx, id, current.version).await?;
    feed::sync_product(&tx, current.product_id).await?;
    tx.record(audit::Entry {
        action: "delete",
        resource_type: "certification",
        resource_id: id,
        province_code: Some(current.province_code.clone()),
        changes: audit::created(&render(current)),
    })
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Verifies or rejects a certificate: curators and admins of its province,
/// never on a product they created themselves, and never an expired one.
pub async fn act(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
    action: Action,
    reason: Option<String>,
    expected_version: Option<i32>,
) -> ApiResult<CertificationView> {
    let current = scope::load::<certifications::Entity>(db, caller, id).await?;
    check_version(expected_version, current.version)?;
    let product = products::Entity::find_by_id(current.product_id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("certification"))?;
    if product.created_by.is_some() && product.created_by == caller.user().map(|u| u.id) {
        return Err(ApiError::Forbidden(
            "Nobody reviews the certificates of a product they created themselves.".into(),
        ));
    }
    let status = review::next(current.status, action)?;
    let today = publication::today();
    if action == Action::Verify {
        if let Some(expired) = current.expires_on.filter(|d| *d < today) {
            return Err(ApiError::Conflict(format!(
                "The certificate expired on {expired}; ask the pesantren for the renewed one."
            )));
        }
    }
    let now = db::now();
    let row = certifications::ActiveModel {
        status: Set(status),
        rejection_reason: Set(reason),
        verified_by: Set(caller.user().map(|u| u.id)),
        verified_at: Set(Some(now)),
        updated_at: Set(now),
        version: Set(current.version + 1),
        ..Default::default()
    };
    let before = render(current.clone());
    let mut tx = feed::begin(db, &caller.actor()).await?;
    scope::update_if_version::<certifications::Entity>(&*tx, id, current.version, row).await?;
    feed::sync_product(&tx, current.product_id).await?;
    let after = reload(&*tx, id).await?;
    tx.record(audit::Entry {
        action: action.verb(),
        resource_type: "certification",
        resource_id: id,
        province_code: Some(after.province_code.clone()),
        changes: audit::diff(&before, &after),
    })
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// Filters of the certification list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CertificationFilter {
    pub status: Option<CertificationStatus>,
    #[serde(rename = "type")]
    #[param(rename = "type")]
    pub cert_type: Option<CertificationType>,
    /// Only certificates whose `expires_on` falls from today to this many
    /// days ahead (0 to 3650), soonest first: the renewals to chase.
    pub expiring_within_days: Option<u32>,
    /// `true`: only those whose `expires_on` has passed; `false`: only
    /// those still valid or without an expiry date.
    pub expired: Option<bool>,
    pub product_id: Option<Uuid>,
    pub pesantren_id: Option<Uuid>,
}

/// Keyset position: the expiry date (when sorted by it) and id of the last
/// row.
#[derive(Serialize, Deserialize)]
struct Position {
    e: Option<NaiveDate>,
    id: Uuid,
}

/// Certificates in the caller's scope, newest first, or soonest to expire
/// first when `expiring_within_days` is given.
pub async fn list(
    db: &DatabaseConnection,
    caller: &Caller,
    filter: &CertificationFilter,
    page: &PageParams,
) -> ApiResult<Page<CertificationView>> {
    let limit = page.limit()?;
    let today = publication::today();
    let mut q = scope::find::<certifications::Entity>(caller);
    if let Some(s) = filter.status {
        q = q.filter(certifications::Column::Status.eq(s));
    }
    if let Some(t) = filter.cert_type {
        q = q.filter(certifications::Column::CertType.eq(t));
    }
    if let Some(p) = filter.product_id {
        q = q.filter(certifications::Column::ProductId.eq(p));
    }
    if let Some(p) = filter.pesantren_id {
        q = q.filter(certifications::Column::PesantrenId.eq(p));
    }
    match filter.expired {
        Some(true) => q = q.filter(certifications::Column::ExpiresOn.lt(today)),
        Some(false) => {
            q = q.filter(
                Condition::any()
                    .add(certifications::Column::ExpiresOn.is_null())
                    .add(certifications::Column::ExpiresOn.gte(today)),
            )
        }
        None => {}
    }
    let by_expiry = match filter.expiring_within_days {
        Some(days) if days > 3650 => {
            return Err(ApiError::validation_one(
                "expiring_within_days",
                "range",
                "must be between 0 and 3650",
            ))
        }
        Some(days) => {
            let until = today + chrono::Days::new(u64::from(days));
            q = q
                .filter(certifications::Column::ExpiresOn.gte(today))
                .filter(certifications::Column::ExpiresOn.lte(until));
            true
        }
        None => false,
    };
    if let Some(pos) = page.position::<Position>()? {
        q = match (by_expiry, pos.e) {
            (true, Some(e)) => q.filter(
                Condition::any()
                    .add(certifications::Column::ExpiresOn.gt(e))
                    .add(
                        Condition::all()
                            .add(certifications::Column::ExpiresOn.eq(e))
                            .add(certifications::Column::Id.gt(pos.id)),
                    ),
            ),
            (false, None) => q.filter(certifications::Column::Id.lt(pos.id)),
            _ => {
                return Err(ApiError::BadRequest(
                    "The cursor belongs to a list in another order; start again without it.".into(),
                ))
            }
        };
    }
    q = if by_expiry {
        q.order_by_asc(certifications::Column::ExpiresOn)
            .order_by_asc(certifications::Column::Id)
    } else {
        q.order_by_desc(certifications::Column::Id)
    };
    let rows = q.limit(limit + 1).all(db).await?;
    Ok(Page::from_rows(
        rows,
        limit,
        |c| Position {
            e: if by_expiry { c.expires_on } else { None },
            id: c.id,
        },
        |c| CertificationView::new(c, today),
    ))
}

/// Every certificate of one product the caller may see, newest first.
pub async fn list_for_product(
    db: &DatabaseConnection,
    caller: &Caller,
    product_id: Uuid,
    page: &PageParams,
) -> ApiResult<Page<CertificationView>> {
    scope::load::<products::Entity>(db, caller, product_id).await?;
    let filter = CertificationFilter {
        product_id: Some(product_id),
        ..Default::default()
    };
    list(db, caller, &filter, page).await
}

const PROBLEM: &str = "application/problem+json";

/// Add a certificate to a product.
///
/// By the product's pesantren managers, or an admin of its province. It
/// starts `pending` until a curator or admin verifies it. The number is
/// checked against its type: halal `ID…` (BPJPH), P-IRT 15 digits, BPOM
/// `MD`/`ML` and 12 digits (`NA` and 11 for cosmetics).
#[utoipa::path(
    operation_id = "create_certification",
    tag = "certifications",
    params(("id" = Uuid, Path, description = "Product id")),
    request_body = CertificationInput,
    security(("bearer" = ["admin", "pesantren_manager"])),
    responses(
        (status = 201, description = "Added as `pending`; `Location` names it.", body = CertificationView),
        (status = 409, description = "The product already has a certificate of this type and number.", body = crate::error::Problem, content_type = PROBLEM)
    )
)]
#[post("/products/{id}/certifications")]
async fn create_certification(
    state: web::Data<AppState>,
    auth: Require<RegisterWriters>,
    id: web::Path<Uuid>,
    body: Body<CertificationInput>,
) -> ApiResult<HttpResponse> {
    let c = create(&state.db, &auth, *id, body.into_inner()?).await?;
    Ok(with_etag(HttpResponse::Created(), c.version)
        .insert_header(("Location", format!("/api/v1/certifications/{}", c.id)))
        .json(c))
}

/// List the certificates of a product.
#[utoipa::path(
    operation_id = "list_product_certifications",
    tag = "certifications",
    params(("id" = Uuid, Path, description = "Product id"), PageParams),
    security(("bearer" = ["admin", "curator", "pesantren_manager"])),
    responses((status = 200, description = "One page of the product's certificates, newest first.", body = Page<CertificationView>))
)]
#[get("/products/{id}/certifications")]
async fn list_product_certifications(
    state: web::Data<AppState>,
    auth: Require<RegisterStaff>,
    id: web::Path<Uuid>,
    page: web::Query<PageParams>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(list_for_product(&state.db, &auth, *id, &page).await?))
}

/// List certificates in the caller's scope.
///
/// Curators and admins see their province, managers their pesantren. With
/// `expiring_within_days` the list holds the certificates that expire from
/// today to that many days ahead, soonest first, so the secretariat can
/// chase renewals; `expired=true` lists those already past.
#[utoipa::path(
    operation_id = "list_certifications",
    tag = "certifications",
    params(PageParams, CertificationFilter),
    security(("bearer" = ["admin", "curator", "pesantren_manager"])),
    responses((status = 200, description = "One page of certificates.", body = Page<CertificationView>))
)]
#[get("/certifications")]
async fn list_certifications(
    state: web::Data<AppState>,
    auth: Require<RegisterStaff>,
    page: web::Query<PageParams>,
    filter: web::Query<CertificationFilter>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(list(&state.db, &auth, &filter, &page).await?))
}

/// Get a certificate.
#[utoipa::path(
    operation_id = "get_certification",
    tag = "certifications",
    params(("id" = Uuid, Path, description = "Certification id")),
    security(("bearer" = ["admin", "curator", "pesantren_manager"])),
    responses((status = 200, description = "The certificate; `ETag` carries its version.", body = CertificationView))
)]
#[get("/certifications/{id}")]
async fn get_certification(
    state: web::Data<AppState>,
    auth: Require<RegisterStaff>,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let c = get(&state.db, &auth, *id).await?;
    Ok(with_etag(HttpResponse::Ok(), c.version).json(c))
}

/// Correct a certificate (full replacement).
///
/// It goes back to `pending`, whatever its state: a verified halal
/// certificate that is edited stops publishing its product until it is
/// verified again. Send `If-Match` with the ETag you read.
#[utoipa::path(
    operation_id = "update_certification",
    tag = "certifications",
    params(("id" = Uuid, Path, description = "Certification id")),
    request_body = CertificationInput,
    security(("bearer" = ["admin", "pesantren_manager"])),
    responses(
        (status = 200, description = "Updated, now `pending`.", body = CertificationView),
        (status = 409, description = "The product already has a certificate of this type and number.", body = crate::error::Problem, content_type = PROBLEM),
        (status = 412, description = "`If-Match` does not match the current version.", body = crate::error::Problem, content_type = PROBLEM)
    )
)]
#[put("/certifications/{id}")]
async fn update_certification(
    state: web::Data<AppState>,
    auth: Require<RegisterWriters>,
    id: web::Path<Uuid>,
    req: HttpRequest,
    body: Body<CertificationInput>,
) -> ApiResult<HttpResponse> {
    let c = update(&state.db, &auth, *id, body.into_inner()?, if_match(&req)?).await?;
    Ok(with_etag(HttpResponse::Ok(), c.version).json(c))
}

/// Delete a certificate.
///
/// By the product's managers or an admin of its province. Deleting the
/// valid halal certificate of a food, beverage, herbal or cosmetics product
/// takes it out of the catalogue. Send `If-Match` to delete only the
/// version you read.
#[utoipa::path(
    operation_id = "delete_certification",
    tag = "certifications",
    params(("id" = Uuid, Path, description = "Certification id")),
    security(("bearer" = ["admin", "pesantren_manager"])),
    responses(
        (status = 204, description = "Deleted."),
        (status = 412, description = "`If-Match` does not match the current version.", body = crate::error::Problem, content_type = PROBLEM)
    )
)]
#[delete("/certifications/{id}")]
async fn delete_certification(
    state: web::Data<AppState>,
    auth: Require<RegisterWriters>,
    id: web::Path<Uuid>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    remove(&state.db, &auth, *id, if_match(&req)?).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Verify a pending certificate.
///
/// `pending` → `verified`. Curators and admins of the product's province,
/// never on a product they created, and never once `expires_on` has
/// passed. A verified, unexpired halal certificate publishes an approved
/// food, beverage, herbal or cosmetics product of a verified pesantren.
#[utoipa::path(
    operation_id = "verify_certification",
    tag = "certifications",
    params(("id" = Uuid, Path, description = "Certification id")),
    security(("bearer" = ["admin", "curator"])),
    responses(
        (status = 200, description = "Verified.", body = CertificationView),
        (status = 409, description = "Not allowed from the current state (named in `detail`), or expired.", body = crate::error::Problem, content_type = PROBLEM),
        (status = 412, description = "`If-Match` does not match the current version.", body = crate::error::Problem, content_type = PROBLEM)
    )
)]
#[post("/certifications/{id}/verify")]
async fn verify_certification(
    state: web::Data<AppState>,
    auth: Require<Staff>,
    id: web::Path<Uuid>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let c = act(&state.db, &auth, *id, Action::Verify, None, if_match(&req)?).await?;
    Ok(with_etag(HttpResponse::Ok(), c.version).json(c))
}

/// Why a curator rejects a certificate.
#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RejectCertification {
    /// Shown to the pesantren, so it can send a correct one.
    #[validate(length(min = 1, max = 2000, message = "is required (1 to 2000 characters)"))]
    #[schema(min_length = 1, max_length = 2000)]
    #[serde(default)]
    #[schema(example = "The certificate has expired.")]
    pub reason: String,
}

/// Reject a certificate, with a reason.
///
/// `pending` or `verified` → `rejected` (a verified one that proves forged
/// or withdrawn). A rejected halal certificate no longer publishes its
/// product. Curators and admins of the product's province, never on a
/// product they created.
#[utoipa::path(
    operation_id = "reject_certification",
    tag = "certifications",
    params(("id" = Uuid, Path, description = "Certification id")),
    request_body = RejectCertification,
    security(("bearer" = ["admin", "curator"])),
    responses(
        (status = 200, description = "Rejected.", body = CertificationView),
        (status = 409, description = "Not allowed from the current state (named in `detail`).", body = crate::error::Problem, content_type = PROBLEM),
        (status = 412, description = "`If-Match` does not match the current version.", body = crate::error::Problem, content_type = PROBLEM)
    )
)]
#[post("/certifications/{id}/reject")]
async fn reject_certification(
    state: web::Data<AppState>,
    auth: Require<Staff>,
    id: web::Path<Uuid>,
    req: HttpRequest,
    body: web::Bytes,
) -> ApiResult<HttpResponse> {
    let body: RejectCertification = optional_json(&body)?;
    crate::validation::validate(&body)?;
    let reason = Some(body.reason.trim().to_string());
    let c = act(
        &state.db,
        &auth,
        *id,
        Action::Reject,
        reason,
        if_match(&req)?,
    )
    .await?;
    Ok(with_etag(HttpResponse::Ok(), c.version).json(c))
}

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create_certification)
        .service(list_product_certifications)
        .service(list_certifications)
        .service(get_certification)
        .service(update_certification)
        .service(delete_certification)
        .service(verify_certification)
        .service(reject_certification);
}
