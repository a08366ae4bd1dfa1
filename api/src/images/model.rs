//! Request and response types of product images, and the formats accepted.

use entity::product_images;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

pub use crate::products::model::{is_own_url, IMAGE_PATH, MAX_IMAGES};
/// The largest image accepted, in bytes (5 MiB).
pub const MAX_BYTES: usize = 5 * 1024 * 1024;
/// What a multipart body may carry beyond the image itself (boundaries,
/// part headers, small extra fields) before it is refused unread.
pub const ENVELOPE_BYTES: usize = 64 * 1024;
/// `Cache-Control` of an image of a published product: the bytes of an id
/// never change.
pub const CACHE_PUBLIC: &str = "public, max-age=31536000, immutable";
/// `Cache-Control` of an image shown only to callers in its product's
/// scope: browsers may keep it, shared caches may not.
pub const CACHE_PRIVATE: &str = "private, max-age=31536000, immutable";

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
    /// Bytes, as stored: the image encoded again without its metadata,
    /// not the upload.
    #[schema(example = 284113)]
    pub size: i64,
    /// Hex SHA-256 of the stored bytes (those served); also the image's
    /// `ETag`.
    #[schema(example = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")]
    pub sha256: String,
    /// Place in the product's order, from 0.
    pub position: i32,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

pub fn image_path(id: Uuid) -> String {
    format!("{IMAGE_PATH}{id}")
}

pub fn render(base: &str, row: product_images::Model) -> ImageView {
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
pub fn is_url_of(url: &str, id: Uuid) -> bool {
    url.ends_with(&image_path(id))
}

/// The new order of a product's images.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ImageOrder {
    /// Every image id of the product, each once, in the new order.
    pub ids: Vec<Uuid>,
}

/// The form of an image upload.
#[derive(ToSchema)]
pub struct ImageUpload {
    /// The image: JPEG, PNG or WebP, at most 5 MiB and 8000 × 8000 pixels.
    /// Its type is judged by its content; the file name and the part's
    /// `Content-Type` are ignored. It is stored encoded again, without
    /// metadata.
    #[schema(value_type = String, format = Binary, content_media_type = "application/octet-stream")]
    pub file: Vec<u8>,
}

crate::check_nothing!(ImageOrder);
