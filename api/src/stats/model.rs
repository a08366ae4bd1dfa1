//! The programme's figures, as answered.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::config::Targets;

/// The programme's figures on one day, in the caller's scope.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StatsOverview {
    /// The day (in WIB, UTC+7) on which publication and halal validity were
    /// judged.
    #[schema(example = "2025-11-23")]
    pub as_of: NaiveDate,
    /// The year of the programme's work counted (activities, deals,
    /// sessions) and of the targets compared against.
    #[schema(example = 2026)]
    pub year: i32,
    /// The province asked for; `null` for every province in scope.
    #[schema(example = "35")]
    pub province_code: Option<String>,
    /// The deployment's configured targets (`OPOP_TARGET_*`): the national
    /// default, used where no province has set a target for the year.
    pub targets: ProgrammeTargets,
    /// The figures of every province in `provinces` added together; for an
    /// admin or curator of one province, that province's figures.
    pub totals: Figures,
    /// The figures of each province, sorted by province code: every province
    /// with at least one record for national staff, the caller's own
    /// province (even without records) for provincial staff.
    pub provinces: Vec<ProvinceFigures>,
    /// How far the figures are from the targets.
    pub progress: Progress,
    /// Activities starting in `year`.
    pub activities: ActivityFigures,
    /// Enrolments in and attendance of the activities of `year`.
    pub participants: ParticipantFigures,
    /// Deals of business matchings and expos signed in `year`.
    pub deal_value_idr: DealFigures,
    /// Mentoring sessions held in `year`.
    pub mentoring_sessions: MentoringFigures,
    /// Alumni running a social enterprise started by the end of `year`.
    pub sociopreneurs: SociopreneurFigures,
    /// Competition grants of `year`: awarded and paid, by province.
    pub grants: GrantFigures,
}

/// Grants of the competitions of one year.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct GrantFigures {
    /// Awards recorded.
    pub awards: u64,
    /// Their grants added up, whole rupiah.
    #[schema(example = 1_200_000_000i64)]
    pub awarded_idr: u64,
    /// What has been paid of them, whole rupiah.
    #[schema(example = 800_000_000i64)]
    pub disbursed_idr: u64,
    /// The same, per province, sorted by province code.
    pub by_province: Vec<ProvinceGrants>,
}

/// Grants of one province's competitions in one year.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct ProvinceGrants {
    #[schema(example = "32")]
    pub province_code: String,
    /// Name of the province (Kemendagri).
    #[schema(example = "Jawa Barat")]
    pub province_name: Option<String>,
    pub awards: u64,
    pub awarded_idr: u64,
    pub disbursed_idr: u64,
}

/// The province and year asked for.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatsQuery {
    /// One province (in the caller's scope); every province in scope when
    /// omitted.
    pub province_code: Option<String>,
    /// The programme year, 2019 to 2099; this year (WIB) when omitted.
    pub year: Option<i32>,
}

/// Activities of the year by kind.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct ActivityKinds {
    pub training: u64,
    pub internship: u64,
    pub camp: u64,
    pub expo: u64,
    pub business_matching: u64,
    pub mentoring_clinic: u64,
}

/// Activities of the year.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct ActivityFigures {
    /// Activities not cancelled.
    #[schema(example = 12)]
    pub total: u64,
    /// Of those, the ones held (`done`).
    #[schema(example = 9)]
    pub done: u64,
    /// Activities called off (not in `total`).
    #[schema(example = 1)]
    pub cancelled: u64,
    /// Activities not cancelled, by kind.
    pub by_kind: ActivityKinds,
}

/// Enrolments and attendance of the year's activities.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct ParticipantFigures {
    /// Pesantren enrolments.
    #[schema(example = 180)]
    pub enrolments: u64,
    /// Enrolments recorded as attended.
    #[schema(example = 160)]
    pub attended: u64,
    /// Santri named in the enrolments.
    #[schema(example = 900)]
    pub santri: u64,
    /// Santri of attended enrolments in trainings, internships, camps and
    /// mentoring clinics: compared with the `trained_santri` target.
    #[schema(example = 700)]
    pub trained_santri: u64,
    /// The `trained_santri` target of the province and year, when set.
    #[schema(example = 1000)]
    pub target: Option<u64>,
    /// `trained_santri / target`; null without a target (or one of 0).
    #[schema(example = 0.7)]
    pub ratio: Option<f64>,
}

/// Deals signed in the year.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct DealFigures {
    /// Confirmed deal value, whole rupiah.
    #[schema(example = 21_000_000_000i64)]
    pub value: u64,
    /// Confirmed deals.
    #[schema(example = 42)]
    pub confirmed: u64,
    /// Deals reported by pesantren and not yet confirmed (not in `value`).
    #[schema(example = 3)]
    pub reported: u64,
    /// Their value, whole rupiah.
    #[schema(example = 150_000_000i64)]
    pub reported_value_idr: u64,
    /// The `deal_value_idr` target of the province and year, when set.
    #[schema(example = 25_000_000_000i64)]
    pub target: Option<u64>,
    /// `value / target`; null without a target (or one of 0).
    #[schema(example = 0.84)]
    pub ratio: Option<f64>,
}

/// Mentoring in the year.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct MentoringFigures {
    /// Sessions held.
    #[schema(example = 120)]
    pub value: u64,
    /// Pesantren with at least one session.
    #[schema(example = 40)]
    pub pesantren_mentored: u64,
    /// Mentor assignments that hold today.
    #[schema(example = 45)]
    pub current_assignments: u64,
}

/// Sociopreneurs: alumni with a social enterprise.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct SociopreneurFigures {
    /// Alumni running at least one `social` enterprise started by the end
    /// of the year.
    #[schema(example = 150)]
    pub value: u64,
    /// Social enterprises started by the end of the year.
    #[schema(example = 160)]
    pub social_enterprises: u64,
    /// Business enterprises of alumni started by the end of the year.
    #[schema(example = 240)]
    pub business_enterprises: u64,
    /// The `sociopreneurs` target of the province and year, or the
    /// national default.
    #[schema(example = 1000)]
    pub target: Option<u64>,
    /// `value / target`; null without a target (or one of 0).
    #[schema(example = 0.15)]
    pub ratio: Option<f64>,
}

/// The programme's published targets.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
pub struct ProgrammeTargets {
    /// Published flagship products wanted (East Java: 1,000 by 2023).
    #[schema(example = 1000)]
    pub flagship_products: u64,
    /// Santri entrepreneurs wanted (East Java: 1,000,000).
    #[schema(example = 1_000_000)]
    pub santripreneurs: u64,
    /// Alumni running social enterprises wanted (East Java: 1,000).
    #[schema(example = 1000)]
    pub sociopreneurs: u64,
    /// Verified pesantren wanted in each province (West Java: 5,000
    /// "pesantren juara").
    #[schema(example = 5000)]
    pub verified_pesantren_per_province: u64,
}

impl From<Targets> for ProgrammeTargets {
    fn from(t: Targets) -> Self {
        Self {
            flagship_products: t.flagship_products,
            santripreneurs: t.santripreneurs,
            sociopreneurs: t.sociopreneurs,
            verified_pesantren_per_province: t.verified_pesantren_per_province,
        }
    }
}

/// The counts of one province, or of several added together.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct Figures {
    /// Pesantren in the programme, by status.
    pub pesantren: PesantrenFigures,
    /// Santri (students and alumni) and the entrepreneurs among them.
    pub santri: SantriFigures,
    /// Cooperatives (koperasi pondok pesantren) registered.
    #[schema(example = 660)]
    pub koperasi: u64,
    /// Products, by curation status, published and flagship.
    pub products: ProductFigures,
    /// Halal coverage of the products that need a halal certificate.
    pub halal: HalalCoverage,
}

/// The figures of one province.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProvinceFigures {
    /// Province code, two digits (Kemendagri).
    #[schema(example = "35")]
    pub province_code: String,
    /// The province's name (Kemendagri); `null` only for a code the data
    /// set lacks.
    #[schema(example = "Jawa Timur", required = true)]
    pub province_name: Option<String>,
    /// The province's counts.
    #[serde(flatten)]
    pub figures: Figures,
}

/// Pesantren by status.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct PesantrenFigures {
    /// Every pesantren, whatever its status.
    #[schema(example = 1500)]
    pub total: u64,
    /// Registered and waiting for the secretariat's check.
    #[schema(example = 300)]
    pub registered: u64,
    /// Checked by the secretariat; their products may be published.
    #[schema(example = 1180)]
    pub verified: u64,
    /// Taken out of the programme.
    #[schema(example = 20)]
    pub suspended: u64,
}

/// Santri by status, and the entrepreneurs among them.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct SantriFigures {
    /// Every santri record, students and alumni.
    #[schema(example = 12000)]
    pub total: u64,
    /// Still studying at their pesantren.
    #[schema(example = 10000)]
    pub active: u64,
    /// Former santri.
    #[schema(example = 2000)]
    pub alumni: u64,
    /// Santri, students or alumni, marked as entrepreneurs
    /// (`is_santripreneur`).
    #[schema(example = 900)]
    pub santripreneurs: u64,
    /// Sociopreneurs: alumni with a `social` enterprise
    /// (`POST /api/v1/santri/{id}/enterprises`) started by the end of the
    /// year asked for.
    #[schema(example = 150)]
    pub sociopreneurs: u64,
}

/// Products by curation status, and those published and flagship.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct ProductFigures {
    /// Every product, whatever its status.
    #[schema(example = 450)]
    pub total: u64,
    /// Being written by their pesantren.
    #[schema(example = 40)]
    pub draft: u64,
    /// Submitted and waiting for a curator.
    #[schema(example = 60)]
    pub in_review: u64,
    /// Passed curation.
    #[schema(example = 150)]
    pub approved: u64,
    /// Refused by a curator.
    #[schema(example = 180)]
    pub rejected: u64,
    /// Withdrawn from the catalogue.
    #[schema(example = 20)]
    pub unlisted: u64,
    /// In the public catalogue on `as_of`: approved, of a verified
    /// pesantren, and with a valid halal certificate where the category
    /// needs one.
    #[schema(example = 130)]
    pub published: u64,
    /// Awarded flagship status (produk unggulan) by a curator, whatever
    /// their status.
    #[schema(example = 120)]
    pub flagship: u64,
    /// Flagship products that are published on `as_of`.
    #[schema(example = 100)]
    pub published_flagship: u64,
}

/// Halal coverage of approved products in the categories that need a halal
/// certificate (food, beverage, herbal, cosmetics).
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct HalalCoverage {
    /// Approved products in a category that needs a halal certificate.
    #[schema(example = 120)]
    pub required: u64,
    /// Of those, the ones with a verified halal certificate valid on
    /// `as_of` (no expiry date, or one on or after it).
    #[schema(example = 96)]
    pub covered: u64,
    /// `covered / required`, between 0 and 1; null when `required` is 0.
    #[schema(example = 0.8)]
    pub ratio: Option<f64>,
}

/// A count against its target.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TargetProgress {
    /// The target.
    #[schema(example = 1000)]
    pub target: u64,
    /// The count reached so far.
    #[schema(example = 100)]
    pub achieved: u64,
    /// `achieved / target`: 1 when the target is met, more when it is
    /// passed; null when the target is 0.
    #[schema(example = 0.1)]
    pub ratio: Option<f64>,
}

impl TargetProgress {
    pub fn new(target: u64, achieved: u64) -> Self {
        Self {
            target,
            achieved,
            ratio: super::service::ratio(achieved, target),
        }
    }
}

/// One province's verified pesantren against the per-province target.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProvinceProgress {
    /// Province code, two digits.
    #[schema(example = "32")]
    pub province_code: String,
    /// Verified pesantren wanted in the province.
    #[schema(example = 5000)]
    pub target: u64,
    /// Verified pesantren in the province.
    #[schema(example = 1500)]
    pub achieved: u64,
    /// `achieved / target`; null when the target is 0.
    #[schema(example = 0.3)]
    pub ratio: Option<f64>,
}

/// Progress towards the programme's targets, over the caller's scope.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Progress {
    /// Published flagship products (`totals.products.published_flagship`)
    /// against the target of the province and year (the provinces' targets
    /// added up, nationally), or `targets.flagship_products` where none is
    /// set.
    pub flagship_products: TargetProgress,
    /// Santripreneurs (`totals.santri.santripreneurs`) against their target,
    /// resolved as for `flagship_products`.
    pub santripreneurs: TargetProgress,
    /// Sociopreneurs (`totals.santri.sociopreneurs`) against their target.
    pub sociopreneurs: TargetProgress,
    /// Verified pesantren of each province in `provinces`, in the same
    /// order, against the province's target for the year, or
    /// `targets.verified_pesantren_per_province` where none is set.
    pub verified_pesantren: Vec<ProvinceProgress>,
}
