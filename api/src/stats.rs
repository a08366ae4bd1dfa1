//! Programme figures: how far the programme has come, by province and
//! nationally, against its published targets.
//!
//! Every number is counted by the database with grouped aggregates (one
//! query per table), never by loading rows. Published products and halal
//! validity are judged by [`crate::publication`], the one place that says
//! what they mean, on the date of [`publication::today`], which the answer
//! carries as `as_of`.
//!
//! Staff see the figures of their scope: an admin or curator of a province
//! sees that province only (one entry, and totals equal to it); national
//! staff see every province that has any record.

use std::collections::BTreeMap;

use actix_web::{get, web, HttpResponse};
use chrono::NaiveDate;
use entity::{koperasi, pesantren, products, santri, PesantrenStatus, ProductStatus, SantriStatus};
use sea_orm::sea_query::{Expr, Func};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, ExprTrait, QueryFilter, QuerySelect,
};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::{scope, Caller, Require, Staff};
use crate::config::Targets;
use crate::error::ApiResult;
use crate::publication;
use crate::startup::AppState;

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
    fn new(target: u64, achieved: u64) -> Self {
        Self {
            target,
            achieved,
            ratio: ratio(achieved, target),
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

fn ratio(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// A count answered by the database (`COUNT` is a 64-bit integer on both
/// SQLite and PostgreSQL), as the unsigned number it is.
fn n(count: i64) -> u64 {
    u64::try_from(count).unwrap_or_default()
}

/// `COUNT(CASE WHEN cond THEN 1 END)`: the rows of a group meeting `cond`.
/// A count rather than a `SUM`, so both databases answer a 64-bit integer.
fn count_where(cond: Condition) -> Expr {
    Func::count(Expr::case(cond, 1)).into()
}

/// The figures being added up, per province and in total at once.
#[derive(Default)]
struct Tally {
    provinces: BTreeMap<String, Figures>,
    totals: Figures,
}

impl Tally {
    fn add(&mut self, province: String, f: impl Fn(&mut Figures)) {
        f(self.provinces.entry(province).or_default());
        f(&mut self.totals);
    }
}

/// The overview for `caller`, with publication judged on `today`.
pub async fn overview(
    db: &DatabaseConnection,
    caller: &Caller,
    targets: Targets,
    today: NaiveDate,
) -> ApiResult<StatsOverview> {
    let mut tally = Tally::default();

    // Pesantren: one row per (province, status).
    let rows: Vec<(String, PesantrenStatus, i64)> = pesantren::Entity::find()
        .select_only()
        .column(pesantren::Column::ProvinceCode)
        .column(pesantren::Column::Status)
        .column_as(Expr::col(pesantren::Column::Id).count(), "n")
        .filter(scope::condition::<pesantren::Entity>(caller))
        .group_by(pesantren::Column::ProvinceCode)
        .group_by(pesantren::Column::Status)
        .into_tuple()
        .all(db)
        .await?;
    for (province, status, count) in rows {
        let count = n(count);
        tally.add(province, |f| {
            let p = &mut f.pesantren;
            p.total += count;
            match status {
                PesantrenStatus::Registered => p.registered += count,
                PesantrenStatus::Verified => p.verified += count,
                PesantrenStatus::Suspended => p.suspended += count,
            }
        });
    }

    // Santri: one row per (province, status, is_santripreneur).
    let rows: Vec<(String, SantriStatus, bool, i64)> = santri::Entity::find()
        .select_only()
        .column(santri::Column::ProvinceCode)
        .column(santri::Column::Status)
        .column(santri::Column::IsSantripreneur)
        .column_as(Expr::col(santri::Column::Id).count(), "n")
        .filter(scope::condition::<santri::Entity>(caller))
        .group_by(santri::Column::ProvinceCode)
        .group_by(santri::Column::Status)
        .group_by(santri::Column::IsSantripreneur)
        .into_tuple()
        .all(db)
        .await?;
    for (province, status, entrepreneur, count) in rows {
        let count = n(count);
        tally.add(province, |f| {
            let s = &mut f.santri;
            s.total += count;
            match status {
                SantriStatus::Active => s.active += count,
                SantriStatus::Alumni => s.alumni += count,
            }
            if entrepreneur {
                s.santripreneurs += count;
                if status == SantriStatus::Alumni {
                    s.sociopreneurs += count;
                }
            }
        });
    }

    // Koperasi: one row per province.
    let rows: Vec<(String, i64)> = koperasi::Entity::find()
        .select_only()
        .column(koperasi::Column::ProvinceCode)
        .column_as(Expr::col(koperasi::Column::Id).count(), "n")
        .filter(scope::condition::<koperasi::Entity>(caller))
        .group_by(koperasi::Column::ProvinceCode)
        .into_tuple()
        .all(db)
        .await?;
    for (province, count) in rows {
        let count = n(count);
        tally.add(province, |f| f.koperasi += count);
    }

    // Products: one row per (province, status, is_flagship), with the
    // published ones and the halal coverage counted inside each group.
    let needs_halal = || products::Column::Category.is_in(publication::halal_categories());
    let rows: Vec<(String, ProductStatus, bool, i64, i64, i64, i64)> = products::Entity::find()
        .select_only()
        .column(products::Column::ProvinceCode)
        .column(products::Column::Status)
        .column(products::Column::IsFlagship)
        .column_as(Expr::col(products::Column::Id).count(), "n")
        .column_as(count_where(publication::published(today)), "published")
        .column_as(
            count_where(Condition::all().add(needs_halal())),
            "needs_halal",
        )
        .column_as(
            count_where(
                Condition::all()
                    .add(needs_halal())
                    .add(publication::valid_halal(today)),
            ),
            "halal_valid",
        )
        .filter(scope::condition::<products::Entity>(caller))
        .group_by(products::Column::ProvinceCode)
        .group_by(products::Column::Status)
        .group_by(products::Column::IsFlagship)
        .into_tuple()
        .all(db)
        .await?;
    for (province, status, flagship, count, published, needs, valid) in rows {
        let (count, published, needs, valid) = (n(count), n(published), n(needs), n(valid));
        tally.add(province, |f| {
            let p = &mut f.products;
            p.total += count;
            match status {
                ProductStatus::Draft => p.draft += count,
                ProductStatus::InReview => p.in_review += count,
                ProductStatus::Approved => p.approved += count,
                ProductStatus::Rejected => p.rejected += count,
                ProductStatus::Unlisted => p.unlisted += count,
            }
            p.published += published;
            if flagship {
                p.flagship += count;
                p.published_flagship += published;
            }
            if status == ProductStatus::Approved {
                f.halal.required += needs;
                f.halal.covered += valid;
            }
        });
    }

    // Provincial staff always see their own province, records or not.
    if let Some(own) = caller.user().and_then(|u| u.province_code.clone()) {
        tally.provinces.entry(own).or_default();
    }

    let Tally {
        provinces,
        mut totals,
    } = tally;
    // A `BTreeMap`, so already sorted by province code.
    let provinces: Vec<ProvinceFigures> = provinces
        .into_iter()
        .map(|(province_code, mut figures)| {
            figures.halal.ratio = ratio(figures.halal.covered, figures.halal.required);
            ProvinceFigures {
                province_code,
                figures,
            }
        })
        .collect();
    totals.halal.ratio = ratio(totals.halal.covered, totals.halal.required);

    let progress = Progress {
        flagship_products: TargetProgress::new(
            targets.flagship_products,
            totals.products.published_flagship,
        ),
        santripreneurs: TargetProgress::new(targets.santripreneurs, totals.santri.santripreneurs),
        sociopreneurs: TargetProgress::new(targets.sociopreneurs, totals.santri.sociopreneurs),
        verified_pesantren: provinces
            .iter()
            .map(|p| {
                let target = targets.verified_pesantren_per_province;
                let achieved = p.figures.pesantren.verified;
                ProvinceProgress {
                    province_code: p.province_code.clone(),
                    target,
                    achieved,
                    ratio: ratio(achieved, target),
                }
            })
            .collect(),
    };
    Ok(StatsOverview {
        as_of: today,
        targets: targets.into(),
        totals,
        provinces,
        progress,
    })
}

/// The programme's figures.
///
/// Counts of pesantren by status, santri and santripreneurs, koperasi,
/// products by status, published and flagship products, and the halal
/// coverage of the categories that need it: for each province and in
/// total, against the programme's targets. Published products and halal
/// validity are judged on `as_of`, today in WIB. For admins and curators;
/// those of a province see that province only.
#[utoipa::path(
    operation_id = "get_stats_overview",
    tag = "stats",
    security(("bearer" = ["admin", "curator"])),
    responses((status = 200, description = "The figures in the caller's scope.", body = StatsOverview))
)]
#[get("/overview")]
async fn get_stats_overview(
    state: web::Data<AppState>,
    auth: Require<Staff>,
) -> ApiResult<HttpResponse> {
    let figures = overview(&state.db, &auth, state.config.targets, publication::today()).await?;
    Ok(HttpResponse::Ok().json(figures))
}

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(utoipa_actix_web::scope("/stats").service(get_stats_overview));
}
