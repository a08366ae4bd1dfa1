//! The curation state machine: the only place that knows which state
//! follows which, and what a product must have before curators see it.

use entity::ProductStatus::{self, *};
use entity::{ProductCategory, ReviewDecision};

use crate::error::{ApiError, Code, FieldCode, FieldError};

/// What a caller asks of a product's curation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Submit,
    Approve,
    Reject,
    Unlist,
    Relist,
}

impl Action {
    pub fn verb(self) -> &'static str {
        match self {
            Self::Submit => "submit",
            Self::Approve => "approve",
            Self::Reject => "reject",
            Self::Unlist => "unlist",
            Self::Relist => "relist",
        }
    }

    /// How the review history names it.
    pub fn decision(self) -> ReviewDecision {
        match self {
            Self::Submit => ReviewDecision::Submit,
            Self::Approve => ReviewDecision::Approve,
            Self::Reject => ReviewDecision::Reject,
            Self::Unlist => ReviewDecision::Unlist,
            Self::Relist => ReviewDecision::Relist,
        }
    }
}

/// The state after `action`, or a 409 naming the current state.
pub fn next(status: ProductStatus, action: Action) -> Result<ProductStatus, ApiError> {
    match (status, action) {
        (Draft, Action::Submit) => Ok(InReview),
        (InReview, Action::Approve) => Ok(Approved),
        (InReview, Action::Reject) => Ok(Rejected),
        (Approved, Action::Unlist) => Ok(Unlisted),
        (Unlisted, Action::Relist) => Ok(Approved),
        _ => Err(ApiError::new(Code::ProductStateConflict)
            .with("status", status.as_str())
            .with("action", action.verb())),
    }
}

/// The state after an edit: a rejected product goes back to draft; a
/// listed or unlisted one whose name, description or category changed
/// goes back to review; price and stock change nothing.
pub fn after_edit(status: ProductStatus, content_changed: bool) -> ProductStatus {
    match status {
        Rejected => Draft,
        Approved | Unlisted if content_changed => InReview,
        other => other,
    }
}

/// What a product has filled in, as far as curation cares.
#[derive(Debug, Clone)]
pub struct Filled {
    pub category: ProductCategory,
    pub description: bool,
    pub unit: bool,
    pub weight: bool,
    pub sku: bool,
    pub images: usize,
    pub shelf_life: bool,
    /// Sold in variants (has `options`)?
    pub options: bool,
    pub variants: usize,
    pub price: bool,
    pub stock: bool,
}

/// The fields a product still lacks for curation, one error each: a draft
/// may be incomplete, a product submitted (or past curation) may not.
pub fn missing(f: &Filled) -> Vec<FieldError> {
    let mut errors = Vec::new();
    for (field, present) in [
        ("description", f.description),
        ("unit", f.unit),
        ("weight_grams", f.weight),
        ("sku", f.sku),
        ("images", f.images > 0),
    ] {
        if !present {
            errors.push(FieldError::new(field, FieldCode::Required));
        }
    }
    if f.options {
        if f.variants == 0 {
            errors.push(FieldError::new("variants", FieldCode::Required));
        }
    } else {
        for (field, present) in [("price_idr", f.price), ("stock", f.stock)] {
            if !present {
                errors.push(FieldError::new(field, FieldCode::Required));
            }
        }
    }
    if matches!(
        f.category,
        ProductCategory::Food | ProductCategory::Beverage
    ) && !f.shelf_life
    {
        errors.push(FieldError::new(
            "shelf_life_days",
            FieldCode::RequiredForFood,
        ));
    }
    errors.sort_by(|a, b| a.field.cmp(&b.field));
    errors
}

/// Refuses a product that lacks something curation needs: 422
/// `product.incomplete` listing every missing field.
pub fn require_complete(f: &Filled) -> Result<(), ApiError> {
    ApiError::check_as(Code::ProductIncomplete, missing(f))
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::Iterable;

    #[test]
    fn only_the_contract_transitions_are_allowed() {
        let allowed = [
            (Draft, Action::Submit, InReview),
            (InReview, Action::Approve, Approved),
            (InReview, Action::Reject, Rejected),
            (Approved, Action::Unlist, Unlisted),
            (Unlisted, Action::Relist, Approved),
        ];
        let actions = [
            Action::Submit,
            Action::Approve,
            Action::Reject,
            Action::Unlist,
            Action::Relist,
        ];
        for status in ProductStatus::iter() {
            for action in actions {
                let expected = allowed
                    .iter()
                    .find(|(s, a, _)| *s == status && *a == action)
                    .map(|t| t.2);
                match (next(status, action), expected) {
                    (Ok(got), Some(want)) => assert_eq!(got, want),
                    (Err(e), None) => {
                        assert_eq!(e.code(), Code::ProductStateConflict);
                        let detail = e.detail(crate::i18n::Lang::En);
                        assert!(detail.contains(&format!("`{status}`")), "{detail}");
                    }
                    (got, want) => panic!("{status} + {action:?}: got {got:?}, want {want:?}"),
                }
            }
        }
    }

    #[test]
    fn the_review_history_names_every_action_as_the_audit_trail_does() {
        for action in [
            Action::Submit,
            Action::Approve,
            Action::Reject,
            Action::Unlist,
            Action::Relist,
        ] {
            assert_eq!(action.decision().as_str(), action.verb());
        }
    }

    #[test]
    fn edits_reset_curation_only_where_the_contract_says() {
        assert_eq!(after_edit(Rejected, false), Draft);
        assert_eq!(after_edit(Approved, true), InReview);
        assert_eq!(after_edit(Approved, false), Approved);
        assert_eq!(after_edit(Unlisted, true), InReview);
        assert_eq!(after_edit(Draft, true), Draft);
        assert_eq!(after_edit(InReview, true), InReview);
    }

    fn bare(category: ProductCategory) -> Filled {
        Filled {
            category,
            description: false,
            unit: false,
            weight: false,
            sku: false,
            images: 0,
            shelf_life: false,
            options: false,
            variants: 0,
            price: false,
            stock: false,
        }
    }

    #[test]
    fn a_bare_draft_lacks_everything_curation_needs() {
        let fields: Vec<String> = missing(&bare(ProductCategory::Food))
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(
            fields,
            [
                "description",
                "images",
                "price_idr",
                "shelf_life_days",
                "sku",
                "stock",
                "unit",
                "weight_grams"
            ]
        );
        let mut craft = bare(ProductCategory::Craft);
        craft.options = true;
        let fields: Vec<String> = missing(&craft).into_iter().map(|e| e.field).collect();
        assert!(fields.contains(&"variants".to_string()));
        assert!(!fields.contains(&"price_idr".to_string()));
        assert!(!fields.contains(&"shelf_life_days".to_string()));
    }
}
