//! Request and response types of the public catalogue and its change feed.

use entity::ProductCategory;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::error::{FieldCode, FieldError};
use crate::validation::Check;

pub use crate::feed::event::ChangeEvent;
pub use crate::feed::view::CatalogProduct;

/// Filters of the public catalogue.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CatalogFilter {
    pub category: Option<ProductCategory>,
    /// Two-digit province code (Kemendagri), such as `35` for East Java.
    pub province_code: Option<String>,
    /// Part of the name, matched without regard to case or accents.
    pub q: Option<String>,
    /// Lowest price, whole rupiah.
    pub min_price: Option<i64>,
    /// Highest price, whole rupiah.
    pub max_price: Option<i64>,
    pub pesantren_id: Option<Uuid>,
}

impl Check for CatalogFilter {
    fn check(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        if let Some(p) = &self.province_code {
            if !crate::ids::is_province_code(p) {
                errors.push(FieldError::new("province_code", FieldCode::ProvinceCode));
            }
        }
        for (field, value) in [("min_price", self.min_price), ("max_price", self.max_price)] {
            if value.is_some_and(|v| v < 0) {
                errors.push(FieldError::new(field, FieldCode::NotNegative));
            }
        }
        if let (Some(lo), Some(hi)) = (self.min_price, self.max_price) {
            if lo > hi {
                errors.push(FieldError::new("max_price", FieldCode::RangeMin).with("min", lo));
            }
        }
        errors
    }
}

/// A published product as the catalogue serves it: its JSON (a
/// [`CatalogProduct`]) as stored in the read model, written out without
/// being parsed or rendered again.
#[derive(Debug)]
pub struct Served {
    pub id: Uuid,
    pub body: String,
}

/// Keyset position: the id of the last product of the page. Ids are
/// time-ordered and the list is newest first, so inserting or deleting
/// products never shifts a page a follower has not read yet.
#[derive(Serialize, Deserialize)]
pub(super) struct Position {
    pub id: Uuid,
}

pub const DEFAULT_LIMIT: u64 = 100;
pub const MAX_LIMIT: u64 = 1000;

/// Where to read from.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ChangesParams {
    /// `next_cursor` of the previous answer (or the `cursor` of the last
    /// event applied); omit to read from the very beginning.
    pub cursor: Option<String>,
    /// Events per answer, 1 to 1000.
    #[param(minimum = 1, maximum = 1000, default = 100)]
    pub limit: Option<u64>,
}

/// A stretch of the feed.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ChangesPage {
    /// In feed order; apply them in this order.
    pub data: Vec<ChangeEvent>,
    /// Pass as `cursor` next time. Never null: with no new events it is the
    /// cursor you sent, so you can keep polling with it.
    #[schema(example = "1042")]
    pub next_cursor: String,
    /// Whether more events are already waiting (ask again at once); when
    /// false, poll again later.
    pub has_more: bool,
}
