//! The retention task (UU 27/2022: data kept no longer than its purpose
//! needs): erases alumni `OPOP_SANTRI_RETENTION_YEARS` after they left,
//! and records whose consent was withdrawn
//! `OPOP_CONSENT_WITHDRAWN_ERASE_DAYS` after the withdrawal.
//!
//! Every instance runs it. Each record is erased in its own transaction
//! with a conditional write on its version, as the expiry task re-checks
//! each product under its row lock: of two instances that pick the same
//! record, one erases it and the other's write matches no row and rolls
//! back, so each record is erased (and audited) exactly once.

use std::time::Duration;

use chrono::{DateTime, Months, Utc};
use entity::{santri, SantriStatus};
use sea_orm::{ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect};

use super::erasure;
use crate::audit::{Actor, WriteTx};
use crate::config::Retention;
use crate::error::{ApiResult, Code};
use crate::publication;

/// Records handled per pass; the next pass takes the rest.
const BATCH: u64 = 200;

/// One pass as of `now`: answers how many records were erased.
pub async fn run_once(
    db: &DatabaseConnection,
    rules: Retention,
    now: DateTime<Utc>,
) -> ApiResult<usize> {
    let left_before = publication::day_of(now)
        .checked_sub_months(Months::new(rules.alumni_years.saturating_mul(12)))
        .unwrap_or_default();
    let withdrawn_before = now - chrono::Duration::days(i64::from(rules.withdrawn_days));
    let due = santri::Entity::find()
        .filter(santri::Column::ErasedAt.is_null())
        .filter(
            Condition::any()
                .add(
                    Condition::all()
                        .add(santri::Column::Status.eq(SantriStatus::Alumni))
                        .add(santri::Column::LeftOn.lt(left_before)),
                )
                .add(santri::Column::ConsentWithdrawnAt.lte(withdrawn_before)),
        )
        .limit(BATCH)
        .all(db)
        .await?;
    let mut erased = 0;
    for row in due {
        let action = if row.consent_withdrawn_at.is_some() {
            "erase_consent_withdrawn"
        } else {
            "erase_retention"
        };
        let mut tx = WriteTx::begin(db, &Actor::system()).await?;
        match erasure::erase(&mut tx, &row, action).await {
            Ok(_) => {
                tx.commit().await?;
                erased += 1;
            }
            // Another instance (or a person) changed it first.
            Err(e) if e.code() == Code::RequestVersionMismatch => continue,
            Err(e) => return Err(e),
        }
    }
    if erased > 0 {
        erasure::sweep(db).await;
    }
    Ok(erased)
}

/// Runs [`run_once`] every `interval_secs` until the process ends.
pub fn spawn(db: DatabaseConnection, rules: Retention) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(Duration::from_secs(rules.interval_secs.max(1)));
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticker.tick().await;
            match run_once(&db, rules, Utc::now()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(erased = n, "erased santri records past retention"),
                Err(e) => {
                    tracing::warn!(error = %e, "the retention pass failed; it will run again")
                }
            }
        }
    })
}
