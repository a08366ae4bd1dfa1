//! Images of a product: uploaded by its pesantren (JPEG, PNG or WebP, at
//! most 5 MiB and 8000 × 8000 pixels, at most nine a product), decoded and
//! encoded again so that no metadata (EXIF GPS positions) is kept
//! ([`process`]), kept in the media store (a
//! directory, or an S3 bucket: see [`crate::storage`]) under a stable id,
//! and served at a stable URL, `/api/v1/images/{id}`, that is appended to
//! the product's `images`. The bytes behind an id never change, so they are
//! served with a year-long immutable cache and their SHA-256 as `ETag`.
//!
//! Every change of a product's images changes what the catalogue shows, so
//! it ends with the product's change-feed sync in the same transaction. A
//! new image is content no curator has seen: it sends an approved product
//! back to review (`docs/curation.md`); removing or reordering does not.
//!
//! Who sees an image: everyone while its product is published; otherwise
//! only callers in the product's scope (its pesantren's managers, curators
//! and admins of its province). Ids are UUID v7, ordered by time and so
//! partly guessable: they are not a secret.

pub mod endpoints;
pub mod model;
pub mod process;
pub mod service;
pub mod stripping;
pub mod upload;

use utoipa_actix_web::service_config::ServiceConfig;

use crate::operation::op;
use endpoints::*;

pub use model::{ImageView, MAX_IMAGES};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(op(upload_product_image, __path_upload_product_image))
        .service(op(list_product_images, __path_list_product_images))
        // Before the route with `{image_id}`, which `order` would match.
        .service(op(reorder_product_images, __path_reorder_product_images))
        .service(op(patch_product_images, __path_patch_product_images))
        .service(op(delete_product_image, __path_delete_product_image))
        .service(op(get_image, __path_get_image));
}
