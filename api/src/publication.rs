//! When a product is published: the one rule, as one SQL condition, used by
//! the catalogue, the change feed and the programme figures alike.
//!
//! A product is published when it is `approved`, its pesantren is `verified`,
//! and, for food, beverage, herbal and cosmetics, it has a `verified` halal
//! certificate that has not expired (`expires_on` absent, or today or later).
//!
//! "Today" is the date in Western Indonesian Time (WIB, UTC+7, no daylight
//! saving), where the programme's provinces keep their calendars: a
//! certificate valid until 23 November stops counting at midnight WIB.

use chrono::{FixedOffset, NaiveDate, Utc};
use entity::{
    certifications, pesantren, products, CertificationStatus, CertificationType, PesantrenStatus,
    ProductCategory, ProductStatus,
};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{ColumnTrait, Condition, ExprTrait};

/// Today's date in WIB.
pub fn today() -> NaiveDate {
    FixedOffset::east_opt(7 * 3600)
        .map(|wib| Utc::now().with_timezone(&wib).date_naive())
        .unwrap_or_else(|| Utc::now().date_naive())
}

/// Categories that need a valid halal certificate.
pub fn halal_categories() -> Vec<ProductCategory> {
    use sea_orm::Iterable;
    ProductCategory::iter()
        .filter(|c| c.requires_halal())
        .collect()
}

/// `EXISTS` a verified halal certificate of the product valid on `today`.
pub fn valid_halal(today: NaiveDate) -> sea_orm::sea_query::SimpleExpr {
    Expr::exists(
        Query::select()
            .expr(Expr::val(1))
            .from(certifications::Entity)
            .and_where(
                Expr::col((certifications::Entity, certifications::Column::ProductId))
                    .equals((products::Entity, products::Column::Id)),
            )
            .and_where(
                Expr::col((certifications::Entity, certifications::Column::CertType))
                    .eq(CertificationType::Halal.as_str()),
            )
            .and_where(
                Expr::col((certifications::Entity, certifications::Column::Status))
                    .eq(CertificationStatus::Verified.as_str()),
            )
            .cond_where(
                Condition::any()
                    .add(
                        Expr::col((certifications::Entity, certifications::Column::ExpiresOn))
                            .is_null(),
                    )
                    .add(
                        Expr::col((certifications::Entity, certifications::Column::ExpiresOn))
                            .gte(today),
                    ),
            )
            .to_owned(),
    )
}

/// The products published on `today`, as a condition on `products`.
pub fn published(today: NaiveDate) -> Condition {
    let verified_pesantren = Query::select()
        .column(pesantren::Column::Id)
        .from(pesantren::Entity)
        .and_where(
            Expr::col((pesantren::Entity, pesantren::Column::Status))
                .eq(PesantrenStatus::Verified.as_str()),
        )
        .to_owned();
    Condition::all()
        .add(products::Column::Status.eq(ProductStatus::Approved))
        .add(products::Column::PesantrenId.in_subquery(verified_pesantren))
        .add(
            Condition::any()
                .add(products::Column::Category.is_not_in(halal_categories()))
                .add(valid_halal(today)),
        )
}
