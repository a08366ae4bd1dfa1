//! Indonesia's administrative regions (Kemendagri codes): the 38 provinces,
//! 514 regencies and cities, and 7,285 districts (kecamatan), from the
//! `idn-area-data` 4.0.1 data set (Keputusan Menteri Dalam Negeri Nomor
//! 300.2.2-2138 Tahun 2025; ODbL 1.0, see `data/regions/LICENSE.md` and
//! `docs/regions.md`).
//!
//! The three CSV files are embedded as published, codes with dots
//! (`35.78.01`); here, and everywhere after, codes are normalised by
//! removing the dots (`357801`). The migration loads these rows into the
//! `regions` table and the API's validators build their sets from the same
//! rows ([`all`]), so what the table holds and what the validators accept
//! cannot differ.

use std::sync::LazyLock;

use sea_orm_migration::prelude::*;

/// `provinces.csv` as published: `code,name`.
pub const PROVINCES_CSV: &str = include_str!("../data/regions/provinces.csv");
/// `regencies.csv` as published: `code,province_code,name`.
pub const REGENCIES_CSV: &str = include_str!("../data/regions/regencies.csv");
/// `districts.csv` as published: `code,regency_code,name`.
pub const DISTRICTS_CSV: &str = include_str!("../data/regions/districts.csv");

/// Where the rows come from, as `docs/regions.md` tells it.
pub const SOURCE: &str = "idn-area-data 4.0.1 (Kepmendagri 300.2.2-2138 Tahun 2025)";

/// The level of a region, as stored in `regions.level`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Level {
    Province,
    Regency,
    District,
}

impl Level {
    pub const fn as_str(self) -> &'static str {
        match self {
            Level::Province => "province",
            Level::Regency => "regency",
            Level::District => "district",
        }
    }

    /// The level of a normalised code, by its length (2, 4 or 6 digits).
    pub fn of_code(code: &str) -> Option<Level> {
        match code.len() {
            2 => Some(Level::Province),
            4 => Some(Level::Regency),
            6 => Some(Level::District),
            _ => None,
        }
    }
}

/// One region: normalised code, name, level and its parent's code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region {
    pub code: String,
    pub name: String,
    pub level: Level,
    pub parent: Option<String>,
}

/// A code without its dots: `35.78.01` → `357801`.
pub fn normalize(code: &str) -> String {
    code.trim().replace('.', "")
}

fn rows(csv_text: &str, columns: &[&str]) -> Result<Vec<csv::StringRecord>, String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(csv_text.as_bytes());
    let headers = reader.headers().map_err(|e| e.to_string())?.clone();
    if headers.iter().collect::<Vec<_>>() != columns {
        return Err(format!("expected columns {columns:?}, found {headers:?}"));
    }
    reader
        .records()
        .map(|r| r.map_err(|e| e.to_string()))
        .collect()
}

/// Parses the three files: provinces, then regencies, then districts, each
/// in the files' order. Checks that every code has its level's length and
/// starts with its parent, which exists.
pub fn parse(provinces: &str, regencies: &str, districts: &str) -> Result<Vec<Region>, String> {
    let mut out = Vec::new();
    for r in rows(provinces, &["code", "name"])? {
        out.push(Region {
            code: normalize(&r[0]),
            name: r[1].trim().to_string(),
            level: Level::Province,
            parent: None,
        });
    }
    for (file, level, columns) in [
        (regencies, Level::Regency, ["code", "province_code", "name"]),
        (districts, Level::District, ["code", "regency_code", "name"]),
    ] {
        for r in rows(file, &columns)? {
            out.push(Region {
                code: normalize(&r[0]),
                name: r[2].trim().to_string(),
                level,
                parent: Some(normalize(&r[1])),
            });
        }
    }
    let codes: std::collections::HashSet<&str> = out.iter().map(|r| r.code.as_str()).collect();
    if codes.len() != out.len() {
        return Err("a code appears twice".into());
    }
    for r in &out {
        let shape = Level::of_code(&r.code) == Some(r.level)
            && r.code.bytes().all(|b| b.is_ascii_digit())
            && !r.name.is_empty();
        let nested = match &r.parent {
            None => true,
            Some(p) => r.code.starts_with(p.as_str()) && codes.contains(p.as_str()),
        };
        if !shape || !nested {
            return Err(format!("region {} is malformed or has no parent", r.code));
        }
    }
    Ok(out)
}

static ALL: LazyLock<Vec<Region>> = LazyLock::new(|| {
    parse(PROVINCES_CSV, REGENCIES_CSV, DISTRICTS_CSV).expect("the embedded region files parse")
});

/// Every region of the embedded data set (parsed once per process).
pub fn all() -> &'static [Region] {
    &ALL
}

/// Rows per `INSERT`: 4,000 bound values, well under SQLite's 32,766 and
/// PostgreSQL's 65,535.
pub const BATCH: usize = 1000;

/// The `INSERT` statements that load [`all`] into `regions`, in batches of
/// [`BATCH`] rows, provinces first so that every parent precedes its
/// children. The same statements serve SQLite and PostgreSQL.
pub fn inserts() -> Vec<InsertStatement> {
    all()
        .chunks(BATCH)
        .map(|chunk| {
            let mut insert = Query::insert();
            insert
                .into_table("regions")
                .columns(["code", "name", "level", "parent"]);
            for r in chunk {
                insert.values_panic([
                    r.code.clone().into(),
                    r.name.clone().into(),
                    r.level.as_str().into(),
                    r.parent.clone().into(),
                ]);
            }
            insert.to_owned()
        })
        .collect()
}

/// Loads every region into an empty `regions` table. A migration for a
/// newer regulation deletes the rows and calls this again (see
/// `docs/regions.md`).
pub async fn load(m: &SchemaManager<'_>) -> Result<(), DbErr> {
    for insert in inserts() {
        m.exec_stmt(insert).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_data_set_has_its_published_counts() {
        let count = |l| all().iter().filter(|r| r.level == l).count();
        assert_eq!(count(Level::Province), 38);
        assert_eq!(count(Level::Regency), 514);
        assert_eq!(count(Level::District), 7285);
        let surabaya = all().iter().find(|r| r.code == "3578").unwrap();
        assert_eq!(surabaya.name, "Kota Surabaya");
        assert_eq!(surabaya.parent.as_deref(), Some("35"));
        // Quoted names are read as the CSV means them.
        assert!(all().iter().any(|r| r.name == "Ra\"as"));
    }

    #[test]
    fn codes_lose_their_dots_and_orphans_are_refused() {
        assert_eq!(normalize("35.78.01"), "357801");
        let p = "code,name\n35,Jawa Timur\n";
        let r = "code,province_code,name\n35.78,35,Kota Surabaya\n";
        assert!(parse(
            p,
            r,
            "code,regency_code,name\n35.78.01,35.78,Karang Pilang\n"
        )
        .is_ok());
        assert!(parse(p, r, "code,regency_code,name\n35.79.01,35.79,Nowhere\n").is_err());
        assert!(parse(p, r, "code,regency_code,name\n35.78.01,35.01,Elsewhere\n").is_err());
        assert!(parse(p, r, "code,name\n357801,Wrong columns\n").is_err());
    }
}
