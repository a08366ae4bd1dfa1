//! The programme's figures, as answered.

use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;

use crate::config::Targets;

/// The programme's figures on one day, in the caller's scope.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StatsOverview {
    /// The day (in WIB, UTC+7) on which publication and halal validity were
    /// judged.
    #[schema(example = "2025-11-23")]
    pub as_of: NaiveDate,
    /// The programme's targets, as configured for this deployment.
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
    /// Sociopreneurs: alumni marked as entrepreneurs (`status` `alumni` and
    /// `is_santripreneur`), the alumni who run a (social) enterprise; a
    /// subset of both `alumni` and `santripreneurs`.
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
    /// Marked as flagship products (produk unggulan), whatever their status.
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
    /// against `targets.flagship_products`.
    pub flagship_products: TargetProgress,
    /// Santripreneurs (`totals.santri.santripreneurs`) against
    /// `targets.santripreneurs`.
    pub santripreneurs: TargetProgress,
    /// Sociopreneurs, alumni marked as entrepreneurs
    /// (`totals.santri.sociopreneurs`), against `targets.sociopreneurs`.
    pub sociopreneurs: TargetProgress,
    /// Verified pesantren of each province in `provinces`, in the same
    /// order, against `targets.verified_pesantren_per_province`.
    pub verified_pesantren: Vec<ProvinceProgress>,
}
