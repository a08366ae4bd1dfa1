//! Certificates of a product: halal, P-IRT, BPOM, SNI, trademark.

use sea_orm::entity::prelude::*;

use crate::{CertificationStatus, CertificationType};

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "certifications")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub product_id: Uuid,
    pub pesantren_id: Uuid,
    pub province_code: String,
    #[sea_orm(column_name = "type")]
    pub cert_type: CertificationType,
    pub number: String,
    pub issuer: String,
    pub issued_on: Option<Date>,
    /// Last day of validity; halal certificates since 2023 carry none.
    pub expires_on: Option<Date>,
    pub status: CertificationStatus,
    pub rejection_reason: Option<String>,
    pub document_url: Option<String>,
    pub verified_by: Option<Uuid>,
    pub verified_at: Option<DateTimeUtc>,
    /// Who added the certificate, and who last changed it: neither may
    /// verify or reject it.
    pub created_by: Option<Uuid>,
    pub edited_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
    #[sea_orm(belongs_to, from = "product_id", to = "id", on_delete = "Cascade")]
    pub product: BelongsTo<super::products::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
