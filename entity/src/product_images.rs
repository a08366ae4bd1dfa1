//! Images uploaded for a product: the bytes live in the media store under
//! `storage_key`; the row keeps their order, type, size and content hash.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "product_images")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub product_id: Uuid,
    pub pesantren_id: Uuid,
    pub province_code: String,
    /// Order within the product, from 0.
    pub position: i32,
    /// `image/jpeg`, `image/png` or `image/webp`, as detected from the bytes.
    pub content_type: String,
    pub size_bytes: i64,
    /// Hex SHA-256 of the bytes: also the image's `ETag`.
    pub sha256: String,
    /// Key of the bytes in the media store:
    /// `products/<product id>/<image id>.<ext>`.
    pub storage_key: String,
    /// When the bytes were decoded and encoded again (only pixels kept);
    /// null for images stored before that, until the server re-encodes them.
    pub cleaned_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
    #[sea_orm(belongs_to, from = "product_id", to = "id", on_delete = "Cascade")]
    pub product: BelongsTo<super::products::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
