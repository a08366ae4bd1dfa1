//! Response types and parameters of the regions.

use entity::regions;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// The level of a region in Kemendagri's hierarchy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum RegionLevel {
    /// Provinsi: two digits (`35`).
    Province,
    /// Kabupaten (regency, `01`–`69`) or kota (city, `71`–`99`): four
    /// digits, the province's first (`3578`).
    Regency,
    /// Kecamatan: six digits, the regency's first (`357801`).
    District,
}

impl RegionLevel {
    fn of(stored: &str) -> Self {
        match stored {
            "province" => Self::Province,
            "regency" => Self::Regency,
            _ => Self::District,
        }
    }
}

/// One region: its Kemendagri code (dots removed), name, level and the code
/// of the region it lies in.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RegionView {
    /// Two digits for a province, four for a regency or city, six for a
    /// district.
    #[schema(example = "3578")]
    pub code: String,
    /// The official name; regencies and cities say which they are
    /// (`Kabupaten Sidoarjo`, `Kota Surabaya`).
    #[schema(example = "Kota Surabaya")]
    pub name: String,
    pub level: RegionLevel,
    /// The code of the province (of a regency) or regency (of a district);
    /// `null` for a province.
    #[schema(example = "35", required = true)]
    pub parent: Option<String>,
}

impl From<regions::Model> for RegionView {
    fn from(r: regions::Model) -> Self {
        Self {
            level: RegionLevel::of(&r.level),
            code: r.code,
            name: r.name,
            parent: r.parent,
        }
    }
}

/// Which regions to list, and the page.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RegionsParams {
    /// The province (2 digits) whose regencies and cities to list, or the
    /// regency (4 digits) whose districts to list; omit for the 38
    /// provinces. Any other value is a 422 naming `parent`.
    #[param(example = "35")]
    pub parent: Option<String>,
    /// Page size, 1 to 100. The default, 100, answers every list of this
    /// data set in one page (the most children any region has is 51).
    #[param(minimum = 1, maximum = 100, default = 100)]
    pub limit: Option<u64>,
    /// `next_cursor` of the previous page; omit for the first page.
    pub cursor: Option<String>,
}
