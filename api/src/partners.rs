//! E-commerce partners: machine clients created by a national admin.

use actix_web::{get, post, web, HttpResponse};
use entity::partners;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use validator::Validate;

use crate::audit::{self, WriteTx};
use crate::auth::{password, AdminOnly, Caller, Require};
use crate::db;
use crate::error::{ApiError, ApiResult};
use crate::http::with_etag;
use crate::pagination::{Page, PageParams};
use crate::startup::AppState;
use crate::validation::validate;

/// A partner, as answered (never with its secret).
#[derive(Debug, Serialize, ToSchema)]
pub struct PartnerView {
    pub id: Uuid,
    #[schema(example = "Shopee Indonesia")]
    pub name: String,
    #[schema(example = "shopee")]
    pub code: String,
    /// Identifies the partner at `POST /api/v1/auth/token`.
    #[schema(example = "shopee-8f2k3m9q1x7d")]
    pub client_id: String,
    pub is_active: bool,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
    pub version: i32,
}

impl From<partners::Model> for PartnerView {
    fn from(p: partners::Model) -> Self {
        Self {
            id: p.id,
            name: p.name,
            code: p.code,
            client_id: p.client_id,
            is_active: p.is_active,
            created_at: p.created_at,
            updated_at: p.updated_at,
            version: p.version,
        }
    }
}

/// A new partner with its credentials; the secret is shown only here.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedPartner {
    #[serde(flatten)]
    pub partner: PartnerView,
    /// Shown once: store it now. Only its hash is kept.
    pub client_secret: String,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePartner {
    #[validate(length(min = 1, max = 200, message = "must be 1 to 200 characters"))]
    #[schema(min_length = 1, max_length = 200)]
    #[schema(example = "Shopee Indonesia")]
    pub name: String,
    /// Short stable code: lower-case letters, digits and dashes.
    #[validate(custom(function = "validate_code"))]
    #[schema(example = "shopee")]
    pub code: String,
}

fn validate_code(code: &str) -> Result<(), validator::ValidationError> {
    let ok = (2..=40).contains(&code.len())
        && code
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !code.starts_with('-');
    if ok {
        Ok(())
    } else {
        Err(validator::ValidationError::new("format").with_message(
            "must be 2 to 40 lower-case letters, digits or dashes, such as `shopee`".into(),
        ))
    }
}

pub async fn create(
    db: &DatabaseConnection,
    caller: &Caller,
    body: CreatePartner,
) -> ApiResult<CreatedPartner> {
    validate(&body)?;
    if !caller.is_national_admin() {
        return Err(ApiError::Forbidden(
            "Partners serve every province: only a national admin (without a province) creates them.".into(),
        ));
    }
    let taken = partners::Entity::find()
        .filter(partners::Column::Code.eq(body.code.as_str()))
        .one(db)
        .await?
        .is_some();
    if taken {
        return Err(ApiError::Conflict(
            "A partner with this code already exists.".into(),
        ));
    }
    let secret = password::random_secret(40);
    let client_id = format!(
        "{}-{}",
        body.code,
        password::random_secret(12).to_lowercase()
    );
    let now = db::now();
    let mut tx = WriteTx::begin(db, &caller.actor()).await?;
    let partner = partners::ActiveModel {
        id: Set(db::new_id()),
        name: Set(body.name.trim().to_string()),
        code: Set(body.code.clone()),
        client_id: Set(client_id),
        client_secret_hash: Set(password::hash(&secret)?),
        webhook_url: Set(None),
        webhook_secret: Set(None),
        is_active: Set(true),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    }
    .insert(&*tx)
    .await
    .map_err(|e| match e.sql_err() {
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => {
            ApiError::Conflict("A partner with this code already exists.".into())
        }
        _ => e.into(),
    })?;
    let view = PartnerView::from(partner);
    tx.record(audit::Entry {
        action: "create",
        resource_type: "partner",
        resource_id: view.id,
        province_code: None,
        changes: audit::created(&view),
    })
    .await?;
    tx.commit().await?;
    Ok(CreatedPartner {
        partner: view,
        client_secret: secret,
    })
}

pub async fn list(db: &DatabaseConnection, page: &PageParams) -> ApiResult<Page<PartnerView>> {
    let limit = page.limit()?;
    let mut q = partners::Entity::find().order_by_asc(partners::Column::Id);
    if let Some(after) = page.position::<Uuid>()? {
        q = q.filter(partners::Column::Id.gt(after));
    }
    let rows = q.limit(limit + 1).all(db).await?;
    Ok(Page::from_rows(rows, limit, |p| p.id, PartnerView::from))
}

/// Create a partner.
///
/// Answers its `client_id` and `client_secret`; the secret is shown only in
/// this answer. Only a national admin (one without a province) may create
/// partners, since they serve every province.
#[utoipa::path(
    operation_id = "create_partner",
    tag = "partners",
    request_body = CreatePartner,
    security(("bearer" = ["admin"])),
    responses(
        (status = 201, description = "Created; the secret is shown only now.", body = CreatedPartner),
        (status = 409, description = "A partner with this code already exists.", body = crate::error::Problem, content_type = "application/problem+json")
    )
)]
#[post("")]
async fn create_partner(
    state: web::Data<AppState>,
    auth: Require<AdminOnly>,
    body: crate::http::Body<CreatePartner>,
) -> ApiResult<HttpResponse> {
    let created = create(&state.db, &auth, body.into_inner()?).await?;
    Ok(with_etag(HttpResponse::Created(), created.partner.version)
        .insert_header((
            "Location",
            format!("/api/v1/partners/{}", created.partner.id),
        ))
        .json(created))
}

/// List partners.
#[utoipa::path(
    operation_id = "list_partners",
    tag = "partners",
    params(PageParams),
    security(("bearer" = ["admin"])),
    responses((status = 200, description = "One page of partners.", body = Page<PartnerView>))
)]
#[get("")]
async fn list_partners(
    state: web::Data<AppState>,
    _auth: Require<AdminOnly>,
    page: web::Query<PageParams>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(list(&state.db, &page).await?))
}

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(
        utoipa_actix_web::scope("/partners")
            .service(create_partner)
            .service(list_partners),
    );
}
