//! Withdrawing products whose publication ended by the passing of time.
//!
//! The catalogue itself never shows a product after its halal certificate's
//! `expires_on`: its reads compare the read model's `halal_until` with
//! today's date.
//! What time cannot do by itself is write the `delete` event partners need;
//! this task does, on every instance, every `OPOP_EXPIRY_INTERVAL_SECS`.
//! Several instances may run it at once: each product is re-checked under
//! the product's row lock, so the second instance finds it already withdrawn and
//! writes nothing.

use std::time::Duration;

use entity::{products, ChangeOp};
use sea_orm::{DatabaseConnection, EntityTrait};

use crate::audit::{Actor, Entry};
use crate::error::ApiResult;
use crate::feed;

/// Products handled per pass; the next pass takes the rest.
const BATCH: u64 = 500;

/// One pass: answers how many products were withdrawn. Products whose
/// certificate summary changed (a certificate that did not decide their
/// publication expired) get a fresh `upsert` too, not counted here.
pub async fn run_once(db: &DatabaseConnection) -> ApiResult<usize> {
    let mut withdrawn = 0;
    let mut ids = feed::stale_products(db, BATCH).await?;
    ids.extend(feed::recently_expired(db, BATCH).await?);
    for id in ids {
        let mut tx = feed::begin(db, &Actor::system()).await?;
        let (action, published) = match feed::sync_product(&tx, id).await? {
            Some(ChangeOp::Delete) => ("withdraw", false),
            Some(ChangeOp::Upsert) => ("refresh", true),
            // Nothing changed, or another instance was first: the
            // transaction rolls back with nothing written.
            None => continue,
        };
        let province = products::Entity::find_by_id(id)
            .one(&*tx)
            .await?
            .map(|p| p.province_code);
        tx.record(Entry {
            action,
            resource_type: "product",
            resource_id: id,
            province_code: province,
            changes: serde_json::json!({"published": published, "reason": "a certificate expired"}),
        })
        .await?;
        tx.commit().await?;
        if !published {
            withdrawn += 1;
        }
    }
    Ok(withdrawn)
}

/// Runs [`run_once`] every `interval` until the process ends.
pub fn spawn(db: DatabaseConnection, interval: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(interval);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticker.tick().await;
            match run_once(&db).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(
                    withdrawn = n,
                    "withdrew products whose certificates expired"
                ),
                Err(e) => tracing::warn!(error = %e, "the expiry pass failed; it will run again"),
            }
        }
    })
}
