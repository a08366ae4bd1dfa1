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

use chrono::NaiveDate;
use entity::{koperasi, pesantren, products, santri, PesantrenStatus, ProductStatus, SantriStatus};
use sea_orm::sea_query::{Expr, Func};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, ExprTrait, QueryFilter, QuerySelect,
};

use crate::auth::{scope, Caller};
use crate::config::Targets;
use crate::error::ApiResult;
use crate::publication;

use super::model::*;
pub(super) fn ratio(part: u64, whole: u64) -> Option<f64> {
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
