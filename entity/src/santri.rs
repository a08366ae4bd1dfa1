//! Santri (students and alumni): personal data of often minor persons.

use sea_orm::entity::prelude::*;

use crate::{ConsentMethod, Gender, SantriStatus};

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "santri")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub pesantren_id: Uuid,
    /// Copy of the pesantren's province, for scope filtering.
    pub province_code: String,
    pub name: String,
    pub search_name: String,
    /// The plain NIK of rows written before it was sealed; emptied at
    /// start-up by `santri::rotation::seal_legacy`, and written by nothing
    /// else. Demo seeding fills it only until the row is sealed.
    #[sea_orm(column_name = "nik")]
    pub nik_legacy: Option<String>,
    /// The NIK encrypted (`v1.<key id>.<nonce and ciphertext>`), bound to
    /// this row's id; see `opop_api::santri::vault`.
    pub nik_sealed: Option<String>,
    /// Keyed hash of the NIK, for the duplicate check (unique per pesantren).
    pub nik_hash: Option<String>,
    /// The NIK's last four digits: all of it that is ever answered.
    pub nik_last4: Option<String>,
    pub gender: Gender,
    pub birth_date: Option<Date>,
    pub entry_year: Option<i32>,
    pub status: SantriStatus,
    pub is_santripreneur: bool,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    pub guardian_name: Option<String>,
    /// When a parent or guardian consented to the data of a minor being kept.
    pub guardian_consent_at: Option<DateTimeUtc>,
    /// The consenting guardian's relation to the santri (`ibu`, `ayah`, …).
    pub consent_relation: Option<String>,
    pub consent_method: Option<ConsentMethod>,
    /// The day consent was given (may precede its recording).
    pub consent_given_on: Option<Date>,
    /// The user who recorded the consent.
    pub consent_recorded_by: Option<Uuid>,
    /// Consent withdrawn: the record is restricted to admins until erased.
    pub consent_withdrawn_at: Option<DateTimeUtc>,
    /// The day an alumnus left, from which retention is counted.
    pub left_on: Option<Date>,
    /// When the personal fields were erased; the row stays only to be counted.
    pub erased_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
    #[sea_orm(belongs_to, from = "pesantren_id", to = "id", on_delete = "Cascade")]
    pub pesantren: BelongsTo<super::pesantren::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
