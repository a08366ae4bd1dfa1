//! Images stored before uploads were re-encoded (issue 17, finding 7):
//! their bytes may still carry EXIF (the GPS position where a child was
//! photographed), or be an image built to explode when decoded. Each
//! instance, when it starts, re-encodes them in the background exactly as an
//! upload is now ([`super::process`]), until none is left:
//! - an image that decodes within the limits gets its new bytes under a new
//!   key; its row (size, SHA-256 and so ETag, key, `cleaned_at`) changes by a
//!   write conditional on the old key, and only then are the old bytes
//!   deleted. Of two instances at the same image, one wins and the other
//!   deletes its own copy; a reader meanwhile gets the old or the new image,
//!   whole.
//! - an image that does not decode, or is too large to, is taken down as a
//!   deletion would (its URL leaves the product and the catalogue, audited
//!   as `withdraw_unsafe` by `system`): serving it was the attack.
//!
//! Until an image's turn comes it is served as it was; with the few images a
//! province holds that is seconds after start.

use bytes::Bytes;
use entity::product_images;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, ExprTrait, QueryFilter, QueryOrder, QuerySelect,
};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::model::ImageKind;
use super::process::reencode_off_workers;
use super::service::{stored_bytes, take_down};
use crate::audit::Actor;
use crate::db;
use crate::error::{ApiError, ApiResult, Code};
use crate::storage::Storage;

/// Images read per query.
const BATCH: u64 = 20;

/// What a pass did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Cleaned {
    /// Re-encoded and stored again.
    pub reencoded: u64,
    /// Taken down: they did not decode within the limits.
    pub withdrawn: u64,
    /// Left for the next pass: an error reading or writing, or the image
    /// changed meanwhile.
    pub left: u64,
}

/// Re-encodes every image stored before re-encoding existed.
pub async fn run_once(
    db: &DatabaseConnection,
    storage: &Storage,
    base: &str,
) -> ApiResult<Cleaned> {
    let mut done = Cleaned::default();
    let mut after: Option<Uuid> = None;
    loop {
        let mut q = product_images::Entity::find()
            .filter(product_images::Column::CleanedAt.is_null())
            .order_by_asc(product_images::Column::Id)
            .limit(BATCH);
        if let Some(id) = after {
            q = q.filter(product_images::Column::Id.gt(id));
        }
        let images = q.all(db).await?;
        let Some(last) = images.last() else {
            break;
        };
        after = Some(last.id);
        for image in images {
            match clean_one(db, storage, base, &image).await {
                Ok(Outcome::Reencoded) => done.reencoded += 1,
                Ok(Outcome::Withdrawn) => done.withdrawn += 1,
                Ok(Outcome::Changed) => done.left += 1,
                Err(e) => {
                    done.left += 1;
                    tracing::warn!(image = %image.id, error = %e, "an image could not be re-encoded; the next start tries again");
                }
            }
        }
    }
    if done != Cleaned::default() {
        tracing::info!(
            reencoded = done.reencoded,
            withdrawn = done.withdrawn,
            left = done.left,
            "images stored before re-encoding were cleaned"
        );
    }
    Ok(done)
}

/// Runs [`run_once`] in the background, once.
pub fn spawn(
    db: DatabaseConnection,
    storage: Storage,
    base: String,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        if let Err(e) = run_once(&db, &storage, &base).await {
            tracing::warn!(error = %e, "cleaning stored images failed; the next start tries again");
        }
    })
}

enum Outcome {
    Reencoded,
    Withdrawn,
    Changed,
}

async fn clean_one(
    db: &DatabaseConnection,
    storage: &Storage,
    base: &str,
    image: &product_images::Model,
) -> ApiResult<Outcome> {
    let bytes = stored_bytes(storage, image).await?;
    let reencoded = match ImageKind::sniff(&bytes) {
        Some(kind) => reencode_off_workers(bytes, kind).await.map(|b| (kind, b)),
        None => Err(ApiError::new(Code::ImageNotAnImage)),
    };
    let (kind, bytes) = match reencoded {
        Ok(done) => done,
        Err(e) if matches!(e.code(), Code::ImageNotAnImage | Code::ImageTooManyPixels) => {
            take_down(
                db,
                storage,
                &Actor::system(),
                image.product_id,
                image.id,
                base,
                "withdraw_unsafe",
            )
            .await?;
            tracing::warn!(image = %image.id, product = %image.product_id, reason = e.code().as_str(), "an image stored before re-encoding did not decode within the limits and was taken down");
            return Ok(Outcome::Withdrawn);
        }
        Err(e) => return Err(e),
    };
    let key = format!(
        "products/{}/{}-{}.{}",
        image.product_id,
        image.id,
        db::new_id().simple(),
        kind.extension()
    );
    let sha256 = hex::encode(Sha256::digest(&bytes));
    let size = bytes.len() as i64;
    storage
        .put(&key, Bytes::from(bytes))
        .await
        .map_err(ApiError::internal)?;
    let now = db::now();
    let written = product_images::Entity::update_many()
        .col_expr(product_images::Column::StorageKey, Expr::value(key.clone()))
        .col_expr(product_images::Column::Sha256, Expr::value(sha256))
        .col_expr(product_images::Column::SizeBytes, Expr::value(size))
        .col_expr(
            product_images::Column::ContentType,
            Expr::value(kind.content_type()),
        )
        .col_expr(product_images::Column::CleanedAt, Expr::value(Some(now)))
        .col_expr(product_images::Column::UpdatedAt, Expr::value(now))
        .col_expr(
            product_images::Column::Version,
            Expr::col(product_images::Column::Version).add(1),
        )
        .filter(product_images::Column::Id.eq(image.id))
        .filter(product_images::Column::StorageKey.eq(image.storage_key.as_str()))
        .exec(db)
        .await?;
    // Whichever bytes no row names any more go.
    let (unused, outcome) = if written.rows_affected == 1 {
        (image.storage_key.as_str(), Outcome::Reencoded)
    } else {
        (key.as_str(), Outcome::Changed)
    };
    if let Err(e) = storage.delete(unused).await {
        tracing::error!(error = ?e, key = unused, "unused image bytes could not be removed");
    }
    Ok(outcome)
}
