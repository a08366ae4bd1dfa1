//! Images of a product: stored in the media store, listed in order in the
//! product's `images`, and served to whoever may see the product.

use std::future::Future;

use bytes::Bytes;
use entity::{product_images, products, ProductStatus};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, Set,
};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::model::{
    is_url_of, render, ImageOrder, ImageView, CACHE_PRIVATE, CACHE_PUBLIC, MAX_BYTES, MAX_IMAGES,
};
use super::upload::Upload;
use crate::audit;
use crate::auth::{scope, Caller};
use crate::db;
use crate::edit::Edit;
use crate::error::{ApiError, ApiResult, Code, FieldCode};
use crate::feed;
use crate::products::curation;
use crate::publication;
use crate::storage::Storage;

impl scope::Scoped for product_images::Entity {
    const NOT_FOUND: Code = Code::ImageNotFound;
    fn province_column() -> Self::Column {
        product_images::Column::ProvinceCode
    }
    fn pesantren_column() -> Option<Self::Column> {
        Some(product_images::Column::PesantrenId)
    }
    fn mentor_sees() -> scope::MentorSees<Self::Column> {
        scope::MentorSees::Assigned
    }
    fn id_column() -> Self::Column {
        product_images::Column::Id
    }
    fn version_column() -> Self::Column {
        product_images::Column::Version
    }
}

fn full() -> ApiError {
    ApiError::new(Code::ImageTooMany).with("max", MAX_IMAGES)
}

pub(super) fn too_large() -> ApiError {
    ApiError::new(Code::ImageTooLarge).with("limit", MAX_BYTES)
}

pub(super) fn not_an_image() -> ApiError {
    ApiError::new(Code::ImageNotAnImage)
}

fn image_not_found() -> ApiError {
    ApiError::new(Code::ImageNotFound)
}

fn urls_of(product: &products::Model) -> Vec<String> {
    serde_json::from_value(product.images.clone()).unwrap_or_default()
}

async fn rows_of(
    db: &impl ConnectionTrait,
    product_id: Uuid,
) -> ApiResult<Vec<product_images::Model>> {
    Ok(product_images::Entity::find()
        .filter(product_images::Column::ProductId.eq(product_id))
        .order_by_asc(product_images::Column::Position)
        .order_by_asc(product_images::Column::Id)
        .all(db)
        .await?)
}

/// Refuses a new image when the product holds the most it may: counted
/// both as uploaded images and as URLs in its `images`.
async fn ensure_room(db: &impl ConnectionTrait, product: &products::Model) -> ApiResult<usize> {
    let count = product_images::Entity::find()
        .filter(product_images::Column::ProductId.eq(product.id))
        .count(db)
        .await? as usize;
    if count >= MAX_IMAGES || urls_of(product).len() >= MAX_IMAGES {
        return Err(full());
    }
    Ok(count)
}

/// Writes the product's new `images` (and whatever else `row` sets),
/// bumping its version; 409 if it changed since it was read in this
/// transaction.
async fn save_urls(
    db: &impl ConnectionTrait,
    product: &products::Model,
    urls: Vec<String>,
    mut row: products::ActiveModel,
) -> ApiResult<()> {
    row.images = Set(serde_json::json!(urls));
    row.updated_at = Set(db::now());
    row.version = Set(product.version + 1);
    scope::update_if_version::<products::Entity>(db, product.id, product.version, row)
        .await
        .map_err(|e| match e.code() {
            Code::RequestVersionMismatch => ApiError::new(Code::ImageProductChanged),
            _ => e,
        })
}

async fn product_in(db: &impl ConnectionTrait, id: Uuid) -> ApiResult<products::Model> {
    products::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::new(Code::ProductNotFound))
}

/// Stores an image of a product the caller may manage and appends its URL
/// to the product's `images`. The scope and the room left are checked
/// before `upload` is read: nobody uploads for nothing. If anything fails
/// after the bytes were stored, they are deleted again: nothing is left
/// behind.
pub async fn add(
    db: &DatabaseConnection,
    storage: &Storage,
    caller: &Caller,
    product_id: Uuid,
    base: &str,
    upload: impl Future<Output = ApiResult<Upload>>,
) -> ApiResult<ImageView> {
    let product = scope::load::<products::Entity>(db, caller, product_id).await?;
    ensure_room(db, &product).await?;
    // What is stored, hashed and served is the re-encoded image, never the
    // bytes as they came (`process`).
    let upload = super::process::clean(upload.await?).await?;
    let id = db::new_id();
    let key = format!("products/{product_id}/{id}.{}", upload.kind.extension());
    let row = product_images::ActiveModel {
        id: Set(id),
        product_id: Set(product_id),
        content_type: Set(upload.kind.content_type().to_string()),
        size_bytes: Set(upload.bytes.len() as i64),
        sha256: Set(hex::encode(Sha256::digest(&upload.bytes))),
        storage_key: Set(key.clone()),
        cleaned_at: Set(Some(db::now())),
        version: Set(1),
        ..Default::default()
    };
    storage
        .put(&key, upload.bytes)
        .await
        .map_err(ApiError::internal)?;
    match record_added(db, caller, product_id, base, row).await {
        Ok(view) => Ok(view),
        Err(e) => {
            if let Err(cleanup) = storage.delete(&key).await {
                tracing::error!(error = ?cleanup, key, "an upload that failed left its bytes behind");
            }
            Err(e)
        }
    }
}

async fn record_added(
    db: &DatabaseConnection,
    caller: &Caller,
    product_id: Uuid,
    base: &str,
    mut row: product_images::ActiveModel,
) -> ApiResult<ImageView> {
    let mut tx = feed::begin(db, &caller.actor()).await?;
    // Read again under the feed lock, which every image change takes: two
    // uploads at once cannot both take the ninth place.
    let product = product_in(&*tx, product_id).await?;
    let count = ensure_room(&*tx, &product).await?;
    let position = rows_of(&*tx, product_id)
        .await?
        .last()
        .map_or(count as i32, |r| r.position + 1);
    let now = db::now();
    row.pesantren_id = Set(product.pesantren_id);
    row.province_code = Set(product.province_code.clone());
    row.position = Set(position);
    row.created_at = Set(now);
    row.updated_at = Set(now);
    let saved = row.insert(&*tx).await?;
    let view = render(base, saved);
    let mut urls = urls_of(&product);
    urls.push(view.url.clone());
    // A new picture is content no curator has seen: an approved or
    // unlisted product goes back to review, as an edit adding a link
    // does, and its uploader counts as its last editor (nobody approves
    // their own picture).
    let status = curation::after_edit(product.status, true);
    let mut changes = products::ActiveModel {
        edited_by: Set(caller.user_id()),
        ..Default::default()
    };
    if status != product.status {
        changes.status = Set(status);
        changes.rejection_reason = Set(None);
        changes.submitted_at = Set((status == ProductStatus::InReview).then(db::now));
    }
    save_urls(&*tx, &product, urls, changes).await?;
    feed::sync_product(&tx, product_id).await?;
    tx.record(audit::Entry {
        action: "create",
        resource_type: "product_image",
        resource_id: view.id,
        province_code: Some(product.province_code.clone()),
        changes: audit::created(&view),
    })
    .await?;
    if status != product.status {
        tx.record(audit::Entry {
            action: "update",
            resource_type: "product",
            resource_id: product_id,
            province_code: Some(product.province_code.clone()),
            changes: serde_json::json!({
                "status": {"from": product.status.as_str(), "to": status.as_str()},
                "images": {"added": view.url},
            }),
        })
        .await?;
    }
    tx.commit().await?;
    Ok(view)
}

/// The images of a product the caller may see, in order.
pub async fn list(
    db: &DatabaseConnection,
    caller: &Caller,
    product_id: Uuid,
    base: &str,
) -> ApiResult<Vec<ImageView>> {
    scope::load::<products::Entity>(db, caller, product_id).await?;
    Ok(rows_of(db, product_id)
        .await?
        .into_iter()
        .map(|r| render(base, r))
        .collect())
}

/// Deletes an image of a product the caller may manage: its row, its URL
/// in the product's `images`, then its bytes.
pub async fn remove(
    db: &DatabaseConnection,
    storage: &Storage,
    caller: &Caller,
    product_id: Uuid,
    image_id: Uuid,
    base: &str,
) -> ApiResult<()> {
    scope::load::<products::Entity>(db, caller, product_id).await?;
    take_down(
        db,
        storage,
        &caller.actor(),
        product_id,
        image_id,
        base,
        "delete",
    )
    .await
}

/// Deletes an image as `actor` (the audit entry's `action`): its row, its
/// URL in the product's `images` (and the catalogue's copy), then its bytes.
pub(super) async fn take_down(
    db: &DatabaseConnection,
    storage: &Storage,
    actor: &audit::Actor,
    product_id: Uuid,
    image_id: Uuid,
    base: &str,
    action: &'static str,
) -> ApiResult<()> {
    let mut tx = feed::begin(db, actor).await?;
    let image = product_images::Entity::find_by_id(image_id)
        .filter(product_images::Column::ProductId.eq(product_id))
        .one(&*tx)
        .await?
        .ok_or_else(image_not_found)?;
    product_images::Entity::delete_by_id(image_id)
        .exec(&*tx)
        .await?;
    renumber(&*tx, product_id).await?;
    let product = product_in(&*tx, product_id).await?;
    let urls = urls_of(&product)
        .into_iter()
        .filter(|u| !is_url_of(u, image_id))
        .collect();
    save_urls(&*tx, &product, urls, Default::default()).await?;
    feed::sync_product(&tx, product_id).await?;
    let key = image.storage_key.clone();
    tx.record(audit::Entry {
        action,
        resource_type: "product_image",
        resource_id: image_id,
        province_code: Some(image.province_code.clone()),
        changes: audit::created(&render(base, image)),
    })
    .await?;
    tx.commit().await?;
    // After the commit: had it failed, the image would still be listed and
    // must still be served. A failure here leaves only unreferenced bytes.
    if let Err(e) = storage.delete(&key).await {
        tracing::error!(error = ?e, key, "a deleted image's bytes could not be removed");
    }
    Ok(())
}

/// The bytes of `image` in the media store; their absence is an internal
/// error (a row without bytes), never a 404.
pub(super) async fn stored_bytes(
    storage: &Storage,
    image: &product_images::Model,
) -> ApiResult<Bytes> {
    storage
        .get(&image.storage_key)
        .await
        .map_err(ApiError::internal)?
        .ok_or_else(|| {
            ApiError::internal(anyhow::anyhow!(
                "the bytes of image {} are missing from the media store ({})",
                image.id,
                image.storage_key
            ))
        })
}

/// Numbers the images of a product 0, 1, 2 … in their current order.
async fn renumber(db: &impl ConnectionTrait, product_id: Uuid) -> ApiResult<()> {
    let now = db::now();
    for (i, row) in rows_of(db, product_id).await?.into_iter().enumerate() {
        if row.position != i as i32 {
            set_position(db, &row, i as i32, now).await?;
        }
    }
    Ok(())
}

async fn set_position(
    db: &impl ConnectionTrait,
    row: &product_images::Model,
    position: i32,
    now: chrono::DateTime<chrono::Utc>,
) -> ApiResult<()> {
    product_images::Entity::update_many()
        .col_expr(product_images::Column::Position, Expr::value(position))
        .col_expr(product_images::Column::UpdatedAt, Expr::value(now))
        .col_expr(
            product_images::Column::Version,
            Expr::value(row.version + 1),
        )
        .filter(product_images::Column::Id.eq(row.id))
        .exec(db)
        .await?;
    Ok(())
}

/// `urls` with the URLs of uploaded images put in the order of `ids`,
/// each in one of the places such URLs held; other URLs (links the
/// pesantren typed) keep their places.
fn reorder_urls(urls: &[String], ids: &[Uuid]) -> Vec<String> {
    let of = |u: &String| ids.iter().position(|id| is_url_of(u, *id));
    let mut uploaded: Vec<(usize, &String)> =
        urls.iter().filter_map(|u| of(u).map(|i| (i, u))).collect();
    uploaded.sort_by_key(|(i, _)| *i);
    let mut next = uploaded.into_iter().map(|(_, u)| u.clone());
    urls.iter()
        .map(|u| match of(u) {
            Some(_) => next.next().unwrap_or_else(|| u.clone()),
            None => u.clone(),
        })
        .collect()
}

/// Puts a product's images in the order of `ids`, which must name each of
/// them once (422 otherwise).
/// `PUT` and `PATCH` both carry the whole list (a merge patch replaces a
/// list whole).
pub async fn reorder(
    db: &DatabaseConnection,
    caller: &Caller,
    product_id: Uuid,
    edit: Edit<ImageOrder>,
    base: &str,
) -> ApiResult<Vec<ImageView>> {
    scope::load::<products::Entity>(db, caller, product_id).await?;
    let current = ImageOrder {
        ids: rows_of(db, product_id)
            .await?
            .iter()
            .map(|r| r.id)
            .collect(),
    };
    let ids = edit.resolve(&current)?.ids;
    let mut tx = feed::begin(db, &caller.actor()).await?;
    let rows = rows_of(&*tx, product_id).await?;
    let mut given = ids.clone();
    given.sort();
    given.dedup();
    let mut held: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    held.sort();
    if given.len() != ids.len() || given != held {
        return Err(ApiError::field("ids", FieldCode::ImageOrder));
    }
    let now = db::now();
    let mut moved = false;
    for (position, id) in ids.iter().enumerate() {
        let row = rows
            .iter()
            .find(|r| r.id == *id)
            .ok_or_else(image_not_found)?;
        if row.position != position as i32 {
            set_position(&*tx, row, position as i32, now).await?;
            moved = true;
        }
    }
    let product = product_in(&*tx, product_id).await?;
    let before = urls_of(&product);
    let after = reorder_urls(&before, &ids);
    if !moved && before == after {
        // Nothing changes: the transaction ends unwritten.
        drop(tx);
        return list(db, caller, product_id, base).await;
    }
    save_urls(&*tx, &product, after.clone(), Default::default()).await?;
    feed::sync_product(&tx, product_id).await?;
    tx.record(audit::Entry {
        action: "reorder_images",
        resource_type: "product",
        resource_id: product_id,
        province_code: Some(product.province_code.clone()),
        changes: serde_json::json!({"images": {"from": before, "to": after}}),
    })
    .await?;
    tx.commit().await?;
    list(db, caller, product_id, base).await
}

/// Whether the caller may see an image: everyone while its product is
/// published, otherwise only callers in its scope. Answers whether it is
/// public.
async fn visibility(
    db: &DatabaseConnection,
    caller: &Caller,
    image: &product_images::Model,
) -> ApiResult<Option<bool>> {
    let published = products::Entity::find_by_id(image.product_id)
        .filter(publication::published(publication::today()))
        .one(db)
        .await?
        .is_some();
    if published {
        return Ok(Some(true));
    }
    let in_scope = scope::find::<product_images::Entity>(caller)
        .filter(product_images::Column::Id.eq(image.id))
        .one(db)
        .await?
        .is_some();
    Ok(in_scope.then_some(false))
}

/// Whether `If-None-Match` names `etag` (weak comparison, as RFC 9110 asks
/// for this header).
fn none_match(if_none_match: Option<&str>, etag: &str) -> bool {
    let Some(value) = if_none_match else {
        return false;
    };
    value
        .split(',')
        .map(str::trim)
        .any(|tag| tag == "*" || tag.strip_prefix("W/").unwrap_or(tag) == etag)
}

/// What `GET /api/v1/images/{id}` answers.
pub enum Served {
    /// The client's copy is current (`If-None-Match`).
    NotModified { etag: String, cache: &'static str },
    Image {
        bytes: Bytes,
        content_type: String,
        etag: String,
        cache: &'static str,
    },
}

/// An image, if the caller may see it: everyone while its product is
/// published (publicly cached), otherwise callers in its scope (privately
/// cached); 404 for everyone else. `if_none_match` is the request's header.
pub async fn serve(
    db: &DatabaseConnection,
    storage: &Storage,
    caller: &Caller,
    id: Uuid,
    if_none_match: Option<&str>,
) -> ApiResult<Served> {
    let image = product_images::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(image_not_found)?;
    let public = visibility(db, caller, &image)
        .await?
        .ok_or_else(image_not_found)?;
    let etag = format!("\"{}\"", image.sha256);
    let cache = if public { CACHE_PUBLIC } else { CACHE_PRIVATE };
    if none_match(if_none_match, &etag) {
        return Ok(Served::NotModified { etag, cache });
    }
    let bytes = stored_bytes(storage, &image).await?;
    Ok(Served::Image {
        bytes,
        content_type: image.content_type,
        etag,
        cache,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::images::model::{is_own_url, ImageKind};

    #[test]
    fn own_image_links_are_known_under_any_base() {
        let id = Uuid::now_v7();
        assert!(is_own_url(&format!(
            "http://127.0.0.1:8080/api/v1/images/{id}"
        )));
        assert!(is_own_url(&format!(
            "https://opop.jatimprov.go.id/api/v1/images/{id}"
        )));
        assert!(!is_own_url(&format!("/api/v1/images/{id}")));
        assert!(!is_own_url("http://evil.example/api/v1/images/not-an-id"));
        assert!(!is_own_url("http://evil.example/logo.png"));
    }

    #[test]
    fn formats_are_known_by_their_magic_bytes() {
        assert_eq!(
            ImageKind::sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]),
            Some(ImageKind::Jpeg)
        );
        assert_eq!(
            ImageKind::sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
            Some(ImageKind::Png)
        );
        assert_eq!(
            ImageKind::sniff(b"RIFF\x24\0\0\0WEBPVP8 "),
            Some(ImageKind::Webp)
        );
        assert_eq!(ImageKind::sniff(b"RIFF\x24\0\0\0WAVEfmt "), None);
        assert_eq!(ImageKind::sniff(b"GIF89a......"), None);
        assert_eq!(ImageKind::sniff(b"<svg xmlns="), None);
        assert_eq!(ImageKind::sniff(b""), None);
        assert_eq!(ImageKind::sniff(&[0xFF, 0xD8]), None);
    }

    #[test]
    fn reordering_moves_only_uploaded_urls_between_their_places() {
        let a = Uuid::now_v7();
        let b = Uuid::now_v7();
        let url = |id: Uuid| format!("https://x.example/api/v1/images/{id}");
        let linked = "https://cdn.example/typed.jpg".to_string();
        let urls = vec![url(a), linked.clone(), url(b)];
        assert_eq!(
            reorder_urls(&urls, &[b, a]),
            vec![url(b), linked.clone(), url(a)]
        );
        assert_eq!(reorder_urls(&urls, &[a, b]), urls);
        // An uploaded image whose URL was dropped from `images` stays out.
        assert_eq!(
            reorder_urls(&[linked.clone(), url(b)], &[b, a]),
            vec![linked, url(b)]
        );
    }
}
