//! Following the change feed as a partner would, and reading the public
//! catalogue it must end up equal to (the feed's concurrency tests,
//! `change_feed` and `faults`); and the feed's events of one product as
//! stored.

use std::collections::BTreeMap;

use entity::{catalog_changes, ChangeOp};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::TestApp;

/// Every published product, through the public catalogue.
pub async fn catalogue(app: &TestApp) -> BTreeMap<Uuid, Value> {
    let mut all = BTreeMap::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/catalog/products?limit=100&cursor={c}"),
            None => "/api/v1/catalog/products?limit=100".into(),
        };
        let res = app.anon().get(&path).await;
        assert_eq!(res.status(), 200);
        let page: Value = res.json().await.unwrap();
        for p in page["data"].as_array().unwrap() {
            all.insert(p["id"].as_str().unwrap().parse().unwrap(), p.clone());
        }
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => return all,
        }
    }
}

/// A partner's mirror of the catalogue, built only from the feed.
pub struct Follower {
    pub token: String,
    pub cursor: Option<String>,
    pub copy: BTreeMap<Uuid, Value>,
    pub events: usize,
}

impl Follower {
    /// A follower starting from the very beginning of the feed.
    pub fn new(token: String) -> Self {
        Self {
            token,
            cursor: None,
            copy: BTreeMap::new(),
            events: 0,
        }
    }

    /// Reads one stretch; answers whether more is waiting.
    pub async fn step(&mut self, app: &TestApp, limit: u32) -> bool {
        let path = match &self.cursor {
            Some(c) => format!("/api/v1/catalog/changes?limit={limit}&cursor={c}"),
            None => format!("/api/v1/catalog/changes?limit={limit}"),
        };
        let res = app.as_(&self.token).get(&path).await;
        assert_eq!(res.status(), 200);
        let page: Value = res.json().await.unwrap();
        let mut last: Option<i64> = self.cursor.as_deref().map(|c| c.parse().unwrap());
        for e in page["data"].as_array().unwrap() {
            let seq: i64 = e["cursor"].as_str().unwrap().parse().unwrap();
            assert!(last.is_none_or(|l| seq > l), "events out of order");
            last = Some(seq);
            let id: Uuid = e["product_id"].as_str().unwrap().parse().unwrap();
            match e["op"].as_str().unwrap() {
                "upsert" => {
                    self.copy.insert(id, e["product"].clone());
                }
                "delete" => {
                    self.copy.remove(&id);
                }
                other => panic!("unknown op {other}"),
            }
            self.events += 1;
        }
        self.cursor = Some(page["next_cursor"].as_str().unwrap().to_string());
        page["has_more"].as_bool().unwrap()
    }

    pub async fn drain(&mut self, app: &TestApp) {
        while self.step(app, 50).await {}
    }
}

/// The product as a full replacement body, from its current view.
pub fn edit_body(view: &Value) -> Value {
    let mut body = json!({});
    for f in [
        "koperasi_id",
        "name",
        "description",
        "category",
        "price_idr",
        "stock",
        "unit",
        "weight_grams",
        "sku",
        "images",
        "is_flagship",
        "brand",
        "condition",
        "length_cm",
        "width_cm",
        "height_cm",
        "min_order_qty",
        "shelf_life_days",
    ] {
        if !view[f].is_null() {
            body[f] = view[f].clone();
        }
    }
    body
}

/// The feed's events of one product, oldest first, as stored.
pub async fn events_of(app: &TestApp, product: Uuid) -> Vec<catalog_changes::Model> {
    catalog_changes::Entity::find()
        .filter(catalog_changes::Column::ProductId.eq(product))
        .order_by_asc(catalog_changes::Column::Seq)
        .all(&app.db)
        .await
        .unwrap()
}

/// What the feed said of one product, oldest first.
pub async fn ops_of(app: &TestApp, product: Uuid) -> Vec<ChangeOp> {
    events_of(app, product)
        .await
        .into_iter()
        .map(|e| e.op)
        .collect()
}

/// The feed's latest event of one product.
pub async fn last_event_of(app: &TestApp, product: Uuid) -> Option<catalog_changes::Model> {
    catalog_changes::Entity::find()
        .filter(catalog_changes::Column::ProductId.eq(product))
        .order_by_desc(catalog_changes::Column::Seq)
        .one(&app.db)
        .await
        .unwrap()
}
