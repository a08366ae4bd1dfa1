//! `/api/v1/products/{id}/images` and `/api/v1/images/{id}`.

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use uuid::Uuid;

use super::model::{ImageOrder, ImageUpload, ImageView};
use super::service::{self, Served};
use super::upload::read_upload;
use crate::auth::{Public, RegisterReaders, RegisterWriters, Require};
use crate::edit::Edit;
use crate::error::{ApiError, ApiResult, Code};
use crate::http::{Body, MergePatch};
use crate::state::AppState;

/// Upload an image of a product.
///
/// By the product's pesantren managers, or an admin of its province. Send
/// `multipart/form-data` with one part `file`: a JPEG, PNG or WebP image
/// (judged by its content) of at most 5 MiB and at most 8000 × 8000
/// pixels. The image is decoded (a decoding takes at most 256 MiB of
/// memory) and encoded again in its own format, so what is stored and
/// served holds pixels only: EXIF (GPS position, camera, time), XMP, ICC
/// profiles and text chunks are dropped, after the EXIF orientation is
/// applied. WebP is stored lossless. `size` and `sha256` are those of the
/// stored image (its `ETag`), not of the upload. The image gets a stable
/// id and URL; the URL is appended to the product's `images` (at most
/// nine). A new image is content no curator has seen: an `approved` or
/// `unlisted` product goes back to `in_review` (and out of the catalogue)
/// until a curator approves it again.
#[utoipa::path(
    post,
    path = "/products/{id}/images",
    tag = "products",
    params(("id" = Uuid, Path, description = "Product id")),
    request_body(content = ImageUpload, content_type = "multipart/form-data", description = "One part `file` holding the image."),
    responses(
        (status = 201, description = "Stored; `Location` is its URL.", body = ImageView),
        (status = 409, description = "The product already has nine images."),
        (status = 413, description = "The image is larger than 5 MiB."),
        (status = 415, description = "Not `multipart/form-data`, or the file is not a JPEG, PNG or WebP image that decodes (`image.not_an_image`)."),
        (status = 422, description = "No part named `file`; or the image is wider or taller than 8000 pixels, or would take more than 256 MiB to decode (`image.too_many_pixels`).")
    )
)]
pub(super) async fn upload_product_image(
    auth: Require<RegisterWriters>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    req: HttpRequest,
    payload: web::Payload,
) -> ApiResult<HttpResponse> {
    let base = state.base_url(&req);
    let upload = read_upload(&req, payload);
    let image = service::add(&state.db, &state.storage, &auth, *id, &base, upload).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, image.url.clone()))
        .json(image))
}

/// List the images of a product.
#[utoipa::path(
    get,
    path = "/products/{id}/images",
    tag = "products",
    params(("id" = Uuid, Path, description = "Product id")),
    responses((status = 200, description = "The product's uploaded images, in order.", body = Vec<ImageView>))
)]
pub(super) async fn list_product_images(
    auth: Require<RegisterReaders>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let base = state.base_url(&req);
    Ok(HttpResponse::Ok().json(service::list(&state.db, &auth, *id, &base).await?))
}

/// Reorder the images of a product.
///
/// `ids` names every image of the product once, in the new order; their
/// URLs take that order in the product's `images`.
#[utoipa::path(
    put,
    path = "/products/{id}/images/order",
    tag = "products",
    params(("id" = Uuid, Path, description = "Product id")),
    request_body = ImageOrder,
    responses(
        (status = 200, description = "The images in their new order.", body = Vec<ImageView>),
        (status = 422, description = "`ids` does not name each image of the product exactly once.")
    )
)]
pub(super) async fn reorder_product_images(
    auth: Require<RegisterWriters>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    req: HttpRequest,
    body: Body<ImageOrder>,
) -> ApiResult<HttpResponse> {
    let base = state.base_url(&req);
    let edit = Edit::Input(body.into_inner());
    let images = service::reorder(&state.db, &auth, *id, edit, &base).await?;
    Ok(HttpResponse::Ok().json(images))
}

/// Reorder the images of a product (JSON Merge Patch).
///
/// As `PUT`: a merge patch replaces the list `ids` whole.
#[utoipa::path(
    patch,
    path = "/products/{id}/images/order",
    tag = "products",
    params(("id" = Uuid, Path, description = "Product id")),
    request_body(content = ImageOrder, content_type = "application/merge-patch+json"),
    responses(
        (status = 200, description = "The images in their new order.", body = Vec<ImageView>),
        (status = 415, description = "The body is not a merge patch."),
        (status = 422, description = "`ids` does not name each image of the product exactly once.")
    )
)]
pub(super) async fn patch_product_images(
    auth: Require<RegisterWriters>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    req: HttpRequest,
    patch: MergePatch,
) -> ApiResult<HttpResponse> {
    let base = state.base_url(&req);
    let images = service::reorder(&state.db, &auth, *id, Edit::Patch(patch.0), &base).await?;
    Ok(HttpResponse::Ok().json(images))
}

/// Delete an image of a product.
///
/// Its URL leaves the product's `images` (and the catalogue), and its
/// bytes are removed.
#[utoipa::path(
    delete,
    path = "/products/{id}/images/{image_id}",
    tag = "products",
    params(
        ("id" = Uuid, Path, description = "Product id"),
        ("image_id" = Uuid, Path, description = "Image id")
    ),
    responses((status = 204, description = "Deleted."))
)]
pub(super) async fn delete_product_image(
    auth: Require<RegisterWriters>,
    state: web::Data<AppState>,
    path: web::Path<(Uuid, String)>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let (product_id, image_id) = path.into_inner();
    // An id that is no UUID names no image: 404, as for any other.
    let image_id: Uuid = image_id
        .parse()
        .map_err(|_| ApiError::new(Code::ImageNotFound))?;
    let base = state.base_url(&req);
    service::remove(
        &state.db,
        &state.storage,
        &auth,
        product_id,
        image_id,
        &base,
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Get an image.
///
/// Public while its product is published (`Cache-Control: public`);
/// otherwise only for callers in the product's scope (`private`), and 404
/// for everyone else. The bytes of an id never change: they are cached for
/// a year, `ETag` is their SHA-256, and `If-None-Match` with it answers 304.
#[utoipa::path(
    get,
    path = "/images/{id}",
    tag = "products",
    params(("id" = Uuid, Path, description = "Image id")),
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
pub(super) async fn get_image(
    auth: Require<Public>,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let if_none_match = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok());
    Ok(
        match service::serve(&state.db, &state.storage, &auth, *id, if_none_match).await? {
            Served::NotModified { etag, cache } => HttpResponse::NotModified()
                .insert_header((header::ETAG, etag))
                .insert_header((header::CACHE_CONTROL, cache))
                .finish(),
            Served::Image {
                bytes,
                content_type,
                etag,
                cache,
            } => HttpResponse::Ok()
                .insert_header((header::CONTENT_TYPE, content_type))
                .insert_header((header::ETAG, etag))
                .insert_header((header::CACHE_CONTROL, cache))
                .body(bytes),
        },
    )
}
