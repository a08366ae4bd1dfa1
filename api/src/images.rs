//! Images of a product: uploaded by its pesantren (JPEG, PNG or WebP, at
//! most 5 MiB, at most nine a product), kept in the media store (a
//! directory, or an S3 bucket: see [`crate::storage`]) under a stable id,
//! and served at a stable URL, `/api/v1/images/{id}`, that is appended to
//! the product's `images`. The bytes behind an id never change, so they are
//! served with a year-long immutable cache and their SHA-256 as `ETag`.
//!
//! Every change of a product's images changes what the catalogue shows, so
//! it ends with the product's change-feed sync in the same transaction.
//!
//! Who sees an image: everyone while its product is published; otherwise
//! only callers in the product's scope (its pesantren's managers, curators
//! and admins of its province). Ids are UUID v7, ordered by time and so
//! partly guessable: they are not a secret.

use actix_multipart::Multipart;
use actix_web::http::header;
use actix_web::{delete, get, post, put, web, HttpRequest, HttpResponse};
use entity::{product_images, products};
use futures_util::StreamExt;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, Set,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::audit;
use crate::auth::{scope, Caller, Public, RegisterStaff, RegisterWriters, Require};
use crate::catalog::feed;
use crate::db;
use crate::error::{ApiError, ApiResult};
use crate::http::Body;
use crate::publication;
use crate::startup::AppState;
use crate::storage::Storage;

/// The most images a product holds.
pub const MAX_IMAGES: usize = 9;
/// The largest image accepted, in bytes (5 MiB).
pub const MAX_BYTES: usize = 5 * 1024 * 1024;
/// What a multipart body may carry beyond the image itself (boundaries,
/// part headers, small extra fields) before it is refused unread.
const ENVELOPE_BYTES: usize = 64 * 1024;
/// `Cache-Control` of an image of a published product: the bytes of an id
/// never change.
pub const CACHE_PUBLIC: &str = "public, max-age=31536000, immutable";
/// `Cache-Control` of an image shown only to callers in its product's
/// scope: browsers may keep it, shared caches may not.
pub const CACHE_PRIVATE: &str = "private, max-age=31536000, immutable";

impl scope::Scoped for product_images::Entity {
    const NAME: &'static str = "image";
    fn province_column() -> Self::Column {
        product_images::Column::ProvinceCode
    }
    fn pesantren_column() -> Self::Column {
        product_images::Column::PesantrenId
    }
    fn id_column() -> Self::Column {
        product_images::Column::Id
    }
    fn version_column() -> Self::Column {
        product_images::Column::Version
    }
}

/// The image formats accepted, recognised by their first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageKind {
    Jpeg,
    Png,
    Webp,
}

impl ImageKind {
    /// Bytes needed to tell the formats apart.
    pub const SNIFF_LEN: usize = 12;

    /// The format of `bytes`, judged by their magic numbers only: JPEG
    /// `FF D8 FF`, PNG `89 50 4E 47 0D 0A 1A 0A`, WebP `RIFF····WEBP`.
    pub fn sniff(bytes: &[u8]) -> Option<Self> {
        if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(Self::Jpeg)
        } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(Self::Png)
        } else if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
            Some(Self::Webp)
        } else {
            None
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::Webp => "image/webp",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Self::Jpeg => "jpg",
            Self::Png => "png",
            Self::Webp => "webp",
        }
    }
}

/// An image of a product.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ImageView {
    pub id: Uuid,
    pub product_id: Uuid,
    /// Where the image is served (`GET`), also listed in the product's
    /// `images`.
    #[schema(
        example = "https://api.opop.example/api/v1/images/01936d3c-9c4e-7b1a-8f00-2f4f3c1d5e6a"
    )]
    pub url: String,
    /// Detected from the bytes: `image/jpeg`, `image/png` or `image/webp`.
    #[schema(example = "image/jpeg")]
    pub content_type: String,
    /// Bytes.
    #[schema(example = 284113)]
    pub size: i64,
    /// Hex SHA-256 of the bytes; also the image's `ETag`.
    #[schema(example = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")]
    pub sha256: String,
    /// Place in the product's order, from 0.
    pub position: i32,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

fn image_path(id: Uuid) -> String {
    format!("/api/v1/images/{id}")
}

fn render(base: &str, row: product_images::Model) -> ImageView {
    ImageView {
        url: format!("{base}{}", image_path(row.id)),
        id: row.id,
        product_id: row.product_id,
        content_type: row.content_type,
        size: row.size_bytes,
        sha256: row.sha256,
        position: row.position,
        created_at: row.created_at,
    }
}

/// Whether `url` is the URL of image `id`, under whatever base it was made.
fn is_url_of(url: &str, id: Uuid) -> bool {
    url.ends_with(&image_path(id))
}

/// Whether `url` is a link to an image served by this API (under any base,
/// so also `http://` ones of a development server).
pub fn is_own_url(url: &str) -> bool {
    url.rsplit_once("/api/v1/images/")
        .is_some_and(|(base, id)| !base.is_empty() && Uuid::parse_str(id).is_ok())
}

/// The base of absolute links: `OPOP_PUBLIC_URL`, or the scheme and host
/// the request came to (which a proxy may set with `Forwarded`, and so may
/// a client: production sets `OPOP_PUBLIC_URL`).
pub fn base_url(state: &AppState, req: &HttpRequest) -> String {
    match &state.config.public_url {
        Some(url) => url.clone(),
        None => {
            let info = req.connection_info();
            format!("{}://{}", info.scheme(), info.host())
        }
    }
}

fn storage(state: &AppState) -> ApiResult<Storage> {
    Storage::from_config(&state.config).map_err(ApiError::Internal)
}

fn full() -> ApiError {
    ApiError::Conflict(format!(
        "The product already has {MAX_IMAGES} images, the most it may have; delete one first."
    ))
}

fn too_large() -> ApiError {
    ApiError::PayloadTooLarge(format!(
        "The image is larger than the limit of {MAX_BYTES} bytes (5 MiB)."
    ))
}

fn not_an_image() -> ApiError {
    ApiError::UnsupportedMediaType(
        "The file is not a JPEG, PNG or WebP image (judged by its content, not its name).".into(),
    )
}

fn image_not_found() -> ApiError {
    ApiError::not_found("image")
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

/// Writes the product's new `images`, bumping its version; 409 if it
/// changed since it was read in this transaction.
async fn save_urls(
    db: &impl ConnectionTrait,
    product: &products::Model,
    urls: Vec<String>,
) -> ApiResult<()> {
    let row = products::ActiveModel {
        images: Set(serde_json::json!(urls)),
        updated_at: Set(db::now()),
        version: Set(product.version + 1),
        ..Default::default()
    };
    scope::update_if_version::<products::Entity>(db, product.id, product.version, row)
        .await
        .map_err(|e| match e {
            ApiError::PreconditionFailed { .. } => ApiError::Conflict(
                "The product changed while its images were being changed; retry.".into(),
            ),
            other => other,
        })
}

async fn product_in(db: &impl ConnectionTrait, id: Uuid) -> ApiResult<products::Model> {
    products::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("product"))
}

/// An image read from a request, checked for type and size.
pub struct Upload {
    pub bytes: web::Bytes,
    pub kind: ImageKind,
}

fn bad_multipart(e: actix_multipart::MultipartError) -> ApiError {
    ApiError::BadRequest(format!("The multipart body cannot be read: {e}."))
}

/// Refuses a request that is not `multipart/form-data` (415) or that
/// declares a body far larger than an image may be (413), before reading.
pub fn check_headers(req: &HttpRequest) -> ApiResult<()> {
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim_start()
                .to_ascii_lowercase()
                .starts_with("multipart/form-data")
        });
    if !is_form {
        return Err(ApiError::UnsupportedMediaType(
            "Send the image as `multipart/form-data` with one part named `file`.".into(),
        ));
    }
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > (MAX_BYTES + ENVELOPE_BYTES) as u64) {
        return Err(too_large());
    }
    Ok(())
}

/// Reads the part `file` of a multipart body, refusing it as soon as it
/// passes [`MAX_BYTES`] (413) or its first bytes are not an accepted image
/// (415): neither is ever read whole. Other parts are skipped, up to
/// 64 KiB in all. The part's file name and declared type are ignored.
pub async fn read_upload(req: &HttpRequest, payload: web::Payload) -> ApiResult<Upload> {
    check_headers(req)?;
    let mut form = Multipart::new(req.headers(), payload);
    let mut file: Option<Upload> = None;
    let mut other_bytes = 0usize;
    while let Some(part) = form.next().await {
        let mut part = part.map_err(bad_multipart)?;
        let is_file = part.name() == Some("file");
        if is_file && file.is_some() {
            return Err(ApiError::BadRequest(
                "Send one part named `file`, not several.".into(),
            ));
        }
        let mut buf: Vec<u8> = Vec::new();
        let mut kind = None;
        while let Some(chunk) = part.next().await {
            let chunk = chunk.map_err(bad_multipart)?;
            if !is_file {
                other_bytes += chunk.len();
                if other_bytes > ENVELOPE_BYTES {
                    return Err(too_large());
                }
                continue;
            }
            if buf.len() + chunk.len() > MAX_BYTES {
                return Err(too_large());
            }
            buf.extend_from_slice(&chunk);
            if kind.is_none() && buf.len() >= ImageKind::SNIFF_LEN {
                kind = Some(ImageKind::sniff(&buf).ok_or_else(not_an_image)?);
            }
        }
        if is_file {
            let kind = match kind {
                Some(k) => k,
                None => ImageKind::sniff(&buf).ok_or_else(not_an_image)?,
            };
            file = Some(Upload {
                bytes: buf.into(),
                kind,
            });
        }
    }
    file.ok_or_else(|| {
        ApiError::validation_one(
            "file",
            "required",
            "is required: one part named `file` holding the image",
        )
    })
}

/// Stores an image of a product the caller may manage and appends its URL
/// to the product's `images`. If anything fails after the bytes were
/// stored, they are deleted again: nothing is left behind.
pub async fn add(
    db: &DatabaseConnection,
    storage: &Storage,
    caller: &Caller,
    product_id: Uuid,
    base: &str,
    upload: Upload,
) -> ApiResult<ImageView> {
    let id = db::new_id();
    let key = format!("products/{product_id}/{id}.{}", upload.kind.extension());
    let row = product_images::ActiveModel {
        id: Set(id),
        product_id: Set(product_id),
        content_type: Set(upload.kind.content_type().to_string()),
        size_bytes: Set(upload.bytes.len() as i64),
        sha256: Set(hex::encode(Sha256::digest(&upload.bytes))),
        storage_key: Set(key.clone()),
        version: Set(1),
        ..Default::default()
    };
    storage
        .put(&key, upload.bytes)
        .await
        .map_err(ApiError::Internal)?;
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
    save_urls(&*tx, &product, urls).await?;
    feed::sync_product(&tx, product_id).await?;
    tx.record(audit::Entry {
        action: "create",
        resource_type: "product_image",
        resource_id: view.id,
        province_code: Some(product.province_code.clone()),
        changes: audit::created(&view),
    })
    .await?;
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
    let mut tx = feed::begin(db, &caller.actor()).await?;
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
    save_urls(&*tx, &product, urls).await?;
    feed::sync_product(&tx, product_id).await?;
    let key = image.storage_key.clone();
    tx.record(audit::Entry {
        action: "delete",
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

/// The new order of a product's images.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ImageOrder {
    /// Every image id of the product, each once, in the new order.
    pub ids: Vec<Uuid>,
}

/// Puts a product's images in the order of `ids`, which must name each of
/// them once (422 otherwise).
pub async fn reorder(
    db: &DatabaseConnection,
    caller: &Caller,
    product_id: Uuid,
    ids: Vec<Uuid>,
    base: &str,
) -> ApiResult<Vec<ImageView>> {
    scope::load::<products::Entity>(db, caller, product_id).await?;
    let mut tx = feed::begin(db, &caller.actor()).await?;
    let rows = rows_of(&*tx, product_id).await?;
    let mut given = ids.clone();
    given.sort();
    given.dedup();
    let mut held: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    held.sort();
    if given.len() != ids.len() || given != held {
        return Err(ApiError::validation_one(
            "ids",
            "set",
            "must list every image of the product exactly once",
        ));
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
    save_urls(&*tx, &product, after.clone()).await?;
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
fn none_match(req: &HttpRequest, etag: &str) -> bool {
    let Some(value) = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    value
        .split(',')
        .map(str::trim)
        .any(|tag| tag == "*" || tag.strip_prefix("W/").unwrap_or(tag) == etag)
}

const PROBLEM: &str = "application/problem+json";

/// The form of an image upload.
#[derive(ToSchema)]
pub struct ImageUpload {
    /// The image: JPEG, PNG or WebP, at most 5 MiB. Its type is judged by
    /// its content; the file name and the part's `Content-Type` are
    /// ignored.
    #[schema(value_type = String, format = Binary, content_media_type = "application/octet-stream")]
    pub file: Vec<u8>,
}

/// Upload an image of a product.
///
/// By the product's pesantren managers, or an admin of its province. Send
/// `multipart/form-data` with one part `file`: a JPEG, PNG or WebP image
/// (judged by its content) of at most 5 MiB. The image gets a stable id
/// and URL; the URL is appended to the product's `images` (at most nine)
/// and so reaches the catalogue and its change feed.
#[utoipa::path(
    operation_id = "upload_product_image",
    tag = "products",
    params(("id" = Uuid, Path, description = "Product id")),
    request_body(content = ImageUpload, content_type = "multipart/form-data", description = "One part `file` holding the image."),
    security(("bearer" = ["admin", "pesantren_manager"])),
    responses(
        (status = 201, description = "Stored; `Location` is its URL.", body = ImageView),
        (status = 409, description = "The product already has nine images.", body = crate::error::Problem, content_type = PROBLEM),
        (status = 413, description = "The image is larger than 5 MiB.", body = crate::error::Problem, content_type = PROBLEM),
        (status = 415, description = "Not `multipart/form-data`, or the file is not a JPEG, PNG or WebP image.", body = crate::error::Problem, content_type = PROBLEM),
        (status = 422, description = "No part named `file`.", body = crate::error::Problem, content_type = PROBLEM)
    )
)]
#[post("/products/{id}/images")]
async fn upload_product_image(
    state: web::Data<AppState>,
    auth: Require<RegisterWriters>,
    id: web::Path<Uuid>,
    req: HttpRequest,
    payload: web::Payload,
) -> ApiResult<HttpResponse> {
    // Scope and room first: nobody uploads for nothing.
    let product = scope::load::<products::Entity>(&state.db, &auth, *id).await?;
    check_headers(&req)?;
    ensure_room(&state.db, &product).await?;
    let upload = read_upload(&req, payload).await?;
    let storage = storage(&state)?;
    let base = base_url(&state, &req);
    let image = add(&state.db, &storage, &auth, product.id, &base, upload).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, image.url.clone()))
        .json(image))
}

/// List the images of a product.
#[utoipa::path(
    operation_id = "list_product_images",
    tag = "products",
    params(("id" = Uuid, Path, description = "Product id")),
    security(("bearer" = ["admin", "curator", "pesantren_manager"])),
    responses((status = 200, description = "The product's uploaded images, in order.", body = Vec<ImageView>))
)]
#[get("/products/{id}/images")]
async fn list_product_images(
    state: web::Data<AppState>,
    auth: Require<RegisterStaff>,
    id: web::Path<Uuid>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let base = base_url(&state, &req);
    Ok(HttpResponse::Ok().json(list(&state.db, &auth, *id, &base).await?))
}

/// Reorder the images of a product.
///
/// `ids` names every image of the product once, in the new order; their
/// URLs take that order in the product's `images`.
#[utoipa::path(
    operation_id = "reorder_product_images",
    tag = "products",
    params(("id" = Uuid, Path, description = "Product id")),
    request_body = ImageOrder,
    security(("bearer" = ["admin", "pesantren_manager"])),
    responses(
        (status = 200, description = "The images in their new order.", body = Vec<ImageView>),
        (status = 422, description = "`ids` does not name each image of the product exactly once.", body = crate::error::Problem, content_type = PROBLEM)
    )
)]
#[put("/products/{id}/images/order")]
async fn reorder_product_images(
    state: web::Data<AppState>,
    auth: Require<RegisterWriters>,
    id: web::Path<Uuid>,
    req: HttpRequest,
    body: Body<ImageOrder>,
) -> ApiResult<HttpResponse> {
    let order = body.into_inner()?;
    let base = base_url(&state, &req);
    let images = reorder(&state.db, &auth, *id, order.ids, &base).await?;
    Ok(HttpResponse::Ok().json(images))
}

/// Delete an image of a product.
///
/// Its URL leaves the product's `images` (and the catalogue), and its
/// bytes are removed.
#[utoipa::path(
    operation_id = "delete_product_image",
    tag = "products",
    params(
        ("id" = Uuid, Path, description = "Product id"),
        ("image_id" = Uuid, Path, description = "Image id")
    ),
    security(("bearer" = ["admin", "pesantren_manager"])),
    responses((status = 204, description = "Deleted."))
)]
#[delete("/products/{id}/images/{image_id}")]
async fn delete_product_image(
    state: web::Data<AppState>,
    auth: Require<RegisterWriters>,
    path: web::Path<(Uuid, String)>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let (product_id, image_id) = path.into_inner();
    // Parsed here rather than by the extractor, so that the route's guard
    // answers first; an id that is no UUID names no image.
    let image_id: Uuid = image_id.parse().map_err(|_| image_not_found())?;
    let storage = storage(&state)?;
    let base = base_url(&state, &req);
    remove(&state.db, &storage, &auth, product_id, image_id, &base).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Get an image.
///
/// Public while its product is published (`Cache-Control: public`);
/// otherwise only for callers in the product's scope (`private`), and 404
/// for everyone else. The bytes of an id never change: they are cached for
/// a year, `ETag` is their SHA-256, and `If-None-Match` with it answers 304.
#[utoipa::path(
    operation_id = "get_image",
    tag = "products",
    params(("id" = Uuid, Path, description = "Image id")),
    security((), ("bearer" = ["admin", "curator", "pesantren_manager", "santri", "partner"])),
    responses(
        (status = 200, description = "The image, with its stored `Content-Type`.",
            content(
                (Vec<u8> = "image/jpeg"),
                (Vec<u8> = "image/png"),
                (Vec<u8> = "image/webp")
            ),
            headers(
                ("ETag" = String, description = "The SHA-256 of the bytes, quoted."),
                ("Cache-Control" = String, description = "`public, max-age=31536000, immutable` (or `private, …` for an unpublished product's image).")
            )
        ),
        (status = 304, description = "`If-None-Match` names the image's ETag.")
    )
)]
#[get("/images/{id}")]
async fn get_image(
    state: web::Data<AppState>,
    auth: Require<Public>,
    id: web::Path<Uuid>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let image = product_images::Entity::find_by_id(*id)
        .one(&state.db)
        .await?
        .ok_or_else(image_not_found)?;
    let public = visibility(&state.db, &auth, &image)
        .await?
        .ok_or_else(image_not_found)?;
    let etag = format!("\"{}\"", image.sha256);
    let cache = if public { CACHE_PUBLIC } else { CACHE_PRIVATE };
    if none_match(&req, &etag) {
        return Ok(HttpResponse::NotModified()
            .insert_header((header::ETAG, etag))
            .insert_header((header::CACHE_CONTROL, cache))
            .finish());
    }
    let bytes = storage(&state)?
        .get(&image.storage_key)
        .await
        .map_err(ApiError::Internal)?
        .ok_or_else(|| {
            ApiError::Internal(anyhow::anyhow!(
                "the bytes of image {} are missing from the media store ({})",
                image.id,
                image.storage_key
            ))
        })?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, image.content_type))
        .insert_header((header::ETAG, etag))
        .insert_header((header::CACHE_CONTROL, cache))
        .body(bytes))
}

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(upload_product_image)
        .service(list_product_images)
        // Before the route with `{image_id}`, which `order` would match.
        .service(reorder_product_images)
        .service(delete_product_image)
        .service(get_image);
}

#[cfg(test)]
mod tests {
    use super::*;

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
