//! The curation state machine: the only place that knows which state
//! follows which, and what a product must have before curators see it.

use std::collections::BTreeMap;

use entity::ProductStatus::{self, *};
use entity::{ProductCategory, ProductCondition, ReviewDecision};

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
/// listed or unlisted one whose curated content changed ([`needs_review`])
/// goes back to review; price, stock and the other trade fields change
/// nothing.
pub fn after_edit(status: ProductStatus, content_changed: bool) -> ProductStatus {
    match status {
        Rejected => Draft,
        Approved | Unlisted if content_changed => InReview,
        other => other,
    }
}

/// What a curator judges of a product: every field the catalogue shows
/// except the trade fields (`price_idr`, `stock`, `sku`, `min_order_qty`,
/// and a variant's `price_idr`, `stock` and `sku`), which a pesantren
/// must be able to change every day without waiting for a curator and
/// which say nothing about what the product is. `docs/curation.md` lists
/// both kinds.
#[derive(Debug, Clone, PartialEq)]
pub struct Shown {
    pub name: String,
    pub description: Option<String>,
    pub category: ProductCategory,
    pub brand: Option<String>,
    pub unit: Option<String>,
    pub weight_grams: Option<i32>,
    /// Length, width and height.
    pub size_cm: [Option<i32>; 3],
    pub condition: ProductCondition,
    pub shelf_life_days: Option<i32>,
    pub options: Option<Vec<String>>,
    pub variants: Vec<VariantLook>,
    pub images: Vec<String>,
}

/// What a curator judges of a variant: what it is, not what it costs.
#[derive(Debug, Clone, PartialEq)]
pub struct VariantLook {
    pub values: BTreeMap<String, String>,
    pub weight_grams: i32,
    pub size_cm: [Option<i32>; 3],
}

/// The curated fields an edit changes (as named on the wire): any of them
/// sends an approved or unlisted product back to review. Of `images` and
/// `variants`, only what a curator has not seen counts: a link or a
/// variant that is new. Dropping or reordering approved images, or
/// dropping a variant, shows nothing unapproved (a pesantren must be able
/// to take down a photo or a sold-out size at once).
pub fn needs_review(before: &Shown, after: &Shown) -> Vec<&'static str> {
    let mut changed = Vec::new();
    let mut note = |field: &'static str, differs: bool| {
        if differs {
            changed.push(field);
        }
    };
    note("name", before.name != after.name);
    note("description", before.description != after.description);
    note("category", before.category != after.category);
    note("brand", before.brand != after.brand);
    note("unit", before.unit != after.unit);
    note("weight_grams", before.weight_grams != after.weight_grams);
    note("length_cm", before.size_cm[0] != after.size_cm[0]);
    note("width_cm", before.size_cm[1] != after.size_cm[1]);
    note("height_cm", before.size_cm[2] != after.size_cm[2]);
    note("condition", before.condition != after.condition);
    note(
        "shelf_life_days",
        before.shelf_life_days != after.shelf_life_days,
    );
    note("options", before.options != after.options);
    note(
        "variants",
        after.variants.iter().any(|v| !before.variants.contains(v)),
    );
    note(
        "images",
        after.images.iter().any(|u| !before.images.contains(u)),
    );
    changed
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

    fn shown() -> Shown {
        Shown {
            name: "Kopi Robusta".into(),
            description: Some("Robusta dari lereng Bromo.".into()),
            category: ProductCategory::Food,
            brand: Some("Kopi Santri".into()),
            unit: Some("bungkus".into()),
            weight_grams: Some(250),
            size_cm: [Some(10), Some(5), Some(20)],
            condition: ProductCondition::New,
            shelf_life_days: Some(365),
            options: Some(vec!["ukuran".into()]),
            variants: vec![
                VariantLook {
                    values: [("ukuran".to_string(), "S".to_string())].into(),
                    weight_grams: 250,
                    size_cm: [None, None, None],
                },
                VariantLook {
                    values: [("ukuran".to_string(), "L".to_string())].into(),
                    weight_grams: 500,
                    size_cm: [None, None, None],
                },
            ],
            images: vec![
                "https://a.example/1.jpg".into(),
                "https://a.example/2.jpg".into(),
            ],
        }
    }

    #[test]
    fn every_curated_field_is_noticed_and_only_new_images_and_variants_count() {
        let before = shown();
        assert!(needs_review(&before, &before).is_empty());
        type Change = Box<dyn Fn(&mut Shown)>;
        let cases: Vec<(&str, Change)> = vec![
            ("name", Box::new(|s| s.name.push('!'))),
            ("description", Box::new(|s| s.description = None)),
            (
                "category",
                Box::new(|s| s.category = ProductCategory::Herbal),
            ),
            ("brand", Box::new(|s| s.brand = Some("Lain".into()))),
            ("unit", Box::new(|s| s.unit = Some("kg".into()))),
            ("weight_grams", Box::new(|s| s.weight_grams = Some(1))),
            ("length_cm", Box::new(|s| s.size_cm[0] = None)),
            ("width_cm", Box::new(|s| s.size_cm[1] = Some(6))),
            ("height_cm", Box::new(|s| s.size_cm[2] = Some(21))),
            (
                "condition",
                Box::new(|s| s.condition = ProductCondition::Used),
            ),
            (
                "shelf_life_days",
                Box::new(|s| s.shelf_life_days = Some(3650)),
            ),
            (
                "options",
                Box::new(|s| s.options = Some(vec!["warna".into()])),
            ),
            ("variants", Box::new(|s| s.variants[0].weight_grams = 1)),
            (
                "variants",
                Box::new(|s| {
                    s.variants[1].values.insert("ukuran".into(), "XL".into());
                }),
            ),
            (
                "images",
                Box::new(|s| s.images.push("https://a.example/3.jpg".into())),
            ),
            (
                "images",
                Box::new(|s| s.images[0] = "https://a.example/9.jpg".into()),
            ),
        ];
        for (field, change) in cases {
            let mut after = before.clone();
            change(&mut after);
            assert_eq!(needs_review(&before, &after), [field]);
        }
        // Taking away or reordering approved images and variants shows
        // nothing new.
        let mut after = before.clone();
        after.images.reverse();
        after.images.pop();
        after.variants.remove(0);
        assert!(needs_review(&before, &after).is_empty());
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
