//! The figures as a spreadsheet (`Accept: text/csv`): one row per measure,
//! with its target where one is set, for the provinces and year asked for.

use super::model::{Figures, StatsOverview};

/// One row: where, what, how many, against what.
struct Row<'a> {
    scope: &'a str,
    measure: &'static str,
    value: u64,
    target: Option<u64>,
}

fn register<'a>(scope: &'a str, f: &Figures, rows: &mut Vec<Row<'a>>) {
    let mut push = |measure, value| {
        rows.push(Row {
            scope,
            measure,
            value,
            target: None,
        })
    };
    push("pesantren.total", f.pesantren.total);
    push("pesantren.registered", f.pesantren.registered);
    push("pesantren.verified", f.pesantren.verified);
    push("pesantren.suspended", f.pesantren.suspended);
    push("santri.total", f.santri.total);
    push("santri.active", f.santri.active);
    push("santri.alumni", f.santri.alumni);
    push("santri.santripreneurs", f.santri.santripreneurs);
    push("santri.sociopreneurs", f.santri.sociopreneurs);
    push("koperasi", f.koperasi);
    push("products.total", f.products.total);
    push("products.approved", f.products.approved);
    push("products.published", f.products.published);
    push("products.flagship", f.products.flagship);
    push("products.published_flagship", f.products.published_flagship);
    push("halal.required", f.halal.required);
    push("halal.covered", f.halal.covered);
}

/// The CSV text of `o`: a header, then the programme's measures of the
/// whole view (`scope` is the province asked for, or `all`) with their
/// targets, then the register's counts of each province.
pub fn render(o: &StatsOverview) -> Result<String, csv::Error> {
    let all = o.province_code.as_deref().unwrap_or("all");
    let mut rows = Vec::new();
    let p = &o.progress;
    let mut programme = |measure, value, target| {
        rows.push(Row {
            scope: all,
            measure,
            value,
            target,
        })
    };
    programme(
        "products.published_flagship",
        p.flagship_products.achieved,
        Some(p.flagship_products.target),
    );
    programme(
        "santri.santripreneurs",
        p.santripreneurs.achieved,
        Some(p.santripreneurs.target),
    );
    programme(
        "sociopreneurs",
        o.sociopreneurs.value,
        o.sociopreneurs.target,
    );
    programme(
        "enterprises.social",
        o.sociopreneurs.social_enterprises,
        None,
    );
    programme(
        "enterprises.business",
        o.sociopreneurs.business_enterprises,
        None,
    );
    programme("activities.total", o.activities.total, None);
    let k = &o.activities.by_kind;
    programme("activities.training", k.training, None);
    programme("activities.internship", k.internship, None);
    programme("activities.camp", k.camp, None);
    programme("activities.expo", k.expo, None);
    programme("activities.business_matching", k.business_matching, None);
    programme("activities.mentoring_clinic", k.mentoring_clinic, None);
    programme("activities.done", o.activities.done, None);
    programme("activities.cancelled", o.activities.cancelled, None);
    programme("participants.enrolments", o.participants.enrolments, None);
    programme("participants.attended", o.participants.attended, None);
    programme("participants.santri", o.participants.santri, None);
    programme(
        "participants.trained_santri",
        o.participants.trained_santri,
        o.participants.target,
    );
    programme(
        "deal_value_idr",
        o.deal_value_idr.value,
        o.deal_value_idr.target,
    );
    programme("deals.confirmed", o.deal_value_idr.confirmed, None);
    programme("deals.reported", o.deal_value_idr.reported, None);
    programme("mentoring_sessions", o.mentoring_sessions.value, None);
    programme(
        "mentoring.pesantren_mentored",
        o.mentoring_sessions.pesantren_mentored,
        None,
    );
    for province in &o.provinces {
        register(&province.province_code, &province.figures, &mut rows);
        if let Some(v) = p
            .verified_pesantren
            .iter()
            .find(|v| v.province_code == province.province_code)
        {
            if let Some(row) = rows
                .iter_mut()
                .rev()
                .find(|r| r.measure == "pesantren.verified")
            {
                row.target = Some(v.target);
            }
        }
    }

    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(["as_of", "year", "scope", "measure", "value", "target"])?;
    let (as_of, year) = (o.as_of.to_string(), o.year.to_string());
    for r in rows {
        let target = r.target.map(|t| t.to_string()).unwrap_or_default();
        out.write_record([
            as_of.as_str(),
            year.as_str(),
            r.scope,
            r.measure,
            &r.value.to_string(),
            &target,
        ])?;
    }
    let bytes = out.into_inner().map_err(|e| e.into_error())?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}
