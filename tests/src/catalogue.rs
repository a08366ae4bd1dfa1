//! Products put into the catalogue: behind the API (inserted, then synced to
//! the change feed as the API's writes do), or through it (created,
//! submitted and approved); a product as stored; and partners' orders of
//! them.

use entity::{
    certifications, pesantren, products, CertificationStatus, CertificationType, ChangeOp,
    ProductCategory, ProductStatus,
};
use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel, Set};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::world::{insert_certification, insert_product};
use crate::{Answer, TestApp};

pub const ORDERS: &str = "/api/v1/catalog/orders";

/// Publishes an approved product of `p` (a verified pesantren), with a
/// verified halal certificate when its category needs one; already in the
/// change feed.
pub async fn publish(
    app: &TestApp,
    p: &pesantren::Model,
    sku: &str,
    category: ProductCategory,
) -> products::Model {
    if !category.requires_halal() {
        let product = insert_product(app, p, sku, category, ProductStatus::Approved).await;
        return synced(app, product).await;
    }
    // A number of the right form that differs with the SKU.
    let number = format!(
        "ID{:014}",
        sku.len() * 1000 + sku.bytes().map(usize::from).sum::<usize>()
    );
    publish_certified(app, p, sku, category, &number).await.0
}

/// Publishes an approved product of `p` (a verified pesantren) with a
/// verified halal certificate numbered `number`; already in the change feed.
pub async fn publish_certified(
    app: &TestApp,
    p: &pesantren::Model,
    sku: &str,
    category: ProductCategory,
    number: &str,
) -> (products::Model, certifications::Model) {
    let product = insert_product(app, p, sku, category, ProductStatus::Approved).await;
    let cert = insert_certification(
        app,
        &product,
        CertificationType::Halal,
        number,
        CertificationStatus::Verified,
        None,
    )
    .await;
    (synced(app, product).await, cert)
}

/// Publishes a craft product of `p` (no halal certificate needed) with
/// `stock` units and a minimum order; already in the change feed.
pub async fn publish_stocked(
    app: &TestApp,
    p: &pesantren::Model,
    sku: &str,
    stock: i64,
    min_order_qty: i32,
) -> products::Model {
    let product =
        insert_product(app, p, sku, ProductCategory::Craft, ProductStatus::Approved).await;
    let mut row = product.into_active_model();
    row.stock = Set(Some(stock));
    row.min_order_qty = Set(min_order_qty);
    synced(app, row.update(&app.db).await.unwrap()).await
}

async fn synced(app: &TestApp, product: products::Model) -> products::Model {
    let op = opop_api::feed::sync_now(&app.db, product.id).await.unwrap();
    assert_eq!(op, Some(ChangeOp::Upsert), "the product is published");
    product
}

/// Creates a product through the API as `writer`, who submits it, and has
/// `reviewer` approve it; answers the approved product.
pub async fn create_and_approve(
    app: &TestApp,
    writer: &str,
    reviewer: &str,
    body: &Value,
) -> Value {
    let created = app
        .as_(writer)
        .post("/api/v1/products", body)
        .expect(201)
        .await;
    assert_eq!(created["status"], "draft");
    let id = created["id"].as_str().unwrap();
    app.as_(writer)
        .post_empty(&format!("/api/v1/products/{id}/submit"))
        .expect(200)
        .await;
    let approved = app
        .as_(reviewer)
        .post_empty(&format!("/api/v1/products/{id}/approve"))
        .expect(200)
        .await;
    assert_eq!(approved["status"], "approved");
    approved
}

/// The product's row, as stored now.
pub async fn product_row(app: &TestApp, id: Uuid) -> products::Model {
    products::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .unwrap()
        .expect("the product exists")
}

/// An order's body.
pub fn order_body(product: Uuid, quantity: i32, external_order_id: &str) -> Value {
    json!({"product_id": product, "quantity": quantity, "external_order_id": external_order_id})
}

/// Reports an order as the partner of `token`, with an `Idempotency-Key`
/// when one is given.
pub async fn order(app: &TestApp, token: &str, key: Option<&str>, body: &Value) -> Answer {
    let call = app.as_(token).post(ORDERS, body);
    match key {
        Some(key) => call.header("Idempotency-Key", key),
        None => call,
    }
    .answer()
    .await
}
