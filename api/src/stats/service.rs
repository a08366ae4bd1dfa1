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

use chrono::{Datelike, NaiveDate};
use entity::{
    activities, activity_participants, deals, enterprises, koperasi, mentor_assignments,
    mentoring_sessions, pesantren, products, santri, ActivityKind, ActivityStatus, DealStatus,
    EnterpriseKind, PesantrenStatus, ProductStatus, SantriStatus,
};
use sea_orm::sea_query::{Alias, Expr, Func, Query};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, ExprTrait, Iterable, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};

use crate::activities::service::{year_bounds, year_error};
use crate::auth::scope::{self, Scoped};
use crate::auth::{rules, Caller};
use crate::config::Targets;
use crate::error::{ApiError, ApiResult, FieldCode, FieldError};
use crate::ids;
use crate::publication;
use crate::targets::service as targets;

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

/// `CAST(SUM(expr) AS BIGINT)`: PostgreSQL sums a `BIGINT` into a
/// `NUMERIC`; both databases answer a 64-bit integer this way.
fn sum(expr: impl Into<Expr>) -> Expr {
    Func::sum(expr.into()).cast_as(Alias::new("BIGINT"))
}

fn n_opt(v: Option<i64>) -> u64 {
    n(v.unwrap_or_default())
}

/// The rows of `E` in the caller's scope, and of the province asked for.
fn within<E: Scoped>(caller: &Caller, province: Option<&str>) -> Condition {
    let mut c = scope::condition::<E>(caller);
    if let Some(p) = province {
        c = c.add(E::province_column().eq(p));
    }
    c
}

/// The target of one measure: the provinces' targets for the year added
/// up (one province's, when one is asked for), or `default` when none of
/// them set it.
fn resolve(set: impl Iterator<Item = Option<i64>>, default: Option<u64>) -> Option<u64> {
    let given: Vec<u64> = set.flatten().map(n).collect();
    if given.is_empty() {
        default
    } else {
        Some(given.iter().sum())
    }
}

fn part(achieved: u64, target: Option<u64>) -> Option<f64> {
    target.and_then(|t| ratio(achieved, t))
}

/// The province and year of `query`, checked: a province in the caller's
/// reach (403 for provincial staff asking for another), a programme year
/// (this one by default).
fn place(
    caller: &Caller,
    query: &StatsQuery,
    today: NaiveDate,
) -> ApiResult<(Option<String>, i32)> {
    let year = query.year.unwrap_or_else(|| today.year());
    let mut errors = Vec::new();
    if let Some(p) = &query.province_code {
        if ids::validate_province_code(p).is_err() {
            errors.push(FieldError::new("province_code", FieldCode::ProvinceCode));
        }
    }
    if year_bounds(year).is_err() {
        errors.push(year_error());
    }
    ApiError::check(errors)?;
    if let Some(p) = &query.province_code {
        rules::own_province(caller, p)?;
    }
    Ok((query.province_code.clone(), year))
}

/// The overview for `caller`, with publication judged on `today`.
pub async fn overview(
    db: &DatabaseConnection,
    caller: &Caller,
    query: &StatsQuery,
    defaults: Targets,
    today: NaiveDate,
) -> ApiResult<StatsOverview> {
    let (province, year) = place(caller, query, today)?;
    let province = province.as_deref();
    let (first, last) = year_bounds(year)?;
    let mut tally = Tally::default();

    // Pesantren: one row per (province, status).
    let rows: Vec<(String, PesantrenStatus, i64)> = pesantren::Entity::find()
        .select_only()
        .column(pesantren::Column::ProvinceCode)
        .column(pesantren::Column::Status)
        .column_as(Expr::col(pesantren::Column::Id).count(), "n")
        .filter(within::<pesantren::Entity>(caller, province))
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
        .filter(within::<santri::Entity>(caller, province))
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
            }
        });
    }

    // Koperasi: one row per province.
    let rows: Vec<(String, i64)> = koperasi::Entity::find()
        .select_only()
        .column(koperasi::Column::ProvinceCode)
        .column_as(Expr::col(koperasi::Column::Id).count(), "n")
        .filter(within::<koperasi::Entity>(caller, province))
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
        .filter(within::<products::Entity>(caller, province))
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

    // Sociopreneurs: alumni with a social enterprise started by the end of
    // the year, one row per province.
    let rows: Vec<(String, i64)> = enterprises::Entity::find()
        .select_only()
        .column(enterprises::Column::ProvinceCode)
        .column_as(
            Expr::from(Func::count_distinct(Expr::col(
                enterprises::Column::SantriId,
            ))),
            "n",
        )
        .filter(within::<enterprises::Entity>(caller, province))
        .filter(enterprises::Column::Kind.eq(EnterpriseKind::Social))
        .filter(enterprises::Column::StartedOn.lte(last))
        .group_by(enterprises::Column::ProvinceCode)
        .into_tuple()
        .all(db)
        .await?;
    for (p, count) in rows {
        let count = n(count);
        tally.add(p, |f| f.santri.sociopreneurs += count);
    }

    // Provincial staff always see their own province, and anyone the
    // province they asked for, records or not.
    if let Some(own) = province
        .map(str::to_string)
        .or_else(|| caller.user().and_then(|u| u.province_code.clone()))
    {
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
                province_name: ids::region_name(&province_code),
                province_code,
                figures,
            }
        })
        .collect();
    totals.halal.ratio = ratio(totals.halal.covered, totals.halal.required);

    let set: Vec<entity::targets::Model> = targets::of_year(db, caller, year)
        .await?
        .into_iter()
        .filter(|t| province.is_none_or(|p| t.province_code == p))
        .collect();
    let target = |field: fn(&entity::targets::Model) -> Option<i64>, default: Option<u64>| {
        resolve(set.iter().map(field), default)
    };
    let flagship_target = target(|t| t.flagship_products, Some(defaults.flagship_products));
    let santripreneur_target = target(|t| t.santripreneurs, Some(defaults.santripreneurs));
    let sociopreneur_target = target(|t| t.sociopreneurs, Some(defaults.sociopreneurs));
    let trained_target = target(|t| t.trained_santri, None);
    let deal_target = target(|t| t.deal_value_idr, None);

    let progress = Progress {
        flagship_products: TargetProgress::new(
            flagship_target.unwrap_or_default(),
            totals.products.published_flagship,
        ),
        santripreneurs: TargetProgress::new(
            santripreneur_target.unwrap_or_default(),
            totals.santri.santripreneurs,
        ),
        sociopreneurs: TargetProgress::new(
            sociopreneur_target.unwrap_or_default(),
            totals.santri.sociopreneurs,
        ),
        verified_pesantren: provinces
            .iter()
            .map(|p| {
                let target = set
                    .iter()
                    .find(|t| t.province_code == p.province_code)
                    .and_then(|t| t.verified_pesantren)
                    .map(n)
                    .unwrap_or(defaults.verified_pesantren_per_province);
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
    let programme = programme(db, caller, province, (first, last), today).await?;
    let Programme {
        activities,
        mut participants,
        mut deal_value_idr,
        mentoring_sessions,
    } = programme;
    participants.target = trained_target;
    participants.ratio = part(participants.trained_santri, trained_target);
    deal_value_idr.target = deal_target;
    deal_value_idr.ratio = part(deal_value_idr.value, deal_target);
    let sociopreneurs = SociopreneurFigures {
        value: totals.santri.sociopreneurs,
        social_enterprises: enterprises_of(db, caller, province, last, EnterpriseKind::Social)
            .await?,
        business_enterprises: enterprises_of(db, caller, province, last, EnterpriseKind::Business)
            .await?,
        target: sociopreneur_target,
        ratio: part(totals.santri.sociopreneurs, sociopreneur_target),
    };
    Ok(StatsOverview {
        as_of: today,
        year,
        province_code: province.map(str::to_string),
        targets: defaults.into(),
        totals,
        provinces,
        progress,
        activities,
        participants,
        deal_value_idr,
        mentoring_sessions,
        sociopreneurs,
        grants: grants(db, caller, province, year).await?,
    })
}

/// The awards of the year's competitions and what was paid of them, one
/// row per province.
async fn grants(
    db: &DatabaseConnection,
    caller: &Caller,
    province: Option<&str>,
    year: i32,
) -> ApiResult<GrantFigures> {
    use entity::competition_awards as awards;
    let rows: Vec<(String, i64, Option<i64>, Option<i64>)> = awards::Entity::find()
        .select_only()
        .column(awards::Column::ProvinceCode)
        .column_as(Expr::col(awards::Column::Id).count(), "n")
        .column_as(sum(Expr::col(awards::Column::GrantIdr)), "awarded")
        .column_as(sum(Expr::col(awards::Column::DisbursedIdr)), "paid")
        .filter(within::<awards::Entity>(caller, province))
        .filter(awards::Column::Year.eq(year))
        .group_by(awards::Column::ProvinceCode)
        .order_by_asc(awards::Column::ProvinceCode)
        .into_tuple()
        .all(db)
        .await?;
    let mut g = GrantFigures::default();
    for (province_code, count, awarded, paid) in rows {
        let row = ProvinceGrants {
            province_name: ids::region_name(&province_code),
            province_code,
            awards: n(count),
            awarded_idr: n_opt(awarded),
            disbursed_idr: n_opt(paid),
        };
        g.awards += row.awards;
        g.awarded_idr += row.awarded_idr;
        g.disbursed_idr += row.disbursed_idr;
        g.by_province.push(row);
    }
    Ok(g)
}

async fn enterprises_of(
    db: &DatabaseConnection,
    caller: &Caller,
    province: Option<&str>,
    last: NaiveDate,
    kind: EnterpriseKind,
) -> ApiResult<u64> {
    let count = enterprises::Entity::find()
        .filter(within::<enterprises::Entity>(caller, province))
        .filter(enterprises::Column::Kind.eq(kind))
        .filter(enterprises::Column::StartedOn.lte(last))
        .count(db)
        .await?;
    Ok(count)
}

/// The programme's own work in one year.
struct Programme {
    activities: ActivityFigures,
    participants: ParticipantFigures,
    deal_value_idr: DealFigures,
    mentoring_sessions: MentoringFigures,
}

/// Activities starting in the year (in scope and province), as a subquery
/// for the tables that hang off them.
fn activities_of_year(
    caller: &Caller,
    province: Option<&str>,
    (first, last): (NaiveDate, NaiveDate),
    kinds: Option<Vec<ActivityKind>>,
) -> sea_orm::sea_query::SelectStatement {
    let mut q = Query::select();
    q.column(activities::Column::Id)
        .from(activities::Entity)
        .cond_where(within::<activities::Entity>(caller, province))
        .and_where(activities::Column::StartsOn.gte(first))
        .and_where(activities::Column::StartsOn.lte(last))
        .and_where(activities::Column::Status.ne(ActivityStatus::Cancelled));
    if let Some(kinds) = kinds {
        q.and_where(activities::Column::Kind.is_in(kinds));
    }
    q.to_owned()
}

async fn programme(
    db: &DatabaseConnection,
    caller: &Caller,
    province: Option<&str>,
    (first, last): (NaiveDate, NaiveDate),
    today: NaiveDate,
) -> ApiResult<Programme> {
    // Activities: one row per (kind, status).
    let rows: Vec<(ActivityKind, ActivityStatus, i64)> = activities::Entity::find()
        .select_only()
        .column(activities::Column::Kind)
        .column(activities::Column::Status)
        .column_as(Expr::col(activities::Column::Id).count(), "n")
        .filter(within::<activities::Entity>(caller, province))
        .filter(activities::Column::StartsOn.gte(first))
        .filter(activities::Column::StartsOn.lte(last))
        .group_by(activities::Column::Kind)
        .group_by(activities::Column::Status)
        .into_tuple()
        .all(db)
        .await?;
    let mut a = ActivityFigures::default();
    for (kind, status, count) in rows {
        let count = n(count);
        if status == ActivityStatus::Cancelled {
            a.cancelled += count;
            continue;
        }
        a.total += count;
        if status == ActivityStatus::Done {
            a.done += count;
        }
        let k = &mut a.by_kind;
        *match kind {
            ActivityKind::Training => &mut k.training,
            ActivityKind::Internship => &mut k.internship,
            ActivityKind::Camp => &mut k.camp,
            ActivityKind::Expo => &mut k.expo,
            ActivityKind::BusinessMatching => &mut k.business_matching,
            ActivityKind::MentoringClinic => &mut k.mentoring_clinic,
        } += count;
    }

    // Participants of the year's activities; the trained santri of those
    // that train.
    let attended = || Condition::all().add(activity_participants::Column::Attended.eq(true));
    let enrolment = |kinds: Option<Vec<ActivityKind>>| {
        activity_participants::Entity::find()
            .select_only()
            .filter(within::<activity_participants::Entity>(caller, province))
            .filter(
                activity_participants::Column::ActivityId.in_subquery(activities_of_year(
                    caller,
                    province,
                    (first, last),
                    kinds,
                )),
            )
    };
    let (enrolments, attended_count, santri_count): (i64, i64, Option<i64>) = enrolment(None)
        .column_as(Expr::col(activity_participants::Column::Id).count(), "n")
        .column_as(count_where(attended()), "attended")
        .column_as(
            sum(Expr::col(activity_participants::Column::SantriCount)),
            "santri",
        )
        .into_tuple()
        .one(db)
        .await?
        .unwrap_or_default();
    let trains: Vec<ActivityKind> = ActivityKind::iter().filter(ActivityKind::trains).collect();
    let trained: Option<i64> = enrolment(Some(trains))
        .filter(attended())
        .column_as(
            sum(Expr::col(activity_participants::Column::SantriCount)),
            "trained",
        )
        .into_tuple()
        .one(db)
        .await?
        .flatten();
    let participants = ParticipantFigures {
        enrolments: n(enrolments),
        attended: n(attended_count),
        santri: n_opt(santri_count),
        trained_santri: n_opt(trained),
        target: None,
        ratio: None,
    };

    // Deals signed in the year, by status.
    let rows: Vec<(DealStatus, i64, Option<i64>)> = deals::Entity::find()
        .select_only()
        .column(deals::Column::Status)
        .column_as(Expr::col(deals::Column::Id).count(), "n")
        .column_as(sum(Expr::col(deals::Column::ValueIdr)), "value")
        .filter(within::<deals::Entity>(caller, province))
        .filter(deals::Column::SignedOn.gte(first))
        .filter(deals::Column::SignedOn.lte(last))
        .group_by(deals::Column::Status)
        .into_tuple()
        .all(db)
        .await?;
    let mut d = DealFigures::default();
    for (status, count, value) in rows {
        match status {
            DealStatus::Confirmed => {
                d.confirmed += n(count);
                d.value += n_opt(value);
            }
            DealStatus::Reported => {
                d.reported += n(count);
                d.reported_value_idr += n_opt(value);
            }
        }
    }

    // Mentoring sessions held in the year, and assignments that hold today.
    let (sessions, mentored): (i64, i64) = mentoring_sessions::Entity::find()
        .select_only()
        .column_as(Expr::col(mentoring_sessions::Column::Id).count(), "n")
        .column_as(
            Expr::from(Func::count_distinct(Expr::col(
                mentoring_sessions::Column::PesantrenId,
            ))),
            "mentored",
        )
        .filter(within::<mentoring_sessions::Entity>(caller, province))
        .filter(mentoring_sessions::Column::HeldOn.gte(first))
        .filter(mentoring_sessions::Column::HeldOn.lte(last))
        .into_tuple()
        .one(db)
        .await?
        .unwrap_or_default();
    let current = mentor_assignments::Entity::find()
        .filter(within::<mentor_assignments::Entity>(caller, province))
        .filter(mentor_assignments::Column::StartsOn.lte(today))
        .filter(
            Condition::any()
                .add(mentor_assignments::Column::EndsOn.is_null())
                .add(mentor_assignments::Column::EndsOn.gte(today)),
        )
        .count(db)
        .await?;
    Ok(Programme {
        activities: a,
        participants,
        deal_value_idr: d,
        mentoring_sessions: MentoringFigures {
            value: n(sessions),
            pesantren_mentored: n(mentored),
            current_assignments: current,
        },
    })
}
